"""Which step answers which decay sign: inferred from shared words, or stated."""

from __future__ import annotations

from pathlib import Path

from vitalitybot.patterns import Pattern, RemedySource, parse_pattern
from vitalitybot.patterns.errors import Findings
from vitalitybot.patterns.model import Sign, Step
from vitalitybot.patterns.parse import parse_file
from vitalitybot.patterns.remedies import (
    MIN_SIMILARITY,
    feedback_steps_for,
    infer_remedies,
    tokens,
)

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str, text: str | None = None) -> Pattern:
    path = FIXTURES / name
    return parse_pattern(path, path.read_text(encoding="utf-8") if text is None else text)


def test_tokens_are_stemmed_content_words() -> None:
    assert tokens("The documentation of our contributions was documented") == [
        "document",
        "contribut",
        "document",
    ]


def test_non_ascii_punctuation_separates_words_as_ascii_does() -> None:
    assert tokens("Feedback—documentation’s “loops”") == tokens("Feedback-documentation's loops")
    assert tokens("Feedback—documentation’s “loops”") == ["feedback", "document", "loop"]
    # The Kelvin sign lowers to "k", so "\u212aeepers" is the word "keepers".
    assert tokens("Tired \u212aeepers") == tokens("tired keepers") == ["tire", "keeper"]


def test_each_sign_maps_to_the_step_that_shares_its_words() -> None:
    pattern = load("v71-sample.md")
    assert pattern.remedy_for("nobody-hears-back")[0].title == "Hear back from neighbours"
    assert pattern.remedy_for("keeper-fatigue")[0].title == "Rest the keeper"
    remedies = pattern.remedies_in_effect()
    assert {r.sign_id for r in remedies} >= {"nobody-hears-back", "keeper-fatigue"}
    assert all(r.source is RemedySource.SIMILARITY for r in remedies)
    assert all(MIN_SIMILARITY <= r.confidence <= 1 for r in remedies)


def test_the_title_of_a_step_weighs_more_than_its_body() -> None:
    signs = [Sign("silence", "Silence about the harvest", "")]
    steps = [
        Step(1, "Harvest together", "Meet and talk."),
        Step(2, "Write a letter", "Mention the harvest once."),
    ]
    (remedy,) = infer_remedies(signs, steps)
    assert remedy.step_numbers == (1,)


def test_a_close_runner_up_is_offered_too() -> None:
    signs = [Sign("tired-keepers", "Tired keepers", "The keepers of the notes are tired.")]
    steps = [
        Step(1, "Rest the keepers", "Give keepers a break."),
        Step(2, "Support the keepers", "Give keepers a helper."),
        Step(3, "Print posters", "Colourful paper."),
    ]
    (remedy,) = infer_remedies(signs, steps)
    assert set(remedy.step_numbers) == {1, 2}


def test_no_shared_words_means_no_remedy() -> None:
    signs = [Sign("rain", "Rain", "It rains.")]
    steps = [Step(1, "Buy chairs", "Comfortable seats."), Step(2, "Bake bread", "Flour.")]
    assert infer_remedies(signs, steps) == ()


def test_the_vitalitybot_block_overrides_the_inferred_remedy() -> None:
    with_block = load("with-block.md")
    text = (FIXTURES / "with-block.md").read_text(encoding="utf-8")
    without_block = load("with-block.md", text.replace("      remedy: [3]\n", ""))
    assert with_block.remedy_for("bench-stays-empty")[0].title == "Invite passers-by"
    (stated,) = [r for r in with_block.remedies_in_effect() if r.sign_id == "bench-stays-empty"]
    assert stated.source is RemedySource.EXPLICIT and stated.confidence == 1.0
    (inferred,) = [
        r for r in without_block.remedies_in_effect() if r.sign_id == "bench-stays-empty"
    ]
    assert inferred.source is RemedySource.SIMILARITY
    assert inferred.step_numbers != (3,)
    # Signs the block does not mention keep their inferred remedy.
    (other,) = [r for r in with_block.remedies_in_effect() if r.sign_id == "stories-are-not-heard"]
    assert other.source is RemedySource.SIMILARITY


def test_a_stated_remedy_naming_no_step_is_reported_and_the_remedy_inferred() -> None:
    """The step numbers a block states are checked when the file is read, so ``patterns
    check`` shows the mistake; the sign then gets the remedy its wording suggests."""
    text = (FIXTURES / "with-block.md").read_text(encoding="utf-8")
    findings = Findings()
    wrong = text.replace("      remedy: [3]\n", "      remedy: [9]\n")
    pattern = parse_file(FIXTURES / "with-block.md", wrong, findings).pattern
    (warning,) = findings.warnings
    assert warning.line == 12  # the "remedy:" line
    assert "'vitalitybot.signs.bench-stays-empty.remedy' names step 9" in warning.reason
    assert pattern.remedies == ()
    (remedy,) = [r for r in pattern.remedies_in_effect() if r.sign_id == "bench-stays-empty"]
    assert remedy.source is RemedySource.SIMILARITY
    assert [s.number for s in pattern.remedy_for("bench-stays-empty")] == list(remedy.step_numbers)


def test_feedback_steps_come_from_the_block_or_from_step_titles() -> None:
    assert load("with-block.md").feedback_steps == (2,)
    assert load("v71-sample.md").feedback_steps == (3,)
    steps = [Step(1, "Map it", ""), Step(2, "Close the loop with readers", "")]
    assert feedback_steps_for(steps, None) == (2,)
    assert feedback_steps_for(steps, (1,)) == (1,)


def test_seed_pattern_maps_its_signs_to_the_right_steps(seeds_dir: Path) -> None:
    (path,) = seeds_dir.glob("000_*.txt")
    pattern = parse_pattern(path, path.read_text(encoding="utf-8"))
    assert pattern.slug == "cop-commons-alignment"
    assert pattern.remedy_for("no-feedback")[0].title == "Establish a feedback mechanism"
    assert pattern.remedy_for("contribution-fatigue")[0].title == "Protect the contribution effort"
    assert pattern.feedback_steps == (5,)

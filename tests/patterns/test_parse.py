"""A whole file -> a Pattern, in both formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from vitalitybot.patterns import (
    BodyFormat,
    Cadence,
    Duration,
    Pattern,
    PatternFileError,
    Relationship,
    RemedySource,
    Score,
    SignSource,
    parse_pattern,
)
from vitalitybot.patterns.errors import Findings
from vitalitybot.patterns.model import Ritual
from vitalitybot.patterns.parse import parse_file

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> Pattern:
    path = FIXTURES / name
    return parse_pattern(path, path.read_text(encoding="utf-8"))


def test_a_v71_file_gives_every_part() -> None:
    pattern = load("v71-sample.md")
    assert (pattern.slug, pattern.title) == ("shared-harvest", "Shared Harvest")
    assert pattern.body_format is BodyFormat.V71
    assert pattern.source == FIXTURES / "v71-sample.md"
    assert pattern.aliases == ("Harvest Circle",)
    assert pattern.summary.startswith("A small group gathers what its members learned and passes")
    assert pattern.scores == (
        Score("value_creation", 4.0),
        Score("resilience", 2.5),
        Score("overall_score", 3.2),
    )
    assert pattern.scores_from == "commons_assessment"
    assert pattern.relationships == (
        Relationship("enables", "open-notebook", 0.7),
        Relationship("requires", "kitchen-table-meeting"),
    )
    assert [s.title for s in pattern.signs_of_life] == ["Notes travel", "Keepers volunteer"]
    assert pattern.signs_of_life_from is SignSource.VITALITY
    assert [s.id for s in pattern.signs_of_decay] == ["nobody-hears-back", "keeper-fatigue"]
    assert pattern.signs_of_decay[1].text == "The keeper burns out and the role is left empty."
    assert pattern.signs_of_decay_from is SignSource.VITALITY
    assert pattern.replant is not None
    assert pattern.replant.text.startswith("If the decay signs last after 4–6 months")
    assert pattern.replant.durations == (Duration(4, "month"), Duration(6, "month"))
    assert pattern.replant.min_months == 4
    assert [(s.number, s.title) for s in pattern.steps] == [
        (1, "Pick a harvest keeper"),
        (2, "Hold a harvest evening"),
        (3, "Hear back from neighbours"),
        (4, "Rest the keeper"),
    ]
    assert pattern.steps[1].text.endswith("Each evening ends with a short round of thanks.")
    assert pattern.solution == (
        "Therefore, set aside a regular moment to collect what was learned and hand it on."
    )
    assert pattern.license == "CC-BY-4.0"
    assert pattern.attribution == "Written for the vitalitybot tests"
    # The harvest keeper's quarter is the check-in's rhythm, the one under "Signs of
    # life" the survey's; meetings ("meet weekly", "meet monthly or quarterly") are the
    # community's own.
    [checkin] = pattern.stated_rhythm(Ritual.CHECKIN)
    assert (checkin.cadence, checkin.phrase) == (Cadence.QUARTERLY, "each quarter")
    [survey] = pattern.stated_rhythm(Ritual.SURVEY)
    assert (survey.cadence, survey.phrase, survey.section) == (
        Cadence.MONTHLY,
        "at least monthly",
        "Signs of life",
    )
    assert {(r.cadence, r.section) for r in pattern.rhythms} >= {
        (Cadence.MONTHLY, "Implementation"),
        (Cadence.QUARTERLY, "Implementation"),
        (Cadence.MONTHLY, "Signs of life"),
    }
    assert all(r.section != "References" for r in pattern.rhythms)
    assert pattern.prompts == ()


def test_a_legacy_file_falls_back_to_common_challenges() -> None:
    pattern = load("legacy-challenges.md")
    assert pattern.slug == "legacy-challenges"  # no slug key: the file name
    assert pattern.body_format is BodyFormat.LEGACY
    assert pattern.aliases == ("Swap Table",)
    assert pattern.scores == (Score("commons_alignment", 3.0),)
    assert pattern.scores_from == "commons_alignment"
    assert pattern.relationships == (
        Relationship("enables", "tool-library"),
        Relationship("related", "pat_0123456789"),
    )
    assert [s.title for s in pattern.signs_of_decay] == ["Empty jars", "Mystery seeds"]
    assert pattern.signs_of_decay_from is SignSource.COMMON_CHALLENGES
    assert pattern.signs_of_life == () and pattern.signs_of_life_from is None
    assert [s.title for s in pattern.steps] == ["Find a corner", "Label the jars", "Keep a ledger"]
    assert pattern.solution == "A seed swap table lets growers trade saved seeds at the market."
    assert pattern.replant is None


def test_anti_patterns_come_before_common_challenges() -> None:
    pattern = load("legacy-antipatterns.md")
    assert pattern.signs_of_decay_from is SignSource.ANTI_PATTERNS
    assert [s.title for s in pattern.signs_of_decay] == ["Hoarding", "Broken returns"]
    assert [s.title for s in pattern.steps] == [
        "Put the shelf where people pass by",
        "Write the borrower's name on a card",
    ]


def test_the_vitalitybot_block_adds_wording_prompts_and_feedback_steps() -> None:
    pattern = load("with-block.md")
    sign = pattern.sign("bench-stays-empty")
    assert sign is not None
    assert sign.survey_wording == "Hardly anyone sits on the bench these days."
    other = pattern.sign("stories-are-not-heard")
    assert other is not None and other.survey_wording is None
    assert pattern.prompts == ("What did we hear this month?", "Who have we not heard from?")
    assert pattern.feedback_steps == (2,)


def test_signs_may_be_defined_in_the_block_alone() -> None:
    text = (
        "---\ntitle: Bot Pattern\nvitalitybot:\n  signs:\n    quiet-channel:\n"
        "      survey: The channel has gone quiet.\n      remedy: [1]\n---\n"
        "## Implementation\n\n1. Post a question\n2. Reply to everyone\n"
    )
    pattern = parse_pattern(Path("bot.md"), text)
    (sign,) = pattern.signs_of_decay
    assert (sign.id, sign.title, sign.survey_wording) == (
        "quiet-channel",
        "Quiet channel",
        "The channel has gone quiet.",
    )
    assert pattern.signs_of_decay_from is SignSource.FRONTMATTER
    assert pattern.remedy_for("quiet-channel")[0].title == "Post a question"


def test_block_sign_keys_are_read_as_sign_ids() -> None:
    """A key written like the sign's title, in any case or with underscores, still names
    the sign: keys go through the same rule as titles (docs/pattern-format.md)."""
    path = FIXTURES / "with-block.md"
    text = path.read_text(encoding="utf-8").replace(
        "    bench-stays-empty:\n", "    Bench_Stays Empty:\n"
    )
    assert "Bench_Stays Empty" in text
    pattern = parse_pattern(path, text)
    sign = pattern.sign("bench-stays-empty")
    assert sign is not None
    assert sign.survey_wording == "Hardly anyone sits on the bench these days."
    (remedy,) = [r for r in pattern.remedies if r.sign_id == "bench-stays-empty"]
    assert (remedy.source, remedy.step_numbers) == (RemedySource.EXPLICIT, (3,))


def test_block_step_numbers_that_do_not_exist_are_dropped_with_a_warning() -> None:
    text = (
        "---\ntitle: P\nvitalitybot:\n  feedback_steps: [9]\n---\n"
        "## Implementation\n\n1. One\n2. Two\n"
    )
    findings = Findings()
    pattern = parse_file(Path("p.md"), text, findings).pattern
    assert pattern.feedback_steps == ()
    (warning,) = findings.warnings
    assert warning.line == 4
    assert "step 9" in warning.reason and "steps 1 to 2" in warning.reason


def test_missing_and_empty_titles() -> None:
    with pytest.raises(PatternFileError) as missing:
        parse_pattern(Path("p.md"), "---\nslug: p\n---\nbody\n")
    assert missing.value.line == 1
    with pytest.raises(PatternFileError) as empty:
        parse_pattern(Path("p.md"), "---\nslug: p\ntitle: '  '\n---\nbody\n")
    assert empty.value.line == 3


def test_windows_line_endings_and_a_byte_order_mark() -> None:
    text = "\ufeff---\r\ntitle: Crlf\r\n---\r\n## Implementation\r\n\r\n1. One\r\n2. Two\r\n"
    pattern = parse_pattern(Path("crlf.md"), text)
    assert pattern.title == "Crlf"
    assert [s.title for s in pattern.steps] == ["One", "Two"]

from __future__ import annotations

from collections.abc import Callable

from vitalitybot.patterns.model import Pattern
from vitalitybot.vitality.prompts import (
    DEFAULT_PROMPTS,
    HINT_MAX,
    LABEL_MAX,
    MAX_PROMPTS,
    MAX_REVIEW_PROMPTS,
    SHORT_ANSWER_HINT,
    checkin_prompts,
    review_prompt,
)

MakePattern = Callable[..., Pattern]


def test_defaults_are_five_prompts_within_discord_limits() -> None:
    assert len(DEFAULT_PROMPTS) == 5
    for prompt in DEFAULT_PROMPTS:
        assert 0 < len(prompt.label) <= LABEL_MAX
        assert 0 < len(prompt.hint) <= HINT_MAX


def test_defaults_cover_clear_surprise_failure_success_and_offer() -> None:
    labels = " ".join(p.label.lower() for p in DEFAULT_PROMPTS)
    for theme in ("clearer", "surprised", "not work", "worked well", "offer"):
        assert theme in labels


def test_no_patterns_or_no_pattern_prompts_give_the_defaults(make_pattern: MakePattern) -> None:
    assert checkin_prompts([]) == list(DEFAULT_PROMPTS)
    silent = [make_pattern("a"), make_pattern("b", prompts=["   "])]
    assert checkin_prompts(silent) == list(DEFAULT_PROMPTS)


def test_pattern_prompts_replace_the_defaults(make_pattern: MakePattern) -> None:
    pattern = make_pattern("a", prompts=["What did we hand on?", "Who used it?"])
    prompts = checkin_prompts([pattern])
    assert [p.label for p in prompts] == ["What did we hand on?", "Who used it?"]
    assert all(p.hint == SHORT_ANSWER_HINT for p in prompts)


def test_repeated_prompts_across_patterns_are_asked_once(make_pattern: MakePattern) -> None:
    a = make_pattern("a", prompts=["What surprised us?", "What did we hand on?"])
    b = make_pattern("b", prompts=["what surprised us", "Who used it?"])
    labels = [p.label for p in checkin_prompts([a, b])]
    assert labels == ["What surprised us?", "What did we hand on?", "Who used it?"]


def test_at_most_five_and_patterns_take_turns(make_pattern: MakePattern) -> None:
    a = make_pattern("a", prompts=[f"A question {i}?" for i in range(1, 5)])
    b = make_pattern("b", prompts=[f"B question {i}?" for i in range(1, 5)])
    labels = [p.label for p in checkin_prompts([a, b])]
    assert labels == [
        "A question 1?",
        "B question 1?",
        "A question 2?",
        "B question 2?",
        "A question 3?",
    ]


def test_a_long_prompt_is_cut_on_a_word_and_kept_whole_in_the_hint(
    make_pattern: MakePattern,
) -> None:
    long = "What did the wider network actually pick up from what we offered this quarter?"
    (prompt,) = checkin_prompts([make_pattern("a", prompts=[long])])
    assert len(prompt.label) <= LABEL_MAX
    kept = prompt.label.removesuffix("…")
    assert prompt.label.endswith("…")
    assert long.startswith(kept)
    assert long[len(kept)] == " "  # the cut falls between words
    assert prompt.hint == long


def test_labels_stay_within_the_limit_even_for_very_long_prompts(make_pattern: MakePattern) -> None:
    pattern = make_pattern("a", prompts=["word " * 60, "x" * 200])
    for prompt in checkin_prompts([pattern]):
        assert len(prompt.label) <= LABEL_MAX
        assert len(prompt.hint) <= HINT_MAX


def test_review_prompts_take_the_last_places_and_the_check_in_still_fits_a_modal() -> None:
    reviews = [review_prompt(text) for text in ("Rotate the host", "Pin the FAQ", "Weekly digest")]
    prompts = checkin_prompts([], reviews)
    assert len(prompts) == MAX_PROMPTS
    assert prompts[-MAX_REVIEW_PROMPTS:] == reviews[:MAX_REVIEW_PROMPTS]
    assert prompts[:-MAX_REVIEW_PROMPTS] == list(
        DEFAULT_PROMPTS[: MAX_PROMPTS - MAX_REVIEW_PROMPTS]
    )


def test_a_long_commitment_is_asked_about_within_discord_limits() -> None:
    prompt = review_prompt("Pin one guide a month " * 20)
    assert len(prompt.label) <= LABEL_MAX and len(prompt.hint) <= HINT_MAX
    assert prompt.label.startswith("What came of \u201cPin one guide a month")

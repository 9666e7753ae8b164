from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from vitalitybot.domain.records import SuggestionKind
from vitalitybot.patterns.model import Duration, Pattern, Replant, Sign
from vitalitybot.vitality.suggestions import (
    ENERGIZING_IDEAS,
    STEP_TEXT_MAX,
    Crossing,
    is_about_feedback,
    months_between,
    participation_suggestion,
    suggest,
)

MakePattern = Callable[..., Pattern]
Alignment = Callable[..., Pattern]

NO_FEEDBACK = Sign(
    "no-feedback",
    "No feedback",
    "We hand things on and hear nothing. Nobody says whether any of it was used.",
)
FATIGUE = Sign("contribution-fatigue", "Contribution fatigue", "The writers are worn out.")
ROUTINE = Sign(
    "routine-without-change", "Routine without change", "Meetings happen; nothing moves."
)
THRIVING = Sign("newcomers-ask-questions", "Newcomers ask questions", "New people speak up early.")

STEPS = [
    ("Name a translator", "One person turns what we learn into something others can use."),
    ("Set a rhythm", "Meet monthly and write down what changed."),
    ("Share what we learn", "Post a short digest where the wider network reads. " * 20),
    ("Rotate the load", "Take turns writing, so no one carries it alone."),
    ("Close the loop", "Ask the people we served what they used, and tell the group."),
]
REPLANT_TEXT = "Stop, ask the group what still feels worth doing, and restart smaller."
SIX_TO_NINE = Replant(REPLANT_TEXT, (Duration(6, "month"), Duration(9, "month")))


@pytest.fixture
def alignment(make_pattern: MakePattern) -> Alignment:
    """A pattern with mapped remedies, a feedback-loop step and "replant after 6–9 months"."""

    def build(replant: Replant | None = SIX_TO_NINE) -> Pattern:
        return make_pattern(
            "alignment",
            decay=[NO_FEEDBACK, FATIGUE, ROUTINE],
            life=[THRIVING],
            steps=STEPS,
            remedies={"no-feedback": [3], "contribution-fatigue": [4, 1]},
            feedback_steps=[5],
            replant=replant,
        )

    return build


def monthly(count: int, start: datetime = datetime(2025, 1, 1, 9, tzinfo=UTC)) -> list[datetime]:
    """Opening times of ``count`` monthly rounds, on the same day each month."""
    return [
        start.replace(
            year=start.year + (start.month - 1 + i) // 12, month=(start.month - 1 + i) % 12 + 1
        )
        for i in range(count)
    ]


def crossed_run(count: int) -> tuple[tuple[datetime, bool], list[tuple[datetime, bool]]]:
    """This round and the earlier ones, all crossed."""
    times = monthly(count)
    return (times[-1], True), [(t, True) for t in times[:-1]]


# --- remedy --------------------------------------------------------------------------


def test_first_crossing_posts_the_mapped_remedy_steps(alignment: Alignment) -> None:
    current, _ = crossed_run(1)
    suggestion = suggest(alignment(), FATIGUE, current)
    assert suggestion is not None
    assert suggestion.kind is SuggestionKind.REMEDY
    assert [(s.number, s.title) for s in suggestion.steps] == [
        (4, "Rotate the load"),
        (1, "Name a translator"),
    ]
    assert suggestion.title == "Contribution fatigue"
    assert suggestion.pattern_title == "Alignment"
    assert suggestion.run_rounds == 1


def test_a_feedback_sign_also_carries_the_feedback_loop_steps(alignment: Alignment) -> None:
    current, _ = crossed_run(1)
    suggestion = suggest(alignment(), NO_FEEDBACK, current)
    assert suggestion is not None
    assert [s.number for s in suggestion.steps] == [3]
    assert [(s.number, s.title) for s in suggestion.feedback_steps] == [(5, "Close the loop")]


def test_a_sign_not_about_feedback_does_not(alignment: Alignment) -> None:
    current, _ = crossed_run(1)
    suggestion = suggest(alignment(), FATIGUE, current)
    assert suggestion is not None
    assert suggestion.feedback_steps == ()


def test_feedback_steps_already_in_the_remedy_are_not_repeated(make_pattern: MakePattern) -> None:
    pattern = make_pattern(
        "p", decay=[NO_FEEDBACK], steps=STEPS, remedies={"no-feedback": [5]}, feedback_steps=[5]
    )
    suggestion = suggest(pattern, NO_FEEDBACK, crossed_run(1)[0])
    assert suggestion is not None
    assert [s.number for s in suggestion.steps] == [5]
    assert suggestion.feedback_steps == ()


def test_step_text_is_trimmed_for_posting(alignment: Alignment) -> None:
    suggestion = suggest(alignment(), NO_FEEDBACK, crossed_run(1)[0])
    assert suggestion is not None
    (step,) = suggestion.steps
    assert len(step.text) <= STEP_TEXT_MAX
    assert step.text.endswith("…")


def test_feedback_steps_alone_make_a_remedy_when_nothing_is_mapped(
    make_pattern: MakePattern,
) -> None:
    pattern = make_pattern("p", decay=[NO_FEEDBACK], steps=STEPS, feedback_steps=[5])
    suggestion = suggest(pattern, NO_FEEDBACK, crossed_run(1)[0])
    assert suggestion is not None
    assert suggestion.kind is SuggestionKind.REMEDY
    assert suggestion.steps == ()
    assert [s.number for s in suggestion.feedback_steps] == [5]


# --- nothing to say --------------------------------------------------------------------


def test_a_sign_that_did_not_cross_gets_nothing(alignment: Alignment) -> None:
    assert suggest(alignment(), FATIGUE, (monthly(1)[0], False)) is None


def test_a_sign_of_life_never_triggers_a_suggestion(alignment: Alignment) -> None:
    assert suggest(alignment(), THRIVING, crossed_run(1)[0]) is None


def test_decay_shorter_than_the_stated_duration_still_gets_the_remedy(alignment: Alignment) -> None:
    current, history = crossed_run(6)  # Jan 1 to Jun 1: five months
    suggestion = suggest(alignment(), FATIGUE, current, history)
    assert suggestion is not None
    assert suggestion.kind is SuggestionKind.REMEDY
    assert suggestion.run_rounds == 6
    assert suggestion.run_months == 5


def test_six_months_of_decay_on_a_six_to_nine_month_pattern_gets_the_replanting(
    alignment: Alignment,
) -> None:
    current, history = crossed_run(7)  # Jan 1 to Jul 1: six months
    suggestion = suggest(alignment(), FATIGUE, current, history)
    assert suggestion is not None
    assert suggestion.kind is SuggestionKind.REPLANT
    assert suggestion.text == REPLANT_TEXT
    assert suggestion.durations == SIX_TO_NINE.durations
    assert suggestion.steps == ()
    assert suggestion.run_months == 6


def test_a_round_opened_a_little_early_still_counts_as_six_months(alignment: Alignment) -> None:
    times = monthly(7)
    early = times[-1] - timedelta(hours=3)
    suggestion = suggest(alignment(), FATIGUE, (early, True), [(t, True) for t in times[:-1]])
    assert suggestion is not None
    assert suggestion.kind is SuggestionKind.REPLANT


def test_a_broken_run_starts_persistence_again(alignment: Alignment) -> None:
    times = monthly(7)
    history = [(t, i != 2) for i, t in enumerate(times[:-1])]  # March did not cross
    suggestion = suggest(alignment(), FATIGUE, (times[-1], True), history)
    assert suggestion is not None
    assert suggestion.kind is SuggestionKind.REMEDY
    assert suggestion.run_rounds == 4


def test_without_a_duration_the_third_consecutive_crossing_replants(alignment: Alignment) -> None:
    pattern = alignment(Replant(REPLANT_TEXT))
    kinds = []
    for count in (1, 2, 3, 4):
        current, history = crossed_run(count)
        suggestion = suggest(pattern, FATIGUE, current, history)
        assert suggestion is not None
        kinds.append(suggestion.kind)
    assert kinds == [
        SuggestionKind.REMEDY,
        SuggestionKind.REMEDY,
        SuggestionKind.REPLANT,
        SuggestionKind.REPLANT,
    ]


def test_a_pattern_without_replanting_text_keeps_offering_the_remedy(alignment: Alignment) -> None:
    for pattern in (alignment(None), alignment(Replant("   ", (Duration(1, "month"),)))):
        current, history = crossed_run(12)
        suggestion = suggest(pattern, FATIGUE, current, history)
        assert suggestion is not None
        assert suggestion.kind is SuggestionKind.REMEDY


def test_history_order_and_stray_entries_do_not_change_the_verdict(alignment: Alignment) -> None:
    current, history = crossed_run(7)
    later = (current[0] + timedelta(days=30), False)
    shuffled = [*reversed(history), current, later]
    suggestion = suggest(alignment(), FATIGUE, current, shuffled)
    assert suggestion is not None
    assert suggestion.kind is SuggestionKind.REPLANT


def test_no_steps_and_no_replanting_asks_the_community_to_talk(make_pattern: MakePattern) -> None:
    pattern = make_pattern("bare", decay=[ROUTINE])
    current, history = crossed_run(5)
    suggestion = suggest(pattern, ROUTINE, current, history)
    assert suggestion is not None
    assert suggestion.kind is SuggestionKind.REFLECT
    assert suggestion.title == "Routine without change"
    assert suggestion.text == "Meetings happen; nothing moves."
    assert suggestion.ideas
    assert all(q.endswith("?") for q in suggestion.ideas)


def test_unmapped_sign_on_a_pattern_with_replanting_reflects_until_it_persists(
    alignment: Alignment, make_pattern: MakePattern
) -> None:
    one = suggest(alignment(), ROUTINE, crossed_run(1)[0])
    assert one is not None
    assert one.kind is SuggestionKind.REFLECT
    current, history = crossed_run(7)
    later = suggest(alignment(), ROUTINE, current, history)
    assert later is not None
    assert later.kind is SuggestionKind.REPLANT


# --- what counts as a feedback sign ----------------------------------------------------


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("No feedback", ""),
        ("Silence after sharing", ""),
        ("Nobody hears back", "We post and wait."),
        ("Value becomes invisible", "The flow of what we offer runs one way."),
        ("Broken loops", ""),
        ("Hollow ritual", "The wider network never signals back."),
    ],
)
def test_signs_about_missing_feedback_or_flow(title: str, text: str) -> None:
    assert is_about_feedback(Sign("s", title, text))


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (FATIGUE.title, FATIGUE.text),
        (ROUTINE.title, ROUTINE.text),
        ("Workflow overload", "Too many tools."),
        ("Back to basics", "We keep restarting."),
    ],
)
def test_signs_about_other_things(title: str, text: str) -> None:
    assert not is_about_feedback(Sign("s", title, text))


# --- months --------------------------------------------------------------------------


def test_months_are_counted_on_the_calendar() -> None:
    jan1 = datetime(2025, 1, 1, tzinfo=UTC)
    assert months_between(jan1, datetime(2025, 7, 1, tzinfo=UTC)) == 6
    assert months_between(datetime(2025, 1, 31), datetime(2025, 2, 28)) == 1
    assert months_between(jan1, datetime(2025, 1, 16, tzinfo=UTC)) == pytest.approx(15 / 31)
    assert months_between(jan1, jan1 - timedelta(days=3)) == 0


# --- participation -------------------------------------------------------------------


def test_a_sharp_participation_fall_suggests_lighter_rituals(
    make_pattern: MakePattern, alignment: Alignment
) -> None:
    helpful = make_pattern(
        "welcoming", steps=[("Keep notes", "..."), ("Welcome newcomers", "Greet each new member.")]
    )
    suggestion = participation_suggestion([alignment(), helpful], [0.6, 0.6, 0.6], 0.3)
    assert suggestion is not None
    assert suggestion.kind is SuggestionKind.PARTICIPATION
    assert suggestion.ideas == ENERGIZING_IDEAS
    ideas = " ".join(suggestion.ideas).lower()
    for idea in ("shorter", "rarer", "skippable", "useful"):
        assert idea in ideas
    assert [(s.pattern_slug, s.title) for s in suggestion.steps] == [
        ("welcoming", "Welcome newcomers")
    ]
    assert "30%" in suggestion.text
    assert "60%" in suggestion.text


def test_steady_participation_suggests_nothing(alignment: Alignment) -> None:
    assert participation_suggestion([alignment()], [0.6, 0.6, 0.6], 0.5) is None


def test_crossing_tuples_and_named_crossings_are_interchangeable(alignment: Alignment) -> None:
    times = monthly(3)
    named = suggest(
        alignment(), FATIGUE, Crossing(times[2], True), [Crossing(t, True) for t in times[:2]]
    )
    plain = suggest(alignment(), FATIGUE, (times[2], True), [(t, True) for t in times[:2]])
    assert named == plain

"""The synthetic community: a health curve with a story, and members who follow it."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest

from vitalitybot.domain.records import Commitment, CommitmentStatus, Question, QuestionKind
from vitalitybot.patterns import Pattern
from vitalitybot.simulate.community import (
    FIRST_MEMBER_ID,
    RELIEF_RAMP,
    Effort,
    SyntheticCommunity,
    reflection,
    sign_profiles,
)

START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2027, 1, 1, tzinfo=UTC)
PATTERNS = ("cop-commons-alignment", "energizing-participation")


def community(library: Mapping[str, Pattern], size: int = 30, seed: int = 7) -> SyntheticCommunity:
    return SyntheticCommunity.create(size, seed, START, END, [library[s] for s in PATTERNS])


def test_health_declines_to_a_trough_before_mid_run_then_recovers(
    library: Mapping[str, Pattern],
) -> None:
    model = community(library)
    days = [START + timedelta(days=d) for d in range(0, 366, 7)]
    health = [model.health(d) for d in days]
    lowest = days[health.index(min(health))]
    assert START + timedelta(days=140) < lowest < START + timedelta(days=190)
    assert health[0] > 0.8 and health[-1] > 0.75 and min(health) < 0.2


def test_feedback_signs_are_hit_hardest_and_recover_last(library: Mapping[str, Pattern]) -> None:
    profiles = sign_profiles(library["cop-commons-alignment"], seed=7)
    no_feedback = profiles[("cop-commons-alignment", "no-feedback")]
    fatigue = profiles[("cop-commons-alignment", "contribution-fatigue")]
    assert no_feedback.weight > fatigue.weight and no_feedback.slow and not fatigue.slow
    model = community(library)
    after_the_trough = model.trough + timedelta(days=45)
    assert model.felt_health(after_the_trough, no_feedback) < model.health(after_the_trough)


def survey(pattern: Pattern) -> list[Question]:
    return [
        Question(i, 1, i, QuestionKind.DECAY, pattern.slug, sign.id, sign.title)
        for i, sign in enumerate(pattern.signs_of_decay, start=1)
    ]


def share_high(
    model: SyntheticCommunity, questions: list[Question], when: datetime, *efforts: Effort
) -> float:
    ratings = [
        a.value
        for member in model.members
        for a in model.survey_reply(
            member, questions, when, random.Random(member.id), efforts
        ).answers
        if a.value is not None
    ]
    return sum(1 for r in ratings if r >= 4) / len(ratings)


def test_members_see_more_decay_at_the_trough(library: Mapping[str, Pattern]) -> None:
    model = community(library)
    questions = survey(library["cop-commons-alignment"])
    assert share_high(model, questions, START) < 0.1
    assert share_high(model, questions, model.trough) > 0.3
    assert model.answer_chance(model.members[0], model.trough) < model.answer_chance(
        model.members[0], START
    )


def test_the_same_seed_gives_the_same_members(library: Mapping[str, Pattern]) -> None:
    assert community(library, seed=7).members == community(library, seed=7).members
    assert community(library, seed=7).members != community(library, seed=8).members
    assert community(library).member(FIRST_MEMBER_ID + 3).id == FIRST_MEMBER_ID + 3


def test_a_reflection_avoids_words_already_shared() -> None:
    rng = random.Random(1)
    prompt = "What surprised us?"
    first = reflection(prompt, 1.0, rng)
    assert all(reflection(prompt, 1.0, rng, avoid={first}) != first for _ in range(20))


def test_check_in_replies_share_each_reflection_once(library: Mapping[str, Pattern]) -> None:
    model = community(library, size=40)
    prompts = [
        Question(100 + i, 9, i, QuestionKind.PROMPT, "", None, t)
        for i, t in enumerate(
            (
                "What became clearer to us lately?",
                "What surprised us?",
                "What could we stop doing?",
            ),
            start=1,
        )
    ]
    shared: list[tuple[int, str]] = []
    for member in model.members:
        reply = model.checkin_reply(member, prompts, START, model.rng("t", member.id))
        assert reply.answers  # whoever opens the check-in writes something
        shared += [(a.question_id, a.text or "") for a in reply.answers if a.shared]
    assert shared and len(shared) == len(set(shared))


def effort(pattern: Pattern, helps: bool, since: datetime, until: datetime | None = None) -> Effort:
    signs = tuple(s.id for s in pattern.signs_of_decay)
    return Effort(pattern.slug, signs, since, until, helps)


@pytest.fixture
def at_the_trough(library: Mapping[str, Pattern]) -> tuple[SyntheticCommunity, Pattern, float]:
    """The community at its lowest, one pattern's signs, and their share with no change."""
    model = community(library)
    pattern = library["cop-commons-alignment"]
    return model, pattern, share_high(model, survey(pattern), model.trough)


def test_a_change_that_helps_eases_its_signs_as_it_takes_hold(
    library: Mapping[str, Pattern], at_the_trough: tuple[SyntheticCommunity, Pattern, float]
) -> None:
    model, pattern, alone = at_the_trough
    questions, when = survey(pattern), model.trough
    early = share_high(model, questions, when, effort(pattern, True, when - timedelta(days=7)))
    felt = share_high(model, questions, when, effort(pattern, True, when - RELIEF_RAMP))
    assert felt < early < alone
    other = library["energizing-participation"]  # a change for other signs eases nothing
    assert share_high(model, questions, when, effort(other, True, when - RELIEF_RAMP)) == alone


def test_a_change_that_does_not_help_or_was_dropped_leaves_the_answers_as_they_were(
    at_the_trough: tuple[SyntheticCommunity, Pattern, float],
) -> None:
    model, pattern, alone = at_the_trough
    questions, when, since = survey(pattern), model.trough, model.trough - RELIEF_RAMP
    assert share_high(model, questions, when, effort(pattern, False, since)) == alone
    dropped = effort(pattern, True, since, until=when - timedelta(days=1))
    assert share_high(model, questions, when, dropped) == alone


def test_whether_a_change_helps_is_the_seeds_and_the_changes_own(
    library: Mapping[str, Pattern],
) -> None:
    def change(id_: int, text: str) -> Commitment:
        return Commitment(id_, 1, text, CommitmentStatus.OPEN, START, "p", ("s",))

    verdicts = {
        community(library, seed=seed).helps(change(1, f"We'll try: step {n}"))
        for seed in (7, 8)
        for n in range(12)
    }
    assert verdicts == {True, False}  # some help, some do not
    model = community(library)
    assert model.helps(change(1, "We'll try: X")) == model.helps(change(9, "We'll try: X"))

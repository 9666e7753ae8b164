"""The rules of what a community already did, stated as histories in a line each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from vitalitybot.domain.records import (
    Commitment,
    CommitmentStatus,
    SuggestionKind,
    SuggestionRecord,
)
from vitalitybot.patterns.model import Duration, Pattern, Replant
from vitalitybot.vitality.follow_up import (
    DEFAULT_REPLANT_MONTHS,
    Held,
    ReplantReason,
    SignHistory,
    replant_check,
    replant_period,
    weighed_by,
)
from vitalitybot.vitality.suggestions import advice_key, suggest

MakePattern = Callable[..., Pattern]

JAN = datetime(2026, 1, 5, 8, tzinfo=UTC)
FEB = datetime(2026, 2, 5, 8, tzinfo=UTC)
JUL = datetime(2026, 7, 7, 8, tzinfo=UTC)
ASKED = {("p", "stale"), ("", "participation")}


def made(
    at: datetime,
    *signs: str,
    pattern: str = "p",
    reviewed: int | None = None,
    review_at: datetime | None = None,
    suggestion_id: int | None = None,
    status: CommitmentStatus = CommitmentStatus.OPEN,
) -> Commitment:
    return Commitment(
        id=hash((at, signs)) % 1000,
        community_id=1,
        text="Try one thing",
        status=status,
        created_at=at,
        pattern_slug=pattern,
        sign_ids=signs,
        suggestion_id=suggestion_id,
        review_at=review_at,
        reviewed_round_id=reviewed,
    )


def replant_row(
    row_id: int, at: datetime, acknowledged: datetime | None = None
) -> SuggestionRecord:
    return SuggestionRecord(
        row_id, 1, row_id, "p", "stale", SuggestionKind.REPLANT, at, acknowledged_at=acknowledged
    )


def test_a_round_weighs_what_was_made_before_it_opened_about_a_sign_it_showed() -> None:
    due = made(JAN, "stale")
    assert weighed_by([due], ASKED, opened_at=FEB, closed_at=FEB) == [due]
    for not_yet in (
        made(FEB + timedelta(hours=1), "stale"),  # made while the round was open
        made(JAN, "other"),  # a sign this round did not show
        made(JAN, "stale", review_at=FEB + timedelta(days=30)),  # its date has not come
        made(JAN, "stale", reviewed=7),  # weighed already
        made(JAN, "stale", status=CommitmentStatus.DONE),  # no longer being tried
        made(JAN),  # names no sign (made from a harvest)
    ):
        assert weighed_by([not_yet], ASKED, opened_at=FEB, closed_at=FEB) == []


def test_participation_is_weighed_as_a_sign_without_a_pattern() -> None:
    about = made(JAN, "participation", pattern="")
    assert weighed_by([about], ASKED, opened_at=FEB, closed_at=FEB) == [about]


def test_a_pattern_that_names_no_time_replants_at_most_twice_a_year(
    make_pattern: MakePattern,
) -> None:
    assert replant_period(make_pattern("p", replant=Replant("Start again."))) == 6
    assert DEFAULT_REPLANT_MONTHS == 6
    stated = Replant("Start again.", (Duration(4, "month"), Duration(6, "month")))
    assert replant_period(make_pattern("p", replant=stated)) == 4


def test_a_replant_not_taken_up_holds_the_sign_quiet_and_one_taken_up_brings_the_steps(
    make_pattern: MakePattern,
) -> None:
    pattern = make_pattern("p", decay=["Stale"], replant=Replant("Start again."))
    at = JUL + timedelta(days=31)

    def check(history: SignHistory) -> ReplantReason | Held:
        return replant_check(pattern, "stale", history, run_start=JAN, at=at)

    assert check(SignHistory(replants=(replant_row(1, JUL),))) is Held.QUIET
    acknowledged = replant_row(1, JUL, acknowledged=JUL + timedelta(days=2))
    assert check(SignHistory(replants=(acknowledged,))) is Held.FALL_BACK
    answered = made(JUL + timedelta(days=1), "stale", suggestion_id=1, reviewed=9)
    assert check(SignHistory((answered,), (replant_row(1, JUL),))) is Held.FALL_BACK


def test_a_commitment_made_from_the_replant_holds_the_next_until_it_is_weighed(
    make_pattern: MakePattern,
) -> None:
    pattern = make_pattern("p", decay=["Stale", "Worn"], replant=Replant("Start again."))
    a_year_on = JUL + timedelta(days=365)
    answer = made(JUL + timedelta(days=1), "stale", suggestion_id=1)
    history = SignHistory((answer,), (replant_row(1, JUL),))
    # A year on, but its commitment still awaits review: not for its sign, nor another.
    for sign in ("stale", "worn"):
        verdict = replant_check(pattern, sign, history, run_start=JAN, at=a_year_on)
        assert verdict is Held.FALL_BACK
    tried = made(JUL + timedelta(days=1), "stale", suggestion_id=1, reviewed=9)
    weighed = SignHistory((tried,), history.replants)
    verdict = replant_check(pattern, "worn", weighed, run_start=JAN, at=a_year_on)
    assert verdict == ReplantReason(
        commitment="Try one thing", committed_at=JUL + timedelta(days=1)
    )


def test_signs_answered_by_the_same_steps_share_a_post_and_others_do_not(
    make_pattern: MakePattern,
) -> None:
    pattern = make_pattern(
        "p",
        decay=["Stale", "Worn", "Quiet", "Lost"],
        steps=[("Rotate", "Take turns."), ("Ask", "Ask a receiver.")],
        remedies={"stale": [1], "worn": [1], "quiet": [2]},
    )
    found = {sign.id: suggest(pattern, sign, (JAN, True)) for sign in pattern.signs_of_decay}
    keys = {sign: advice_key(s) for sign, s in found.items() if s is not None}
    assert keys["stale"] == keys["worn"]
    assert keys["quiet"] != keys["stale"]
    assert keys["lost"] not in (keys["stale"], keys["quiet"])  # the questions to talk over

"""Due work, read from the open rounds' times: what to close, whom to remind, when next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from vitalitybot.domain.records import OpenRoundTimes
from vitalitybot.services.due import due_work

OPENED = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
WINDOW = timedelta(days=6)
REMINDER = OPENED + timedelta(days=3)  # the middle of a six-day window


def times(round_id: int, *, opened: datetime = OPENED, reminded: bool = False) -> OpenRoundTimes:
    return OpenRoundTimes(
        round_id=round_id,
        community_id=1,
        guild_id=111,
        opened_at=opened,
        closes_at=opened + WINDOW,
        reminded_at=opened + timedelta(days=3) if reminded else None,
    )


def test_nothing_is_due_before_the_reminder_which_comes_next() -> None:
    work = due_work([times(1)], OPENED + timedelta(hours=1), reminders=True)
    assert (work.closes, work.reminders, work.following) == ((), (), REMINDER)


def test_the_reminder_is_due_once_its_time_has_come_and_the_close_comes_next() -> None:
    work = due_work([times(1)], REMINDER, reminders=True)
    assert [t.round_id for t in work.reminders] == [1] and work.closes == ()
    assert work.following == OPENED + WINDOW


def test_a_reminded_round_waits_only_for_its_close() -> None:
    work = due_work([times(1, reminded=True)], REMINDER, reminders=True)
    assert (work.reminders, work.following) == ((), OPENED + WINDOW)


def test_a_round_past_its_window_is_closed_and_never_reminded() -> None:
    work = due_work([times(1)], OPENED + WINDOW, reminders=True)
    assert [t.round_id for t in work.closes] == [1] and work.reminders == ()
    assert work.following is None


def test_without_reminders_only_closes_are_planned() -> None:
    work = due_work([times(1)], REMINDER, reminders=False)
    assert (work.reminders, work.following) == ((), OPENED + WINDOW)


def test_the_following_time_is_the_earliest_of_every_rounds_next() -> None:
    later = times(2, opened=OPENED + timedelta(days=1))
    work = due_work([later, times(1, reminded=True)], OPENED + timedelta(hours=1), reminders=True)
    assert work.following == OPENED + timedelta(days=4)  # round 2's reminder

"""What to do, after a restart, about the runs the bot slept through.

Schedules live in the database and in-memory jobs are rebuilt at start (APScheduler's
memory store forgets everything on shutdown), so nothing replays missed runs by itself.
That is the right default: a bot that was down for three months must not post three
surveys in a burst. ``plan_catch_up`` decides instead, as a pure function the service
layer applies: open at most the latest missed run, and only while it is still worth
answering; record the rest as missed, so the history shows the gap honestly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from vitalitybot.scheduling.cadence import closes_at, fire_times_between
from vitalitybot.scheduling.clock import as_utc
from vitalitybot.scheduling.spec import ScheduleSpec

# Missed runs older than the last twelve are dropped from ``CatchUp.missed``: a dozen
# rows already tell a coordinator the bot was gone for a long time (three months of a
# weekly schedule, a year of a monthly one, three years of a quarterly one), and a list
# without a bound would let one forgotten schedule fill the rounds table on restart.
MAX_MISSED = 12

# The longest gap between two runs of each cadence (a monthly "first Tuesday" can be
# five weeks apart; a quarterly run up to 98 days; July to January is 184 days, a year
# 366, and a weekday rule adds up to 6). Scanning this many gaps back from ``now`` finds
# every run the bounded list can hold without walking years of history.
_LONGEST_GAP = {
    "weekly": timedelta(days=7),
    "monthly": timedelta(days=35),
    "quarterly": timedelta(days=98),
    "twice-a-year": timedelta(days=190),
    "yearly": timedelta(days=372),
}


@dataclass(frozen=True, slots=True)
class CatchUp:
    """``open_now``: the one run to open late, if any. ``missed``: runs to record as
    missed, oldest first, never to be posted."""

    open_now: datetime | None = None
    missed: list[datetime] = field(default_factory=list)


def plan_catch_up(
    spec: ScheduleSpec, last_seen: datetime | None, now: datetime, grace: timedelta
) -> CatchUp:
    """Runs of ``spec`` after ``last_seen`` and before ``now``, sorted into open or missed.

    ``last_seen`` is the last instant the bot is known to have handled this schedule
    (the scheduled time of its latest round, say). ``None`` means it never ran: a new
    schedule starts at its next run and has nothing to catch up.

    The latest missed run is opened if it fired no more than ``grace`` ago and its
    answer window is still open at ``now``; a round opened a day before it would close
    only annoys people. Every other missed run is returned in ``missed`` (at most
    ``MAX_MISSED``, the most recent). A run exactly at ``now`` is not missed: the
    scheduler, started at ``now``, fires it.
    """
    if grace < timedelta(0):
        raise ValueError(f"grace must not be negative, got {grace}")
    if last_seen is None:
        return CatchUp()
    now = as_utc(now)
    horizon = now - _LONGEST_GAP[spec.cadence] * (MAX_MISSED + 2)
    runs = fire_times_between(spec, max(as_utc(last_seen), horizon), now)
    if not runs:
        return CatchUp()
    latest = runs[-1]
    if now - latest <= grace and closes_at(spec, latest) > now:
        return CatchUp(open_now=latest, missed=runs[:-1][-MAX_MISSED:])
    return CatchUp(open_now=None, missed=runs[-MAX_MISSED:])

"""Schedules as communities think of them, turned into triggers and dates.

The rules a coordinator would expect, and how they are kept:

* A monthly run on day 29, 30 or 31 happens on that day, or on the last day of months
  that are shorter, so it never skips a month and never runs twice in one: months long
  enough get the day itself, the others get cron's "last" (an OrTrigger of the two,
  which cannot overlap because the month lists are disjoint). Day 31 is simply "last".
* "The first Tuesday" is cron's ``1st tue``; "the fifth" and "the last" are both cron's
  ``last`` (the fifth one when a month has five, the fourth otherwise).
* Quarterly means the first month of each quarter: January, April, July and October;
  twice a year means January and July; yearly means January.
* A time keeps its place on the wall clock across daylight saving: 10:00 in Berlin is
  09:00 UTC in winter and 08:00 UTC in summer. A time repeated on fall-back day runs
  once, at its first occurrence; a time skipped on spring-forward day runs once, read
  with the offset before the change, so 02:30 becomes 03:30 (see ``wallclock``).

Every datetime this module returns is aware UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from vitalitybot.patterns.model import Cadence
from vitalitybot.scheduling.clock import as_utc
from vitalitybot.scheduling.parsing import parse_when
from vitalitybot.scheduling.spec import (
    LAST,
    ScheduleError,
    ScheduleSpec,
    describe,
)
from vitalitybot.scheduling.wallclock import WallClockTrigger, wall_to_utc

__all__ = [
    "ScheduleError",
    "ScheduleSpec",
    "build_trigger",
    "closes_at",
    "default_spec_for",
    "describe",
    "next_fire_times",
    "parse_when",
    "period_key",
    "reminder_at",
]

QUARTER_MONTHS = (1, 4, 7, 10)
_ALL_MONTHS = tuple(range(1, 13))
_MONTHS = {"quarterly": QUARTER_MONTHS, "twice-a-year": (1, 7), "yearly": (1,)}
_SHORTEST_MONTH = {m: 28 if m == 2 else 30 if m in (4, 6, 9, 11) else 31 for m in _ALL_MONTHS}
_LONGEST_MONTH = {m: 29 if m == 2 else days for m, days in _SHORTEST_MONTH.items()}
_WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_POSITION_CODES = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "last", LAST: "last"}
_TICK = timedelta(microseconds=1)


@lru_cache(maxsize=4096)
def build_trigger(spec: ScheduleSpec) -> BaseTrigger:
    """The APScheduler (3.x) trigger for ``spec``: cron in the spec's zone, DST-safe.

    Shared, not built anew: a trigger keeps no state between calls, and most communities
    keep the default schedules, so a restart over 10,000 of them builds (and holds) a
    few dozen triggers instead of two per schedule. Building one is the costly part of
    arming a job.
    """
    months = _MONTHS.get(spec.cadence, _ALL_MONTHS)
    if spec.cadence == "weekly":
        weekday = spec.weekday if spec.weekday is not None else 0
        inner = _cron(spec, months, day_of_week=_WEEKDAY_CODES[weekday])
    elif spec.day_of_month is not None:
        inner = _day_of_month_trigger(spec, months, spec.day_of_month)
    else:
        assert spec.weekday is not None and spec.nth is not None  # ScheduleSpec checked it
        position = f"{_POSITION_CODES[spec.nth]} {_WEEKDAY_CODES[spec.weekday]}"
        inner = _cron(spec, months, day=position)
    return WallClockTrigger(inner, spec.zone)


def _day_of_month_trigger(spec: ScheduleSpec, months: tuple[int, ...], day: int) -> BaseTrigger:
    if all(_LONGEST_MONTH[m] <= day for m in months):
        return _cron(spec, months, day="last")
    short = [m for m in months if _SHORTEST_MONTH[m] < day]
    if not short:
        return _cron(spec, months, day=str(day))
    long = [m for m in months if m not in short]
    return OrTrigger([_cron(spec, long, day=str(day)), _cron(spec, short, day="last")])


def _cron(
    spec: ScheduleSpec,
    months: Iterable[int],
    *,
    day: str | None = None,
    day_of_week: str | None = None,
) -> CronTrigger:
    month_list = tuple(months)
    return CronTrigger(
        month=None if month_list == _ALL_MONTHS else ",".join(map(str, month_list)),
        day=day,
        day_of_week=day_of_week,
        hour=spec.hour,
        minute=spec.minute,
        second=0,
        timezone=spec.zone,
    )


def next_fire_times(spec: ScheduleSpec, after: datetime, count: int) -> list[datetime]:
    """The next ``count`` runs strictly after ``after``."""
    trigger = build_trigger(spec)
    times: list[datetime] = []
    fire: datetime | None = trigger.get_next_fire_time(None, as_utc(after) + _TICK)
    while fire is not None and len(times) < count:
        times.append(fire)
        fire = trigger.get_next_fire_time(fire, fire)
    return times


def fire_times_between(spec: ScheduleSpec, start: datetime, end: datetime) -> list[datetime]:
    """Runs with ``start < run < end``: what a bot that was down for that stretch missed."""
    trigger = build_trigger(spec)
    end = as_utc(end)
    times: list[datetime] = []
    fire: datetime | None = trigger.get_next_fire_time(None, as_utc(start) + _TICK)
    while fire is not None and fire < end:
        times.append(fire)
        fire = trigger.get_next_fire_time(fire, fire)
    return times


def period_key(spec: ScheduleSpec, fire_time: datetime) -> str:
    """The local date of a run ("2026-11-03"), naming its round.

    The same run always gets the same key, whether it fired on time, late, twice, or was
    caught up after a restart, so storage can refuse a second round for one period.
    """
    return as_utc(fire_time).astimezone(spec.zone).date().isoformat()


def closes_at(spec: ScheduleSpec, opened: datetime) -> datetime:
    """When a round opened at ``opened`` closes: ``window_days`` later on the wall clock.

    Pass the scheduled fire time rather than the moment a late round was actually
    posted, so a round caught up after a restart still closes on its usual day.
    """
    zone = spec.zone
    local = as_utc(opened).astimezone(zone)
    return wall_to_utc(local.replace(tzinfo=None) + timedelta(days=spec.window_days), zone)


def reminder_at(opened: datetime, closes: datetime) -> datetime:
    """When to remind members of an open round: the middle of its window.

    For windows of two days or more the midpoint is rounded down to whole days after the
    opening, so the reminder comes at the hour the round opened: the exact middle of a
    five-day window opened at 10:00 would be 22:00, a poor hour to ping people.
    """
    opened, closes = as_utc(opened), as_utc(closes)
    if closes <= opened:
        raise ValueError(f"a round cannot close ({closes}) before it opens ({opened})")
    half = (closes - opened) / 2
    if half < timedelta(days=1):
        return opened + half
    return opened + timedelta(days=half.days)


def default_spec_for(cadence: Cadence | None, kind: str, timezone: str) -> ScheduleSpec:
    """A first schedule for a ritual's stated rhythm, for a coordinator to adjust.

    * weekly and fortnightly -> monthly: a default asks at most once a month per ritual,
      so that the two rituals together never ask more than once a week (the coordinator
      is told the pattern's own rhythm and can choose weekly);
    * monthly, quarterly, twice a year, yearly -> the same, on the first Tuesday of the
      month (clear of Monday backlogs and month ends);
    * no stated rhythm -> monthly.

    All open at 10:00 local time for the default window.
    """
    rhythm = _SCHEDULE_CADENCE.get(cadence, "monthly") if cadence is not None else "monthly"
    return ScheduleSpec(kind=kind, cadence=rhythm, weekday=1, nth=1, timezone=timezone)


_SCHEDULE_CADENCE = {
    Cadence.QUARTERLY: "quarterly",
    Cadence.TWICE_A_YEAR: "twice-a-year",
    Cadence.YEARLY: "yearly",
}

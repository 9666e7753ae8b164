"""Local wall-clock times that survive daylight-saving changes.

A community says "10:00 on the first Tuesday" and means its own clock on the wall, in
winter and in summer. APScheduler's CronTrigger gets that right on ordinary days, but
on the two days a year when the clocks change, 3.11 does two things a community would
notice (see tests/scheduling/test_wallclock.py):

* a time repeated on fall-back day (01:30 in New York on the first Sunday of November)
  fires twice, an hour apart;
* a time skipped on spring-forward day (02:30 in New York on the second Sunday of March)
  comes back as a datetime that does not exist on the wall; it lands an hour later, at
  03:30, but only if the trigger is asked before 03:00 that day.

``WallClockTrigger`` wraps a trigger and settles both the way RFC 5545 (iCalendar) does:
a repeated time fires once, at its first occurrence; a skipped time fires once, read
with the offset in force before the gap, so 02:30 becomes 03:30 that day. Fire times
come back in UTC, because datetimes that share one tzinfo compare by wall time and
would sort 01:15 of the second pass before 01:30 of the first on fall-back day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from apscheduler.triggers.base import BaseTrigger

# Longest stretch a DST change moves a wall time by, with room to spare (most zones
# move one hour; a few have moved two). See WallClockTrigger.get_next_fire_time.
_LOOKBACK = timedelta(hours=6)
_TICK = timedelta(microseconds=1)
# A guard against an inner trigger that stops making progress; real ones need two or three.
_MAX_PROBES = 100


def wall_time_exists(local: datetime) -> bool:
    """False for a wall time that the clocks jump over (spring forward)."""
    zone = local.tzinfo
    assert zone is not None
    first = local.replace(fold=0)
    return first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == first.replace(tzinfo=None)


def is_repeated(local: datetime) -> bool:
    """True for a wall time the clocks pass twice (fall back)."""
    if not wall_time_exists(local):
        return False
    return local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset()


def wall_to_utc(wall: datetime, zone: tzinfo) -> datetime:
    """The instant a naive wall-clock time in ``zone`` stands for, per the rules above."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


class WallClockTrigger(BaseTrigger):  # type: ignore[misc]
    """A trigger firing at most once per wall-clock occurrence, reporting times in UTC.

    ``inner`` must fire at fixed wall times in ``timezone`` (CronTriggers in that zone, or
    an OrTrigger of them), at most once a day.
    """

    __slots__ = ("_first", "inner", "timezone")

    def __init__(self, inner: BaseTrigger, timezone: tzinfo) -> None:
        self.inner = inner
        self.timezone = timezone
        # The last first fire time worked out: (asked at, answer). build_trigger shares
        # one trigger among every schedule with the same spec, and arming their jobs at
        # a start asks each the same question within moments.
        self._first: tuple[datetime, datetime] | None = None

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        if previous_fire_time is not None:
            return self._next(previous_fire_time, now)
        # The first fire time at or after ``asked`` is also the first at or after any
        # moment up to it: no fire time lies in between.
        if self._first is not None and self._first[0] <= now <= self._first[1]:
            return self._first[1]
        # Without a previous fire time the inner trigger starts at ``now``'s wall time
        # and would miss a skipped time that was moved past it (asked at 03:10 on
        # spring-forward day, 02:30 -> 03:30 is still ahead). Start earlier and walk on.
        candidate = self._next(None, now - _LOOKBACK)
        while candidate is not None and candidate < now:
            candidate = self._next(candidate, candidate)
        if candidate is not None:
            self._first = (now, candidate)
        return candidate

    def _next(self, previous: datetime | None, now: datetime) -> datetime | None:
        after = None if previous is None else previous.astimezone(UTC)
        for _ in range(_MAX_PROBES):
            candidate: datetime | None = self.inner.get_next_fire_time(previous, now)
            if candidate is None:
                return None
            fire = self._resolve(candidate)
            # Cron can hand ``previous`` back on fall-back day: its "is this the previous
            # fire time?" test compares a local time with a UTC one, and Python never
            # calls a repeated wall time equal to a time in another zone (PEP 495).
            if fire is not None and (after is None or fire > after):
                return fire
            previous, now = candidate, candidate.astimezone(UTC) + _TICK
        raise RuntimeError(f"{self} found no next fire time in {_MAX_PROBES} tries")

    def _resolve(self, candidate: datetime) -> datetime | None:
        """The UTC instant of a fire time, or None for the second pass of a repeated time."""
        local = candidate
        if candidate.tzinfo is not self.timezone:
            local = candidate.astimezone(self.timezone)
        if not wall_time_exists(local):
            return wall_to_utc(local.replace(tzinfo=None), self.timezone)
        if is_repeated(local) and local.fold == 1:
            return None
        return local.astimezone(UTC)

    def __getstate__(self) -> dict[str, Any]:
        return {"version": 1, "inner": self.inner, "timezone": self.timezone}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.inner = state["inner"]
        self.timezone = state["timezone"]
        self._first = None

    def __str__(self) -> str:
        return f"wallclock[{self.inner}]"

    def __repr__(self) -> str:
        return f"<WallClockTrigger ({self.inner!r}, timezone='{self.timezone}')>"

"""Where "now" comes from.

Services and schedules ask a ``Clock`` instead of calling ``datetime.now()`` so the
offline simulator can run a whole year in seconds and tests can stand at any instant.
Every clock speaks aware UTC: local time is a matter of presentation and of the
schedule's own time zone, never of the host the bot happens to run on.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def as_utc(moment: datetime, what: str = "time") -> datetime:
    """Reject naive datetimes: a naive value means whatever zone the host is in."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


class ManualClock:
    """A clock that only moves when told to, and never backwards.

    Going back would let a round close before it opened or a catch-up see the same run
    twice, so ``set`` to an earlier instant is refused rather than silently honoured.
    """

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start, "start")

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        moment = as_utc(moment)
        if moment < self._now:
            raise ValueError(
                f"a ManualClock never goes back: it is {self._now.isoformat()}, "
                f"asked for {moment.isoformat()}"
            )
        self._now = moment

    def advance(self, delta: timedelta) -> None:
        if delta < timedelta(0):
            raise ValueError(f"a ManualClock never goes back: asked to advance by {delta}")
        self._now += delta

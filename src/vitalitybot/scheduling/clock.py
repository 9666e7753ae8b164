"""Where "now" comes from.

Services and schedules ask a ``Clock`` instead of calling ``datetime.now()`` so the
offline simulator can run a whole year in seconds and tests can stand at any instant.
Every clock speaks aware UTC: local time is a matter of presentation and of the
schedule's own time zone, never of the host the bot happens to run on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
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


class AcceleratedClock:
    """Simulated time that runs ``speed`` times faster than the wall clock.

    For rehearsals (``vitalitybot run --rehearse-from``): a month of schedules in
    seconds, against a real Discord-compatible server and a real database. The clock
    reads ``start`` until the wall-clock instant ``epoch`` (a UNIX time), then moves
    ``speed`` seconds for every real one. It is derived from the wall clock rather than
    from when the process started, so several processes given the same start and epoch
    agree on the time, and a process restarted mid-rehearsal resumes where the others
    are; an epoch a little in the future lets them all start up before anything is due.
    Like every clock here it never goes backwards, even if the host's clock is stepped
    back.
    """

    def __init__(
        self,
        start: datetime,
        *,
        speed: float,
        epoch: float | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        if not speed > 0:
            raise ValueError(f"the speed must be above 0, got {speed!r}")
        self.start = as_utc(start, "start")
        self.speed = float(speed)
        self._wall = wall
        self.epoch = wall() if epoch is None else float(epoch)
        self._last = self.start - timedelta(days=36500)

    def now(self) -> datetime:
        elapsed = max(0.0, self._wall() - self.epoch) * self.speed
        self._last = max(self._last, self.start + timedelta(seconds=elapsed))
        return self._last

    def real_seconds(self, simulated: timedelta) -> float:
        """How long ``simulated`` takes on the wall clock."""
        return simulated.total_seconds() / self.speed

    def real_seconds_until(self, moment: datetime) -> float:
        """Wall-clock seconds until the clock reads ``moment`` (negative once past)."""
        waiting = max(0.0, self.epoch - self._wall())  # the clock stands still until then
        return waiting + self.real_seconds(as_utc(moment) - self.now())


def clock_span(clock: Clock, real: timedelta) -> timedelta:
    """How much time ``clock`` reads while ``real`` passes on the wall clock.

    The same as ``real`` except on an ``AcceleratedClock``, where a rehearsal must
    poll as often in real seconds as the bot would, not ``speed`` times less often.
    """
    if isinstance(clock, AcceleratedClock):
        return real * clock.speed
    return real

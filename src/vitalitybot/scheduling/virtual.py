"""Runners on a clock that is not the wall clock, over the same jobs and triggers.

* ``SimulatedRunner``: a ``ManualClock`` that jumps from run to run, for the offline
  simulator (no waiting at all);
* ``PacedRunner``: an ``AcceleratedClock``, sleeping real time between runs, for a
  rehearsal of the running bot (``vitalitybot run --rehearse-from``), where Discord
  and the other processes of a deployment must see the runs spread out as they
  would be, only faster.

``runner.py`` holds the ``Job``, the runner protocol and the real-time runner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vitalitybot.scheduling.clock import AcceleratedClock, ManualClock, as_utc
from vitalitybot.scheduling.runner import Job, LagObserver, observe_lag

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class _Pending:
    job: Job
    fire_time: datetime  # UTC


class _FireTimes:
    """Each job's next fire time: the bookkeeping both runners here share.

    Like APScheduler, a job's following fire time is worked out from the one being run,
    before the run starts, so a job that replaces or removes itself while running has
    the last word.
    """

    def __init__(self) -> None:
        self._pending: dict[str, _Pending] = {}

    def add(self, job: Job, now: datetime) -> None:
        self._pending.pop(job.id, None)
        first = job.trigger.get_next_fire_time(None, now)
        if first is not None:
            self._pending[job.id] = _Pending(job, as_utc(first))

    def remove(self, job_id: str) -> None:
        self._pending.pop(job_id, None)

    def clear(self) -> None:
        self._pending.clear()

    def jobs(self) -> list[Job]:
        return [self._pending[job_id].job for job_id in sorted(self._pending)]

    def next_run(self, job_id: str) -> datetime | None:
        pending = self._pending.get(job_id)
        return None if pending is None else pending.fire_time

    def earliest(self, until: datetime | None = None) -> _Pending | None:
        """The next run (ties by job id, so runs are reproducible), if any by ``until``."""
        due = (p for p in self._pending.values() if until is None or p.fire_time <= until)
        return min(due, key=lambda p: (p.fire_time, p.job.id), default=None)

    def move_on(self, due: _Pending, now: datetime) -> None:
        """Replace the run about to start by the job's following one (or drop the job)."""
        following = due.job.trigger.get_next_fire_time(due.fire_time, max(due.fire_time, now))
        if following is None:
            del self._pending[due.job.id]
        else:
            self._pending[due.job.id] = _Pending(due.job, as_utc(following))


class SimulatedRunner:
    """The same jobs and triggers, on a ``ManualClock`` that jumps from run to run.

    ``run_until`` repeatedly runs the job with the earliest fire time (ties by job id,
    so a run is reproducible), setting the clock to that time first. Like APScheduler,
    it works out a job's following fire time before running it, so a job that replaces
    or removes itself while running has the last word. Jobs added while running are
    picked up; a job due in the past (a close that should already have happened) runs
    at once, with the clock left where it is: the clock never goes back.
    """

    def __init__(self, clock: ManualClock) -> None:
        self._clock = clock
        self._pending = _FireTimes()

    @property
    def clock(self) -> ManualClock:
        return self._clock

    def add(self, job: Job) -> None:
        self._pending.add(job, self._clock.now())

    def remove(self, job_id: str) -> None:
        self._pending.remove(job_id)

    def jobs(self) -> list[Job]:
        return self._pending.jobs()

    def next_run(self, job_id: str) -> datetime | None:
        return self._pending.next_run(job_id)

    def start(self) -> None:
        """Nothing to start: jobs run only inside ``run_until``."""

    def shutdown(self) -> None:
        self._pending.clear()

    async def run_until(self, end: datetime) -> int:
        """Run every job due up to and including ``end``; returns how many runs there were.

        The clock is left at ``end`` (or later, if it already was).
        """
        end = as_utc(end)
        runs = 0
        while (due := self._pending.earliest(end)) is not None:
            self._advance(due)
            self._pending.move_on(due, self._clock.now())
            runs += 1
            try:
                await due.job.fn(due.fire_time)
            except Exception:
                logger.exception("Job %s failed (scheduled at %s)", due.job.id, due.fire_time)
        if end > self._clock.now():
            self._clock.set(end)
        return runs

    def _advance(self, due: _Pending) -> None:
        if due.fire_time > self._clock.now():
            self._clock.set(due.fire_time)


class PacedRunner:
    """The same jobs and triggers on an ``AcceleratedClock``, in (scaled) real time.

    A loop sleeps real time until the earliest fire time, then starts that run as a
    task of its own (runs of different jobs overlap, as under APScheduler; a job's own
    runs go one after the other, in order) and works out the job's following fire time
    from the one it just ran, as ``SimulatedRunner`` does.

    Unlike ``AsyncIORunner`` it never skips a late run: at thousands of times real
    speed, an event loop busy for a tenth of a second is hours of simulated time, and
    a rehearsal that dropped those runs would rehearse nothing. A run is late, it is
    never lost; its lag is reported like any other.
    """

    def __init__(self, clock: AcceleratedClock, *, on_lag: LagObserver | None = None) -> None:
        self._clock = clock
        self._on_lag = on_lag
        self._pending = _FireTimes()
        self._active: dict[str, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None
        self._paused = False

    @property
    def clock(self) -> AcceleratedClock:
        return self._clock

    @property
    def running(self) -> bool:
        return self._loop is not None and not self._loop.done()

    def add(self, job: Job) -> None:
        self._pending.add(job, self._clock.now())
        self._wake.set()

    def remove(self, job_id: str) -> None:
        self._pending.remove(job_id)
        self._wake.set()

    def jobs(self) -> list[Job]:
        return self._pending.jobs()

    def next_run(self, job_id: str) -> datetime | None:
        return self._pending.next_run(job_id)

    def start(self) -> None:
        if not self.running:
            self._paused = False
            self._loop = asyncio.get_running_loop().create_task(
                self._run_loop(), name="vitalitybot-paced-runner"
            )

    def pause(self) -> None:
        """Start no more runs; the ones in progress go on (``in_flight`` lists them)."""
        self._paused = True
        self._wake.set()

    def in_flight(self) -> set[asyncio.Task[Any]]:
        return {task for task in self._active.values() if not task.done()}

    def shutdown(self) -> None:
        """Stop; runs still in progress are cancelled, as ``AsyncIORunner`` does."""
        if self._loop is not None:
            self._loop.cancel()
            self._loop = None
        for task in self._active.values():
            task.cancel()
        self._pending.clear()

    async def _run_loop(self) -> None:
        while True:
            self._wake.clear()
            due = None if self._paused else self._pending.earliest()
            wait = None if due is None else self._clock.real_seconds_until(due.fire_time)
            if wait is None or wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
                continue
            assert due is not None  # wait is not None
            self._start_run(due)

    def _start_run(self, due: _Pending) -> None:
        job, fire_time = due.job, due.fire_time
        self._pending.move_on(due, self._clock.now())
        previous = self._active.get(job.id)
        task = asyncio.get_running_loop().create_task(
            self._run(job, fire_time, previous), name=job.id
        )
        self._active[job.id] = task
        task.add_done_callback(lambda done: self._forget_run(job.id, done))

    def _forget_run(self, job_id: str, done: asyncio.Task[None]) -> None:
        if self._active.get(job_id) is done:
            del self._active[job_id]

    async def _run(
        self, job: Job, fire_time: datetime, previous: asyncio.Task[None] | None
    ) -> None:
        if previous is not None and not previous.done():
            await asyncio.wait({previous})  # one run of a job at a time, in order
        observe_lag(self._on_lag, self._clock.real_seconds(self._clock.now() - fire_time))
        try:
            await job.fn(fire_time)
        except Exception:
            logger.exception("Job %s failed (scheduled at %s)", job.id, fire_time)

"""Running jobs on triggers: in real time with APScheduler, or on a simulated clock.

The offline simulator must run the real schedule, not an imitation of it, and
APScheduler 3's ``AsyncIOScheduler`` only knows the wall clock. So every runner takes
the same ``Job`` (a stable id, an APScheduler trigger, an async function) and the
simulated ones ask the very same triggers for their fire times:

* ``AsyncIORunner``: real time, for the bot;
* ``SimulatedRunner``: a ``ManualClock`` that jumps from run to run, for the offline
  simulator (no waiting at all);
* ``PacedRunner``: an ``AcceleratedClock``, sleeping real time between runs, for a
  rehearsal of the running bot (``vitalitybot run --rehearse-from``), where Discord
  and the other processes of a deployment must see the runs spread out as they
  would be, only faster.

The two that run the bot also report how late each run started (``on_lag``, for the
scheduler-lag metric) and can be paused and drained, so a stopping bot lets the runs
in progress finish before it stops the scheduler.

A job function receives the time it was *scheduled* for, in UTC, not the moment it
happened to start: that is what names the round's period, and it must not drift when
the event loop is busy or a catch-up runs late.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Protocol

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.triggers.base import BaseTrigger

from vitalitybot.scheduling.clock import (
    AcceleratedClock,
    Clock,
    ManualClock,
    SystemClock,
    as_utc,
)

logger = logging.getLogger(__name__)

# APScheduler's own scheduler log says INFO twice for every job added: 70,000 lines at
# a restart over 10,000 communities, which bury the keeper's summary and cost seconds.
# Its warnings and errors (a missed run, a job that could not be submitted) still show.
_scheduler_log = logger.getChild("apscheduler")
_scheduler_log.setLevel(logging.WARNING)

JobFn = Callable[[datetime], Awaitable[None]]
LagObserver = Callable[[float], None]
"""Told, for each run, how many real seconds after its planned time it started."""

DEFAULT_MISFIRE_GRACE = timedelta(hours=1)


def open_job_id(schedule_id: int) -> str:
    return f"open:{schedule_id}"


def remind_job_id(round_id: int) -> str:
    return f"remind:{round_id}"


def close_job_id(round_id: int) -> str:
    return f"close:{round_id}"


@dataclass(frozen=True, slots=True)
class Job:
    """Something to run: ``fn(fire_time)`` at each time ``trigger`` gives.

    ``id`` is stable across restarts ("open:<schedule_id>", "close:<round_id>"), so
    rebuilding the jobs from the database replaces them instead of doubling them.
    """

    id: str
    trigger: BaseTrigger
    fn: JobFn


class SchedulerRunner(Protocol):
    def add(self, job: Job) -> None:
        """Schedule ``job``, replacing any job with the same id."""
        ...

    def remove(self, job_id: str) -> None:
        """Forget the job; no error if there is none (it may just have run its last)."""
        ...

    def jobs(self) -> list[Job]:
        """The jobs still to run, by id."""
        ...

    def next_run(self, job_id: str) -> datetime | None:
        """The job's next fire time in UTC, or None if it has no more (or is unknown)."""
        ...

    def start(self) -> None: ...

    def shutdown(self) -> None: ...


async def _deliver(fn: JobFn, fire_time: datetime | None = None) -> None:
    """What APScheduler holds as the job function; ``_FireTimeExecutor`` fills the time.

    The default keeps APScheduler's argument check happy when the job is added.
    """
    if fire_time is None:
        raise RuntimeError("scheduler jobs must run on the fire-time executor")
    await fn(fire_time)


class _FireTimeExecutor(AsyncIOExecutor):  # type: ignore[misc]
    """The asyncio executor, except that each run is told its scheduled time.

    APScheduler 3 computes a job's due run times and hands them to its executor, but
    the stock executor calls the function without them. This one passes each to the job
    function (``coalesce=True`` leaves one per wake-up) and otherwise behaves like the
    stock one: runs later than ``misfire_grace_time`` are skipped and reported as
    missed, exceptions are logged and reported as job errors, and the scheduler and the
    other jobs carry on. It leans on the stock executor's internals (``_eventloop``,
    ``_pending_futures``, ``_run_job_success``), which is why APScheduler is kept <4.
    """

    def __init__(self, on_lag: LagObserver | None = None) -> None:
        super().__init__()
        self.on_lag = on_lag

    def in_flight(self) -> set[asyncio.Task[Any]]:
        pending: set[asyncio.Task[Any]] = getattr(self, "_pending_futures", set())  # once started
        return {task for task in pending if not task.done()}

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        task = self._eventloop.create_task(self._run(job, run_times))

        def finished(done: asyncio.Task[list[Any]]) -> None:
            self._pending_futures.discard(done)
            if done.cancelled():  # the scheduler is shutting down
                self._run_job_success(job.id, [])
            elif (error := done.exception()) is not None:
                self._run_job_error(job.id, error, error.__traceback__)
            else:
                self._run_job_success(job.id, done.result())

        task.add_done_callback(finished)
        self._pending_futures.add(task)

    async def _run(self, job: Any, run_times: list[datetime]) -> list[Any]:
        events: list[Any] = []
        alias = job._jobstore_alias
        for run_time in run_times:
            late = datetime.now(UTC) - run_time
            grace = job.misfire_grace_time
            if grace is not None and late > timedelta(seconds=grace):
                logger.warning("Job %s missed its run at %s by %s", job.id, run_time, late)
                events.append(JobExecutionEvent(EVENT_JOB_MISSED, job.id, alias, run_time))
                continue
            _observe(self.on_lag, late.total_seconds())
            try:
                await job.func(*job.args, fire_time=run_time.astimezone(UTC), **job.kwargs)
            except Exception as error:
                logger.exception("Job %s failed (scheduled at %s)", job.id, run_time)
                events.append(
                    JobExecutionEvent(
                        EVENT_JOB_ERROR,
                        job.id,
                        alias,
                        run_time,
                        exception=error,
                        traceback=traceback.format_exc(),
                    )
                )
            else:
                events.append(JobExecutionEvent(EVENT_JOB_EXECUTED, job.id, alias, run_time))
        return events


class AsyncIORunner:
    """Real time, on APScheduler 3's ``AsyncIOScheduler`` (in UTC, memory job store).

    ``start()`` must be called from a running event loop. Each job runs with
    ``coalesce=True`` (one run after a stall, not a burst), ``max_instances=1`` (a slow
    run is never overlapped by the next) and ``misfire_grace_time``; longer outages are
    the business of ``catchup.plan_catch_up``.
    """

    def __init__(
        self,
        *,
        misfire_grace_time: timedelta = DEFAULT_MISFIRE_GRACE,
        clock: Clock | None = None,
        on_lag: LagObserver | None = None,
    ) -> None:
        self._executor = _FireTimeExecutor(on_lag)
        self._scheduler = AsyncIOScheduler(
            timezone=UTC, executors={"default": self._executor}, logger=_scheduler_log
        )
        self._grace_seconds = max(1, int(misfire_grace_time.total_seconds()))
        self._clock: Clock = clock or SystemClock()
        self._jobs: dict[str, Job] = {}
        self._stopped = False

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running) and not self._stopped

    def add(self, job: Job) -> None:
        self._scheduler.add_job(
            partial(_deliver, job.fn),
            trigger=job.trigger,
            id=job.id,
            name=job.id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=self._grace_seconds,
        )
        self._jobs[job.id] = job

    def remove(self, job_id: str) -> None:
        self._jobs.pop(job_id, None)
        with contextlib.suppress(JobLookupError):
            self._scheduler.remove_job(job_id)

    def jobs(self) -> list[Job]:
        # APScheduler drops a job after its last run (a DateTrigger's only one).
        live = {job.id for job in self._scheduler.get_jobs()}
        for gone in set(self._jobs) - live:
            del self._jobs[gone]
        return [self._jobs[job_id] for job_id in sorted(self._jobs)]

    def next_run(self, job_id: str) -> datetime | None:
        scheduled = self._scheduler.get_job(job_id)
        if scheduled is None:
            return None
        if self.running:
            when: datetime | None = scheduled.next_run_time
        else:  # not started: APScheduler has not computed it yet
            when = scheduled.trigger.get_next_fire_time(None, self._clock.now())
        return None if when is None else when.astimezone(UTC)

    def start(self) -> None:
        self._scheduler.start()
        self._stopped = False

    def pause(self) -> None:
        """Start no more runs; the ones in progress go on (``drain`` waits for them)."""
        if self._scheduler.state == STATE_RUNNING:
            self._scheduler.pause()

    def in_flight(self) -> set[asyncio.Task[Any]]:
        """The runs in progress."""
        return self._executor.in_flight()

    def shutdown(self) -> None:
        """Stop; runs still in progress are cancelled (their transactions roll back).

        Idempotent: APScheduler's asyncio scheduler stops on the loop's next turn, and a
        second call before that would find it stopped and raise.
        """
        if self.running and not self._stopped:
            self._stopped = True
            self._scheduler.shutdown(wait=False)


@dataclass(slots=True)
class _Pending:
    job: Job
    fire_time: datetime  # UTC


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
        self._pending: dict[str, _Pending] = {}

    @property
    def clock(self) -> ManualClock:
        return self._clock

    def add(self, job: Job) -> None:
        self._pending.pop(job.id, None)
        first = job.trigger.get_next_fire_time(None, self._clock.now())
        if first is not None:
            self._pending[job.id] = _Pending(job, as_utc(first))

    def remove(self, job_id: str) -> None:
        self._pending.pop(job_id, None)

    def jobs(self) -> list[Job]:
        return [self._pending[job_id].job for job_id in sorted(self._pending)]

    def next_run(self, job_id: str) -> datetime | None:
        pending = self._pending.get(job_id)
        return None if pending is None else pending.fire_time

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
        while (due := self._earliest(end)) is not None:
            self._advance(due)
            following = due.job.trigger.get_next_fire_time(
                due.fire_time, max(due.fire_time, self._clock.now())
            )
            if following is None:
                del self._pending[due.job.id]
            else:
                self._pending[due.job.id] = _Pending(due.job, as_utc(following))
            runs += 1
            try:
                await due.job.fn(due.fire_time)
            except Exception:
                logger.exception("Job %s failed (scheduled at %s)", due.job.id, due.fire_time)
        if end > self._clock.now():
            self._clock.set(end)
        return runs

    def _earliest(self, end: datetime) -> _Pending | None:
        due = [p for p in self._pending.values() if p.fire_time <= end]
        return min(due, key=lambda p: (p.fire_time, p.job.id), default=None)

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
        self._pending: dict[str, _Pending] = {}
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
        self._pending.pop(job.id, None)
        first = job.trigger.get_next_fire_time(None, self._clock.now())
        if first is not None:
            self._pending[job.id] = _Pending(job, as_utc(first))
        self._wake.set()

    def remove(self, job_id: str) -> None:
        self._pending.pop(job_id, None)
        self._wake.set()

    def jobs(self) -> list[Job]:
        return [self._pending[job_id].job for job_id in sorted(self._pending)]

    def next_run(self, job_id: str) -> datetime | None:
        pending = self._pending.get(job_id)
        return None if pending is None else pending.fire_time

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
            due = None if self._paused else self._earliest()
            wait = None if due is None else self._clock.real_seconds_until(due.fire_time)
            if wait is None or wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
                continue
            assert due is not None  # wait is not None
            self._start_run(due)

    def _earliest(self) -> _Pending | None:
        return min(self._pending.values(), key=lambda p: (p.fire_time, p.job.id), default=None)

    def _start_run(self, due: _Pending) -> None:
        job, fire_time = due.job, due.fire_time
        following = job.trigger.get_next_fire_time(fire_time, max(fire_time, self._clock.now()))
        if following is None:
            del self._pending[job.id]
        else:
            self._pending[job.id] = _Pending(job, as_utc(following))
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
        _observe(self._on_lag, self._clock.real_seconds(self._clock.now() - fire_time))
        try:
            await job.fn(fire_time)
        except Exception:
            logger.exception("Job %s failed (scheduled at %s)", job.id, fire_time)


def _observe(on_lag: LagObserver | None, seconds: float) -> None:
    """Report a run's lag; a failing observer must not stop the run."""
    if on_lag is None:
        return
    try:
        on_lag(seconds)
    except Exception:
        logger.exception("the scheduler-lag observer failed")

"""Running jobs on triggers: in real time with APScheduler, or on a simulated clock.

The offline simulator must run the real schedule, not an imitation of it, and
APScheduler 3's ``AsyncIOScheduler`` only knows the wall clock. So every runner takes
the same ``Job`` (a stable id, an APScheduler trigger, an async function) and the
simulated ones ask the very same triggers for their fire times:

* ``AsyncIORunner``: real time, for the bot;
* ``SimulatedRunner`` and ``PacedRunner`` (in ``virtual.py``): a ``ManualClock`` that
  jumps from run to run for the offline simulator, and an ``AcceleratedClock`` for a
  rehearsal of the running bot (``vitalitybot run --rehearse-from``).

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
import inspect
import logging
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
    Clock,
    SystemClock,
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


@dataclass(frozen=True, slots=True)
class Job:
    """Something to run: ``fn(fire_time)`` at each time ``trigger`` gives.

    ``id`` is stable across restarts and rebuilds ("open:<schedule_id>", "due"), so
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


# APScheduler reads the signature of every job's function as the job is added; read once,
# it is not worked out again for each of the thousands of jobs a start arms.
_deliver.__signature__ = inspect.signature(_deliver)  # type: ignore[attr-defined]


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
            observe_lag(self.on_lag, late.total_seconds())
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
        # The function as an argument rather than a partial, whose signature APScheduler
        # would work out anew for each job.
        self._scheduler.add_job(
            _deliver,
            args=(job.fn,),
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


def observe_lag(on_lag: LagObserver | None, seconds: float) -> None:
    """Report a run's lag; a failing observer must not stop the run."""
    if on_lag is None:
        return
    try:
        on_lag(seconds)
    except Exception:
        logger.exception("the scheduler-lag observer failed")

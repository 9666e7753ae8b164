"""A step re-run on a runner from what the tables say: on a poll, when due, when woken.

The schedule keeper keeps nothing in step by hand: it re-reads the database and acts.
Each such step is idempotent and runs as runner jobs, so the simulator runs it on its
clock like any other job:

* ``<name>:poll`` every ``poll``: the bound on how late a change committed by another
  process (a second bot process, a shard, the CLI) is seen;
* ``<name>`` at the time the last run said it is next needed (the earliest close, say);
* the same job ``wake_delay`` from now when this process commits something the step
  reads (``Database.changes``). Many commits in a burst (a thousand rounds opening at
  nine) make one run, not a thousand.

Runs never overlap (a lock); a wake during a run makes one more run after it. A run
that fails is logged and the poll tries again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from vitalitybot.scheduling.clock import Clock
from vitalitybot.scheduling.runner import Job, SchedulerRunner

logger = logging.getLogger(__name__)

StepBody = Callable[[], Awaitable[datetime | None]]
"""One run of a step; returns when it is next needed (None: at the next poll)."""


class RepeatedStep:
    """``body`` run on ``runner``: every ``poll``, when it asks to be, and when woken."""

    def __init__(
        self,
        name: str,
        body: StepBody,
        runner: SchedulerRunner,
        clock: Clock,
        *,
        poll: timedelta,
        wake_delay: timedelta,
    ) -> None:
        if poll <= timedelta(0) or wake_delay < timedelta(0):
            raise ValueError(f"{name}: the poll must be positive and the wake delay not negative")
        self.name = name
        self._body = body
        self._runner = runner
        self._clock = clock
        self._poll = poll
        self._wake_delay = wake_delay
        self._lock = asyncio.Lock()
        self._running = False
        self._woken = False

    @property
    def poll_job_id(self) -> str:
        return f"{self.name}:poll"

    def start(self, first: datetime) -> None:
        """Run at ``first``, then on every poll from one period after it."""
        self._at(first)
        trigger = IntervalTrigger(
            seconds=self._poll.total_seconds(), start_date=first + self._poll, timezone=UTC
        )
        self._runner.add(Job(self.poll_job_id, trigger, self.run))

    def stop(self) -> None:
        self._runner.remove(self.name)
        self._runner.remove(self.poll_job_id)

    def wake(self) -> None:
        """Run again soon: something this step reads has just been committed."""
        if self._running:
            self._woken = True
            return
        soon = self._clock.now() + self._wake_delay
        pending = self._runner.next_run(self.name)
        if pending is None or pending > soon:
            self._at(soon)

    async def run(self, _fire_time: datetime) -> None:
        async with self._lock:
            self._running, self._woken = True, False
            try:
                following = await self._body()
            except Exception:
                logger.exception("%s failed; the next poll tries again", self.name)
                following = None
            finally:
                self._running = False
        soonest = self._clock.now() + self._wake_delay
        if self._woken:
            following = soonest if following is None else min(following, soonest)
        if following is None:
            self._runner.remove(self.name)
        else:
            # Never at once: under APScheduler the job still counts as running until
            # this returns, and a run due meanwhile would be skipped.
            self._at(max(following, soonest))

    def _at(self, moment: datetime) -> None:
        trigger = DateTrigger(run_date=moment.astimezone(UTC), timezone=UTC)
        self._runner.add(Job(self.name, trigger, self.run))

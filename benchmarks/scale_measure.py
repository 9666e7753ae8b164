"""The processes scale.py measures in, each a fresh interpreter answering in one JSON
line: the baseline (select the schedules and the communities), the start (what
``vitalitybot run`` does before it connects to Discord) and the simulated month.

Imports happen inside the measuring functions, so the baseline loads only the storage
layer, the start what the bot does. What the bot would reach outside its process stands
in here: a notifier that posts nowhere and a directory of a few members per community.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from scale_seed import END, MEMBERS_PER_COMMUNITY, START
from support import Timer, peak_rss_mb, percentile, services_on, settle_heap_timed, timed

from vitalitybot.domain.records import Community, Round
from vitalitybot.render.message import Message
from vitalitybot.services import PostRef


async def measure_baseline(url: str, spawned: float) -> dict[str, Any]:
    from vitalitybot.storage import Repositories, open_database

    db = open_database(url)
    try:
        timer = Timer()
        async with db.transaction() as session:
            repos = Repositories(session)
            schedules = await repos.schedules.list_enabled()
            communities = await repos.communities.list_all()
        query_s = timer.seconds
        total_s = time.time() - spawned
    finally:
        await db.dispose()
    return {
        "total_s": total_s,
        "query_s": query_s,
        "schedules": len(schedules),
        "communities": len(communities),
        "rss_mb": peak_rss_mb(),
    }


async def measure_start(url: str, spawned: float) -> dict[str, Any]:
    from vitalitybot.scheduling.clock import ManualClock
    from vitalitybot.scheduling.runner import AsyncIORunner
    from vitalitybot.services import ScheduleKeeper
    from vitalitybot.storage import open_database, upgrade

    phases = {"imports": time.time() - spawned}
    with bot_logging() as logged:
        db = open_database(url)
        try:
            with timed(phases, "migrate"):
                await upgrade(db)
            with timed(phases, "library"):
                svc = services_on(
                    db, ManualClock(START), notifier=QuietNotifier(), members=FewMembers()
                )
            runner = AsyncIORunner(clock=svc.clock)
            keeper = ScheduleKeeper(svc, runner)
            with timed(phases, "keeper"):
                report = await keeper.start()
            armed = runner.jobs()  # what APScheduler holds, not what was asked of it
            total_s = time.time() - spawned
            unscheduled = sum(1 for job in armed if runner.next_run(job.id) is None)
            # What a full collection would stop this process for, now and once the heap is
            # settled as `vitalitybot run` settles it after arming the schedules.
            collection_ms, settled_collection_ms = settle_heap_timed()
            keeper.shutdown()
        finally:
            await db.dispose()
    kinds: dict[str, int] = {}
    for job in armed:
        kind = job.id.split(":")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "total_s": total_s,
        "phases": phases,
        "jobs": kinds,
        "unscheduled": unscheduled,
        "late_or_missed": len(report.opened) + len(report.missed),
        "rss_mb": peak_rss_mb(),
        "log_lines": logged["lines"],
        "collection_ms": collection_ms,
        "settled_collection_ms": settled_collection_ms,
    }


async def measure_month(url: str) -> dict[str, Any]:
    from sqlalchemy import func, select

    from vitalitybot.scheduling.clock import ManualClock
    from vitalitybot.services import ScheduleKeeper
    from vitalitybot.storage import open_database
    from vitalitybot.storage.models import RoundRow

    errors = ErrorCounter()
    logging.getLogger().addHandler(errors)
    clock = ManualClock(START)
    with bot_logging() as logged:
        db = open_database(url)
        try:
            svc = services_on(db, clock, notifier=QuietNotifier(), members=FewMembers())
            runner = timed_runner(clock)
            # This process's commits wake the keeper; a daily look stands in for the bot's
            # real-time poll, which a simulated month of minutes would make 43,200 runs.
            keeper = ScheduleKeeper(svc, runner, poll=timedelta(days=1))
            timer = Timer()
            await keeper.start()
            runs = await runner.run_until(END)
            wall_s = timer.seconds
            async with db.session() as session:
                opened = await session.scalar(
                    select(func.count()).select_from(RoundRow).where(RoundRow.opened_at >= START)
                )
            keeper.shutdown()
        finally:
            await db.dispose()
    every = [t for values in runner.timings.values() for t in values]
    return {
        "runs": runs,
        "wall_s": wall_s,
        "job_s": sum(every) / 1000,
        "rounds_opened": int(opened or 0),
        "by_kind": dict(sorted(runner.timings.items())),
        "p99_ms": percentile(every, 99) if every else 0.0,
        "errors": errors.count,
        "first_error": errors.first,
        "rss_mb": peak_rss_mb(),
        "log_lines": logged["lines"],
    }


@contextmanager
def bot_logging() -> Iterator[dict[str, int]]:
    """Log as ``vitalitybot run`` does (INFO, the bot's handler) into a scratch file whose
    lines are counted, not kept: they stand in for journald."""
    from vitalitybot.observability.logs import configure_logging

    counted: dict[str, int] = {}
    with tempfile.TemporaryFile("w+", encoding="utf-8") as sink:
        handler = configure_logging("INFO", stream=sink)
        try:
            yield counted
        finally:
            logging.getLogger().removeHandler(handler)
            sink.seek(0)
            counted["lines"] = sum(1 for _ in sink)


class QuietNotifier:
    """Posts go nowhere, but each gets a message id back, so the services store it."""

    def __init__(self) -> None:
        self.next_id = 10**18

    async def open_round(
        self,
        community: Community,
        round: Round,
        questions: Any,
        message: Message,
        *,
        nonce: str | None = None,
    ) -> PostRef | None:
        self.next_id += 2
        return PostRef(community.channel_id, self.next_id, self.next_id + 1)

    async def post(
        self,
        community: Community,
        message: Message,
        *,
        round: Round | None,
        kind: str,
        nonce: str | None = None,
    ) -> int | None:
        self.next_id += 1
        return self.next_id

    async def close_round_post(self, community: Community, round: Round, message: Message) -> None:
        return None

    async def remind(
        self, community: Community, round: Round, member_ids: Any, message: Message
    ) -> None:
        return None

    async def post_digest(self, server: Any, message: Message, *, nonce: str | None = None) -> None:
        return None


class FewMembers:
    async def eligible_members(self, community: Community) -> list[int]:
        return [community.guild_id + n for n in range(1, MEMBERS_PER_COMMUNITY + 1)]


def timed_runner(clock: Any) -> Any:
    """The real ``SimulatedRunner``, with every job's function timed from call to return."""
    from vitalitybot.scheduling.runner import Job
    from vitalitybot.scheduling.virtual import SimulatedRunner

    class TimedRunner(SimulatedRunner):
        def __init__(self, clock: Any) -> None:
            super().__init__(clock)
            self.timings: dict[str, list[float]] = {}  # ms, by kind of job

        def add(self, job: Job) -> None:
            samples = self.timings.setdefault(job.id.split(":")[0], [])
            fn = job.fn

            async def timed_fn(fire_time: datetime) -> None:
                timer = Timer()
                try:
                    await fn(fire_time)
                finally:
                    samples.append(timer.ms)

            super().add(Job(job.id, job.trigger, timed_fn))

    return TimedRunner(clock)


class ErrorCounter(logging.Handler):
    """Counts the errors the keeper logs (a failing job is logged and swallowed)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.first: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if self.first is None:
            self.first = record.getMessage()

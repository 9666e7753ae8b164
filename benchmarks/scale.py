"""Starting the scheduler over 10,000 Discord servers of three communities each, then
running them for a month.

On SQLite (a file in a temporary folder) and, when a server is given, on PostgreSQL (a
database created for the run and dropped after it):

1. **Seed** (not measured): ``--servers`` Discord servers, each holding three
   communities of practice with their own names and channels, as an organisation runs
   one per topic; the communities are spread over a dozen time zones, each
   watching one to three shipped patterns, with the schedules a first adoption creates
   and a year of history: a round for every run of each schedule since a year ago,
   closed, except those whose window is still open at the start (open, with their
   questions). Rows go in by bulk inserts through the storage models.
2. **Baseline**: a fresh process imports the storage layer and selects every enabled
   schedule and every community: the floor under any start, from spawn to records.
3. **Start**: a fresh process does what ``vitalitybot run`` does before it connects to
   Discord (library, templates, migration, ``Services``, a ``ScheduleKeeper`` on the real
   ``AsyncIORunner``) and ``start()`` s it; ``start_s`` runs from the spawn to the moment
   every schedule has its open job in APScheduler (closes and reminders are read from the
   rounds table by one ``due`` job, so no round has a job of its own).
   ``rss_mb`` is that process's peak. Baseline and start alternate, twice each; the best
   of each is kept, and ``start_vs_select`` is their ratio.
4. **Month**: a fresh process runs the same keeper on a ``SimulatedRunner`` over a
   ``ManualClock`` for a month (across the European, American and New Zealand
   daylight-saving changes), each due job timed from call to return through the real
   services, with a notifier that posts nowhere and five members per community. Nobody
   answers: closes score empty rounds. ``tick_p99_ms`` is over all due jobs. The wall
   time of the month is mostly the simulator's own scan for the next job, not the bot's.
   ``--start-only`` leaves the month out: at full size it takes hours, and the floors
   are about the start.

The keeper's catch-up sees the seeded start instant, while APScheduler computes next run
times from the wall clock (the seeded dates lie ahead, so nothing fires while measuring).

Last line (SQLite, or PostgreSQL when ``--postgres-url`` names a server):
``servers=S communities=N start_s=S rss_mb=M rounds=R tick_p99_ms=T`` (the last two are
the month's, left out with ``--start-only``); floors in benchmarks/README.md.

    .venv/bin/python benchmarks/scale.py [--servers 10000] [--start-only] [--postgres-url URL]

Without ``--postgres-url``, ``VITALITYBOT_TEST_POSTGRES_URL`` (which ``.ci/postgres.sh``
sets) is used when present; the role needs CREATEDB.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from support import (
    Floor,
    Timer,
    finish,
    fresh_database,
    peak_rss_mb,
    percentile,
    say,
    services_on,
    spawn,
    sqlite_url,
    timed,
)

from vitalitybot.domain.privacy import DEFAULT_MIN_RESPONDENTS
from vitalitybot.domain.records import Community, Round
from vitalitybot.render.message import Message
from vitalitybot.services import PostRef

SCRIPT = Path(__file__).resolve()
POSTGRES_URL_ENV = "VITALITYBOT_TEST_POSTGRES_URL"

# Thursday 7 October 2027, 06:00 UTC: two days after the first Tuesday's check-ins and
# quarterly surveys opened, so about half the communities have rounds open at the start.
START = datetime(2027, 10, 7, 6, 0, tzinfo=UTC)
END = datetime(2027, 11, 7, 6, 0, tzinfo=UTC)
HISTORY = timedelta(days=365)
ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Africa/Nairobi",
    "UTC",
)
MEMBERS_PER_COMMUNITY = 5
# The communities of each server: one per topic, each in its own channel.
TOPICS = ("Security", "Design", "Onboarding")
FIRST_GUILD_MS = 150_000_000_000  # guilds made in 2019, a few seconds apart
FLOORS = (Floor("start_s", "<", 10), Floor("rss_mb", "<", 400))
REPEATS = 2


# -- 1. seeding ------------------------------------------------------------------------


def guild_id_of(server: int) -> int:
    """A snowflake of a guild made in 2019, a few seconds after the one before."""
    return ((FIRST_GUILD_MS + server * 7_919) << 22) | (server & 0xFFF)


async def seed(url: str, servers: int) -> dict[str, int]:
    """Fill an empty database (migrated here) with the servers' communities and their
    history."""
    from sqlalchemy import insert, select

    from vitalitybot.config import load_settings
    from vitalitybot.patterns import load_library
    from vitalitybot.scheduling.cadence import (
        closes_at,
        fire_times_between,
        period_key,
        reminder_at,
    )
    from vitalitybot.scheduling.spec import ScheduleSpec
    from vitalitybot.services.default_schedules import default_specs
    from vitalitybot.services.messages import prompt_text
    from vitalitybot.storage.models import (
        AdoptedPatternRow,
        CommunityRow,
        QuestionRow,
        RoundRow,
        ScheduleRow,
    )
    from vitalitybot.vitality.prompts import checkin_prompts
    from vitalitybot.vitality.survey import plan_survey

    library = load_library(load_settings().patterns_dir).patterns
    slugs = sorted(library)
    created = START - HISTORY - timedelta(days=30)
    fires: dict[ScheduleSpec, list[datetime]] = {}

    def runs_of(spec: ScheduleSpec) -> list[datetime]:
        if spec not in fires:
            fires[spec] = fire_times_between(spec, START - HISTORY, START)
        return fires[spec]

    async with fresh_database(url) as db:
        community_rows: list[dict[str, Any]] = [
            {
                "guild_id": guild_id_of(n // len(TOPICS)),
                "name": f"CoP {TOPICS[n % len(TOPICS)]}",
                "timezone": ZONES[n % len(ZONES)],
                "channel_id": 900_000_000_000_000_000 + n,
                "coordinator_role_id": 800_000_000_000_000_000 + n,
                "threshold": 0.5,
                "min_respondents": 3,
                "max_items": 8,
                "anonymous": True,
                "created_at": created,
            }
            for n in range(servers * len(TOPICS))
        ]
        async with db.transaction() as session:
            await session.execute(insert(CommunityRow), community_rows)
            found = await session.execute(
                select(CommunityRow.guild_id, CommunityRow.name, CommunityRow.id)
            )
            ids: dict[tuple[int, str], int] = {(row.guild_id, row.name): row.id for row in found}

        adopted_rows: list[dict[str, Any]] = []
        schedule_rows: list[dict[str, Any]] = []
        round_rows: list[dict[str, Any]] = []
        watched: dict[int, list[str]] = {}
        for n, row in enumerate(community_rows):
            community_id = ids[row["guild_id"], row["name"]]
            first = n % len(slugs)
            chosen = [slugs[(first + k) % len(slugs)] for k in range(1 + n % 3)]
            watched[community_id] = chosen
            adopted_rows += [
                {
                    "community_id": community_id,
                    "pattern_slug": slug,
                    "adopted_at": created + timedelta(minutes=k),
                }
                for k, slug in enumerate(chosen)
            ]
            for spec in default_specs(library[chosen[0]], row["timezone"]):
                schedule_rows.append(
                    {
                        "community_id": community_id,
                        "kind": spec.kind,
                        "pattern_slug": "",
                        "cadence": spec.cadence,
                        "weekday": spec.weekday,
                        "day_of_month": spec.day_of_month,
                        "nth": spec.nth,
                        "time_of_day": spec.time_of_day,
                        "window_days": spec.window_days,
                        "enabled": True,
                    }
                )
                for fire in runs_of(spec):
                    closes = closes_at(spec, fire)
                    reminded = reminder_at(fire, closes)
                    round_rows.append(
                        {
                            "community_id": community_id,
                            "kind": spec.kind,
                            "pattern_slug": "",
                            "period": period_key(spec, fire),
                            "status": "closed" if closes <= START else "open",
                            "anonymous": True,
                            "min_respondents": DEFAULT_MIN_RESPONDENTS,
                            "opened_at": fire,
                            "closes_at": closes,
                            "closed_at": closes if closes <= START else None,
                            "reminded_at": reminded if reminded <= START else None,
                            "eligible_members": MEMBERS_PER_COMMUNITY,
                            "channel_id": row["channel_id"],
                            "message_id": 700_000_000_000_000_000 + len(round_rows),
                        }
                    )
        async with db.transaction() as session:
            await session.execute(insert(AdoptedPatternRow), adopted_rows)
            await session.execute(insert(ScheduleRow), schedule_rows)
            await session.execute(insert(RoundRow), round_rows)

        # The open rounds get the questions the services would have asked.
        async with db.transaction() as session:
            history = (
                await session.execute(
                    select(
                        RoundRow.id, RoundRow.community_id, RoundRow.kind, RoundRow.status
                    ).order_by(RoundRow.community_id, RoundRow.kind, RoundRow.opened_at)
                )
            ).all()
            question_rows: list[dict[str, Any]] = []
            earlier: dict[tuple[int, str], int] = {}
            for round_id, community_id, kind, status in history:
                index = earlier.get((community_id, kind), 0)
                earlier[(community_id, kind)] = index + 1
                if status != "open":
                    continue
                patterns = [library[slug] for slug in watched[community_id]]
                drafts: list[tuple[str, str, str, str | None]]
                if kind == "checkin":
                    drafts = [
                        ("prompt", prompt_text(p), "", None) for p in checkin_prompts(patterns)
                    ]
                else:
                    drafts = [
                        (item.kind.value, item.text, item.pattern_slug, item.sign_id)
                        for item in plan_survey(patterns, round_index=index, max_items=8)
                    ]
                question_rows += [
                    {
                        "round_id": round_id,
                        "position": position,
                        "kind": qkind,
                        "pattern_slug": slug,
                        "sign_id": sign,
                        "text": text,
                    }
                    for position, (qkind, text, slug, sign) in enumerate(drafts, start=1)
                ]
            await session.execute(insert(QuestionRow), question_rows)
    open_rounds = sum(1 for r in round_rows if r["status"] == "open")
    return {
        "servers": servers,
        "communities": len(community_rows),
        "adopted": len(adopted_rows),
        "schedules": len(schedule_rows),
        "rounds": len(round_rows),
        "open_rounds": open_rounds,
        "questions": len(question_rows),
    }


# -- the measuring processes: each a fresh interpreter answering in one JSON line -------
# Imports happen inside, so the baseline loads only the storage layer, the start what
# the bot does.


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


# -- the driver ------------------------------------------------------------------------


def child(kind: str, url: str) -> dict[str, Any]:
    return spawn(SCRIPT, "--child", kind, url, "--spawned", repr(time.time()))


def run_backend(backend: str, url: str, servers: int, *, month: bool) -> dict[str, float]:
    print(f"\n== {backend} ==")
    timer = Timer()
    seeded = asyncio.run(seed(url, servers))
    print(
        f"seeded in {timer.seconds:.1f} s: "
        + ", ".join(f"{value:,} {name}" for name, value in seeded.items())
    )
    sizes = {"servers": float(servers), "communities": float(seeded["communities"])}
    started = run_starts(url, seeded)
    return sizes | started | (run_month(url) if month else {})


def run_starts(url: str, seeded: dict[str, int]) -> dict[str, float]:
    """Baseline and start, alternating; the best of each."""
    baselines, starts = [], []
    for _ in range(REPEATS):
        baselines.append(child("baseline", url))
        starts.append(child("start", url))
    expected = {"open": seeded["schedules"], "close": 0, "remind": 0}
    for result in starts:
        jobs = result["jobs"]
        if any(jobs.get(kind, 0) != count for kind, count in expected.items()):
            raise SystemExit(f"start armed {jobs}, expected {expected}")
        if result["unscheduled"] or result["late_or_missed"]:
            raise SystemExit(f"start did more than arm jobs: {result}")
    base = min(baselines, key=lambda r: r["total_s"])
    best = min(starts, key=lambda r: r["total_s"])
    print(f"baseline (select schedules): {base['total_s']:.2f} s, query {base['query_s']:.2f} s")
    phases = ", ".join(f"{name} {seconds:.2f}" for name, seconds in best["phases"].items())
    print(f"start (every job armed): {best['total_s']:.2f} s ({phases}); {best['jobs']}")
    print(f"  start_vs_select={best['total_s'] / base['total_s']:.2f}")
    return {"start_s": best["total_s"], "rss_mb": best["rss_mb"]}


def run_month(url: str) -> dict[str, float]:
    month = child("month", url)
    print(
        f"month {START:%Y-%m-%d} .. {END:%Y-%m-%d}: {month['runs']:,} due jobs in "
        f"{month['wall_s']:.0f} s ({month['job_s']:.1f} s inside them), "
        f"{month['rounds_opened']:,} rounds opened, {month['errors']} errors logged"
    )
    if month["errors"]:
        print(f"  first error: {month['first_error']}")
    for kind, values in month["by_kind"].items():
        if values:
            print(f"  {kind:<8} n={len(values):<7,} p99 {percentile(values, 99):.1f} ms")
    return {"rounds": float(month["rounds_opened"]), "tick_p99_ms": month["p99_ms"]}


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A database of its own on the server at ``admin_url``, dropped afterwards."""
    from uuid import uuid4

    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    admin = make_url(admin_url).set(drivername="postgresql+asyncpg")
    name = f"vitalitybot_scale_{uuid4().hex[:12]}"

    async def execute(sql: str) -> None:
        engine = create_async_engine(admin, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                await connection.execute(text(sql))
        finally:
            await engine.dispose()

    asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--servers", type=int, default=10_000)
    parser.add_argument(
        "--start-only", action="store_true", help="measure the start, not the month"
    )
    parser.add_argument(
        "--postgres-url",
        help=f"also run on this PostgreSQL server (CREATEDB); default ${POSTGRES_URL_ENV}",
    )
    parser.add_argument("--child", choices=("baseline", "start", "month"), help=argparse.SUPPRESS)
    parser.add_argument("url", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--spawned", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "baseline":
        say(asyncio.run(measure_baseline(args.url, args.spawned)))
        return
    if args.child == "start":
        say(asyncio.run(measure_start(args.url, args.spawned)))
        return
    if args.child == "month":
        say(asyncio.run(measure_month(args.url)))
        return

    postgres_url = args.postgres_url or os.environ.get(POSTGRES_URL_ENV)
    with tempfile.TemporaryDirectory() as folder:
        figures = run_backend(
            "sqlite", sqlite_url(Path(folder), "scale"), args.servers, month=not args.start_only
        )
    if postgres_url:
        with postgres_database(postgres_url) as url:
            on_postgres = run_backend("postgresql", url, args.servers, month=not args.start_only)
        print("sqlite: " + " ".join(f"{k}={v:g}" for k, v in figures.items()))
        if args.postgres_url:  # the run asked for by name
            figures = on_postgres
    else:
        print(f"\n(PostgreSQL: not run; give --postgres-url or set {POSTGRES_URL_ENV})")
    finish(figures, FLOORS)


if __name__ == "__main__":
    main()

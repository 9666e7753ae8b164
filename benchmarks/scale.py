"""Starting the scheduler over 10,000 communities, then running them for a month.

What it does, on SQLite (a file in a temporary folder) and, when a server is given, on
PostgreSQL (a database created for the run and dropped after it):

1. **Seed** (not timed in the figures; its time is printed): 10,000 communities in a
   dozen time zones, each watching one to three shipped patterns, with the default
   schedules a first adoption creates (``services.communities.default_specs``: a monthly
   check-in and a survey at the first pattern's rhythm) and a year of history: a round
   for every run of each schedule since a year ago, closed, except the runs whose window
   is still open at the start (those are open, with their questions). Rows go in by bulk
   inserts through the storage models, because 10,000 ``setup``/``adopt`` calls would
   take minutes and say nothing the services tests do not.
2. **Baseline**: a fresh process that imports the storage layer, opens the database and
   selects every enabled schedule and every community into records: the floor under any
   start. ``baseline_select_s`` is measured from the moment the process was spawned to
   the moment the records are in memory.
3. **Start**: a fresh process that does what ``vitalitybot run`` does before it connects
   to Discord: load the pattern library, build the template environment, open the
   database, run the (no-op) migration, build ``Services`` and a ``ScheduleKeeper`` on
   the real ``AsyncIORunner`` (APScheduler), and ``start()`` it. ``start_s`` runs from
   the spawn to the moment every enabled schedule has its open job in APScheduler's job
   store (checked by counting; closes and reminders are read from the rounds table by
   one ``due`` job, so no round has a job of its own). RSS is the process's
   peak (``getrusage``). Baseline and start alternate, twice each; the best of each is
   reported, and ``start_vs_select`` is the ratio, which is what to compare on a noisy
   machine.
4. **Month**: a fresh process runs the same keeper on a ``SimulatedRunner`` over a
   ``ManualClock`` for one month from the start (7 October to 7 November 2027, across the
   European, American and New Zealand daylight-saving changes). Each due job (open,
   remind, close) is timed from the call to its return, through the real services, with
   a notifier that posts nowhere (but hands back a message id, as Discord does) and a
   directory of five members per community. Nobody answers: closes score empty rounds.
   ``tick_p99_ms`` is the 99th percentile over all due jobs; ``rounds`` counts the rounds
   opened during the month. The month's wall time is well above the time spent inside
   the jobs: ``SimulatedRunner`` finds each next job by scanning every pending one,
   which is the simulator's cost, not the bot's (it takes about half an hour).

The scheduler's clock is simulated in the start process too: the keeper's catch-up sees
the seeded start instant, while APScheduler computes its next run times from the wall
clock (the seeded dates lie in the future, so nothing fires during the measurement).

Output: a table per backend, a ``<backend>: key=value`` summary line for each, then the
last line, machine-readable, for SQLite, or for PostgreSQL when ``--postgres-url`` was
given (the run asked for by name):
    communities=N rounds=R start_s=S rss_mb=M tick_p99_ms=T
Floors: start_s < 10, rss_mb < 400.

    .venv/bin/python benchmarks/scale.py [--communities 10000] [--postgres-url URL]

Without ``--postgres-url``, ``VITALITYBOT_TEST_POSTGRES_URL`` (which ``.ci/postgres.sh``
sets) is used when present; the role needs CREATEDB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
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
FIRST_GUILD_MS = 150_000_000_000  # guilds made in 2019, a few seconds apart
FLOORS = {"start_s": 10.0, "rss_mb": 400.0}
REPEATS = 2


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[min(len(ordered), int(rank)) - 1]


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB.

    On Linux ``getrusage``'s ``ru_maxrss`` survives ``exec``: a child forked from a big
    parent starts with the parent's peak. ``VmHWM`` belongs to the program now running.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


# -- 1. seeding ------------------------------------------------------------------------


async def seed(url: str, communities: int) -> dict[str, int]:
    """Fill an empty database (migrated here) with the communities and their history."""
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
    from vitalitybot.services.communities import default_specs
    from vitalitybot.services.messages import prompt_text
    from vitalitybot.storage import open_database, upgrade
    from vitalitybot.storage.communities import new_secret
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

    db = open_database(url)
    try:
        await upgrade(db)
        community_rows = [
            {
                "guild_id": ((FIRST_GUILD_MS + n * 7_919) << 22) | (n & 0xFFF),
                "name": f"CoP {n}",
                "timezone": ZONES[n % len(ZONES)],
                "channel_id": 900_000_000_000_000_000 + n,
                "coordinator_role_id": 800_000_000_000_000_000 + n,
                "threshold": 0.5,
                "min_respondents": 3,
                "max_items": 8,
                "anonymous": True,
                "secret": new_secret(),
                "created_at": created,
            }
            for n in range(communities)
        ]
        async with db.transaction() as session:
            await session.execute(insert(CommunityRow.__table__), community_rows)
            ids = dict(
                (await session.execute(select(CommunityRow.guild_id, CommunityRow.id))).all()
            )

        adopted_rows: list[dict[str, Any]] = []
        schedule_rows: list[dict[str, Any]] = []
        round_rows: list[dict[str, Any]] = []
        watched: dict[int, list[str]] = {}
        for n, row in enumerate(community_rows):
            community_id = ids[row["guild_id"]]
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
            await session.execute(insert(AdoptedPatternRow.__table__), adopted_rows)
            await session.execute(insert(ScheduleRow.__table__), schedule_rows)
            await session.execute(insert(RoundRow.__table__), round_rows)

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
            await session.execute(insert(QuestionRow.__table__), question_rows)
    finally:
        await db.dispose()
    open_rounds = sum(1 for r in round_rows if r["status"] == "open")
    return {
        "communities": len(community_rows),
        "adopted": len(adopted_rows),
        "schedules": len(schedule_rows),
        "rounds": len(round_rows),
        "open_rounds": open_rounds,
        "questions": len(question_rows),
    }


# -- the measuring processes -----------------------------------------------------------
# Each runs in a fresh interpreter and prints one JSON line. Imports happen inside, so the
# baseline process loads only the storage layer, and the start process what the bot does.


async def measure_baseline(url: str, spawned: float) -> dict[str, Any]:
    from vitalitybot.storage import Repositories, open_database

    db = open_database(url)
    try:
        started = time.perf_counter()
        async with db.transaction() as session:
            repos = Repositories(session)
            schedules = await repos.schedules.list_enabled()
            communities = await repos.communities.list_all()
        query_s = time.perf_counter() - started
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
    from vitalitybot.services import ScheduleKeeper  # noqa: F401 - the bot's imports, timed

    phases: dict[str, float] = {"imports": time.time() - spawned}
    with bot_logging() as logged:
        result = await _start(url, spawned, phases)
    result["log_lines"] = logged["lines"]
    return result


async def _start(url: str, spawned: float, phases: dict[str, float]) -> dict[str, Any]:
    from vitalitybot.config import load_settings
    from vitalitybot.patterns import load_library
    from vitalitybot.render.environment import build_environment
    from vitalitybot.scheduling.clock import ManualClock
    from vitalitybot.scheduling.runner import AsyncIORunner
    from vitalitybot.services import ScheduleKeeper, Services
    from vitalitybot.storage import open_database, upgrade

    with phase(phases, "library"):
        library = load_library(load_settings().patterns_dir)
        env = build_environment()
    db = open_database(url)
    try:
        with phase(phases, "migrate"):
            await upgrade(db)
        svc = Services(
            db=db,
            patterns=library.patterns,
            clock=ManualClock(START),
            notifier=QuietNotifier(),
            members=FewMembers(),
            env=env,
        )
        runner = AsyncIORunner(clock=svc.clock)
        keeper = ScheduleKeeper(svc, runner)
        with phase(phases, "keeper"):
            report = await keeper.start()
        armed = runner._scheduler.get_jobs()  # what APScheduler holds, not what we asked
        total_s = time.time() - spawned
        kinds: dict[str, int] = {}
        for job in armed:
            kind = job.id.split(":")[0]
            kinds[kind] = kinds.get(kind, 0) + 1
        unscheduled = sum(1 for job in armed if job.next_run_time is None)
        keeper.shutdown()
    finally:
        await db.dispose()
    return {
        "total_s": total_s,
        "phases": phases,
        "jobs": kinds,
        "unscheduled": unscheduled,
        "schedules": report.schedules,
        "closed_late": len(report.closed),
        "opened_late": len(report.opened),
        "missed": len(report.missed),
        "rss_mb": peak_rss_mb(),
    }


async def measure_month(url: str) -> dict[str, Any]:
    errors = ErrorCounter()
    logging.getLogger().addHandler(errors)
    with bot_logging() as logged:
        result = await _month(url, errors)
    result["log_lines"] = logged["lines"]
    return result


async def _month(url: str, errors: ErrorCounter) -> dict[str, Any]:
    from sqlalchemy import func, select

    from vitalitybot.config import load_settings
    from vitalitybot.patterns import load_library
    from vitalitybot.render.environment import build_environment
    from vitalitybot.scheduling.clock import ManualClock
    from vitalitybot.services import ScheduleKeeper, Services
    from vitalitybot.storage import open_database
    from vitalitybot.storage.models import RoundRow

    clock = ManualClock(START)
    db = open_database(url)
    try:
        svc = Services(
            db=db,
            patterns=load_library(load_settings().patterns_dir).patterns,
            clock=clock,
            notifier=QuietNotifier(),
            members=FewMembers(),
            env=build_environment(),
        )
        runner = timed_runner(clock)
        # This process's commits wake the keeper; a daily look stands in for the bot's
        # real-time poll, which a simulated month of minutes would make 43,200 runs.
        keeper = ScheduleKeeper(svc, runner, poll=timedelta(days=1))
        started = time.perf_counter()
        await keeper.start()
        runs = await runner.run_until(END)
        wall_s = time.perf_counter() - started
        async with db.session() as session:
            opened = await session.scalar(
                select(func.count()).select_from(RoundRow).where(RoundRow.opened_at >= START)
            )
            by_status = dict(
                (
                    await session.execute(
                        select(RoundRow.status, func.count())
                        .where(RoundRow.opened_at >= START - timedelta(days=40))
                        .group_by(RoundRow.status)
                    )
                ).all()
            )
        keeper.shutdown()
    finally:
        await db.dispose()
    timings = runner.timings  # type: ignore[attr-defined]
    every = [t for values in timings.values() for t in values]
    return {
        "runs": runs,
        "wall_s": wall_s,
        "job_s": sum(every),
        "rounds_opened": int(opened or 0),
        "recent_by_status": by_status,
        "by_kind": {
            kind: {
                "n": len(values),
                "p50_ms": percentile(values, 0.5) * 1000,
                "p99_ms": percentile(values, 0.99) * 1000,
                "max_ms": max(values) * 1000,
            }
            for kind, values in sorted(timings.items())
        },
        "p50_ms": percentile(every, 0.5) * 1000,
        "p99_ms": percentile(every, 0.99) * 1000,
        "largest_burst": runner.largest_burst(),  # type: ignore[attr-defined]
        "errors": errors.count,
        "first_error": errors.first,
        "rss_mb": peak_rss_mb(),
    }


@contextmanager
def bot_logging() -> Iterator[dict[str, int]]:
    """Log as ``vitalitybot run`` does (INFO, the bot's handler), into a scratch file.

    The lines are counted, not kept: they stand in for journald.
    """
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


@contextmanager
def phase(phases: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    phases[name] = time.perf_counter() - started


class QuietNotifier:
    """Posts go nowhere, but each gets a message id back, so the services store it."""

    def __init__(self) -> None:
        self.next_id = 10**18

    async def open_round(self, community: Any, round: Any, questions: Any, message: Any) -> Any:
        from vitalitybot.services import PostRef

        self.next_id += 2
        return PostRef(community.channel_id, self.next_id, self.next_id + 1)

    async def post(self, community: Any, message: Any, *, round: Any, kind: str) -> None:
        return None

    async def remind(self, community: Any, round: Any, member_ids: Any, message: Any) -> None:
        return None


class FewMembers:
    async def eligible_members(self, community: Any) -> list[int]:
        return [community.guild_id + n for n in range(1, MEMBERS_PER_COMMUNITY + 1)]


def timed_runner(clock: Any) -> Any:
    """The real ``SimulatedRunner``, with every job's function timed from call to return."""
    from vitalitybot.scheduling.runner import Job
    from vitalitybot.scheduling.virtual import SimulatedRunner

    class TimedRunner(SimulatedRunner):
        def __init__(self, clock: Any) -> None:
            super().__init__(clock)
            self.timings: dict[str, list[float]] = {}
            self.fired: dict[datetime, int] = {}

        def add(self, job: Job) -> None:
            samples = self.timings.setdefault(job.id.split(":")[0], [])
            fn, fired = job.fn, self.fired

            async def timed(fire_time: datetime) -> None:
                started = time.perf_counter()
                try:
                    await fn(fire_time)
                finally:
                    samples.append(time.perf_counter() - started)
                    fired[fire_time] = fired.get(fire_time, 0) + 1

            super().add(Job(job.id, job.trigger, timed))

        def largest_burst(self) -> dict[str, Any]:
            when, count = max(self.fired.items(), key=lambda item: item[1])
            return {"at": when.isoformat(), "jobs": count}

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


def child_main(kind: str, url: str, spawned: float) -> None:
    if kind == "baseline":
        result = asyncio.run(measure_baseline(url, spawned))
    elif kind == "start":
        result = asyncio.run(measure_start(url, spawned))
    else:
        result = asyncio.run(measure_month(url))
    print(json.dumps(result))


# -- the driver ------------------------------------------------------------------------


def spawn(kind: str, url: str) -> dict[str, Any]:
    script = str(Path(__file__).resolve())
    spawned = time.time()
    done = subprocess.run(
        [sys.executable, script, "--child", kind, url, "--spawned", repr(spawned)],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {kind} process failed (exit {done.returncode})")
    lines = done.stdout.strip().splitlines()
    if done.stderr.strip():
        warned = done.stderr.strip().splitlines()
        print(f"  ({kind} process wrote {len(warned)} lines to stderr; last: {warned[-1][:160]})")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


@dataclass
class Outcome:
    backend: str
    figures: dict[str, float]
    summary: str


def run_backend(backend: str, url: str, communities: int) -> Outcome:
    print(f"\n== {backend} ==")
    started = time.perf_counter()
    seeded = asyncio.run(seed(url, communities))
    print(
        f"seeded in {time.perf_counter() - started:.1f} s (not part of any figure): "
        + ", ".join(f"{value:,} {name}" for name, value in seeded.items())
    )
    baselines: list[dict[str, Any]] = []
    starts: list[dict[str, Any]] = []
    for _ in range(REPEATS):
        baselines.append(spawn("baseline", url))
        starts.append(spawn("start", url))
    base = min(baselines, key=lambda r: r["total_s"])
    best = min(starts, key=lambda r: r["total_s"])
    expected = {"open": seeded["schedules"], "close": 0, "remind": 0}
    for result in starts:
        jobs = result["jobs"]
        if any(jobs.get(kind, 0) != count for kind, count in expected.items()):
            raise SystemExit(f"start armed {jobs}, expected {expected}")
        if result["unscheduled"] or result["missed"] or result["opened_late"]:
            raise SystemExit(f"start did more than arm jobs: {result}")

    print(f"{'step':<34}{'runs (s)':>20}{'best (s)':>10}{'peak RSS (MB)':>15}")
    print(
        f"{'baseline: select schedules':<34}{runs_of(baselines):>20}{base['total_s']:>10.2f}"
        f"{base['rss_mb']:>15.0f}"
    )
    print(f"{'  of which the query':<34}{'':>20}{base['query_s']:>10.2f}")
    print(
        f"{'start: every job in APScheduler':<34}{runs_of(starts):>20}{best['total_s']:>10.2f}"
        f"{best['rss_mb']:>15.0f}"
    )
    for name, seconds in best["phases"].items():
        print(f"{'  ' + name:<34}{'':>20}{seconds:>10.2f}")
    jobs = ", ".join(f"{count:,} {kind}" for kind, count in sorted(best["jobs"].items()))
    print(f"  jobs armed: {jobs}; {best['log_lines']:,} log lines at INFO")
    ratio = best["total_s"] / base["total_s"]
    print(f"baseline_select_s={base['total_s']:.2f} start_vs_select={ratio:.2f}")

    month = spawn("month", url)
    print(
        f"month {START:%Y-%m-%d} .. {END:%Y-%m-%d}: {month['runs']:,} due jobs in "
        f"{month['wall_s']:.0f} s wall ({month['job_s']:.0f} s inside the jobs), "
        f"{month['rounds_opened']:,} rounds opened, {month['errors']} errors logged, "
        f"peak RSS {month['rss_mb']:.0f} MB, {month['log_lines']:,} log lines"
    )
    if month["errors"]:
        print(f"  first error: {month['first_error']}")
    print(f"  {'job':<8}{'count':>8}{'p50 (ms)':>10}{'p99 (ms)':>10}{'max (ms)':>10}")
    for kind, stats in month["by_kind"].items():
        print(
            f"  {kind:<8}{stats['n']:>8,}{stats['p50_ms']:>10.1f}{stats['p99_ms']:>10.1f}"
            f"{stats['max_ms']:>10.1f}"
        )
    burst = month["largest_burst"]
    print(
        f"  all due jobs: p50 {month['p50_ms']:.1f} ms, p99 {month['p99_ms']:.1f} ms; "
        f"largest burst: {burst['jobs']:,} jobs due at {burst['at']}"
    )
    figures = {
        "communities": float(seeded["communities"]),
        "rounds": float(month["rounds_opened"]),
        "start_s": best["total_s"],
        "rss_mb": best["rss_mb"],
        "tick_p99_ms": month["p99_ms"],
    }
    missed = [name for name, floor in FLOORS.items() if figures[name] >= floor]
    print("floors: " + ("all met" if not missed else "missed: " + ", ".join(missed)))
    return Outcome(backend, figures, last_line(figures))


def runs_of(results: list[dict[str, Any]]) -> str:
    return " ".join(f"{result['total_s']:.2f}" for result in results)


def last_line(figures: dict[str, float]) -> str:
    return (
        f"communities={figures['communities']:.0f} rounds={figures['rounds']:.0f} "
        f"start_s={figures['start_s']:.2f} rss_mb={figures['rss_mb']:.0f} "
        f"tick_p99_ms={figures['tick_p99_ms']:.1f}"
    )


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=10_000)
    parser.add_argument(
        "--postgres-url",
        help="also run on this PostgreSQL server (a role with CREATEDB); "
        f"defaults to ${POSTGRES_URL_ENV} when set",
    )
    parser.add_argument("--child", choices=("baseline", "start", "month"), help=argparse.SUPPRESS)
    parser.add_argument("url", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--spawned", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args.child, args.url, args.spawned)
        return

    postgres_url = args.postgres_url or os.environ.get(POSTGRES_URL_ENV)
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory() as folder:
        sqlite_url = f"sqlite+aiosqlite:///{Path(folder) / 'scale.sqlite3'}"
        outcomes.append(run_backend("sqlite", sqlite_url, args.communities))
    if postgres_url:
        with postgres_database(postgres_url) as url:
            outcomes.append(run_backend("postgresql", url, args.communities))
    else:
        print(f"\n(PostgreSQL: not run; give --postgres-url or set {POSTGRES_URL_ENV})")
    print()
    for outcome in outcomes:
        print(f"{outcome.backend}: {outcome.summary}")
    chosen = "postgresql" if args.postgres_url else "sqlite"
    print(next(o.summary for o in outcomes if o.backend == chosen))


if __name__ == "__main__":
    main()

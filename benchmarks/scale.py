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

The seed is scale_seed.py's, the processes of steps 2 to 4 are scale_measure.py's; this
script drives them, each process answering in one JSON line, and prints what they found.

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
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scale_measure import measure_baseline, measure_month, measure_start
from scale_seed import END, START, seed
from support import Floor, Timer, finish, percentile, say, spawn, sqlite_url

SCRIPT = Path(__file__).resolve()
POSTGRES_URL_ENV = "VITALITYBOT_TEST_POSTGRES_URL"
FLOORS = (Floor("start_s", "<", 10), Floor("rss_mb", "<", 400))
REPEATS = 2


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
    print(
        f"a full garbage collection after the start: {best['collection_ms']:.0f} ms; "
        f"after settling the heap: {best['settled_collection_ms']:.1f} ms"
    )
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

"""Recording answers under load, and closing a big round, through the real services.

Everything goes through ``vitalitybot.services`` on a fresh SQLite file migrated by the
real Alembic, with the shipped patterns adopted (a survey of 8 items):

1. **Baseline** (same run, same file settings): raw aiosqlite, one single-row
   INSERT + COMMIT at a time on a table of the same shape, with the pragmas the bot
   applies (WAL, synchronous=NORMAL, busy_timeout). These machines are noisy, so the
   figures that matter are the ratios to this baseline, printed beside them.
2. **Answers**: 50 concurrent respondents (asyncio tasks) each submit an 8-item survey
   through ``services.record_answers`` ``--submissions`` times, first flat out (each
   submits again as soon as the last one returned): the figures on the last line,
   throughput and the latency of each submission under that load. Then paced: each
   keeps their own rhythm (an open loop from a random phase, like members clicking a
   post), so that together they offer ``--offered`` answers/s (default 2,400, a fifth
   above the floor); a slow answer never holds the next member back, so a stall shows
   in the latencies instead of hiding in fewer requests. Latency is from the call to
   its return, including waiting for the group commit (answer_writer.py). Two
   submissions each are made first, unmeasured (the pool opens its connections, the
   round is read once). Each rated item counts as one answer.
3. **Close**: a second survey round is seeded with 5,000 respondents × 8 items by a
   bulk insert (not timed), then ``services.close_round`` is timed: participation,
   the grouped aggregate, scores, suggestions, and the results post to a notifier
   that does nothing.

The last line is machine-readable:
    answers_per_s=N p99_ms=M close_ms=C
Floors: answers_per_s >= 2000, p99_ms < 25, close_ms < 250.

    .venv/bin/python benchmarks/answers.py [--respondents 50] [--submissions 100] [--offered 2400]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
from sqlalchemy import insert

from vitalitybot.config import load_settings
from vitalitybot.domain.records import (
    AnswerInput,
    Community,
    Question,
    QuestionKind,
    Round,
    RoundKind,
)
from vitalitybot.patterns import load_library
from vitalitybot.render.environment import build_environment
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import (
    DiscardingNotifier,
    Services,
    adopt_pattern,
    close_round,
    open_round,
    record_answers,
    setup_community,
)
from vitalitybot.storage import open_database, upgrade
from vitalitybot.storage.database import SQLITE_PRAGMAS
from vitalitybot.storage.models import AnswerRow, RespondentRow
from vitalitybot.vitality.anonymity import respondent_key

GUILD = 4_242
PATTERNS = ("cop-commons-alignment", "energizing-participation")
# Monday 5 October 2026, 12:00 UTC: rounds opened now stay open for days.
NOW = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)
CLOSE_RESPONDENTS = 5000
FLOORS = {"answers_per_s": 2000.0, "p99_ms": 25.0, "close_ms": 250.0}
BASELINE_ROWS = 3000
# Offered load: a fifth above the floor, so keeping up with it clears the floor.
OFFERED = 2400.0
WARM_UP = 2  # submissions per respondent before measuring


class Members:
    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    async def eligible_members(self, community: Community) -> list[int]:
        return self.ids


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


# -- 1. baseline -------------------------------------------------------------------------


async def baseline(path: Path, rows: int) -> float:
    """Single-row INSERT + COMMIT per second on one raw aiosqlite connection."""
    async with aiosqlite.connect(path) as conn:
        for pragma in SQLITE_PRAGMAS:
            await conn.execute(pragma)
        await conn.execute(
            "CREATE TABLE answers_baseline (id INTEGER PRIMARY KEY, round_id INTEGER, "
            "question_id INTEGER, respondent_key TEXT, value INTEGER, answered_at TEXT, "
            "UNIQUE (round_id, question_id, respondent_key))"
        )
        await conn.commit()
        started = time.perf_counter()
        for i in range(rows):
            await conn.execute(
                "INSERT INTO answers_baseline (round_id, question_id, respondent_key, value, "
                "answered_at) VALUES (?, ?, ?, ?, ?)",
                (1, i % 8, f"key-{i // 8:06d}", 1 + i % 5, NOW.isoformat()),
            )
            await conn.commit()
        return rows / (time.perf_counter() - started)


# -- 2. answers under load -------------------------------------------------------------


@dataclass
class Load:
    answers_per_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    submissions: int
    rated: int


async def respondent(
    svc: Services,
    round_id: int,
    rated: Sequence[Question],
    member_id: int,
    submissions: int,
    period: float,
    rng: random.Random,
    latencies: list[float],
) -> None:
    """Submit ``submissions`` times, one every ``period`` seconds from a random phase.

    Each member keeps their own rhythm whatever the bot does (an open loop, like
    members clicking a post): a slow answer does not delay the next member, and a
    submission that falls behind its time goes at once. ``period=0``: back to back.
    """
    loop = asyncio.get_running_loop()
    due = loop.time() + rng.uniform(0, period)
    for _ in range(submissions):
        if period > 0:
            await asyncio.sleep(max(0.0, due - loop.time()))
            due += period
        answers = [AnswerInput(q.id, rng.randint(1, 5)) for q in rated]
        started = time.perf_counter()
        await record_answers(svc, GUILD, round_id, member_id, answers)
        latencies.append((time.perf_counter() - started) * 1000)


async def load(
    svc: Services, round_: Round, respondents: int, submissions: int, offered: float
) -> Load:
    """``respondents`` members at once; ``offered`` answers/s in all (0: as fast as they can)."""
    async with svc.repos() as repos:
        questions = await repos.rounds.list_questions(round_.community_id, round_.id)
    rated = [q for q in questions if q.kind is not QuestionKind.PROMPT]
    period = respondents * len(rated) / offered if offered > 0 else 0.0
    # Warm up first (not measured): the pool opens its connections and SQLAlchemy
    # compiles its statements once per process, as a running bot already has.
    await asyncio.gather(
        *(
            respondent(svc, round_.id, rated, 1_000_000 + n, WARM_UP, period, random.Random(-n), [])
            for n in range(respondents)
        )
    )
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(
        *(
            respondent(
                svc,
                round_.id,
                rated,
                1_000_000 + n,
                submissions,
                period,
                random.Random(n),
                latencies,
            )
            for n in range(respondents)
        )
    )
    elapsed = time.perf_counter() - started
    return Load(
        answers_per_s=len(latencies) * len(rated) / elapsed,
        p50_ms=statistics.median(latencies),
        p99_ms=percentile(latencies, 0.99),
        max_ms=max(latencies),
        submissions=len(latencies),
        rated=len(rated),
    )


def describe(load: Load) -> str:
    return (
        f"{load.submissions:,} submissions, {load.submissions * load.rated:,} answers: "
        f"{load.answers_per_s:,.0f} answers/s, latency p50 {load.p50_ms:.1f} ms, "
        f"p99 {load.p99_ms:.1f} ms, max {load.max_ms:.1f} ms"
    )


# -- 3. closing a big round ------------------------------------------------------------


async def seed_round(svc: Services, community: Community, round_: Round) -> int:
    """5,000 respondents' answers, inserted in bulk (what members did over days)."""
    async with svc.repos() as repos:
        questions = await repos.rounds.list_questions(community.id, round_.id)
    rng = random.Random(5)
    answers: list[dict[str, object]] = []
    respondents: list[dict[str, object]] = []
    for n in range(CLOSE_RESPONDENTS):
        key = respondent_key(community.secret, 2_000_000 + n)
        respondents.append(
            {"round_id": round_.id, "respondent_key": key, "status": "answered", "updated_at": NOW}
        )
        answers.extend(
            {
                "round_id": round_.id,
                "question_id": q.id,
                "respondent_key": key,
                "member_id": None,
                "value": rng.randint(1, 5),
                "text": None,
                "shared": False,
                "answered_at": NOW,
            }
            for q in questions
        )
    async with svc.db.transaction() as session:
        await session.execute(insert(AnswerRow.__table__), answers)
        await session.execute(insert(RespondentRow.__table__), respondents)
    return len(answers)


async def run(folder: Path, respondents: int, submissions: int, offered: float) -> dict[str, float]:
    base = await baseline(folder / "baseline.sqlite3", BASELINE_ROWS)
    print(f"baseline: raw aiosqlite single-row INSERT+COMMIT, {BASELINE_ROWS:,} rows")
    print(f"baseline_inserts_per_s={base:.0f}")

    db = open_database(f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}")
    try:
        await upgrade(db)
        clock = ManualClock(NOW)
        members = Members([1_000_000 + n for n in range(respondents)])
        svc = Services(
            db=db,
            patterns=load_library(load_settings().patterns_dir).patterns,
            clock=clock,
            notifier=DiscardingNotifier(),
            members=members,
            env=build_environment(),
        )
        community = await setup_community(svc, GUILD, "Bench CoP", 1, "Europe/Berlin")
        for slug in PATTERNS:
            await adopt_pattern(svc, GUILD, slug)
        survey = await open_round(svc, community.id, RoundKind.SURVEY, period="bench-load")
        assert survey is not None

        flat_out = await load(svc, survey, respondents, submissions, 0.0)
        print(
            f"answers: {respondents} concurrent respondents, each submitting an "
            f"{flat_out.rated}-item survey {submissions} times through "
            "services.record_answers; each rated item counts as one answer"
        )
        print(f"  flat out (each submits again as soon as answered): {describe(flat_out)}")
        paced = await load(svc, survey, respondents, submissions, offered)
        print(
            f"  paced at {offered:,.0f} answers/s offered (each respondent every "
            f"{respondents * paced.rated / offered * 1000:.0f} ms): {describe(paced)}"
        )
        print(
            f"  ratio answers/s to baseline inserts/s: flat out "
            f"{flat_out.answers_per_s / base:.2f}, submissions/s to baseline inserts/s "
            f"{flat_out.answers_per_s / flat_out.rated / base:.2f}"
        )

        members.ids = [2_000_000 + n for n in range(CLOSE_RESPONDENTS)]
        big = await open_round(svc, community.id, RoundKind.SURVEY, period="bench-close")
        assert big is not None
        seeded = await seed_round(svc, community, big)
        clock.advance(timedelta(days=1))
        started = time.perf_counter()
        result = await close_round(svc, community.id, big.id)
        close_ms = (time.perf_counter() - started) * 1000
        assert result.closed_now and result.participation.respondents == CLOSE_RESPONDENTS
        print(
            f"close: {CLOSE_RESPONDENTS:,} respondents x {seeded // CLOSE_RESPONDENTS} items "
            f"({seeded:,} answers) closed in {close_ms:.1f} ms "
            f"({close_ms / 1000 * base:.0f} baseline inserts' worth)"
        )
    finally:
        await db.dispose()
    return {
        "answers_per_s": flat_out.answers_per_s,
        "p99_ms": flat_out.p99_ms,
        "close_ms": close_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--submissions", type=int, default=100, help="per respondent")
    parser.add_argument(
        "--offered",
        type=float,
        default=OFFERED,
        help=f"answers/s the respondents offer in all (default {OFFERED:,.0f}; 0: flat out)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures = asyncio.run(run(Path(folder), args.respondents, args.submissions, args.offered))
    missed = [
        name
        for name, floor in FLOORS.items()
        if (figures[name] < floor if name == "answers_per_s" else figures[name] >= floor)
    ]
    print("floors: " + ("all met" if not missed else "missed: " + ", ".join(missed)))
    print(
        f"answers_per_s={figures['answers_per_s']:.0f} p99_ms={figures['p99_ms']:.1f} "
        f"close_ms={figures['close_ms']:.1f}"
    )


if __name__ == "__main__":
    main()

"""Recording answers under load, and closing a big round, through the real services.

Everything goes through ``vitalitybot.services`` on a fresh SQLite file migrated by the
real Alembic, with two shipped patterns adopted (a survey of eight items):

1. **Baseline** (same run, same file settings): raw aiosqlite, one single-row INSERT +
   COMMIT at a time on a table of the same shape, with the pragmas the bot applies. The
   ratios to it are what to compare on a noisy machine.
2. **Answers**: ``--respondents`` concurrent members each submit the survey through
   ``services.record_answers`` ``--submissions`` times, first flat out (the figures on
   the last line), then paced: each member keeps their own rhythm from a random phase
   (an open loop, like members clicking a post) so that together they offer
   ``--offered`` answers a second, and a stall shows in the latencies instead of hiding
   in fewer requests. Latency runs from the call to its return, group commit included.
   Two unmeasured submissions each come first (the pool opens its connections). Each
   rated item counts as one answer. Before the load the heap is settled as
   ``vitalitybot run`` settles it once started (``bot/heap.py``), and a full garbage
   collection is timed before and after.
3. **Close**: a second survey round is seeded with ``--close-respondents`` members'
   answers by a bulk insert (not timed), then ``services.close_round`` is timed:
   participation, the grouped aggregate, scores, suggestions and the results post.

Last line: ``answers_per_s=N p99_ms=M close_ms=C``; floors in benchmarks/README.md.

    .venv/bin/python benchmarks/answers.py [--respondents 50] [--submissions 100]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import insert
from support import (
    Floor,
    Members,
    Timer,
    finish,
    fresh_database,
    percentile,
    services_on,
    settle_heap_timed,
    spread,
    sqlite_url,
)

from vitalitybot.domain.records import (
    AnswerInput,
    Community,
    Question,
    QuestionKind,
    Round,
    RoundKind,
)
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import (
    Services,
    adopt_pattern,
    close_round,
    open_round,
    record_answers,
    setup_community,
)
from vitalitybot.storage.database import SQLITE_PRAGMAS
from vitalitybot.storage.models import AnswerRow, RespondentRow

GUILD = 4_242
PATTERNS = ("cop-commons-alignment", "energizing-participation")
# Monday 5 October 2026, 12:00 UTC: rounds opened now stay open for days.
NOW = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)
FLOORS = (Floor("answers_per_s", ">=", 2000), Floor("p99_ms", "<", 25), Floor("close_ms", "<", 250))
OFFERED = 2400.0  # answers/s offered when paced: a fifth above the answers_per_s floor
WARM_UP = 2  # submissions per respondent before measuring


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
        timer = Timer()
        for i in range(rows):
            await conn.execute(
                "INSERT INTO answers_baseline (round_id, question_id, respondent_key, value, "
                "answered_at) VALUES (?, ?, ?, ?, ?)",
                (1, i % 8, f"key-{i // 8:06d}", 1 + i % 5, NOW.isoformat()),
            )
            await conn.commit()
        return rows / timer.seconds


@dataclass
class Load:
    answers_per_s: float
    latencies_ms: list[float]
    rated: int

    def __str__(self) -> str:
        submissions = len(self.latencies_ms)
        return (
            f"{submissions:,} submissions, {submissions * self.rated:,} answers: "
            f"{self.answers_per_s:,.0f} answers/s; latency {spread(self.latencies_ms)}"
        )


async def respondent(
    svc: Services,
    round_id: int,
    rated: Sequence[Question],
    member_id: int,
    submissions: int,
    period: float,
    rng: random.Random,
    latencies_ms: list[float],
) -> None:
    """Submit ``submissions`` times, one every ``period`` seconds from a random phase.

    Each member keeps their own rhythm whatever the bot does: a slow answer does not
    delay the next member, and a submission that falls behind its time goes at once.
    ``period=0``: back to back.
    """
    loop = asyncio.get_running_loop()
    due = loop.time() + rng.uniform(0, period)
    for _ in range(submissions):
        if period > 0:
            await asyncio.sleep(max(0.0, due - loop.time()))
            due += period
        answers = [AnswerInput(q.id, rng.randint(1, 5)) for q in rated]
        timer = Timer()
        await record_answers(svc, GUILD, round_id, member_id, answers)
        latencies_ms.append(timer.ms)


async def load(
    svc: Services, round_: Round, respondents: int, submissions: int, offered: float
) -> Load:
    """``respondents`` members at once; ``offered`` answers/s in all (0: as fast as they can)."""
    async with svc.repos() as repos:
        questions = await repos.rounds.list_questions(round_.community_id, round_.id)
    rated = [q for q in questions if q.kind is not QuestionKind.PROMPT]
    period = respondents * len(rated) / offered if offered > 0 else 0.0

    async def everyone(times: int, seed: int, into: list[float]) -> None:
        await asyncio.gather(
            *(
                respondent(
                    svc,
                    round_.id,
                    rated,
                    1_000_000 + n,
                    times,
                    period,
                    random.Random(seed + n),
                    into,
                )
                for n in range(respondents)
            )
        )

    # Unmeasured first: the pool opens its connections and SQLAlchemy compiles its
    # statements once per process, as a running bot already has.
    await everyone(WARM_UP, -respondents, [])
    latencies_ms: list[float] = []
    timer = Timer()
    await everyone(submissions, 0, latencies_ms)
    return Load(len(latencies_ms) * len(rated) / timer.seconds, latencies_ms, len(rated))


async def seed_round(svc: Services, community: Community, round_: Round, respondents: int) -> int:
    """``respondents`` members' answers, inserted in bulk (what members did over days)."""
    async with svc.repos() as repos:
        questions = await repos.rounds.list_questions(community.id, round_.id)
        sealed = await repos.rounds.sealed_key(community.id, round_.id)
    assert sealed is not None  # just opened
    rng = random.Random(5)
    answers: list[dict[str, Any]] = []
    keys = [svc.keys.respondent_key(sealed, 2_000_000 + n) for n in range(respondents)]
    for key in keys:
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
    status = {"round_id": round_.id, "status": "answered", "updated_at": NOW}
    async with svc.db.transaction() as session:
        await session.execute(insert(AnswerRow), answers)
        await session.execute(
            insert(RespondentRow), [{**status, "respondent_key": k} for k in keys]
        )
    return len(answers)


async def run(folder: Path, args: argparse.Namespace) -> dict[str, float]:
    base = await baseline(folder / "baseline.sqlite3", args.baseline_rows)
    print(f"baseline: raw aiosqlite single-row INSERT+COMMIT: {base:,.0f} rows/s")

    async with fresh_database(sqlite_url(folder)) as db:
        clock = ManualClock(NOW)
        members = Members([1_000_000 + n for n in range(args.respondents)])
        svc = services_on(db, clock, members=members)
        community = await setup_community(svc, GUILD, "Bench CoP", 1, "Europe/Berlin")
        for slug in PATTERNS:
            await adopt_pattern(svc, community.id, slug)
        survey = await open_round(svc, community.id, RoundKind.SURVEY, period="bench-load")
        assert survey is not None
        # Settled as `vitalitybot run` settles its heap once started: the full collection
        # it spares the members, timed before and after in this process.
        unsettled_ms, settled_ms = settle_heap_timed()
        print(
            f"a full garbage collection: {unsettled_ms:.1f} ms; "
            f"after settling the start-up heap: {settled_ms:.1f} ms"
        )

        flat_out = await load(svc, survey, args.respondents, args.submissions, 0.0)
        print(
            f"answers: {args.respondents} respondents at once, each submitting a "
            f"{flat_out.rated}-item survey {args.submissions} times"
        )
        print(f"  flat out: {flat_out}")
        paced = await load(svc, survey, args.respondents, args.submissions, args.offered)
        print(f"  paced at {args.offered:,.0f} answers/s offered: {paced}")
        print(f"  ratio answers/s to baseline rows/s: {flat_out.answers_per_s / base:.2f}")

        members.ids = [2_000_000 + n for n in range(args.close_respondents)]
        big = await open_round(svc, community.id, RoundKind.SURVEY, period="bench-close")
        assert big is not None
        seeded = await seed_round(svc, community, big, args.close_respondents)
        clock.advance(timedelta(days=1))
        timer = Timer()
        result = await close_round(svc, community.id, big.id)
        close_ms = timer.ms
        assert result.closed_now and result.participation.respondents == args.close_respondents
        print(
            f"close: {args.close_respondents:,} respondents, {seeded:,} answers, closed in "
            f"{close_ms:.1f} ms ({close_ms / 1000 * base:.0f} baseline rows' worth)"
        )
    return {
        "answers_per_s": flat_out.answers_per_s,
        "p99_ms": percentile(flat_out.latencies_ms, 99),
        "close_ms": close_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--submissions", type=int, default=100, help="per respondent")
    parser.add_argument("--offered", type=float, default=OFFERED, help="answers/s when paced")
    parser.add_argument("--close-respondents", type=int, default=5000)
    parser.add_argument("--baseline-rows", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures = asyncio.run(run(Path(folder), args))
    finish(figures, FLOORS)


if __name__ == "__main__":
    main()

"""How long closing a big round's aggregate takes: 5,000 respondents x 8 items by default.

Builds a fresh migrated SQLite file in a temporary folder, records every submission
through the real repository (one call per respondent, as the bot does), then times
``AnswerRepository.aggregate`` -- the grouped query a round close runs -- a few times.

Last line: ``record_ms=R aggregate_ms=A`` (per submission, and the median aggregate).

    .venv/bin/python benchmarks/storage_aggregate.py [--respondents N] [--items N]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from support import Timer, finish, fresh_database, sqlite_url

from vitalitybot.domain.records import AnswerInput, QuestionDraft, QuestionKind, RoundKind
from vitalitybot.storage import Repositories

NOW = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


async def run(folder: Path, respondents: int, items: int, repeat: int) -> dict[str, float]:
    async with fresh_database(sqlite_url(folder)) as db:
        async with db.transaction() as session:
            repos = Repositories(session)
            community, _ = await repos.communities.get_or_create(1, "Bench", at=NOW)
            round_, _ = await repos.rounds.open_round(
                community.id,
                kind=RoundKind.SURVEY,
                period="2026-11-03",
                anonymous=True,
                min_respondents=3,
                opened_at=NOW,
                closes_at=NOW + timedelta(days=5),
            )
            drafts = [
                QuestionDraft(QuestionKind.DECAY, f"item {i}", "bench", f"s{i}")
                for i in range(items)
            ]
            questions = await repos.rounds.add_questions(community.id, round_.id, drafts)

        rng = random.Random(7)
        timer = Timer()
        async with db.transaction() as session:
            answers = Repositories(session).answers
            for member in range(respondents):
                await answers.record(
                    community.id,
                    round_.id,
                    f"respondent-{member:06d}",
                    [AnswerInput(q.id, rng.randint(1, 5)) for q in questions],
                    at=NOW,
                )
        recorded = timer.seconds
        total = respondents * items
        print(f"recorded {total:,} answers ({respondents:,} submissions) in {recorded:.1f} s")
        print(f"  = {recorded / respondents * 1000:.2f} ms per submission")

        timings = []
        for _ in range(repeat):
            async with db.session() as session:
                timer = Timer()
                aggregates = await Repositories(session).answers.aggregate(community.id, round_.id)
                timings.append(timer.ms)
        assert sum(a.n for a in aggregates) == total
        print(
            f"aggregate over {total:,} answers: median {statistics.median(timings):.1f} ms, "
            f"min {min(timings):.1f} ms, max {max(timings):.1f} ms ({repeat} runs)"
        )
    return {
        "record_ms": recorded / respondents * 1000,
        "aggregate_ms": statistics.median(timings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--respondents", type=int, default=5000)
    parser.add_argument("--items", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures = asyncio.run(run(Path(folder), args.respondents, args.items, args.repeat))
    finish(figures)


if __name__ == "__main__":
    main()

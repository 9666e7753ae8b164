"""Members answer through the real services while rounds are open, once each per round."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from sqlalchemy import text

from vitalitybot.config import Settings
from vitalitybot.simulate import SimulationConfig, run_simulation
from vitalitybot.storage import open_database

# An answer out of place: in a named round, outside its window; in an anonymous round,
# at any time but the round's opening, the one time its answers carry (so that none says
# who answered when: storage/submissions.py).
OUT_OF_PLACE = (
    "SELECT count(*) FROM answers JOIN rounds ON rounds.id = answers.round_id WHERE "
    "(NOT rounds.anonymous AND (answers.answered_at >= rounds.closes_at "
    "OR answers.answered_at < rounds.opened_at)) "
    "OR (rounds.anonymous AND answers.answered_at != rounds.opened_at)"
)


async def stored(path: Path) -> tuple[int, int, int]:
    db = open_database(f"sqlite+aiosqlite:///{path}")
    try:
        async with db.session() as session:
            most = (
                await session.execute(
                    text(
                        "SELECT max(n) FROM (SELECT count(DISTINCT respondent_key) AS n "
                        "FROM respondents GROUP BY round_id) AS per_round"
                    )
                )
            ).scalar_one()
            answers = (
                await session.execute(
                    text("SELECT count(*) FROM answers WHERE value IS NOT NULL OR text IS NOT NULL")
                )
            ).scalar_one()
            out_of_place = (await session.execute(text(OUT_OF_PLACE))).scalar_one()
    finally:
        await db.dispose()
    return most, answers, out_of_place


def test_members_answer_once_each_per_round_and_only_while_it_is_open(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "kept.sqlite3"
    config = SimulationConfig(months=3, members=10, seed=5, chart=tmp_path / "c.png", keep_db=path)
    result = run_simulation(config, settings=settings, out=io.StringIO())
    most, answers, out_of_place = asyncio.run(stored(path))
    assert 0 < most <= 10  # nobody but the ten synthetic members answered, each once
    assert answers == result.tally.answers > 0
    assert out_of_place == 0
    assert result.tally.refused == 0

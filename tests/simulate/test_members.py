"""Members answer through the real services, under their own ids, while rounds are open."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from sqlalchemy import text

from vitalitybot.config import Settings
from vitalitybot.simulate import SimulationConfig, run_simulation
from vitalitybot.simulate.community import FIRST_MEMBER_ID
from vitalitybot.storage import open_database
from vitalitybot.vitality.anonymity import respondent_key


async def stored(path: Path) -> tuple[str, set[str], int, int]:
    db = open_database(f"sqlite+aiosqlite:///{path}")
    try:
        async with db.session() as session:
            secret = (await session.execute(text("SELECT secret FROM communities"))).scalar_one()
            keys = set(
                (await session.execute(text("SELECT respondent_key FROM respondents"))).scalars()
            )
            answers = (
                await session.execute(
                    text("SELECT count(*) FROM answers WHERE value IS NOT NULL OR text IS NOT NULL")
                )
            ).scalar_one()
            late = (
                await session.execute(
                    text(
                        "SELECT count(*) FROM answers JOIN rounds ON rounds.id = answers.round_id "
                        "WHERE answers.answered_at >= rounds.closes_at "
                        "OR answers.answered_at < rounds.opened_at"
                    )
                )
            ).scalar_one()
    finally:
        await db.dispose()
    return secret, keys, answers, late


def test_answers_are_stored_under_the_members_own_keys_inside_each_window(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "kept.sqlite3"
    config = SimulationConfig(months=3, members=10, seed=5, chart=tmp_path / "c.png", keep_db=path)
    result = run_simulation(config, settings=settings, out=io.StringIO())
    secret, keys, answers, late = asyncio.run(stored(path))
    members = {respondent_key(secret, FIRST_MEMBER_ID + n) for n in range(10)}
    assert keys and keys <= members  # nobody but the synthetic members answered
    assert answers == result.tally.answers > 0
    assert late == 0
    assert result.tally.refused == 0

"""Storage tests run on a real SQLite file in tmp_path, migrated by the real Alembic."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from storage_support import NOW, MakeRound

from vitalitybot.storage import Database, Repositories, open_database, upgrade
from vitalitybot.storage.records import (
    Community,
    Question,
    QuestionDraft,
    QuestionKind,
    Round,
    RoundKind,
)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'vitalitybot.sqlite3'}"


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    """Overrides the root fixture so tests here can reopen the same file by ``db_url``."""
    database = open_database(db_url)
    await upgrade(database)
    yield database
    await database.dispose()


@pytest.fixture
async def community(db: Database) -> Community:
    async with db.transaction() as session:
        created, _ = await Repositories(session).communities.get_or_create(
            1001, "Nurses adapting protocols", at=NOW
        )
    return created


@pytest.fixture
async def other_community(db: Database) -> Community:
    async with db.transaction() as session:
        created, _ = await Repositories(session).communities.get_or_create(
            2002, "Open-source maintainers", at=NOW
        )
    return created


@pytest.fixture
def make_round(db: Database) -> MakeRound:
    """Open a round with ``items`` decay questions (pattern "p", signs s1..sN)."""

    async def make(
        community: Community,
        *,
        period: str = "2026-11-03",
        kind: RoundKind = RoundKind.SURVEY,
        items: int = 3,
        anonymous: bool = True,
        opened_at: datetime = NOW,
    ) -> tuple[Round, list[Question]]:
        async with db.transaction() as session:
            repos = Repositories(session)
            round_, _ = await repos.rounds.open_round(
                community.id,
                kind=kind,
                period=period,
                anonymous=anonymous,
                opened_at=opened_at,
                closes_at=opened_at + timedelta(days=5),
            )
            questions = await repos.rounds.add_questions(
                community.id,
                round_.id,
                [
                    QuestionDraft(
                        kind=QuestionKind.DECAY,
                        text=f"How much do you see sign {i}?",
                        pattern_slug="p",
                        sign_id=f"s{i}",
                    )
                    for i in range(1, items + 1)
                ],
            )
        return round_, questions

    return make

"""Storage tests run on a real database migrated by the real Alembic: a SQLite file in
tmp_path, and a fresh PostgreSQL database when one is configured (``db`` and ``db_url``
come from tests/conftest.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from storage_support import NOW, MakeRound

from vitalitybot.domain.records import (
    Community,
    Question,
    QuestionDraft,
    QuestionKind,
    Round,
    RoundKind,
    SealedKey,
)
from vitalitybot.storage import Database, Repositories


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
    """Open a round with ``items`` decay questions (pattern "p", signs s1..sN), and
    ``key`` as its sealed key if given."""

    async def make(
        community: Community,
        *,
        period: str = "2026-11-03",
        kind: RoundKind = RoundKind.SURVEY,
        items: int = 3,
        anonymous: bool = True,
        opened_at: datetime = NOW,
        key: SealedKey | None = None,
    ) -> tuple[Round, list[Question]]:
        async with db.transaction() as session:
            repos = Repositories(session)
            round_, _ = await repos.rounds.open_round(
                community.id,
                kind=kind,
                period=period,
                anonymous=anonymous,
                min_respondents=3,
                opened_at=opened_at,
                closes_at=opened_at + timedelta(days=5),
                key=key,
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

"""Ending a round: its key goes, and an anonymous round forgets when anyone answered."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from storage_support import NOW, MakeRound

from key_support import TEST_KEYS
from vitalitybot.domain.records import AnswerInput, Community, RespondentStatus
from vitalitybot.storage import Database, Repositories

CLOSE = NOW + timedelta(days=5)


async def rows(db: Database, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    async with db.session() as session:
        return [tuple(row) for row in await session.execute(text(sql), params)]


@pytest.mark.parametrize("end", ["close", "mark_missed"])
async def test_ending_a_round_destroys_its_key_in_the_same_transaction(
    db: Database, community: Community, make_round: MakeRound, end: str
) -> None:
    sealed = TEST_KEYS.new_round_key()
    round_, _ = await make_round(community, key=sealed)
    kept, _ = await make_round(community, period="2026-11-10", key=TEST_KEYS.new_round_key())
    async with db.transaction() as session:
        rounds = Repositories(session).rounds
        assert await rounds.sealed_key(community.id, round_.id) == sealed
        assert await getattr(rounds, end)(community.id, round_.id, at=CLOSE)
        assert await rounds.sealed_key(community.id, round_.id) is None
        assert set(await rounds.open_keys(community.id)) == {kept.id}
    stored = await rows(db, "SELECT key_nonce, sealed_key FROM rounds WHERE id = :r", r=round_.id)
    assert stored == [(None, None)]


async def answer_one_by_one(
    db: Database, community: Community, round_id: int, items: list[int]
) -> None:
    """Three respondents, a day apart: rating 5, then 1, then 3 on the first question."""
    for day, (key, value) in enumerate((("k-first", 5), ("k-second", 1), ("k-third", 3))):
        async with db.transaction() as session:
            await Repositories(session).answers.record(
                community.id,
                round_id,
                key,
                [AnswerInput(q, value) for q in items],
                at=NOW + timedelta(days=day),
            )


async def test_an_ended_anonymous_round_keeps_no_time_of_any_reply(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, questions = await make_round(community, items=2, key=TEST_KEYS.new_round_key())
    await answer_one_by_one(db, community, round_.id, [q.id for q in questions])
    async with db.transaction() as session:
        before = await Repositories(session).answers.aggregate(community.id, round_.id)
        await Repositories(session).rounds.close(community.id, round_.id, at=CLOSE)

    async with db.transaction() as session:
        answers = Repositories(session).answers
        assert await answers.aggregate(community.id, round_.id) == before
        assert await answers.count_respondents(community.id, round_.id) == 3
    answered = await rows(db, "SELECT DISTINCT answered_at FROM answers")
    replied = await rows(db, "SELECT DISTINCT updated_at FROM respondents")
    opening = await rows(db, "SELECT opened_at FROM rounds WHERE id = :r", r=round_.id)
    closing = await rows(db, "SELECT closed_at FROM rounds WHERE id = :r", r=round_.id)
    assert (answered, replied) == (opening, closing)  # one time for everyone


async def test_a_named_round_keeps_its_times_when_it_ends(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, questions = await make_round(community, anonymous=False)
    await answer_one_by_one(db, community, round_.id, [q.id for q in questions])
    async with db.transaction() as session:
        await Repositories(session).rounds.close(community.id, round_.id, at=CLOSE)
        respondents = await Repositories(session).answers.count_respondents(
            community.id, round_.id, RespondentStatus.ANSWERED
        )
    assert respondents == 3
    assert len(await rows(db, "SELECT DISTINCT answered_at FROM answers")) == 3

"""The open rounds kept in memory between clicks: bounded, per guild, told nothing, and
never trusted over the database for whether a round still takes answers."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from vitalitybot.domain.records import AnswerInput, Community, RoundStatus
from vitalitybot.render.timestamps import local_times
from vitalitybot.services import (
    RoundClosed,
    Services,
    answer_form,
    close_round,
    record_answers,
)
from vitalitybot.services.round_contexts import RoundContexts
from vitalitybot.storage import Database, Repositories

from .conftest import MakeServices
from .support import GUILD, OTHER_GUILD, open_survey, questions_of, rows


async def _close_in_database(db: Database, community: Community, round_id: int) -> None:
    async with db.transaction() as session:
        assert await Repositories(session).rounds.close(
            community.id, round_id, at=community.created_at
        )


async def test_the_most_recently_used_open_rounds_are_kept_and_the_oldest_read_again(
    svc: Services, community: Community, db: Database
) -> None:
    first, second, third = [
        await open_survey(svc, community, period) for period in ("p1", "p2", "p3")
    ]
    contexts = RoundContexts(size=2)
    for round_ in (first, second, third):
        context = await contexts.get(db, GUILD, round_.id)
        assert context is not None and context.round.id == round_.id
    assert len(contexts) == 2
    for round_ in (first, third):
        await _close_in_database(db, community, round_.id)
    # The first was dropped to make room, so it is read again and shows its close; the
    # third is kept as it was read (its status is not relied on: a write re-checks it).
    again = await contexts.get(db, GUILD, first.id)
    kept = await contexts.get(db, GUILD, third.id)
    assert again is not None and again.round.status is RoundStatus.CLOSED
    assert kept is not None and kept.round.status is RoundStatus.OPEN
    assert len(contexts) == 2  # a round read closed is not kept: it takes no more answers


async def test_a_kept_round_is_never_given_to_another_guild(
    svc: Services, community: Community, db: Database
) -> None:
    round_ = await open_survey(svc, community)
    contexts = RoundContexts()
    assert await contexts.get(db, GUILD, round_.id) is not None
    assert await contexts.get(db, OTHER_GUILD, round_.id) is None
    assert await contexts.get(db, GUILD, round_.id + 1000) is None
    assert len(contexts) == 1


async def test_a_round_read_once_is_answered_without_reading_it_again(
    svc: Services, community: Community, db: Database
) -> None:
    round_ = await open_survey(svc, community)
    await answer_form(svc, GUILD, round_.id, 54321)  # another member's click reads it
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        form = await answer_form(svc, GUILD, round_.id, 12345)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
    assert form.round.id == round_.id and form.questions
    assert len(statements) == 1, statements  # the member's own earlier answers, nothing else
    assert "respondents" in statements[0]


async def test_a_round_closed_by_another_process_shows_no_form_and_takes_no_answer(
    svc: Services, community: Community, db: Database, make_services: MakeServices
) -> None:
    round_ = await open_survey(svc, community)
    question = (await questions_of(svc, round_))[0]  # kept in memory, as open
    await close_round(make_services(db), community.id, round_.id)
    with pytest.raises(RoundClosed, match="has closed; its results are in"):
        await answer_form(svc, GUILD, round_.id, 12345)
    with pytest.raises(RoundClosed, match="closed on"):
        await record_answers(svc, GUILD, round_.id, 12345, [AnswerInput(question.id, 4)])
    assert await rows(db, "SELECT COUNT(*) FROM answers") == [(0,)]


async def test_a_refusal_tells_when_the_round_closed_on_the_readers_own_clock(
    svc: Services, community: Community, db: Database
) -> None:
    round_ = await open_survey(svc, community)
    question = (await questions_of(svc, round_))[0]
    await _close_in_database(db, community, round_.id)
    with pytest.raises(RoundClosed) as refused:
        await record_answers(svc, GUILD, round_.id, 12345, [AnswerInput(question.id, 4)])
    # A Discord timestamp: a reader in New York sees the close on their clock, not Berlin's.
    assert "closed on Mon 5 Jan 2026, 03:00 (America/New_York)" in local_times(
        str(refused.value), "America/New_York"
    )

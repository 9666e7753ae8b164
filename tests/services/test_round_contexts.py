"""The rounds kept in memory between clicks: bounded, per guild, never trusted over the
database for whether a round still takes answers."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from vitalitybot.domain.records import Community, RoundStatus
from vitalitybot.services import RoundClosed, Services, answer_form, close_round
from vitalitybot.services.round_contexts import RoundContexts
from vitalitybot.storage import Database, Repositories

from .conftest import MakeServices
from .support import GUILD, OTHER_GUILD, open_survey


async def _close_in_database(db: Database, community: Community, round_id: int) -> None:
    async with db.transaction() as session:
        assert await Repositories(session).rounds.close(
            community.id, round_id, at=community.created_at
        )


async def test_the_most_recently_used_rounds_are_kept_and_the_oldest_read_again(
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
    # The first was dropped to make room, so it is read again and shows its close;
    # the third is kept as it was read (a write would find out it closed).
    again = await contexts.get(db, GUILD, first.id)
    kept = await contexts.get(db, GUILD, third.id)
    assert again is not None and again.round.status is RoundStatus.CLOSED
    assert kept is not None and kept.round.status is RoundStatus.OPEN
    contexts.forget(third.id)
    fresh = await contexts.get(db, GUILD, third.id)
    assert fresh is not None and fresh.round.status is RoundStatus.CLOSED


async def test_a_kept_round_is_never_given_to_another_guild(
    svc: Services, community: Community, db: Database
) -> None:
    round_ = await open_survey(svc, community)
    contexts = RoundContexts()
    assert await contexts.get(db, GUILD, round_.id) is not None
    assert await contexts.get(db, OTHER_GUILD, round_.id) is None
    assert await contexts.get(db, GUILD, round_.id + 1000) is None
    assert len(contexts) == 1


async def test_a_round_just_opened_is_answered_without_reading_it_again(
    svc: Services, community: Community, db: Database
) -> None:
    round_ = await open_survey(svc, community)
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


async def test_a_round_closed_by_another_process_shows_no_form(
    svc: Services, community: Community, db: Database, make_services: MakeServices
) -> None:
    round_ = await open_survey(svc, community)  # kept in memory, as open
    await close_round(make_services(db), community.id, round_.id)
    with pytest.raises(RoundClosed, match="closed on"):
        await answer_form(svc, GUILD, round_.id, 12345)
    fresh = await svc.rounds_answering.get(db, GUILD, round_.id)  # dropped, so read again
    assert fresh is not None and fresh.round.status is RoundStatus.CLOSED

"""A round's questions: kept in order, added once, only to the community's own round."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from storage_support import MakeRound

from vitalitybot.domain.records import Community, QuestionDraft, QuestionKind
from vitalitybot.storage import Database, NotFoundError, Repositories


async def test_questions_keep_their_order(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, questions = await make_round(community, items=3)
    assert [q.position for q in questions] == [1, 2, 3]
    assert [q.sign_id for q in questions] == ["s1", "s2", "s3"]
    assert all(q.kind is QuestionKind.DECAY and q.round_id == round_.id for q in questions)
    async with db.session() as session:
        rounds = Repositories(session).rounds
        assert await rounds.get_question(community.id, questions[1].id) == questions[1]


async def test_adding_questions_twice_collides(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, _ = await make_round(community, items=2)
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await Repositories(session).rounds.add_questions(
                community.id, round_.id, [QuestionDraft(kind=QuestionKind.PROMPT, text="Again?")]
            )


async def test_questions_cannot_be_added_to_another_communitys_round(
    db: Database, community: Community, other_community: Community, make_round: MakeRound
) -> None:
    round_, _ = await make_round(community, items=0)
    with pytest.raises(NotFoundError):
        async with db.transaction() as session:
            await Repositories(session).rounds.add_questions(
                other_community.id,
                round_.id,
                [QuestionDraft(kind=QuestionKind.PROMPT, text="What surprised us?")],
            )
    async with db.session() as session:
        assert await Repositories(session).rounds.list_questions(community.id, round_.id) == []

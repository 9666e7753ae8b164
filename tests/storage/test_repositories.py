"""Community isolation: a round id from one guild never reaches another guild's data."""

from __future__ import annotations

import pytest
from storage_support import NOW, MakeRound

from vitalitybot.domain.records import (
    AnswerInput,
    Community,
    RespondentStatus,
    RoundStatus,
    ScoreRecord,
    SuggestionKind,
)
from vitalitybot.storage import Database, NotFoundError, Repositories


async def _fill(db: Database, community: Community, make_round: MakeRound, value: int) -> int:
    round_, questions = await make_round(community)
    async with db.transaction() as session:
        repos = Repositories(session)
        for key in ("k1", "k2", "k3"):
            await repos.answers.record(
                community.id, round_.id, key, [AnswerInput(q.id, value) for q in questions], at=NOW
            )
        await repos.outcomes.save_scores(
            community.id,
            round_.id,
            [ScoreRecord(round_.id, "p", "s1", 3, float(value), 1.0, True)],
        )
        await repos.outcomes.record_suggestion(
            community.id,
            round_.id,
            pattern_slug="p",
            sign_id="s1",
            kind=SuggestionKind.REMEDY,
            at=NOW,
        )
        await repos.outcomes.save_harvest(
            community.id, round_.id, participants=3, markdown=f"# {community.name}", at=NOW
        )
    return round_.id


async def test_one_communitys_queries_never_return_anothers_rows(
    db: Database, community: Community, other_community: Community, make_round: MakeRound
) -> None:
    mine = await _fill(db, community, make_round, 5)
    theirs = await _fill(db, other_community, make_round, 1)
    async with db.session() as session:
        repos = Repositories(session)
        their_question = (await repos.rounds.list_questions(other_community.id, theirs))[0]
        me = community.id

        assert await repos.rounds.get(me, theirs) is None
        assert [r.id for r in await repos.rounds.list_open(me)] == [mine]
        assert [r.id for r in await repos.rounds.list_recent(me)] == [mine]
        assert await repos.rounds.list_questions(me, theirs) == []
        assert await repos.rounds.get_question(me, their_question.id) is None
        assert await repos.answers.list_answers(me, theirs) == []
        assert await repos.answers.aggregate(me, theirs) == []
        assert await repos.answers.count_respondents(me, theirs) == 0
        assert await repos.answers.respondent_keys(me, theirs) == set()
        assert await repos.answers.get_respondent(me, theirs, "k1") is None
        assert await repos.outcomes.list_scores(me, theirs) == []
        assert [p.score.round_id for p in await repos.outcomes.score_history(me)] == [mine]
        assert [s.round_id for s in await repos.outcomes.list_suggestions(me)] == [mine]
        assert await repos.outcomes.get_harvest(me, theirs) is None
        latest = await repos.outcomes.latest_harvest(me)
        assert latest is not None and latest.round_id == mine

        # And my figures are mine alone.
        (aggregate, *_) = await repos.answers.aggregate(me, mine)
        assert (aggregate.n, aggregate.mean) == (3, 5.0)


async def test_one_community_cannot_change_anothers_rounds(
    db: Database, community: Community, other_community: Community, make_round: MakeRound
) -> None:
    await _fill(db, community, make_round, 5)
    theirs = await _fill(db, other_community, make_round, 1)
    async with db.transaction() as session:
        repos = Repositories(session)
        me = community.id
        their_question = (await repos.rounds.list_questions(other_community.id, theirs))[0]
        assert await repos.rounds.close(me, theirs, at=NOW) is False
        assert await repos.rounds.mark_missed(me, theirs, at=NOW) is False
        assert await repos.rounds.set_reminded(me, theirs, at=NOW) is False
        assert await repos.rounds.set_message(me, theirs, channel_id=1, message_id=2) is None
        assert await repos.rounds.set_eligible_members(me, theirs, 99) is False
        with pytest.raises(NotFoundError):
            await repos.answers.record(
                me, theirs, "k9", [AnswerInput(their_question.id, 3)], at=NOW
            )
        with pytest.raises(NotFoundError):
            await repos.answers.set_status(me, theirs, "k9", RespondentStatus.SKIPPED, at=NOW)
        untouched = await repos.rounds.get(other_community.id, theirs)
        assert await repos.answers.count_respondents(other_community.id, theirs, None) == 3
    assert untouched is not None
    assert untouched.status is RoundStatus.OPEN
    assert untouched.reminded_at is None and untouched.message_id is None
    assert untouched.eligible_members is None

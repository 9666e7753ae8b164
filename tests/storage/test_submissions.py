"""The write side of answers: many submissions in one batch, checks without a query."""

from __future__ import annotations

from datetime import timedelta

import pytest
from storage_support import NOW, MakeRound

from vitalitybot.domain.records import AnswerInput, Community, RespondentStatus
from vitalitybot.storage import Database, NotFoundError, Repositories
from vitalitybot.storage.submissions import (
    CheckedSubmission,
    RoundNotOpenError,
    SubmissionContext,
    prepare,
)

LATER = NOW + timedelta(minutes=5)


async def _context(db: Database, community: Community, round_id: int) -> SubmissionContext:
    async with db.transaction() as session:
        context = await Repositories(session).answers.submission_context(
            community.guild_id, round_id
        )
    assert context is not None
    return context


async def test_a_batch_stores_every_submission_and_reports_who_answered_before(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, (q1, q2, _) = await make_round(community)
    context = await _context(db, community, round_.id)
    async with db.transaction() as session:
        await Repositories(session).answers.record(
            community.id, round_.id, "b", [AnswerInput(q1.id, 1)], at=NOW
        )
    batch = [
        (prepare(context, "a", [AnswerInput(q1.id, 2), AnswerInput(q2.id, 3)]), NOW),
        (prepare(context, "b", [AnswerInput(q1.id, 5)]), LATER),
        # The same member again in the same batch: as if it came just after.
        (prepare(context, "a", [AnswerInput(q2.id, 4)]), LATER),
    ]
    async with db.transaction() as session:
        earlier = await Repositories(session).answers.write_batch(batch)
    assert earlier == [None, RespondentStatus.ANSWERED, None]
    async with db.session() as session:
        answers = Repositories(session).answers
        stored = await answers.list_answers(community.id, round_.id)
        assert await answers.count_respondents(community.id, round_.id) == 2
    assert sorted((a.respondent_key, a.question_id, a.value) for a in stored) == sorted(
        [("a", q1.id, 2), ("a", q2.id, 4), ("b", q1.id, 5)]
    )
    assert {a.answered_at for a in stored} == {context.round.opened_at}  # anonymous: one time


async def test_a_batch_for_a_closed_round_is_refused_before_any_answer_is_written(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    open_one, (o1, *_) = await make_round(community, period="2026-11-03")
    closed, (c1, *_) = await make_round(community, period="2026-11-04")
    contexts = [await _context(db, community, r.id) for r in (open_one, closed)]
    async with db.transaction() as session:
        assert await Repositories(session).rounds.close(community.id, closed.id, at=NOW)
    batch = [
        (prepare(contexts[0], "a", [AnswerInput(o1.id, 3)]), NOW),
        (prepare(contexts[1], "a", [AnswerInput(c1.id, 3)]), NOW),
    ]
    with pytest.raises(RoundNotOpenError):
        async with db.transaction() as session:
            await Repositories(session).answers.write_batch(batch)
    # Past its window counts as closed too, judged at each submission's own time.
    with pytest.raises(RoundNotOpenError):
        async with db.transaction() as session:
            await Repositories(session).answers.write_batch(
                [(batch[0][0], NOW + timedelta(days=5))]
            )
    async with db.session() as session:
        answers = Repositories(session).answers
        for round_ in (open_one, closed):
            assert await answers.list_answers(community.id, round_.id) == []
            assert await answers.count_respondents(community.id, round_.id, None) == 0


async def test_prepare_checks_a_submission_against_the_round_it_was_given(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    anonymous, (a1, *_) = await make_round(community, period="2026-11-03", anonymous=True)
    named, (n1, *_) = await make_round(community, period="2026-11-04", anonymous=False)
    anonymous_context = await _context(db, community, anonymous.id)
    named_context = await _context(db, community, named.id)

    with pytest.raises(ValueError, match="anonymous"):
        prepare(anonymous_context, "k", [AnswerInput(a1.id, 3)], member_id=55)
    with pytest.raises(NotFoundError, match=str(n1.id)):
        prepare(anonymous_context, "k", [AnswerInput(n1.id, 3)])
    with pytest.raises(ValueError, match=r"1\.\.5"):
        prepare(anonymous_context, "k", [AnswerInput(a1.id, 6)])
    assert prepare(named_context, "k", [AnswerInput(n1.id, 3)], member_id=55) == (
        CheckedSubmission(named.id, "k", (AnswerInput(n1.id, 3),), 55)
    )


async def test_the_context_is_read_only_through_the_guild_that_owns_the_round(
    db: Database, community: Community, other_community: Community, make_round: MakeRound
) -> None:
    round_, questions = await make_round(community, items=4)
    context = await _context(db, community, round_.id)
    assert (context.community.id, context.round.id) == (community.id, round_.id)
    assert [q.id for q in context.questions] == [q.id for q in questions]
    async with db.session() as session:
        answers = Repositories(session).answers
        assert await answers.submission_context(other_community.guild_id, round_.id) is None
        assert await answers.submission_context(community.guild_id, round_.id + 999) is None


async def test_a_later_submission_in_a_batch_wins_even_between_submissions_of_other_sizes(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, (q1, q2, q3) = await make_round(community)
    context = await _context(db, community, round_.id)
    every = [AnswerInput(q1.id, 1), AnswerInput(q2.id, 1), AnswerInput(q3.id, 1)]
    batch = [
        (prepare(context, "x", every), NOW),
        (prepare(context, "a", [AnswerInput(q2.id, 3)]), NOW),
        (prepare(context, "y", every), NOW),
        # a again, answering as many questions as x and y did: still written after a's first.
        (
            prepare(
                context, "a", [AnswerInput(q1.id, 5), AnswerInput(q2.id, 4), AnswerInput(q3.id, 2)]
            ),
            LATER,
        ),
    ]
    async with db.transaction() as session:
        await Repositories(session).answers.write_batch(batch)
    async with db.session() as session:
        stored = await Repositories(session).answers.list_answers(community.id, round_.id)
    assert sorted((a.question_id, a.value) for a in stored if a.respondent_key == "a") == [
        (q1.id, 5),
        (q2.id, 4),
        (q3.id, 2),
    ]
    assert len(stored) == 9


async def test_a_submission_answering_a_question_twice_is_refused(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, (q1, _, _) = await make_round(community)
    context = await _context(db, community, round_.id)
    with pytest.raises(ValueError, match="at most once"):
        prepare(context, "a", [AnswerInput(q1.id, 2), AnswerInput(q1.id, 3)])

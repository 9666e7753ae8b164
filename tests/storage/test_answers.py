"""Answers: re-answering replaces, each respondent counts once, aggregates computed right."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from storage_support import NOW, MakeRound

from score_reference import reference_score
from vitalitybot.domain.records import (
    AnswerInput,
    Community,
    QuestionKind,
    RespondentStatus,
)
from vitalitybot.storage import Database, NotFoundError, Repositories

LATER = NOW + timedelta(hours=2)


async def test_answering_again_replaces_the_earlier_answer(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, (q1, q2, _) = await make_round(community)
    async with db.transaction() as session:
        answers = Repositories(session).answers
        await answers.record(
            community.id,
            round_.id,
            "key-a",
            [AnswerInput(q1.id, 2), AnswerInput(q2.id, 5, text="often", shared=True)],
            at=NOW,
        )
    async with db.transaction() as session:
        answers = Repositories(session).answers
        await answers.record(
            community.id, round_.id, "key-a", [AnswerInput(q2.id, 1, text="rarely")], at=LATER
        )
        stored = await answers.list_answers(community.id, round_.id, respondent_key="key-a")
    assert [(a.question_id, a.value, a.text, a.shared) for a in stored] == [
        (q1.id, 2, None, False),  # untouched
        (q2.id, 1, "rarely", False),  # replaced, not added
    ]
    # An anonymous round's answers all carry its opening: no stored time says who came when.
    assert {a.answered_at for a in stored} == {round_.opened_at}
    assert all(a.member_id is None for a in stored)


async def test_a_respondent_counts_once_however_often_they_answer(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, (q1, *_) = await make_round(community)
    async with db.transaction() as session:
        answers = Repositories(session).answers
        for value in (1, 3, 5):
            await answers.record(
                community.id, round_.id, "key-a", [AnswerInput(q1.id, value)], at=NOW
            )
        await answers.record(community.id, round_.id, "key-b", [AnswerInput(q1.id, 4)], at=NOW)
        await answers.set_status(community.id, round_.id, "key-c", RespondentStatus.SKIPPED, at=NOW)
    async with db.session() as session:
        answers = Repositories(session).answers
        assert await answers.count_respondents(community.id, round_.id) == 2
        assert (
            await answers.count_respondents(community.id, round_.id, RespondentStatus.SKIPPED) == 1
        )
        assert await answers.count_respondents(community.id, round_.id, None) == 3
        assert await answers.respondent_keys(community.id, round_.id) == {
            "key-a",
            "key-b",
            "key-c",
        }
        assert len(await answers.list_answers(community.id, round_.id, question_id=q1.id)) == 2


async def test_skipping_after_answering_and_answering_after_skipping(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, (q1, *_) = await make_round(community)
    async with db.transaction() as session:
        answers = Repositories(session).answers
        await answers.set_status(community.id, round_.id, "k", RespondentStatus.SKIPPED, at=NOW)
        await answers.record(community.id, round_.id, "k", [AnswerInput(q1.id, 2)], at=LATER)
        respondent = await answers.get_respondent(community.id, round_.id, "k")
    assert respondent is not None
    assert respondent.status is RespondentStatus.ANSWERED and respondent.updated_at == LATER


async def test_aggregates_on_a_known_dataset(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, (q1, q2, q3) = await make_round(community)
    ratings = {"a": 1, "b": 4, "c": 2, "d": 1, "e": 4}
    async with db.transaction() as session:
        answers = Repositories(session).answers
        for key, value in ratings.items():
            await answers.record(community.id, round_.id, key, [AnswerInput(q1.id, value)], at=NOW)
        # "a" changes their mind: 1 -> 5; "d" too: 1 -> 4. Only the last answers count.
        await answers.record(community.id, round_.id, "a", [AnswerInput(q1.id, 5)], at=LATER)
        await answers.record(community.id, round_.id, "d", [AnswerInput(q1.id, 4)], at=LATER)
        await answers.record(community.id, round_.id, "a", [AnswerInput(q2.id, 3)], at=NOW)
        await answers.record(community.id, round_.id, "b", [AnswerInput(q2.id, 3)], at=NOW)
        await answers.record(
            community.id, round_.id, "c", [AnswerInput(q2.id, None, text="no idea")], at=NOW
        )
        aggregates = await answers.aggregate(community.id, round_.id)
    # q1: 5, 4, 2, 4, 4 -> n 5, mean 3.8, four of them 4 or 5
    # q2: 3, 3 and a comment without a rating -> n 2, mean 3.0, none high
    # q3: nobody -> n 0
    assert [(a.question_id, a.position, a.n, a.high) for a in aggregates] == [
        (q1.id, 1, 5, 4),
        (q2.id, 2, 2, 0),
        (q3.id, 3, 0, 0),
    ]
    assert aggregates[0].mean == pytest.approx(3.8)
    assert aggregates[0].share_high == pytest.approx(0.8)
    assert aggregates[1].mean == pytest.approx(3.0) and aggregates[1].share_high == 0.0
    assert aggregates[2].mean is None and aggregates[2].share_high is None
    assert [(a.kind, a.pattern_slug, a.sign_id) for a in aggregates] == [
        (QuestionKind.DECAY, "p", "s1"),
        (QuestionKind.DECAY, "p", "s2"),
        (QuestionKind.DECAY, "p", "s3"),
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_aggregate_query_agrees_with_the_plain_definition_of_a_score(
    db: Database, community: Community, make_round: MakeRound, seed: int
) -> None:
    rng = random.Random(seed)
    round_, questions = await make_round(community)
    given: dict[int, list[int]] = {q.id: [] for q in questions}
    async with db.transaction() as session:
        answers = Repositories(session).answers
        for member in range(rng.randint(1, 40)):
            rated = [q for q in questions if rng.random() < 0.7]
            inputs = [AnswerInput(q.id, rng.randint(1, 5)) for q in rated]
            await answers.record(community.id, round_.id, f"k{member}", inputs, at=NOW)
            for item in inputs:
                assert item.value is not None
                given[item.question_id].append(item.value)
        aggregates = await answers.aggregate(community.id, round_.id)
    for aggregate in aggregates:
        expected = reference_score(given[aggregate.question_id])
        assert aggregate.n == expected.n
        assert (aggregate.mean or 0.0) == pytest.approx(expected.mean)
        assert (aggregate.share_high or 0.0) == pytest.approx(expected.share_high)


async def test_aggregates_only_count_their_own_round(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    first, (f1, *_) = await make_round(community, period="2026-10-01")
    second, (s1, *_) = await make_round(community, period="2026-11-01")
    async with db.transaction() as session:
        answers = Repositories(session).answers
        await answers.record(community.id, first.id, "k", [AnswerInput(f1.id, 5)], at=NOW)
        await answers.record(community.id, second.id, "k", [AnswerInput(s1.id, 1)], at=NOW)
        aggregate = await answers.aggregate(community.id, second.id)
    assert (aggregate[0].n, aggregate[0].mean) == (1, 1.0)


async def test_member_ids_are_never_stored_in_an_anonymous_round(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, (q1, *_) = await make_round(community, anonymous=True)
    async with db.transaction() as session:
        with pytest.raises(ValueError, match="anonymous"):
            await Repositories(session).answers.record(
                community.id, round_.id, "k", [AnswerInput(q1.id, 3)], at=NOW, member_id=55
            )


async def test_named_rounds_keep_the_member_id(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, (q1, *_) = await make_round(community, anonymous=False, kind="checkin")
    async with db.transaction() as session:
        answers = Repositories(session).answers
        await answers.record(
            community.id,
            round_.id,
            "member-55",
            [AnswerInput(q1.id, text="We learned to pair on triage.", shared=True)],
            at=NOW,
            member_id=55,
        )
        stored = await answers.list_answers(community.id, round_.id)
    assert [(a.member_id, a.text, a.value) for a in stored] == [
        (55, "We learned to pair on triage.", None)
    ]


@pytest.mark.parametrize("value", [0, 6, -1])
async def test_ratings_outside_one_to_five_are_refused(
    db: Database, community: Community, make_round: MakeRound, value: int
) -> None:
    round_, (q1, *_) = await make_round(community)
    async with db.transaction() as session:
        with pytest.raises(ValueError):
            await Repositories(session).answers.record(
                community.id, round_.id, "k", [AnswerInput(q1.id, value)], at=NOW
            )


async def test_an_answer_to_another_rounds_question_is_refused(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    first, (f1, *_) = await make_round(community, period="2026-10-01")
    second, _ = await make_round(community, period="2026-11-01")
    async with db.transaction() as session:
        answers = Repositories(session).answers
        with pytest.raises(NotFoundError):
            await answers.record(community.id, second.id, "k", [AnswerInput(f1.id, 3)], at=NOW)
        assert await answers.count_respondents(community.id, second.id) == 0
    assert first.id != second.id


async def test_a_respondents_status_and_answers_come_together_and_only_their_own(
    db: Database, community: Community, other_community: Community, make_round: MakeRound
) -> None:
    round_, (q1, q2, q3) = await make_round(community)
    async with db.transaction() as session:
        answers = Repositories(session).answers
        await answers.record(
            community.id, round_.id, "a", [AnswerInput(q3.id, 5), AnswerInput(q1.id, 2)], at=NOW
        )
        await answers.record(community.id, round_.id, "b", [AnswerInput(q1.id, 4)], at=NOW)
        await answers.set_status(community.id, round_.id, "c", RespondentStatus.SKIPPED, at=NOW)
    async with db.session() as session:
        answers = Repositories(session).answers
        mine = await answers.respondent_answers(community.id, round_.id, "a")
        skipped = await answers.respondent_answers(community.id, round_.id, "c")
        stranger = await answers.respondent_answers(community.id, round_.id, "d")
        elsewhere = await answers.respondent_answers(other_community.id, round_.id, "a")
    assert mine is not None and mine.respondent is not None
    assert mine.round.id == round_.id and mine.respondent.status is RespondentStatus.ANSWERED
    assert [(a.question_id, a.value, a.respondent_key) for a in mine.answers] == [
        (q1.id, 2, "a"),
        (q3.id, 5, "a"),
    ]
    assert q2.id not in {a.question_id for a in mine.answers}
    assert skipped is not None and skipped.respondent is not None
    assert skipped.respondent.status is RespondentStatus.SKIPPED and skipped.answers == []
    assert stranger is not None and (stranger.respondent, stranger.answers) == (None, [])
    assert elsewhere is None  # the round is not in that community

"""Group commit: members answering together share transactions, and only a member whose
round closed meanwhile is refused."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from vitalitybot.domain.records import AnswerInput, Community, RespondentStatus, RoundKind
from vitalitybot.services import (
    RoundClosed,
    Services,
    close_round,
    my_answers,
    open_round,
    record_answers,
)
from vitalitybot.storage import Database

from .conftest import MakeServices
from .support import GUILD, member_key, open_survey, questions_of, ratings, rows

CROWD = [800_000_000_000_000_000 + i for i in range(40)]


@contextmanager
def counting_commits(db: Database) -> Iterator[list[None]]:
    commits: list[None] = []

    def count(_connection: object) -> None:
        commits.append(None)

    event.listen(db.engine.sync_engine, "commit", count)
    try:
        yield commits
    finally:
        event.remove(db.engine.sync_engine, "commit", count)


async def test_members_answering_at_once_keep_every_answer_in_a_few_commits(
    svc: Services, community: Community, db: Database
) -> None:
    survey = await open_survey(svc, community)
    questions = await questions_of(svc, survey)
    value_of = {member: 1 + i % 5 for i, member in enumerate(CROWD)}
    with counting_commits(db) as commits:
        receipts = await asyncio.gather(
            *(
                record_answers(svc, GUILD, survey.id, m, ratings(questions, value_of[m]))
                for m in CROWD
            )
        )
    rated = len(ratings(questions, 1))
    assert [r.saved for r in receipts] == [rated] * len(CROWD)
    assert not any(r.replaced for r in receipts)
    stored = await rows(
        db,
        "SELECT respondent_key, MIN(value), MAX(value), COUNT(*) FROM answers "
        "WHERE round_id = :r GROUP BY respondent_key",
        r=survey.id,
    )
    expected = {await member_key(svc, survey, m): (value_of[m], value_of[m], rated) for m in CROWD}
    assert {key: tuple(rest) for key, *rest in stored} == expected
    if db.is_sqlite:  # PostgreSQL writers do not wait on one another: no batching there
        assert len(commits) <= len(CROWD) // 4, f"{len(commits)} commits for {len(CROWD)}"

    again = await asyncio.gather(
        *(record_answers(svc, GUILD, survey.id, m, ratings(questions, 5)) for m in CROWD[:3])
    )
    assert all(r.replaced for r in again)


async def test_a_round_closed_by_another_process_refuses_only_its_own_answers(
    svc: Services, community: Community, make_services: MakeServices, db: Database
) -> None:
    survey = await open_survey(svc, community)
    checkin = await open_round(svc, community.id, RoundKind.CHECKIN, period="2026-01")
    assert checkin is not None
    survey_questions = await questions_of(svc, survey)
    prompt = (await questions_of(svc, checkin))[0]
    # Another process (the one whose timer fired) closes the check-in; this one still
    # holds it, as open, from the clicks that showed its form.
    await close_round(make_services(db), community.id, checkin.id)

    together = await asyncio.gather(
        *(record_answers(svc, GUILD, survey.id, m, ratings(survey_questions, 4)) for m in CROWD),
        record_answers(
            svc, GUILD, checkin.id, CROWD[0], [AnswerInput(prompt.id, text="Too late?")]
        ),
        return_exceptions=True,
    )
    *kept, refused = together
    assert isinstance(refused, RoundClosed)
    assert "closed on" in str(refused) and "not saved" in str(refused)
    assert all(not isinstance(r, BaseException) for r in kept), kept
    assert await my_answers(svc, GUILD, checkin.id, CROWD[0]) == []
    assert len(await rows(db, "SELECT 1 FROM respondents WHERE round_id = :r", r=survey.id)) == (
        len(CROWD)
    )
    # The refusal is remembered: the next click reads the round afresh and is refused too.
    with pytest.raises(RoundClosed):
        await record_answers(svc, GUILD, checkin.id, CROWD[1], [AnswerInput(prompt.id, text="x")])


async def test_a_member_who_stops_waiting_still_has_their_answers_saved(
    svc: Services, community: Community, db: Database
) -> None:
    if not db.is_sqlite:
        pytest.skip("group commit is for SQLite; PostgreSQL writes each submission at once")
    survey = await open_survey(svc, community)
    questions = await questions_of(svc, survey)
    gave_up = asyncio.create_task(
        record_answers(svc, GUILD, survey.id, CROWD[0], ratings(questions, 2))
    )
    await asyncio.sleep(0)  # the submission joins the queue
    gave_up.cancel()
    # The next member's answers are written after the first batch has been.
    await record_answers(svc, GUILD, survey.id, CROWD[1], ratings(questions, 3))
    with pytest.raises(asyncio.CancelledError):
        await gave_up
    assert {a.value for a in await my_answers(svc, GUILD, survey.id, CROWD[0])} == {2}
    status = await rows(
        db,
        "SELECT status FROM respondents WHERE round_id = :r AND respondent_key = :k",
        r=survey.id,
        k=await member_key(svc, survey, CROWD[0]),
    )
    assert status == [(RespondentStatus.ANSWERED.value,)]

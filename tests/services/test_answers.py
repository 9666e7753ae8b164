"""Answering: validation, replacing, skipping, anonymity, live scores, isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from vitalitybot.domain.records import AnswerInput, Community
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import (
    ANSWER_TEXT_MAX,
    InvalidAnswer,
    NotAllowed,
    RoundClosed,
    RoundNotFound,
    Services,
    close_round,
    current_scores,
    my_answers,
    open_round,
    pause_member,
    record_answers,
    set_options,
    skip_round,
)
from vitalitybot.storage import Database

from .conftest import Setup
from .support import (
    GUILD,
    MEMBERS,
    OTHER_GUILD,
    adopt,
    member_key,
    open_survey,
    questions_of,
    rate,
    rows,
)


async def test_answers_after_close_are_refused_with_a_clear_error(
    svc: Services, community: Community, clock: ManualClock
) -> None:
    round_ = await open_survey(svc, community)
    questions = await questions_of(svc, round_)
    await close_round(svc, community.id, round_.id)
    with pytest.raises(RoundClosed, match=r"closed on .*not saved"):
        await record_answers(svc, GUILD, round_.id, MEMBERS[0], [AnswerInput(questions[0].id, 3)])
    # A round past its window is closed to answers even before its close job has run.
    late = await open_survey(svc, community, "2026-02-03")
    clock.advance(timedelta(days=6))
    with pytest.raises(RoundClosed):
        await record_answers(svc, GUILD, late.id, MEMBERS[0], [AnswerInput(questions[0].id, 3)])
    assert await my_answers(svc, GUILD, round_.id, MEMBERS[0]) == []


@pytest.mark.parametrize("value", [0, 6, -1, 42])
async def test_a_rating_off_the_scale_is_refused(
    svc: Services, community: Community, value: int
) -> None:
    round_ = await open_survey(svc, community)
    question = (await questions_of(svc, round_))[0]
    with pytest.raises(InvalidAnswer, match="rating from 1 to 5") as refused:
        await record_answers(svc, GUILD, round_.id, MEMBERS[0], [AnswerInput(question.id, value)])
    assert "never" in str(refused.value) and "constantly" in str(refused.value)
    assert await my_answers(svc, GUILD, round_.id, MEMBERS[0]) == []


async def test_too_long_or_misplaced_answers_are_refused(
    svc: Services, community: Community
) -> None:
    checkin = await open_round(svc, community.id, "checkin", period="2026-01-06")
    assert checkin is not None
    prompt = (await questions_of(svc, checkin))[0]
    with pytest.raises(InvalidAnswer, match="1,001 characters long; the limit is 1,000"):
        await record_answers(
            svc,
            GUILD,
            checkin.id,
            MEMBERS[0],
            [AnswerInput(prompt.id, text="x" * (ANSWER_TEXT_MAX + 1))],
        )
    with pytest.raises(InvalidAnswer, match="few words, not a rating"):
        await record_answers(svc, GUILD, checkin.id, MEMBERS[0], [AnswerInput(prompt.id, 4)])
    with pytest.raises(InvalidAnswer, match="not part of this round"):
        await record_answers(svc, GUILD, checkin.id, MEMBERS[0], [AnswerInput(999_999, None, "hi")])
    with pytest.raises(InvalidAnswer, match="blank"):
        await record_answers(
            svc, GUILD, checkin.id, MEMBERS[0], [AnswerInput(prompt.id, None, "  ")]
        )
    item = (await questions_of(svc, await open_survey(svc, community)))[0]
    with pytest.raises(InvalidAnswer, match="rating from 1 to 5, not words"):
        await record_answers(
            svc, GUILD, item.round_id, MEMBERS[0], [AnswerInput(item.id, None, "often")]
        )
    exactly = "y" * ANSWER_TEXT_MAX
    receipt = await record_answers(
        svc, GUILD, checkin.id, MEMBERS[0], [AnswerInput(prompt.id, text=exactly)]
    )
    assert receipt.saved == 1
    assert [a.text for a in await my_answers(svc, GUILD, checkin.id, MEMBERS[0])] == [exactly]


async def test_answering_again_replaces_the_earlier_answer(
    svc: Services, community: Community
) -> None:
    round_ = await open_survey(svc, community)
    first = await record_answers(
        svc, GUILD, round_.id, MEMBERS[0], [AnswerInput((await questions_of(svc, round_))[0].id, 2)]
    )
    question = (await questions_of(svc, round_))[0]
    second = await record_answers(svc, GUILD, round_.id, MEMBERS[0], [AnswerInput(question.id, 5)])
    assert (first.replaced, second.replaced) == (False, True)
    assert [a.value for a in await my_answers(svc, GUILD, round_.id, MEMBERS[0])] == [5]


async def test_skipping_counts_as_a_reply_but_cannot_undo_an_answer(
    svc: Services, community: Community
) -> None:
    round_ = await open_survey(svc, community)
    await skip_round(svc, GUILD, round_.id, MEMBERS[1])
    await rate(svc, round_, MEMBERS[:1], 3)
    with pytest.raises(NotAllowed, match="already answered"):
        await skip_round(svc, GUILD, round_.id, MEMBERS[0])
    result = await close_round(svc, community.id, round_.id)
    assert (result.participation.respondents, result.participation.skipped) == (1, 1)


async def test_an_anonymous_round_stores_no_member_id(
    svc: Services, community: Community, db: Database
) -> None:
    round_ = await open_survey(svc, community)
    await rate(svc, round_, MEMBERS[:3], 4)
    await skip_round(svc, GUILD, round_.id, MEMBERS[3])
    stored = await rows(db, "SELECT member_id, respondent_key FROM answers")
    assert stored and all(member_id is None for member_id, _ in stored)
    dump = repr(await rows(db, "SELECT * FROM answers")) + repr(
        await rows(db, "SELECT * FROM respondents")
    )
    for member in MEMBERS[:4]:
        assert str(member) not in dump
    keys = {key for _, key in stored}
    assert keys == {await member_key(svc, round_, m) for m in MEMBERS[:3]}


async def test_a_community_that_chose_named_rounds_stores_member_ids(
    svc: Services, community: Community, db: Database
) -> None:
    await set_options(svc, community.id, anonymous=False)
    round_ = await open_survey(svc, community)
    assert not round_.anonymous
    await rate(svc, round_, MEMBERS[:1], 4)
    assert {m for (m,) in await rows(db, "SELECT member_id FROM answers")} == {MEMBERS[0]}


async def test_a_paused_member_may_still_answer(svc: Services, community: Community) -> None:
    await pause_member(svc, community.id, MEMBERS[0])
    round_ = await open_survey(svc, community)
    await rate(svc, round_, MEMBERS[:1], 2)
    assert len(await my_answers(svc, GUILD, round_.id, MEMBERS[0])) > 0


async def test_scores_are_queryable_while_the_round_is_open(
    svc: Services, community: Community
) -> None:
    round_ = await open_survey(svc, community)
    await rate(svc, round_, MEMBERS[:3], {"no-feedback": 5})
    live = {s.sign_id: s for s in await current_scores(svc, GUILD, round_.id)}
    assert live["no-feedback"].visible and live["no-feedback"].n == 3
    assert live["no-feedback"].share_high == 1.0 and live["no-feedback"].crossed
    assert not live["writing-nobody-reads"].crossed
    assert "n=3" in live["no-feedback"].line


async def test_one_communitys_data_never_appears_in_anothers(
    svc: Services, community: Community, setup: Setup, db: Database
) -> None:
    other = await setup(OTHER_GUILD, name="Maintainers")
    await adopt(svc, guild_id=OTHER_GUILD)
    mine = await open_survey(svc, community)
    theirs = await open_survey(svc, other)
    await rate(svc, mine, MEMBERS[:3], 5)
    await rate(svc, theirs, MEMBERS[:3], 1, guild_id=OTHER_GUILD)
    with pytest.raises(RoundNotFound):
        await record_answers(svc, OTHER_GUILD, mine.id, MEMBERS[0], [AnswerInput(1, 3)])
    with pytest.raises(RoundNotFound):
        await current_scores(svc, OTHER_GUILD, mine.id)
    with pytest.raises(RoundNotFound):
        await my_answers(svc, OTHER_GUILD, mine.id, MEMBERS[0])
    assert all(s.crossed for s in await current_scores(svc, GUILD, mine.id) if s.is_decay)
    assert not any(s.crossed for s in await current_scores(svc, OTHER_GUILD, theirs.id))
    assert {a.value for a in await my_answers(svc, OTHER_GUILD, theirs.id, MEMBERS[0])} == {1}
    # The same member has a different respondent key in each community.
    keys = await rows(db, "SELECT DISTINCT round_id, respondent_key FROM respondents")
    assert len({key for _, key in keys}) == 6

"""Rounds end to end over real storage: open, answer, score, close, suggest, remind."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta

import pytest

from vitalitybot.patterns import Pattern
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import (
    ANSWER_TEXT_MAX,
    InvalidAnswer,
    NotAllowed,
    RoundAlreadyOpen,
    RoundClosed,
    RoundNotFound,
    Services,
    close_round,
    current_scores,
    my_answers,
    open_now,
    open_round,
    pause_member,
    record_answers,
    remind,
    set_options,
    set_reminders,
    skip_round,
)
from vitalitybot.storage import Database
from vitalitybot.storage.records import AnswerInput, Community, QuestionKind, Round, RoundStatus
from vitalitybot.vitality.anonymity import respondent_key

from .conftest import Setup
from .fakes import RecordingNotifier
from .support import COP, GUILD, MEMBERS, OTHER_GUILD, adopt, questions_of, rate, rows


@pytest.fixture
async def community(svc: Services, setup: Setup) -> Community:
    made = await setup()
    await adopt(svc)
    return made


async def survey(svc: Services, community: Community, period: str = "2026-01-06") -> Round:
    round_ = await open_round(svc, community.id, "survey", period=period)
    assert round_ is not None
    return round_


# -- opening ---------------------------------------------------------------------------


async def test_opening_the_same_period_twice_gives_one_round(
    svc: Services, community: Community, notifier: RecordingNotifier, db: Database
) -> None:
    first = await survey(svc, community)
    again = await survey(svc, community)
    assert again.id == first.id
    together = await asyncio.gather(
        *(open_round(svc, community.id, "checkin", period="2026-01-06") for _ in range(3))
    )
    assert len({r.id for r in together if r is not None}) == 1
    assert await rows(db, "SELECT kind, period FROM rounds ORDER BY id") == [
        ("survey", "2026-01-06"),
        ("checkin", "2026-01-06"),
    ]
    assert [p.kind for p in notifier.posts] == ["round", "round"]


async def test_opening_post_lists_the_items_and_the_scale(
    svc: Services, community: Community, notifier: RecordingNotifier, library: Mapping[str, Pattern]
) -> None:
    round_ = await survey(svc, community)
    post = notifier.of("round")[0].text
    for word in ("never", "rarely", "sometimes", "often", "constantly"):
        assert word in post
    questions = await questions_of(svc, round_)
    decay = [q for q in questions if q.kind is QuestionKind.DECAY]
    assert {q.sign_id for q in decay} == {s.id for s in library[COP].signs_of_decay}
    for question in questions:
        assert question.text in post
    assert round_.message_id is not None and round_.thread_id is not None


async def test_a_survey_rotates_its_items_when_there_are_more_than_it_asks(
    svc: Services, community: Community
) -> None:
    await set_options(svc, GUILD, max_items=3)
    first = await questions_of(svc, await survey(svc, community, "2026-01-06"))
    await close_round(svc, community.id, first[0].round_id)
    second = await questions_of(svc, await survey(svc, community, "2026-02-03"))
    assert len(first) == len(second) == 3
    assert {q.sign_id for q in first} != {q.sign_id for q in second}


async def test_open_now_refuses_while_one_of_that_kind_is_open(
    svc: Services, community: Community
) -> None:
    round_ = await open_now(svc, GUILD, "checkin")
    assert round_.status is RoundStatus.OPEN
    with pytest.raises(RoundAlreadyOpen, match="already open"):
        await open_now(svc, GUILD, "checkin")
    assert (await open_now(svc, GUILD, "survey")).kind == "survey"


# -- answering -------------------------------------------------------------------------


async def test_answers_after_close_are_refused_with_a_clear_error(
    svc: Services, community: Community, clock: ManualClock
) -> None:
    round_ = await survey(svc, community)
    questions = await questions_of(svc, round_)
    await close_round(svc, community.id, round_.id)
    with pytest.raises(RoundClosed, match=r"closed on .*not saved"):
        await record_answers(svc, GUILD, round_.id, MEMBERS[0], [AnswerInput(questions[0].id, 3)])
    # A round past its window is closed to answers even before its close job has run.
    late = await survey(svc, community, "2026-02-03")
    clock.advance(timedelta(days=6))
    with pytest.raises(RoundClosed):
        await record_answers(svc, GUILD, late.id, MEMBERS[0], [AnswerInput(questions[0].id, 3)])
    assert await my_answers(svc, GUILD, round_.id, MEMBERS[0]) == []


@pytest.mark.parametrize("value", [0, 6, -1, 42])
async def test_a_rating_off_the_scale_is_refused(
    svc: Services, community: Community, value: int
) -> None:
    round_ = await survey(svc, community)
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
    item = (await questions_of(svc, await survey(svc, community)))[0]
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
    round_ = await survey(svc, community)
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
    round_ = await survey(svc, community)
    await skip_round(svc, GUILD, round_.id, MEMBERS[1])
    await rate(svc, round_, MEMBERS[:1], 3)
    with pytest.raises(NotAllowed, match="already answered"):
        await skip_round(svc, GUILD, round_.id, MEMBERS[0])
    result = await close_round(svc, community.id, round_.id)
    assert (result.participation.respondents, result.participation.skipped) == (1, 1)


async def test_an_anonymous_round_stores_no_member_id(
    svc: Services, community: Community, db: Database
) -> None:
    round_ = await survey(svc, community)
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
    assert keys == {respondent_key(community.secret, m) for m in MEMBERS[:3]}


async def test_a_community_that_chose_named_rounds_stores_member_ids(
    svc: Services, community: Community, db: Database
) -> None:
    await set_options(svc, GUILD, anonymous=False)
    round_ = await survey(svc, community)
    assert not round_.anonymous
    await rate(svc, round_, MEMBERS[:1], 4)
    assert {m for (m,) in await rows(db, "SELECT member_id FROM answers")} == {MEMBERS[0]}


async def test_a_paused_member_may_still_answer(svc: Services, community: Community) -> None:
    await pause_member(svc, GUILD, MEMBERS[0])
    round_ = await survey(svc, community)
    await rate(svc, round_, MEMBERS[:1], 2)
    assert len(await my_answers(svc, GUILD, round_.id, MEMBERS[0])) > 0


# -- scores and suggestions ------------------------------------------------------------


async def test_below_the_minimum_no_figure_is_shown_and_nothing_is_suggested(
    svc: Services, community: Community, notifier: RecordingNotifier
) -> None:
    round_ = await survey(svc, community)
    await rate(svc, round_, MEMBERS[:2], 5)  # two people, everything "constantly"
    live = await current_scores(svc, GUILD, round_.id)
    assert live and all(not s.visible for s in live)
    assert all(s.n is None and s.mean is None and s.share_high is None for s in live)
    assert all("not enough answers" in s.line for s in live)
    result = await close_round(svc, community.id, round_.id)
    assert result.suggestions == ()
    assert notifier.of("suggestion") == []
    results = notifier.of("results")[0].text
    assert "Not enough answers" in results
    assert "mean" not in results and "n=" not in results and "100%" not in results


async def test_scores_are_queryable_while_the_round_is_open(
    svc: Services, community: Community
) -> None:
    round_ = await survey(svc, community)
    await rate(svc, round_, MEMBERS[:3], {"no-feedback": 5})
    live = {s.sign_id: s for s in await current_scores(svc, GUILD, round_.id)}
    assert live["no-feedback"].visible and live["no-feedback"].n == 3
    assert live["no-feedback"].share_high == 1.0 and live["no-feedback"].crossed
    assert not live["writing-nobody-reads"].crossed
    assert "n=3" in live["no-feedback"].line


async def test_a_crossing_posts_the_remedy_with_the_mapped_step_titles(
    svc: Services,
    community: Community,
    notifier: RecordingNotifier,
    library: Mapping[str, Pattern],
) -> None:
    round_ = await survey(svc, community)
    await rate(svc, round_, MEMBERS[:4], {"writing-nobody-reads": 5})
    result = await close_round(svc, community.id, round_.id)
    pattern = library[COP]
    [suggestion] = result.suggestions
    assert (suggestion.kind.value, suggestion.sign_id) == ("remedy", "writing-nobody-reads")
    mapped = pattern.remedy_for("writing-nobody-reads")
    assert [s.number for s in suggestion.steps] == [s.number for s in mapped]
    [post] = notifier.of("suggestion:remedy")
    for step in mapped:
        assert step.title.rstrip(".") in post.text
    assert "over the threshold" in notifier.of("results")[0].text


async def test_a_feedback_sign_brings_the_feedback_loop_steps(
    svc: Services,
    community: Community,
    notifier: RecordingNotifier,
    library: Mapping[str, Pattern],
) -> None:
    round_ = await survey(svc, community)
    await rate(svc, round_, MEMBERS[:3], {"no-feedback": 4})
    [suggestion] = (await close_round(svc, community.id, round_.id)).suggestions
    pattern = library[COP]
    remedy = {s.number for s in pattern.remedy_for("no-feedback")}
    expected = [n for n in pattern.feedback_steps if n not in remedy]
    assert expected, "the shipped pattern names feedback steps beyond the remedy"
    assert [s.number for s in suggestion.feedback_steps] == expected
    post = notifier.of("suggestion")[0].text
    for number in expected:
        step = pattern.step(number)
        assert step is not None and step.title.rstrip(".") in post
    assert "feedback loop" in post


async def test_closing_twice_posts_each_suggestion_once(
    svc: Services, community: Community, notifier: RecordingNotifier, db: Database
) -> None:
    round_ = await survey(svc, community)
    await rate(svc, round_, MEMBERS[:3], {"no-feedback": 5, "contribution-fatigue": 5})
    first = await close_round(svc, community.id, round_.id)
    posts = len(notifier.posts)
    again = await close_round(svc, community.id, round_.id)
    both = await asyncio.gather(*(close_round(svc, community.id, round_.id) for _ in range(2)))
    assert first.closed_now and len(first.suggestions) == 2
    assert not again.closed_now and again.suggestions == ()
    assert not any(r.closed_now for r in both)
    assert len(notifier.posts) == posts
    assert {s.sign_id for s in again.scores if s.crossed} == {"no-feedback", "contribution-fatigue"}
    stored = await rows(db, "SELECT sign_id, kind FROM suggestions ORDER BY sign_id")
    assert stored == [("contribution-fatigue", "remedy"), ("no-feedback", "remedy")]


async def test_closing_rounds_concurrently_closes_each_once(
    svc: Services, community: Community, notifier: RecordingNotifier
) -> None:
    round_ = await survey(svc, community)
    await rate(svc, round_, MEMBERS[:3], {"no-feedback": 5})
    results = await asyncio.gather(*(close_round(svc, community.id, round_.id) for _ in range(3)))
    assert sum(r.closed_now for r in results) == 1
    assert len(notifier.of("results")) == 1 and len(notifier.of("suggestion")) == 1


async def test_a_sharp_fall_in_participation_is_itself_a_signal(
    svc: Services, community: Community, notifier: RecordingNotifier, clock: ManualClock
) -> None:
    for month, answering in ((1, 8), (2, 7), (3, 8), (4, 2)):
        round_ = await open_round(svc, community.id, "checkin", period=f"2026-0{month}-06")
        assert round_ is not None
        prompt = (await questions_of(svc, round_))[0]
        for member in MEMBERS[:answering]:
            await record_answers(
                svc, GUILD, round_.id, member, [AnswerInput(prompt.id, None, "ok")]
            )
        result = await close_round(svc, community.id, round_.id)
        clock.advance(timedelta(days=30))
    assert [s.kind.value for s in result.suggestions] == ["participation"]
    [post] = notifier.of("suggestion:participation")
    assert "20%" in post.text and "77%" in post.text


# -- reminders -------------------------------------------------------------------------


async def test_reminders_go_once_and_only_to_members_who_want_them(
    svc: Services, community: Community, notifier: RecordingNotifier
) -> None:
    round_ = await survey(svc, community)
    await rate(svc, round_, MEMBERS[:1], 3)
    await skip_round(svc, GUILD, round_.id, MEMBERS[1])
    await pause_member(svc, GUILD, MEMBERS[2])
    await set_reminders(svc, GUILD, MEMBERS[3], on=False)
    reminded = await remind(svc, community.id, round_.id)
    assert reminded == MEMBERS[4:]
    assert await remind(svc, community.id, round_.id) == []
    [post] = notifier.of("reminder")
    assert list(post.member_ids) == MEMBERS[4:]
    assert "<@" not in post.text and "@everyone" not in post.text


# -- isolation -------------------------------------------------------------------------


async def test_one_communitys_data_never_appears_in_anothers(
    svc: Services, community: Community, setup: Setup, db: Database
) -> None:
    other = await setup(OTHER_GUILD, name="Maintainers")
    await adopt(svc, guild_id=OTHER_GUILD)
    mine = await survey(svc, community)
    theirs = await survey(svc, other)
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

"""Closing: scores, no figure below the minimum, suggestions posted exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta

import pytest

from vitalitybot.domain.records import AnswerInput, Community
from vitalitybot.patterns import Pattern
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import (
    RoundNotFound,
    Services,
    close_now,
    close_round,
    current_scores,
    open_round,
    record_answers,
)
from vitalitybot.storage import Database

from .fakes import RecordingNotifier
from .support import COP, GUILD, MEMBERS, open_survey, questions_of, rate, rows


async def test_below_the_minimum_no_figure_is_shown_and_nothing_is_suggested(
    svc: Services, community: Community, notifier: RecordingNotifier
) -> None:
    round_ = await open_survey(svc, community)
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


async def test_a_crossing_posts_the_remedy_with_the_mapped_step_titles(
    svc: Services,
    community: Community,
    notifier: RecordingNotifier,
    library: Mapping[str, Pattern],
) -> None:
    round_ = await open_survey(svc, community)
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
    round_ = await open_survey(svc, community)
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
    round_ = await open_survey(svc, community)
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
    round_ = await open_survey(svc, community)
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


async def test_a_neighbour_communitys_round_is_not_closed_through_this_one(
    svc: Services, community: Community, neighbour: Community, notifier: RecordingNotifier
) -> None:
    theirs = await open_survey(svc, neighbour)
    await rate(svc, theirs, MEMBERS[:3], {"no-feedback": 5})

    for close in (close_now, close_round):
        with pytest.raises(RoundNotFound):
            await close(svc, community.id, theirs.id)
    assert notifier.of("results") == []
    assert (await close_now(svc, neighbour.id, theirs.id)).closed_now
    assert len(notifier.of("results")) == 1

"""You said, we did: the rounds after a commitment tell what changed and what came of it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from zoneinfo import ZoneInfo

from vitalitybot.domain.records import (
    AnswerInput,
    CommitmentStatus,
    Community,
    QuestionKind,
    Round,
    SuggestionKind,
)
from vitalitybot.render.timestamps import discord_time
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import Services, close_round, open_round, record_answers
from vitalitybot.services.closing import CloseResult
from vitalitybot.services.commitments import CommitRequest, commit, set_status
from vitalitybot.vitality.prompts import MAX_PROMPTS

from .fakes import RecordingNotifier
from .support import GUILD, MEMBERS, TIMEZONE, questions_of, rate

UNREAD = "writing-nobody-reads"
PIN = "Pin one guide a month"


async def _survey(
    svc: Services,
    community: Community,
    clock: ManualClock,
    period: str,
    ratings: Mapping[str, int] | None = None,
    *,
    high: int = 0,
    low: int = 0,
) -> CloseResult:
    """A survey a week after the last event, answered and closed: ``high`` members rate
    UNREAD 5 and ``low`` members rate it 1; every other sign gets ``ratings`` or 1."""
    clock.advance(timedelta(days=7))
    round_ = await open_round(svc, community.id, "survey", period=period)
    assert round_ is not None
    asked = {q.sign_id for q in await questions_of(svc, round_)}
    assert UNREAD in asked, "every test survey asks the sign the commitment is about"
    others = dict(ratings or {})
    await rate(svc, round_, MEMBERS[:high], {**others, UNREAD: 5})
    await rate(svc, round_, MEMBERS[high : high + low], {**others, UNREAD: 1})
    clock.advance(timedelta(days=1))
    return await close_round(svc, community.id, round_.id)


async def _checkin(svc: Services, community: Community, clock: ManualClock, days: int) -> Round:
    clock.advance(timedelta(days=days))
    round_ = await open_round(svc, community.id, "checkin", period=clock.now().date().isoformat())
    assert round_ is not None
    return round_


async def _commit_to(svc: Services, closed: CloseResult, text: str = PIN) -> None:
    """A coordinator answers the round's remedy for UNREAD with a commitment."""
    async with svc.repos() as repos:
        found = await repos.outcomes.list_suggestions(closed.round.community_id)
    [suggestion] = [
        s
        for s in found
        if s.round_id == closed.round.id and s.sign_id == UNREAD and s.kind is SuggestionKind.REMEDY
    ]
    request = CommitRequest(text, round_id=closed.round.id, suggestion_ids=(suggestion.id,))
    await commit(svc, closed.round.community_id, request, coordinator=True)


def _sign_line(results: str, closed: CloseResult, sign_id: str) -> str:
    [score] = [s for s in closed.scores if s.sign_id == sign_id]
    [line] = [line for line in results.splitlines() if line.startswith(f"- {score.sign_title}:")]
    return line


def _title(closed: CloseResult, sign_id: str = UNREAD) -> str:
    return next(s.sign_title for s in closed.scores if s.sign_id == sign_id)


# -- the opening post: since last time ------------------------------------------


async def test_an_opening_begins_with_what_changed_since_the_last_round(
    svc: Services, community: Community, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    await _checkin(svc, community, clock, days=1)
    clock.advance(timedelta(days=2))
    made = await commit(svc, community.id, CommitRequest(PIN), coordinator=True)
    await commit(
        svc, community.id, CommitRequest("@everyone Stop the Friday call"), coordinator=True
    )

    await _checkin(svc, community, clock, days=7)
    opening = notifier.of("round")[-1].text
    day = made.created_at.astimezone(ZoneInfo(TIMEZONE))
    assert f"Since last time: we committed to “{PIN}” ({day:%a} {day.day} Jan 2026)" in opening
    assert "Stop the Friday call" in opening
    raw = notifier.of("round")[-1].message
    said = " ".join([raw.content, *(e.description for e in raw.embeds)])
    assert "@\u200beveryone" in said and "@everyone" not in said  # quoted inert: no ping
    assert discord_time(made.created_at, "D") in said  # each reader sees the day in their zone

    await set_status(svc, community.id, made.id, CommitmentStatus.DONE)
    await _survey(svc, community, clock, "2026-01-20", high=3)
    opening = notifier.of("round")[-1].text
    assert f"Since last time: we did “{PIN}”" in opening
    assert "Friday call" not in opening  # told once, by the opening after it was made


async def test_an_opening_with_no_change_says_nothing_about_changes(
    svc: Services, community: Community, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    await _checkin(svc, community, clock, days=1)
    await commit(svc, community.id, CommitRequest(PIN), coordinator=True)
    await _checkin(svc, community, clock, days=7)
    assert "Since last time" in notifier.of("round")[-1].text
    await _checkin(svc, community, clock, days=7)
    await _survey(svc, community, clock, "2026-01-27", high=3)
    for post in notifier.of("round")[-2:]:
        assert "Since last time" not in post.text and PIN not in post.text


# -- the results post: before and now, up and down ------------------------------


async def test_results_show_a_signs_share_before_a_commitment_and_now(
    svc: Services, community: Community, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    first = await _survey(svc, community, clock, "2026-01-13", high=3, low=1)  # 75%
    await _commit_to(svc, first)
    second = await _survey(svc, community, clock, "2026-01-20", high=2, low=3)  # 40%
    results = notifier.of("results")[-1].text
    title = _title(second)
    assert f"- {title}: 75% → 40% since we committed to “{PIN}”" in results
    assert "down from 75% last time" in _sign_line(results, second, UNREAD)

    await _survey(svc, community, clock, "2026-01-27", high=1, low=4)
    later = notifier.of("results")[-1].text
    assert "→" not in later, "only the first results after a commitment weigh it"


async def test_no_before_and_after_when_either_side_had_too_few_answers(
    svc: Services, community: Community, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    thin = await _survey(svc, community, clock, "2026-01-13", high=2)  # below 3: no figure
    await commit(
        svc,
        community.id,
        CommitRequest(PIN, pattern_slug=thin.scores[0].pattern_slug, sign_ids=(UNREAD,)),
        coordinator=True,
    )
    full = await _survey(svc, community, clock, "2026-01-20", high=3, low=2)
    results = notifier.of("results")[-1].text
    assert "→" not in results and PIN not in results
    assert "too few answers before to compare" in _sign_line(results, full, UNREAD)

    await commit(
        svc,
        community.id,
        CommitRequest(
            "Read one guide aloud", pattern_slug=full.scores[0].pattern_slug, sign_ids=(UNREAD,)
        ),
        coordinator=True,
    )
    await _survey(svc, community, clock, "2026-01-27", high=2)  # too few again
    results = notifier.of("results")[-1].text
    assert "→" not in results and "last time" not in results and "75%" not in results


async def test_every_sign_with_a_figure_says_how_it_moved_since_last_time(
    svc: Services, community: Community, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    first = await _survey(svc, community, clock, "2026-01-13", high=3, low=1)
    shown = [s for s in first.scores if s.visible]
    assert len(shown) > 2
    results = notifier.of("results")[-1].text
    for score in shown:
        assert "first time asked" in _sign_line(results, first, score.sign_id)

    up = next(s.sign_id for s in shown if s.sign_id != UNREAD)
    second = await _survey(svc, community, clock, "2026-01-20", {up: 5}, high=1, low=3)
    results = notifier.of("results")[-1].text
    assert "up from 0% last time" in _sign_line(results, second, up)
    assert "down from 75% last time" in _sign_line(results, second, UNREAD)
    for score in second.scores:
        line = _sign_line(results, second, score.sign_id)
        if score.sign_id not in (up, UNREAD) and score.sign_id in {s.sign_id for s in shown}:
            assert "as last time" in line


# -- the check-in: what came of it ----------------------------------------------


def _review_questions(texts: list[str]) -> list[str]:
    return [t for t in texts if t.startswith("What came of")]


async def _prompts(svc: Services, round_: Round) -> list[str]:
    return [q.text for q in await questions_of(svc, round_) if q.kind is QuestionKind.PROMPT]


async def test_a_checkin_asks_what_came_of_a_commitment_once_it_is_due(
    svc: Services, community: Community, clock: ManualClock, notifier: RecordingNotifier
) -> None:
    await commit(svc, community.id, CommitRequest(PIN), coordinator=True)
    early = await _checkin(svc, community, clock, days=14)
    assert _review_questions(await _prompts(svc, early)) == []

    due = await _checkin(svc, community, clock, days=17)  # a month and a day after
    asked = await _prompts(svc, due)
    assert _review_questions(asked) == [f"What came of “{PIN}”?"]
    assert len(asked) <= MAX_PROMPTS
    assert f"What came of “{PIN}”?" in notifier.of("round")[-1].text

    question = next(q for q in await questions_of(svc, due) if q.text.startswith("What came"))
    words = "Two guides pinned; people cite them now"
    await record_answers(
        svc, GUILD, due.id, MEMBERS[0], [AnswerInput(question.id, None, words, True)]
    )
    closed = await close_round(svc, community.id, due.id)
    assert closed.harvest is not None and words in closed.harvest.markdown

    again = await _checkin(svc, community, clock, days=7)
    assert _review_questions(await _prompts(svc, again)) == []


async def test_a_review_date_makes_a_commitment_due_and_two_are_asked_at_most(
    svc: Services, community: Community, clock: ManualClock
) -> None:
    week = clock.now() + timedelta(days=7)
    for text in ("Rotate the host", "Answer every question within a week", "Pin the FAQ"):
        await commit(svc, community.id, CommitRequest(text, review_at=week), coordinator=True)
    dropped = await commit(
        svc, community.id, CommitRequest("Weekly digest", review_at=week), coordinator=True
    )
    await set_status(svc, community.id, dropped.id, CommitmentStatus.DROPPED)

    before = await _checkin(svc, community, clock, days=6)
    assert _review_questions(await _prompts(svc, before)) == []
    due = await _checkin(svc, community, clock, days=2)
    asked = await _prompts(svc, due)
    assert _review_questions(asked) == [
        "What came of “Rotate the host”?",
        "What came of “Answer every question within a week”?",
    ]
    assert len(asked) == MAX_PROMPTS
    later = await _checkin(svc, community, clock, days=7)
    assert _review_questions(await _prompts(svc, later)) == ["What came of “Pin the FAQ”?"]


async def test_a_neighbour_communitys_commitment_is_neither_told_nor_asked_here(
    svc: Services,
    community: Community,
    neighbour: Community,
    clock: ManualClock,
    notifier: RecordingNotifier,
) -> None:
    await _checkin(svc, community, clock, days=1)
    await commit(svc, neighbour.id, CommitRequest(PIN), coordinator=True)

    here = await _checkin(svc, community, clock, days=31)
    assert _review_questions(await _prompts(svc, here)) == []
    assert PIN not in notifier.of("round")[-1].text
    there = await _checkin(svc, neighbour, clock, days=0)
    assert _review_questions(await _prompts(svc, there)) == [f"What came of “{PIN}”?"]
    assert notifier.of("round")[-1].round_id == there.id

"""Two communities of one server living through a month side by side on the real keeper.

Each has its own pattern, schedules and threshold, and the same members answer in both;
nothing of one -- round, question, answer, score, suggestion or post -- may turn up
under the other, and each opens exactly the rounds its own schedules call for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from vitalitybot.domain.records import AnswerInput, Community, QuestionKind, Round, RoundKind
from vitalitybot.patterns import Pattern
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import (
    Services,
    adopt_pattern,
    record_answers,
    set_options,
    set_schedule,
    set_threshold,
    setup_community,
    status,
)
from vitalitybot.storage import Database
from vitalitybot.vitality import checkin_prompts

from .fakes import RecordingNotifier
from .support import COP, GUILD, MEMBERS, TIMEZONE, questions_of, rate, rows, started

ENERGY = "energizing-participation"
MONTH_END = datetime(2026, 2, 1, tzinfo=UTC)  # no round opens after January ...
ALL_CLOSED = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)  # ... and the last has closed by now
STEP = timedelta(hours=12)  # how often members look for a round to answer


@dataclass
class Side:
    """One community of the server and how its first three members answer its rounds."""

    community: Community
    pattern: str
    ratings: tuple[Mapping[str, int], ...]  # each member's survey ratings by sign; others 1
    note: str  # the start of every reflection its members write
    answered: set[int] = field(default_factory=set)


@pytest.fixture
async def nurses(svc: Services) -> Side:
    """Surveys every Monday, a check-in on the month's first Tuesday; suggests from half.

    Two of three see "no feedback": enough to cross a threshold of one half.
    """
    community = await setup_community(svc, GUILD, "Protocol nurses", 42, TIMEZONE)
    community = await set_threshold(svc, community.id, 0.5, min_respondents=3)
    await adopt_pattern(svc, community.id, COP)
    await set_options(svc, community.id, max_items=25)  # every decay sign in every survey
    await set_schedule(svc, community.id, "survey", "weekly", "monday", "10:00", 3)
    await set_schedule(svc, community.id, "checkin", "monthly", "first tuesday", "10:00", 3)
    high = {"no-feedback": 5}
    return Side(community, COP, (high, high, {}), "Nurses")


@pytest.fixture
async def maintainers(svc: Services, nurses: Side) -> Side:
    """Check-ins every Friday, a survey on the month's second Wednesday; suggests from
    three in four.

    Two of three see survey fatigue, short of three in four; all three see answers vanish.
    """
    community = await setup_community(svc, GUILD, "Maintainers", 43, TIMEZONE)
    community = await set_threshold(svc, community.id, 0.75, min_respondents=3)
    await adopt_pattern(svc, community.id, ENERGY)
    await set_options(svc, community.id, max_items=25)
    await set_schedule(svc, community.id, "survey", "monthly", "second wednesday", "12:00", 7)
    await set_schedule(svc, community.id, "checkin", "weekly", "friday", "17:00", 2)
    high = {"survey-fatigue": 5, "answers-vanish": 5}
    return Side(community, ENERGY, (high, high, {"answers-vanish": 5}), "Maintainers")


async def _answer_what_is_open(svc: Services, side: Side) -> None:
    """The first three members answer each open round of this community, once."""
    for view in (await status(svc, side.community.id)).open_rounds:
        round_ = view.round
        if round_.id in side.answered:
            continue
        side.answered.add(round_.id)
        if round_.kind is RoundKind.SURVEY:
            for member, ratings in zip(MEMBERS, side.ratings, strict=False):
                await rate(svc, round_, [member], ratings)
        else:
            await _reflect(svc, side, round_)


async def _reflect(svc: Services, side: Side, round_: Round) -> None:
    prompt = next(q for q in await questions_of(svc, round_) if q.kind is QuestionKind.PROMPT)
    for member in MEMBERS[:3]:
        words = AnswerInput(prompt.id, None, f"{side.note} note from {member}", True)
        await record_answers(svc, GUILD, round_.id, member, [words])


async def _live_a_month(svc: Services, clock: ManualClock, sides: tuple[Side, ...]) -> None:
    keeper, runner = await started(svc, clock)
    while clock.now() < MONTH_END:
        await runner.run_until(clock.now() + STEP)
        for side in sides:
            await _answer_what_is_open(svc, side)
    await runner.run_until(ALL_CLOSED)
    keeper.shutdown()


def _signs(pattern: Pattern) -> set[str]:
    return {sign.id for sign in (*pattern.signs_of_life, *pattern.signs_of_decay)}


@pytest.mark.slow
async def test_two_communities_of_one_server_live_a_month_each_on_its_own(
    svc: Services,
    db: Database,
    clock: ManualClock,
    notifier: RecordingNotifier,
    library: Mapping[str, Pattern],
    nurses: Side,
    maintainers: Side,
) -> None:
    await _live_a_month(svc, clock, (nurses, maintainers))
    a, b = nurses.community.id, maintainers.community.id

    # Each opened exactly the rounds its own schedules called for, and closed them all.
    opened = await rows(
        db, "SELECT id, community_id, kind, period, status FROM rounds ORDER BY community_id, id"
    )
    assert [(c, kind, period) for _, c, kind, period, _ in opened] == [
        (a, "survey", "2026-01-05"),
        (a, "checkin", "2026-01-06"),
        (a, "survey", "2026-01-12"),
        (a, "survey", "2026-01-19"),
        (a, "survey", "2026-01-26"),
        (b, "checkin", "2026-01-09"),
        (b, "survey", "2026-01-14"),
        (b, "checkin", "2026-01-16"),
        (b, "checkin", "2026-01-23"),
        (b, "checkin", "2026-01-30"),
    ]
    assert {s for *_, s in opened} == {"closed"}
    rounds_of = {c: {r for r, community, *_ in opened if community == c} for c in (a, b)}
    patterns = {s.community.id: library[s.pattern] for s in (nurses, maintainers)}

    await _check_questions_and_answers(db, patterns)
    await _check_scores(db, a, b)
    await _check_suggestions(db, patterns, rounds_of, a, b)
    _check_posts(notifier, rounds_of, (nurses, maintainers), patterns)


async def _check_questions_and_answers(db: Database, patterns: Mapping[int, Pattern]) -> None:
    """Each round asks its own pattern's prompts or signs; each answer stays in its round:
    three to each survey item and three reflections to each check-in."""
    questions = await rows(
        db,
        "SELECT r.community_id, q.kind, q.pattern_slug, q.sign_id, q.text FROM questions q "
        "JOIN rounds r ON r.id = q.round_id",
    )
    for community_id, kind, slug, sign, words in questions:
        pattern = patterns[community_id]
        if kind == QuestionKind.PROMPT.value:
            assert words in {p.label for p in checkin_prompts([pattern])}
        else:
            assert slug == pattern.slug and sign in _signs(pattern)
    assert await rows(
        db,
        "SELECT count(*) FROM answers s JOIN questions q ON q.id = s.question_id "
        "WHERE q.round_id != s.round_id",
    ) == [(0,)]
    answered = await rows(
        db,
        "SELECT r.community_id, r.kind, count(*) FROM answers s "
        "JOIN rounds r ON r.id = s.round_id GROUP BY r.community_id, r.kind",
    )
    asked = await rows(
        db,
        "SELECT r.community_id, r.kind, count(*) FROM questions q JOIN rounds r "
        "ON r.id = q.round_id WHERE r.kind = 'survey' OR q.position = "
        "(SELECT min(position) FROM questions f WHERE f.round_id = r.id) "
        "GROUP BY r.community_id, r.kind",
    )
    assert sorted(answered) == sorted((c, kind, 3 * n) for c, kind, n in asked)


async def _check_scores(db: Database, a: int, b: int) -> None:
    """The same two in three are judged under each community's own threshold: they cross
    the nurses' half, not the maintainers' three in four; three in three cross it."""
    scores = await rows(
        db,
        "SELECT r.community_id, s.sign_id, s.share_high, s.crossed "
        "FROM scores s JOIN rounds r ON r.id = s.round_id",
    )

    def judged(community_id: int, sign: str) -> list[tuple[float, bool]]:
        """The sign's share and verdict in each of the community's surveys."""
        return [
            (round(share, 2), bool(crossed))
            for c, s, share, crossed in scores
            if (c, s) == (community_id, sign)
        ]

    assert judged(a, "no-feedback") == [(0.67, True)] * 4
    assert judged(b, "survey-fatigue") == [(0.67, False)]
    assert judged(b, "answers-vanish") == [(1.0, True)]


async def _check_suggestions(
    db: Database,
    patterns: Mapping[int, Pattern],
    rounds_of: Mapping[int, set[int]],
    a: int,
    b: int,
) -> None:
    suggested = await rows(
        db, "SELECT community_id, round_id, pattern_slug, sign_id FROM suggestions"
    )
    for community_id, round_id, slug, sign in suggested:
        assert round_id in rounds_of[community_id]
        assert slug == patterns[community_id].slug and sign in _signs(patterns[community_id])
    signs = {(c, sign) for c, _, _, sign in suggested}
    assert (a, "no-feedback") in signs and (b, "answers-vanish") in signs
    assert (b, "survey-fatigue") not in signs


def _check_posts(
    notifier: RecordingNotifier,
    rounds_of: Mapping[int, set[int]],
    sides: tuple[Side, Side],
    patterns: Mapping[int, Pattern],
) -> None:
    """Every post went to the community whose round it was about, and says nothing of
    the other's reflections or pattern."""
    assert notifier.posts
    for post in notifier.posts:
        assert post.community_id is not None, post
        assert post.round_id in rounds_of[post.community_id], post
    for side, other in (sides, sides[::-1]):
        mine = [p for p in notifier.posts if p.community_id == side.community.id]
        assert len([p for p in mine if p.kind == "round"]) == len(rounds_of[side.community.id])
        harvests = [p.text for p in mine if p.kind == "harvest"]
        assert harvests and all(f"{side.note} note from" in text for text in harvests)
        assert not any(f"{other.note} note from" in p.text for p in mine)
        assert not any(patterns[other.community.id].title in p.text for p in mine)

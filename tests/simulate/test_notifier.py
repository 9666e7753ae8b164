"""The console channel: each post printed under its simulated local date, and kept."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from vitalitybot.domain.records import (
    Community,
    Question,
    Round,
    RoundKind,
    RoundStatus,
)
from vitalitybot.render.message import Attachment, Embed, Message
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.simulate.community import SyntheticCommunity
from vitalitybot.simulate.notifier import ConsoleNotifier, Detail, SimPost, SyntheticDirectory

WHEN = datetime(2026, 7, 21, 8, 0, tzinfo=UTC)  # 10:00 in Berlin (summer time)
COMMUNITY = Community(
    id=1,
    guild_id=2,
    name="Riverside",
    timezone="Europe/Berlin",
    coordinator_role_id=None,
    steward_role_id=None,
    channel_id=3,
    threshold=0.5,
    min_respondents=3,
    max_items=8,
    anonymous=True,
    created_at=WHEN,
)
ROUND = Round(
    id=5,
    community_id=1,
    kind=RoundKind.SURVEY,
    pattern_slug="",
    period="2026-07-21",
    status=RoundStatus.OPEN,
    anonymous=True,
    min_respondents=3,
    opened_at=WHEN,
    closes_at=WHEN + timedelta(days=5),
)
CARD = Message(embeds=(Embed(title="Survey: how are we doing?", description="**8** questions"),))


class Listener:
    def __init__(self) -> None:
        self.opened: list[int] = []
        self.reminders: list[tuple[int, ...]] = []

    async def round_opened(self, round: Round, questions: Sequence[Question]) -> None:
        self.opened.append(round.id)

    async def reminded(self, round: Round, member_ids: Sequence[int]) -> None:
        self.reminders.append(tuple(member_ids))


async def test_a_post_is_printed_under_its_local_date_and_recorded() -> None:
    out = io.StringIO()
    notifier = ConsoleNotifier(ManualClock(WHEN), "Europe/Berlin", out=out)
    listener = Listener()
    notifier.listeners.append(listener)
    ref = await notifier.open_round(COMMUNITY, ROUND, [], CARD)
    assert ref is not None and ref.channel_id == 3
    text = out.getvalue()
    assert "Tue 21 Jul 2026, 10:00 · survey opens" in text
    assert "Survey: how are we doing?" in text and "8 questions" in text  # as a terminal shows it
    assert [p.kind for p in notifier.posts] == ["round"] and listener.opened == [5]


async def test_reminders_reach_the_listeners_with_their_members() -> None:
    out = io.StringIO()
    notifier = ConsoleNotifier(ManualClock(WHEN), "Europe/Berlin", out=out)
    listener = Listener()
    notifier.listeners.append(listener)
    await notifier.remind(COMMUNITY, ROUND, [11, 12], Message(content="Still open"))
    assert "survey reminder DM to 2 members" in out.getvalue()
    assert listener.reminders == [(11, 12)]


async def test_attachments_are_named_and_quiet_mode_keeps_only_suggestions_in_full() -> None:
    out = io.StringIO()
    notifier = ConsoleNotifier(ManualClock(WHEN), "Europe/Berlin", out=out, detail=Detail.QUIET)
    digest = Message(content="Harvest body", files=(Attachment("harvest-x.md", b"# x\n"),))
    await notifier.post(COMMUNITY, digest, round=ROUND, kind="harvest")
    await notifier.post(
        COMMUNITY, Message(content="Do step 5"), round=ROUND, kind="suggestion:remedy"
    )
    text = out.getvalue()
    assert "Tue 21 Jul 2026, 10:00 · check-in harvest\n" in text  # one line, no body
    assert "Harvest body" not in text
    assert "SUGGESTION (remedy)" in text and "Do step 5" in text
    assert notifier.of("suggestion")[0].kind == "suggestion:remedy"


def results(answered: int) -> Message:
    text = f"{answered} members answered.\nNo sign of decay crossed the threshold this round."
    return Message(embeds=(Embed(title="Results", description=f"{text}\n\n- Sign: mean 1.2"),))


def remedy(sign: str) -> Message:
    words = "80% of the 5 of us who answered see this often. More.\n\n1. Step one"
    return Message(embeds=(Embed(title=sign, description=words),))


async def test_the_story_shows_each_kind_once_in_full_then_a_line_in_the_bots_words() -> None:
    out = io.StringIO()
    notifier = ConsoleNotifier(ManualClock(WHEN), "Europe/Berlin", out=out)
    await notifier.open_round(COMMUNITY, ROUND, [], CARD)
    await notifier.open_round(COMMUNITY, ROUND, [], CARD)
    await notifier.post(COMMUNITY, results(12), round=ROUND, kind="results")
    await notifier.post(COMMUNITY, remedy("No feedback"), round=ROUND, kind="suggestion:remedy")
    await notifier.post(COMMUNITY, remedy("Survey fatigue"), round=ROUND, kind="suggestion:remedy")
    lines = out.getvalue().splitlines()
    assert lines.count("Survey: how are we doing?") == 1  # the card once, in full
    assert "Tue 21 Jul 2026, 10:00 · survey opens: 8 questions." in lines
    assert (  # results: who answered and what crossed, never the figures' jargon
        "Tue 21 Jul 2026, 10:00 · survey results: 12 members answered. "
        "No sign of decay crossed the threshold this round."
    ) in lines
    assert "mean" not in out.getvalue()
    assert out.getvalue().count("Step one") == 1  # the first suggestion only, in full
    assert (
        "Tue 21 Jul 2026, 10:00 · SUGGESTION (remedy): Survey fatigue. "
        "80% of the 5 of us who answered see this often."
    ) in lines
    assert len(notifier.posts) == 5


def opening(*lines: str) -> Message:
    body = "A few minutes to say how we are doing.\n\n" + "\n".join(f"- {li}" for li in lines)
    return Message(embeds=(Embed(title="Survey", description=body),))


async def test_a_post_in_one_line_still_shows_its_lines_quoting_a_commitment() -> None:
    out = io.StringIO()
    notifier = ConsoleNotifier(ManualClock(WHEN), "Europe/Berlin", out=out)
    await notifier.open_round(COMMUNITY, ROUND, [], CARD)  # the first card, in full
    notifier.follow("We'll try: Show what came of it")
    quoted = "Answers vanish: 62% → 30% since we committed to “We'll try: show what came of it”"
    await notifier.open_round(COMMUNITY, ROUND, [], opening(quoted, "Unrelated news."))
    lines = out.getvalue().splitlines()
    heading = lines.index(
        "Tue 21 Jul 2026, 10:00 · survey opens: A few minutes to say how we are doing."
    )
    assert lines[heading + 1] == f"    - {quoted}"  # beneath its post, as the post says it
    assert "Unrelated news." not in out.getvalue()


async def test_a_suggestion_naming_the_step_a_commitment_took_is_no_news_of_it() -> None:
    out = io.StringIO()
    notifier = ConsoleNotifier(ManualClock(WHEN), "Europe/Berlin", out=out)
    notifier.follow("We'll try: Show what came of it")
    await notifier.post(COMMUNITY, remedy("No feedback"), round=ROUND, kind="suggestion:remedy")
    step = Embed(title="Survey fatigue", description="80% see it.\n\n6. Show what came of it")
    await notifier.post(COMMUNITY, Message(embeds=(step,)), round=ROUND, kind="suggestion:remedy")
    assert "Show what came of it" not in out.getvalue()


async def test_what_coordinators_do_is_told_in_the_timeline_and_is_no_post() -> None:
    out = io.StringIO()
    notifier = ConsoleNotifier(ManualClock(WHEN), "Europe/Berlin", out=out)
    notifier.tell("Coordinators commit: We'll try: Keep surveys tiny (Survey fatigue)")
    assert out.getvalue() == (
        "Tue 21 Jul 2026, 10:00 · Coordinators commit: We'll try: Keep surveys tiny "
        "(Survey fatigue)\n"
    )
    assert notifier.posts == []


async def test_readers_hear_of_each_post_after_it_is_recorded() -> None:
    heard: list[str] = []

    class Reader:
        async def posted(self, post: SimPost) -> None:
            heard.append(post.kind)

    notifier = ConsoleNotifier(ManualClock(WHEN), "Europe/Berlin", out=io.StringIO())
    notifier.readers.append(Reader())
    await notifier.post(COMMUNITY, results(12), round=ROUND, kind="results")
    assert heard == ["results"] and notifier.posts[0].kind == "results"


async def test_verbose_prints_every_post_in_full() -> None:
    out = io.StringIO()
    notifier = ConsoleNotifier(ManualClock(WHEN), "Europe/Berlin", out=out, detail=Detail.VERBOSE)
    for _ in range(2):
        await notifier.open_round(COMMUNITY, ROUND, [], CARD)
        await notifier.post(COMMUNITY, results(12), round=ROUND, kind="results")
    assert out.getvalue().count("Survey: how are we doing?") == 2
    assert out.getvalue().count("- Sign: mean 1.2") == 2


async def test_the_directory_knows_members_only_with_the_members_intent() -> None:
    community = SyntheticCommunity.create(4, 1, WHEN, WHEN + timedelta(days=30), [])
    assert await SyntheticDirectory(community).eligible_members(COMMUNITY) == []
    with_intent = SyntheticDirectory(community, members_intent=True)
    assert await with_intent.eligible_members(COMMUNITY) == community.member_ids


async def test_a_quoting_line_said_twice_in_a_post_is_shown_once() -> None:
    out = io.StringIO()
    notifier = ConsoleNotifier(ManualClock(WHEN), "Europe/Berlin", out=out)
    await notifier.open_round(COMMUNITY, ROUND, [], CARD)
    notifier.follow("We'll try: Space them out")
    asked = "What came of “We'll try: Space them out”?"
    card = Embed(title="Check-in", description=f"Prompts.\n\n1. {asked}\n\n{asked}")
    await notifier.open_round(COMMUNITY, ROUND, [], Message(embeds=(card,)))
    assert out.getvalue().count("What came of") == 1
    assert f"    1. {asked}" in out.getvalue().splitlines()

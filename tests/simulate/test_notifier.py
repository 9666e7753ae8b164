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
from vitalitybot.simulate.notifier import ConsoleNotifier

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
    assert "survey reminder to 2 members" in out.getvalue()
    assert listener.reminders == [(11, 12)]


async def test_attachments_are_named_and_quiet_mode_keeps_only_suggestions_in_full() -> None:
    out = io.StringIO()
    notifier = ConsoleNotifier(ManualClock(WHEN), "Europe/Berlin", out=out, quiet=True)
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

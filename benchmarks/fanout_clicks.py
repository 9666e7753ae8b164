"""Members clicking at once, for fanout.py: waves of clicks on the loopback server, each
timed to the bot's acknowledgement and to the page the member came for.

The same waves go to vitalitybot ("Answer" on a round's post, ``survey_page``) and to
the loopback sample bot ("Yes" on a post of its own, ``vote_counted``), so the two
acknowledgement times are taken alike. ``poll`` is how fanout.py waits on the server
too, for the fan-out to settle.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

# Annotations only: tests.loopback is importable once support has put the checkout on
# sys.path, and nothing here builds the server's objects.
if TYPE_CHECKING:
    from tests.loopback import InteractionHandle, LoopbackDiscord, Member, MessageRecord

WAVE_PAUSE = 1.0
WAVE_TIMEOUT = 60.0
POLL = 0.1  # polling, not the server's wait_until: its probes would scan on every change
DEFERRED, MESSAGE, UPDATE = 5, 4, 7  # interaction callback types


async def poll(condition: Callable[[], bool], within: float) -> bool:
    """Whether ``condition()`` came true within ``within`` seconds."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(POLL)
    return True


@dataclass
class Acks:
    """Per click, in ms: to the acknowledgement, and to the page the member came for."""

    ack_ms: list[float] = field(default_factory=list)
    page_ms: list[float] = field(default_factory=list)
    failures: int = 0


def survey_page(server: LoopbackDiscord, click: InteractionHandle) -> float | None:
    """When the member saw the survey page (nan: something else); None while waiting.

    The bot may answer with the page, or acknowledge first and send it as a follow-up.
    """
    if not click.callbacks:
        return None
    first = click.callbacks[0]
    if first.type == DEFERRED:
        page = server.message(click.record.followup_ids[0]) if click.record.followup_ids else None
        if page is None:
            return None
        embeds = page.embeds
        at = datetime.fromisoformat(page.edited_timestamp or page.timestamp).timestamp()
    elif first.type == MESSAGE:
        embeds, at = first.data.get("embeds") or [], first.received_at
    else:
        return math.nan
    shown = bool(embeds) and str(embeds[0].get("title", "")).startswith("Survey")
    return at if shown else math.nan


def vote_counted(server: LoopbackDiscord, click: InteractionHandle) -> float | None:
    """The sample bot updates the clicked message at once."""
    if not click.callbacks:
        return None
    first = click.callbacks[0]
    return first.received_at if first.type == UPDATE else math.nan


async def click_waves(
    server: LoopbackDiscord,
    targets: Sequence[tuple[Member, MessageRecord, str]],
    waves: int,
    page_shown: Callable[[LoopbackDiscord, InteractionHandle], float | None],
) -> Acks:
    """``waves`` times, every member clicks at once; waits until each sees the page."""
    acks = Acks()
    for _ in range(waves):
        clicks = await asyncio.gather(*(m.click(post, custom) for m, post, custom in targets))

        def answered(clicks: list[InteractionHandle] = clicks) -> bool:
            return all(page_shown(server, click) is not None for click in clicks)

        if not await poll(answered, WAVE_TIMEOUT):
            raise RuntimeError(f"clicks still unanswered after {WAVE_TIMEOUT:g} s")
        for click in clicks:
            acked, shown = click.record.ack_seconds, page_shown(server, click)
            assert acked is not None and shown is not None
            acks.ack_ms.append(acked * 1000)
            if math.isnan(shown):
                acks.failures += 1
            else:
                acks.page_ms.append((shown - click.record.dispatched_at) * 1000)
        await asyncio.sleep(WAVE_PAUSE)
    return acks


def vote_posts(server: LoopbackDiscord, members: Sequence[Member]) -> list[MessageRecord]:
    """A post with the sample bot's persistent "Yes" button before each member."""
    button = {"type": 2, "style": 3, "label": "Yes", "custom_id": "vote:yes"}
    body = {"content": "Vote!", "components": [{"type": 1, "components": [button]}]}
    posts: dict[int, MessageRecord] = {}
    for member in members:
        channel = member.guild.general.id
        if channel not in posts:
            posts[channel] = server.post_as_bot(channel, body)
    return [posts[m.guild.general.id] for m in members]

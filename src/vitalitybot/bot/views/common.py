"""Small helpers every view shares.

``static_view`` works around a discord.py 2.7 pitfall: a View sent with a message is
stored by the client, and when an ephemeral one times out (discord.py forces 15 minutes
on them) ``ViewStore.remove_view`` can unregister the *class-wide* DynamicItem patterns
its snapshot mentions, if another view happens to share its cache key. A view that is
already stopped when sent is never stored, and its components still serialise; the
dynamic items registered in ``setup_hook`` do all the dispatching.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import discord

from vitalitybot.bot.base import bot_of

DISCORD_BASE = "https://discord.com"


def static_view(*items: discord.ui.Item[Any]) -> discord.ui.View:
    """A view of dynamic items, stopped so that discord.py never stores it (module docstring)."""
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    view.stop()
    return view


@asynccontextmanager
async def page_turn(interaction: discord.Interaction) -> AsyncIterator[None]:
    """Wait for one of the bot's ``page_turns`` to build a page for an acknowledged click.

    A round's post brings many members at once. Each click is acknowledged first, and
    the page follows; without turns, two hundred pages in the making share the event
    loop with the clicks still waiting for their acknowledgement (Discord drops an
    interaction not acknowledged within 3 s), and every member waits for everyone.
    With turns, the acknowledgements of a burst go out first and the pages follow in
    the order of the clicks (``benchmarks/fanout.py`` measures both).
    """
    async with bot_of(interaction).page_turns:
        yield


def submitted_form(
    interaction: discord.Interaction, form_id: re.Pattern[str]
) -> re.Match[str] | None:
    """The match of a submitted form's custom id against ``form_id``: how an
    ``on_interaction`` listener picks out the forms it answers (None for anything else)."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return None
    data: dict[str, Any] = dict(interaction.data or {})
    return form_id.fullmatch(str(data.get("custom_id", "")))


def is_ephemeral_message(interaction: discord.Interaction) -> bool:
    """Whether the component clicked sits on an ephemeral message (one of our flows)."""
    message = interaction.message
    return message is not None and message.flags.ephemeral


def jump_url(guild_id: int, channel_id: int | None, message_id: int | None) -> str | None:
    if channel_id is None or message_id is None:
        return None
    return f"{DISCORD_BASE}/channels/{guild_id}/{channel_id}/{message_id}"

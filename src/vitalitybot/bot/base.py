"""What every handler reaches through ``interaction.client``, and the one way to reach it.

Commands, buttons and forms get the client discord.py dispatched them on, typed as a
plain ``discord.Client``. ``bot_of`` narrows it, checked, to ``VitalityBase``: the parts
the handlers use (the services, the metrics, the pattern index). The full bot
(client.py) builds on this class; keeping these parts apart lets the views and cogs,
which the full bot imports, name the type they are handed without importing it back.
"""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord.ext import commands

from vitalitybot.observability.metrics import Metrics
from vitalitybot.patterns.search import PatternIndex
from vitalitybot.services import Services

# Pages built at once after their clicks were acknowledged (views.common.page_turn).
# Building is CPU and database work on one event loop, so more at once would not finish
# sooner.
PAGE_BUILDERS = 2


class VitalityBase(commands.Bot):
    """A ``commands.Bot`` carrying the services, metrics and pattern index it serves."""

    def __init__(
        self, services: Services, *, metrics: Metrics, index: PatternIndex, **options: Any
    ) -> None:
        super().__init__(**options)
        self.services = services
        self.metrics = metrics
        self.index = index
        self.page_turns = asyncio.Semaphore(PAGE_BUILDERS)


def bot_of(interaction: discord.Interaction) -> VitalityBase:
    """The bot this interaction reached; anything else is a wiring bug."""
    client = interaction.client
    if not isinstance(client, VitalityBase):
        raise TypeError(f"this interaction reached a {type(client).__name__}, not a VitalityBot")
    return client

"""``/pattern name [private]``: a pattern's summary, for anyone, anywhere.

Visible to the channel by default (patterns are meant to be talked about), ephemeral
with ``private:true``. The name is autocompleted from the library with the same search
the CLI uses, typos forgiven; a name typed past the suggestions is still matched to the
closest pattern when one is close enough.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from vitalitybot.bot.replies import respond
from vitalitybot.patterns.search import MAX_RESULTS, PatternIndex
from vitalitybot.render.message import trim
from vitalitybot.render.summary import pattern_summary
from vitalitybot.services import resolve_pattern

if TYPE_CHECKING:
    from vitalitybot.bot.client import VitalityBot

CHOICE_NAME_MAX = 100


def pattern_choices(index: PatternIndex, current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 choices (Discord's limit): the best matches, or the first titles A-Z."""
    return [
        app_commands.Choice(name=trim(match.title, CHOICE_NAME_MAX) or match.slug, value=match.slug)
        for match in index.search(current, limit=MAX_RESULTS)
    ]


class PatternsCog(commands.Cog):
    def __init__(self, bot: VitalityBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="pattern", description="Show a pattern: its signs, steps and rhythms"
    )
    @app_commands.describe(
        name="The pattern's name, slug or alias (typos are fine)",
        private="Show it only to you (default: to the channel)",
    )
    async def pattern(
        self, interaction: discord.Interaction, name: str, private: bool = False
    ) -> None:
        services = self.bot.services
        found = resolve_pattern(services, name, typos=True)  # or UnknownPattern, with close names
        await respond(interaction, pattern_summary(services.env, found), ephemeral=private)

    @pattern.autocomplete("name")
    async def pattern_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return pattern_choices(self.bot.index, current)

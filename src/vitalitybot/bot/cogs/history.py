"""``/vitality trend | export | harvest | harvests``: the community's history, for its coordinators.

These are subcommands of ``/vitality`` (``attach`` adds them to ``VitalityCog``'s group),
kept in their own cog so the round and set-up commands stay readable. They sit behind the
same gates as every ``/vitality`` command (``checks.coordinator_only``: members who can
manage the server, and members with the community's coordinator or steward role), and
every reply is ephemeral: the figures and the members' words are for the coordinator who
asked, to share as they judge. Each handler calls one service; the copy is in replies.py.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from vitalitybot.bot import replies
from vitalitybot.bot.checks import community_here, community_of, coordinator_only
from vitalitybot.bot.replies import respond, text, with_notes
from vitalitybot.render.message import Attachment, Message, trim
from vitalitybot.services import ServiceError
from vitalitybot.services.harvest_history import harvest_entries, harvest_post, search_harvests
from vitalitybot.services.notes import take_notes
from vitalitybot.services.score_export import export_scores
from vitalitybot.services.trend import sign_choices, trend, trend_png

if TYPE_CHECKING:
    from vitalitybot.bot.client import VitalityBot

CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
TREND_FILENAME = "vitality-trend.png"


class HistoryCog(commands.Cog):
    def __init__(self, bot: VitalityBot) -> None:
        self.bot = bot

    def attach(self, parent: commands.GroupCog) -> None:
        """Make these commands subcommands of ``parent``'s group (``/vitality``); called
        before ``parent`` is added to the bot, which registers the group with them."""
        group = parent.app_command
        if group is None:
            raise TypeError(f"{type(parent).__name__} has no command group")
        for command in self.get_app_commands():
            group.add_command(command)

    async def _reply(
        self, interaction: discord.Interaction, community_id: int, body: Message
    ) -> None:
        notes = await take_notes(self.bot.services, community_id)
        await respond(interaction, with_notes(body, notes), ephemeral=True)

    @app_commands.command(
        name="trend", description="A sign's share per survey, with your commitments marked"
    )
    @app_commands.describe(sign="A sign of decay (leave out: the signs that crossed last)")
    @coordinator_only()
    async def trend(
        self,
        interaction: discord.Interaction,
        sign: str | None = None,
        community_name: str | None = None,
    ) -> None:
        community = community_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await trend(self.bot.services, community.id, sign)
        # Drawing takes long enough to stall every other interaction: a worker thread.
        chart = await asyncio.to_thread(trend_png, found)
        picture = Attachment(TREND_FILENAME, chart, description=found.description)
        await self._reply(
            interaction, community.id, text(replies.trend_shown(found.description), picture)
        )

    @trend.autocomplete("sign")
    async def scored_signs(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        here = await community_here(interaction)
        if here is None:
            return []
        try:
            choices = await sign_choices(self.bot.services, here.id)
        except ServiceError:
            return []
        wanted = current.strip().casefold()
        return [
            app_commands.Choice(name=trim(c.name, CHOICE_NAME_MAX), value=c.value)
            for c in choices
            if wanted in c.name.casefold()
        ][:CHOICES_MAX]

    @app_commands.command(
        name="export", description="Participation and scores per round, as a CSV file"
    )
    @coordinator_only()
    async def export(
        self, interaction: discord.Interaction, community_name: str | None = None
    ) -> None:
        community = community_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await export_scores(self.bot.services, community.id)
        document = Attachment(found.filename, found.data)
        await self._reply(
            interaction, community.id, text(replies.scores_exported(found.rounds), document)
        )

    @app_commands.command(name="harvest", description="A harvest (the latest, or one by its date)")
    @app_commands.describe(date="The check-in's date, e.g. 2026-03-03 (leave out: the latest)")
    @coordinator_only()
    async def harvest(
        self,
        interaction: discord.Interaction,
        date: str | None = None,
        community_name: str | None = None,
    ) -> None:
        community = community_of(interaction)
        post = await harvest_post(self.bot.services, community.id, date)
        await self._reply(interaction, community.id, post)

    @harvest.autocomplete("date")
    async def harvest_dates(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        here = await community_here(interaction)
        if here is None:
            return []
        try:
            entries = await harvest_entries(self.bot.services, here.id)
        except ServiceError:
            return []
        wanted = current.strip()
        return [
            app_commands.Choice(
                name=replies.harvest_choice(e.name, e.harvest.participants), value=e.name
            )
            for e in entries
            if e.name.startswith(wanted)
        ][:CHOICES_MAX]

    @app_commands.command(
        name="harvests", description="Search the words members shared in harvests"
    )
    @app_commands.describe(query="Words to look for (all of them, any case)")
    @coordinator_only()
    async def harvests(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, 100],
        community_name: str | None = None,
    ) -> None:
        community = community_of(interaction)
        found = await search_harvests(self.bot.services, community.id, query)
        await self._reply(interaction, community.id, text(replies.harvest_matches(query, found)))

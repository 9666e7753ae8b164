"""``/vitality ...``: what a coordinator runs. Every reply is ephemeral.

Registered with ``default_member_permissions`` = Manage Server and guild-only; every
command is behind ``checks.coordinator_only``, which also hands the handler its
community. A handler calls one service and sends one reply (the copy is in vitality_replies.py).
Replies end with any failed posts the coordinator has not heard about yet (read from the
deliveries table, services/notes.py), so a failure never stays silent.
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from vitalitybot.bot import replies, vitality_replies
from vitalitybot.bot.chart import status_chart
from vitalitybot.bot.checks import (
    community_here,
    community_of,
    coordinator_only,
    guild_id_of,
    setup_target,
)
from vitalitybot.bot.cogs.commitments import CommitmentCommands
from vitalitybot.bot.cogs.patterns import pattern_choices
from vitalitybot.bot.invite import missing_in
from vitalitybot.bot.replies import respond, text, with_notes
from vitalitybot.domain.privacy import ANONYMOUS_FLOOR, MAX_MIN_RESPONDENTS
from vitalitybot.domain.records import RoundKind, ScheduleCadence
from vitalitybot.render.message import Attachment, Message, trim
from vitalitybot.scheduling.zones import canonical_zones
from vitalitybot.services import (
    ServiceError,
    adopt_pattern,
    close_now,
    drop_pattern,
    list_adopted,
    open_now,
    privacy_settings,
    set_privacy,
    set_schedule,
    set_threshold,
    setup_community,
    status_message,
)
from vitalitybot.services import status as community_status
from vitalitybot.services.communities import THRESHOLD_MAX, THRESHOLD_MIN
from vitalitybot.services.limits import NAME_MAX
from vitalitybot.services.notes import take_notes
from vitalitybot.services.open_rounds import round_to_close
from vitalitybot.services.places import server_communities
from vitalitybot.services.privacy import MAX_ITEMS_LIMIT

if TYPE_CHECKING:
    from vitalitybot.bot.client import VitalityBot

CHOICES_MAX = 25
CHART_FILENAME = "vitality-status.png"


@functools.cache
def _timezones() -> tuple[str, ...]:
    return tuple(sorted(canonical_zones()))


def missing_posting_permissions(channel: discord.TextChannel) -> list[str]:
    """What the bot lacks in ``channel`` to post rounds there (from the cached overwrites).

    The invite link asks for the same permissions, so one definition serves both.
    """
    return replies.permission_names(missing_in(channel))


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class VitalityCog(
    CommitmentCommands,  # /vitality commitments and commit (cogs/commitments.py)
    commands.GroupCog,
    group_name="vitality",
    group_description="Coordinate your community's check-ins and surveys",
):
    def __init__(self, bot: VitalityBot) -> None:
        self.bot = bot
        super().__init__()

    async def _reply(
        self, interaction: discord.Interaction, community_id: int, message: Message | str
    ) -> None:
        body = text(message) if isinstance(message, str) else message
        notes = await take_notes(self.bot.services, community_id)
        await respond(interaction, with_notes(body, notes), ephemeral=True)

    # -- set-up ----------------------------------------------------------------------------

    @app_commands.command(
        name="setup", description="Set up a community: its name, channel, time zone and roles"
    )
    @app_commands.describe(
        name="The community's name; a new name sets up another community in this server",
        channel="Where its rounds are posted (each gets a thread for its discussion)",
        timezone="The community's time zone, e.g. Europe/Berlin",
        category="Commands run in any channel of this category are about this community",
        coordinator_role="Members with this role may run these commands for it",
        steward_role="A second role that may run them too",
    )
    @coordinator_only(setting_up=True)
    async def setup(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, NAME_MAX],
        channel: discord.TextChannel,
        timezone: str,
        category: discord.CategoryChannel | None = None,
        coordinator_role: discord.Role | None = None,
        steward_role: discord.Role | None = None,
        community_name: str | None = None,
    ) -> None:
        existing = setup_target(interaction)
        made = await setup_community(
            self.bot.services,
            guild_id_of(interaction),
            name,
            channel.id,
            timezone,
            coordinator_role.id if coordinator_role else None,
            steward_role.id if steward_role else None,
            category_id=category.id if category else None,
            community_id=existing.id if existing is not None else None,
        )
        missing = missing_posting_permissions(channel)
        communities = await server_communities(self.bot.services, made.guild_id)
        said = vitality_replies.set_up(
            made, channel.id, missing, created=existing is None, communities=communities
        )
        await self._reply(interaction, made.id, said)

    @setup.autocomplete("timezone")
    async def timezone_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        wanted = current.strip().casefold().replace(" ", "_")
        found = [z for z in _timezones() if wanted in z.casefold()][:CHOICES_MAX]
        return [app_commands.Choice(name=z, value=z) for z in found]

    @app_commands.command(name="adopt", description="Start watching a pattern's signs")
    @app_commands.describe(pattern="The pattern's name, slug or alias")
    @coordinator_only()
    async def adopt(
        self, interaction: discord.Interaction, pattern: str, community_name: str | None = None
    ) -> None:
        community = community_of(interaction)
        result = await adopt_pattern(self.bot.services, community.id, pattern)
        schedules = (await community_status(self.bot.services, community.id)).schedules
        await self._reply(
            interaction, community.id, vitality_replies.adopted(community, result, schedules)
        )

    @adopt.autocomplete("pattern")
    async def adoptable(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return pattern_choices(self.bot.index, current)

    @app_commands.command(name="drop", description="Stop watching a pattern")
    @app_commands.describe(pattern="One of the patterns this community watches")
    @coordinator_only()
    async def drop(
        self, interaction: discord.Interaction, pattern: str, community_name: str | None = None
    ) -> None:
        community = community_of(interaction)
        result = await drop_pattern(self.bot.services, community.id, pattern)
        await self._reply(interaction, community.id, vitality_replies.dropped(community, result))

    @drop.autocomplete("pattern")
    async def adopted(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        here = await community_here(interaction)
        if here is None:
            return []
        try:
            watched = await list_adopted(self.bot.services, here.id)
        except ServiceError:
            return []
        wanted = current.strip().casefold()
        return [
            app_commands.Choice(name=trim(a.title, 100) or a.slug, value=a.slug)
            for a in watched
            if wanted in a.title.casefold() or wanted in a.slug
        ][:CHOICES_MAX]

    @app_commands.command(
        name="schedule", description="Set when check-ins or surveys run, or pause them"
    )
    @app_commands.describe(
        kind="Which round",
        cadence="How often (leave out to keep the current timing, e.g. to pause or resume)",
        day="e.g. 'first tuesday', 'last friday', '15' (default: the first Tuesday)",
        time="Local time of day, e.g. 10:00 or 9am (default: 10:00)",
        window_days="How many days a round stays open (default: 5)",
        enabled="False pauses this kind of round, true resumes it (default: true)",
    )
    # The choices come from the one list of cadences a schedule can run at.
    @app_commands.choices(cadence=[app_commands.Choice(name=c, value=c) for c in ScheduleCadence])
    @coordinator_only()
    async def schedule(
        self,
        interaction: discord.Interaction,
        kind: Literal["checkin", "survey"],
        cadence: str | None = None,
        day: str | None = None,
        time: str | None = None,
        window_days: app_commands.Range[int, 1, 60] | None = None,
        enabled: bool = True,
        community_name: str | None = None,
    ) -> None:
        community = community_of(interaction)
        view = await set_schedule(
            self.bot.services,
            community.id,
            kind,
            cadence,
            day,
            time,
            window_days,
            enabled=enabled,
        )
        await self._reply(
            interaction, community.id, vitality_replies.scheduled(community, kind, view)
        )

    @app_commands.command(name="threshold", description="When a sign of decay counts as crossed")
    @app_commands.describe(
        value="The share of respondents seeing a sign often, e.g. 0.5 for half",
        min_respondents="The fewest answers before any figure is shown (3 to 100)",
    )
    @coordinator_only()
    async def threshold(
        self,
        interaction: discord.Interaction,
        value: app_commands.Range[float, THRESHOLD_MIN, THRESHOLD_MAX],
        # Discord refuses 1 and 2 before the bot sees them, as the service refuses them
        # for anonymous rounds; a named community may go lower only through the services.
        min_respondents: app_commands.Range[int, ANONYMOUS_FLOOR, MAX_MIN_RESPONDENTS]
        | None = None,
        community_name: str | None = None,
    ) -> None:
        community = community_of(interaction)
        changed = await set_threshold(self.bot.services, community.id, value, min_respondents)
        await self._reply(interaction, community.id, vitality_replies.threshold_set(changed))

    @app_commands.command(
        name="privacy", description="Show or change anonymity and who sees what in new rounds"
    )
    @app_commands.describe(
        anonymous="Store answers of new rounds without names",
        min_respondents="The fewest answers before any figure is shown (3 to 100)",
        max_items="The most questions a survey asks",
    )
    @coordinator_only()
    async def privacy(
        self,
        interaction: discord.Interaction,
        anonymous: bool | None = None,
        min_respondents: app_commands.Range[int, ANONYMOUS_FLOOR, MAX_MIN_RESPONDENTS]
        | None = None,
        max_items: app_commands.Range[int, 1, MAX_ITEMS_LIMIT] | None = None,
        community_name: str | None = None,
    ) -> None:
        community = community_of(interaction)
        if anonymous is None and min_respondents is None and max_items is None:
            found = await privacy_settings(self.bot.services, community.id)
            await self._reply(interaction, community.id, vitality_replies.privacy_shown(found))
            return
        changed = await set_privacy(
            self.bot.services,
            community.id,
            anonymous=anonymous,
            min_respondents=min_respondents,
            max_items=max_items,
        )
        await self._reply(interaction, community.id, vitality_replies.privacy_changed(changed))

    # -- rounds ----------------------------------------------------------------------------

    @app_commands.command(name="checkin", description="Open an articulation check-in now")
    @coordinator_only()
    async def checkin(
        self, interaction: discord.Interaction, community_name: str | None = None
    ) -> None:
        await self._open(interaction, RoundKind.CHECKIN)

    @app_commands.command(name="survey", description="Open a decay-signal survey now")
    @coordinator_only()
    async def survey(
        self, interaction: discord.Interaction, community_name: str | None = None
    ) -> None:
        await self._open(interaction, RoundKind.SURVEY)

    async def _open(self, interaction: discord.Interaction, kind: RoundKind) -> None:
        community = community_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        round_ = await open_now(self.bot.services, community.id, kind)
        await self._reply(interaction, community.id, vitality_replies.opened(community, round_))

    @app_commands.command(
        name="close", description="Close the open round now and post what came of it"
    )
    @app_commands.describe(kind="Which round, when a check-in and a survey are both open")
    @coordinator_only()
    async def close(
        self,
        interaction: discord.Interaction,
        kind: Literal["checkin", "survey"] | None = None,
        community_name: str | None = None,
    ) -> None:
        community = community_of(interaction)
        round_ = await round_to_close(self.bot.services, community.id, kind)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await close_now(self.bot.services, community.id, round_.id)
        await self._reply(interaction, community.id, vitality_replies.closed(community, result))

    @app_commands.command(name="status", description="Open rounds, schedules, latest scores")
    @coordinator_only()
    async def status(
        self, interaction: discord.Interaction, community_name: str | None = None
    ) -> None:
        community = community_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await community_status(self.bot.services, community.id)
        chart = await asyncio.to_thread(status_chart, found)
        message = status_message(self.bot.services, found)
        files = (*message.files, Attachment(CHART_FILENAME, chart))
        await self._reply(interaction, community.id, replace(message, files=files))

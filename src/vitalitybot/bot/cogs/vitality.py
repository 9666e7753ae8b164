"""``/vitality ...``: what a coordinator runs. Every reply is ephemeral.

Registered with ``default_member_permissions`` = Manage Server and guild-only; each
handler also asks the services whether this member coordinates the community (see
checks.py). Replies end with any delivery problems the coordinator has not heard about
yet (a channel the bot lost access to), so a failure never stays silent.
"""

from __future__ import annotations

import asyncio
import functools
import zoneinfo
from datetime import datetime
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from vitalitybot.bot.chart import status_chart
from vitalitybot.bot.checks import guild_id_of, require_coordinator, require_setup_rights
from vitalitybot.bot.cogs.patterns import pattern_choices
from vitalitybot.bot.replies import respond, text, with_notes
from vitalitybot.bot.views.common import jump_url
from vitalitybot.domain import scale
from vitalitybot.domain.records import Round, RoundKind
from vitalitybot.render.environment import md_escape
from vitalitybot.render.message import Attachment, Message, trim
from vitalitybot.services import (
    ServiceError,
    adopt_pattern,
    close_now,
    drop_pattern,
    kind_name,
    latest_harvest,
    list_adopted,
    open_now,
    set_schedule,
    set_threshold,
    setup_community,
    status_message,
)
from vitalitybot.services import status as community_status

if TYPE_CHECKING:
    from vitalitybot.bot.client import VitalityBot

CHOICES_MAX = 25
CHART_FILENAME = "vitality-status.png"
POSTING = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
)


@functools.cache
def _timezones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def missing_posting_permissions(channel: discord.TextChannel) -> list[str]:
    """What the bot lacks in ``channel`` to post rounds there (from the cached overwrites)."""
    have = channel.permissions_for(channel.guild.me)
    return [
        name.replace("_", " ") for name, needed in POSTING if needed and not getattr(have, name)
    ]


def when(moment: datetime) -> str:
    """A moment as a Discord timestamp: every reader sees it in their own time zone."""
    return discord.utils.format_dt(moment, "F")


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class VitalityCog(
    commands.GroupCog,
    group_name="vitality",
    group_description="Coordinate your community's check-ins and surveys",
):
    def __init__(self, bot: VitalityBot) -> None:
        self.bot = bot
        super().__init__()

    async def _reply(self, interaction: discord.Interaction, message: Message | str) -> None:
        body = text(message) if isinstance(message, str) else message
        notes = self.bot.problems.take(interaction.guild_id) if interaction.guild_id else []
        await respond(interaction, with_notes(body, notes), ephemeral=True)

    # -- set-up ----------------------------------------------------------------------------

    @app_commands.command(name="setup", description="Choose the channel, time zone and roles")
    @app_commands.describe(
        channel="Where rounds are posted (each gets a thread for its discussion)",
        timezone="The community's time zone, e.g. Europe/Berlin",
        coordinator_role="Members with this role may run these commands",
        steward_role="A second role that may run them too",
    )
    async def setup(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        timezone: str,
        coordinator_role: discord.Role | None = None,
        steward_role: discord.Role | None = None,
    ) -> None:
        services = self.bot.services
        await require_setup_rights(services, interaction)
        guild = interaction.guild
        name = guild.name if guild is not None else f"Server {interaction.guild_id}"
        community = await setup_community(
            services,
            guild_id_of(interaction),
            name,
            channel.id,
            timezone,
            coordinator_role.id if coordinator_role else None,
            steward_role.id if steward_role else None,
        )
        lines = [
            f"vitalitybot is set up: rounds are posted in {channel.mention}, "
            f"on {md_escape(community.timezone)} time."
        ]
        roles = [
            f"<@&{r}>" for r in (community.coordinator_role_id, community.steward_role_id) if r
        ]
        if roles:
            lines.append(f"Besides server managers, {' and '.join(roles)} may coordinate.")
        missing = missing_posting_permissions(channel)
        if missing:
            lines.append(
                f"**Heads up:** I am missing {', '.join(missing)} in {channel.mention}; "
                "rounds will fail there until a server admin grants them."
            )
        lines.append("Next: `/vitality adopt` a pattern to watch; it sets up default schedules.")
        await self._reply(interaction, "\n".join(lines))

    @setup.autocomplete("timezone")
    async def timezone_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        wanted = current.strip().casefold().replace(" ", "_")
        found = [z for z in _timezones() if wanted in z.casefold()][:CHOICES_MAX]
        return [app_commands.Choice(name=z, value=z) for z in found]

    @app_commands.command(name="adopt", description="Start watching a pattern's signs")
    @app_commands.describe(pattern="The pattern's name, slug or alias")
    async def adopt(self, interaction: discord.Interaction, pattern: str) -> None:
        services = self.bot.services
        await require_coordinator(services, interaction)
        guild_id = guild_id_of(interaction)
        result = await adopt_pattern(services, guild_id, pattern)
        title = md_escape(result.pattern.title)
        lines = [
            f"Now watching **{title}**: its signs join the next surveys."
            if result.created
            else f"This community already watches **{title}**."
        ]
        if result.schedules:
            created = {s.id for s in result.schedules}
            lines.append("Default schedules, to adjust with `/vitality schedule`:")
            for view in (await community_status(services, guild_id)).schedules:
                if view.schedule.id in created:
                    lines.append(
                        f"- {kind_name(view.schedule.kind).capitalize()}: {view.description}"
                        + (f". Next: {view.next_run_text}" if view.next_run_text else "")
                    )
        lines.append("To ask now, run `/vitality survey` or `/vitality checkin`.")
        await self._reply(interaction, "\n".join(lines))

    @adopt.autocomplete("pattern")
    async def adoptable(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return pattern_choices(self.bot.index, current)

    @app_commands.command(name="drop", description="Stop watching a pattern")
    @app_commands.describe(pattern="One of the patterns this community watches")
    async def drop(self, interaction: discord.Interaction, pattern: str) -> None:
        services = self.bot.services
        await require_coordinator(services, interaction)
        result = await drop_pattern(services, guild_id_of(interaction), pattern)
        extra = (
            f" Its own schedules ({result.schedules_removed}) went with it."
            if result.schedules_removed
            else ""
        )
        await self._reply(
            interaction,
            f"No longer watching **{md_escape(result.title)}**. Earlier answers and scores "
            f"stay.{extra}",
        )

    @drop.autocomplete("pattern")
    async def adopted(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        try:
            watched = await list_adopted(self.bot.services, interaction.guild_id)
        except ServiceError:
            return []
        wanted = current.strip().casefold()
        return [
            app_commands.Choice(name=trim(a.title, 100) or a.slug, value=a.slug)
            for a in watched
            if wanted in a.title.casefold() or wanted in a.slug
        ][:CHOICES_MAX]

    @app_commands.command(name="schedule", description="Set when check-ins or surveys run")
    @app_commands.describe(
        kind="Which round",
        cadence="How often",
        day="e.g. 'first tuesday', 'last friday', '15' (default: the first Tuesday)",
        time="Local time of day, e.g. 10:00 or 9am (default: 10:00)",
        window_days="How many days a round stays open (default: 5)",
    )
    async def schedule(
        self,
        interaction: discord.Interaction,
        kind: Literal["checkin", "survey"],
        cadence: Literal["weekly", "monthly", "quarterly"],
        day: str | None = None,
        time: str | None = None,
        window_days: app_commands.Range[int, 1, 60] = 5,
    ) -> None:
        services = self.bot.services
        await require_coordinator(services, interaction)
        view = await set_schedule(
            services, guild_id_of(interaction), kind, cadence, day, time, window_days
        )
        next_run = f" Next: {view.next_run_text}." if view.next_run_text else ""
        await self._reply(
            interaction,
            f"{kind_name(kind).capitalize()}s now run {view.description}.{next_run}",
        )

    @app_commands.command(name="threshold", description="When a sign of decay counts as crossed")
    @app_commands.describe(
        value="The share of respondents seeing a sign often, e.g. 0.5 for half",
        min_respondents="The fewest answers before any figure is shown",
    )
    async def threshold(
        self,
        interaction: discord.Interaction,
        value: app_commands.Range[float, 0.0, 1.0],
        min_respondents: app_commands.Range[int, 1, 100] | None = None,
    ) -> None:
        services = self.bot.services
        await require_coordinator(services, interaction)
        community = await set_threshold(services, guild_id_of(interaction), value, min_respondents)
        await self._reply(
            interaction,
            f"A sign now crosses when at least {round(community.threshold * 100)}% of at least "
            f"{community.min_respondents} respondents see it {scale.high_words()}.",
        )

    # -- rounds ----------------------------------------------------------------------------

    @app_commands.command(name="checkin", description="Open an articulation check-in now")
    async def checkin(self, interaction: discord.Interaction) -> None:
        await self._open(interaction, RoundKind.CHECKIN)

    @app_commands.command(name="survey", description="Open a decay-signal survey now")
    async def survey(self, interaction: discord.Interaction) -> None:
        await self._open(interaction, RoundKind.SURVEY)

    async def _open(self, interaction: discord.Interaction, kind: RoundKind) -> None:
        services = self.bot.services
        await require_coordinator(services, interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        round_ = await open_now(services, guild_id_of(interaction), kind)
        await self._reply(interaction, _opened_text(round_, guild_id_of(interaction)))

    @app_commands.command(
        name="close", description="Close the open round now and post what came of it"
    )
    @app_commands.describe(kind="Which round, when a check-in and a survey are both open")
    async def close(
        self,
        interaction: discord.Interaction,
        kind: Literal["checkin", "survey"] | None = None,
    ) -> None:
        services = self.bot.services
        await require_coordinator(services, interaction)
        guild_id = guild_id_of(interaction)
        candidates = [
            v.round
            for v in (await community_status(services, guild_id)).open_rounds
            if kind is None or v.round.kind is RoundKind(kind)
        ]
        if not candidates:
            raise ServiceError(f"There is no open {kind_name(kind) if kind else 'round'} to close.")
        if len(candidates) > 1:
            raise ServiceError(
                "A check-in and a survey are both open: say which with the `kind` option."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await close_now(services, guild_id, candidates[0].id)
        name = kind_name(result.round.kind)
        posted = ["the results" if result.round.kind is RoundKind.SURVEY else "the harvest"]
        if result.suggestions:
            count = len(result.suggestions)
            posted.append(f"{count} {'suggestion' if count == 1 else 'suggestions'}")
        where = "the round's thread" if result.round.thread_id else "the channel"
        await self._reply(
            interaction,
            f"Closed the {name}: {result.participation.text}. "
            f"Posted {' and '.join(posted)} in {where}.",
        )

    @app_commands.command(name="status", description="Open rounds, schedules, latest scores")
    async def status(self, interaction: discord.Interaction) -> None:
        services = self.bot.services
        await require_coordinator(services, interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await community_status(services, guild_id_of(interaction))
        chart = await asyncio.to_thread(status_chart, found)
        message = status_message(services, found)
        await self._reply(
            interaction,
            Message(
                content=message.content,
                embeds=message.embeds,
                files=(*message.files, Attachment(CHART_FILENAME, chart)),
            ),
        )

    @app_commands.command(name="harvest", description="The latest harvest as a Markdown file")
    async def harvest(self, interaction: discord.Interaction) -> None:
        services = self.bot.services
        await require_coordinator(services, interaction)
        found = await latest_harvest(services, guild_id_of(interaction))
        if found is None:
            raise ServiceError("There is no harvest yet: one is made each time a check-in closes.")
        filename = f"harvest-{found.created_at:%Y-%m-%d}.md"
        people = "person" if found.participants == 1 else "people"
        await self._reply(
            interaction,
            text(
                f"The latest harvest ({found.participants} {people} took part), to keep or "
                "paste into your wiki.",
                Attachment(filename, found.markdown.encode("utf-8")),
            ),
        )


def _opened_text(round_: Round, guild_id: int) -> str:
    name = kind_name(round_.kind)
    link = jump_url(guild_id, round_.channel_id, round_.message_id)
    if link is None:
        return f"The {name} is open (until {when(round_.closes_at)}), but its post failed."
    return f"Opened the {name}: {link}. It closes {when(round_.closes_at)}."

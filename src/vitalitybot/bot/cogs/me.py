"""``/me ...``: what a member controls about themselves. Every reply is ephemeral.

Pause and reminders change only what the bot sends the member; answering stays their
choice at any time. Export hands over everything that can be linked to them in this
server as JSON; forget deletes it (after a confirmation, because it cannot be undone).
Both say that ended anonymous rounds are out of reach (services/members.py).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from vitalitybot.bot import replies
from vitalitybot.bot.checks import guild_id_of
from vitalitybot.bot.convert import NO_MENTIONS
from vitalitybot.bot.errors import guarded
from vitalitybot.bot.replies import respond, text
from vitalitybot.render.message import Attachment
from vitalitybot.services import (
    Services,
    export_member,
    forget_member,
    pause_member,
    resume_member,
    set_reminders,
)

if TYPE_CHECKING:
    from vitalitybot.bot.client import VitalityBot

CONFIRM_SECONDS = 120.0


@app_commands.guild_only()
class MeCog(commands.GroupCog, group_name="me", group_description="Your own settings and data"):
    def __init__(self, bot: VitalityBot) -> None:
        self.bot = bot
        super().__init__()

    async def _say(self, interaction: discord.Interaction, content: str) -> None:
        await respond(interaction, text(content), ephemeral=True)

    @app_commands.command(name="pause", description="No reminders or pings until you resume")
    async def pause(self, interaction: discord.Interaction) -> None:
        await pause_member(self.bot.services, guild_id_of(interaction), interaction.user.id)
        await self._say(interaction, replies.PAUSED)

    @app_commands.command(name="resume", description="Hear about rounds again")
    async def resume(self, interaction: discord.Interaction) -> None:
        await resume_member(self.bot.services, guild_id_of(interaction), interaction.user.id)
        await self._say(interaction, replies.RESUMED)

    @app_commands.command(name="reminders", description="Turn the mid-round reminder on or off")
    @app_commands.describe(state="on: one DM while a round you have not answered is open")
    async def reminders(
        self, interaction: discord.Interaction, state: Literal["on", "off"]
    ) -> None:
        on = state == "on"
        await set_reminders(self.bot.services, guild_id_of(interaction), interaction.user.id, on)
        await self._say(interaction, replies.REMINDERS_ON if on else replies.REMINDERS_OFF)

    @app_commands.command(name="export", description="Everything stored about you, as JSON")
    async def export(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        data = await export_member(self.bot.services, guild_id, interaction.user.id)
        document = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
        await respond(
            interaction,
            text(
                replies.exported(len(data["rounds"]), data["ended_anonymous_rounds_not_linkable"]),
                Attachment(replies.export_filename(guild_id), document),
            ),
            ephemeral=True,
        )

    @app_commands.command(name="forget", description="Delete everything stored about you here")
    async def forget(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        await interaction.response.send_message(
            replies.FORGET_ASKED,
            view=ForgetConfirmation(self.bot.services, guild_id, interaction.user.id),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


class ForgetConfirmation(discord.ui.View):
    """Two buttons for the member who asked; in memory only, it is a two-minute decision."""

    def __init__(self, services: Services, guild_id: int, member_id: int) -> None:
        super().__init__(timeout=CONFIRM_SECONDS)
        self.services = services
        self.guild_id = guild_id
        self.member_id = member_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.member_id

    @discord.ui.button(label="Forget me", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        await guarded(interaction, self._forget(interaction))

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        self.stop()
        await interaction.response.edit_message(
            content=replies.FORGET_CANCELLED, view=None, allowed_mentions=NO_MENTIONS
        )

    async def _forget(self, interaction: discord.Interaction) -> None:
        report = await forget_member(self.services, self.guild_id, self.member_id)
        self.stop()
        await interaction.response.edit_message(
            content=replies.forgotten(
                report.total, report.harvests_rewritten, report.ended_anonymous
            ),
            view=None,
            allowed_mentions=NO_MENTIONS,
        )

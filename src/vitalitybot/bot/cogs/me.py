"""``/me ...``: what a member controls about themselves. Every reply is ephemeral.

Pause and reminders change only what the bot sends the member; answering stays their
choice at any time. Export hands over everything that can be linked to them in this
server as JSON; forget deletes it (after a confirmation, because it cannot be undone).
Both say that ended anonymous rounds are out of reach (services/members.py).

The confirmation's buttons are dynamic items whose custom id names the member who
asked, registered when the cog loads: a member who reads it, and clicks after the bot
restarted, still gets their answer. Only that member can click them (the message is
theirs alone, and the button checks).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Literal, Self

import discord
from discord import app_commands
from discord.ext import commands

from vitalitybot.bot import replies
from vitalitybot.bot.base import bot_of
from vitalitybot.bot.checks import guild_id_of, place_of
from vitalitybot.bot.convert import NO_MENTIONS
from vitalitybot.bot.errors import guarded
from vitalitybot.bot.replies import respond, text
from vitalitybot.bot.views.common import static_view
from vitalitybot.render.message import Attachment
from vitalitybot.services import (
    export_member,
    find_community,
    forget_member,
    pause_member,
    resume_member,
    set_reminders,
)

if TYPE_CHECKING:
    from vitalitybot.bot.client import VitalityBot


@app_commands.guild_only()
class MeCog(commands.GroupCog, group_name="me", group_description="Your own settings and data"):
    def __init__(self, bot: VitalityBot) -> None:
        self.bot = bot
        super().__init__()

    async def _say(self, interaction: discord.Interaction, content: str) -> None:
        await respond(interaction, text(content), ephemeral=True)

    @app_commands.command(name="pause", description="No reminders or pings until you resume")
    async def pause(self, interaction: discord.Interaction) -> None:
        await pause_member(self.bot.services, await _here(interaction), interaction.user.id)
        await self._say(interaction, replies.PAUSED)

    @app_commands.command(name="resume", description="Hear about rounds again")
    async def resume(self, interaction: discord.Interaction) -> None:
        await resume_member(self.bot.services, await _here(interaction), interaction.user.id)
        await self._say(interaction, replies.RESUMED)

    @app_commands.command(name="reminders", description="Turn the mid-round reminder on or off")
    @app_commands.describe(state="on: one DM while a round you have not answered is open")
    async def reminders(
        self, interaction: discord.Interaction, state: Literal["on", "off"]
    ) -> None:
        on = state == "on"
        await set_reminders(self.bot.services, await _here(interaction), interaction.user.id, on)
        await self._say(interaction, replies.REMINDERS_ON if on else replies.REMINDERS_OFF)

    @app_commands.command(name="export", description="Everything stored about you, as JSON")
    async def export(self, interaction: discord.Interaction) -> None:
        guild_id = guild_id_of(interaction)
        data = await export_member(self.bot.services, await _here(interaction), interaction.user.id)
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
        await interaction.response.send_message(
            replies.FORGET_ASKED,
            view=forget_confirmation(interaction.user.id),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*FORGET_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*FORGET_ITEMS)


async def _here(interaction: discord.Interaction) -> int:
    """The community of the channel the command ran in, or the server's only one."""
    services = bot_of(interaction).services
    return (await find_community(services, place_of(interaction))).id


def forget_confirmation(member_id: int) -> discord.ui.View:
    """ "Forget me" and "Cancel", for the member who asked (module docstring)."""
    return static_view(ForgetButton(member_id), CancelForgetButton(member_id))


class _MembersButton:
    """Mixin for a button only the member named in its custom id may use: the mixin
    first, then ``DynamicItem[...]``, as ``RoundItem`` does for rounds."""

    member_id: int

    def __init__(self, member_id: int, label: str, style: discord.ButtonStyle, prefix: str) -> None:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label, style=style, custom_id=f"{prefix}:{member_id}"
        )
        super().__init__(button)  # type: ignore[call-arg]
        self.member_id = member_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["member_id"]))  # type: ignore[call-arg]

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.member_id


class ForgetButton(
    _MembersButton,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"vb:forget:(?P<member_id>[0-9]+)",
):
    def __init__(self, member_id: int) -> None:
        super().__init__(member_id, "Forget me", discord.ButtonStyle.danger, "vb:forget")

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, _forget(interaction, self.member_id))


class CancelForgetButton(
    _MembersButton,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"vb:forget-cancel:(?P<member_id>[0-9]+)",
):
    def __init__(self, member_id: int) -> None:
        super().__init__(member_id, "Cancel", discord.ButtonStyle.secondary, "vb:forget-cancel")

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(
            content=replies.FORGET_CANCELLED, view=None, allowed_mentions=NO_MENTIONS
        )


FORGET_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (ForgetButton, CancelForgetButton)


async def _forget(interaction: discord.Interaction, member_id: int) -> None:
    report = await forget_member(bot_of(interaction).services, await _here(interaction), member_id)
    await interaction.response.edit_message(
        content=replies.forgotten(report.total, report.harvests_rewritten, report.ended_anonymous),
        view=None,
        allowed_mentions=NO_MENTIONS,
    )

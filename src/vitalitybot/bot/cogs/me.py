"""``/me ...``: what a member controls about themselves. Every reply is ephemeral.

Pause and reminders change only what the bot sends the member; answering stays their
choice at any time. Export hands over everything that can be linked to them as JSON;
forget deletes it (after a confirmation, because it cannot be undone). Both say that
ended anonymous rounds are out of reach (services/members.py).

Every command acts on the community its ``community`` option names, or on all of the
server's communities when it is left out (``services.member_scope``), wherever it runs:
a member's settings and data are theirs across the server, not a channel's, and the
reply names the communities it acted on.

The confirmation's buttons are dynamic items whose custom id names the member who
asked and the community to forget (0: all of the server's), registered when the cog
loads: a member who reads it, and clicks after the bot restarted, still gets their
answer. A confirmation shown by an earlier version has no community in its id; it was
asked when a server held one community, so it means all of them. Only that member can
click them (the message is theirs alone, and the button checks).
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
from vitalitybot.bot.checks import community_option, guild_id_of
from vitalitybot.bot.convert import NO_MENTIONS
from vitalitybot.bot.errors import guarded
from vitalitybot.bot.replies import respond, text
from vitalitybot.bot.views.common import static_view
from vitalitybot.domain.records import Community
from vitalitybot.render.message import Attachment
from vitalitybot.services import (
    export_member_in,
    forget_member_in,
    member_scope,
    pause_member_in,
    resume_member_in,
    set_reminders_in,
)
from vitalitybot.services.member_export import ended_anonymous_exported, rounds_exported

if TYPE_CHECKING:
    from vitalitybot.bot.client import VitalityBot


ALL = 0  # the community id a forget button carries to mean all of the server's
SCOPE_DESCRIPTION = "Which community (default: all of this server's communities)"


@app_commands.guild_only()
class MeCog(commands.GroupCog, group_name="me", group_description="Your own settings and data"):
    def __init__(self, bot: VitalityBot) -> None:
        self.bot = bot
        super().__init__()

    async def _say(self, interaction: discord.Interaction, content: str) -> None:
        await respond(interaction, text(content), ephemeral=True)

    @app_commands.command(name="pause", description="No reminders or pings until you resume")
    @community_option(SCOPE_DESCRIPTION)
    async def pause(
        self, interaction: discord.Interaction, community_name: str | None = None
    ) -> None:
        scope = await _scope(interaction, community_name)
        await pause_member_in(self.bot.services, _ids(scope), interaction.user.id)
        await self._say(interaction, replies.paused(_where(scope, community_name)))

    @app_commands.command(name="resume", description="Hear about rounds again")
    @community_option(SCOPE_DESCRIPTION)
    async def resume(
        self, interaction: discord.Interaction, community_name: str | None = None
    ) -> None:
        scope = await _scope(interaction, community_name)
        await resume_member_in(self.bot.services, _ids(scope), interaction.user.id)
        await self._say(interaction, replies.resumed(_where(scope, community_name)))

    @app_commands.command(name="reminders", description="Turn the mid-round reminder on or off")
    @app_commands.describe(state="on: one DM while a round you have not answered is open")
    @community_option(SCOPE_DESCRIPTION)
    async def reminders(
        self,
        interaction: discord.Interaction,
        state: Literal["on", "off"],
        community_name: str | None = None,
    ) -> None:
        on = state == "on"
        scope = await _scope(interaction, community_name)
        await set_reminders_in(self.bot.services, _ids(scope), interaction.user.id, on)
        await self._say(interaction, replies.reminders_set(on, _where(scope, community_name)))

    @app_commands.command(name="export", description="Everything stored about you, as JSON")
    @community_option(SCOPE_DESCRIPTION)
    async def export(
        self, interaction: discord.Interaction, community_name: str | None = None
    ) -> None:
        scope = await _scope(interaction, community_name)
        data = await export_member_in(self.bot.services, _ids(scope), interaction.user.id)
        document = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
        content = replies.exported(
            rounds_exported(data), ended_anonymous_exported(data), _where(scope, community_name)
        )
        filename = replies.export_filename(guild_id_of(interaction))
        await respond(interaction, text(content, Attachment(filename, document)), ephemeral=True)

    @app_commands.command(name="forget", description="Delete everything stored about you")
    @community_option(SCOPE_DESCRIPTION)
    async def forget(
        self, interaction: discord.Interaction, community_name: str | None = None
    ) -> None:
        scope = await _scope(interaction, community_name)
        everywhere = _everywhere(community_name)
        several = everywhere and len(scope) > 1
        await interaction.response.send_message(
            replies.forget_asked(_where(scope, community_name), several=several),
            view=forget_confirmation(interaction.user.id, ALL if everywhere else scope[0].id),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*FORGET_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*FORGET_ITEMS)


async def _scope(interaction: discord.Interaction, name: str | None) -> list[Community]:
    """The communities the command acts on (module docstring)."""
    services = bot_of(interaction).services
    return await member_scope(services, guild_id_of(interaction), name)


def _ids(scope: list[Community]) -> list[int]:
    return [community.id for community in scope]


def _everywhere(name: str | None) -> bool:
    """Whether a command's ``community`` option was left out (``member_scope``: all)."""
    return name is None or not name.strip()


def _where(scope: list[Community], name: str | None) -> str:
    return replies.communities_named([c.name for c in scope], everywhere=_everywhere(name))


def forget_confirmation(member_id: int, community_id: int) -> discord.ui.View:
    """ "Forget me" and "Cancel", for the member who asked (module docstring)."""
    return static_view(ForgetButton(member_id, community_id), CancelForgetButton(member_id))


class _MembersButton:
    """Mixin for a button only the member named in its custom id may use: the mixin
    first, then ``DynamicItem[...]``, as ``RoundItem`` does for rounds."""

    member_id: int

    def __init__(
        self, member_id: int, label: str, style: discord.ButtonStyle, custom_id: str
    ) -> None:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label, style=style, custom_id=custom_id
        )
        super().__init__(button)  # type: ignore[call-arg]
        self.member_id = member_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.member_id


class ForgetButton(
    _MembersButton,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    # The community part is missing on confirmations shown by earlier versions.
    template=r"vb:forget:(?P<member_id>[0-9]+)(?::(?P<community_id>[0-9]+))?",
):
    def __init__(self, member_id: int, community_id: int) -> None:
        custom_id = f"vb:forget:{member_id}:{community_id}"
        super().__init__(member_id, "Forget me", discord.ButtonStyle.danger, custom_id)
        self.community_id = community_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["member_id"]), int(match["community_id"] or ALL))

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, _forget(interaction, self.member_id, self.community_id))


class CancelForgetButton(
    _MembersButton,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"vb:forget-cancel:(?P<member_id>[0-9]+)",
):
    def __init__(self, member_id: int) -> None:
        custom_id = f"vb:forget-cancel:{member_id}"
        super().__init__(member_id, "Cancel", discord.ButtonStyle.secondary, custom_id)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["member_id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(
            content=replies.FORGET_CANCELLED, view=None, allowed_mentions=NO_MENTIONS
        )


FORGET_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (ForgetButton, CancelForgetButton)


async def _forget(interaction: discord.Interaction, member_id: int, community_id: int) -> None:
    """Forget the member in the community the button names, or in all of the server's
    communities as they are at the click."""
    services = bot_of(interaction).services
    chosen = None if community_id == ALL else community_id
    scope = await member_scope(services, guild_id_of(interaction), community_id=chosen)
    report = await forget_member_in(services, _ids(scope), member_id)
    where = replies.communities_named([c.name for c in scope], everywhere=chosen is None)
    await interaction.response.edit_message(
        content=replies.forgotten(
            report.total, report.harvests_rewritten, report.ended_anonymous, where
        ),
        view=None,
        allowed_mentions=NO_MENTIONS,
    )

"""The "Skip this round" button: on the round's post and inside the survey flow."""

from __future__ import annotations

from collections.abc import Awaitable

import discord

from vitalitybot.bot.base import bot_of
from vitalitybot.bot.checks import guild_id_of
from vitalitybot.bot.convert import NO_MENTIONS
from vitalitybot.bot.views.common import is_ephemeral_message
from vitalitybot.bot.views.round_item import RoundItem
from vitalitybot.services import kind_name, skip_round

SKIP_LABEL = "Skip this round"


class SkipButton(
    RoundItem,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"vb:skip:(?P<round_id>[0-9]+)",
):
    def __init__(self, round_id: int, *, row: int | None = None) -> None:
        super().__init__(
            round_id,
            discord.ui.Button(
                label=SKIP_LABEL,
                style=discord.ButtonStyle.secondary,
                custom_id=f"vb:skip:{round_id}",
            ),
            row=row,
        )

    def act(self, interaction: discord.Interaction) -> Awaitable[None]:
        return skip(interaction, self.round_id)


async def skip(interaction: discord.Interaction, round_id: int) -> None:
    round_ = await skip_round(
        bot_of(interaction).services, guild_id_of(interaction), round_id, interaction.user.id
    )
    text = (
        f"Skipped: you will not be reminded about this {kind_name(round_.kind)}. "
        "Changed your mind? You can still answer until it closes."
    )
    if is_ephemeral_message(interaction):
        await interaction.response.edit_message(
            content=text, embed=None, view=None, allowed_mentions=NO_MENTIONS
        )
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

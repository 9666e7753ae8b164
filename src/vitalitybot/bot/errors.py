"""What a member sees when a command, a button or a form goes wrong.

Three kinds of failure, three answers, always ephemeral (only the member who acted sees
them, so a mistake never clutters the channel):

* a ``ServiceError`` is a refusal written for members ("This survey closed on ..."):
  shown as it is;
* a bad option (a value Discord let through but the bot cannot use) gets a sentence
  saying which option and why;
* anything else is a bug: logged with its traceback, the guild and the community it
  happened in, and the member gets a short apology rather than Discord's bare
  "The application did not respond".

``guarded`` applies the same treatment to buttons, selects and forms, whose exceptions
discord.py would otherwise only log.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import discord
from discord import app_commands

from vitalitybot.bot.convert import NO_MENTIONS
from vitalitybot.observability.logs import current_community
from vitalitybot.render.environment import md_escape
from vitalitybot.services import ServiceError

logger = logging.getLogger(__name__)

APOLOGY = (
    "Sorry, something went wrong on our side. It has been logged; please try again in a "
    "moment, and tell a coordinator if it keeps happening."
)
NOT_IN_DMS = "This command works inside a server, not in direct messages."


def explain(error: BaseException) -> str | None:
    """The member-readable text for an expected failure; None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        return explain(error.original)
    if isinstance(error, app_commands.TransformerError):
        if isinstance(error.__cause__, ServiceError):
            return error.__cause__.message
        return (
            f"{md_escape(str(error.value))} is not a {error.type.name.lower()} this command "
            "can use. Pick one of the suggestions, or check the spelling."
        )
    if isinstance(error, ServiceError):
        return error.message
    if isinstance(error, app_commands.NoPrivateMessage):
        return NOT_IN_DMS
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return f"You need the {needed} permission for this."
    if isinstance(error, app_commands.CheckFailure):
        if isinstance(error.__cause__, ServiceError):  # a refusal of checks.coordinator_only
            return error.__cause__.message
        return "You cannot use this command here."
    if isinstance(error, discord.Forbidden):
        return (
            "Discord did not let me do that here: I am missing a permission in this channel. "
            "A server admin can check my role's permissions."
        )
    return None


async def tell(interaction: discord.Interaction, text: str) -> None:
    """Say ``text`` to the member alone, whether or not the interaction was answered yet."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException:
        logger.warning("could not tell a member about an error (interaction %s)", interaction.id)


async def handle_error(interaction: discord.Interaction, error: BaseException) -> None:
    text = explain(error)
    if text is None:
        community = current_community()  # tagged by the check that found it, if any
        logger.error(
            "unexpected error in guild %s (community %s), interaction %s (%s)",
            interaction.guild_id,
            community,
            interaction.id,
            _what(interaction),
            exc_info=error,
        )
        text = APOLOGY
    await tell(interaction, text)


async def guarded(interaction: discord.Interaction, action: Awaitable[None]) -> None:
    """Run a component or form handler with the same error treatment as a command."""
    try:
        await action
    except Exception as error:
        await handle_error(interaction, error)


class VitalityTree(app_commands.CommandTree[discord.Client]):
    """The command tree, answering every failed command through ``handle_error``."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await handle_error(interaction, error)


def _what(interaction: discord.Interaction) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data: dict[str, Any] = dict(interaction.data or {})
    return str(data.get("custom_id", interaction.type.name))

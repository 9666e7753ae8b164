"""Answering a command with a rendered ``Message``, whether or not it was deferred."""

from __future__ import annotations

from dataclasses import replace

import discord

from vitalitybot.bot.convert import send_kwargs
from vitalitybot.render.message import Attachment, Message


def text(content: str, *files: Attachment) -> Message:
    return Message(content=content, files=tuple(files))


def with_notes(message: Message, notes: list[str]) -> Message:
    """The message with delivery problems the coordinator has not heard about yet."""
    if not notes:
        return message
    lines = "\n".join(f"- {note}" for note in notes)
    extra = f"**Since the last coordinator command, some posts failed:**\n{lines}"
    content = f"{message.content}\n\n{extra}" if message.content else extra
    return replace(message, content=content)


async def respond(interaction: discord.Interaction, message: Message, *, ephemeral: bool) -> None:
    kwargs = send_kwargs(message)
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs, ephemeral=ephemeral)
    else:
        await interaction.response.send_message(**kwargs, ephemeral=ephemeral)

"""``render.Message`` -> the keyword arguments discord.py's ``send`` methods take.

Every message the bot sends goes through ``send_kwargs``, so every one of them carries
``allowed_mentions=none`` (the bot's default says the same: two locks, because a post
quoting a member must never ping ``@everyone`` even if one call forgets its arguments).
Files are rebuilt on every call: a ``discord.File`` is a stream that one send consumes,
and the notifier resends after a 429 or a 5xx.
"""

from __future__ import annotations

import io
from typing import Any

import discord

from vitalitybot.render.message import (
    ATTACHMENT_DESCRIPTION_MAX,
    Attachment,
    Embed,
    Message,
    trim,
)

NO_MENTIONS = discord.AllowedMentions.none()
EMBED_COLOUR = 0x3B8F5A  # a green that reads as "alive" on both light and dark themes


def to_embed(embed: Embed) -> discord.Embed:
    made = discord.Embed(
        title=embed.title or None,
        description=embed.description or None,
        url=embed.url,
        colour=embed.colour if embed.colour is not None else EMBED_COLOUR,
    )
    for item in embed.fields:
        made.add_field(name=item.name, value=item.value, inline=item.inline)
    if embed.footer:
        made.set_footer(text=embed.footer)
    return made


def to_file(attachment: Attachment) -> discord.File:
    return discord.File(
        io.BytesIO(attachment.data),
        filename=attachment.filename,
        description=trim(attachment.description, ATTACHMENT_DESCRIPTION_MAX) or None,
    )


def send_kwargs(message: Message) -> dict[str, Any]:
    """Keyword arguments for ``Messageable.send``, ``InteractionResponse.send_message`` and
    ``Webhook.send`` alike; keys with nothing in them are left out."""
    fitted = message.fit()
    kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
    if fitted.content:
        kwargs["content"] = fitted.content
    if fitted.embeds:
        kwargs["embeds"] = [to_embed(e) for e in fitted.embeds]
    if fitted.files:
        kwargs["files"] = [to_file(a) for a in fitted.files]
    return kwargs

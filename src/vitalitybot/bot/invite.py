"""The link that adds the bot to a server, with the least it needs to do its job.

Scopes ``bot`` and ``applications.commands``. Permissions, each for a reason: View
Channel and Read Message History (see the channel it posts in), Send Messages and Embed
Links (rounds, results and suggestions are embeds), Attach Files (the harvest's Markdown,
the status chart), Create Public Threads and Send Messages in Threads (each round's
discussion thread). No Mention Everyone, no moderation, no administrator.
"""

from __future__ import annotations

import base64
import binascii

import discord

SCOPES = ("bot", "applications.commands")


def required_permissions() -> discord.Permissions:
    """What the bot needs in the channel it posts in; a new object, as Permissions mutate."""
    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        send_messages_in_threads=True,
        create_public_threads=True,
        embed_links=True,
        attach_files=True,
        read_message_history=True,
    )


def missing_in(channel: discord.abc.GuildChannel | discord.Thread) -> discord.Permissions:
    """What the bot lacks in ``channel`` of what it needs there (from the cached overwrites)."""
    return required_permissions() & ~channel.permissions_for(channel.guild.me)


def invite_url(client_id: int) -> str:
    return discord.utils.oauth_url(client_id, permissions=required_permissions(), scopes=SCOPES)


def client_id_from_token(token: str) -> int | None:
    """The application id a bot token starts with (base64 of the bot user's id), if any.

    A bot's user id is its application's id; reading it from the token saves a trip to
    the Developer Portal. Only the first segment is read; nothing is sent anywhere.
    """
    head = token.strip().split(".", 1)[0]
    try:
        decoded = base64.b64decode(head + "=" * (-len(head) % 4), validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(decoded) if decoded.isdigit() else None

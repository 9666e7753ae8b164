"""Permission bits and the guild-level arithmetic Discord applies (no channel overwrites)."""

from __future__ import annotations

CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38

ALL = (1 << 51) - 1

EVERYONE_DEFAULT = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS
)
"""Roughly what a fresh guild grants @everyone."""

BOT_DEFAULT = EVERYONE_DEFAULT | MANAGE_THREADS | MANAGE_MESSAGES | CREATE_PRIVATE_THREADS
"""What a bot invited with the usual scopes gets through its managed role."""

SENDING = SEND_MESSAGES | SEND_MESSAGES_IN_THREADS | ATTACH_FILES | EMBED_LINKS
"""Denied for the bot in a channel the tests forbid, so permissions_for() agrees with the 403."""


def combine(role_permissions: list[int], *, is_owner: bool, explicit: int | None) -> int:
    """Guild-level permissions of a member: owner and administrator imply everything.

    An explicit value replaces what the roles grant: a test states exactly what a member may do.
    """
    if is_owner:
        return ALL
    value = 0
    if explicit is not None:
        value = explicit
    else:
        for bits in role_permissions:
            value |= bits
    return ALL if value & ADMINISTRATOR else value

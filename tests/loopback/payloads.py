"""Records -> the JSON shapes Discord sends.

Keys Discord may omit are left out instead of sent as null: discord.py reads many of them with
``data.get(key, default)`` and would choke on an explicit None, but a few (a user's ``avatar``,
a thread's ``owner_id``) are read with ``data[key]`` and must be present.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import permissions as perms
from .records import (
    DM,
    ChannelRecord,
    GuildRecord,
    MemberRecord,
    MessageRecord,
    RoleRecord,
    UserRecord,
)

if TYPE_CHECKING:
    from .state import LoopbackState

Json = dict[str, Any]


def user(record: UserRecord) -> Json:
    payload: Json = {
        "id": str(record.id),
        "username": record.name,
        "discriminator": "0",
        "global_name": record.name,
        "avatar": None,
        "public_flags": 0,
    }
    if record.bot:
        payload["bot"] = True
    return payload


def role(record: RoleRecord) -> Json:
    payload: Json = {
        "id": str(record.id),
        "name": record.name,
        "permissions": str(record.permissions),
        "position": record.position,
        "color": 0,
        "colors": {"primary_color": 0},
        "hoist": False,
        "managed": record.managed,
        "mentionable": record.mentionable,
        "flags": 0,
    }
    return payload


def _overwrites(state: LoopbackState, record: ChannelRecord) -> list[Json]:
    if record.id not in state.forbidden_channels:
        return []
    deny = str(perms.SENDING)
    return [{"id": str(state.bot.id), "type": 1, "allow": "0", "deny": deny}]


def channel(state: LoopbackState, record: ChannelRecord) -> Json:
    if record.type == DM:
        return {
            "id": str(record.id),
            "type": DM,
            "recipients": [user(state.users[uid]) for uid in record.recipient_ids],
            "flags": 0,
        }
    payload: Json = {
        "id": str(record.id),
        "type": record.type,
        "name": record.name,
        "guild_id": str(record.guild_id),
        "flags": 0,
        "rate_limit_per_user": 0,
    }
    if record.parent_id is not None:
        payload["parent_id"] = str(record.parent_id)
    if record.is_thread:
        payload.update(
            owner_id=str(record.owner_id),
            message_count=record.message_count,
            total_message_sent=record.message_count,
            member_count=1,
            thread_metadata={
                "archived": record.archived,
                "auto_archive_duration": record.auto_archive_duration,
                "archive_timestamp": record.created_at,
                "locked": False,
                "create_timestamp": record.created_at,
            },
        )
        return payload
    payload.update(
        position=record.position, nsfw=False, permission_overwrites=_overwrites(state, record)
    )
    if record.topic is not None:
        payload["topic"] = record.topic
    return payload


def member(record: MemberRecord, *, with_user: bool = True, permissions: int | None = None) -> Json:
    payload: Json = {
        "roles": [str(rid) for rid in record.role_ids],
        "joined_at": record.joined_at,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
    }
    if with_user:
        payload["user"] = user(record.user)
    if record.nick is not None:
        payload["nick"] = record.nick
    if permissions is not None:
        payload["permissions"] = str(permissions)
    return payload


def attachment_url(state: LoopbackState, channel_id: int, attachment_id: int, filename: str) -> str:
    return f"{state.base_url}/attachments/{channel_id}/{attachment_id}/{filename}"


def message(state: LoopbackState, record: MessageRecord) -> Json:
    payload: Json = {
        "id": str(record.id),
        "channel_id": str(record.channel_id),
        "author": user(record.author),
        "content": record.content,
        "timestamp": record.timestamp,
        "tts": record.tts,
        "mention_everyone": record.pings.everyone,
        "mentions": [user(state.users[uid]) for uid in record.pings.users if uid in state.users],
        "mention_roles": [str(rid) for rid in record.pings.roles],
        "attachments": [
            {
                "id": str(item.id),
                "filename": item.filename,
                "size": len(item.data),
                "url": attachment_url(state, record.channel_id, item.id, item.filename),
                "proxy_url": attachment_url(state, record.channel_id, item.id, item.filename),
                **({"content_type": item.content_type} if item.content_type else {}),
                **({"description": item.description} if item.description else {}),
            }
            for item in record.attachments
        ],
        "embeds": record.embeds,
        "components": record.components,
        "pinned": False,
        "type": record.type,
        "flags": record.flags,
    }
    if record.guild_id is not None:
        payload["guild_id"] = str(record.guild_id)
    if record.edited_timestamp is not None:
        payload["edited_timestamp"] = record.edited_timestamp
    if record.webhook_id is not None:
        payload["webhook_id"] = str(record.webhook_id)
    if record.application_id is not None:
        payload["application_id"] = str(record.application_id)
    if record.message_reference is not None:
        payload["message_reference"] = record.message_reference
    interaction = state.interactions.get(record.interaction_id or 0)
    if interaction is not None:
        metadata: Json = {
            "id": str(interaction.id),
            "type": interaction.type,
            "user": user(interaction.user),
            "authorizing_integration_owners": {},
        }
        if interaction.message_id is not None:
            metadata["interacted_message_id"] = str(interaction.message_id)
        payload["interaction_metadata"] = metadata
    if record.thread_id is not None and record.thread_id in state.channels:
        payload["thread"] = channel(state, state.channels[record.thread_id])
    return payload


def guild(state: LoopbackState, record: GuildRecord, *, all_members: bool) -> Json:
    """GUILD_CREATE's payload: everything a bot caches about a guild when it becomes available."""
    channels = [state.channels[cid] for cid in record.channel_ids]
    member_ids = record.member_ids if all_members else [state.bot.id]
    return {
        "id": str(record.id),
        "name": record.name,
        "owner_id": str(record.owner_id),
        "unavailable": False,
        "large": False,
        "member_count": len(record.member_ids),
        "joined_at": record.joined_at,
        "preferred_locale": "en-US",
        "features": [],
        "emojis": [],
        "stickers": [],
        "roles": [role(state.roles[rid]) for rid in record.role_ids],
        "channels": [channel(state, c) for c in channels if not c.is_thread],
        "threads": [channel(state, c) for c in channels if c.is_thread],
        "members": [member(state.members[(record.id, uid)]) for uid in member_ids],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "system_channel_flags": 0,
    }

"""Build and dispatch INTERACTION_CREATE the way a Discord client causes it to be sent."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from . import payloads
from .interactions import InteractionRecord
from .records import DM, Event, UserRecord

if TYPE_CHECKING:
    from .state import LoopbackState

Json = dict[str, Any]

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
GUILD_CONTEXT, BOT_DM_CONTEXT = 0, 1


def _channel_payload(state: LoopbackState, user: UserRecord, channel_id: int) -> Json:
    channel = state.channel(channel_id)
    payload = payloads.channel(state, channel)
    if channel.guild_id is not None:
        payload["permissions"] = str(state.member_permissions(channel.guild_id, user.id))
    return payload


def dispatch(
    state: LoopbackState,
    *,
    kind: int,
    user: UserRecord,
    channel_id: int,
    data: Json,
    label: str,
    message_id: int | None = None,
) -> InteractionRecord:
    """Record an interaction and emit it; INTERACTION_CREATE needs no intent."""
    channel = state.channel(channel_id)
    guild_id = channel.guild_id
    interaction_id = state.ids.next()
    token = f"aW50ZXJhY3Rpb24-{interaction_id}-{secrets.token_urlsafe(24)}"
    payload: Json = {
        "id": str(interaction_id),
        "application_id": str(state.application_id),
        "type": kind,
        "data": data,
        "token": token,
        "version": 1,
        "channel_id": str(channel_id),
        "channel": _channel_payload(state, user, channel_id),
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if guild_id is not None:
        member = state.member(guild_id, user.id)
        payload.update(
            guild_id=str(guild_id),
            guild={"id": str(guild_id), "locale": "en-US", "features": []},
            guild_locale="en-US",
            member=payloads.member(member, permissions=state.member_permissions(guild_id, user.id)),
            app_permissions=str(state.app_permissions(guild_id, channel_id)),
            authorizing_integration_owners={"0": str(guild_id)},
            context=GUILD_CONTEXT,
        )
    else:
        payload.update(user=payloads.user(user), context=BOT_DM_CONTEXT)
        if channel.type != DM:
            raise ValueError("an interaction outside a guild must happen in a DM")
    if message_id is not None:
        message = state.messages[message_id]
        payload["message"] = payloads.message(state, message)
    record = InteractionRecord(
        id=interaction_id,
        token=token,
        type=kind,
        payload=payload,
        user=user,
        channel_id=channel_id,
        guild_id=guild_id,
        label=label,
        message_id=message_id,
    )
    state.interactions[interaction_id] = record
    state.emit(Event("INTERACTION_CREATE", payload, intent=None))
    state.touch()
    return record

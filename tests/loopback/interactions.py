"""Interactions the server dispatched, and how the bot's answers to them are applied.

Covers the callback endpoint (types 4-9), follow-ups and the @original message. The rules are
Discord's: one callback per interaction, the first follow-up after a deferred reply (type 5)
fills the loading message, and @original after a component update is the clicked message.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import payloads
from .errors import (
    ALREADY_ACKNOWLEDGED,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    ApiError,
    FormErrors,
    not_found,
)
from .records import EPHEMERAL, LOADING, Attachment, MessageRecord, Upload, UserRecord

if TYPE_CHECKING:
    from .state import LoopbackState

Json = dict[str, Any]

APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE, AUTOCOMPLETE_RESULT, MODAL = 4, 5, 6, 7, 8, 9

ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {MESSAGE, DEFERRED_MESSAGE, MODAL},
    COMPONENT: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE},
}
MODAL_TITLE_MAX = 45
CHOICE_TEXT_MAX = 100


@dataclass
class Callback:
    """One answer the bot posted to /interactions/{id}/{token}/callback."""

    type: int
    data: Json
    attachments: list[Attachment] = field(default_factory=list)
    received_at: float = field(default_factory=time.time)
    """Wall-clock time the callback request reached the server (benchmarks time acks)."""

    @property
    def content(self) -> str:
        return str(self.data.get("content") or "")

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def choices(self) -> list[Json]:
        return list(self.data.get("choices") or [])


@dataclass
class Modal:
    """A modal the bot opened (callback type 9), with what a user can fill in."""

    custom_id: str
    title: str
    components: list[Json]

    def fields(self) -> dict[str, Json]:
        """Every input a user can fill, by custom_id: text inputs and selects, wrapped or not."""
        found: dict[str, Json] = {}

        def walk(items: list[Json]) -> None:
            for item in items:
                if "custom_id" in item and item.get("type") != 2:
                    found[item["custom_id"]] = item
                walk(item.get("components") or [])
                if isinstance(item.get("component"), dict):
                    walk([item["component"]])

        walk(self.components)
        return found


@dataclass
class InteractionRecord:
    id: int
    token: str
    type: int
    payload: Json
    user: UserRecord
    channel_id: int
    guild_id: int | None
    label: str
    """How a person would describe what they did: "/vitality setup", "click vote:yes"."""
    message_id: int | None = None
    """For component interactions (and modals opened from one): the message clicked."""
    callbacks: list[Callback] = field(default_factory=list)
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    modal: Modal | None = None
    dispatched_at: float = field(default_factory=time.time)
    """Wall-clock time the server recorded the interaction and queued INTERACTION_CREATE."""

    @property
    def responded(self) -> bool:
        return bool(self.callbacks)

    @property
    def ack_seconds(self) -> float | None:
        """From dispatching INTERACTION_CREATE to receiving the bot's first callback."""
        if not self.callbacks:
            return None
        return self.callbacks[0].received_at - self.dispatched_at


def find(state: LoopbackState, interaction_id: int, token: str) -> InteractionRecord:
    record = state.interactions.get(interaction_id)
    if record is None or record.token != token:
        raise not_found("interaction", UNKNOWN_INTERACTION)
    return record


def by_token(state: LoopbackState, application_id: int, token: str) -> InteractionRecord:
    if application_id != state.application_id:
        raise not_found("Webhook", UNKNOWN_WEBHOOK)
    for record in state.interactions.values():
        if record.token == token:
            return record
    raise not_found("Webhook", UNKNOWN_WEBHOOK)


def _check_modal(data: Json) -> Modal:
    errors = FormErrors()
    if not 1 <= len(str(data.get("title") or "")) <= MODAL_TITLE_MAX:
        errors.add(["data", "title"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 45 in length.")
    if not 1 <= len(data.get("components") or []) <= 5:
        errors.add(["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5.")
    if not data.get("custom_id"):
        errors.add(["data", "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
    errors.raise_if_any()
    return Modal(str(data["custom_id"]), str(data["title"]), list(data["components"]))


def _check_choices(data: Json) -> None:
    errors = FormErrors()
    choices = data.get("choices") or []
    if len(choices) > 25:
        errors.add(["data", "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for index, choice in enumerate(choices):
        if not 1 <= len(str(choice.get("name") or "")) <= CHOICE_TEXT_MAX:
            errors.add(["data", "choices", index, "name"], "BASE_TYPE_BAD_LENGTH", "1 to 100.")
        if "value" not in choice:
            errors.add(["data", "choices", index, "value"], "BASE_TYPE_REQUIRED", "Required.")
    errors.raise_if_any()


def _message_type(record: InteractionRecord) -> int:
    return 20 if record.type == APPLICATION_COMMAND else 0


def respond(
    state: LoopbackState,
    record: InteractionRecord,
    body: Json,
    uploads: list[Upload],
    *,
    received_at: float | None = None,
) -> Json:
    """Apply one callback and answer as ``?with_response=1`` does: interaction + resource.

    ``received_at`` is when the callback request arrived (now, when not given).
    """
    if record.responded:
        raise ApiError(400, "Interaction has already been acknowledged.", ALREADY_ACKNOWLEDGED)
    kind = int(body.get("type", 0))
    data: Json = body.get("data") or {}
    if kind not in ALLOWED_CALLBACKS[record.type] or (
        kind in (UPDATE, DEFERRED_UPDATE) and record.message_id is None
    ):
        errors = FormErrors()
        errors.add(["type"], "INTERACTION_RESPONSE_TYPE_INVALID", f"Callback {kind} not allowed.")
        errors.raise_if_any()
    info: Json = {"id": str(record.id), "type": record.type}
    answer: Json = {"interaction": info}
    message: MessageRecord | None = None
    if kind in (MESSAGE, DEFERRED_MESSAGE):
        deferred = kind == DEFERRED_MESSAGE
        message = state.create_message(
            record.channel_id,
            state.bot,
            {"content": "", "flags": data.get("flags", 0)} if deferred else data,
            [] if deferred else uploads,
            kind=_message_type(record),
            extra_flags=LOADING if deferred else 0,
            interaction_id=record.id,
            webhook_id=state.application_id,
            validate=not deferred,
        )
        record.original_id = message.id
        info.update(
            response_message_id=str(message.id),
            response_message_loading=deferred,
            response_message_ephemeral=message.ephemeral,
        )
    elif kind in (UPDATE, DEFERRED_UPDATE):
        message = state.message(record.channel_id, record.message_id or 0)
        if kind == UPDATE:
            state.edit_message(message, data, uploads)
        record.original_id = message.id
        info.update(response_message_id=str(message.id))
    elif kind == AUTOCOMPLETE_RESULT:
        _check_choices(data)
    elif kind == MODAL:
        record.modal = _check_modal(data)
    resource: Json = {"type": kind}
    if kind in (MESSAGE, UPDATE):  # Discord returns the message for these two only
        assert message is not None
        resource["message"] = payloads.message(state, message)
    answer["resource"] = resource
    attachments = list(message.attachments) if message is not None and uploads else []
    arrived = time.time() if received_at is None else received_at
    record.callbacks.append(Callback(kind, data, attachments, received_at=arrived))
    state.touch()
    return answer


def original(state: LoopbackState, record: InteractionRecord) -> MessageRecord:
    message = state.messages.get(record.original_id or 0)
    if message is None or message.deleted:
        raise not_found("Message", UNKNOWN_MESSAGE)
    return message


def edit_original(
    state: LoopbackState, record: InteractionRecord, body: Json, uploads: list[Upload]
) -> MessageRecord:
    return state.edit_message(original(state, record), body, uploads, clear_flags=LOADING)


def followup(
    state: LoopbackState, record: InteractionRecord, body: Json, uploads: list[Upload]
) -> MessageRecord:
    """Post a follow-up; after a deferred reply, the first one fills the loading message."""
    if not record.responded:
        raise not_found("Webhook", UNKNOWN_WEBHOOK)
    pending = state.messages.get(record.original_id or 0)
    if pending is not None and pending.loading and not pending.deleted:
        message = state.edit_message(pending, body, uploads, clear_flags=LOADING)
    else:
        message = state.create_message(
            record.channel_id,
            state.bot,
            body,
            uploads,
            interaction_id=record.id,
            webhook_id=state.application_id,
        )
    record.followup_ids.append(message.id)
    state.touch()
    return message


def own_message(state: LoopbackState, record: InteractionRecord, message_id: int) -> MessageRecord:
    """A follow-up or the original: the only messages an interaction token may touch."""
    if message_id not in (*record.followup_ids, record.original_id):
        raise not_found("Message", UNKNOWN_MESSAGE)
    message = state.messages.get(message_id)
    if message is None or message.deleted:
        raise not_found("Message", UNKNOWN_MESSAGE)
    return message

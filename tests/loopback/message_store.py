"""The messages of the loopback world: created, edited and deleted as Discord would, each
change announced over the gateway.

A part of ``LoopbackState`` (state.py), which holds the channels, members and message
tables these methods work on.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from . import intents, mentions, payloads
from .records import (
    DM,
    EPHEMERAL,
    LOADING,
    Attachment,
    ChannelRecord,
    Event,
    MemberRecord,
    MessageRecord,
    Upload,
    UserRecord,
    now_iso,
)
from .validation import check_message

if TYPE_CHECKING:
    from .snowflake import Snowflakes
    from .state import LoopbackState

Json = dict[str, Any]

MESSAGE_FIELDS = ("content", "embeds", "components", "flags", "tts", "allowed_mentions")


class MessageStore:
    """Messages: what ``LoopbackState`` provides for them is declared here."""

    ids: Snowflakes
    bot: UserRecord
    channels: dict[int, ChannelRecord]
    members: dict[tuple[int, int], MemberRecord]
    messages: dict[int, MessageRecord]
    files: dict[int, tuple[int, Attachment]]
    emit: Callable[[Event], None]
    channel: Callable[[int], ChannelRecord]
    touch: Callable[[], None]

    @property
    def application_id(self) -> int:
        """Like most bots, the application shares its id with its bot user."""
        return self.bot.id

    def messages_in(
        self, channel_id: int, *, include_ephemeral: bool = False
    ) -> list[MessageRecord]:
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id
            and not m.deleted
            and (include_ephemeral or not m.ephemeral)
        ]

    def _attachments(
        self, metadata: list[Json] | None, uploads: list[Upload], current: list[Attachment]
    ) -> list[Attachment]:
        """Attachments after a create or edit.

        ``metadata`` is the body's ``attachments`` list (None when the key was absent): an entry
        whose id is an existing attachment keeps it, one whose id is a file index describes that
        upload. Absent metadata keeps everything and appends the uploads, as Discord does.
        """
        described = {str(item.get("id")): item for item in metadata or []}
        kept = list(current) if metadata is None else [a for a in current if str(a.id) in described]
        for upload in uploads:
            info = described.get(str(upload.index), {})
            filename = info.get("filename") or upload.filename
            kind = mimetypes.guess_type(filename)[0]
            kept.append(
                Attachment(self.ids.next(), filename, upload.data, kind, info.get("description"))
            )
        return kept

    def _remember_files(self, record: MessageRecord) -> None:
        for attachment in record.attachments:
            self.files[attachment.id] = (record.channel_id, attachment)

    def _private_content(self, record: MessageRecord) -> bool:
        """Discord shows content without the intent only for DMs, own messages and mentions."""
        channel = self.channels[record.channel_id]
        mentioned = f"<@{self.bot.id}>" in record.content or f"<@!{self.bot.id}>" in record.content
        return not (channel.type == DM or record.author.id == self.bot.id or mentioned)

    def _message_event(self, name: str, record: MessageRecord) -> None:
        if record.ephemeral:
            return
        # Only ever a LoopbackState: this class is the messages part of it.
        payload = payloads.message(cast("LoopbackState", self), record)
        if record.guild_id is not None and (record.guild_id, record.author.id) in self.members:
            payload["member"] = payloads.member(
                self.members[(record.guild_id, record.author.id)], with_user=False
            )
        guild_channel = record.guild_id is not None
        intent = intents.GUILD_MESSAGES if guild_channel else intents.DIRECT_MESSAGES
        self.emit(Event(name, payload, intent, private_content=self._private_content(record)))

    def create_message(
        self,
        channel_id: int,
        author: UserRecord,
        body: Json,
        uploads: list[Upload] | None = None,
        *,
        kind: int = 0,
        extra_flags: int = 0,
        interaction_id: int | None = None,
        webhook_id: int | None = None,
        validate: bool = True,
    ) -> MessageRecord:
        uploads = uploads or []
        channel = self.channel(channel_id)
        if validate:
            check_message(body, has_files=bool(uploads), creating=True)
        reference = body.get("message_reference")
        replied = None
        if reference and reference.get("message_id"):
            target = self.messages.get(int(reference["message_id"]))
            replied = target.author.id if target is not None else None
            kind = 19 if kind == 0 else kind
        content = body.get("content") or ""
        allowed = body.get("allowed_mentions")
        record = MessageRecord(
            id=self.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author,
            content=content,
            embeds=list(body.get("embeds") or []),
            components=list(body.get("components") or []),
            attachments=self._attachments(body.get("attachments"), uploads, []),
            allowed_mentions=allowed,
            pings=mentions.compute(content, allowed, replied_user=replied),
            flags=int(body.get("flags") or 0) | extra_flags,
            type=kind,
            tts=bool(body.get("tts")),
            message_reference=reference,
            interaction_id=interaction_id,
            webhook_id=webhook_id,
            application_id=self.application_id if webhook_id is not None else None,
        )
        self.messages[record.id] = record
        self._remember_files(record)
        if channel.is_thread:
            channel.message_count += 1
        self._message_event("MESSAGE_CREATE", record)
        self.touch()
        return record

    def edit_message(
        self,
        record: MessageRecord,
        body: Json,
        uploads: list[Upload] | None = None,
        *,
        clear_flags: int = 0,
    ) -> MessageRecord:
        uploads = uploads or []
        check_message(body, has_files=bool(uploads), creating=False)
        for key in MESSAGE_FIELDS:
            if key not in body:
                continue
            value = body[key]
            if key == "flags":
                # Only presentation flags (e.g. suppress embeds) change; ephemeral/loading stay.
                record.flags = (record.flags & (EPHEMERAL | LOADING)) | int(value or 0)
            elif key in ("embeds", "components"):
                setattr(record, key, list(value or []))
            else:
                setattr(
                    record, key, value if value is not None else "" if key == "content" else None
                )
        if "attachments" in body or uploads:
            record.attachments = self._attachments(
                body.get("attachments"), uploads, record.attachments
            )
        self._remember_files(record)
        record.flags &= ~clear_flags
        record.pings = mentions.compute(record.content, record.allowed_mentions)
        record.edited_timestamp = now_iso()
        record.edits.append(body)
        self._message_event("MESSAGE_UPDATE", record)
        self.touch()
        return record

    def delete_message(self, record: MessageRecord) -> None:
        record.deleted = True
        if not record.ephemeral:
            payload: Json = {"id": str(record.id), "channel_id": str(record.channel_id)}
            if record.guild_id is not None:
                payload["guild_id"] = str(record.guild_id)
            intent = intents.GUILD_MESSAGES if record.guild_id else intents.DIRECT_MESSAGES
            self.emit(Event("MESSAGE_DELETE", payload, intent))
        self.touch()

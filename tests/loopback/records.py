"""What the loopback server remembers: plain records that tests read and assert on.

They hold data as Discord would store it; turning them into wire payloads is payloads.py's job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from . import intents

EPHEMERAL = 1 << 6
LOADING = 1 << 7
COMPONENTS_V2 = 1 << 15

TEXT, DM, VOICE, CATEGORY, NEWS = 0, 1, 2, 4, 5
PUBLIC_THREAD, PRIVATE_THREAD = 11, 12
THREAD_TYPES = frozenset({10, PUBLIC_THREAD, PRIVATE_THREAD})


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass
class UserRecord:
    id: int
    name: str
    bot: bool = False


@dataclass
class RoleRecord:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    mentionable: bool = False
    managed: bool = False

    @property
    def is_everyone(self) -> bool:
        return self.id == self.guild_id


@dataclass
class ChannelRecord:
    id: int
    type: int
    name: str | None
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    owner_id: int | None = None
    recipient_ids: list[int] = field(default_factory=list)
    message_count: int = 0
    archived: bool = False
    auto_archive_duration: int = 1440
    created_at: str = field(default_factory=now_iso)

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES


@dataclass
class MemberRecord:
    user: UserRecord
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None
    permissions: int | None = None
    """An explicit permission set for this member, overriding what its roles grant."""
    joined_at: str = field(default_factory=now_iso)

    @property
    def id(self) -> int:
        return self.user.id


@dataclass
class Attachment:
    id: int
    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


@dataclass
class Pings:
    """Who the message actually notifies once allowed_mentions has been applied."""

    users: list[int] = field(default_factory=list)
    roles: list[int] = field(default_factory=list)
    everyone: bool = False

    @property
    def anyone(self) -> bool:
        return bool(self.users or self.roles or self.everyone)


@dataclass
class MessageRecord:
    id: int
    channel_id: int
    author: UserRecord
    content: str = ""
    guild_id: int | None = None
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    allowed_mentions: dict[str, Any] | None = None
    """As the bot sent it; None when the request carried no allowed_mentions at all."""
    pings: Pings = field(default_factory=Pings)
    flags: int = 0
    type: int = 0
    tts: bool = False
    timestamp: str = field(default_factory=now_iso)
    edited_timestamp: str | None = None
    message_reference: dict[str, Any] | None = None
    interaction_id: int | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    thread_id: int | None = None
    deleted: bool = False
    edits: list[dict[str, Any]] = field(default_factory=list)
    """Each PATCH body (or callback data) applied after creation, in order."""

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    def iter_components(self) -> list[dict[str, Any]]:
        """Every component, depth first: rows, containers, sections and their children."""
        found: list[dict[str, Any]] = []

        def walk(items: list[dict[str, Any]]) -> None:
            for item in items:
                found.append(item)
                walk(item.get("components", []))
                for key in ("accessory", "component"):
                    if isinstance(item.get(key), dict):
                        walk([item[key]])

        walk(self.components)
        return found

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.iter_components() if "custom_id" in c]

    def component(self, custom_id: str) -> dict[str, Any] | None:
        return next((c for c in self.iter_components() if c.get("custom_id") == custom_id), None)

    def attachment(self, filename: str) -> Attachment | None:
        return next((a for a in self.attachments if a.filename == filename), None)


@dataclass
class GuildRecord:
    id: int
    name: str
    owner_id: int
    role_ids: list[int] = field(default_factory=list)
    channel_ids: list[int] = field(default_factory=list)
    member_ids: list[int] = field(default_factory=list)
    bot_role_id: int | None = None
    joined_at: str = field(default_factory=now_iso)


@dataclass
class Event:
    """A gateway dispatch before per-session filtering."""

    name: str
    payload: dict[str, Any]
    intent: int | None = intents.GUILDS
    private_content: bool = False
    """MESSAGE_CREATE/UPDATE whose content needs the message_content intent to be seen."""


@dataclass
class Upload:
    """A file part of a multipart request: ``files[index]``."""

    index: int
    filename: str
    data: bytes

"""The loopback world: users, guilds, channels, roles, members, messages and synced commands.

Every change that Discord would announce over the gateway is emitted as an Event; the gateway
decides which sessions receive it. Every change also pokes ``changed`` so tests can wait on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import intents, payloads
from . import permissions as perms
from .errors import (
    CANNOT_DM_USER,
    UNKNOWN_CHANNEL,
    UNKNOWN_GUILD,
    UNKNOWN_MEMBER,
    UNKNOWN_MESSAGE,
    UNKNOWN_USER,
    ApiError,
    not_found,
)
from .message_store import MessageStore
from .records import (
    CATEGORY,
    DM,
    PUBLIC_THREAD,
    Attachment,
    ChannelRecord,
    Event,
    GuildRecord,
    MemberRecord,
    MessageRecord,
    RoleRecord,
    UserRecord,
)
from .snowflake import Snowflakes
from .validation import check_commands
from .waiting import Signal

if TYPE_CHECKING:
    from .interactions import InteractionRecord

Json = dict[str, Any]


@dataclass
class LoopbackState(MessageStore):
    base_url: str = "http://127.0.0.1"
    bot_name: str = "VitalityBot"
    ids: Snowflakes = field(default_factory=Snowflakes)
    users: dict[int, UserRecord] = field(default_factory=dict)
    guilds: dict[int, GuildRecord] = field(default_factory=dict)
    roles: dict[int, RoleRecord] = field(default_factory=dict)
    channels: dict[int, ChannelRecord] = field(default_factory=dict)
    members: dict[tuple[int, int], MemberRecord] = field(default_factory=dict)
    messages: dict[int, MessageRecord] = field(default_factory=dict)
    commands: dict[int | None, list[Json]] = field(default_factory=dict)
    """Synced application commands: key None for global, else the guild id."""
    command_syncs: list[tuple[int | None, list[str]]] = field(default_factory=list)
    interactions: dict[int, InteractionRecord] = field(default_factory=dict)
    files: dict[int, tuple[int, Attachment]] = field(default_factory=dict)
    """Uploaded attachments by id, with their channel, for the CDN-like download route."""
    forbidden_channels: set[int] = field(default_factory=set)
    dm_blocked_users: set[int] = field(default_factory=set)
    nonces: dict[tuple[int, str], int] = field(default_factory=dict)
    """Message ids by (author id, nonce), for posts sent with ``enforce_nonce``."""
    changed: Signal = field(default_factory=Signal)
    emit: Callable[[Event], None] = lambda event: None

    def __post_init__(self) -> None:
        self.bot = self.add_user(self.bot_name, bot=True)

    def touch(self) -> None:
        self.changed.notify()

    # -- users, guilds, channels, roles, members -------------------------------------------------

    def add_user(self, name: str, *, bot: bool = False) -> UserRecord:
        record = UserRecord(self.ids.next(), name, bot)
        self.users[record.id] = record
        return record

    def user(self, user_id: int) -> UserRecord:
        try:
            return self.users[user_id]
        except KeyError:
            raise not_found("User", UNKNOWN_USER) from None

    def guild(self, guild_id: int) -> GuildRecord:
        try:
            return self.guilds[guild_id]
        except KeyError:
            raise not_found("Guild", UNKNOWN_GUILD) from None

    def channel(self, channel_id: int) -> ChannelRecord:
        try:
            return self.channels[channel_id]
        except KeyError:
            raise not_found("Channel", UNKNOWN_CHANNEL) from None

    def member(self, guild_id: int, user_id: int) -> MemberRecord:
        try:
            return self.members[(guild_id, user_id)]
        except KeyError:
            raise not_found("Member", UNKNOWN_MEMBER) from None

    def message(self, channel_id: int, message_id: int) -> MessageRecord:
        record = self.messages.get(message_id)
        if record is None or record.deleted or record.channel_id != channel_id:
            raise not_found("Message", UNKNOWN_MESSAGE)
        return record

    def add_guild(self, name: str, owner: UserRecord) -> GuildRecord:
        """A guild as Discord creates it: @everyone, a #general channel, the owner and the bot."""
        guild = GuildRecord(self.ids.next(), name, owner.id)
        self.guilds[guild.id] = guild
        everyone = RoleRecord(guild.id, guild.id, "@everyone", perms.EVERYONE_DEFAULT)
        self.roles[everyone.id] = everyone
        guild.role_ids.append(everyone.id)
        bot_role = self._new_role(guild, self.bot.name, perms.BOT_DEFAULT, managed=True)
        guild.bot_role_id = bot_role.id
        self._new_channel(guild, "general", 0, None, None)
        self._new_member(guild, owner, [], None)
        self._new_member(guild, self.bot, [bot_role.id], None)
        self.emit(Event("GUILD_CREATE", self.guild_payload(guild, all_members=True)))
        self.touch()
        return guild

    def guild_payload(self, guild: GuildRecord, *, all_members: bool) -> Json:
        return payloads.guild(self, guild, all_members=all_members)

    def _new_role(
        self, guild: GuildRecord, name: str, permissions: int, *, managed: bool = False
    ) -> RoleRecord:
        role = RoleRecord(
            self.ids.next(), guild.id, name, permissions, len(guild.role_ids), managed=managed
        )
        self.roles[role.id] = role
        guild.role_ids.append(role.id)
        return role

    def _new_channel(
        self, guild: GuildRecord, name: str, kind: int, parent_id: int | None, topic: str | None
    ) -> ChannelRecord:
        position = sum(1 for cid in guild.channel_ids if self.channels[cid].type == kind)
        record = ChannelRecord(
            self.ids.next(), kind, name, guild.id, position, parent_id=parent_id, topic=topic
        )
        self.channels[record.id] = record
        guild.channel_ids.append(record.id)
        return record

    def _new_member(
        self, guild: GuildRecord, user: UserRecord, role_ids: list[int], permissions: int | None
    ) -> MemberRecord:
        record = MemberRecord(user, guild.id, list(role_ids), permissions=permissions)
        self.members[(guild.id, user.id)] = record
        guild.member_ids.append(user.id)
        return record

    def add_role(
        self, guild_id: int, name: str, permissions: int = 0, *, mentionable: bool = False
    ) -> RoleRecord:
        guild = self.guild(guild_id)
        role = self._new_role(guild, name, permissions)
        role.mentionable = mentionable
        self.emit(
            Event("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": payloads.role(role)})
        )
        self.touch()
        return role

    def delete_role(self, guild_id: int, role_id: int) -> None:
        """A server admin deletes a role: gone from the guild and its members.

        The record stays in ``roles``, as a form a member filled before the deletion
        still names it when submitted."""
        guild = self.guild(guild_id)
        guild.role_ids.remove(role_id)
        for user_id in guild.member_ids:
            held = self.members[(guild_id, user_id)].role_ids
            if role_id in held:
                held.remove(role_id)
        self.emit(Event("GUILD_ROLE_DELETE", {"guild_id": str(guild_id), "role_id": str(role_id)}))
        self.touch()

    def add_channel(
        self,
        guild_id: int,
        name: str,
        *,
        kind: int = 0,
        parent_id: int | None = None,
        topic: str | None = None,
    ) -> ChannelRecord:
        guild = self.guild(guild_id)
        if parent_id is not None and self.channel(parent_id).type != CATEGORY:
            raise ValueError("a channel's parent must be a category")
        record = self._new_channel(guild, name, kind, parent_id, topic)
        self.emit(Event("CHANNEL_CREATE", payloads.channel(self, record)))
        self.touch()
        return record

    def add_member(
        self,
        guild_id: int,
        user: UserRecord,
        role_ids: list[int],
        permissions: int | None = None,
    ) -> MemberRecord:
        guild = self.guild(guild_id)
        if (guild_id, user.id) in self.members:
            raise ValueError(f"{user.name} is already a member of {guild.name}")
        for role_id in role_ids:
            if self.roles.get(role_id) is None or self.roles[role_id].guild_id != guild_id:
                raise ValueError(f"role {role_id} does not belong to guild {guild.name}")
        record = self._new_member(guild, user, role_ids, permissions)
        payload = payloads.member(record) | {"guild_id": str(guild_id)}
        self.emit(Event("GUILD_MEMBER_ADD", payload, intents.GUILD_MEMBERS))
        self.touch()
        return record

    def member_permissions(self, guild_id: int, user_id: int) -> int:
        guild = self.guild(guild_id)
        record = self.member(guild_id, user_id)
        granted = [self.roles[guild_id].permissions]
        granted += [self.roles[rid].permissions for rid in record.role_ids]
        return perms.combine(
            granted, is_owner=user_id == guild.owner_id, explicit=record.permissions
        )

    def app_permissions(self, guild_id: int, channel_id: int) -> int:
        value = self.member_permissions(guild_id, self.bot.id)
        channel = self.channels.get(channel_id)
        parent = channel.parent_id if channel is not None and channel.is_thread else None
        if {channel_id, parent} & self.forbidden_channels and not value & perms.ADMINISTRATOR:
            value &= ~perms.SENDING
        return value

    def set_forbidden(self, channel_id: int, forbidden: bool) -> None:
        record = self.channel(channel_id)
        if forbidden:
            self.forbidden_channels.add(channel_id)
        else:
            self.forbidden_channels.discard(channel_id)
        if record.guild_id is not None:
            self.emit(Event("CHANNEL_UPDATE", payloads.channel(self, record)))
        self.touch()

    def dm_channel(self, user_id: int) -> ChannelRecord:
        self.user(user_id)
        for record in self.channels.values():
            if record.type == DM and record.recipient_ids == [user_id]:
                return record
        record = ChannelRecord(self.ids.next(), DM, None, recipient_ids=[user_id])
        self.channels[record.id] = record
        return record

    def create_thread(
        self,
        channel_id: int,
        name: str,
        owner: UserRecord,
        *,
        kind: int = PUBLIC_THREAD,
        message_id: int | None = None,
        auto_archive_duration: int = 1440,
    ) -> ChannelRecord:
        parent = self.channel(channel_id)
        if parent.guild_id is None or parent.is_thread:
            raise ApiError(400, "Cannot execute action on this channel type", 50024)
        guild = self.guild(parent.guild_id)
        thread = ChannelRecord(
            message_id or self.ids.next(),
            kind,
            name,
            guild.id,
            parent_id=parent.id,
            owner_id=owner.id,
            auto_archive_duration=auto_archive_duration,
        )
        self.channels[thread.id] = thread
        guild.channel_ids.append(thread.id)
        if message_id is not None:
            self.message(channel_id, message_id).thread_id = thread.id
        self.emit(Event("THREAD_CREATE", payloads.channel(self, thread) | {"newly_created": True}))
        self.touch()
        return thread

    # -- application commands -------------------------------------------------------------------

    def set_commands(self, guild_id: int | None, commands: list[Json]) -> list[Json]:
        """Bulk overwrite: Discord keeps the id of a command whose name and type survive."""
        check_commands(commands)
        previous = {(int(c.get("type", 1)), c["name"]): c for c in self.commands.get(guild_id, [])}
        stored: list[Json] = []
        for command in commands:
            kind = int(command.get("type", 1))
            old = previous.get((kind, command["name"]))
            entry = dict(command)
            entry.update(
                id=old["id"] if old else str(self.ids.next()),
                application_id=str(self.application_id),
                version=str(self.ids.next()),
                type=kind,
            )
            entry.setdefault("description", "")
            if guild_id is not None:
                entry["guild_id"] = str(guild_id)
            stored.append(entry)
        self.commands[guild_id] = stored
        self.command_syncs.append((guild_id, [c["name"] for c in stored]))
        self.touch()
        return stored

    def upsert_command(self, guild_id: int | None, command: Json) -> Json:
        current = [
            c
            for c in self.commands.get(guild_id, [])
            if (c["type"], c["name"]) != (int(command.get("type", 1)), command["name"])
        ]
        kept = [{k: v for k, v in c.items() if k not in ("version",)} for c in current]
        stored = self.set_commands(guild_id, [*kept, command])
        return next(c for c in stored if c["name"] == command["name"])

    def find_command(self, guild_id: int | None, name: str, kind: int = 1) -> Json | None:
        """A guild's own command first, then a global one, as a Discord client would list them."""
        scopes = (None,) if guild_id is None else (guild_id, None)
        for scope in scopes:
            for command in self.commands.get(scope, []):
                if command["name"] == name and command["type"] == kind:
                    return command
        return None

    # -- DMs ------------------------------------------------------------------------------------

    def check_can_dm(self, channel: ChannelRecord) -> None:
        if channel.type == DM and set(channel.recipient_ids) & self.dm_blocked_users:
            raise ApiError(403, "Cannot send messages to this user", CANNOT_DM_USER)

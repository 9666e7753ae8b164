"""Guilds, channels and roles as a test sees them: thin views over the server's records."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from .records import CATEGORY, TEXT, ChannelRecord, GuildRecord, MessageRecord, RoleRecord
from .users import Member

if TYPE_CHECKING:
    from .server import LoopbackDiscord


class Role:
    def __init__(self, server: LoopbackDiscord, record: RoleRecord) -> None:
        self.server = server
        self.record = record

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


class Channel:
    def __init__(self, server: LoopbackDiscord, record: ChannelRecord) -> None:
        self.server = server
        self.record = record

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def name(self) -> str | None:
        return self.record.name

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def messages(self) -> list[MessageRecord]:
        """Non-ephemeral messages still there, oldest first."""
        return self.server.messages_in(self.id)

    async def wait_for_message(
        self,
        predicate: Callable[[MessageRecord], bool] | None = None,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> MessageRecord:
        return await self.server.wait_for_message(self.id, predicate, timeout=timeout)

    def threads(self) -> list[Channel]:
        state = self.server.state
        return [
            Channel(self.server, c)
            for c in state.channels.values()
            if c.parent_id == self.id and c.is_thread
        ]


class Guild:
    def __init__(self, server: LoopbackDiscord, record: GuildRecord) -> None:
        self.server = server
        self.record = record

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def channels(self) -> list[Channel]:
        state = self.server.state
        return [Channel(self.server, state.channels[cid]) for cid in self.record.channel_ids]

    def channel(self, name: str) -> Channel:
        found = [c for c in self.channels if c.name == name]
        if not found:
            raise LookupError(
                f"no channel #{name} in {self.name}: {[c.name for c in self.channels]}"
            )
        return found[0]

    @property
    def general(self) -> Channel:
        return self.channel("general")

    @property
    def everyone(self) -> Role:
        return Role(self.server, self.server.state.roles[self.id])

    @property
    def bot_role(self) -> Role:
        role_id = self.record.bot_role_id
        assert role_id is not None, "every loopback guild has the bot's managed role"
        return Role(self.server, self.server.state.roles[role_id])

    @property
    def owner(self) -> Member:
        return self.member_by_id(self.record.owner_id)

    def member_by_id(self, user_id: int) -> Member:
        return Member(self.server, self, self.server.state.member(self.id, user_id))

    def member(self, name: str) -> Member:
        for uid in self.record.member_ids:
            if self.server.state.users[uid].name == name:
                return self.member_by_id(uid)
        raise LookupError(f"no member named {name!r} in {self.name}")

    def add_channel(
        self, name: str, *, category: Channel | None = None, topic: str | None = None
    ) -> Channel:
        parent = category.id if category is not None else None
        record = self.server.state.add_channel(
            self.id, name, kind=TEXT, parent_id=parent, topic=topic
        )
        return Channel(self.server, record)

    def add_category(self, name: str) -> Channel:
        return Channel(self.server, self.server.state.add_channel(self.id, name, kind=CATEGORY))

    def add_role(self, name: str, permissions: int = 0, *, mentionable: bool = False) -> Role:
        record = self.server.state.add_role(self.id, name, permissions, mentionable=mentionable)
        return Role(self.server, record)

    def delete_role(self, role: Role) -> None:
        self.server.state.delete_role(self.id, role.id)

    def add_member(
        self,
        user_name: str,
        roles: Iterable[Role | int] = (),
        permissions: int | None = None,
    ) -> Member:
        """A new user joins. ``permissions`` (bits) replaces what roles grant, when given."""
        user = self.server.add_user(user_name)
        role_ids = [r if isinstance(r, int) else r.id for r in roles]
        record = self.server.state.add_member(self.id, user, role_ids, permissions)
        return Member(self.server, self, record)

    def bot_permissions(self, channel: Channel | None = None) -> int:
        channel_id = (channel or self.general).id
        return self.server.state.app_permissions(self.id, channel_id)

"""Honest fakes of the services' two edges: where posts go, and who the members are.

They record what they were asked to do, as the Discord adapter would do it, and can be
told to fail for one community the way Discord does for a channel the bot lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from vitalitybot.domain.records import Community, Question, Round, Server
from vitalitybot.render.message import Message
from vitalitybot.render.terminal import to_terminal
from vitalitybot.services import DeliveryError, PostRef


@dataclass(frozen=True)
class Post:
    guild_id: int
    community_id: int | None  # whose channel (or members) it went to; None: the server's
    kind: str  # "round", "reminder", "results", "harvest", "suggestion:remedy", ...
    round_id: int | None
    message: Message
    member_ids: tuple[int, ...] = ()
    timezone: str = "UTC"  # the community's: a reader there sees times on this clock

    @property
    def text(self) -> str:
        """The post as the terminal shows it: what a member in the community's zone reads."""
        return to_terminal(self.message, width=1000, timezone=self.timezone)


@dataclass
class RecordingNotifier:
    """Posts are kept in order; a post sent again with a nonce already seen is not posted
    again (Discord's ``enforce_nonce``). A round post edited at close is kept in ``edits``.
    ``failing_guilds`` refuse every post (a 403); ``down_guilds`` cannot be reached (an
    outage, worth trying again)."""

    posts: list[Post] = field(default_factory=list)
    edits: list[Post] = field(default_factory=list)
    failing_guilds: set[int] = field(default_factory=set)
    down_guilds: set[int] = field(default_factory=set)
    nonces: set[str] = field(default_factory=set)
    _next_id: int = 5000

    async def open_round(
        self,
        community: Community,
        round: Round,
        questions: Sequence[Question],
        message: Message,
        *,
        nonce: str | None = None,
    ) -> PostRef | None:
        self._check(community)
        if self._first(nonce):
            self.posts.append(
                Post(
                    community.guild_id,
                    community.id,
                    "round",
                    round.id,
                    message,
                    timezone=community.timezone,
                )
            )
        self._next_id += 2
        return PostRef(community.channel_id, self._next_id, self._next_id + 1)

    async def post(
        self,
        community: Community,
        message: Message,
        *,
        round: Round | None,
        kind: str,
        nonce: str | None = None,
    ) -> int | None:
        self._check(community)
        if self._first(nonce):
            self.posts.append(
                Post(
                    community.guild_id,
                    community.id,
                    kind,
                    round.id if round else None,
                    message,
                    timezone=community.timezone,
                )
            )
        self._next_id += 1
        return self._next_id

    async def close_round_post(self, community: Community, round: Round, message: Message) -> None:
        self._check(community)
        self.edits.append(
            Post(
                community.guild_id,
                community.id,
                "round-closed",
                round.id,
                message,
                timezone=community.timezone,
            )
        )

    async def remind(
        self, community: Community, round: Round, member_ids: Sequence[int], message: Message
    ) -> None:
        self._check(community)
        self.posts.append(
            Post(
                community.guild_id,
                community.id,
                "reminder",
                round.id,
                message,
                tuple(member_ids),
                timezone=community.timezone,
            )
        )

    async def post_digest(
        self, server: Server, message: Message, *, nonce: str | None = None
    ) -> int | None:
        """Kept as a post of kind "digest" in the server's guild."""
        self._refuse(server.guild_id)
        if self._first(nonce):
            self.posts.append(Post(server.guild_id, None, "digest", None, message))
        self._next_id += 1
        return self._next_id

    def _first(self, nonce: str | None) -> bool:
        if nonce is None:
            return True
        if nonce in self.nonces:
            return False
        self.nonces.add(nonce)
        return True

    def _check(self, community: Community) -> None:
        self._refuse(community.guild_id)

    def _refuse(self, guild_id: int) -> None:
        if guild_id in self.failing_guilds:
            raise DeliveryError("403 Forbidden: Missing Access")
        if guild_id in self.down_guilds:
            raise DeliveryError("503 Service Unavailable", transient=True)

    def of(self, kind: str, guild_id: int | None = None) -> list[Post]:
        """Posts of one kind ("suggestion" matches every suggestion kind)."""
        return [
            p
            for p in self.posts
            if (p.kind == kind or p.kind.startswith(kind + ":"))
            and (guild_id is None or p.guild_id == guild_id)
        ]


@dataclass
class FixedDirectory:
    """The same members in every guild unless a guild is given its own list."""

    members: list[int] = field(default_factory=list)
    by_guild: dict[int, list[int]] = field(default_factory=dict)

    async def eligible_members(self, community: Community) -> list[int]:
        return list(self.by_guild.get(community.guild_id, self.members))

    def set(self, guild_id: int, members: Iterable[int]) -> None:
        self.by_guild[guild_id] = list(members)

"""The edges the services talk to: where posts go, and who the members are.

The Discord adapter implements these over discord.py; the simulator and the tests over
plain lists. The services never learn which: they hand over a rendered ``Message`` and
the records it is about, and get back where it was posted.

A notifier raises ``DeliveryError`` when a post cannot be made (a 403 from a channel
the bot lost access to, a deleted thread). The outbox (services/outbox.py) marks the
post failed, or tries again later when Discord was only down, and carries on: one
community's broken channel never stops another's round, and the coordinator can see
what went missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from vitalitybot.domain.posts import PostKind
from vitalitybot.domain.records import Community, Question, Round, Server
from vitalitybot.render.message import Message


@dataclass(frozen=True, slots=True)
class PostRef:
    """Where a round's opening post lives, so buttons and later posts can find it."""

    channel_id: int | None
    message_id: int | None
    thread_id: int | None = None
    # What went wrong once the post was made (its thread could not be started): the
    # services log it as a failed delivery, so the coordinator hears of it.
    problem: str | None = None


class DeliveryError(Exception):
    """A post the edge could not make; the message goes into the deliveries log.

    ``transient``: Discord was down or unreachable (5xx, a timeout), so the same post may
    go through later; otherwise (403, 404, a post Discord refuses) trying again is futile.
    """

    def __init__(self, message: str = "", *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class Notifier(Protocol):
    async def open_round(
        self,
        community: Community,
        round: Round,
        questions: Sequence[Question],
        message: Message,
        *,
        nonce: str | None = None,
    ) -> PostRef | None:
        """Post a round's opening message (with its answer and skip buttons, and a thread
        for what follows) and say where it went. A post sent again with the same ``nonce``
        (the outbox retrying after a crash) must not appear twice."""
        ...

    async def post(
        self,
        community: Community,
        message: Message,
        *,
        round: Round | None,
        kind: PostKind,
        nonce: str | None = None,
    ) -> int | None:
        """Post results, suggestions or a digest: into the round's thread when it has one,
        else the community's channel; returns the id of the message made, if it has one.
        ``kind`` says what the post is (metrics, logs, notes); ``nonce`` as above."""
        ...

    async def close_round_post(self, community: Community, round: Round, message: Message) -> None:
        """Turn the round's opening post into ``message``, without its answer buttons."""
        ...

    async def remind(
        self, community: Community, round: Round, member_ids: Sequence[int], message: Message
    ) -> None:
        """Remind these members, and only these, that the round is open."""
        ...

    async def post_digest(
        self, server: Server, message: Message, *, nonce: str | None = None
    ) -> int | None:
        """Post a server's portfolio digest in its digest channel; ``nonce`` as above."""
        ...


class DiscardingNotifier:
    """A ``Notifier`` whose posts go nowhere: for runs that time or check the services
    themselves (benchmarks, tests) with no edge to talk to."""

    async def open_round(
        self,
        community: Community,
        round: Round,
        questions: Sequence[Question],
        message: Message,
        *,
        nonce: str | None = None,
    ) -> PostRef | None:
        return None

    async def post(
        self,
        community: Community,
        message: Message,
        *,
        round: Round | None,
        kind: PostKind,
        nonce: str | None = None,
    ) -> int | None:
        return None

    async def close_round_post(self, community: Community, round: Round, message: Message) -> None:
        return None

    async def remind(
        self, community: Community, round: Round, member_ids: Sequence[int], message: Message
    ) -> None:
        return None

    async def post_digest(
        self, server: Server, message: Message, *, nonce: str | None = None
    ) -> int | None:
        return None


class MemberDirectory(Protocol):
    async def eligible_members(self, community: Community) -> list[int]:
        """The ids of the members who may answer a round (bots excluded)."""
        ...

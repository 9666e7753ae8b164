"""``MeteredNotifier``: the services' notifier, counted and tagged on the way through.

Every round the services open goes through ``Notifier.open_round`` exactly once, and
every round they close posts exactly one outcome through ``Notifier.post``, of a kind
that closes a round (``PostKind.closes_round``: its results, or its harvest);
suggestions follow as posts whose kind names the suggestion. So wrapping the notifier
counts rounds opened, rounds closed and suggestions posted in one place, whichever part
opened or closed them (the scheduler, a catch-up after a restart, a coordinator's
command), with no counting code in the services. Rounds count when the services hand
them over, posted or not (the round is open either way); suggestions count once they
were posted.

While a post is made, every line logged carries its community's id. The wrapper is a
``Notifier`` and nothing more: whoever built the inner notifier keeps it for anything
else (the runner binds the Discord one to its client).
"""

from __future__ import annotations

from collections.abc import Sequence

from vitalitybot.domain.posts import PostKind
from vitalitybot.domain.records import Community, Question, Round
from vitalitybot.observability.logs import community_context
from vitalitybot.observability.metrics import Metrics
from vitalitybot.render.message import Message
from vitalitybot.services.ports import Notifier, PostRef


class MeteredNotifier:
    """A ``Notifier`` around another, counting what goes through it."""

    def __init__(self, inner: Notifier, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics

    async def open_round(
        self,
        community: Community,
        round: Round,
        questions: Sequence[Question],
        message: Message,
        *,
        nonce: str | None = None,
    ) -> PostRef | None:
        self.metrics.round_opened()
        with community_context(community.id):
            return await self.inner.open_round(community, round, questions, message, nonce=nonce)

    async def post(
        self,
        community: Community,
        message: Message,
        *,
        round: Round | None,
        kind: PostKind,
        nonce: str | None = None,
    ) -> int | None:
        if kind.closes_round:
            self.metrics.round_closed()
        with community_context(community.id):
            made = await self.inner.post(community, message, round=round, kind=kind, nonce=nonce)
        if kind.suggestion is not None:
            self.metrics.suggestion_posted(kind.suggestion)
        return made

    async def close_round_post(self, community: Community, round: Round, message: Message) -> None:
        with community_context(community.id):
            await self.inner.close_round_post(community, round, message)

    async def remind(
        self, community: Community, round: Round, member_ids: Sequence[int], message: Message
    ) -> None:
        with community_context(community.id):
            await self.inner.remind(community, round, member_ids, message)

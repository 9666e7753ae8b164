"""``MeteredNotifier``: the services' notifier, counted and tagged on the way through.

Every round the services open goes through ``Notifier.open_round`` exactly once, and
every round they close posts exactly one outcome through ``Notifier.post``, of a kind
that closes a round (``PostKind.closes_round``: its results, or its harvest);
suggestions follow as posts whose kind names the suggestion (a post the outbox tries
again after an outage is counted at its last try). So wrapping the notifier
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

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from vitalitybot.domain.posts import PostKind
from vitalitybot.domain.records import Community, Question, Round, Server
from vitalitybot.observability.logs import community_context
from vitalitybot.observability.metrics import Metrics
from vitalitybot.render.message import Message
from vitalitybot.services.ports import DeliveryError, Notifier, PostRef


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
        with community_context(community.id), _once(self.metrics.round_opened):
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
        closed = self.metrics.round_closed if kind.closes_round else _nothing
        with community_context(community.id), _once(closed):
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

    async def post_digest(
        self, server: Server, message: Message, *, nonce: str | None = None
    ) -> int | None:
        return await self.inner.post_digest(server, message, nonce=nonce)


@contextmanager
def _once(count: Callable[[], None]) -> Iterator[None]:
    """Count a post handed over, posted or not, but not a try the outbox will make again
    (Discord was down): the round is counted at the try that settles it."""
    try:
        yield
    except DeliveryError as error:
        if not error.transient:
            count()
        raise
    except Exception:
        count()
        raise
    count()


def _nothing() -> None:
    return None

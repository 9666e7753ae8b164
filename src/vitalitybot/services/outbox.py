"""Posting from the outbox: a post is stored with its decision, then sent from the table.

A use-case stores each post it decides on (``store_post``) in the transaction that
decides it, commits, and then calls ``send_pending`` for the community; the schedule
keeper drains every community its shards own at start-up (what a crash left), when
this process commits a post, and on its poll (what waits for a retry). So a crash or a
Discord outage between a decision and its post loses nothing.

Decisions worth knowing:

* **Once, as members see it.** A post is marked sent only after Discord took it, so a
  crash in between sends it again; the row's nonce goes with every try, and Discord
  (``enforce_nonce``) answers a second post with the same nonce with the first
  message instead of a new one. Discord keeps a nonce for a few minutes only: a bot that
  stays down longer, between Discord taking a post and the row being marked, posts it
  again on its return. An edit (the round post at close) is the same however often it
  is made, and needs none.
* **Order.** A community's posts go out oldest first, one at a time (a lock per
  community in this process; shards keep other processes off its rows): results before
  the suggestions under them. A post waiting for a retry holds back the later ones.
* **Retries.** An outage (``DeliveryError.transient``) is tried again after a growing
  pause, ``MAX_ATTEMPTS`` times in all; a refusal (403, 404, a post Discord rejects) is
  final at once. Either way the failure stays in the table the coordinator notes read.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from vitalitybot.domain.posts import PostKind
from vitalitybot.domain.records import DeliveryStatus, Question, Round, RoundStatus
from vitalitybot.observability.logs import community_context
from vitalitybot.render.message import Message
from vitalitybot.render.payload import message_from_json, message_to_json
from vitalitybot.services.app import PerDatabase, Services, write_turn
from vitalitybot.services.ports import DeliveryError, PostRef
from vitalitybot.storage import Repositories
from vitalitybot.storage.outbox import OutboxEntry

logger = logging.getLogger(__name__)

# Pauses before the second, third ... try of a post Discord could not take.
RETRY_PAUSES = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
)
MAX_ATTEMPTS = len(RETRY_PAUSES) + 1
ROUND_GONE = "The round had closed before its post could go out."

_LOCKS: PerDatabase[defaultdict[int, asyncio.Lock]] = PerDatabase(lambda: defaultdict(asyncio.Lock))


@dataclass(frozen=True, slots=True)
class _Outcome:
    sent: bool
    message_id: int | None = None
    ref: PostRef | None = None
    error: str | None = None
    transient: bool = False


async def store_post(
    repos: Repositories,
    community_id: int,
    kind: PostKind,
    message: Message,
    *,
    at: datetime,
    round_id: int | None,
) -> None:
    """Put a post in the outbox, in the caller's transaction."""
    await repos.outbox.add(
        community_id, kind=kind, payload=message_to_json(message), at=at, round_id=round_id
    )


async def send_pending(svc: Services, community_id: int) -> dict[int, Round]:
    """Send the community's posts that are due, oldest first; returns the rounds whose
    opening post this placed, by id, as they now are."""
    placed: dict[int, Round] = {}
    async with _LOCKS.of(svc.db)[community_id]:
        async with svc.repos() as repos:
            entry, questions = await _next(repos, community_id)
        while entry is not None and entry.next_attempt_at <= svc.now():
            outcome = await _send(svc, entry, questions)
            async with write_turn(svc), svc.repos() as repos:
                round_ = await _record(svc, repos, entry, outcome)
                if round_ is not None:
                    placed[round_.id] = round_
                if outcome.transient and entry.attempts + 1 < MAX_ATTEMPTS:
                    break  # the later posts wait behind this one
                # Read in the transaction that recorded this one: one transaction per post.
                entry, questions = await _next(repos, community_id)
    return placed


async def _next(
    repos: Repositories, community_id: int
) -> tuple[OutboxEntry | None, Sequence[Question]]:
    """The community's next post, and the questions it asks if it opens a round."""
    entry = await repos.outbox.oldest(community_id)
    if entry is None or entry.round is None or entry.kind != PostKind.ROUND:
        return entry, []
    return entry, await repos.rounds.list_questions(community_id, entry.round.id)


async def drain(
    svc: Services, owns: Callable[[int], bool] = lambda guild_id: True
) -> datetime | None:
    """Send what is due in every community whose guild ``owns`` says is this process's;
    returns when the next post waiting for a retry is due (None: nothing waits)."""
    now = svc.now()
    async with svc.repos() as repos:
        heads = [(c, g, at) for c, g, at in await repos.outbox.heads() if owns(g)]
    for community_id, _, at in heads:
        if at > now:
            continue
        with community_context(community_id):
            try:
                await send_pending(svc, community_id)
            except Exception:
                logger.exception("community %s: the outbox could not be drained", community_id)
    async with svc.repos() as repos:
        waiting = [at for _, guild_id, at in await repos.outbox.heads() if owns(guild_id)]
    return min(waiting, default=None)


async def _send(svc: Services, entry: OutboxEntry, questions: Sequence[Question]) -> _Outcome:
    """One try at one post; never raises."""
    community, round_ = entry.community, entry.round
    kind = entry.kind
    try:
        message = message_from_json(entry.payload)
        if kind == PostKind.ROUND:
            if round_ is None or round_.status is not RoundStatus.OPEN:
                return _Outcome(sent=False, error=ROUND_GONE)
            ref = await svc.notifier.open_round(
                community, round_, questions, message, nonce=entry.nonce
            )
            return _Outcome(sent=True, ref=ref, message_id=ref.message_id if ref else None)
        if kind == PostKind.ROUND_CLOSED:
            if round_ is not None and round_.message_id is not None:
                await svc.notifier.close_round_post(community, round_, message)
            return _Outcome(sent=True)
        message_id = await svc.notifier.post(
            community, message, round=round_, kind=PostKind(kind), nonce=entry.nonce
        )
        return _Outcome(sent=True, message_id=message_id)
    except DeliveryError as exc:
        error = str(exc) or type(exc).__name__
        logger.warning("community %s: %s post failed: %s", community.id, kind, error)
        return _Outcome(sent=False, error=error, transient=exc.transient)
    except Exception as exc:
        logger.exception("community %s: %s post raised", community.id, kind)
        return _Outcome(sent=False, error=f"{type(exc).__name__}: {exc}")


async def _record(
    svc: Services, repos: Repositories, entry: OutboxEntry, outcome: _Outcome
) -> Round | None:
    """Mark the row as the try left it; a round's post also tells the round where it is
    (the round, placed, is returned)."""
    now = svc.now()
    if outcome.sent:
        await repos.outbox.mark_sent(entry.id, message_id=outcome.message_id)
        if outcome.ref is not None and entry.round_id is not None:
            return await _place_round(svc, repos, entry.community_id, entry.round_id, outcome.ref)
        return None
    error = outcome.error or "unknown error"
    attempts = entry.attempts + 1
    if outcome.transient and attempts < MAX_ATTEMPTS:
        pause = RETRY_PAUSES[attempts - 1]
        await repos.outbox.retry_at(entry.id, now + pause, error=error)
        logger.info(
            "community %s: %s post tried again in %s", entry.community_id, entry.kind, pause
        )
    else:
        await repos.outbox.mark_failed(entry.id, error=error)
    return None


async def _place_round(
    svc: Services, repos: Repositories, community_id: int, round_id: int, ref: PostRef
) -> Round | None:
    if ref.problem is not None:
        await repos.deliveries.record(
            community_id,
            kind=PostKind.THREAD,
            status=DeliveryStatus.FAILED,
            at=svc.now(),
            round_id=round_id,
            error=ref.problem,
        )
    return await repos.rounds.set_message(
        community_id,
        round_id,
        channel_id=ref.channel_id,
        message_id=ref.message_id,
        thread_id=ref.thread_id,
    )

"""Group commit: the answers of members who submit together are written in one transaction.

SQLite takes one writer at a time, and each commit costs far more than the rows in
it, so fifty members answering within the same few milliseconds would otherwise
queue for fifty commits. Here a submission joins a queue and waits; one drain task
per database writes whatever has gathered (up to ``MAX_BATCH``) in a single write
turn and transaction, then releases everyone in it and takes the next gathering.
Under light load a batch is one submission and nothing waits; under a burst the
batches grow, and the cost per answer falls as the load rises.

A batch is all or nothing only on the happy path. When one submission in it cannot
be written (its round closed a moment ago, a row went missing), the transaction is
rolled back and the batch is written one submission per transaction, so that only
that member hears about it and everyone else's answers are kept.

PostgreSQL writers do not block one another, so there each submission is written in
its own transaction (``write_submission`` decides).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from vitalitybot.domain.records import RespondentStatus
from vitalitybot.services.app import PerDatabase, Services, write_turn
from vitalitybot.storage.submissions import CheckedSubmission

logger = logging.getLogger(__name__)

# Enough to absorb a burst (fifty members a few milliseconds apart), small enough that
# a batch's transaction stays short for a close waiting on the same write turn.
MAX_BATCH = 64


async def write_submission(
    svc: Services, submission: CheckedSubmission, at: datetime
) -> RespondentStatus | None:
    """Store a checked submission while its round is open; the member's earlier status.

    Raises ``RoundNotOpenError`` when the round stopped taking answers before the
    write. On SQLite the submission joins the next batch (see the module docstring).
    """
    if svc.db.is_sqlite:
        return await _WRITERS.of(svc.db).write(svc, submission, at)
    async with svc.repos() as repos:
        (earlier,) = await repos.answers.write_batch([(submission, at)])
    return earlier


@dataclass(slots=True)
class _Pending:
    submission: CheckedSubmission
    at: datetime
    done: asyncio.Future[RespondentStatus | None]


class AnswerWriter:
    """The queue and drain task for one SQLite database in one event loop."""

    def __init__(self) -> None:
        self._pending: list[_Pending] = []
        self._drain_task: asyncio.Task[None] | None = None

    async def write(
        self, svc: Services, submission: CheckedSubmission, at: datetime
    ) -> RespondentStatus | None:
        """Store ``submission`` with the next batch; raises what storing it alone would.

        A caller cancelled while waiting (an interaction that timed out) does not take
        the answers back: they were given, and are written with their batch.
        """
        loop = asyncio.get_running_loop()
        pending = _Pending(submission, at, loop.create_future())
        self._pending.append(pending)
        if self._drain_task is None:
            self._drain_task = loop.create_task(self._drain(svc), name="answer-writer")
        return await pending.done

    async def _drain(self, svc: Services) -> None:
        try:
            while self._pending:
                batch = self._pending[:MAX_BATCH]
                del self._pending[:MAX_BATCH]
                try:
                    await _write_batch(svc, batch)
                except BaseException as exc:
                    # Cancelled (the loop is shutting down) or the database is gone:
                    # nobody waiting may be left hanging.
                    for pending in (*batch, *self._pending):
                        _fail(pending, exc)
                    self._pending.clear()
                    raise
        finally:
            self._drain_task = None


async def _write_batch(svc: Services, batch: list[_Pending]) -> None:
    async with write_turn(svc):
        try:
            async with svc.repos() as repos:
                earlier = await repos.answers.write_batch([(p.submission, p.at) for p in batch])
        except Exception as exc:
            if len(batch) == 1:
                _fail(batch[0], exc)
                return
            logger.debug("a batch of %d submissions was refused (%r): one by one", len(batch), exc)
            await _write_one_by_one(svc, batch)
            return
    for pending, status in zip(batch, earlier, strict=True):
        _succeed(pending, status)


async def _write_one_by_one(svc: Services, batch: list[_Pending]) -> None:
    """Each submission in its own transaction, so only the one at fault is refused."""
    for pending in batch:
        try:
            async with svc.repos() as repos:
                (earlier,) = await repos.answers.write_batch([(pending.submission, pending.at)])
        except Exception as exc:
            _fail(pending, exc)
        else:
            _succeed(pending, earlier)


def _succeed(pending: _Pending, earlier: RespondentStatus | None) -> None:
    if not pending.done.done():
        pending.done.set_result(earlier)


def _fail(pending: _Pending, exc: BaseException) -> None:
    if pending.done.done():
        return
    if isinstance(exc, asyncio.CancelledError):
        pending.done.cancel()
    else:
        pending.done.set_exception(exc)


_WRITERS: PerDatabase[AnswerWriter] = PerDatabase(AnswerWriter)

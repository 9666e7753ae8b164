"""The services container and the few helpers every use-case shares.

A use-case does its database work in one short transaction, commits, and only then
talks to the edges (Discord, the member directory), recording the outcome in a second
transaction. No session is ever held across an await on the notifier: a slow or failing
Discord call must not keep a write lock on SQLite, nor roll back answers already given.
The posts a use-case decides on are stored in its transaction and sent from there
(services/outbox.py); only the reminder DMs go straight out through ``deliver``.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Generic, TypeVar

from jinja2 import Environment

from vitalitybot.domain.posts import PostKind
from vitalitybot.domain.records import (
    Community,
    DeliveryStatus,
    RoundKind,
    Schedule,
    ScheduleCadence,
)
from vitalitybot.observability.logs import tag_community
from vitalitybot.patterns.model import Pattern
from vitalitybot.patterns.search import PatternIndex
from vitalitybot.scheduling.clock import Clock
from vitalitybot.scheduling.spec import ScheduleSpec
from vitalitybot.services.errors import NotConfigured, RoundNotFound
from vitalitybot.services.limits import is_id
from vitalitybot.services.ports import DeliveryError, MemberDirectory, Notifier
from vitalitybot.services.round_contexts import RoundContexts
from vitalitybot.storage import Database, Repositories
from vitalitybot.vitality.anonymity import RoundKeys

logger = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=6)
T = TypeVar("T")


@dataclass
class Services:
    """Everything a use-case needs; built once per process by the bot or the simulator.

    ``patterns`` is the loaded library by slug (``load_library(...).patterns``).
    ``grace`` is how late a missed round may still open after a restart. ``reminders``
    turns the mid-window reminder off for the whole process (the simulator's quiet mode).
    Nothing here is told about schedules or rounds: a ``ScheduleKeeper`` reads them
    from the database (keeper.py). Without one (tests, one-off CLI commands) rounds
    still open and close, they just are not timed. ``rounds_answering`` is a cache of
    the open rounds members answer, read-through and never told anything
    (round_contexts.py). ``keys`` holds the bot key, loaded once where the process
    starts (keyfile.py), and makes each round's respondent keys (vitality/anonymity.py).
    """

    db: Database
    patterns: Mapping[str, Pattern]
    clock: Clock
    notifier: Notifier
    members: MemberDirectory
    env: Environment
    keys: RoundKeys = field(repr=False)
    grace: timedelta = DEFAULT_GRACE
    reminders: bool = True
    rounds_answering: RoundContexts = field(default_factory=RoundContexts, init=False, repr=False)
    _index: PatternIndex | None = field(default=None, init=False, repr=False)

    @asynccontextmanager
    async def repos(self) -> AsyncIterator[Repositories]:
        """Repositories over one transaction: committed on success, rolled back on error."""
        async with self.db.transaction() as session:
            yield Repositories(session)

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def index(self) -> PatternIndex:
        """The search index over the library, built on first use (it takes a moment)."""
        if self._index is None:
            self._index = PatternIndex(self.patterns)
        return self._index


async def round_community(svc: Services, guild_id: int, round_id: int) -> Community:
    """``community_of_round`` in a transaction of its own."""
    async with svc.repos() as repos:
        return await community_of_round(repos, guild_id, round_id)


async def community_of_round(repos: Repositories, guild_id: int, round_id: int) -> Community:
    """The community a round of this server belongs to: a button or form names the round,
    and the server it was clicked in must hold it. ``RoundNotFound`` otherwise, or
    ``NotConfigured`` for a server with no community at all."""
    if not is_id(guild_id):  # no server has it, and the database could not even look
        raise NotConfigured()
    community = await repos.communities.of_round(guild_id, round_id) if is_id(round_id) else None
    if community is not None:
        # A click names a round, not a community: the caller's log lines learn it here.
        tag_community(community.id)
        return community
    if not await repos.communities.list_for_guild(guild_id):
        raise NotConfigured()
    raise RoundNotFound()


async def community_by_id(repos: Repositories, community_id: int) -> Community:
    # An id no row can have is refused before the database is asked (it may not fit).
    community = await repos.communities.get(community_id) if is_id(community_id) else None
    if community is None:
        raise NotConfigured("That community is no longer set up in this server.")
    return community


async def deliver(
    svc: Services,
    community: Community,
    kind: PostKind,
    action: Awaitable[T],
    *,
    round_id: int | None = None,
) -> tuple[bool, T | None]:
    """Await a notifier call and log its outcome in ``deliveries``; never raises.

    For the reminder DMs only: the outbox would have to store whom to remind, that is
    who has not answered a round, which the bot never keeps (reminders.py).

    A ``DeliveryError`` is an expected failure (a channel the bot lost access to);
    anything else is a bug in the edge, logged with its traceback. Either way the
    caller carries on, so one community's failure never stops the next one's post.
    """
    error: str | None = None
    result: T | None = None
    try:
        result = await action
    except DeliveryError as exc:
        error = str(exc) or type(exc).__name__
        logger.warning("community %s: %s post failed: %s", community.id, kind, error)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        logger.exception("community %s: %s post raised", community.id, kind)
    status = DeliveryStatus.SENT if error is None else DeliveryStatus.FAILED
    try:
        async with svc.repos() as repos:
            await repos.deliveries.record(
                community.id, kind=kind, status=status, at=svc.now(), round_id=round_id, error=error
            )
    except Exception:
        logger.exception("community %s: could not log the %s delivery", community.id, kind)
    return error is None, result


def spec_of(schedule: Schedule, timezone: str) -> ScheduleSpec:
    """A stored schedule as the scheduler reads it, in its community's time zone."""
    return _spec(
        schedule.kind,
        schedule.cadence,
        schedule.weekday,
        schedule.day_of_month,
        schedule.nth,
        schedule.time_of_day,
        schedule.window_days,
        timezone,
    )


@lru_cache(maxsize=4096)
def _spec(
    kind: str,
    cadence: str,
    weekday: int | None,
    day_of_month: int | None,
    nth: int | None,
    time_of_day: str,
    window_days: int,
    timezone: str,
) -> ScheduleSpec:
    """Shared by every schedule with the same settings and zone: a start reads each of
    thousands of schedules twice, and most of them keep the default ones."""
    return ScheduleSpec(
        kind=RoundKind(kind).value,
        cadence=ScheduleCadence(cadence).value,
        weekday=weekday,
        day_of_month=day_of_month,
        nth=nth,
        time_of_day=time_of_day,
        window_days=window_days,
        timezone=timezone,
    )


class PerDatabase(Generic[T]):
    """One ``T`` per database engine and event loop, made on first use.

    For what every ``Services`` over the same database must share within a process
    (the SQLite write turn, the answer writer), and nothing else may: an asyncio
    primitive belongs to one loop, and tests run many loops and databases.
    """

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._by_loop: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, weakref.WeakKeyDictionary[object, T]
        ] = weakref.WeakKeyDictionary()

    def of(self, db: Database) -> T:
        loop = asyncio.get_running_loop()
        by_engine = self._by_loop.get(loop)
        if by_engine is None:
            by_engine = self._by_loop[loop] = weakref.WeakKeyDictionary()
        found = by_engine.get(db.engine)
        if found is None:
            found = by_engine[db.engine] = self._make()
        return found


_TURNS: PerDatabase[asyncio.Lock] = PerDatabase(asyncio.Lock)


@asynccontextmanager
async def write_turn(svc: Services) -> AsyncIterator[None]:
    """One write transaction at a time per SQLite database, queued in this process.

    SQLite lets one writer in at a time and makes the others poll with growing sleeps
    (up to 100 ms each under ``busy_timeout``), so fifty members answering at once
    would mostly wait on sleeps rather than on each other. An asyncio lock queues them
    fairly instead (a writer only finds the lock taken while the previous one commits,
    a fraction of a millisecond); PostgreSQL locks rows, not the database, and needs no
    queue.
    """
    if not svc.db.is_sqlite:
        yield
        return
    async with _TURNS.of(svc.db):
        yield

"""The engine and session factory, built on demand from a URL.

Nothing here runs at import time: the bot, the CLI, the simulator and each test open
their own ``Database`` and dispose of it, so two of them never share a hidden engine.

``Database.changes`` tells listeners which tables each committed transaction wrote,
so what this process derives from the tables (the scheduler's due work) can look
again soon after a change, without any use-case having to say so.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.pool import PoolResetState
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.selectable import TableClause

from vitalitybot.storage.urls import safe_url

log = logging.getLogger(__name__)

# Applied to every new SQLite connection. WAL lets the scheduler read while an answer
# is written; foreign keys are off by default in SQLite, and cascades rely on them;
# the busy timeout makes concurrent writers queue instead of failing at once.
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=NORMAL",
)


ChangeListener = Callable[[frozenset[str]], None]
"""Told the names of the tables a transaction wrote, once it has committed."""

_WRITTEN = "vitalitybot.written"  # key in ``Session.info``


class Changes:
    """The listeners to tell about committed writes (see ``open_database``).

    Only this process's own commits are seen: a change committed by another process
    reaches a listener's next poll of the tables, never this.
    """

    def __init__(self) -> None:
        self._listeners: list[ChangeListener] = []

    def listen(self, listener: ChangeListener) -> Callable[[], None]:
        """Tell ``listener`` about every commit from now on; returns how to stop."""
        self._listeners.append(listener)

        def stop() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return stop

    def committed(self, tables: frozenset[str]) -> None:
        """Tell each listener; a failing listener is logged and never fails the commit."""
        for listener in list(self._listeners):
            try:
                listener(tables)
            except Exception:
                log.exception("a commit listener failed")


@dataclass(frozen=True, slots=True)
class Database:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    changes: Changes = field(default_factory=Changes)

    @property
    def url(self) -> URL:
        return self.engine.url

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session the caller commits (or not) itself."""
        async with self.sessionmaker() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        async with self.sessionmaker.begin() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


def open_database(url: str | URL, *, echo: bool = False) -> Database:
    """Build the engine for ``url`` (any SQLAlchemy async URL) and its session factory."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _ensure_sqlite_folder(parsed)
        engine = create_async_engine(parsed, echo=echo, pool_reset_on_return=None)
        event.listen(engine.sync_engine, "connect", _apply_sqlite_pragmas)
        event.listen(engine.sync_engine, "reset", _roll_back_if_open)
    else:
        engine = create_async_engine(parsed, echo=echo)
    changes = Changes()
    sync_maker: sessionmaker[Session] = sessionmaker()
    _note_writes(sync_maker, changes)
    maker = async_sessionmaker(engine, expire_on_commit=False, sync_session_class=sync_maker)
    log.debug("opened database %s", safe_url(parsed))
    return Database(engine=engine, sessionmaker=maker, changes=changes)


def _note_writes(maker: sessionmaker[Session], changes: Changes) -> None:
    """Collect the tables each session writes; hand them to ``changes`` on commit.

    The repositories write with INSERT/UPDATE/DELETE statements (seen by
    ``do_orm_execute``) and, for a few new rows, through the unit of work (seen by
    ``after_flush``). A rollback forgets what was collected.
    """

    def written(session: Session) -> set[str]:
        found: set[str] = session.info.setdefault(_WRITTEN, set())
        return found

    @event.listens_for(maker, "do_orm_execute")
    def statement(state: ORMExecuteState) -> None:
        if isinstance(state.statement, UpdateBase):
            table = state.statement.table
            if isinstance(table, TableClause):
                written(state.session).add(table.name)

    @event.listens_for(maker, "after_flush")
    def flushed(session: Session, _context: Any) -> None:
        for row in (*session.new, *session.dirty, *session.deleted):
            written(session).add(row.__table__.name)

    @event.listens_for(maker, "after_commit")
    def committed(session: Session) -> None:
        tables = session.info.pop(_WRITTEN, None)
        if tables:
            changes.committed(frozenset(tables))

    @event.listens_for(maker, "after_soft_rollback")
    def rolled_back(session: Session, _previous: Any) -> None:
        session.info.pop(_WRITTEN, None)


def sqlite_file(url: URL) -> Path | None:
    """The file a SQLite URL points at, or None for an in-memory database."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _ensure_sqlite_folder(url: URL) -> None:
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _roll_back_if_open(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
    """Roll back what a connection returned to the pool left open, and only that.

    The pool's own reset rolls back every returned connection, even one whose
    transaction has just committed, and on aiosqlite each rollback is one more trip to
    the connection's thread, once per transaction. sqlite3 knows whether a transaction
    is open. A connection dropped by the garbage collector (not ``asyncio_safe``) is
    left to close, as the pool's own reset leaves it.
    """
    if state.terminate_only or not state.asyncio_safe:
        return
    if dbapi_connection.driver_connection.in_transaction:
        dbapi_connection.rollback()


def _apply_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()

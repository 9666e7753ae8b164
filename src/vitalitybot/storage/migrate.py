"""Run the Alembic migrations from code, including from inside a running event loop.

Alembic is synchronous. Rather than start a second event loop (impossible inside the
bot's), the async engine lends one of its connections: ``run_sync`` hands Alembic
the underlying sync connection, and ``migrations/env.py`` uses it as is.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, make_url

from vitalitybot._shipped import migrations_dir as shipped_migrations_dir
from vitalitybot.storage.database import Database, open_database, sqlite_file
from vitalitybot.vitality.anonymity import RoundKeys

log = logging.getLogger(__name__)

# Where a revision finds the bot's ``RoundKeys`` when the caller has them (migration 0004
# seals open rounds' keys with them); a revision that needs them and finds none loads
# them from the settings, as the bot would.
KEYS_ATTRIBUTE = "round_keys"

_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


class MigrationsNotFoundError(RuntimeError):
    pass


def migrations_dir() -> Path:
    folder = shipped_migrations_dir()
    if (folder / "env.py").is_file():
        return folder
    raise MigrationsNotFoundError(
        f"the Alembic migrations are not at {folder}: this installation of vitalitybot is "
        "incomplete; reinstall it (pip install --force-reinstall, or pipx reinstall)"
    )


def alembic_config() -> Config:
    """A config pointing at the migrations folder; no ini file, so no logging set-up."""
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("path_separator", "os")
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def upgrade(
    target: Database | str, revision: str = "head", *, keys: RoundKeys | None = None
) -> str | None:
    """Upgrade the database to ``revision``; returns the revision it is at afterwards.

    ``keys``: the bot's keys, for a revision that must seal with them (the bot passes
    its own; without them such a revision loads them from the settings).

    Given a URL whose SQLite file does not exist yet, a failed upgrade removes the file it
    created: an empty file would pass for a database later (``db current`` would call it
    never migrated, and the next upgrade would not say why the first one failed).
    """
    cfg = alembic_config()  # before connecting: missing migrations create no database file

    def run(connection: Connection) -> None:
        cfg.attributes["connection"] = connection
        if keys is not None:
            cfg.attributes[KEYS_ATTRIBUTE] = keys
        command.upgrade(cfg, revision)

    with _new_file_removed_on_failure(target):
        return await _migrate(target, run, f"upgrade to {revision}")


async def downgrade(target: Database | str, revision: str) -> str | None:
    """Downgrade the database to ``revision`` ("base" empties it)."""

    def run(connection: Connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)

    return await _migrate(target, run, f"downgrade to {revision}")


async def current(target: Database | str) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    async with _opened(target) as db, db.engine.connect() as connection:
        return await connection.run_sync(_current_revision)


def upgrade_url(url: str, revision: str = "head") -> str | None:
    """Synchronous entry point for the CLI (no event loop running yet)."""
    return asyncio.run(upgrade(url, revision))


def current_url(url: str) -> str | None:
    return asyncio.run(current(url))


async def _migrate(
    target: Database | str, run: Callable[[Connection], None], what: str
) -> str | None:
    async with _lock(), _opened(target) as db:
        async with db.engine.connect() as connection:
            await connection.run_sync(run)
            await connection.commit()
        async with db.engine.connect() as connection:
            reached = await connection.run_sync(_current_revision)
    log.info("database %s: now at %s", what, reached)
    return reached


def _lock() -> asyncio.Lock:
    """One migration at a time per event loop.

    Alembic keeps the running migration's context in module globals, and ``run_sync``
    yields to the loop at every statement: two interleaved runs (say, two databases
    upgraded with ``gather``) would trample each other's context.
    """
    loop = asyncio.get_running_loop()
    lock = _LOCKS.get(loop)
    if lock is None:
        lock = _LOCKS[loop] = asyncio.Lock()
    return lock


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _new_file_removed_on_failure(target: Database | str) -> Iterator[None]:
    """Remove the SQLite file (and its WAL companions) the block creates, if it fails.

    Only for a URL: this module then opens the database and has disposed of it by the
    time the failure reaches here, so no connection still holds the file.
    """
    if isinstance(target, Database):
        yield
        return
    url = make_url(target)
    path = sqlite_file(url) if url.get_backend_name() == "sqlite" else None
    if path is None or path.exists():
        yield
        return
    try:
        yield
    except BaseException:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise


@asynccontextmanager
async def _opened(target: Database | str) -> AsyncIterator[Database]:
    if isinstance(target, Database):
        yield target
        return
    db = open_database(target)
    try:
        yield db
    finally:
        await db.dispose()

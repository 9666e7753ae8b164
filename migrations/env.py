"""Alembic environment for vitalitybot.

Two ways in:
- the bot and ``vitalitybot db ...`` (``vitalitybot.storage.migrate``) hand over an
  open connection in ``config.attributes["connection"]``, run inside the async
  engine's ``run_sync``, so migrating works from inside a running event loop;
- the ``alembic`` command builds its own async engine from ``sqlalchemy.url`` (if
  given) or the settings (``VITALITYBOT_DATABASE_URL``, ``.env``).

``render_as_batch`` because SQLite can only alter most things by rebuilding the
table; foreign keys are switched off around a run on SQLite so that rebuilding a
table never cascades deletes into the tables that refer to it.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from vitalitybot.config import load_settings
from vitalitybot.storage.database import sqlite_file
from vitalitybot.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or load_settings().database_url


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )


# Any fixed number: the key of the PostgreSQL advisory lock that serialises migrations.
MIGRATION_LOCK_KEY = 0x76697461  # "vita"


def _lock_out_other_processes(connection: Connection) -> None:
    """Let one process migrate at a time; the others wait, then find nothing to do.

    Several processes may start on a fresh database together (shard processes). Before
    Alembic reads the current revision, take a lock held until the migration commits:
    on PostgreSQL a transaction-scoped advisory lock; on SQLite the write lock, taken
    up front with BEGIN IMMEDIATE (the driver would otherwise run the DDL outside a
    transaction and two processes would both create the tables). Waiting processes
    block on it; on SQLite within the busy timeout.
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def run_migrations_on(connection: Connection) -> None:
    """Run the migrations on ``connection`` and leave it clean for its pool."""
    toggle_fks = connection.dialect.name == "sqlite" and not connection.in_transaction()
    if toggle_fks:
        # Outside a transaction, or SQLite ignores the pragma.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        # The lock first: Alembic, configured on a connection already in a transaction,
        # runs every revision inside it. Configured outside one, it would commit after
        # each revision on SQLite (no transactional DDL), letting the lock go between
        # two revisions: a process waiting for it would then read the version half way
        # and apply the later revisions a second time.
        _lock_out_other_processes(connection)
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        if connection.in_transaction():
            connection.commit()
    except BaseException:
        if connection.in_transaction():
            connection.rollback()
        raise
    finally:
        if toggle_fks:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


async def _run_with_own_engine(url: str) -> None:
    parsed = make_url(url)
    path = sqlite_file(parsed) if parsed.get_backend_name() == "sqlite" else None
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(parsed, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations_on)
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    shared = config.attributes.get("connection")
    if shared is not None:
        run_migrations_on(shared)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    asyncio.run(_run_with_own_engine(_database_url()))


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""A database of its own for each PostgreSQL test.

Tests on PostgreSQL share one server (``.ci/postgres.sh`` starts it); each gets a
freshly created database with a unique name, dropped afterwards, so they stay as
isolated as the SQLite ones, each with its own file.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import uuid4

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

POSTGRES_URL_ENV = "VITALITYBOT_TEST_POSTGRES_URL"
POSTGRES_SKIP_REASON = (
    "set VITALITYBOT_TEST_POSTGRES_URL (.ci/run starts a server) to run on PostgreSQL"
)


def asyncpg_url(url: str | URL) -> URL:
    """The URL with the asyncpg driver, whatever driver (if any) it named."""
    return make_url(url).set(drivername="postgresql+asyncpg")


@asynccontextmanager
async def postgres_database(admin_url: str) -> AsyncIterator[str]:
    """Create an empty database on the server at ``admin_url``; yield its URL; drop it.

    ``admin_url`` names any database the role may connect to, and the role needs
    CREATEDB. The drop forces out connections a failed test may have left open; a
    server's own worker (autovacuum) can only be forced out by a role that may signal
    it, so the drop is retried a few times while such a worker finishes.
    """
    admin = asyncpg_url(admin_url)
    name = f"vitalitybot_test_{uuid4().hex[:16]}"
    engine = create_async_engine(admin, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield admin.set(database=name).render_as_string(hide_password=False)
        finally:
            await _drop(engine, name)
    finally:
        await engine.dispose()


async def _drop(engine: AsyncEngine, name: str, attempts: int = 10) -> None:
    for attempt in range(attempts):
        try:
            async with engine.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.2)

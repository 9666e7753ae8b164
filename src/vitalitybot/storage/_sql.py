"""Small SQL helpers the repositories share.

SQLite and PostgreSQL spell upserts (``INSERT .. ON CONFLICT``) the same way, but
SQLAlchemy exposes them through each dialect's own ``insert``; ``upsert_insert`` picks
the right one for the session's engine so the repositories stay free of backend checks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def upsert_insert(session: AsyncSession, table: Any) -> sqlite.Insert | postgresql.Insert:
    """An INSERT for ``table`` that supports ``on_conflict_do_update/do_nothing``."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return sqlite.insert(table)
    if dialect == "postgresql":
        return postgresql.insert(table)
    raise NotImplementedError(f"vitalitybot storage supports SQLite and PostgreSQL, not {dialect}")


def rowcount(result: Any) -> int:
    """Rows an INSERT/UPDATE/DELETE touched (``Result`` does not declare ``rowcount``)."""
    count = getattr(result, "rowcount", None)
    return int(count) if count is not None and count >= 0 else 0

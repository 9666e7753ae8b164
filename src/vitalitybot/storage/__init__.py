"""Storage: SQLAlchemy models, Alembic migrations and repositories returning records.

Import from here; ORM rows (``storage.models``) stay inside this package.
"""

from __future__ import annotations

from vitalitybot.storage.database import Database, open_database
from vitalitybot.storage.errors import NotFoundError, StorageError
from vitalitybot.storage.migrate import current, downgrade, head_revision, upgrade, upgrade_url
from vitalitybot.storage.repositories import Repositories

__all__ = [
    "Database",
    "NotFoundError",
    "Repositories",
    "StorageError",
    "current",
    "downgrade",
    "head_revision",
    "open_database",
    "upgrade",
    "upgrade_url",
]

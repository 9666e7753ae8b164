"""What every table shares: the declarative base, its naming convention and UTC times.

Kept apart from the table models (``models.py``) so that file holds the tables alone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, ForeignKey, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names: Alembic needs a name to drop or alter a constraint, and
# SQLite's batch mode rebuilds tables from the names it can reflect.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SLUG = 200  # pattern slugs and sign ids
KIND = 20  # the StrEnum columns


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    SQLite has no timezone type and hands back naive values; PostgreSQL returns them
    in the session's zone. Binding converts to UTC (and refuses naive values, which
    are always a bug here); loading attaches UTC, so callers only ever see aware UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: storage needs timezone-aware values")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every ``Mapped[datetime]`` column is an aware UTC one unless it says otherwise.
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012


def community_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), nullable=False)


def round_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False)

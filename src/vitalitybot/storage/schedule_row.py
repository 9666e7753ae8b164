"""The ``schedules`` table: when a community's check-ins and surveys run.

Beside ``models.py`` rather than in it only to keep that file to the other core tables;
it is imported there, so the metadata Alembic compares always holds it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Index, Integer, Row, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vitalitybot.domain import records as r
from vitalitybot.storage.model_base import KIND, SLUG, Base, community_fk


class ScheduleRow(Base):
    __tablename__ = "schedules"
    __table_args__ = (
        UniqueConstraint("community_id", "kind", "pattern_slug"),
        Index("ix_schedules_enabled", "enabled"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = community_fk()
    kind: Mapped[str] = mapped_column(String(KIND))
    pattern_slug: Mapped[str] = mapped_column(String(SLUG), default="")
    cadence: Mapped[str] = mapped_column(String(KIND))
    weekday: Mapped[int | None] = mapped_column(Integer)
    day_of_month: Mapped[int | None] = mapped_column(Integer)
    nth: Mapped[int | None] = mapped_column(Integer)
    time_of_day: Mapped[str] = mapped_column(String(5), default="10:00")
    window_days: Mapped[int] = mapped_column(Integer, default=5)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)

    def to_record(self) -> r.Schedule:
        return schedule_record(self)


def schedule_record(row: ScheduleRow | Row[Any]) -> r.Schedule:
    """A schedule from its ORM row, or from a plain row of the table's columns (what the
    scheduler reads for every schedule at each look, where ORM rows cost more than the
    query)."""
    return r.Schedule(
        id=row.id,
        community_id=row.community_id,
        kind=r.RoundKind(row.kind),
        pattern_slug=row.pattern_slug,
        cadence=r.ScheduleCadence(row.cadence),
        weekday=row.weekday,
        day_of_month=row.day_of_month,
        nth=row.nth,
        time_of_day=row.time_of_day,
        window_days=row.window_days,
        enabled=row.enabled,
    )

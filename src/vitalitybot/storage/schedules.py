"""When each community's check-ins and surveys fire.

The schedules live here, not in APScheduler's own store: the scheduler rebuilds its
in-memory jobs from ``list_enabled_placed()`` at start and on every poll, so a restart
never loses one and a change made by any process is picked up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from vitalitybot.domain.records import ALL_ADOPTED, RoundKind, Schedule, ScheduleCadence
from vitalitybot.storage._sql import rowcount, upsert_insert
from vitalitybot.storage.models import CommunityRow, ScheduleRow, schedule_record

_TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True, slots=True)
class PlacedSchedule:
    """An enabled schedule with what places it: its community's zone and guild."""

    schedule: Schedule
    timezone: str
    guild_id: int


class ScheduleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert(
        self,
        community_id: int,
        *,
        kind: RoundKind,
        cadence: ScheduleCadence,
        pattern_slug: str = ALL_ADOPTED,
        weekday: int | None = None,
        day_of_month: int | None = None,
        nth: int | None = None,
        time_of_day: str = "10:00",
        window_days: int = 5,
        enabled: bool = True,
    ) -> Schedule:
        """Create or replace the community's schedule for (kind, pattern)."""
        kind, cadence = RoundKind(kind), ScheduleCadence(cadence)
        _check(cadence, weekday, day_of_month, nth, time_of_day, window_days)
        values = {
            "cadence": cadence.value,
            "weekday": weekday,
            "day_of_month": day_of_month,
            "nth": nth,
            "time_of_day": time_of_day,
            "window_days": window_days,
            "enabled": enabled,
        }
        stmt = upsert_insert(self._session, ScheduleRow.__table__).values(
            community_id=community_id, kind=kind.value, pattern_slug=pattern_slug, **values
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["community_id", "kind", "pattern_slug"], set_=values
        )
        await self._session.execute(stmt)
        schedule = await self.find(community_id, kind, pattern_slug)
        assert schedule is not None  # just written in this transaction
        return schedule

    async def get(self, community_id: int, schedule_id: int) -> Schedule | None:
        return await self._first(
            select(ScheduleRow).where(
                ScheduleRow.id == schedule_id, ScheduleRow.community_id == community_id
            )
        )

    async def find(
        self, community_id: int, kind: RoundKind, pattern_slug: str = ALL_ADOPTED
    ) -> Schedule | None:
        return await self._first(
            select(ScheduleRow).where(
                ScheduleRow.community_id == community_id,
                ScheduleRow.kind == RoundKind(kind).value,
                ScheduleRow.pattern_slug == pattern_slug,
            )
        )

    async def list_for(self, community_id: int) -> list[Schedule]:
        result = await self._session.scalars(
            select(ScheduleRow)
            .where(ScheduleRow.community_id == community_id)
            .order_by(ScheduleRow.kind, ScheduleRow.pattern_slug)
            .execution_options(populate_existing=True)
        )
        return [row.to_record() for row in result]

    async def list_enabled(self) -> list[Schedule]:
        """Every enabled schedule of every community: what the scheduler runs."""
        result = await self._session.scalars(
            select(ScheduleRow)
            .where(ScheduleRow.enabled.is_(True))
            .order_by(ScheduleRow.community_id, ScheduleRow.id)
            .execution_options(populate_existing=True)
        )
        return [row.to_record() for row in result]

    async def list_enabled_placed(self) -> list[PlacedSchedule]:
        """``list_enabled`` with each community's time zone and guild, in one query.

        Plain columns, not ORM rows: the scheduler reads every schedule of every
        community at start and at each poll.
        """
        schedules = ScheduleRow.__table__
        result = await self._session.execute(
            select(schedules, CommunityRow.timezone, CommunityRow.guild_id)
            .join(CommunityRow, CommunityRow.id == schedules.c.community_id)
            .where(schedules.c.enabled.is_(True))
            .order_by(schedules.c.community_id, schedules.c.id)
        )
        return [PlacedSchedule(schedule_record(row), row.timezone, row.guild_id) for row in result]

    async def delete(
        self, community_id: int, kind: RoundKind, pattern_slug: str = ALL_ADOPTED
    ) -> bool:
        result = await self._session.execute(
            delete(ScheduleRow).where(
                ScheduleRow.community_id == community_id,
                ScheduleRow.kind == RoundKind(kind).value,
                ScheduleRow.pattern_slug == pattern_slug,
            )
        )
        return rowcount(result) > 0

    async def _first(self, stmt: Select[tuple[ScheduleRow]]) -> Schedule | None:
        result = await self._session.scalars(stmt.execution_options(populate_existing=True))
        row = result.one_or_none()
        return row.to_record() if row else None


def _check(
    cadence: ScheduleCadence,
    weekday: int | None,
    day_of_month: int | None,
    nth: int | None,
    time_of_day: str,
    window_days: int,
) -> None:
    """Refuse a schedule the scheduler could not place in a calendar."""
    if weekday is not None and not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) .. 6 (Sunday), not {weekday}")
    if day_of_month is not None and not 1 <= day_of_month <= 31:
        raise ValueError(f"day_of_month must be 1..31, not {day_of_month}")
    if nth is not None and not (1 <= nth <= 5 or nth == -1):
        raise ValueError(f"nth must be 1..5 or -1 (the last), not {nth}")
    if nth is not None and weekday is None:
        raise ValueError("nth needs a weekday ('the first Tuesday')")
    if nth is not None and day_of_month is not None:
        raise ValueError("give either day_of_month or nth + weekday, not both")
    if cadence is ScheduleCadence.WEEKLY:
        if weekday is None or day_of_month is not None or nth is not None:
            raise ValueError("a weekly schedule needs a weekday and nothing else")
    elif day_of_month is None and nth is None:
        raise ValueError(f"a {cadence} schedule needs day_of_month, or nth and weekday")
    if not _TIME_OF_DAY.match(time_of_day):
        raise ValueError(f"time_of_day must be HH:MM (24 h), not {time_of_day!r}")
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, not {window_days}")

"""A log of what the bot tried to post and whether Discord took it.

A 403 from a channel the bot lost access to must not be retried forever nor go
unnoticed: the services record each attempt here, and coordinators are told of each
failure once (``take_unreported``). Being in the table, the notes outlive a restart and
are the same for every process on the database.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from vitalitybot.domain.records import Delivery, DeliveryStatus
from vitalitybot.storage.models import DeliveryRow


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(
        self,
        community_id: int,
        *,
        kind: str,
        status: DeliveryStatus,
        at: datetime,
        round_id: int | None = None,
        error: str | None = None,
    ) -> Delivery:
        row = DeliveryRow(
            community_id=community_id,
            round_id=round_id,
            kind=kind,
            status=DeliveryStatus(status).value,
            error=error,
            created_at=at,
        )
        self._session.add(row)
        await self._session.flush()
        return row.to_record()

    async def list_recent(
        self, community_id: int, *, status: DeliveryStatus | None = None, limit: int = 50
    ) -> list[Delivery]:
        """Newest first."""
        conditions = _conditions(community_id, status)
        result = await self._session.scalars(
            select(DeliveryRow)
            .where(*conditions)
            .order_by(DeliveryRow.created_at.desc(), DeliveryRow.id.desc())
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        return [row.to_record() for row in result]

    async def count(
        self,
        community_id: int,
        *,
        status: DeliveryStatus | None = None,
        since: datetime | None = None,
    ) -> int:
        conditions = _conditions(community_id, status)
        if since is not None:
            conditions.append(DeliveryRow.created_at >= since)
        stmt = select(func.count()).select_from(DeliveryRow).where(*conditions)
        return int((await self._session.execute(stmt)).scalar_one())

    async def take_unreported(
        self, community_id: int, *, at: datetime, limit: int
    ) -> list[Delivery]:
        """The failures the coordinator has not been told of, marked as told at ``at``.

        The newest ``limit`` of them, oldest first (the order they happened in); older
        ones are marked too: ``/vitality status`` still lists the recent failures.
        """
        conditions = _conditions(community_id, DeliveryStatus.FAILED)
        conditions.append(DeliveryRow.reported_at.is_(None))
        ids = list(await self._session.scalars(select(DeliveryRow.id).where(*conditions)))
        if not ids:
            return []
        result = await self._session.scalars(
            select(DeliveryRow)
            .where(DeliveryRow.id.in_(ids))
            .order_by(DeliveryRow.created_at.desc(), DeliveryRow.id.desc())
            .limit(limit)
        )
        taken = [row.to_record() for row in result]
        await self._session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id.in_(ids))
            .values(reported_at=at)
            .execution_options(synchronize_session=False)
        )
        taken.reverse()
        return taken


def _conditions(community_id: int, status: DeliveryStatus | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [DeliveryRow.community_id == community_id]
    if status is not None:
        conditions.append(DeliveryRow.status == DeliveryStatus(status).value)
    return conditions

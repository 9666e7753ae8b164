"""A log of what the bot tried to post and whether Discord took it.

A 403 from a channel the bot lost access to must not be retried forever nor go
unnoticed: the adapter records each attempt here and coordinators can be told.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, select
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


def _conditions(community_id: int, status: DeliveryStatus | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [DeliveryRow.community_id == community_id]
    if status is not None:
        conditions.append(DeliveryRow.status == DeliveryStatus(status).value)
    return conditions

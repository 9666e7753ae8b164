"""The ``servers`` table: what a Discord server decides once for all its communities.

Beside ``models.py`` rather than in it only to keep that file to the community tables; it
is imported there, so the metadata Alembic compares always holds it. A server without a
row has every default, so nothing has to create one before it is read.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Final

from sqlalchemy import BigInteger, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from vitalitybot.domain import records as r
from vitalitybot.storage._sql import upsert_insert
from vitalitybot.storage.model_base import Base


class ServerRow(Base):
    __tablename__ = "servers"

    guild_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    sponsor_role_id: Mapped[int | None] = mapped_column(BigInteger)
    digest_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    digest_period: Mapped[str | None] = mapped_column(String(16))  # e.g. "2026-Q4"
    updated_at: Mapped[datetime]

    def to_record(self) -> r.Server:
        return r.Server(
            guild_id=self.guild_id,
            sponsor_role_id=self.sponsor_role_id,
            digest_channel_id=self.digest_channel_id,
            digest_period=self.digest_period,
        )


class _Keep(Enum):
    KEEP = "keep"


KEEP: Final = _Keep.KEEP
"""Default of ``ServerRepository.update`` arguments: leave this setting as it is."""


class ServerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, guild_id: int) -> r.Server:
        """The server's settings; the defaults when it never changed any."""
        row = await self._session.get(ServerRow, guild_id, populate_existing=True)
        return row.to_record() if row else r.Server(guild_id)

    async def list_with_digest(self) -> list[r.Server]:
        """Servers that chose a channel for the portfolio digest."""
        result = await self._session.scalars(
            select(ServerRow)
            .where(ServerRow.digest_channel_id.is_not(None))
            .order_by(ServerRow.guild_id)
            .execution_options(populate_existing=True)
        )
        return [row.to_record() for row in result]

    async def update(
        self,
        guild_id: int,
        *,
        at: datetime,
        sponsor_role_id: int | _Keep | None = KEEP,
        digest_channel_id: int | _Keep | None = KEEP,
        digest_period: str | _Keep | None = KEEP,
    ) -> r.Server:
        """Change the settings given, creating the row on first use."""
        changes: dict[str, Any] = {
            key: value
            for key, value in {
                "sponsor_role_id": sponsor_role_id,
                "digest_channel_id": digest_channel_id,
                "digest_period": digest_period,
            }.items()
            if value is not KEEP
        }
        stmt = upsert_insert(self._session, ServerRow.__table__).values(
            guild_id=guild_id, updated_at=at, **changes
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["guild_id"], set_={"updated_at": at, **changes}
        )
        await self._session.execute(stmt)
        return await self.get(guild_id)

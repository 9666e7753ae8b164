"""Communities (several per Discord server, each known there by its name), their settings
and adopted patterns."""

from __future__ import annotations

import math
from datetime import datetime
from enum import Enum
from typing import Any, Final

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from vitalitybot.domain.privacy import DEFAULT_MIN_RESPONDENTS
from vitalitybot.domain.records import AdoptedPattern, Community, WhoCommits
from vitalitybot.scheduling.spec import zone_or_error
from vitalitybot.storage._sql import rowcount, upsert_insert
from vitalitybot.storage.errors import NotFoundError
from vitalitybot.storage.models import AdoptedPatternRow, CommitmentRow, CommunityRow, RoundRow

DEFAULT_THRESHOLD: Final = 0.5
DEFAULT_MAX_ITEMS: Final = 8


class _Unset(Enum):
    UNSET = "unset"


UNSET: Final = _Unset.UNSET
"""Default of ``update_settings`` arguments: leave this setting as it is."""


class CommunityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get_or_create(
        self,
        guild_id: int,
        name: str,
        *,
        at: datetime,
        timezone: str = "UTC",
        anonymous: bool = True,
    ) -> tuple[Community, bool]:
        """The server's community of this name, created if new; safe when two set-ups race
        to create it."""
        _check_timezone(timezone)
        stmt = (
            upsert_insert(self._session, CommunityRow.__table__)
            .values(
                guild_id=guild_id,
                name=name,
                timezone=timezone,
                threshold=DEFAULT_THRESHOLD,
                min_respondents=DEFAULT_MIN_RESPONDENTS,
                max_items=DEFAULT_MAX_ITEMS,
                anonymous=anonymous,
                created_at=at,
            )
            .on_conflict_do_nothing(index_elements=["guild_id", "name"])
            .returning(CommunityRow.__table__.c.id)
        )
        created = (await self._session.execute(stmt)).scalar_one_or_none() is not None
        row = await self._one((CommunityRow.guild_id == guild_id) & (CommunityRow.name == name))
        if row is None:  # pragma: no cover - deleted between the two statements
            raise NotFoundError(f"community {name!r} of guild {guild_id} vanished while created")
        return row.to_record(), created

    async def get(self, community_id: int) -> Community | None:
        row = await self._one(CommunityRow.id == community_id)
        return row.to_record() if row else None

    async def list_for_guild(self, guild_id: int) -> list[Community]:
        """The server's communities, by name."""
        result = await self._session.scalars(
            select(CommunityRow)
            .where(CommunityRow.guild_id == guild_id)
            .order_by(CommunityRow.name, CommunityRow.id)
            .execution_options(populate_existing=True)
        )
        return [row.to_record() for row in result]

    async def of_round(self, guild_id: int, round_id: int) -> Community | None:
        """The community holding the round, when that community is in this server."""
        return await self._holding(guild_id, RoundRow, round_id)

    async def of_commitment(self, guild_id: int, commitment_id: int) -> Community | None:
        """The community that made the commitment, when that community is in this server."""
        return await self._holding(guild_id, CommitmentRow, commitment_id)

    async def _holding(
        self, guild_id: int, table: type[RoundRow] | type[CommitmentRow], row_id: int
    ) -> Community | None:
        result = await self._session.scalars(
            select(CommunityRow)
            .join(table, table.community_id == CommunityRow.id)
            .where(table.id == row_id, CommunityRow.guild_id == guild_id)
            .execution_options(populate_existing=True)
        )
        row = result.one_or_none()
        return row.to_record() if row else None

    async def list_all(self) -> list[Community]:
        result = await self._session.scalars(
            select(CommunityRow).order_by(CommunityRow.id).execution_options(populate_existing=True)
        )
        return [row.to_record() for row in result]

    async def update_settings(
        self,
        community_id: int,
        *,
        name: str | _Unset = UNSET,
        timezone: str | _Unset = UNSET,
        coordinator_role_id: int | _Unset | None = UNSET,
        steward_role_id: int | _Unset | None = UNSET,
        channel_id: int | _Unset | None = UNSET,
        category_id: int | _Unset | None = UNSET,
        threshold: float | _Unset = UNSET,
        min_respondents: int | _Unset = UNSET,
        max_items: int | _Unset = UNSET,
        anonymous: bool | _Unset = UNSET,
        who_commits: WhoCommits | _Unset = UNSET,
    ) -> Community:
        """Change only the settings given; raises ValueError for a value out of range."""
        changes: dict[str, Any] = {
            key: value
            for key, value in {
                "name": name,
                "timezone": timezone,
                "coordinator_role_id": coordinator_role_id,
                "steward_role_id": steward_role_id,
                "channel_id": channel_id,
                "category_id": category_id,
                "threshold": threshold,
                "min_respondents": min_respondents,
                "max_items": max_items,
                "anonymous": anonymous,
                "who_commits": who_commits,
            }.items()
            if value is not UNSET
        }
        _check_settings(changes)
        if changes:
            await self._session.execute(
                update(CommunityRow).where(CommunityRow.id == community_id).values(**changes)
            )
        community = await self.get(community_id)
        if community is None:
            raise NotFoundError(f"no community {community_id}")
        return community

    async def delete(self, community_id: int) -> bool:
        """Remove a community and, by cascade, everything stored for it."""
        result = await self._session.execute(
            delete(CommunityRow).where(CommunityRow.id == community_id)
        )
        return rowcount(result) > 0

    async def adopt(self, community_id: int, pattern_slug: str, *, at: datetime) -> bool:
        """Adopt a pattern; False if it already was."""
        stmt = (
            upsert_insert(self._session, AdoptedPatternRow.__table__)
            .values(community_id=community_id, pattern_slug=pattern_slug, adopted_at=at)
            .on_conflict_do_nothing(index_elements=["community_id", "pattern_slug"])
        )
        return rowcount(await self._session.execute(stmt)) > 0

    async def drop(self, community_id: int, pattern_slug: str) -> bool:
        """Stop watching a pattern; False if it was not adopted."""
        result = await self._session.execute(
            delete(AdoptedPatternRow).where(
                AdoptedPatternRow.community_id == community_id,
                AdoptedPatternRow.pattern_slug == pattern_slug,
            )
        )
        return rowcount(result) > 0

    async def list_adopted(self, community_id: int) -> list[AdoptedPattern]:
        result = await self._session.scalars(
            select(AdoptedPatternRow)
            .where(AdoptedPatternRow.community_id == community_id)
            .order_by(AdoptedPatternRow.adopted_at, AdoptedPatternRow.pattern_slug)
            .execution_options(populate_existing=True)
        )
        return [row.to_record() for row in result]

    async def _one(self, condition: Any) -> CommunityRow | None:
        result = await self._session.scalars(
            select(CommunityRow).where(condition).execution_options(populate_existing=True)
        )
        return result.one_or_none()


def _check_timezone(name: str) -> None:
    """A ValueError (a ScheduleError) unless ``name`` is a canonical IANA zone name."""
    zone_or_error(name)


def _check_settings(changes: dict[str, Any]) -> None:
    if "name" in changes and not str(changes["name"]).strip():
        raise ValueError("a community needs a name")
    if "timezone" in changes:
        _check_timezone(changes["timezone"])
    if "who_commits" in changes:
        changes["who_commits"] = WhoCommits(changes["who_commits"]).value
    if "threshold" in changes:
        threshold = changes["threshold"]
        if not (math.isfinite(threshold) and 0.0 <= threshold <= 1.0):
            raise ValueError(f"threshold must be between 0 and 1, not {threshold}")
    for key in ("min_respondents", "max_items"):
        if key in changes and changes[key] < 1:
            raise ValueError(f"{key} must be at least 1, not {changes[key]}")

"""Commitments: stored per community, read back for the rounds that follow them up.

Every query is scoped by ``community_id``: a commitment id from a button another
community could forge is never enough to read or change one.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from vitalitybot.domain.records import Commitment, CommitmentStatus
from vitalitybot.storage._sql import rowcount
from vitalitybot.storage.commitment_row import TEXT_MAX, CommitmentRow, CommitmentSignRow


class CommitmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        community_id: int,
        *,
        text: str,
        at: datetime,
        pattern_slug: str = "",
        sign_ids: Sequence[str] = (),
        round_id: int | None = None,
        suggestion_id: int | None = None,
        owner_role_id: int | None = None,
        review_at: datetime | None = None,
    ) -> Commitment:
        """Store a new open commitment; ValueError for empty or over-long words."""
        words = " ".join(text.split())
        if not words:
            raise ValueError("a commitment needs a few words about what will change")
        if len(words) > TEXT_MAX:
            raise ValueError(f"a commitment is at most {TEXT_MAX} characters, not {len(words)}")
        row = CommitmentRow(
            community_id=community_id,
            text=words,
            status=CommitmentStatus.OPEN.value,
            created_at=at,
            pattern_slug=pattern_slug,
            signs=[CommitmentSignRow(sign_id=sign) for sign in dict.fromkeys(sign_ids)],
            round_id=round_id,
            suggestion_id=suggestion_id,
            owner_role_id=owner_role_id,
            review_at=review_at,
        )
        self._session.add(row)
        await self._session.flush()
        found = await self.get(community_id, row.id)
        assert found is not None  # flushed just above, in this transaction
        return found

    async def get(self, community_id: int, commitment_id: int) -> Commitment | None:
        rows = await self._select(
            CommitmentRow.community_id == community_id, CommitmentRow.id == commitment_id
        )
        return rows[0] if rows else None

    async def recent(
        self,
        community_id: int,
        *,
        statuses: Collection[CommitmentStatus] | None = None,
        limit: int | None = None,
    ) -> list[Commitment]:
        """The community's commitments, newest first."""
        conditions: list[ColumnElement[bool]] = [CommitmentRow.community_id == community_id]
        if statuses is not None:
            conditions.append(CommitmentRow.status.in_([s.value for s in statuses]))
        return await self._select(*conditions, newest_first=True, limit=limit)

    async def awaiting_review(
        self, community_id: int, *, pattern_slug: str | None = None, sign_id: str | None = None
    ) -> list[Commitment]:
        """Open commitments no later round has weighed yet, oldest first."""
        conditions: list[ColumnElement[bool]] = [
            CommitmentRow.community_id == community_id,
            CommitmentRow.status == CommitmentStatus.OPEN.value,
            CommitmentRow.reviewed_round_id.is_(None),
        ]
        if pattern_slug is not None:
            conditions.append(CommitmentRow.pattern_slug == pattern_slug)
        if sign_id is not None:
            conditions.append(CommitmentRow.signs.any(CommitmentSignRow.sign_id == sign_id))
        return await self._select(*conditions)

    async def changed_since(self, community_id: int, since: datetime) -> list[Commitment]:
        """Commitments made, done or dropped at or after ``since``, oldest first."""
        return await self._select(
            CommitmentRow.community_id == community_id,
            or_(CommitmentRow.created_at >= since, CommitmentRow.closed_at >= since),
        )

    async def for_signs(
        self, community_id: int, signs: Collection[tuple[str, str]]
    ) -> list[Commitment]:
        """Every commitment about one of these ``(pattern_slug, sign_id)``, oldest first."""
        if not signs:
            return []
        wanted = set(signs)
        ids = {sign for _, sign in wanted}
        found = await self._select(
            CommitmentRow.community_id == community_id,
            CommitmentRow.signs.any(CommitmentSignRow.sign_id.in_(ids)),
        )
        return [c for c in found if any((c.pattern_slug, s) in wanted for s in c.sign_ids)]

    async def set_status(
        self, community_id: int, commitment_id: int, status: CommitmentStatus, *, at: datetime
    ) -> Commitment | None:
        """Mark done, dropped or open again; None when the community has no such commitment."""
        closed_at = None if status is CommitmentStatus.OPEN else at
        result = await self._session.execute(
            update(CommitmentRow)
            .where(CommitmentRow.community_id == community_id, CommitmentRow.id == commitment_id)
            .values(status=CommitmentStatus(status).value, closed_at=closed_at)
            .execution_options(synchronize_session=False)
        )
        if rowcount(result) == 0:
            return None
        return await self.get(community_id, commitment_id)

    async def mark_reviewed(
        self, community_id: int, commitment_ids: Sequence[int], round_id: int
    ) -> int:
        """Note the round whose results first weighed these; the first such round stays."""
        if not commitment_ids:
            return 0
        result = await self._session.execute(
            update(CommitmentRow)
            .where(
                CommitmentRow.community_id == community_id,
                CommitmentRow.id.in_(list(commitment_ids)),
                CommitmentRow.reviewed_round_id.is_(None),
            )
            .values(reviewed_round_id=round_id)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result)

    async def _select(
        self, *conditions: ColumnElement[bool], newest_first: bool = False, limit: int | None = None
    ) -> list[Commitment]:
        order = (
            (CommitmentRow.created_at.desc(), CommitmentRow.id.desc())
            if newest_first
            else (CommitmentRow.created_at, CommitmentRow.id)
        )
        stmt = (
            select(CommitmentRow)
            .where(*conditions)
            .order_by(*order)
            .execution_options(populate_existing=True)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        return [row.to_record() for row in await self._session.scalars(stmt)]

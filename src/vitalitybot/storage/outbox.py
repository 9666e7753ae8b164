"""The outbox: posts waiting in the deliveries table until a drain sends them.

A post is stored ``pending`` by the transaction that decides it, so it is there exactly
when the decision is; the drain (services/outbox.py) takes a community's pending posts
oldest first and marks each ``sent`` or ``failed``. The stored message goes when the
row is done with: a harvest's words live in the harvests table, where ``/me forget``
reaches them, and nowhere else for longer than it takes to post them. The rows are the
deliveries log the coordinator notes read (deliveries.py): one table says both what is
waiting and what went wrong.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from vitalitybot.domain.records import Community, DeliveryStatus, Round
from vitalitybot.storage.models import CommunityRow, DeliveryRow, RoundRow

PENDING = DeliveryStatus.PENDING.value
NONCE_BYTES = 12  # 24 hex characters: within Discord's 25, and never the same twice


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A post waiting to be sent, with what sending it needs: its community, and its
    round as it is now (None: not a round's post, or the round is gone). ``payload`` is
    the message as JSON (render/payload.py)."""

    id: int
    community: Community
    round: Round | None
    kind: str
    payload: str
    nonce: str
    attempts: int
    next_attempt_at: datetime

    @property
    def community_id(self) -> int:
        return self.community.id

    @property
    def round_id(self) -> int | None:
        return self.round.id if self.round is not None else None


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, community_id: int, *, kind: str, payload: str, at: datetime, round_id: int | None
    ) -> int:
        """Store a post to send; its random nonce lets Discord refuse a second copy of it
        (row ids alone repeat from one database to the next)."""
        row = DeliveryRow(
            community_id=community_id,
            round_id=round_id,
            kind=kind,
            status=PENDING,
            created_at=at,
            payload=payload,
            nonce=secrets.token_hex(NONCE_BYTES),
            attempts=0,
            next_attempt_at=at,
        )
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def oldest(self, community_id: int) -> OutboxEntry | None:
        """The community's pending post that goes out first, due or not, read with its
        community and round in one statement: every post of a busy minute needs them."""
        found = (
            await self._session.execute(
                select(DeliveryRow, CommunityRow, RoundRow)
                .join(CommunityRow, CommunityRow.id == DeliveryRow.community_id)
                .outerjoin(RoundRow, RoundRow.id == DeliveryRow.round_id)
                .where(DeliveryRow.community_id == community_id, DeliveryRow.status == PENDING)
                .order_by(DeliveryRow.id)
                .limit(1)
                .execution_options(populate_existing=True)
            )
        ).one_or_none()
        if found is None:
            return None
        row, community, round_ = found
        if row.payload is None or row.nonce is None:
            return None
        return OutboxEntry(
            id=row.id,
            community=community.to_record(),
            round=round_.to_record() if round_ is not None else None,
            kind=row.kind,
            payload=row.payload,
            nonce=row.nonce,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at or row.created_at,
        )

    async def heads(self) -> list[tuple[int, int, datetime]]:
        """(community id, guild id, when it may go) of each community's first pending post,
        oldest first: the post its community's others wait behind."""
        first = (
            select(func.min(DeliveryRow.id).label("id"))
            .where(DeliveryRow.status == PENDING)
            .group_by(DeliveryRow.community_id)
            .subquery()
        )
        result = await self._session.execute(
            select(DeliveryRow.community_id, CommunityRow.guild_id, DeliveryRow.next_attempt_at)
            .join(first, first.c.id == DeliveryRow.id)
            .join(CommunityRow, CommunityRow.id == DeliveryRow.community_id)
            .order_by(DeliveryRow.id)
        )
        return [
            (community_id, guild_id, at) for community_id, guild_id, at in result if at is not None
        ]

    async def has_pending(self, community_id: int, round_id: int, kind: str) -> bool:
        found = await self._session.scalar(
            select(DeliveryRow.id).where(
                DeliveryRow.community_id == community_id,
                DeliveryRow.round_id == round_id,
                DeliveryRow.kind == kind,
                DeliveryRow.status == PENDING,
            )
        )
        return found is not None

    async def mark_sent(self, entry_id: int, *, message_id: int | None) -> None:
        await self._set(
            entry_id, status=DeliveryStatus.SENT.value, message_id=message_id, payload=None
        )

    async def mark_failed(self, entry_id: int, *, error: str) -> None:
        await self._set(entry_id, status=DeliveryStatus.FAILED.value, error=error, payload=None)

    async def retry_at(self, entry_id: int, at: datetime, *, error: str) -> None:
        """Leave it pending, to be tried again at ``at``."""
        await self._set(entry_id, next_attempt_at=at, error=error)

    async def _set(self, entry_id: int, **values: object) -> None:
        await self._session.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id == entry_id, DeliveryRow.status == PENDING)
            .values(attempts=DeliveryRow.attempts + 1, **values)
            .execution_options(synchronize_session=False)
        )

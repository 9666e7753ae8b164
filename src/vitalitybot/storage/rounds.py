"""Rounds: one check-in or survey each, open for a window (questions: round_questions.py).

Every method takes the community id and filters on it, including those given a
round id: a round id from one guild must never reach another guild's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select, update

from vitalitybot.domain.records import (
    ALL_ADOPTED,
    OpenRoundTimes,
    Round,
    RoundKind,
    RoundStatus,
    SealedKey,
)
from vitalitybot.storage._sql import rowcount, upsert_insert
from vitalitybot.storage.errors import NotFoundError
from vitalitybot.storage.models import CommunityRow, RoundRow
from vitalitybot.storage.round_end import unlink_ended_round
from vitalitybot.storage.round_questions import RoundQuestions

_OPEN = RoundStatus.OPEN.value


class RoundRepository(RoundQuestions):
    """Rounds, and their questions (inherited from ``RoundQuestions``)."""

    async def open_round(
        self,
        community_id: int,
        *,
        kind: RoundKind,
        period: str,
        anonymous: bool,
        min_respondents: int,
        opened_at: datetime,
        closes_at: datetime,
        pattern_slug: str = ALL_ADOPTED,
        eligible_members: int | None = None,
        status: RoundStatus = RoundStatus.OPEN,
        key: SealedKey | None = None,
    ) -> tuple[Round, bool]:
        """Open the round for ``period`` unless it exists; ``created`` says which.

        The INSERT goes first and yields on the unique (community, kind, pattern,
        period) constraint, so a schedule firing twice, or two processes firing at
        once, end with one round and never with an error. ``status=MISSED`` records
        a period the bot was not there to run. ``key`` is the round's sealed key,
        stored only if this call creates the round.
        """
        if closes_at <= opened_at:
            raise ValueError("a round must close after it opens")
        kind = RoundKind(kind)
        stmt = (
            upsert_insert(self._session, RoundRow)
            .values(
                community_id=community_id,
                kind=kind.value,
                pattern_slug=pattern_slug,
                period=period,
                status=RoundStatus(status).value,
                anonymous=anonymous,
                min_respondents=min_respondents,
                opened_at=opened_at,
                closes_at=closes_at,
                eligible_members=eligible_members,
                key_nonce=key.nonce if key is not None else None,
                sealed_key=key.sealed if key is not None else None,
            )
            .on_conflict_do_nothing(
                index_elements=["community_id", "kind", "pattern_slug", "period"]
            )
            .returning(RoundRow)
        )
        made = await self._session.scalars(stmt, execution_options={"populate_existing": True})
        row = made.one_or_none()
        if row is not None:
            return row.to_record(), True
        round_ = await self.find(community_id, kind, period, pattern_slug)
        if round_ is None:
            raise NotFoundError(f"round {kind}/{pattern_slug}/{period} vanished while opening")
        return round_, False

    async def get(self, community_id: int, round_id: int) -> Round | None:
        return await self._first(
            select(RoundRow).where(RoundRow.id == round_id, RoundRow.community_id == community_id)
        )

    async def find(
        self, community_id: int, kind: RoundKind, period: str, pattern_slug: str = ALL_ADOPTED
    ) -> Round | None:
        return await self._first(
            select(RoundRow).where(
                RoundRow.community_id == community_id,
                RoundRow.kind == RoundKind(kind).value,
                RoundRow.pattern_slug == pattern_slug,
                RoundRow.period == period,
            )
        )

    async def sealed_key(self, community_id: int, round_id: int) -> SealedKey | None:
        """The round's sealed key; None once it has ended (or for a round never keyed)."""
        keys = await self._sealed_keys(
            RoundRow.id == round_id, RoundRow.community_id == community_id
        )
        return keys.get(round_id)

    async def open_keys(self, community_id: int) -> dict[int, SealedKey]:
        """The sealed key of each open round of the community, by round id."""
        return await self._sealed_keys(
            RoundRow.community_id == community_id, RoundRow.status == _OPEN
        )

    async def _sealed_keys(self, *conditions: ColumnElement[bool]) -> dict[int, SealedKey]:
        result = await self._session.execute(
            select(RoundRow.id, RoundRow.key_nonce, RoundRow.sealed_key).where(
                *conditions, RoundRow.key_nonce.is_not(None), RoundRow.sealed_key.is_not(None)
            )
        )
        return {
            round_id: SealedKey(nonce=nonce, sealed=sealed) for round_id, nonce, sealed in result
        }

    async def count_ended_anonymous(self, community_id: int) -> int:
        """Anonymous rounds that have ended: their rows can no longer be linked to anyone."""
        result = await self._session.execute(
            select(func.count())
            .select_from(RoundRow)
            .where(
                RoundRow.community_id == community_id,
                RoundRow.anonymous.is_(True),
                RoundRow.status != _OPEN,
            )
        )
        return int(result.scalar_one())

    async def list_open(self, community_id: int) -> list[Round]:
        return await self._all(
            select(RoundRow)
            .where(RoundRow.community_id == community_id, RoundRow.status == _OPEN)
            .order_by(RoundRow.closes_at, RoundRow.id)
        )

    async def list_all_open(self) -> list[Round]:
        """Open rounds of every community: a restart posts those never posted."""
        return await self._all(
            select(RoundRow)
            .where(RoundRow.status == _OPEN)
            .order_by(RoundRow.closes_at, RoundRow.id)
        )

    async def list_unposted(self) -> list[Round]:
        """Open rounds whose post never went out, of every community: a restart posts
        them. Only these: a start over thousands of communities reads no other round."""
        return await self._all(
            select(RoundRow)
            .where(RoundRow.status == _OPEN, RoundRow.message_id.is_(None))
            .order_by(RoundRow.closes_at, RoundRow.id)
        )

    async def list_open_times(self) -> list[OpenRoundTimes]:
        """The times of every open round, for the scheduler's due work.

        Only the columns it needs: it reads them for every open round at each wake-up.
        """
        result = await self._session.execute(
            select(
                RoundRow.id,
                RoundRow.community_id,
                CommunityRow.guild_id,
                RoundRow.opened_at,
                RoundRow.closes_at,
                RoundRow.reminded_at,
            )
            .join(CommunityRow, CommunityRow.id == RoundRow.community_id)
            .where(RoundRow.status == _OPEN)
            .order_by(RoundRow.closes_at, RoundRow.id)
        )
        return [OpenRoundTimes(*row) for row in result]

    async def list_recent(
        self, community_id: int, *, kind: RoundKind | None = None, limit: int = 12
    ) -> list[Round]:
        """The community's latest rounds, newest first."""
        conditions: list[ColumnElement[bool]] = [RoundRow.community_id == community_id]
        if kind is not None:
            conditions.append(RoundRow.kind == RoundKind(kind).value)
        return await self._all(
            select(RoundRow)
            .where(*conditions)
            .order_by(RoundRow.opened_at.desc(), RoundRow.id.desc())
            .limit(limit)
        )

    async def list_closed(self, community_id: int) -> list[Round]:
        """Every round the community has closed, oldest first: its history."""
        return await self._all(
            select(RoundRow)
            .where(
                RoundRow.community_id == community_id,
                RoundRow.status == RoundStatus.CLOSED.value,
            )
            .order_by(RoundRow.opened_at, RoundRow.id)
        )

    async def latest_for(
        self, community_id: int, kind: RoundKind, pattern_slug: str = ALL_ADOPTED
    ) -> Round | None:
        """The newest round of one schedule (kind + pattern), whatever its status.

        What a restart compares with the schedule to find the runs it slept through.
        """
        return await self._first(
            select(RoundRow)
            .where(
                RoundRow.community_id == community_id,
                RoundRow.kind == RoundKind(kind).value,
                RoundRow.pattern_slug == pattern_slug,
            )
            .order_by(RoundRow.opened_at.desc(), RoundRow.id.desc())
            .limit(1)
        )

    async def latest_openings(self) -> dict[tuple[int, RoundKind, str], datetime]:
        """When each schedule (community, kind, pattern) last opened a round, any status.

        ``latest_for`` for every schedule at once, for a restart over thousands of
        communities: one grouped query instead of one round trip per schedule.
        """
        result = await self._session.execute(
            select(
                RoundRow.community_id,
                RoundRow.kind,
                RoundRow.pattern_slug,
                func.max(RoundRow.opened_at),
            ).group_by(RoundRow.community_id, RoundRow.kind, RoundRow.pattern_slug)
        )
        return {
            (community_id, RoundKind(kind), pattern_slug): opened_at
            for community_id, kind, pattern_slug, opened_at in result
        }

    async def count(
        self,
        community_id: int,
        *,
        kind: RoundKind,
        pattern_slug: str = ALL_ADOPTED,
        statuses: Sequence[RoundStatus] = (RoundStatus.OPEN, RoundStatus.CLOSED),
    ) -> int:
        """How many rounds of one schedule there were (by default: those actually run)."""
        result = await self._session.execute(
            select(func.count())
            .select_from(RoundRow)
            .where(
                RoundRow.community_id == community_id,
                RoundRow.kind == RoundKind(kind).value,
                RoundRow.pattern_slug == pattern_slug,
                RoundRow.status.in_([RoundStatus(s).value for s in statuses]),
            )
        )
        return int(result.scalar_one())

    async def close(self, community_id: int, round_id: int, *, at: datetime) -> bool:
        """Close an open round; False if it was not open (closing twice is harmless).

        Ending a round (here or in ``mark_missed``) unlinks its rows from members in
        the same transaction (round_end.py).
        """
        return await self._transition(community_id, round_id, RoundStatus.CLOSED, at)

    async def mark_missed(self, community_id: int, round_id: int, *, at: datetime) -> bool:
        """Give up on an open round whose window passed unattended."""
        return await self._transition(community_id, round_id, RoundStatus.MISSED, at)

    async def set_reminded(self, community_id: int, round_id: int, *, at: datetime) -> bool:
        """Note the reminder; False if one was already sent, so it goes out once."""
        result = await self._session.execute(
            update(RoundRow)
            .where(
                RoundRow.id == round_id,
                RoundRow.community_id == community_id,
                RoundRow.reminded_at.is_(None),
            )
            .values(reminded_at=at)
        )
        return rowcount(result) > 0

    async def set_message(
        self,
        community_id: int,
        round_id: int,
        *,
        channel_id: int | None,
        message_id: int | None,
        thread_id: int | None = None,
    ) -> Round | None:
        """Where the round was posted, so buttons and the close can find it again; the
        round as it now is (None: no such round in the community)."""
        placed = await self._session.scalars(
            update(RoundRow)
            .where(RoundRow.id == round_id, RoundRow.community_id == community_id)
            .values(channel_id=channel_id, message_id=message_id, thread_id=thread_id)
            .returning(RoundRow),
            execution_options={"populate_existing": True},
        )
        row = placed.one_or_none()
        return row.to_record() if row is not None else None

    async def set_eligible_members(self, community_id: int, round_id: int, count: int) -> bool:
        result = await self._session.execute(
            update(RoundRow)
            .where(RoundRow.id == round_id, RoundRow.community_id == community_id)
            .values(eligible_members=count)
        )
        return rowcount(result) > 0

    async def _transition(
        self, community_id: int, round_id: int, status: RoundStatus, at: datetime
    ) -> bool:
        result = await self._session.execute(
            update(RoundRow)
            .where(
                RoundRow.id == round_id,
                RoundRow.community_id == community_id,
                RoundRow.status == _OPEN,
            )
            .values(status=status.value, closed_at=at)
        )
        if rowcount(result) == 0:
            return False
        await unlink_ended_round(self._session, round_id, at)
        return True

    async def _first(self, stmt: Select[tuple[RoundRow]]) -> Round | None:
        result = await self._session.scalars(stmt.execution_options(populate_existing=True))
        row = result.one_or_none()
        return row.to_record() if row else None

    async def _all(self, stmt: Select[tuple[RoundRow]]) -> list[Round]:
        result = await self._session.scalars(stmt.execution_options(populate_existing=True))
        return [row.to_record() for row in result]

"""What a closed round leaves behind: scores, suggestions posted, the harvest.

Writes are idempotent (upserts, or inserts that yield on conflict) because the
close of a round can be retried after a crash or fired twice by the scheduler.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from vitalitybot.domain.records import (
    Harvest,
    ScorePoint,
    ScoreRecord,
    SuggestionKind,
    SuggestionRecord,
)
from vitalitybot.storage._sql import rowcount, upsert_insert
from vitalitybot.storage.errors import NotFoundError
from vitalitybot.storage.models import HarvestRow, RoundRow, ScoreRow, SuggestionRow


class OutcomeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save_scores(
        self, community_id: int, round_id: int, scores: Sequence[ScoreRecord]
    ) -> None:
        """Store a round's scores, replacing any saved by an earlier close of it."""
        await self._check_round(community_id, round_id)
        if any(score.round_id != round_id for score in scores):
            raise ValueError(f"every score saved for round {round_id} must name that round")
        if not scores:
            return
        stmt = upsert_insert(self._session, ScoreRow.__table__)
        stmt = stmt.on_conflict_do_update(
            index_elements=["round_id", "pattern_slug", "sign_id"],
            set_={
                "n": stmt.excluded.n,
                "mean": stmt.excluded.mean,
                "share_high": stmt.excluded.share_high,
                "crossed": stmt.excluded.crossed,
            },
        )
        await self._session.execute(
            stmt,
            [
                {
                    "round_id": round_id,
                    "pattern_slug": score.pattern_slug,
                    "sign_id": score.sign_id,
                    "n": score.n,
                    "mean": score.mean,
                    "share_high": score.share_high,
                    "crossed": score.crossed,
                }
                for score in scores
            ],
        )

    async def list_scores(self, community_id: int, round_id: int) -> list[ScoreRecord]:
        result = await self._session.scalars(
            select(ScoreRow)
            .join(RoundRow, RoundRow.id == ScoreRow.round_id)
            .where(ScoreRow.round_id == round_id, RoundRow.community_id == community_id)
            .order_by(ScoreRow.pattern_slug, ScoreRow.sign_id)
            .execution_options(populate_existing=True)
        )
        return [row.to_record() for row in result]

    async def score_history(
        self,
        community_id: int,
        *,
        pattern_slug: str | None = None,
        sign_id: str | None = None,
    ) -> list[ScorePoint]:
        """Scores across the community's rounds, oldest first: the trend of each sign."""
        conditions: list[ColumnElement[bool]] = [RoundRow.community_id == community_id]
        if pattern_slug is not None:
            conditions.append(ScoreRow.pattern_slug == pattern_slug)
        if sign_id is not None:
            conditions.append(ScoreRow.sign_id == sign_id)
        result = await self._session.execute(
            select(ScoreRow, RoundRow.period, RoundRow.opened_at, RoundRow.min_respondents)
            .join(RoundRow, RoundRow.id == ScoreRow.round_id)
            .where(*conditions)
            .order_by(RoundRow.opened_at, RoundRow.id, ScoreRow.pattern_slug, ScoreRow.sign_id)
            .execution_options(populate_existing=True)
        )
        return [
            ScorePoint(period, opened_at, row.to_record(), minimum)
            for row, period, opened_at, minimum in result
        ]

    async def record_suggestion(
        self,
        community_id: int,
        round_id: int,
        *,
        pattern_slug: str,
        sign_id: str,
        kind: SuggestionKind,
        at: datetime,
    ) -> int | None:
        """Note a posted suggestion and return its id; None if it was already noted for
        this round (the post that carries it names its id, for a commitment made from it)."""
        await self._check_round(community_id, round_id)
        stmt = (
            upsert_insert(self._session, SuggestionRow.__table__)
            .values(
                community_id=community_id,
                round_id=round_id,
                pattern_slug=pattern_slug,
                sign_id=sign_id,
                kind=SuggestionKind(kind).value,
                posted_at=at,
            )
            .on_conflict_do_nothing(index_elements=["round_id", "pattern_slug", "sign_id", "kind"])
            .returning(SuggestionRow.__table__.c.id)
        )
        result = await self._session.execute(stmt)
        return result.scalar_one_or_none()

    async def list_suggestions(
        self,
        community_id: int,
        *,
        pattern_slug: str | None = None,
        sign_id: str | None = None,
        kind: SuggestionKind | None = None,
    ) -> list[SuggestionRecord]:
        """The community's posted suggestions, oldest first."""
        conditions: list[ColumnElement[bool]] = [SuggestionRow.community_id == community_id]
        if pattern_slug is not None:
            conditions.append(SuggestionRow.pattern_slug == pattern_slug)
        if sign_id is not None:
            conditions.append(SuggestionRow.sign_id == sign_id)
        if kind is not None:
            conditions.append(SuggestionRow.kind == SuggestionKind(kind).value)
        result = await self._session.scalars(
            select(SuggestionRow)
            .where(*conditions)
            .order_by(SuggestionRow.posted_at, SuggestionRow.id)
            .execution_options(populate_existing=True)
        )
        return [row.to_record() for row in result]

    async def get_suggestion(
        self, community_id: int, suggestion_id: int
    ) -> SuggestionRecord | None:
        result = await self._session.scalars(
            select(SuggestionRow)
            .where(SuggestionRow.community_id == community_id, SuggestionRow.id == suggestion_id)
            .execution_options(populate_existing=True)
        )
        row = result.one_or_none()
        return row.to_record() if row else None

    async def acknowledge_suggestion(
        self, community_id: int, suggestion_id: int, *, at: datetime
    ) -> bool:
        """Note that a coordinator has a suggestion in hand; False if there is no such one.

        The first acknowledgement stays: a second click does not move its time.
        """
        result = await self._session.execute(
            update(SuggestionRow)
            .where(
                SuggestionRow.community_id == community_id,
                SuggestionRow.id == suggestion_id,
                SuggestionRow.acknowledged_at.is_(None),
            )
            .values(acknowledged_at=at)
            .execution_options(synchronize_session=False)
        )
        if rowcount(result):
            return True
        return await self.get_suggestion(community_id, suggestion_id) is not None

    async def save_harvest(
        self,
        community_id: int,
        round_id: int,
        *,
        participants: int,
        markdown: str,
        at: datetime,
    ) -> Harvest:
        """Store the round's harvest, replacing an earlier one of the same round."""
        await self._check_round(community_id, round_id)
        stmt = upsert_insert(self._session, HarvestRow.__table__).values(
            round_id=round_id,
            community_id=community_id,
            created_at=at,
            participants=participants,
            markdown=markdown,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["round_id"],
            set_={
                "created_at": stmt.excluded.created_at,
                "participants": stmt.excluded.participants,
                "markdown": stmt.excluded.markdown,
            },
        )
        await self._session.execute(stmt)
        harvest = await self.get_harvest(community_id, round_id)
        assert harvest is not None  # just written in this transaction
        return harvest

    async def get_harvest(self, community_id: int, round_id: int) -> Harvest | None:
        result = await self._session.scalars(
            select(HarvestRow)
            .where(HarvestRow.round_id == round_id, HarvestRow.community_id == community_id)
            .execution_options(populate_existing=True)
        )
        row = result.one_or_none()
        return row.to_record() if row else None

    async def latest_harvest(self, community_id: int) -> Harvest | None:
        result = await self._session.scalars(
            select(HarvestRow)
            .where(HarvestRow.community_id == community_id)
            .order_by(HarvestRow.created_at.desc(), HarvestRow.id.desc())
            .limit(1)
            .execution_options(populate_existing=True)
        )
        row = result.one_or_none()
        return row.to_record() if row else None

    async def count_harvests(self, community_id: int) -> tuple[int, datetime | None]:
        """How many harvests the community keeps, and when the latest was made: without
        reading their text."""
        count, latest = (
            await self._session.execute(
                select(func.count(HarvestRow.id), func.max(HarvestRow.created_at)).where(
                    HarvestRow.community_id == community_id
                )
            )
        ).one()
        return int(count), latest

    async def list_harvests(self, community_id: int) -> list[Harvest]:
        """Every stored harvest of the community, newest first."""
        result = await self._session.scalars(
            select(HarvestRow)
            .where(HarvestRow.community_id == community_id)
            .order_by(HarvestRow.created_at.desc(), HarvestRow.id.desc())
            .execution_options(populate_existing=True)
        )
        return [row.to_record() for row in result]

    async def _check_round(self, community_id: int, round_id: int) -> None:
        found = (
            await self._session.execute(
                select(RoundRow.id).where(
                    RoundRow.id == round_id, RoundRow.community_id == community_id
                )
            )
        ).scalar_one_or_none()
        if found is None:
            raise NotFoundError(f"no round {round_id} in community {community_id}")

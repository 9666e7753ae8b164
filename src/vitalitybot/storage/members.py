"""What is stored about one member: preferences, and data requests (export, forget).

Anonymous answers do not carry the member id, only a respondent key the service
derives from it with each open round's key; so export and forget take those keys as
well as the id, and find a member's rows either way. Rows of rounds that have ended
are found by the id only, in named rounds: an ended round's key is gone.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from vitalitybot.domain.records import ForgetResult, MemberExport, MemberPrefs
from vitalitybot.storage._sql import rowcount, upsert_insert
from vitalitybot.storage.models import (
    AnswerRow,
    MemberPrefsRow,
    QuestionRow,
    RespondentRow,
    RoundRow,
)


class MemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get_prefs(self, community_id: int, member_id: int) -> MemberPrefs | None:
        result = await self._session.scalars(
            select(MemberPrefsRow)
            .where(
                MemberPrefsRow.community_id == community_id,
                MemberPrefsRow.member_id == member_id,
            )
            .execution_options(populate_existing=True)
        )
        row = result.one_or_none()
        return row.to_record() if row else None

    async def set_prefs(
        self,
        community_id: int,
        member_id: int,
        *,
        at: datetime,
        paused: bool | None = None,
        reminders_off: bool | None = None,
    ) -> MemberPrefs:
        """Change the preferences given (None keeps the current value; new members: off)."""
        changes: dict[str, object] = {"updated_at": at}
        if paused is not None:
            changes["paused"] = paused
        if reminders_off is not None:
            changes["reminders_off"] = reminders_off
        stmt = upsert_insert(self._session, MemberPrefsRow.__table__).values(
            community_id=community_id,
            member_id=member_id,
            paused=bool(paused),
            reminders_off=bool(reminders_off),
            updated_at=at,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["community_id", "member_id"], set_=changes
        )
        await self._session.execute(stmt)
        prefs = await self.get_prefs(community_id, member_id)
        assert prefs is not None  # just written in this transaction
        return prefs

    async def list_prefs(self, community_id: int) -> list[MemberPrefs]:
        result = await self._session.scalars(
            select(MemberPrefsRow)
            .where(MemberPrefsRow.community_id == community_id)
            .order_by(MemberPrefsRow.member_id)
            .execution_options(populate_existing=True)
        )
        return [row.to_record() for row in result]

    async def export(
        self, community_id: int, member_id: int, respondent_keys: Collection[str]
    ) -> MemberExport:
        """Every row naming the member in this community, by id or by respondent key.

        ``respondent_keys`` holds the member's key in each round still open (the only
        rounds whose keys can still be recomputed).
        """
        keys = list(respondent_keys)
        in_community = select(RoundRow.id).where(RoundRow.community_id == community_id)
        answers = [
            row.to_record()
            for row in await self._session.scalars(
                select(AnswerRow)
                .where(AnswerRow.round_id.in_(in_community), _names_member(member_id, keys))
                .order_by(AnswerRow.round_id, AnswerRow.question_id)
                .execution_options(populate_existing=True)
            )
        ]
        respondents = [
            row.to_record()
            for row in await self._session.scalars(
                select(RespondentRow)
                .where(
                    RespondentRow.round_id.in_(in_community),
                    RespondentRow.respondent_key.in_(keys),
                )
                .order_by(RespondentRow.round_id)
                .execution_options(populate_existing=True)
            )
        ]
        round_ids = {a.round_id for a in answers} | {r.round_id for r in respondents}
        rounds = [
            row.to_record()
            for row in await self._session.scalars(
                select(RoundRow)
                .where(RoundRow.community_id == community_id, RoundRow.id.in_(round_ids))
                .order_by(RoundRow.opened_at, RoundRow.id)
                .execution_options(populate_existing=True)
            )
        ]
        questions = [
            row.to_record()
            for row in await self._session.scalars(
                select(QuestionRow)
                .where(
                    QuestionRow.round_id.in_(in_community),
                    QuestionRow.id.in_({a.question_id for a in answers}),
                )
                .order_by(QuestionRow.round_id, QuestionRow.position)
                .execution_options(populate_existing=True)
            )
        ]
        return MemberExport(
            community_id=community_id,
            member_id=member_id,
            prefs=await self.get_prefs(community_id, member_id),
            answers=tuple(answers),
            respondents=tuple(respondents),
            rounds=tuple(rounds),
            questions=tuple(questions),
        )

    async def forget(
        self, community_id: int, member_id: int, respondent_keys: Collection[str]
    ) -> ForgetResult:
        """Delete every row naming the member in this community; counts per table.

        Scores, harvests and suggestions are aggregates and stay.
        """
        keys = list(respondent_keys)
        in_community = select(RoundRow.id).where(RoundRow.community_id == community_id)
        answers = await self._session.execute(
            delete(AnswerRow)
            .where(AnswerRow.round_id.in_(in_community), _names_member(member_id, keys))
            .execution_options(synchronize_session=False)
        )
        respondents = await self._session.execute(
            delete(RespondentRow)
            .where(
                RespondentRow.round_id.in_(in_community),
                RespondentRow.respondent_key.in_(keys),
            )
            .execution_options(synchronize_session=False)
        )
        prefs = await self._session.execute(
            delete(MemberPrefsRow).where(
                MemberPrefsRow.community_id == community_id,
                MemberPrefsRow.member_id == member_id,
            )
        )
        return ForgetResult(
            answers=rowcount(answers),
            respondents=rowcount(respondents),
            member_prefs=rowcount(prefs),
        )


def _names_member(member_id: int, keys: list[str]) -> ColumnElement[bool]:
    """An answer is the member's if it carries their id (named rounds) or one of their keys."""
    return or_(AnswerRow.member_id == member_id, AnswerRow.respondent_key.in_(keys))

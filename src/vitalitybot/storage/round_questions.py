"""A round's questions: stored once when it opens, read by everything that follows.

Apart from rounds.py, which ``RoundRepository`` inherits these from, so callers reach
them through ``repos.rounds``. Every method takes the community id and filters on it,
as rounds.py explains.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from vitalitybot.domain.records import Question, QuestionDraft, QuestionKind
from vitalitybot.storage.errors import NotFoundError
from vitalitybot.storage.models import QuestionRow, RoundRow


class RoundQuestions:
    """Storing and reading rounds' questions; the base of ``RoundRepository``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_questions(
        self, community_id: int, round_id: int, drafts: Sequence[QuestionDraft]
    ) -> list[Question]:
        """Store a new round's questions, numbered 1.. in the order given.

        Call once per round, in the transaction that opened it: a second call
        collides with the first on (round, position). The questions are read back
        through the community, which is the check that the round is its own: when it
        is not, ``NotFoundError`` is raised and the caller's transaction rolls the
        rows back.
        """
        if not drafts:
            return []
        await self._session.execute(
            insert(QuestionRow),
            [
                {
                    "round_id": round_id,
                    "position": position,
                    "kind": QuestionKind(draft.kind).value,
                    "pattern_slug": draft.pattern_slug,
                    "sign_id": draft.sign_id,
                    "text": draft.text,
                }
                for position, draft in enumerate(drafts, start=1)
            ],
        )
        questions = await self.list_questions(community_id, round_id)
        if len(questions) != len(drafts):
            raise NotFoundError(f"no round {round_id} in community {community_id}")
        return questions

    async def list_questions(self, community_id: int, round_id: int) -> list[Question]:
        result = await self._session.scalars(
            select(QuestionRow)
            .join(RoundRow, RoundRow.id == QuestionRow.round_id)
            .where(QuestionRow.round_id == round_id, RoundRow.community_id == community_id)
            .order_by(QuestionRow.position)
            .execution_options(populate_existing=True)
        )
        return [row.to_record() for row in result]

    async def get_question(self, community_id: int, question_id: int) -> Question | None:
        result = await self._session.scalars(
            select(QuestionRow)
            .join(RoundRow, RoundRow.id == QuestionRow.round_id)
            .where(QuestionRow.id == question_id, RoundRow.community_id == community_id)
            .execution_options(populate_existing=True)
        )
        row = result.one_or_none()
        return row.to_record() if row else None

"""Answers, who has responded, and the per-question figures scoring needs.

Answers are keyed by respondent key (an HMAC of the member id under the round's key),
so answering again replaces the earlier answer instead of adding a second vote.
Tables without a community column (answers, respondents) are always reached through
their round, whose community is checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, case, func, select

from vitalitybot.domain.records import (
    Answer,
    QuestionAggregate,
    QuestionKind,
    Respondent,
    RespondentStatus,
    Round,
)
from vitalitybot.domain.scale import HIGH
from vitalitybot.storage.models import (
    AnswerRow,
    HarvestRow,
    QuestionRow,
    RespondentRow,
    RoundRow,
)
from vitalitybot.storage.submissions import SubmissionWrites

_answers = AnswerRow.__table__
_questions = QuestionRow.__table__
_rounds = RoundRow.__table__
_respondents = RespondentRow.__table__
_harvests = HarvestRow.__table__


@dataclass(frozen=True, slots=True)
class RespondentAnswers:
    round: Round
    respondent: Respondent | None  # None: not answered nor skipped yet
    answers: list[Answer]


class AnswerRepository(SubmissionWrites):
    """Answers and respondents; checking and storing a submission is inherited."""

    async def get_respondent(
        self, community_id: int, round_id: int, respondent_key: str
    ) -> Respondent | None:
        result = await self._session.scalars(
            select(RespondentRow)
            .join(RoundRow, RoundRow.id == RespondentRow.round_id)
            .where(
                RespondentRow.round_id == round_id,
                RespondentRow.respondent_key == respondent_key,
                RoundRow.community_id == community_id,
            )
            .execution_options(populate_existing=True)
        )
        row = result.one_or_none()
        return row.to_record() if row else None

    async def respondent_answers(
        self, community_id: int, round_id: int, respondent_key: str
    ) -> RespondentAnswers | None:
        """The round as it stands, a respondent's status and answers, in one query.

        What a member opening the round's form needs fresh (the round's questions
        never change, but its status does); None when the round is not in the
        community. Answers are only ever written with their respondent's status, so
        a respondent with no status row has no answers either.
        """
        result = await self._session.execute(
            _RESPONDENT_ANSWERS,
            {"community_id": community_id, "round_id": round_id, "key": respondent_key},
        )
        rows = result.all()
        if not rows:
            return None
        round_, respondent, _ = rows[0]
        return RespondentAnswers(
            round=round_.to_record(),
            respondent=respondent.to_record() if respondent is not None else None,
            answers=[answer.to_record() for _, _, answer in rows if answer is not None],
        )

    async def count_respondents(
        self,
        community_id: int,
        round_id: int,
        status: RespondentStatus | None = RespondentStatus.ANSWERED,
    ) -> int:
        """How many replied (``status=None``: answered or skipped)."""
        stmt = (
            select(func.count())
            .select_from(_respondents.join(_rounds, _rounds.c.id == _respondents.c.round_id))
            .where(_respondents.c.round_id == round_id, _rounds.c.community_id == community_id)
        )
        if status is not None:
            stmt = stmt.where(_respondents.c.status == RespondentStatus(status).value)
        return int((await self._session.execute(stmt)).scalar_one())

    async def count_respondents_by_round(
        self,
        community_id: int,
        round_ids: Sequence[int],
        status: RespondentStatus = RespondentStatus.ANSWERED,
    ) -> dict[int, int]:
        """Respondents per round in one grouped query; rounds nobody answered are absent."""
        if not round_ids:
            return {}
        stmt = (
            select(_respondents.c.round_id, func.count())
            .select_from(_respondents.join(_rounds, _rounds.c.id == _respondents.c.round_id))
            .where(
                _respondents.c.round_id.in_(list(round_ids)),
                _rounds.c.community_id == community_id,
                _respondents.c.status == RespondentStatus(status).value,
            )
            .group_by(_respondents.c.round_id)
        )
        result = await self._session.execute(stmt)
        return {int(round_id): int(count) for round_id, count in result}

    async def shared_reflections(self, community_id: int) -> list[tuple[int, str]]:
        """``(round_id, words)`` of every reflection a member chose to share in a check-in
        that has a harvest: exactly the words the stored harvests quote."""
        stmt = (
            select(_answers.c.round_id, _answers.c.text)
            .select_from(
                _answers.join(_questions, _questions.c.id == _answers.c.question_id)
                .join(_rounds, _rounds.c.id == _answers.c.round_id)
                .join(_harvests, _harvests.c.round_id == _answers.c.round_id)
            )
            .where(
                _rounds.c.community_id == community_id,
                _questions.c.kind == QuestionKind.PROMPT.value,
                _answers.c.shared.is_(True),
                _answers.c.text.is_not(None),
            )
            .order_by(_answers.c.round_id, _answers.c.id)
        )
        result = await self._session.execute(stmt)
        return [(int(round_id), str(words)) for round_id, words in result if words.strip()]

    async def respondent_keys(self, community_id: int, round_id: int) -> set[str]:
        """Everyone who replied, answered or skipped: the members not to remind."""
        result = await self._session.scalars(
            select(_respondents.c.respondent_key)
            .join(_rounds, _rounds.c.id == _respondents.c.round_id)
            .where(_respondents.c.round_id == round_id, _rounds.c.community_id == community_id)
        )
        return set(result.all())

    async def list_answers(
        self,
        community_id: int,
        round_id: int,
        *,
        respondent_key: str | None = None,
        member_id: int | None = None,
        question_id: int | None = None,
    ) -> list[Answer]:
        """A round's answers (optionally one respondent's, one named member's, or one
        question's)."""
        stmt = (
            select(AnswerRow)
            .join(RoundRow, RoundRow.id == AnswerRow.round_id)
            .where(AnswerRow.round_id == round_id, RoundRow.community_id == community_id)
        )
        if respondent_key is not None:
            stmt = stmt.where(AnswerRow.respondent_key == respondent_key)
        if member_id is not None:
            stmt = stmt.where(AnswerRow.member_id == member_id)
        if question_id is not None:
            stmt = stmt.where(AnswerRow.question_id == question_id)
        result = await self._session.scalars(
            stmt.order_by(AnswerRow.question_id, AnswerRow.id).execution_options(
                populate_existing=True
            )
        )
        return [row.to_record() for row in result]

    async def aggregate(self, community_id: int, round_id: int) -> list[QuestionAggregate]:
        """Count, mean and high ratings per question, computed in one grouped query.

        Every question of the round appears, with n = 0 when nobody rated it.
        """
        answers, questions = _answers, _questions
        high = func.sum(case((answers.c.value >= HIGH, 1), else_=0))
        stmt = (
            select(
                questions.c.id,
                questions.c.position,
                questions.c.kind,
                questions.c.pattern_slug,
                questions.c.sign_id,
                func.count(answers.c.value),
                func.avg(answers.c.value),
                high,
            )
            .select_from(
                questions.join(_rounds, _rounds.c.id == questions.c.round_id).outerjoin(
                    answers,
                    and_(
                        answers.c.round_id == questions.c.round_id,
                        answers.c.question_id == questions.c.id,
                    ),
                )
            )
            .where(questions.c.round_id == round_id, _rounds.c.community_id == community_id)
            .group_by(
                questions.c.id,
                questions.c.position,
                questions.c.kind,
                questions.c.pattern_slug,
                questions.c.sign_id,
            )
            .order_by(questions.c.position)
        )
        result = await self._session.execute(stmt)
        return [
            QuestionAggregate(
                question_id=question_id,
                position=position,
                kind=QuestionKind(kind),
                pattern_slug=pattern_slug,
                sign_id=sign_id,
                n=int(n),
                mean=float(mean) if mean is not None else None,
                high=int(high_count or 0),
            )
            for question_id, position, kind, pattern_slug, sign_id, n, mean, high_count in result
        ]


_RESPONDENT_ANSWERS = (
    select(RoundRow, RespondentRow, AnswerRow)
    .select_from(RoundRow)
    .outerjoin(
        RespondentRow,
        and_(
            RespondentRow.round_id == RoundRow.id,
            RespondentRow.respondent_key == bindparam("key"),
        ),
    )
    .outerjoin(
        AnswerRow,
        and_(
            AnswerRow.round_id == RespondentRow.round_id,
            AnswerRow.respondent_key == RespondentRow.respondent_key,
        ),
    )
    .where(RoundRow.id == bindparam("round_id"), RoundRow.community_id == bindparam("community_id"))
    .order_by(AnswerRow.question_id, AnswerRow.id)
    .execution_options(populate_existing=True)
)

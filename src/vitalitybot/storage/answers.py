"""Answers, who has responded, and the per-question figures scoring needs.

Answers are keyed by respondent key (an HMAC of the member id in anonymous rounds),
so answering again replaces the earlier answer instead of adding a second vote.
Tables without a community column (answers, respondents) are always reached through
their round, whose community is checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import TextClause, and_, bindparam, case, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from vitalitybot.storage._sql import rowcount
from vitalitybot.storage.errors import NotFoundError, StorageError
from vitalitybot.storage.models import (
    AnswerRow,
    CommunityRow,
    QuestionRow,
    RespondentRow,
    RoundRow,
)
from vitalitybot.storage.records import (
    Answer,
    AnswerInput,
    Community,
    Question,
    QuestionAggregate,
    QuestionKind,
    Respondent,
    RespondentStatus,
    Round,
    RoundStatus,
)

HIGH = 4  # a rating of 4 or 5 counts as "I see this a lot"

_answers = AnswerRow.__table__
_questions = QuestionRow.__table__
_rounds = RoundRow.__table__
_respondents = RespondentRow.__table__
_OPEN = RoundStatus.OPEN.value


class RoundNotOpenError(StorageError):
    """The round closed (or its window passed) before the submission could be written."""


@dataclass(frozen=True, slots=True)
class SubmissionContext:
    community: Community
    round: Round
    questions: tuple[Question, ...]  # in the round's order


@dataclass(frozen=True, slots=True)
class CheckedSubmission:
    """A submission ``AnswerRepository.check`` found fit for its round; ``write`` stores it."""

    round_id: int
    respondent_key: str
    answers: tuple[AnswerInput, ...]
    member_id: int | None
    earlier: RespondentStatus | None  # the respondent's status before this submission


class AnswerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def submission_context(self, guild_id: int, round_id: int) -> SubmissionContext | None:
        """The guild's community, the round and its questions, in one query.

        What every submission reads first; None when the guild has no community or
        the round is not one of its rounds (the caller finds out which, if it cares).
        """
        rows = (
            await self._session.execute(_CONTEXT, {"guild_id": guild_id, "round_id": round_id})
        ).all()
        if not rows:
            return None
        community, round_, _ = rows[0]
        return SubmissionContext(
            community=community.to_record(),
            round=round_.to_record(),
            questions=tuple(q.to_record() for _, _, q in rows if q is not None),
        )

    async def record(
        self,
        community_id: int,
        round_id: int,
        respondent_key: str,
        answers: Sequence[AnswerInput],
        *,
        at: datetime,
        member_id: int | None = None,
    ) -> RespondentStatus | None:
        """Store a submission, replacing this respondent's earlier answers to the same items.

        ``check`` then ``write``; returns the respondent's status before this
        submission (None: their first reply).
        """
        submission = await self.check(
            community_id, round_id, respondent_key, answers, member_id=member_id
        )
        await self.write(submission, at=at)
        return submission.earlier

    async def check(
        self,
        community_id: int,
        round_id: int,
        respondent_key: str,
        answers: Sequence[AnswerInput],
        *,
        member_id: int | None = None,
    ) -> CheckedSubmission:
        """Check a submission against its round, in one query, without writing anything.

        ``member_id`` is refused in an anonymous round: the guarantee that anonymous
        answers cannot be traced back lives here, not in each caller. Separate from
        ``write`` so that a caller queueing writers (SQLite takes one at a time) can
        check outside the queue and keep each writer's turn short.
        """
        for answer in answers:
            if answer.value is not None and not 1 <= answer.value <= 5:
                raise ValueError(f"ratings are 1..5, not {answer.value}")
        wanted = {answer.question_id for answer in answers}
        checked = (
            await self._session.execute(
                _SUBMISSION_CHECK,
                {
                    "round_id": round_id,
                    "community_id": community_id,
                    "respondent_key": respondent_key,
                    "question_ids": sorted(wanted),
                },
            )
        ).one_or_none()
        if checked is None:
            raise NotFoundError(f"no round {round_id} in community {community_id}")
        anonymous, earlier, known = checked
        if anonymous and member_id is not None:
            raise ValueError("an anonymous round never stores member ids")
        if known != len(wanted):
            await self._refuse_missing(round_id, wanted)
        return CheckedSubmission(
            round_id=round_id,
            respondent_key=respondent_key,
            answers=tuple(answers),
            member_id=member_id,
            earlier=RespondentStatus(earlier) if earlier is not None else None,
        )

    async def write(
        self, submission: CheckedSubmission, *, at: datetime, open_at: datetime | None = None
    ) -> None:
        """Store a checked submission: the respondent's status, then the answers.

        With ``open_at``, the status is written only if the round is open and not past
        its window at that instant, judged by the write itself: a close that committed
        since the caller last looked wins, and ``RoundNotOpenError`` is raised before
        any answer is written (the caller rolls back). Two statements either way.
        """
        status = {
            "round_id": submission.round_id,
            "respondent_key": submission.respondent_key,
            "status": RespondentStatus.ANSWERED.value,
            "updated_at": at,
        }
        if open_at is None:
            await self._session.execute(_UPSERT_STATUS, status)
        else:
            result = await self._session.execute(
                _UPSERT_STATUS_WHILE_OPEN, {**status, "open": _OPEN, "open_at": open_at}
            )
            if rowcount(result) == 0:
                raise RoundNotOpenError(f"round {submission.round_id} is not open")
        if submission.answers:
            await self._session.execute(
                _UPSERT_ANSWER,
                [
                    {
                        "round_id": submission.round_id,
                        "question_id": answer.question_id,
                        "respondent_key": submission.respondent_key,
                        "member_id": submission.member_id,
                        "value": answer.value,
                        "text": answer.text,
                        "shared": answer.shared,
                        "answered_at": at,
                    }
                    for answer in submission.answers
                ],
            )

    async def _refuse_missing(self, round_id: int, wanted: set[int]) -> None:
        known = set(
            (
                await self._session.scalars(
                    select(_questions.c.id).where(
                        _questions.c.round_id == round_id, _questions.c.id.in_(wanted)
                    )
                )
            ).all()
        )
        missing = wanted - known
        raise NotFoundError(f"questions {sorted(missing)} are not in round {round_id}")

    async def set_status(
        self,
        community_id: int,
        round_id: int,
        respondent_key: str,
        status: RespondentStatus,
        *,
        at: datetime,
    ) -> None:
        """Record that a member answered or skipped this round (a skip counts as a reply)."""
        await self._round_anonymity(community_id, round_id)
        await self._upsert_status(round_id, respondent_key, RespondentStatus(status), at)

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
        question_id: int | None = None,
    ) -> list[Answer]:
        """A round's answers (optionally one respondent's, or one question's)."""
        stmt = (
            select(AnswerRow)
            .join(RoundRow, RoundRow.id == AnswerRow.round_id)
            .where(AnswerRow.round_id == round_id, RoundRow.community_id == community_id)
        )
        if respondent_key is not None:
            stmt = stmt.where(AnswerRow.respondent_key == respondent_key)
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

    async def _round_anonymity(self, community_id: int, round_id: int) -> bool:
        anonymous = (
            await self._session.execute(
                select(_rounds.c.anonymous).where(
                    _rounds.c.id == round_id, _rounds.c.community_id == community_id
                )
            )
        ).scalar_one_or_none()
        if anonymous is None:
            raise NotFoundError(f"no round {round_id} in community {community_id}")
        return bool(anonymous)

    async def _upsert_status(
        self, round_id: int, respondent_key: str, status: RespondentStatus, at: datetime
    ) -> None:
        await self._session.execute(
            _UPSERT_STATUS,
            {
                "round_id": round_id,
                "respondent_key": respondent_key,
                "status": status.value,
                "updated_at": at,
            },
        )


# Answering is the hot path (a round's post brings many members at once), so its
# statements are built once rather than on every submission.

# The round's anonymity, the respondent's earlier status and how many of the given
# question ids belong to the round, in one round trip.
_SUBMISSION_CHECK = select(
    _rounds.c.anonymous,
    select(_respondents.c.status)
    .where(
        _respondents.c.round_id == _rounds.c.id,
        _respondents.c.respondent_key == bindparam("respondent_key"),
    )
    .scalar_subquery(),
    select(func.count())
    .select_from(_questions)
    .where(
        _questions.c.round_id == _rounds.c.id,
        _questions.c.id.in_(bindparam("question_ids", expanding=True)),
    )
    .scalar_subquery(),
).where(_rounds.c.id == bindparam("round_id"), _rounds.c.community_id == bindparam("community_id"))


def _upsert(table: Any, conflict: tuple[str, ...], columns: tuple[str, ...]) -> TextClause:
    """``INSERT .. ON CONFLICT .. DO UPDATE`` as SQL text, identical on SQLite and PostgreSQL.

    The dialects' own upsert constructs are not cacheable in SQLAlchemy, so each use
    would be compiled afresh (a quarter of a millisecond, twice per submission); text
    is compiled once. Each parameter keeps its column's type (aware UTC datetimes).
    """
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(f":{c}" for c in columns)
    keys = ", ".join(f'"{c}"' for c in conflict)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in conflict)
    sql = (
        f'INSERT INTO "{table.name}" ({names}) VALUES ({values}) '
        f"ON CONFLICT ({keys}) DO UPDATE SET {updates}"
    )
    return text(sql).bindparams(*(bindparam(c, type_=table.c[c].type) for c in columns))


_CONTEXT = (
    select(CommunityRow, RoundRow, QuestionRow)
    .join(RoundRow, RoundRow.community_id == CommunityRow.id)
    .outerjoin(QuestionRow, QuestionRow.round_id == RoundRow.id)
    .where(CommunityRow.guild_id == bindparam("guild_id"), RoundRow.id == bindparam("round_id"))
    .order_by(QuestionRow.position)
    .execution_options(populate_existing=True)
)

_UPSERT_ANSWER = _upsert(
    _answers,
    ("round_id", "question_id", "respondent_key"),
    (
        "round_id",
        "question_id",
        "respondent_key",
        "member_id",
        "value",
        "text",
        "shared",
        "answered_at",
    ),
)
_UPSERT_STATUS = _upsert(
    _respondents,
    ("round_id", "respondent_key"),
    ("round_id", "respondent_key", "status", "updated_at"),
)
# The same, only while the round takes answers: the round is read by the write itself.
# (SQLite needs the WHERE to tell the SELECT's end from the upsert clause; it has one.)
_UPSERT_STATUS_WHILE_OPEN = text(
    'INSERT INTO "respondents" ("round_id", "respondent_key", "status", "updated_at") '
    "SELECT :round_id, :respondent_key, :status, :updated_at "
    'WHERE EXISTS (SELECT 1 FROM "rounds" WHERE "rounds"."id" = :round_id '
    'AND "rounds"."status" = :open AND "rounds"."closes_at" > :open_at) '
    'ON CONFLICT ("round_id", "respondent_key") DO UPDATE SET '
    '"status" = excluded."status", "updated_at" = excluded."updated_at"'
).bindparams(
    bindparam("round_id", type_=_respondents.c.round_id.type),
    bindparam("respondent_key", type_=_respondents.c.respondent_key.type),
    bindparam("status", type_=_respondents.c.status.type),
    bindparam("updated_at", type_=_respondents.c.updated_at.type),
    bindparam("open", type_=_rounds.c.status.type),
    bindparam("open_at", type_=_rounds.c.closes_at.type),
)

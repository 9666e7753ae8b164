"""The write side of answers: checking a member's submission and storing it.

Answering is the bot's hot path (a round's post brings many members at once), so this
side is built for it: a submission is checked against its round without a query when
the caller already holds the round (``prepare``), many submissions are written in three
statements (``write_batch``), and the statements are built once at import.
``AnswerRepository`` (answers.py) inherits these methods, so callers reach both sides
through ``repos.answers``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import TextClause, bindparam, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from vitalitybot.domain.records import (
    AnswerInput,
    Community,
    Question,
    RespondentStatus,
    Round,
    RoundStatus,
    SealedKey,
)
from vitalitybot.storage._sql import rowcount
from vitalitybot.storage.answer_upsert import answer_params, runs_of_equal_size, upsert_answers
from vitalitybot.storage.errors import NotFoundError, StorageError
from vitalitybot.storage.models import AnswerRow, CommunityRow, QuestionRow, RespondentRow, RoundRow

_answers = AnswerRow.__table__
_questions = QuestionRow.__table__
_rounds = RoundRow.__table__
_respondents = RespondentRow.__table__
_OPEN = RoundStatus.OPEN.value


class RoundNotOpenError(StorageError):
    """The round closed (or its window passed) before the submission could be written."""


@dataclass(frozen=True, slots=True)
class SubmissionContext:
    """What checking a submission needs to know about its round; fixed once it opened."""

    community: Community
    round: Round
    questions: tuple[Question, ...]  # in the round's order
    key: SealedKey | None  # the round's sealed key; None once it has ended


@dataclass(frozen=True, slots=True)
class CheckedSubmission:
    """A submission fit for its round (``check``, ``prepare``), for ``write_batch`` to store."""

    round_id: int
    respondent_key: str
    answers: tuple[AnswerInput, ...]
    member_id: int | None
    # The one time every answer of an anonymous round carries (the round's opening), so
    # that no stored time tells who answered when; None: each answer's own time.
    answered_at: datetime | None = None


def prepare(
    context: SubmissionContext,
    respondent_key: str,
    answers: Sequence[AnswerInput],
    *,
    member_id: int | None = None,
) -> CheckedSubmission:
    """Check a submission against a round already read, without a query.

    ``member_id`` is refused in an anonymous round: the guarantee that anonymous
    answers cannot be traced back lives here, not in each caller.
    """
    return _checked(
        context.round.id,
        context.round.anonymous,
        context.round.opened_at,
        {q.id for q in context.questions},
        respondent_key,
        answers,
        member_id,
    )


def _checked(
    round_id: int,
    anonymous: bool,
    opened_at: datetime,
    question_ids: set[int],
    respondent_key: str,
    answers: Sequence[AnswerInput],
    member_id: int | None,
) -> CheckedSubmission:
    for answer in answers:
        if answer.value is not None and not 1 <= answer.value <= 5:
            raise ValueError(f"ratings are 1..5, not {answer.value}")
    if anonymous and member_id is not None:
        raise ValueError("an anonymous round never stores member ids")
    asked = [answer.question_id for answer in answers]
    if len(set(asked)) != len(asked):
        raise ValueError("a submission answers each question at most once")
    missing = set(asked) - question_ids
    if missing:
        raise NotFoundError(f"questions {sorted(missing)} are not in round {round_id}")
    return CheckedSubmission(
        round_id=round_id,
        respondent_key=respondent_key,
        answers=tuple(answers),
        member_id=member_id,
        answered_at=opened_at if anonymous else None,
    )


def _sealed_key_of(row: RoundRow) -> SealedKey | None:
    if row.key_nonce is None or row.sealed_key is None:
        return None
    return SealedKey(nonce=row.key_nonce, sealed=row.sealed_key)


class SubmissionWrites:
    """Checking and storing submissions, and skips; the base of ``AnswerRepository``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def submission_context(self, guild_id: int, round_id: int) -> SubmissionContext | None:
        """The guild's community, the round and its questions, in one query.

        None when the guild has no community or the round is not one of its rounds
        (the caller finds out which, if it cares).
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
            key=_sealed_key_of(round_),
        )

    async def check(
        self,
        community_id: int,
        round_id: int,
        respondent_key: str,
        answers: Sequence[AnswerInput],
        *,
        member_id: int | None = None,
    ) -> CheckedSubmission:
        """``prepare`` for a caller that has not read the round (two small queries)."""
        wanted = sorted({answer.question_id for answer in answers})
        anonymous, opened_at = await self._round_anonymity(community_id, round_id)
        known = set(
            (
                await self._session.scalars(
                    _KNOWN_QUESTIONS, {"round_id": round_id, "question_ids": wanted}
                )
            ).all()
        )
        return _checked(round_id, anonymous, opened_at, known, respondent_key, answers, member_id)

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
        """Check and store one submission, whether or not the round is still open.

        For callers that are not a member answering (tests, imports); returns the
        respondent's status before this submission (None: their first reply).
        """
        submission = await self.check(
            community_id, round_id, respondent_key, answers, member_id=member_id
        )
        (earlier,) = await self.write_batch([(submission, at)], while_open=False)
        return earlier

    async def write_batch(
        self,
        batch: Sequence[tuple[CheckedSubmission, datetime]],
        *,
        while_open: bool = True,
    ) -> list[RespondentStatus | None]:
        """Store submissions (each with its own time) in three statements, whatever their number.

        Reads each respondent's earlier status, writes every status, then every answer
        (one row of the answers upsert per submission; submissions of another size start
        another statement);
        a later submission in the batch replaces an earlier one's answers, as if they
        came one after the other. Returns the earlier statuses in the batch's order.
        ``while_open``: each status is written only if its round is open and inside
        its window at the submission's time, judged by the write itself, so a close
        that committed meanwhile wins; ``RoundNotOpenError`` is raised, before any
        answer is written, when a round refused (the caller rolls back).
        """
        if not batch:
            return []
        earlier = await self._statuses((s.round_id, s.respondent_key) for s, _ in batch)
        statuses = [
            {
                "round_id": submission.round_id,
                "respondent_key": submission.respondent_key,
                "status": RespondentStatus.ANSWERED.value,
                "updated_at": at,
                **({"open": _OPEN, "open_at": at} if while_open else {}),
            }
            for submission, at in batch
        ]
        if not while_open:
            await self._session.execute(_UPSERT_STATUS, statuses)
        elif await self._written(_UPSERT_STATUS_WHILE_OPEN, statuses) != len(statuses):
            raise RoundNotOpenError("a round in this batch no longer takes answers")
        for count, run in runs_of_equal_size(batch):
            if count:
                await self._session.execute(
                    upsert_answers(count), [answer_params(s, at) for s, at in run]
                )
        return [earlier.get((s.round_id, s.respondent_key)) for s, _ in batch]

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

    async def _round_anonymity(self, community_id: int, round_id: int) -> tuple[bool, datetime]:
        """Whether the round is anonymous, and when it opened."""
        found = (
            await self._session.execute(
                _ROUND_ANONYMITY, {"round_id": round_id, "community_id": community_id}
            )
        ).one_or_none()
        if found is None:
            raise NotFoundError(f"no round {round_id} in community {community_id}")
        return bool(found[0]), found[1]

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

    async def _written(self, statement: TextClause, rows: list[dict[str, Any]]) -> int:
        """Rows written by ``statement`` for each of ``rows``, counted however the driver can.

        SQLite sums the counts of an executemany; asyncpg does not report them, so
        there each row is its own statement.
        """
        if self._session.get_bind().dialect.supports_sane_multi_rowcount or len(rows) == 1:
            return rowcount(await self._session.execute(statement, rows))
        return sum([rowcount(await self._session.execute(statement, row)) for row in rows])

    async def _statuses(
        self, keys: Iterable[tuple[int, str]]
    ) -> dict[tuple[int, str], RespondentStatus]:
        result = await self._session.execute(_STATUSES, {"keys": sorted(set(keys))})
        return {(r, k): RespondentStatus(status) for r, k, status in result}


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
_ROUND_ANONYMITY = select(_rounds.c.anonymous, _rounds.c.opened_at).where(
    _rounds.c.id == bindparam("round_id"), _rounds.c.community_id == bindparam("community_id")
)
_KNOWN_QUESTIONS = select(_questions.c.id).where(
    _questions.c.round_id == bindparam("round_id"),
    _questions.c.id.in_(bindparam("question_ids", expanding=True)),
)
_STATUSES = select(
    _respondents.c.round_id, _respondents.c.respondent_key, _respondents.c.status
).where(
    tuple_(_respondents.c.round_id, _respondents.c.respondent_key).in_(
        bindparam("keys", expanding=True)
    )
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

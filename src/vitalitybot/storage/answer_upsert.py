"""The answers of a batch of submissions as rows of one upsert per submission.

Apart from submissions.py, which decides what a batch writes, because this is how the
answers are bound: the part of a batch's cost that falls on the event loop.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import cache
from itertools import groupby
from typing import TYPE_CHECKING, Any

from sqlalchemy import TextClause, bindparam, text

from vitalitybot.storage.models import AnswerRow

if TYPE_CHECKING:  # submissions.py imports this module
    from vitalitybot.storage.submissions import CheckedSubmission

_answers = AnswerRow.__table__
_SUBMISSION_COLUMNS = ("round_id", "respondent_key", "member_id", "answered_at")
_ANSWER_COLUMNS = ("question_id", "value", "text", "shared")


@cache
def upsert_answers(count: int) -> TextClause:
    """The answers upsert for one submission of ``count`` answers, as one statement.

    The submission's round, respondent key, member and time appear once, selected beside
    a VALUES list of its answers: every placeholder in the text is bound and converted by
    its type on its own (the time is formatted each time), and binding is most of what a
    batch costs the event loop. ``WHERE true`` lets SQLite tell the ON CONFLICT clause
    from a join after the SELECT. One statement per size, compiled once. A submission
    never answers a question twice (submissions.py checks it), so no row of the
    statement updates another (PostgreSQL refuses that).
    """
    shared = ", ".join(f":{c}" for c in _SUBMISSION_COLUMNS)
    rows = ", ".join(
        "(" + ", ".join(f":{name}" for name in names) + ")" for names in _answer_names(count)
    )
    per_answer = ", ".join(f"a.column{n}" for n in range(1, len(_ANSWER_COLUMNS) + 1))
    columns = ", ".join(f'"{c}"' for c in (*_SUBMISSION_COLUMNS, *_ANSWER_COLUMNS))
    updates = ", ".join(
        f'"{c}" = excluded."{c}"' for c in ("member_id", "answered_at", "value", "text", "shared")
    )
    sql = (
        f'INSERT INTO "answers" ({columns}) SELECT {shared}, {per_answer} '
        f"FROM (VALUES {rows}) AS a WHERE true "
        f'ON CONFLICT ("round_id", "question_id", "respondent_key") DO UPDATE SET {updates}'
    )
    binds = [bindparam(c, type_=_answers.c[c].type) for c in _SUBMISSION_COLUMNS]
    binds += [
        bindparam(name, type_=_answers.c[column].type)
        for names in _answer_names(count)
        for name, column in zip(names, _ANSWER_COLUMNS, strict=True)
    ]
    return text(sql).bindparams(*binds)


def answer_params(submission: CheckedSubmission, at: datetime) -> dict[str, Any]:
    """One submission's parameters for ``upsert_answers(len(submission.answers))``."""
    params: dict[str, Any] = {
        "round_id": submission.round_id,
        "respondent_key": submission.respondent_key,
        "member_id": submission.member_id,
        "answered_at": submission.answered_at or at,
    }
    answers = submission.answers
    for names, answer in zip(_answer_names(len(answers)), answers, strict=True):
        values = (answer.question_id, answer.value, answer.text, answer.shared)
        params.update(zip(names, values, strict=True))
    return params


@cache
def _answer_names(count: int) -> tuple[tuple[str, ...], ...]:
    """The parameter names of each answer's row in a statement of ``count`` answers, in
    ``_ANSWER_COLUMNS`` order: named once, for the statement and for its parameters."""
    return tuple(tuple(f"{column}_{n}" for column in _ANSWER_COLUMNS) for n in range(count))


def runs_of_equal_size(
    batch: Sequence[tuple[CheckedSubmission, datetime]],
) -> Iterator[tuple[int, list[tuple[CheckedSubmission, datetime]]]]:
    """Consecutive submissions with as many answers each, in the batch's order (a later
    submission of one member must still replace an earlier one)."""
    for count, run in groupby(batch, key=lambda item: len(item[0].answers)):
        yield count, list(run)

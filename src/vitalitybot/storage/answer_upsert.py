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

    The submission's round, respondent key, member and time are bound once, not once per
    answer: binding each parameter with its type is most of what a batch costs the event
    loop, and a submission's answers share those four. One statement per size, compiled
    once. A submission never answers a question twice (submissions.py checks it), so no
    row of the statement updates another (PostgreSQL refuses that).
    """
    rows = ", ".join(
        "(:round_id, :respondent_key, :member_id, :answered_at, "
        + ", ".join(f":{c}_{n}" for c in _ANSWER_COLUMNS)
        + ")"
        for n in range(count)
    )
    columns = ", ".join(f'"{c}"' for c in (*_SUBMISSION_COLUMNS, *_ANSWER_COLUMNS))
    updates = ", ".join(
        f'"{c}" = excluded."{c}"' for c in ("member_id", "answered_at", "value", "text", "shared")
    )
    sql = (
        f'INSERT INTO "answers" ({columns}) VALUES {rows} '
        f'ON CONFLICT ("round_id", "question_id", "respondent_key") DO UPDATE SET {updates}'
    )
    binds = [bindparam(c, type_=_answers.c[c].type) for c in _SUBMISSION_COLUMNS]
    binds += [
        bindparam(f"{c}_{n}", type_=_answers.c[c].type)
        for n in range(count)
        for c in _ANSWER_COLUMNS
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
    for n, answer in enumerate(submission.answers):
        params[f"question_id_{n}"] = answer.question_id
        params[f"value_{n}"] = answer.value
        params[f"text_{n}"] = answer.text
        params[f"shared_{n}"] = answer.shared
    return params


def runs_of_equal_size(
    batch: Sequence[tuple[CheckedSubmission, datetime]],
) -> Iterator[tuple[int, list[tuple[CheckedSubmission, datetime]]]]:
    """Consecutive submissions with as many answers each, in the batch's order (a later
    submission of one member must still replace an earlier one)."""
    for count, run in groupby(batch, key=lambda item: len(item[0].answers)):
        yield count, list(run)

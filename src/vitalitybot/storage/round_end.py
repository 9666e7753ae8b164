"""What ending a round undoes, in the transaction that ends it.

Every round: its sealed key is set to NULL, so no one (the operator holding the bot
key included) can recompute its respondent keys and link its rows to a member, or to
the same member's rows in other rounds.

An anonymous round also loses what orders its respondents in time. Someone who saw a
member say "done!" in the channel at 10:02 could otherwise find the answer stored at
10:02, or the third respondent row when the member was third: so every answer and
respondent time becomes the close time, and the rows are written again ordered by
what they hold (answers by question, rating and words; respondents by key), so that
their ids, which count up as rows arrive, say nothing about who came first. Sorting
by content rather than shuffling keeps everything read back in id order (a harvest's
quotes) the same for the same answers, so a simulation with a seed repeats exactly.
A named round keeps its times: it shows names anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from vitalitybot.storage.model_base import Base
from vitalitybot.storage.models import AnswerRow, RespondentRow, RoundRow

Row = dict[str, Any]


def _answer_order(row: Row) -> tuple[Any, ...]:
    value = row["value"]
    return (row["question_id"], value is None, value or 0, row["text"] or "", row["respondent_key"])


def _respondent_order(row: Row) -> tuple[Any, ...]:
    return (row["status"], row["respondent_key"])


async def unlink_ended_round(session: AsyncSession, round_id: int, at: datetime) -> None:
    """Forget the round's key and, if anonymous, when and in what order anyone replied."""
    await session.execute(
        update(RoundRow).where(RoundRow.id == round_id).values(key_nonce=None, sealed_key=None)
    )
    anonymous = (
        await session.execute(select(RoundRow.anonymous).where(RoundRow.id == round_id))
    ).scalar_one()
    if anonymous:
        await _rewrite(session, AnswerRow, round_id, "answered_at", at, _answer_order)
        await _rewrite(session, RespondentRow, round_id, "updated_at", at, _respondent_order)


async def _rewrite(
    session: AsyncSession,
    model: type[Base],
    round_id: int,
    time_column: str,
    at: datetime,
    order: Callable[[Row], tuple[Any, ...]],
) -> None:
    """Write the round's rows of ``model`` again in ``order``, with ``time_column`` = ``at``."""
    table = model.__table__
    fields = [c for c in table.columns if c.name != "id"]
    rows: list[Row] = sorted(
        (
            dict(row._mapping)
            for row in await session.execute(select(*fields).where(table.c.round_id == round_id))
        ),
        key=order,
    )
    if not rows:
        return
    for row in rows:
        row[time_column] = at
    await session.execute(
        delete(model)
        .where(table.c.round_id == round_id)
        .execution_options(synchronize_session=False)
    )
    await session.execute(insert(model), rows)

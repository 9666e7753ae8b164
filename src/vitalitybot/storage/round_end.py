"""What ending a round undoes, in the transaction that ends it.

Every round: its sealed key is set to NULL, so no one (the operator holding the bot
key included) can recompute its respondent keys and link its rows to a member, or to
the same member's rows in other rounds.

An anonymous round also loses the times of its replies. Someone who saw a member say
"done!" in the channel at 10:02 could otherwise pick out the reply stored at 10:02.
Its answers never had their own times (every one is written with the round's opening,
submissions.py); its respondents' times, which the round needed while open, become the
close time here. (Row ids still count up in the order rows first arrived; giving them
a new order would mean writing every row of the round again, far slower than the rest
of the close on a big round.) A named round keeps its times: it shows names anyway.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from vitalitybot.storage.models import RespondentRow, RoundRow


async def unlink_ended_round(session: AsyncSession, round_id: int, at: datetime) -> None:
    """Forget the round's key and, if it is anonymous, when anyone replied."""
    await session.execute(
        update(RoundRow).where(RoundRow.id == round_id).values(key_nonce=None, sealed_key=None)
    )
    anonymous = (
        await session.execute(select(RoundRow.anonymous).where(RoundRow.id == round_id))
    ).scalar_one()
    if anonymous:
        await session.execute(
            update(RespondentRow).where(RespondentRow.round_id == round_id).values(updated_at=at)
        )

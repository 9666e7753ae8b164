"""The open rounds members are answering, kept in memory between their clicks.

A round's post brings many members within minutes, and each click needs the same
facts: the community it belongs to, the round and its questions. This is a cache
derived from the database and nothing tells it anything: it keeps a round only when
it reads one that is open, and only the parts fixed once a round has opened are
relied on (the guild and its community's id, the round's kind, anonymity, window,
questions and sealed key). What can change, the round's status and the community's
settings, is read from the database wherever it matters: every write re-checks the
round's status, and a refusal reads both afresh to explain itself. So a round closed
by a coordinator or by another process needs no word to this cache. (The sealed key
is kept rather than the round key itself: unsealing is one HMAC, cheaper than any
bookkeeping about when to drop an unsealed key.)
"""

from __future__ import annotations

from collections import OrderedDict

from vitalitybot.domain.records import RoundStatus
from vitalitybot.storage import Database, Repositories
from vitalitybot.storage.submissions import SubmissionContext

# Far more rounds than are ever open at once in the communities one process serves.
SIZE = 4096


class RoundContexts:
    """A least-recently-used map from round id to its ``SubmissionContext``."""

    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._contexts: OrderedDict[int, SubmissionContext] = OrderedDict()

    async def get(self, db: Database, guild_id: int, round_id: int) -> SubmissionContext | None:
        """The round's context if it belongs to this guild's community; None if not.

        Reads the database (one query) only for a round not kept here.
        """
        context = self._contexts.get(round_id)
        if context is not None and context.community.guild_id == guild_id:
            self._contexts.move_to_end(round_id)
            return context
        async with db.transaction() as session:
            context = await Repositories(session).answers.submission_context(guild_id, round_id)
        if context is not None and context.round.status is RoundStatus.OPEN:
            self._contexts[round_id] = context
            if len(self._contexts) > self._size:
                self._contexts.popitem(last=False)
        return context

    def __len__(self) -> int:
        return len(self._contexts)

"""The rounds members are answering right now, kept in memory between their clicks.

A round's post brings many members within minutes, and each click needs the same
facts: the community, the round and its questions. Those never change once a round
has opened, except its status, so they are read once and kept (the most recently
used ``SIZE`` rounds). Keeping a status that went stale is safe: every write re-reads
the round's status in the database, a round that closed meanwhile refuses the answer
there, and the refusal drops it from here (so does a close in this process).
"""

from __future__ import annotations

from collections import OrderedDict

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
        if context is not None:
            self.remember(context)
        return context

    def remember(self, context: SubmissionContext) -> None:
        """Keep a round just opened: its post is what members are about to click."""
        self._contexts[context.round.id] = context
        self._contexts.move_to_end(context.round.id)
        if len(self._contexts) > self._size:
            self._contexts.popitem(last=False)

    def forget(self, round_id: int) -> None:
        self._contexts.pop(round_id, None)

    def __len__(self) -> int:
        return len(self._contexts)

"""InteractionHandle: one interaction a member caused, and the bot's answers to it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from .interactions import Callback, InteractionRecord, Modal
from .records import MessageRecord

if TYPE_CHECKING:
    from .server import LoopbackDiscord


@dataclasses.dataclass
class InteractionHandle:
    """One interaction a member caused, and what the bot answered."""

    server: LoopbackDiscord
    record: InteractionRecord

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def callbacks(self) -> list[Callback]:
        return list(self.record.callbacks)

    async def response(self, timeout: float | None = None) -> Callback:  # noqa: ASYNC109
        """The bot's callback (type 4, 5, 6, 7, 8 or 9) with its data."""
        return await self.server.wait_until(
            lambda: self.record.callbacks[0] if self.record.callbacks else None,
            f"the bot to answer {self.record.label} (interaction {self.id})",
            timeout,
        )

    async def followups(self, count: int = 1, timeout: float | None = None) -> list[MessageRecord]:  # noqa: ASYNC109
        """Wait for at least ``count`` follow-ups; returns them all, oldest first."""

        def probe() -> list[MessageRecord] | None:
            ids = self.record.followup_ids
            return [self.server.state.messages[i] for i in ids] if len(ids) >= count else None

        return await self.server.wait_until(
            probe, f"{count} follow-up(s) to {self.record.label}", timeout
        )

    @property
    def original(self) -> MessageRecord | None:
        """The @original message as it is now (after edits), or None."""
        message = self.server.state.messages.get(self.record.original_id or 0)
        return None if message is None or message.deleted else message

    async def wait_original(
        self,
        predicate: Callable[[MessageRecord], bool] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> MessageRecord:
        def probe() -> MessageRecord | None:
            message = self.original
            if message is None or (predicate is not None and not predicate(message)):
                return None
            return message

        return await self.server.wait_until(probe, f"@original of {self.record.label}", timeout)

    @property
    def ephemeral(self) -> bool:
        """Whether the reply (immediate or deferred) is visible only to the member."""
        message = self.server.state.messages.get(self.record.original_id or 0)
        if message is not None and message.interaction_id == self.id:
            return message.ephemeral
        return any(c.ephemeral for c in self.record.callbacks)

    @property
    def modal(self) -> Modal | None:
        return self.record.modal

    async def wait_modal(self, timeout: float | None = None) -> Modal:  # noqa: ASYNC109
        return await self.server.wait_until(
            lambda: self.record.modal, f"a modal in answer to {self.record.label}", timeout
        )

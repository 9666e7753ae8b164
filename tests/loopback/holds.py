"""Requests the server holds unanswered, to stand for a bot killed while Discord works.

A hold is armed for the next request to a route (optionally in one channel), either
*before* the server acts on it (Discord never saw the post) or *after* (Discord made
the post, but its answer never reached the bot). The held request waits until the test
releases it, or the server stops; ``held`` lists the requests caught.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from .requests import RequestRecord


@dataclass(frozen=True, slots=True)
class _Hold:
    route: str  # "POST /channels/{channel_id}/messages"
    before: bool
    channel_id: int | None


@dataclass
class Holds:
    held: list[RequestRecord] = field(default_factory=list)
    _armed: list[_Hold] = field(default_factory=list)
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    def arm(self, route: str, *, before: bool, channel_id: int | None) -> None:
        self._released.clear()
        self._armed.append(_Hold(route, before, channel_id))

    def release(self) -> None:
        self._released.set()

    async def hold(self, route: str, record: RequestRecord, *, before: bool) -> None:
        """Wait here if an armed hold matches this request at this point."""
        for armed in self._armed:
            if (
                armed.route == route
                and armed.before == before
                and (armed.channel_id is None or f"/channels/{armed.channel_id}/" in record.path)
            ):
                self._armed.remove(armed)
                self.held.append(record)
                await self._released.wait()
                return

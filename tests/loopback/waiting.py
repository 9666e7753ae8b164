"""Bounded waits on the loopback world, failing with a message that says what was missing.

The driver's public waits take ``timeout=`` (hence their ``noqa: ASYNC109``): wrapping them in
``asyncio.timeout`` instead would lose that message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

POLL_INTERVAL = 0.01
"""Probes may look at the bot's side too, which does not signal us, so also re-check this often."""


class LoopbackTimeout(AssertionError):
    """A wait ran out: an AssertionError, so pytest shows it as a plain test failure."""


class Signal:
    """Wakes every waiter whenever the server's world changes; waiters re-check their condition."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait_until(
        self,
        probe: Callable[[], T | None],
        *,
        within: float,
        describe: Callable[[], str],
    ) -> T:
        """The first non-None ``probe()``; LoopbackTimeout after ``within`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            found = probe()
            if found is not None:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise LoopbackTimeout(f"timed out after {within:g}s: {describe()}")
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.add(waiter)
            try:
                await asyncio.wait({waiter}, timeout=min(remaining, POLL_INTERVAL))
            finally:
                self._waiters.discard(waiter)
                if not waiter.done():
                    waiter.cancel()

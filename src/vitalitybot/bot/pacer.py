"""The pace at which one notifier starts its requests to Discord.

Apart from the notifier (bot/notifier.py), which holds what is posted and how failures
are reported, because the pace is a rule of its own: how a process keeps its share of
the bot's global request limit.
"""

from __future__ import annotations

import asyncio


class Pacer:
    """Starts requests ``1 / per_second`` apart, taking turns, so they reach Discord evenly.

    Discord allows a bot a number of requests a second across all routes (interaction
    replies excepted). discord.py only reacts to a global 429 by pausing everything and
    then releasing every waiting request at once, which earns the next 429; refusals
    also count towards Cloudflare's ban on clients that make too many invalid requests.
    So the notifier stays under the limit instead of leaning on it, and evenly: a burst
    that fits the limit when it leaves can still overrun it on arrival, bunched with the
    previous one's stragglers. Waiters take turns, each timed from the previous turn's
    slot; a turn that starts late (the event loop was busy) keeps the slots after it
    where they were, but a backlog of missed slots is not made up: at most one slot's
    worth, so a stalled loop cannot release its waiters together. The pace is set a
    little below the limit, for what it cannot see: discord.py's own retries, and
    requests that bunch on the way.
    """

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self._turn = asyncio.Lock()
        self._next = 0.0  # loop time of the next free slot

    async def wait(self, cost: int = 1) -> None:
        """Until this caller's ``cost`` requests may start (it starts them at once)."""
        async with self._turn:
            loop = asyncio.get_running_loop()
            delay = self._next - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            started = loop.time()
            self._next = max(self._next, started - self.interval) + cost * self.interval

"""What the Discord edge tells the operator, each from the one place that sees it all.

* ``InteractionWatch`` sits where discord.py turns an INTERACTION_CREATE into work:
  every command, button, select and form of the bot starts there, in tasks created on
  the spot. Wrapping that one parser keeps the handler tasks it started, so a stopping
  bot can let the ones in progress finish their writes (``in_flight``). A server holds
  several communities, so which one an interaction is about is known only once a
  check has found it (``checks.py``), or a round's button has led the answer services
  to its round: the handler's task is tagged then (``tag_community``).
* ``http_errors_trace`` hears every HTTP response discord.py gets (aiohttp's tracing,
  which discord.py accepts as ``http_trace``), and counts the failed ones by status,
  429s and retried 5xx included: each is a request Discord refused.
* ``count_answers`` is for the two handlers that record answers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import aiohttp
import discord

from vitalitybot.bot.base import bot_of
from vitalitybot.observability.metrics import Metrics

logger = logging.getLogger(__name__)

Parser = Callable[[Any], None]
INTERACTION_CREATE = "INTERACTION_CREATE"


class InteractionWatch:
    """Keeps track of the interaction handlers running."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def install(self, client: discord.Client) -> None:
        """Wrap the client's INTERACTION_CREATE parser; call before it connects."""
        parsers: dict[str, Parser] = client._connection.parsers
        original = parsers[INTERACTION_CREATE]
        parsers[INTERACTION_CREATE] = lambda data: self._parse(original, data)

    def in_flight(self) -> set[asyncio.Task[Any]]:
        """The interaction handlers still running."""
        return {task for task in self._tasks if not task.done()}

    def _parse(self, parse: Parser, data: Any) -> None:
        """Run discord.py's parser, keeping the handler tasks it starts.

        The parser runs synchronously, so a task factory set around it sees exactly
        the tasks it creates (comparing ``asyncio.all_tasks()`` before and after cost
        a pass over every task alive, twice per click: in a burst of clicks, that
        held up the acknowledgements).
        """
        loop = asyncio.get_running_loop()
        previous = loop.get_task_factory()
        started: list[asyncio.Task[Any]] = []

        def keep_started(loop: asyncio.AbstractEventLoop, coro: Any, **options: Any) -> Any:
            task: Any
            if previous is not None:
                task = previous(loop, coro, **options)
            else:
                task = asyncio.Task(coro, loop=loop, **options)
            started.append(task)
            return task

        loop.set_task_factory(keep_started)
        try:
            parse(data)
        finally:
            loop.set_task_factory(previous)
        for task in started:
            self._keep(task)

    def _keep(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def http_errors_trace(metrics: Metrics) -> aiohttp.TraceConfig:
    """An aiohttp trace counting every Discord HTTP response of 400 or more by status."""

    async def on_request_end(
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        if params.response.status >= 400:
            metrics.discord_http_error(params.response.status)

    trace = aiohttp.TraceConfig()
    trace.on_request_end.append(on_request_end)
    return trace


def count_answers(interaction: discord.Interaction, saved: int) -> None:
    """Count answers just recorded through this interaction's client."""
    if saved > 0:
        bot_of(interaction).metrics.answer_recorded(saved)

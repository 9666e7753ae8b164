"""What the Discord edge tells the operator, each from the one place that sees it all.

* ``InteractionWatch`` sits where discord.py turns an INTERACTION_CREATE into work:
  every command, button, select and form of the bot starts there, in tasks created on
  the spot. Wrapping that one parser (a) runs it inside ``community_context`` of the
  guild's community, so every line any handler logs, in any task it starts, carries
  the community id, and (b) keeps the handler tasks it started, so a stopping bot can
  let the ones in progress finish their writes (``in_flight``). The community id is
  looked up once per guild and remembered (a guild's community never changes id);
  until it is known the interaction waits for that one lookup.
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
from vitalitybot.observability.logs import community_context
from vitalitybot.observability.metrics import Metrics
from vitalitybot.services import Services

logger = logging.getLogger(__name__)

Parser = Callable[[Any], None]
INTERACTION_CREATE = "INTERACTION_CREATE"


class InteractionWatch:
    """Tags interaction handlers with their community and keeps track of them."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._communities: dict[int, int] = {}  # guild id -> community id
        self._tasks: set[asyncio.Task[Any]] = set()

    def install(self, client: discord.Client) -> None:
        """Wrap the client's INTERACTION_CREATE parser; call before it connects."""
        parsers: dict[str, Parser] = client._connection.parsers
        original = parsers[INTERACTION_CREATE]
        parsers[INTERACTION_CREATE] = lambda data: self._received(original, data)

    async def preload(self) -> None:
        """Learn every known guild's community before the first interaction arrives.

        Otherwise the first click in each guild waits for a database lookup before
        discord.py may even parse it, and a burst of first clicks (a round just posted
        in many guilds) is acknowledged late. Guilds set up later are looked up once.
        """
        async with self.services.repos() as repos:
            communities = await repos.communities.list_all()
        self._communities.update((c.guild_id, c.id) for c in communities)

    def in_flight(self) -> set[asyncio.Task[Any]]:
        """The interaction handlers still running."""
        return {task for task in self._tasks if not task.done()}

    def _received(self, parse: Parser, data: Any) -> None:
        guild_id = _guild_id(data)
        if guild_id is None or guild_id in self._communities:
            self._parse(parse, data, self._communities.get(guild_id or 0))
            return
        self._keep(asyncio.create_task(self._look_up_then_parse(parse, data, guild_id)))

    async def _look_up_then_parse(self, parse: Parser, data: Any, guild_id: int) -> None:
        community_id: int | None = None
        try:
            async with self.services.repos() as repos:
                community = await repos.communities.get_by_guild(guild_id)
        except Exception:  # the handler will meet the same failure and report it
            logger.debug("could not look up the community of guild %s", guild_id, exc_info=True)
        else:
            if community is not None:
                community_id = self._communities[guild_id] = community.id
        self._parse(parse, data, community_id)

    def _parse(self, parse: Parser, data: Any, community_id: int | None) -> None:
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
            with community_context(community_id):
                parse(data)
        finally:
            loop.set_task_factory(previous)
        for task in started:
            self._keep(task)

    def _keep(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _guild_id(data: Any) -> int | None:
    raw = data.get("guild_id") if isinstance(data, dict) else None
    return int(raw) if raw else None


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

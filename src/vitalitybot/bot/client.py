"""``VitalityBot``: the ``commands.Bot`` every Discord feature hangs on.

Built with everything it needs (services, the schedule keeper, the pattern index, the
metrics), never reaching for globals; ``runner.build_app`` wires them, and binds the
Discord edges of the services (notifier, member directory) to the bot it built.
``setup_hook`` adds one cog per feature, registers the dynamic items that make round
and commitment buttons work across restarts and the listeners for reflection and
commitment forms, and syncs the command tree. Handlers reach the bot through ``base.bot_of``.

**Intents.** ``Intents.none()`` plus ``guilds``: channels, roles and threads arrive with
it, slash commands, buttons and forms need no intent at all, and sending DMs needs none
either. No message content, no presences. The members intent (privileged) is off unless
``members_intent=True`` (``vitalitybot run --members-intent``); directory.py explains
what it adds (participation rates and reminders) and why it is not the default.

**Mentions.** The client's default ``allowed_mentions`` is "none", and every send passes
it again (convert.py): nothing the bot posts can ping anyone.

**The scheduler** starts once the first READY has come in and the guild caches are
filled, so rounds opened late after a restart reach a bot that knows its guilds; it
stops when the client closes.

**The heap.** With ``freeze_heap=True`` (``vitalitybot run`` sets it), once the
schedules are armed, ``heap.settle_heap`` takes what start-up built out of the garbage
collector's full walks (heap.py says why).

**Shards.** ``ShardedVitalityBot`` is the same bot on discord.py's ``AutoShardedBot``,
for ``vitalitybot run --shard-count N --shard-ids a,b``: it connects the given shards
only, and Discord sends it the events of their guilds only.

**Connections to Discord.** discord.py opens a new HTTPS connection for every request
it cannot put on an idle one, without limit, so a burst of two hundred clicks opened
two hundred connections, each with its handshakes, to acknowledge them. ``login``
gives the client a pool of ``REST_CONNECTIONS`` kept-alive connections instead (plus
one per gateway socket, which shares the pool): requests past it wait a moment for
a free one, which on a warm connection is sooner than a new one would be ready.

**What the operator sees** (telemetry.py): every interaction handler logs with its
community's id and is tracked until it ends (``in_flight``), failed Discord requests
are counted by status, and the gateway latency is read at every scrape of the metrics.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import aiohttp
import discord
from discord.ext import commands

from vitalitybot.bot.base import VitalityBase
from vitalitybot.bot.cogs.history import HistoryCog
from vitalitybot.bot.cogs.me import MeCog
from vitalitybot.bot.cogs.patterns import PatternsCog
from vitalitybot.bot.cogs.portfolio import PortfolioCog
from vitalitybot.bot.cogs.vitality import VitalityCog
from vitalitybot.bot.convert import NO_MENTIONS
from vitalitybot.bot.errors import VitalityTree
from vitalitybot.bot.heap import settle_heap
from vitalitybot.bot.telemetry import InteractionWatch, http_errors_trace
from vitalitybot.bot.views.checkin import on_reflections_submitted
from vitalitybot.bot.views.commit import CommitButton, on_commit_submitted
from vitalitybot.bot.views.commitments import CommitmentPick, StatusButton
from vitalitybot.bot.views.rounds import DYNAMIC_ITEMS
from vitalitybot.observability.metrics import Metrics
from vitalitybot.patterns.search import PatternIndex
from vitalitybot.services import ScheduleKeeper, Services

logger = logging.getLogger(__name__)

KEEPER_START_GRACE = 10.0  # seconds a closing bot waits for the start-up catch-up to finish
# Kept-alive HTTPS connections for REST requests (the module docstring says why). At
# Discord's global limit of 50 requests a second, 32 connections leave each over half
# a second per request before any has to wait.
REST_CONNECTIONS = 32


def bot_intents(*, members: bool = False) -> discord.Intents:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.members = members
    return intents


class VitalityBot(VitalityBase):
    def __init__(
        self,
        services: Services,
        *,
        keeper: ScheduleKeeper | None = None,
        index: PatternIndex | None = None,
        members_intent: bool = False,
        sync_commands: bool = True,
        dev_guild_id: int | None = None,
        metrics: Metrics | None = None,
        freeze_heap: bool = False,
        **options: Any,
    ) -> None:
        # The bot never joins voice: spare the operator discord.py's warnings about it.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        metrics = metrics if metrics is not None else Metrics()
        options.setdefault("http_trace", http_errors_trace(metrics))
        super().__init__(
            services,
            metrics=metrics,
            index=index if index is not None else services.index,
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=bot_intents(members=members_intent),
            allowed_mentions=NO_MENTIONS,
            tree_cls=VitalityTree,
            **options,
        )
        self.keeper = keeper
        self.sync_commands = sync_commands
        self.dev_guild_id = dev_guild_id
        self.freeze_heap = freeze_heap
        self._keeper_start: asyncio.Task[None] | None = None
        self.interactions = InteractionWatch()
        self.interactions.install(self)
        self.metrics.track_gateway_latency(lambda: self.latency)

    def gateway_connected(self) -> bool:
        """Ready, and every gateway socket (one per shard) open."""
        if self.is_closed() or not self.is_ready():
            return False
        if isinstance(self, discord.AutoShardedClient):
            return bool(self.shards) and not any(s.is_closed() for s in self.shards.values())
        return self.ws is not None and self.ws.open

    def in_flight(self) -> set[asyncio.Task[Any]]:
        """Work in progress a stopping bot should let finish: handlers and the catch-up."""
        running = self.interactions.in_flight()
        if self._keeper_start is not None and not self._keeper_start.done():
            running.add(self._keeper_start)
        return running

    async def login(self, token: str) -> None:
        """Log in over a bounded pool of connections (the module docstring says why)."""
        if self.http.connector is discord.utils.MISSING:
            shard_ids = self.shard_ids if isinstance(self, discord.AutoShardedClient) else None
            gateways = len(shard_ids or ()) or 1
            self.http.connector = aiohttp.TCPConnector(limit=REST_CONNECTIONS + gateways)
        await super().login(token)

    async def setup_hook(self) -> None:
        await self.add_cog(PatternsCog(self))
        vitality = VitalityCog(self)
        HistoryCog(self).attach(vitality)
        PortfolioCog(self).attach(vitality)
        await self.add_cog(vitality)
        await self.add_cog(MeCog(self))
        self.add_dynamic_items(*DYNAMIC_ITEMS, CommitButton, StatusButton, CommitmentPick)
        self.add_listener(on_reflections_submitted, "on_interaction")
        self.add_listener(on_commit_submitted, "on_interaction")
        if self.sync_commands:
            await self._sync()

    async def _sync(self) -> None:
        """Register the commands with Discord: globally, and at once in a dev guild if given.

        A failed sync is logged, not fatal: the commands Discord already has keep working.
        """
        try:
            synced = await self.tree.sync()
            logger.info("synced %d global commands", len(synced))
            if self.dev_guild_id is not None:
                guild = discord.Object(self.dev_guild_id)
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
                logger.info("synced the commands to the dev guild %s", self.dev_guild_id)
        except discord.HTTPException:
            logger.exception("could not sync the application commands")

    async def on_ready(self) -> None:
        logger.info("connected as %s, in %d servers", self.user, len(self.guilds))
        if self.keeper is not None and self._keeper_start is None:
            self._keeper_start = asyncio.create_task(
                self._start_keeper(self.keeper), name="vitalitybot-start-schedules"
            )

    async def _start_keeper(self, keeper: ScheduleKeeper) -> None:
        try:
            report = await keeper.start()
        except Exception:
            logger.exception("the scheduler could not start; rounds will not open on time")
            return
        logger.info(
            "schedules armed: %d (closed late %d, opened late %d, missed %d)",
            report.schedules,
            len(report.closed),
            len(report.opened),
            len(report.missed),
        )
        if self.freeze_heap:
            settle_heap()

    async def stop_scheduler(self, grace: float = KEEPER_START_GRACE) -> None:
        """Let a catch-up in progress finish (up to ``grace`` seconds), stop the scheduler."""
        starting = self._keeper_start
        if starting is not None and not starting.done():
            await asyncio.wait({starting}, timeout=grace)
            if not starting.done():
                starting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await starting
        if self.keeper is not None and starting is not None:
            self.keeper.shutdown()

    async def close(self) -> None:
        """Stop the scheduler (see ``stop_scheduler``), then disconnect."""
        await self.stop_scheduler()
        await super().close()


class ShardedVitalityBot(VitalityBot, commands.AutoShardedBot):
    """``VitalityBot`` connecting the shards ``shard_ids`` out of ``shard_count``."""

"""Starting and stopping the bot: ``build_app`` wires the parts, ``run_bot`` runs them.

Start-up order, each step before anything can depend on it:

1. the pattern library is loaded (through its warm-start cache when one is configured)
   and its search index built;
2. the database is migrated to the latest revision, unless told not to;
3. services, the Discord edges, the schedule keeper and the bot are built around one
   ``Database``, and the edges (notifier, member directory) bound to that bot. The
   keeper runs on APScheduler's asyncio runner, or, in a rehearsal (an
   ``AcceleratedClock``), on the ``PacedRunner``; with a ``ShardSet`` the bot connects
   those shards only and the keeper schedules their guilds only;
4. the health and metrics listener starts, when a port is configured;
5. discord.py is pointed at ``VITALITYBOT_DISCORD_API_URL`` /
   ``VITALITYBOT_DISCORD_GATEWAY_URL`` when set (another Discord-compatible server, as
   the tests use), and the bot connects; the schedules are rebuilt once it is ready.

Stopping (SIGTERM or SIGINT) goes the other way, each step logged, so that nothing
half-written is left behind and nothing still running meets a closed resource:

1. *finish in-flight work*: the scheduler starts no new runs, and the runs and
   interaction handlers already going get up to ``DRAIN_TIMEOUT`` seconds to finish
   (their writes are single transactions: whatever is cut off after that rolls back);
2. *stop the scheduler*;
3. *close the gateway* (discord.py's client, its HTTP session included);
4. *dispose the database*, then stop the health listener. The exit code is 0.

The token is read from the settings as a secret and handed to discord.py; it is never
logged or printed (the log handler redacts it anywhere, tracebacks included). A token
Discord refuses is raised as a ``SettingError``, which the CLI reports as a configuration
error (one line, exit 3), so a service manager does not restart into the same refusal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass, field
from typing import Any

import discord

from vitalitybot.bot.client import ShardedVitalityBot, VitalityBot
from vitalitybot.bot.directory import DiscordMemberDirectory
from vitalitybot.bot.endpoints import point_discord_at
from vitalitybot.bot.event_loop import loop_name
from vitalitybot.bot.notifier import DiscordNotifier
from vitalitybot.config import SettingError, Settings, variable_name
from vitalitybot.keyfile import load_round_keys
from vitalitybot.observability.health import HealthServer, database_check, flag_check
from vitalitybot.observability.metered import MeteredNotifier
from vitalitybot.observability.metrics import Metrics
from vitalitybot.patterns import Library, load_library
from vitalitybot.render.environment import build_environment
from vitalitybot.scheduling.clock import AcceleratedClock, Clock, SystemClock
from vitalitybot.scheduling.runner import AsyncIORunner
from vitalitybot.scheduling.virtual import PacedRunner
from vitalitybot.services import ScheduleKeeper, Services
from vitalitybot.services.shards import ShardSet
from vitalitybot.storage import Database, open_database, upgrade
from vitalitybot.vitality.anonymity import RoundKeys

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED = 0, 1
TOKEN_VARIABLE = variable_name("token")
TOKEN_REFUSED = (
    f"Discord refused the token in {TOKEN_VARIABLE} (revoked, reset or mistyped): copy a new "
    "one from the Developer Portal (your application -> Bot -> Reset Token)"
)
MEMBERS_INTENT_OPTION = "--members-intent"
MEMBERS_INTENT_REFUSED = (
    "Discord refused the Server Members intent that --members-intent asks for: enable it in "
    "the Developer Portal (your application -> Bot -> Privileged Gateway Intents), or run "
    "without --members-intent"
)
# Seconds a stopping bot gives the work in progress. Under the 10 s that `docker stop`
# and a Compose stop wait before SIGKILL, with room for the steps after it.
DRAIN_TIMEOUT = 8.0
STOP_TIMEOUT = 1.0  # seconds cancelled work gets to end before the database closes

Runner = AsyncIORunner | PacedRunner


@dataclass
class App:
    """Everything one running bot owns; ``shutdown`` stops it in order, ``aclose`` at once."""

    settings: Settings
    library: Library
    db: Database
    services: Services
    notifier: DiscordNotifier
    keeper: ScheduleKeeper
    bot: VitalityBot
    runner: Runner
    metrics: Metrics = field(default_factory=Metrics)
    health: HealthServer | None = None

    async def start_health(self, port: int, host: str) -> HealthServer:
        """Serve /healthz (gateway connected, database answers, scheduler runs) and /metrics."""
        self.health = HealthServer(
            self.metrics,
            port=port,
            host=host,
            checks={
                "gateway": flag_check(self.bot.gateway_connected),
                "database": database_check(self.db),
                "scheduler": flag_check(lambda: self.runner.running),
            },
        )
        await self.health.start()
        return self.health

    async def shutdown(self, drain_timeout: float = DRAIN_TIMEOUT) -> None:
        """Stop gracefully: finish in-flight work, stop the scheduler, the gateway, the database."""
        left = await self.drain(drain_timeout)
        if left:
            logger.warning(
                "shutdown: %d task(s) still running after %.0fs; stopping them", left, drain_timeout
            )
        else:
            logger.info("shutdown: in-flight work finished")
        await self.bot.stop_scheduler(grace=0)
        await self._stop_work()
        logger.info("shutdown: scheduler stopped")
        await self.bot.close()
        logger.info("shutdown: gateway closed")
        await self.db.dispose()
        logger.info("shutdown: database closed")
        await self._stop_health()

    async def drain(self, timeout: float) -> int:  # noqa: ASYNC109 (a deadline, not a wait)
        """Start no new runs and wait for the work in progress; how much is left after."""
        self.runner.pause()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        running = self._in_flight()
        logger.info("shutdown: finishing in-flight work (%d running)", len(running))
        while running:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await asyncio.wait(running, timeout=remaining)
            running = self._in_flight()  # handlers may have started meanwhile
        return len(running)

    def _in_flight(self) -> set[asyncio.Task[Any]]:
        return self.runner.in_flight() | self.bot.in_flight()

    async def aclose(self) -> None:
        """Release everything now (after a failure, or after ``shutdown``: then a no-op)."""
        if not self.bot.is_closed():
            await self.bot.close()
        await self._stop_work()
        await self.db.dispose()
        await self._stop_health()

    async def _stop_work(self) -> None:
        """Stop the scheduler and cut short whatever still runs, and wait for it to end.

        While the database is still open: a run or handler cancelled mid-query gives its
        connection back as it ends, and one left to end after the database is disposed
        would wait for ever on a connection that no longer exists. The scheduler forgets
        its runs when it stops, so they are listed first.
        """
        running = self._in_flight()
        self.keeper.shutdown()
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running, timeout=STOP_TIMEOUT)

    async def _stop_health(self) -> None:
        if self.health is not None:
            await self.health.stop()


async def build_app(
    settings: Settings,
    *,
    migrate: bool | None = None,
    members_intent: bool = False,
    clock: Clock | None = None,
    notifier: DiscordNotifier | None = None,
    dev_guild_id: int | None = None,
    shards: ShardSet | None = None,
    metrics: Metrics | None = None,
    keys: RoundKeys | None = None,
    library: Library | None = None,
    freeze_heap: bool = False,
) -> App:
    """Load, migrate and wire everything; nothing connects to Discord yet.

    ``freeze_heap``: for a process that runs one bot for its whole life (client.py).
    ``keys``: the bot key (None: loaded from the settings, keyfile.py).
    ``library``: the patterns already loaded by the start-up checks (None: loaded here).
    ``shards``: connect and schedule only these (None: one unsharded process for all).
    ``clock``: an ``AcceleratedClock`` makes this a rehearsal, on the ``PacedRunner``.
    """
    if library is None:
        library = load_library(settings.patterns_dir, settings.pattern_cache)
    if library.problems:
        logger.warning(
            "%d pattern files did not load (`vitalitybot patterns check` lists them)",
            len(library.problems),
        )
    logger.info("loaded %d patterns from %s", len(library.patterns), settings.patterns_dir)
    metrics = metrics if metrics is not None else Metrics()
    keys = keys if keys is not None else load_round_keys(settings)
    db = open_database(settings.database_url)
    try:
        if settings.migrate_on_start if migrate is None else migrate:
            revision = await upgrade(db, keys=keys)
            logger.info("database at revision %s", revision)
        notifier = notifier or DiscordNotifier(requests_per_second=posting_pace(settings, shards))
        directory = DiscordMemberDirectory()
        clock = clock or SystemClock()
        services = Services(
            db=db,
            patterns=library.patterns,
            clock=clock,
            notifier=MeteredNotifier(notifier, metrics),
            members=directory,
            env=build_environment(settings.templates_dir),
            keys=keys,
        )
        runner = _runner_for(clock, metrics)
        keeper = ScheduleKeeper(services, runner, shards=shards)
        options: dict[str, Any] = {}
        if shards is not None:
            options.update(shard_ids=sorted(shards.ids), shard_count=shards.count)
        bot_class = VitalityBot if shards is None else ShardedVitalityBot
        bot = bot_class(
            services,
            keeper=keeper,
            index=services.index,
            members_intent=members_intent,
            dev_guild_id=dev_guild_id,
            metrics=metrics,
            freeze_heap=freeze_heap,
            **options,
        )
        notifier.bind(bot)
        directory.bind(bot)
    except BaseException:
        await db.dispose()
        raise
    return App(settings, library, db, services, notifier, keeper, bot, runner, metrics)


def posting_pace(settings: Settings, shards: ShardSet | None) -> float:
    """Requests a second this process may start: the bot's pace, times its shards' share."""
    pace = settings.discord_requests_per_second
    if shards is None:
        return pace
    logger.info(
        "posting at %.3g requests a second: the share of %s in the bot's %.3g",
        pace * shards.share,
        shards,
        pace,
    )
    return pace * shards.share


def _runner_for(clock: Clock, metrics: Metrics) -> Runner:
    if isinstance(clock, AcceleratedClock):
        logger.warning(
            "REHEARSAL: simulated time from %s at %g times real speed; "
            "rounds open and close on that clock",
            clock.start.isoformat(),
            clock.speed,
        )
        return PacedRunner(clock, on_lag=metrics.observe_scheduler_lag)
    return AsyncIORunner(clock=clock, on_lag=metrics.observe_scheduler_lag)


async def run_bot(
    settings: Settings,
    *,
    migrate: bool | None = None,
    members_intent: bool = False,
    dev_guild_id: int | None = None,
    shards: ShardSet | None = None,
    clock: Clock | None = None,
    drain_timeout: float = DRAIN_TIMEOUT,
    keys: RoundKeys | None = None,
    library: Library | None = None,
) -> int:
    """Run until a signal or a fatal error; the exit code for the CLI."""
    if settings.token is None:
        raise ValueError("no Discord token in the settings")
    point_discord_at(settings.discord_api_url, settings.discord_gateway_url)
    logger.info("serving on the %s event loop", loop_name())
    if settings.discord_api_url or settings.discord_gateway_url:
        logger.info(
            "talking to another Discord: REST %s, gateway %s",
            settings.discord_api_url or "(Discord's)",
            settings.discord_gateway_url or "(Discord's)",
        )
    if shards is not None:
        logger.info("running %s", shards)
    app = await build_app(
        settings,
        migrate=migrate,
        members_intent=members_intent,
        dev_guild_id=dev_guild_id,
        shards=shards,
        clock=clock,
        keys=keys,
        library=library,
        freeze_heap=True,
    )
    stop = _stop_on_signals()
    try:
        if settings.health_port is not None:
            await app.start_health(settings.health_port, settings.health_host)
        async with app.bot:
            token = settings.token.get_secret_value()
            return await _connect_until_stopped(app, token, stop, drain_timeout)
    except discord.LoginFailure as error:
        # A configuration error, not a failure to retry: the token was revoked or mistyped,
        # and a service manager restarting the bot would be refused for ever.
        raise SettingError(TOKEN_VARIABLE, TOKEN_REFUSED) from error
    except discord.PrivilegedIntentsRequired as error:
        # Like a refused token: restarting cannot help until someone changes the portal or
        # the command line, so it ends as a configuration error a service manager stops on.
        raise SettingError(MEMBERS_INTENT_OPTION, MEMBERS_INTENT_REFUSED) from error
    except OSError as error:  # the health port taken, Discord unreachable
        logger.error("could not run: %s", error)
        logger.debug("the failure", exc_info=True)
        return EXIT_FAILED
    except Exception:
        logger.exception("the bot stopped on an unexpected error")
        return EXIT_FAILED
    finally:
        await app.aclose()


async def _connect_until_stopped(
    app: App,
    token: str,
    stop: asyncio.Event,
    drain_timeout: float,
) -> int:
    """Connect; on a stop signal shut down in order; a connection that dies on its own raises."""
    connection = asyncio.create_task(app.bot.start(token), name="vitalitybot-connection")
    stopping = asyncio.create_task(stop.wait(), name="vitalitybot-stop-signal")
    await asyncio.wait({connection, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if connection.done():
        stopping.cancel()
        connection.result()  # LoginFailure and the like are raised here
        logger.warning("the Discord connection ended without a stop signal")
        return EXIT_FAILED
    await app.shutdown(drain_timeout)
    with contextlib.suppress(asyncio.CancelledError):
        await connection
    logger.info("stopped")
    return EXIT_OK


def _stop_on_signals() -> asyncio.Event:
    """An event set by the first SIGINT or SIGTERM (later ones are only logged)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def received(name: str) -> None:
        if stop.is_set():
            logger.info("%s received: already shutting down", name)
            return
        logger.info("%s received: shutting down", name)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(sig, received, sig.name)
    return stop

"""Starting and stopping the bot: ``build_app`` wires the parts, ``run_bot`` runs them.

Start-up order, each step before anything can depend on it:

1. the pattern library is loaded (through its warm-start cache when one is configured)
   and its search index built, before any thread exists (the loader may fork workers);
2. the database is migrated to the latest revision, unless told not to;
3. services, the Discord edges, the schedule keeper (on APScheduler's asyncio runner)
   and the bot are built around one ``Database``;
4. discord.py is pointed at ``VITALITYBOT_DISCORD_API_URL`` /
   ``VITALITYBOT_DISCORD_GATEWAY_URL`` when set (another Discord-compatible server, as
   the tests use), and the bot connects; the schedules are rebuilt once it is ready.

SIGINT and SIGTERM close the client (the keeper stops with it), then the database is
disposed. The token is read from the settings as a secret and handed to discord.py; it
is never logged or printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass

import discord

from vitalitybot.bot.client import VitalityBot
from vitalitybot.bot.directory import DiscordMemberDirectory
from vitalitybot.bot.endpoints import point_discord_at
from vitalitybot.bot.notifier import DiscordNotifier
from vitalitybot.config import Settings
from vitalitybot.patterns import Library, load_library
from vitalitybot.render.environment import build_environment
from vitalitybot.scheduling.clock import Clock, SystemClock
from vitalitybot.scheduling.runner import AsyncIORunner
from vitalitybot.services import ScheduleKeeper, Services
from vitalitybot.storage import Database, open_database, upgrade

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED = 0, 1


@dataclass
class App:
    """Everything one running bot owns; ``aclose`` releases it."""

    settings: Settings
    library: Library
    db: Database
    services: Services
    notifier: DiscordNotifier
    keeper: ScheduleKeeper
    bot: VitalityBot

    async def aclose(self) -> None:
        if not self.bot.is_closed():
            await self.bot.close()
        self.keeper.shutdown()
        await self.db.dispose()


async def build_app(
    settings: Settings,
    *,
    migrate: bool | None = None,
    members_intent: bool = False,
    clock: Clock | None = None,
    notifier: DiscordNotifier | None = None,
    dev_guild_id: int | None = None,
) -> App:
    """Load, migrate and wire everything; nothing connects to Discord yet."""
    library = load_library(settings.patterns_dir, settings.pattern_cache)
    if library.problems:
        logger.warning(
            "%d pattern files did not load (`vitalitybot patterns check` lists them)",
            len(library.problems),
        )
    logger.info("loaded %d patterns from %s", len(library.patterns), settings.patterns_dir)
    db = open_database(settings.database_url)
    try:
        if settings.migrate_on_start if migrate is None else migrate:
            revision = await upgrade(db)
            logger.info("database at revision %s", revision)
        notifier = notifier or DiscordNotifier()
        services = Services(
            db=db,
            patterns=library.patterns,
            clock=clock or SystemClock(),
            notifier=notifier,
            members=DiscordMemberDirectory(),
            env=build_environment(settings.templates_dir),
        )
        keeper = ScheduleKeeper(services, AsyncIORunner(clock=services.clock))
        bot = VitalityBot(
            services,
            keeper=keeper,
            index=services.index,
            members_intent=members_intent,
            dev_guild_id=dev_guild_id,
        )
    except BaseException:
        await db.dispose()
        raise
    return App(settings, library, db, services, notifier, keeper, bot)


async def run_bot(
    settings: Settings,
    *,
    migrate: bool | None = None,
    members_intent: bool = False,
    dev_guild_id: int | None = None,
) -> int:
    """Run until a signal or a fatal error; the exit code for the CLI."""
    if settings.token is None:
        raise ValueError("no Discord token in the settings")
    point_discord_at(settings.discord_api_url, settings.discord_gateway_url)
    if settings.discord_api_url or settings.discord_gateway_url:
        logger.info(
            "talking to another Discord: REST %s, gateway %s",
            settings.discord_api_url or "(Discord's)",
            settings.discord_gateway_url or "(Discord's)",
        )
    app = await build_app(
        settings, migrate=migrate, members_intent=members_intent, dev_guild_id=dev_guild_id
    )
    stopping = _stop_on_signals(app.bot)
    try:
        async with app.bot:
            await app.bot.start(settings.token.get_secret_value())
    except discord.LoginFailure:
        logger.error("Discord refused the token: check VITALITYBOT_TOKEN (Bot -> Reset Token)")
        return EXIT_FAILED
    except discord.PrivilegedIntentsRequired:
        logger.error(
            "Discord refused the Server Members intent: enable it in the Developer Portal "
            "(Bot -> Privileged Gateway Intents), or run without --members-intent"
        )
        return EXIT_FAILED
    finally:
        await app.aclose()
    logger.info("stopped%s", f" ({len(stopping)} signal(s))" if stopping else "")
    return EXIT_OK


def _stop_on_signals(bot: VitalityBot) -> set[asyncio.Task[None]]:
    """Close the client on SIGINT/SIGTERM; returns the set holding the closing tasks."""
    loop = asyncio.get_running_loop()
    tasks: set[asyncio.Task[None]] = set()

    def stop(name: str) -> None:
        logger.info("%s received: shutting down", name)
        tasks.add(loop.create_task(bot.close()))

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(sig, stop, sig.name)
    return tasks

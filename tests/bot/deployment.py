"""Steps the deployment tests share: guilds spread over shards, communities set up directly
in the database (as earlier runs of the bot would have left them), and `vitalitybot run`
as a real process."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from key_support import TEST_BOT_KEY, TEST_KEYS
from loopback import Guild, LoopbackDiscord
from vitalitybot.bot.directory import DiscordMemberDirectory
from vitalitybot.bot.notifier import DiscordNotifier
from vitalitybot.domain.records import Community
from vitalitybot.patterns import load_library
from vitalitybot.render.environment import build_environment
from vitalitybot.scheduling.clock import Clock
from vitalitybot.services import Services, adopt_pattern, set_threshold, setup_community
from vitalitybot.services.shards import shard_of
from vitalitybot.storage import open_database, upgrade

STARTUP_TIMEOUT = 30.0


def guilds_on_shards(server: LoopbackDiscord, count: int, per_shard: int) -> dict[int, list[Guild]]:
    """At least ``per_shard`` guilds on each of ``count`` shards (more on some).

    Loopback ids are snowflakes whose shard follows the millisecond they were made in,
    so guilds are made a millisecond apart until every shard has its share.
    """
    by_shard: dict[int, list[Guild]] = {shard: [] for shard in range(count)}
    made = 0
    while min(len(guilds) for guilds in by_shard.values()) < per_shard:
        made += 1
        guild = server.add_guild(f"CoP {made}")
        by_shard[shard_of(guild.id, count)].append(guild)
        time.sleep(0.001)
    return by_shard


@asynccontextmanager
async def offline_services(
    database_url: str, patterns_dir: Path, clock: Clock
) -> AsyncIterator[Services]:
    """Services on the database with no Discord and no scheduler: what set-up needs."""
    db = open_database(database_url)
    try:
        await upgrade(db)
        yield Services(
            db=db,
            patterns=load_library(patterns_dir).patterns,
            clock=clock,
            notifier=DiscordNotifier(),  # never bound: set-up posts nothing
            members=DiscordMemberDirectory(),
            env=build_environment(),
            keys=TEST_KEYS,
        )
    finally:
        await db.dispose()


async def set_up_communities(
    svc: Services, guilds: Iterable[Guild], pattern: str, timezone: str = "UTC"
) -> list[Community]:
    """Each guild a community watching ``pattern``, showing figures from 3 answers; the
    communities in the order of ``guilds``."""
    made = []
    for guild in guilds:
        community = await setup_community(svc, guild.id, guild.name, guild.general.id, timezone)
        await set_threshold(svc, community.id, 0.5, min_respondents=3)
        await adopt_pattern(svc, community.id, pattern)
        made.append(community)
    return made


def run_env(server: LoopbackDiscord, database_url: str, patterns_dir: Path) -> dict[str, str]:
    """The environment of a `vitalitybot run` process against the loopback server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VITALITYBOT_")}
    env.update(
        VITALITYBOT_TOKEN=server.token,
        VITALITYBOT_DATABASE_URL=database_url,
        VITALITYBOT_DISCORD_API_URL=server.api_url,
        VITALITYBOT_DISCORD_GATEWAY_URL=server.gateway_url,
        VITALITYBOT_PATTERNS_DIR=str(patterns_dir),
        VITALITYBOT_LOG_LEVEL="INFO",
        # The key the set-up's services use too (offline_services).
        VITALITYBOT_SECRET_KEY=TEST_BOT_KEY.hex(),
    )
    return env


async def start_run(
    env: dict[str, str], log: Path, *options: str, before: Sequence[str] = ()
) -> asyncio.subprocess.Process:
    """``python -m vitalitybot [before] run [options]``, its output (both streams) in ``log``."""
    with log.open("a") as output:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "vitalitybot",
            *before,
            "run",
            *options,
            cwd=log.parent,
            env=env,
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
        )


async def wait_for_line(
    server: LoopbackDiscord,
    log: Path,
    found: Callable[[str], bool],
    what: str,
    process: asyncio.subprocess.Process | None = None,
    timeout: float = STARTUP_TIMEOUT,  # noqa: ASYNC109
) -> None:
    """Until a line of ``log`` satisfies ``found``; fails early if ``process`` exits."""

    def probe() -> bool | None:
        if any(found(line) for line in log.read_text().splitlines()):
            return True
        if process is not None and process.returncode is not None:
            raise AssertionError(
                f"the bot exited ({process.returncode}) before {what}:\n{tail(log)}"
            )
        return None

    await server.wait_until(probe, lambda: f"{what}\n{tail(log)}", timeout=timeout)


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text().splitlines()[-lines:])


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.kill()
        await process.wait()


def sqlite_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of a bot's SQLite file, read from outside the bot as an operator would."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()

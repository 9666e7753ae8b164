"""``vitalitybot run``: connect to Discord and run until stopped.

The token comes from ``VITALITYBOT_TOKEN`` (the environment or ``.env``) and nowhere
else: a command-line argument would show in ``ps`` and shell history. It is never
printed; a missing one is a configuration error (exit 3) with a sentence saying where to
put it. So is every other setting the bot cannot start with (cli/preflight.py): ``run``
refuses before it connects anything, rather than fail later or run with nothing to ask.

**Shards.** ``--shard-count N --shard-ids a,b`` (or ``VITALITYBOT_SHARD_COUNT`` /
``VITALITYBOT_SHARD_IDS``; an option wins over its setting) runs shards ``a`` and ``b``
of ``N`` in this process: it connects those shards and opens, reminds and closes
rounds only for their guilds. Run one process per set of shards, all with the same
count, each id in exactly one process. A count without ids runs every shard here.

**Rehearsals** (hidden options, for tests and capacity trials, never for a real
community): ``--rehearse-from 2026-03-01T00:00+00:00 --speed 86400`` runs the bot on a
clock that stands at that instant until ``--rehearse-epoch`` (a UNIX time; default:
now), then runs ``--speed`` times faster than the wall clock, so a month of schedules
plays out in 31 seconds against a real database and a Discord-compatible server.
Processes given the same start, speed and epoch share one simulated time. Answers,
rounds and posts are real; only the calendar is compressed (Discord's rate limits are
not: posts are paced in real time). The log says REHEARSAL at start.
"""

from __future__ import annotations

import argparse
import logging
from datetime import datetime

from vitalitybot.cli.errors import CliError, ConfigurationError, UsageError
from vitalitybot.cli.preflight import startup_library
from vitalitybot.config import Settings, load_settings
from vitalitybot.keyfile import load_round_keys
from vitalitybot.scheduling.clock import AcceleratedClock
from vitalitybot.services.shards import ShardError, ShardSet, parse_shard_ids

NO_TOKEN = (
    "no Discord token: put VITALITYBOT_TOKEN=... in the environment or in a .env file "
    "(Developer Portal -> your application -> Bot -> Reset Token)"
)
SHARD_SETTINGS = "VITALITYBOT_SHARD_COUNT / VITALITYBOT_SHARD_IDS"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "run",
        help="connect to Discord and run the bot",
        description="Run the bot: migrate the database, load the patterns, rebuild the "
        "schedules and connect. Stops cleanly on Ctrl-C or SIGTERM.",
    )
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="do not upgrade the database schema at start (VITALITYBOT_MIGRATE_ON_START)",
    )
    parser.add_argument(
        "--members-intent",
        action="store_true",
        help="ask for the privileged Server Members intent (participation rates, reminders); "
        "enable it in the Developer Portal first",
    )
    parser.add_argument(
        "--dev-guild",
        type=int,
        metavar="ID",
        help="also sync the commands to this server, where they appear at once",
    )
    parser.add_argument(
        "--shard-count",
        metavar="N",
        help="shards in the whole deployment (VITALITYBOT_SHARD_COUNT); run one process "
        "per set of shards against the same database",
    )
    parser.add_argument(
        "--shard-ids",
        metavar="A,B",
        help="the shards this process runs, from 0 to N-1 (VITALITYBOT_SHARD_IDS); "
        "default: all of them",
    )
    rehearsal = argparse.SUPPRESS  # tests and capacity trials only: see the module docstring
    parser.add_argument("--rehearse-from", metavar="ISO_DATETIME", help=rehearsal)
    parser.add_argument("--rehearse-epoch", metavar="UNIX_TIME", help=rehearsal)
    parser.add_argument("--speed", metavar="N", help=rehearsal)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.token is None or not settings.token.get_secret_value().strip():
        raise ConfigurationError(NO_TOKEN)
    shards = shard_set(args.shard_count, args.shard_ids, settings)
    clock = rehearsal_clock(args.rehearse_from, args.speed, args.rehearse_epoch)
    library = startup_library(settings)
    keys = load_round_keys(settings)  # before anything connects: a bad key is one line
    if not getattr(args, "verbose", False):  # -v keeps debug lines
        logging.getLogger().setLevel(settings.log_level)
    from vitalitybot.bot.event_loop import run_on
    from vitalitybot.bot.runner import run_bot

    migrate = False if args.no_migrate else settings.migrate_on_start
    return run_on(
        settings.event_loop,
        run_bot(
            settings,
            migrate=migrate,
            members_intent=args.members_intent,
            dev_guild_id=args.dev_guild,
            shards=shards,
            clock=clock,
            keys=keys,
            library=library,
        ),
    )


def shard_set(count: str | None, ids: str | None, settings: Settings) -> ShardSet | None:
    """The shards to run (each option, else its setting); None when not sharded.

    A bad value is a usage error when the options gave it, a configuration error when a
    setting did (so a service manager stops restarting a bot that cannot start).
    """
    raw_count = count if count is not None else settings.shard_count
    raw_ids = ids if ids is not None else settings.shard_ids
    from_settings = (count is None and raw_count is not None) or (
        ids is None and raw_ids is not None
    )

    def error(message: str) -> CliError:
        if from_settings:
            return ConfigurationError(f"{SHARD_SETTINGS}: {message}")
        return UsageError(message)

    if raw_count is None:
        if raw_ids is not None:
            raise error(
                "shard ids need a shard count: say how many shards the whole deployment "
                "has, such as --shard-count 2 --shard-ids 0 (or VITALITYBOT_SHARD_COUNT)"
            )
        return None
    try:
        total = int(raw_count)
    except ValueError:
        raise error(f"the shard count is a whole number of at least 1, not {raw_count!r}") from None
    try:
        if raw_ids is None:
            return ShardSet.all(total)
        return ShardSet(total, parse_shard_ids(raw_ids))
    except ShardError as problem:
        raise error(str(problem)) from None


def rehearsal_clock(
    start: str | None, speed: str | None, epoch: str | None
) -> AcceleratedClock | None:
    """The rehearsal's clock, or None for a real run (then no rehearsal option may be set)."""
    if start is None:
        if speed is not None or epoch is not None:
            raise UsageError("--speed and --rehearse-epoch go with --rehearse-from")
        return None
    try:
        moment = datetime.fromisoformat(start)
    except ValueError:
        raise UsageError(
            f"--rehearse-from takes an ISO date and time with its offset, such as "
            f"2026-03-01T00:00+00:00; {start!r} is not one"
        ) from None
    if moment.tzinfo is None:
        raise UsageError(f"--rehearse-from needs a UTC offset (such as +00:00): {start!r}")
    factor = _positive(speed or "1", "--speed")
    at = None if epoch is None else _positive(epoch, "--rehearse-epoch")
    return AcceleratedClock(moment, speed=factor, epoch=at)


def _positive(text: str, option: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise UsageError(f"{option} takes a number above 0, not {text!r}")
    return value

"""``vitalitybot run``: connect to Discord and run until stopped.

The token comes from ``VITALITYBOT_TOKEN`` (the environment or ``.env``) and nowhere
else: a command-line argument would show in ``ps`` and shell history. It is never
printed; a missing one is a usage error (exit 2) with a sentence saying where to put it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from pydantic import ValidationError

from vitalitybot.config import load_settings

EXIT_USAGE = 2
NO_TOKEN = (
    "error: no Discord token. Put VITALITYBOT_TOKEN=... in the environment or in a .env "
    "file (Developer Portal -> your application -> Bot -> Reset Token)."
)


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
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except ValidationError as error:
        print(f"error: invalid settings: {error}", file=sys.stderr)
        return EXIT_USAGE
    if settings.token is None or not settings.token.get_secret_value().strip():
        print(NO_TOKEN, file=sys.stderr)
        return EXIT_USAGE
    if not args.verbose:
        logging.getLogger().setLevel(settings.log_level.upper())
    from vitalitybot.bot.runner import run_bot

    migrate = False if args.no_migrate else settings.migrate_on_start
    try:
        return asyncio.run(
            run_bot(
                settings,
                migrate=migrate,
                members_intent=args.members_intent,
                dev_guild_id=args.dev_guild,
            )
        )
    except KeyboardInterrupt:
        return 0

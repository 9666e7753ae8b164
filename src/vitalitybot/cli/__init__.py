"""The ``vitalitybot`` command.

Each subcommand lives in its own module exposing ``register(subparsers)``; this module
only assembles them, so adding a command never means editing a long dispatch table.
Exit codes: 0 success, 1 the command ran and found problems, 2 usage errors.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Sequence
from importlib import import_module

from pydantic import ValidationError

from vitalitybot.config import Settings, load_settings
from vitalitybot.observability.logs import configure_logging

COMMAND_MODULES = (
    "vitalitybot.cli.patterns_cmd",
    "vitalitybot.cli.db_cmd",
    "vitalitybot.cli.simulate_cmd",
    "vitalitybot.cli.harvest_cmd",
    "vitalitybot.cli.run_cmd",
    "vitalitybot.cli.invite_cmd",
)

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vitalitybot",
        description="Notice when a Community of Practice is losing life, and act on it.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    parser.add_argument(
        "--log-json",
        action="store_true",
        help="log JSON lines instead of text (also VITALITYBOT_LOG_JSON=true)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = _settings_or_none()
    configure_logging(
        logging.DEBUG if args.verbose else logging.WARNING,
        json=args.log_json or (settings is not None and settings.log_json),
        secrets=_secrets(settings),
    )
    handler: Handler = args.handler
    return handler(args)


def _settings_or_none() -> Settings | None:
    """The settings, if they load: a bad setting is for the command using it to report."""
    try:
        return load_settings()
    except ValidationError:
        return None


def _secrets(settings: Settings | None) -> list[str]:
    token = settings.token if settings is not None else None
    return [token.get_secret_value()] if token is not None else []

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
from importlib.metadata import PackageNotFoundError, version
from typing import Any

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
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    _add_logging_options(parser, default=False)
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_CommandParser
    )
    for name in COMMAND_MODULES:
        import_module(name).register(subparsers)
    return parser


class _CommandParser(argparse.ArgumentParser):
    """The parser of a subcommand (and, as argparse reuses the class, of its actions).

    It takes the logging options too, so ``vitalitybot run --log-json`` works as well as
    ``vitalitybot --log-json run``. Their default here is SUPPRESS: argparse copies a
    subcommand's values over the top level's, and an option left out after the
    subcommand must not undo the same option given before it.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _add_logging_options(self, default=argparse.SUPPRESS)


def _add_logging_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "-v", "--verbose", action="store_true", default=default, help="log debug messages"
    )
    parser.add_argument(
        "--log-json",
        action="store_true",
        default=default,
        help="log JSON lines instead of text (also VITALITYBOT_LOG_JSON=true)",
    )


def _version() -> str:
    """The version the installed distribution records (``vitalitybot.__version__`` at build)."""
    try:
        return version("vitalitybot")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


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

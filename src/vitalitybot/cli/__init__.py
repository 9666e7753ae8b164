"""The ``vitalitybot`` command.

Each subcommand lives in its own module exposing ``register(subparsers)``; this module
only assembles them, so adding a command never means editing a long dispatch table.
``main`` loads the settings once for every command and turns whatever a command raises
into one line and an exit code (cli/errors.py lists the codes).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Sequence
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from vitalitybot.cli.errors import DatabaseInUse, describe, report
from vitalitybot.cli.settings_sources import json_requested, raw_settings, secrets_in
from vitalitybot.config import Settings, load_settings, variable_name
from vitalitybot.keyfile import redactable
from vitalitybot.observability.logs import configure_logging
from vitalitybot.storage.urls import url_passwords

COMMAND_MODULES = (
    "vitalitybot.cli.patterns_cmd",
    "vitalitybot.cli.db_cmd",
    "vitalitybot.cli.simulate_cmd",
    "vitalitybot.cli.harvest_cmd",
    "vitalitybot.cli.run_cmd",
    "vitalitybot.cli.invite_cmd",
    "vitalitybot.cli.doctor_cmd",
)

Handler = Callable[[argparse.Namespace], int]
MIN_SECRET = 6


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
    args = build_parser().parse_args(argv)
    verbose = bool(getattr(args, "verbose", False))
    as_json = json_requested(bool(getattr(args, "log_json", False)))
    level = logging.DEBUG if verbose else logging.WARNING
    configure_logging(level, json=as_json, secrets=_secrets())
    try:
        return _run_command(args, level, as_json)
    except (Exception, KeyboardInterrupt) as error:
        settings = raw_settings()
        database = _database_in_use(args, settings["database_url"].text)
        failure = describe(error, database, settings)
        return report(error, failure, as_json=as_json, secrets=_secrets())


def _run_command(args: argparse.Namespace, level: int, as_json: bool) -> int:
    """Load the settings (a bad one stops every command alike), then run the command.

    ``doctor`` reads them itself, as reporting each bad setting is its job.
    """
    if not getattr(args, "reads_settings_itself", False):
        settings: Settings = load_settings()
        configure_logging(level, json=as_json, secrets=_secrets(settings))
    handler: Handler = args.handler
    return handler(args)


def _database_in_use(args: argparse.Namespace, setting: str | None) -> DatabaseInUse:
    url: str | None = getattr(args, "url", None)
    if url is not None:
        return DatabaseInUse(url, "--url")
    default = str(Settings.model_fields["database_url"].default)
    return DatabaseInUse(setting or default, variable_name("database_url"))


def _secrets(settings: Settings | None = None) -> list[str]:
    """What no line may show: the secret settings, the database password and the bot
    key file's contents (once the settings load), the first two read raw
    when the settings do not load (a bad setting must not leak the token beside it).

    A text shorter than ``MIN_SECRET`` is no real token or key, and replacing it
    everywhere would garble every line (a password that short is still hidden wherever
    a URL is shown: storage/urls.py).
    """
    raw = raw_settings()
    found = secrets_in(raw)
    url = settings.database_url if settings is not None else raw["database_url"].text
    if url:
        found.extend(url_passwords(url))
    if settings is not None:
        found.extend(redactable(settings))
    return [secret for secret in found if len(secret) >= MIN_SECRET]

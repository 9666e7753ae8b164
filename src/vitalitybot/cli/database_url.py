"""The database URL a subcommand works on: read, checked and shown one way for all.

``db`` and ``harvest export`` both take ``--url`` (else the settings' URL), both refuse
a URL the bot cannot use (a usage error for ``--url``, a configuration error for the
setting; cli/errors.py ``url_problem`` says why), and both decline a SQLite file that
does not exist, since connecting to it would create an empty database.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.engine import make_url

from vitalitybot.cli.errors import CliError, ConfigurationError, UsageError, url_problem
from vitalitybot.config import load_settings, variable_name
from vitalitybot.storage.database import sqlite_file
from vitalitybot.storage.urls import safe_url


def add_url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url",
        metavar="DB_URL",
        help="SQLAlchemy async URL (default: VITALITYBOT_DATABASE_URL or the settings)",
    )


def usable_url(args: argparse.Namespace) -> str:
    """``--url``, else the settings' URL, once it is known to be one the bot can use."""
    error: type[CliError]
    url: str
    if args.url:
        url, origin, error = args.url, "--url", UsageError
    else:
        url, origin = load_settings().database_url, variable_name("database_url")
        error = ConfigurationError
    problem = url_problem(url)
    if problem is not None:
        raise error(f"{origin} {safe_url(url)} {problem}")
    return url


def missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file ``url`` names, when it does not exist yet (else None)."""
    parsed = make_url(url)
    path = sqlite_file(parsed) if parsed.get_backend_name() == "sqlite" else None
    return path if path is not None and not path.exists() else None

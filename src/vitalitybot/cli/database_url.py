"""The database URL a subcommand works on: read, checked and shown one way for all.

``db`` and ``harvest export`` both take ``--url`` (else the settings' URL), both refuse
a URL SQLAlchemy cannot use with one line on stderr (its password hidden, like every
URL they print: ``storage.urls.safe_url``), and both decline a SQLite file
that does not exist, since connecting to it would create an empty database.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from vitalitybot.config import load_settings
from vitalitybot.storage.database import sqlite_file
from vitalitybot.storage.urls import safe_url, without_password


def add_url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url",
        metavar="DB_URL",
        help="SQLAlchemy async URL (default: VITALITYBOT_DATABASE_URL or the settings)",
    )


def usable_url(args: argparse.Namespace, prefix: str) -> str | None:
    """``--url`` or the settings' URL; None once ``prefix: not a usable ...`` is printed."""
    url: str = args.url or load_settings().database_url
    try:
        make_url(url).get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        reason = without_password(str(error), url)
        print(f"{prefix}: not a usable database URL {safe_url(url)!r}: {reason}", file=sys.stderr)
        return None
    return url


def missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file ``url`` names, when it does not exist yet (else None)."""
    parsed = make_url(url)
    path = sqlite_file(parsed) if parsed.get_backend_name() == "sqlite" else None
    return path if path is not None and not path.exists() else None

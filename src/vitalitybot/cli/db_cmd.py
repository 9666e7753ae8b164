"""``vitalitybot db ...``: bring the database schema up to date, or say where it is.

Each action registers itself from ``_ACTIONS``, so a new one (``db backup``) is one
function and one line there.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from vitalitybot.config import load_settings
from vitalitybot.storage.database import sqlite_file

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "db",
        help="database schema: upgrade, current",
        description="Manage the database schema (Alembic migrations).",
    )
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    for add_action in _ACTIONS:
        add_action(actions)


def _add_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url",
        help="SQLAlchemy async URL (default: VITALITYBOT_DATABASE_URL or the settings)",
    )


def _register_upgrade(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "upgrade",
        help="apply migrations up to the latest revision",
        description="Apply the Alembic migrations (creating the database file if needed).",
    )
    _add_url(parser)
    parser.add_argument("--revision", default="head", help="revision to reach (default: head)")
    parser.set_defaults(handler=_upgrade)


def _register_current(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "current",
        help="show the database's revision (exit 1 when behind the latest)",
        description="Print the revision the database is at and whether it is the latest.",
    )
    _add_url(parser)
    parser.set_defaults(handler=_current)


_ACTIONS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    _register_upgrade,
    _register_current,
)


def _upgrade(args: argparse.Namespace) -> int:
    from vitalitybot.storage.migrate import head_revision, upgrade_url

    url = _url(args)
    if url is None:
        return 2
    try:
        reached = upgrade_url(url, args.revision)
    except (SQLAlchemyError, OSError) as exc:
        print(f"error: could not migrate {_shown(url)}: {exc}", file=sys.stderr)
        return 1
    head = head_revision()
    suffix = " (head)" if reached is not None and reached == head else ""
    print(f"{_shown(url)}: at revision {reached or 'base (empty)'}{suffix}")
    return 0


def _current(args: argparse.Namespace) -> int:
    from vitalitybot.storage.migrate import current_url, head_revision

    url = _url(args)
    if url is None:
        return 2
    parsed = make_url(url)
    path = sqlite_file(parsed) if parsed.get_backend_name() == "sqlite" else None
    if path is not None and not path.exists():
        # Connecting would create an empty file; say so instead.
        print(f"{_shown(url)}: no database file at {path}; run `vitalitybot db upgrade`")
        return 1
    try:
        revision = current_url(url)
    except (SQLAlchemyError, OSError) as exc:
        print(f"error: could not read {_shown(url)}: {exc}", file=sys.stderr)
        return 1
    head = head_revision()
    if revision == head:
        print(f"{_shown(url)}: at revision {revision} (head)")
        return 0
    print(
        f"{_shown(url)}: at revision {revision or 'none (never migrated)'}; latest is {head}; "
        "run `vitalitybot db upgrade`"
    )
    return 1


def _url(args: argparse.Namespace) -> str | None:
    """The URL to use, or None after reporting a usage error."""
    url: str = args.url or load_settings().database_url
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        print(f"error: not a usable database URL {url!r}: {exc}", file=sys.stderr)
        return None
    return url


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)

"""``vitalitybot db ...``: bring the database schema up to date, say where it is, or
back a SQLite database up while the bot runs.

Each action registers itself from ``_ACTIONS``, so a new one (``db backup``) is one
function and one line there. Failures are raised, and ``main`` reports them (exit 4 for
the database, 5 for a path, 2 for a bad argument).
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import make_url

from vitalitybot.cli.database_url import add_url_option, missing_sqlite_file, usable_url
from vitalitybot.cli.errors import CliError, DatabaseError, FileError, UsageError
from vitalitybot.storage.database import sqlite_file
from vitalitybot.storage.urls import safe_url

log = logging.getLogger(__name__)

SYMBOLIC_REVISIONS = ("head", "heads", "base")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "db",
        help="database schema and backups: upgrade, current, backup",
        description="Manage the database schema (Alembic migrations).",
    )
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    for add_action in _ACTIONS:
        add_action(actions)


def _register_upgrade(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "upgrade",
        help="apply migrations up to the latest revision",
        description="Apply the Alembic migrations (creating the database file if needed).",
    )
    add_url_option(parser)
    parser.add_argument("--revision", default="head", help="revision to reach (default: head)")
    parser.set_defaults(handler=_upgrade)


def _register_current(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "current",
        help="show the database's revision (exit 1 when behind the latest)",
        description="Print the revision the database is at and whether it is the latest.",
    )
    add_url_option(parser)
    parser.set_defaults(handler=_current)


def _register_backup(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "backup",
        help="copy a live SQLite database to PATH, consistently",
        description=(
            "Copy the SQLite database to PATH with SQLite's online backup API: safe while "
            "the bot runs and writes. For PostgreSQL use pg_dump."
        ),
    )
    parser.add_argument("path", metavar="PATH", type=Path, help="the new backup file")
    add_url_option(parser)
    parser.set_defaults(handler=_backup)


_ACTIONS: tuple[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None], ...] = (
    _register_upgrade,
    _register_current,
    _register_backup,
)


def _upgrade(args: argparse.Namespace) -> int:
    from vitalitybot.storage.migrate import head_revision, upgrade_url

    url = usable_url(args)
    _check_revision(args.revision)
    reached = upgrade_url(url, args.revision)
    head = head_revision()
    suffix = " (head)" if reached is not None and reached == head else ""
    print(f"{safe_url(url)}: at revision {reached or 'base (empty)'}{suffix}")
    return 0


def _check_revision(revision: str) -> None:
    """Refuse a ``--revision`` this version has no migration for, before connecting."""
    from vitalitybot.storage.migrate import alembic_config

    if revision in SYMBOLIC_REVISIONS:
        return
    scripts = ScriptDirectory.from_config(alembic_config())
    try:
        found = scripts.get_revision(revision)
    except CommandError:
        found = None
    if found is None:
        raise UsageError(
            f"--revision {revision} is not a revision this vitalitybot has; the latest is "
            f"{scripts.get_current_head()} (or say head)"
        )


def _current(args: argparse.Namespace) -> int:
    from vitalitybot.storage.migrate import current_url, head_revision

    url = usable_url(args)
    path = missing_sqlite_file(url)
    if path is not None:
        print(f"{safe_url(url)}: no database file at {path}; run `vitalitybot db upgrade`")
        return 1
    revision = current_url(url)
    head = head_revision()
    if revision == head:
        print(f"{safe_url(url)}: at revision {revision} (head)")
        return 0
    print(
        f"{safe_url(url)}: at revision {revision or 'none (never migrated)'}; latest is {head}; "
        "run `vitalitybot db upgrade`"
    )
    return 1


def _backup(args: argparse.Namespace) -> int:
    url = usable_url(args)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise UsageError(
            f"`db backup` copies SQLite databases; {safe_url(url)} is "
            f"{parsed.get_backend_name()}: use pg_dump (pg_dump -Fc -f backup.dump DBNAME)"
        )
    source = sqlite_file(parsed)
    if source is None:
        raise UsageError(f"{safe_url(url)} is an in-memory database: nothing to copy")
    target: Path = args.path
    if target.exists():
        raise UsageError(f"{target} exists; back up to a new file")
    if not target.parent.is_dir():
        raise FileError(f"{target.parent}: no such folder; create it, or back up elsewhere")
    if not source.is_file():
        raise DatabaseError(f"no database file at {source} ({safe_url(url)}): nothing to copy")
    check = backup_sqlite(source, target)
    if check != "ok":
        raise CliError(f"the copy at {target} failed its integrity check: {check}")
    print(f"backed up {source} to {target} ({target.stat().st_size} bytes, integrity ok)")
    return 0


def backup_sqlite(source: Path, target: Path) -> str:
    """Copy ``source`` to ``target`` in one step of the online backup API.

    One step holds a read snapshot for the whole copy, so the copy is the database as
    of one moment, whatever other connections write meanwhile (WAL lets them go on).
    The copy is written beside ``target`` and renamed into place, so a failure never
    leaves a partial backup under that name, and it is switched out of WAL so the
    backup is one self-contained file. Returns ``PRAGMA integrity_check`` of the copy.
    """
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    # mode=rw: a missing source is an error, never a new empty database.
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            check = str(dst.execute("PRAGMA integrity_check").fetchone()[0])
        finally:
            dst.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    partial.replace(target)
    return check

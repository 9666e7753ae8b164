"""How a command's failure reaches the operator: one line, and an exit code per kind.

``main`` (cli/__init__.py) hands whatever a command raises to ``report``, so no command
catches configuration, database, file or interrupt errors for itself. The line names
the environment variable, option or path to fix and, where one is known, what to do;
under ``--log-json`` it is one JSON object with the log lines' keys. The traceback
follows only with ``-v`` (as a debug log line, redacted like every other).

Exit codes (README "Errors and exit codes"; systemd's ``RestartPreventExitStatus`` uses 3):

- 0 done; 1 the command ran and found problems (or failed in a way not listed here);
- 2 usage: a bad option or argument (argparse's code too);
- 3 configuration: a setting (environment, ``.env``) is invalid or cannot work;
- 4 database: it cannot be reached, opened, read, written or migrated;
- 5 file: a path the command reads or writes cannot be used;
- 130 interrupted (Ctrl-C), the shell's code for SIGINT.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import sqlite3
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from alembic.util.exc import CommandError
from pydantic import ValidationError
from pydantic_settings import SettingsError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from vitalitybot.cli.settings_sources import (
    RawSetting,
    describe_invalid,
    undecodable_settings_file,
)
from vitalitybot.config import SettingError
from vitalitybot.observability.logs import JsonFormatter, Redactor
from vitalitybot.storage.database import sqlite_file
from vitalitybot.storage.urls import safe_url, without_password

log = logging.getLogger(__name__)

EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_CONFIGURATION = 3
EXIT_DATABASE = 4
EXIT_FILE = 5
EXIT_INTERRUPTED = 130

# Settings errors raised outside config.py belong here too (the bot key's, once its
# loader raises one): each names its variable in its message.
CONFIGURATION_ERRORS: tuple[type[Exception], ...] = (SettingError,)
# The drivers a database URL may need, and what installs each.
DRIVERS = {"asyncpg": "pip install 'vitalitybot[postgres]'", "aiosqlite": "pip install aiosqlite"}
_BACKGROUND = re.compile(r"\s*\(Background on this error at: [^)]*\)")


class CliError(Exception):
    """A failure the command has put in words; ``exit_code`` says which kind."""

    exit_code: ClassVar[int] = EXIT_PROBLEMS


class UsageError(CliError):
    exit_code = EXIT_USAGE


class ConfigurationError(CliError):
    exit_code = EXIT_CONFIGURATION


class DatabaseError(CliError):
    exit_code = EXIT_DATABASE


class FileError(CliError):
    exit_code = EXIT_FILE


@dataclass(frozen=True, slots=True)
class DatabaseInUse:
    """The database a command works on, and what named it (``--url`` or the variable)."""

    url: str
    origin: str


@dataclass(frozen=True, slots=True)
class Failure:
    exit_code: int
    message: str


def describe(
    error: BaseException, database: DatabaseInUse, settings: dict[str, RawSetting]
) -> Failure:
    """The exit code and the one line for ``error``."""
    if isinstance(error, KeyboardInterrupt):
        return Failure(EXIT_INTERRUPTED, "interrupted")
    if isinstance(error, CliError):
        return Failure(error.exit_code, str(error))
    if isinstance(error, CONFIGURATION_ERRORS):
        return Failure(EXIT_CONFIGURATION, str(error))
    if isinstance(error, ValidationError):
        return Failure(EXIT_CONFIGURATION, describe_invalid(error, settings))
    # pydantic-settings raises a .env's decoding error as it is, a secret file's wrapped.
    if isinstance(error, UnicodeDecodeError | SettingsError) and (
        unreadable := undecodable_settings_file()
    ):
        return Failure(EXIT_CONFIGURATION, unreadable)
    if isinstance(error, SettingsError):
        return Failure(EXIT_CONFIGURATION, settings_failure(error))
    if isinstance(error, ModuleNotFoundError) and error.name in DRIVERS:
        return Failure(EXIT_CONFIGURATION, driver_missing(error.name, database))
    if isinstance(error, (SQLAlchemyError, CommandError, sqlite3.Error)):
        return Failure(EXIT_DATABASE, database_failure(error, database))
    if isinstance(error, (ConnectionError, TimeoutError, socket.gaierror)):
        # A command's only network peer is its database server (the bot's Discord
        # connection reports its own failures in bot/runner.py).
        return Failure(EXIT_DATABASE, database_failure(error, database))
    if isinstance(error, OSError) and error.filename is not None:
        return Failure(EXIT_FILE, file_failure(error))
    return Failure(
        EXIT_PROBLEMS,
        f"unexpected {type(error).__name__}: {first_line(str(error))} "
        "(run again with -v for the traceback)",
    )


def report(error: BaseException, failure: Failure, *, as_json: bool, secrets: list[str]) -> int:
    """Print ``failure``'s line on stderr (the traceback before it, at debug level)."""
    log.debug("the failure behind the next line", exc_info=error)
    message = Redactor(secrets)(failure.message)
    if as_json:
        record = logging.LogRecord(log.name, logging.ERROR, __file__, 0, message, None, None)
        record.created = datetime.now(UTC).timestamp()
        entry = json.loads(JsonFormatter().format(record))
        line = json.dumps({**entry, "exit_code": failure.exit_code}, ensure_ascii=False)
    else:
        line = f"error: {message}"
    print(line, file=sys.stderr)
    return failure.exit_code


def first_line(text: str) -> str:
    """The first non-empty line of ``text``, without SQLAlchemy's link to its docs."""
    lines = [line.strip() for line in _BACKGROUND.sub("", text).splitlines() if line.strip()]
    return lines[0] if lines else "(no message)"


def driver_missing(module: str, database: DatabaseInUse) -> str:
    return (
        f"{database.origin} {safe_url(database.url)} needs the {module} package, which is "
        f"not installed: {DRIVERS[module]}"
    )


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot serve the bot (None when it can), before anything connects.

    The bot needs an asyncio driver: ``postgresql+asyncpg://`` or ``sqlite+aiosqlite://``.
    """
    try:
        dialect = make_url(url).get_dialect()
    except (ArgumentError, ValueError, ImportError) as error:
        return f"is not a database URL SQLAlchemy can use ({first_line(str(error))})"
    if not getattr(dialect, "is_async", False):
        backend = make_url(url).get_backend_name()
        wanted = {"postgresql": "postgresql+asyncpg", "sqlite": "sqlite+aiosqlite"}
        scheme = wanted.get(backend)
        instead = f"; write {scheme}://..." if scheme else ""
        return (
            f"uses the synchronous driver {dialect.driver!r}; the bot needs an asyncio one{instead}"
        )
    try:
        dialect.import_dbapi()
    except ImportError as error:
        module = error.name or dialect.driver
        how = DRIVERS.get(module, f"pip install {module}")
        return f"needs the {module} package, which is not installed: {how}"
    return None


def database_failure(error: BaseException, database: DatabaseInUse) -> str:
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    detail = without_password(first_line(str(cause)), database.url)
    return (
        f"cannot use the database {safe_url(database.url)} ({database.origin}): "
        f"{detail}{_database_hint(detail, database.url)}"
    )


def _database_hint(detail: str, url: str) -> str:
    lowered = detail.lower()
    try:
        path = sqlite_file(make_url(url))
    except (ArgumentError, ValueError):
        path = None
    if path is not None and "unable to open database file" in lowered:
        return f"; check that {path.parent} exists and this user may write there"
    if path is not None and "readonly database" in lowered:
        return f"; {path} and its folder must be writable by this user"
    if path is not None and ("not a database" in lowered or "malformed" in lowered):
        return f"; {path} is damaged or not SQLite: restore it from a backup"
    if "connect call failed" in lowered or "connection refused" in lowered:
        return "; is the database server running and reachable at that host and port?"
    if "can't locate revision" in lowered:
        return "; the database was migrated by a newer vitalitybot: run that version"
    if "no such table" in lowered or "does not exist" in lowered:
        return "; run `vitalitybot db upgrade`"
    return ""


def settings_failure(error: SettingsError) -> str:
    """A settings source that could not be read: a secret file this user may not read,
    named with what to check, else pydantic-settings' words and their cause."""
    cause = error.__cause__
    if isinstance(cause, OSError) and cause.filename is not None:
        return f"cannot read a setting from {file_failure(cause)}"
    said = first_line(str(error))
    return f"{said}: {first_line(str(cause))}" if cause is not None else said


def file_failure(error: OSError) -> str:
    path = Path(str(error.filename))
    reason = error.strerror or type(error).__name__
    if isinstance(error, FileNotFoundError):
        return f"{path}: {reason}; check the path (its folder must exist)"
    if isinstance(error, PermissionError):
        return f"{path}: {reason}; this user may not use it: check its owner and mode"
    if isinstance(error, FileExistsError):
        return f"{path}: {reason}, and is in the way (a file where a folder should be?)"
    return f"{path}: {reason}"

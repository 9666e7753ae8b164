"""Logging set-up: one handler on the root logger, human lines or JSON lines.

Three promises the rest of the bot relies on:
- every line says which community it concerns, when it concerns one, without each
  call site passing it: ``community_context(id)`` sets it for everything logged
  (and every task started) inside it;
- the bot token never reaches a log, even inside the traceback of a failed login:
  a filter on the handler rewrites the message, its arguments and the formatted
  traceback before any formatter sees them. Interaction tokens (each one lets
  whoever holds it answer as the bot for 15 minutes) are redacted the same way,
  bare or inside the webhook and callback URLs that carry them;
- no member's answers reach a log: discord.py's gateway and HTTP loggers write whole
  payloads at DEBUG (an INTERACTION_CREATE holds the member's id, the ``custom_id``
  of the menu and the ``values`` picked; a request body holds the ratings shown back
  to them). The handler drops those loggers' DEBUG records (``PAYLOAD_LOGGERS``),
  whatever level anyone sets, so ``-v`` still shows our own debug lines, discord.py's
  other debug lines (events dispatched, cache misses by id) and its INFO and above.
"""

from __future__ import annotations

import base64
import binascii
import json as jsonlib
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

REDACTED = "[redacted]"

_COMMUNITY: ContextVar[int | None] = ContextVar("vitalitybot_community_id", default=None)

# A Discord bot token: base64url(user id).base64url(timestamp).HMAC. The user id is a
# snowflake of 17-20 digits, so the first part is 23-27 characters starting with M, N
# or O (the base64 of an ASCII digit); candidates are confirmed by decoding it.
_TOKEN_SHAPE = re.compile(
    r"(?<![A-Za-z0-9_-])([MNO][A-Za-z0-9_-]{22,26})\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"
    r"(?![A-Za-z0-9_-])"
)


@contextmanager
def community_context(community_id: int | None) -> Iterator[None]:
    """Tag every record logged inside (in this task and tasks it starts) with the id."""
    token = _COMMUNITY.set(community_id)
    try:
        yield
    finally:
        _COMMUNITY.reset(token)


def tag_community(community_id: int) -> None:
    """Tag everything logged from here to the end of this task (and tasks it starts) with
    the id: for an interaction handler, whose own task learns its community part-way."""
    _COMMUNITY.set(community_id)


def current_community() -> int | None:
    return _COMMUNITY.get()


def looks_like_a_discord_token(text: str) -> bool:
    return any(_is_token(match) for match in _TOKEN_SHAPE.finditer(text))


# Discord's interaction tokens start with base64("interaction"); any token, whatever
# its shape, is the path segment after the id in a webhook or interaction-callback URL.
_INTERACTION_TOKEN = re.compile(r"aW50ZXJhY3Rpb24[A-Za-z0-9_.=-]*")
_TOKEN_IN_URL = re.compile(r"(/(?:webhooks|interactions)/[0-9]+/)([^/?#\s'\"]+)")

# The password of any URL written with one (a database URL quoted in a library's error).
# A password already hidden as ``***`` (storage.urls.safe_url) is left as it reads.
_URL_PASSWORD = re.compile(r"(://[^:/@\s'\"]*:)(?!\*\*\*@)[^/\s'\"]*@")

PAYLOAD_LOGGERS = ("discord.gateway", "discord.http", "discord.ui")
"""discord.py's loggers whose DEBUG lines carry whole gateway events and HTTP bodies,
or (``discord.ui``) the ``custom_id`` of a component, where a survey page keeps the
member's picks so far."""


class Redactor:
    """Replaces the configured secrets, anything shaped like a bot token, interaction
    tokens and the passwords written in URLs."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a secret containing another is replaced whole.
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        if "." in text:
            text = _TOKEN_SHAPE.sub(_redact_token, text)
        text = _INTERACTION_TOKEN.sub(REDACTED, text)
        text = _URL_PASSWORD.sub(rf"\g<1>{REDACTED}@", text)
        return _TOKEN_IN_URL.sub(rf"\g<1>{REDACTED}", text)


class PayloadFilter(logging.Filter):
    """Drops discord.py's payload dumps (``PAYLOAD_LOGGERS`` below INFO); keeps the rest."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO or not _is_payload_logger(record.name)


def _is_payload_logger(name: str) -> bool:
    return any(name == logger or name.startswith(logger + ".") for logger in PAYLOAD_LOGGERS)


class RedactingFilter(logging.Filter):
    """Rewrites a record so that no later formatter can print a secret.

    The message is formatted with its arguments first (a secret may sit in either),
    and the traceback is formatted here into ``exc_text``, which every formatter
    prints instead of formatting ``exc_info`` again.
    """

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redact = redactor
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class CommunityFilter(logging.Filter):
    """Adds ``community_id`` to every record: the one passed in ``extra``, else the context's."""

    def filter(self, record: logging.LogRecord) -> bool:
        if community_of(record) is None:
            record.community_id = _COMMUNITY.get()
        return True


def community_of(record: logging.LogRecord) -> int | None:
    """The record's community id: given in ``extra`` (logging keeps extras in the
    record's ``__dict__``) or added by ``CommunityFilter``; None when there is none."""
    found = record.__dict__.get("community_id")
    return found if isinstance(found, int) else None


class HumanFormatter(logging.Formatter):
    """``2026-11-03 10:00:00,123 INFO  vitalitybot.x [community 12] message``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s%(community)s %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        community_id = community_of(record)
        record.community = "" if community_id is None else f" [community {community_id}]"
        return super().formatMessage(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors; times in UTC, ISO 8601."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        community_id = community_of(record)
        if community_id is not None:
            entry["community_id"] = community_id
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return jsonlib.dumps(entry, ensure_ascii=False)


def configure_logging(
    level: int | str = logging.INFO,
    json: bool = False,
    *,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Install the bot's one handler on the root logger (replacing an earlier one).

    ``secrets`` are the strings never to print (the token); token-shaped strings and
    interaction tokens are redacted whether configured or not. Logs go to ``stream``,
    by default whatever ``sys.stderr`` is when a line is written.
    """
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old, _Handler):
            root.removeHandler(old)
            old.close()
    handler = _StderrHandler() if stream is None else _Handler(stream)
    handler.addFilter(PayloadFilter())  # first: a dropped record is never formatted
    handler.addFilter(CommunityFilter())
    handler.addFilter(RedactingFilter(Redactor(secrets)))
    handler.setFormatter(JsonFormatter() if json else HumanFormatter())
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    return handler


class _Handler(logging.StreamHandler[TextIO]):
    """The handler ``configure_logging`` installs; its class is how a later call finds it."""


class _StderrHandler(_Handler):
    """Writes to whatever ``sys.stderr`` is at the time, not the one it was made with.

    A test runner (or a daemoniser) may swap ``sys.stderr``; a handler holding the old
    one would write into a closed stream.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def _is_token(match: re.Match[str]) -> bool:
    first = match.group(1)
    try:
        decoded = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4))
    except (binascii.Error, ValueError):
        return False
    return decoded.isdigit()


def _redact_token(match: re.Match[str]) -> str:
    return REDACTED if _is_token(match) else match.group(0)

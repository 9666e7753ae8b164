"""Bounds on what people type, checked where a use-case first receives it.

Whatever a member or coordinator types reaches the database, a post or the reply
that quotes it back. Past these bounds it would fail there instead, as an error
nobody can read: an id past 64 bits overflows the database's integer, a string
with a lone surrogate (half of an emoji, from a broken client) cannot be encoded
as UTF-8, and an error quoting 5,000 typed characters is longer than Discord lets a
reply be. So each is refused first, with a sentence.
"""

from __future__ import annotations

from typing import Final

from vitalitybot.services.errors import InvalidSetting, ServiceError

ID_MAX: Final = 2**63 - 1
"""Discord's snowflakes and the database's row ids are signed 64-bit integers."""

NAME_MAX: Final = 100
"""A server's name on Discord, and the longest pattern or time-zone name worth reading."""

WORDS_MAX: Final = 100
"""A cadence, a day or a time of day: a few words ("the last friday")."""


def is_id(value: object) -> bool:
    """Whether ``value`` can be a Discord snowflake or a row id."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def encodable(text: str) -> bool:
    """Whether ``text`` can be stored and sent: UTF-8 has no lone surrogates."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_text(
    text: str, *, what: str, limit: int, error: type[ServiceError] = InvalidSetting
) -> str:
    """``text`` as given, or ``error`` saying what to change (``what`` names it: "The name")."""
    if len(text) > limit:
        raise error(f"{what} is {len(text):,} characters long; the limit is {limit:,}.")
    return check_encodable(text, what=what, error=error)


def check_encodable(text: str, *, what: str, error: type[ServiceError] = InvalidSetting) -> str:
    """``text`` as given, or ``error`` when it cannot be stored (see ``encodable``)."""
    if not encodable(text):
        raise error(
            f"{what} has a character that cannot be stored (half of an emoji, perhaps): "
            "please type it again."
        )
    return text

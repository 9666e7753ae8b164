"""Database URLs as printed: the password hidden, whether or not the URL parses."""

from __future__ import annotations

import pytest

from vitalitybot.storage.urls import safe_url, without_password


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql+asyncpg://bob:hunter2@db.example/vb",
            "postgresql+asyncpg://bob:***@db.example/vb",
        ),
        # Unparsable: a port that is not a number.
        (
            "postgresql+asyncpg://bob:hunter2@db.example:5432x/vb",
            "postgresql+asyncpg://bob:***@db.example:5432x/vb",
        ),
        # An unescaped "@" in the password: all of it is hidden, not just up to the "@".
        (
            "postgresql+asyncpg://bob:hun@ter2@db.example/vb",
            "postgresql+asyncpg://bob:***@db.example/vb",
        ),
        # No scheme at all.
        ("bob:hunter2@db.example", "bob:***@db.example"),
        ("sqlite+aiosqlite:///data/bot.sqlite3", "sqlite+aiosqlite:///data/bot.sqlite3"),
    ],
)
def test_safe_url_never_shows_the_password(url: str, shown: str) -> None:
    assert safe_url(url) == shown


def test_an_error_quoting_the_url_or_its_password_is_cleaned() -> None:
    url = "postgresql+asyncpg://bob:s%40fe-word@db.example:x/vb"
    message = f"could not parse {url!r}; password 's@fe-word' rejected"
    cleaned = without_password(message, url)
    assert "s%40fe-word" not in cleaned and "s@fe-word" not in cleaned
    assert "bob:***@db.example:x/vb" in cleaned

"""Database URLs as they may be printed or logged: never with their password.

A URL reaches output in three ways: printed by a command, logged when the database
opens, and quoted inside an error (SQLAlchemy's parse errors repeat the string they
could not parse). ``safe_url`` is the one way to show a URL; ``without_password``
cleans a message that may quote one. A URL SQLAlchemy cannot parse (a bad port, a
stray character) is the likeliest to be printed, in the error saying so, so the
password is found by a pattern when parsing fails.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from sqlalchemy.engine import URL, make_url

HIDDEN = "***"

# [scheme://]user:password@host...: the password runs to the last "@", since an
# unescaped "@" in a password is one of the ways a URL comes to be malformed.
_CREDENTIALS = re.compile(
    r"^(?P<head>(?:[^:/?#\s]+://)?[^:/@\s]*:)(?P<password>.*)@(?P<tail>[^@]*)$"
)


def safe_url(url: str | URL) -> str:
    """``url`` with its password replaced by ``***``, whether or not it parses."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        parsed = make_url(url)
    except Exception:  # any parse failure: the pattern below finds the password
        parsed = None
    # An "@" left in the host means SQLAlchemy cut the password short at its first "@".
    if parsed is not None and "@" not in (parsed.host or ""):
        return parsed.render_as_string(hide_password=True)
    match = _CREDENTIALS.match(url)
    if match is None or not match["password"]:
        return url
    return f"{match['head']}{HIDDEN}@{match['tail']}"


def url_passwords(url: str) -> set[str]:
    """The password in ``url`` as written and as decoded (``%40`` is "@"); empty if none."""
    found: set[str] = set()
    match = _CREDENTIALS.match(url)
    if match is not None and match["password"]:
        found |= {match["password"], unquote(match["password"])}
    try:
        password = make_url(url).password
    except Exception:  # unparsable: the pattern's reading is all there is
        password = None
    if password:
        found.add(str(password))
    return found


def without_password(text: str, url: str) -> str:
    """``text`` (an error message, say) with ``url`` and its password hidden in it."""
    text = text.replace(url, safe_url(url))
    for password in sorted(url_passwords(url), key=len, reverse=True):
        text = text.replace(password, HIDDEN)
    return text

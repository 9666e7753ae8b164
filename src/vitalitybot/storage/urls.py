"""Database URLs as they may be shown: never with their password.

``safe_url`` is the one way to print a URL; ``without_password`` cleans a message (a
driver's error, say) that may quote the URL or its password. A URL that does not parse
is the likeliest to be printed, in the error saying so, so its password is then found
by a pattern instead of the parser.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

HIDDEN = "***"

# scheme://user:password@host: the password runs to the last "@" (an unescaped "@" in
# a password is one way a URL comes not to parse).
_CREDENTIALS = re.compile(r"^(?P<head>[^:/?#\s]+://[^:/@\s]*:)(?P<password>.*)@(?P<tail>[^@]*)$")


def safe_url(url: str | URL) -> str:
    """``url`` with its password replaced by ``***``, whether or not it parses."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        match = _CREDENTIALS.match(url)
        if match is None or not match["password"]:
            return url
        return f"{match['head']}{HIDDEN}@{match['tail']}"


def url_passwords(url: str) -> set[str]:
    """The password in ``url`` as written and as decoded; empty when there is none."""
    found: set[str] = set()
    match = _CREDENTIALS.match(url)
    if match is not None and match["password"]:
        found.add(match["password"])
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):
        password = None
    if password:
        found.add(str(password))
    return found


def without_password(text: str, url: str) -> str:
    """``text`` with ``url`` shown safely and its password hidden wherever it appears."""
    text = text.replace(url, safe_url(url))
    for password in sorted(url_passwords(url), key=len, reverse=True):
        text = text.replace(password, HIDDEN)
    return text

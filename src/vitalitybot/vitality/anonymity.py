"""Anonymous respondent keys: the only bridge from a member to their stored answers.

Answers are stored under a key, never under the member's Discord id, so a database dump
alone cannot say who answered what. The key is an HMAC of the member id with the
community's own secret: stable within a community (so a member can change an answer
during a round and is counted once), different across communities (so keys cannot be
joined between them), and not reversible without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh community secret, hex-encoded so it stores as plain text."""
    return secrets.token_hex(SECRET_BYTES)


def respondent_key(secret: str, member_id: int) -> str:
    """The anonymous key under which ``member_id``'s answers are stored.

    Raises ``ValueError`` when the secret is empty or not hex: a missing secret would
    silently make every key guessable from the member id alone.
    """
    key = bytes.fromhex(secret)
    if not key:
        raise ValueError("the community secret is empty")
    return hmac.new(key, str(member_id).encode("ascii"), hashlib.sha256).hexdigest()

"""Who a message really pings: Discord parses the content, then allowed_mentions filters it."""

from __future__ import annotations

import re
from typing import Any

from .records import Pings

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
EVERYONE = re.compile(r"@(everyone|here)\b")


def _allowed(allowed: dict[str, Any] | None, kind: str, ident: int | None = None) -> bool:
    if allowed is None:
        return True
    if kind in (allowed.get("parse") or []):
        return True
    if ident is None:
        return False
    return str(ident) in {str(x) for x in allowed.get(kind) or []}


def compute(
    content: str, allowed: dict[str, Any] | None, *, replied_user: int | None = None
) -> Pings:
    """Apply allowed_mentions (None means the request carried none, so everything pings)."""
    users = [int(x) for x in dict.fromkeys(USER_MENTION.findall(content))]
    roles = [int(x) for x in dict.fromkeys(ROLE_MENTION.findall(content))]
    pinged_users = [uid for uid in users if _allowed(allowed, "users", uid)]
    if replied_user is not None and (allowed is None or allowed.get("replied_user", False)):
        pinged_users.append(replied_user)
    return Pings(
        users=list(dict.fromkeys(pinged_users)),
        roles=[rid for rid in roles if _allowed(allowed, "roles", rid)],
        everyone=bool(EVERYONE.search(content)) and _allowed(allowed, "everyone"),
    )

"""What discord.py is given for a post: its send arguments (with the "We'll try this"
button and the outbox nonce) and the name of a round's thread.

Apart from notifier.py, which decides where and when a post goes and what a refusal
means, so each file holds one of the two.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from vitalitybot.bot.convert import send_kwargs
from vitalitybot.bot.views.commit import commit_view
from vitalitybot.domain.records import Community, Round
from vitalitybot.render.message import Message, trim
from vitalitybot.services import kind_name

THREAD_NAME_MAX = 100


def post_kwargs(message: Message) -> dict[str, Any]:
    """``send_kwargs``, with the "We'll try this" button when the post asks for it."""
    kwargs = send_kwargs(message)
    view = commit_view(message.commit)
    if view is not None:
        kwargs["view"] = view
    return kwargs


def thread_name(community: Community, round: Round) -> str:
    """ "Survey · 3 Nov 2026": the round's kind and the day it opened, where members live."""
    local = round.opened_at.astimezone(ZoneInfo(community.timezone))
    name = f"{kind_name(round.kind).capitalize()} · {local.day} {local:%b %Y}"
    return trim(name, THREAD_NAME_MAX)


def sent_kwargs(message: Message, nonce: str | None) -> dict[str, Any]:
    """``send`` arguments for ``message``; with a nonce, Discord refuses a second post
    carrying it (discord.py sends ``enforce_nonce`` with every nonce)."""
    kwargs = post_kwargs(message)
    if nonce is not None:
        kwargs["nonce"] = nonce
    return kwargs

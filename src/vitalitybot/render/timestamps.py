"""Times in posts: Discord timestamps, and the same moments as text for a terminal.

A post goes to members in many time zones, so every moment in it is written as Discord's
``<t:UNIX:STYLE>`` markup: each reader's own app shows it on their own clock. The markup
is the bot's, made here from a ``datetime`` and nowhere else; ``Timestamp`` marks it as
such, so ``render.inert`` (which defuses every ``<t:`` a pattern or member might write)
lets it through. Where nothing renders the markup (the simulator's output, the CLI), the
terminal turns it back into a local time in the community's zone (``local_times``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

# https://discord.com/developers/docs/reference#message-formatting-timestamp-styles
Style = Literal["t", "T", "d", "D", "f", "F", "R"]
FULL: Style = "F"  # "Tuesday, 3 November 2026 10:00" in the reader's zone and language

_MARKUP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")


class Timestamp(str):
    """Discord timestamp markup the bot wrote; ``inert`` leaves it as it is."""

    __slots__ = ()


def discord_time(moment: datetime, style: Style = FULL) -> Timestamp:
    """``moment`` as a Discord timestamp, e.g. ``<t:1793696400:F>``."""
    if moment.tzinfo is None:
        raise ValueError(f"a moment in a post needs a time zone: {moment!r}")
    return Timestamp(f"<t:{int(moment.timestamp())}:{style}>")


def local_time(moment: datetime, timezone: str) -> str:
    """A moment as text on one zone's clock: "Tue 3 Nov 2026, 10:00 (Europe/Berlin)"."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({timezone})"


def local_times(text: str, timezone: str) -> str:
    """``text`` with every Discord timestamp written out on ``timezone``'s clock.

    Only a live Discord client can say "in 3 days" for the reader's present moment, so
    the relative style reads as the full time too.
    """

    def written(match: re.Match[str]) -> str:
        moment = datetime.fromtimestamp(int(match.group(1)), UTC)
        local = moment.astimezone(ZoneInfo(timezone))
        if match.group(2) in ("d", "D"):
            return f"{local:%a} {local.day} {local:%b %Y}"
        if match.group(2) in ("t", "T"):
            return f"{local:%H:%M} ({timezone})"
        return local_time(moment, timezone)

    return _MARKUP.sub(written, text)

"""What the bot says back to ``/vitality sponsors``: the portfolio's own reply copy.

The portfolio itself is a template (``templates/portfolio.md.j2``); this is the short
answer to the admin who named the sponsors, kept beside replies.py rather than in it so
the sponsor feature reads in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from vitalitybot.domain.records import Server
from vitalitybot.render.timestamps import discord_time
from vitalitybot.vitality.quarters import next_digest_at

NOT_A_SERVER_MANAGER = (
    "Only members who can manage this server can choose its sponsors: they read every "
    "community's figures."
)


def sponsors_set(server: Server, missing: Sequence[str], now: datetime) -> str:
    """``missing``: the permissions the bot lacks in the digest channel, if one was named."""
    lines = [
        f"Members with <@&{server.sponsor_role_id}> are this server's sponsors: "
        "`/vitality portfolio` shows them how every community stands, in aggregates only.",
        "Discord shows the `/vitality` commands only to members who can manage the server "
        "until an admin allows the sponsor role too: Server Settings → Integrations → "
        "vitalitybot → `/vitality`.",
    ]
    channel = server.digest_channel_id
    if channel is None:
        lines.append("No quarterly digest: name a digest channel to have one posted.")
        return "\n".join(lines)
    lines.append(
        f"The portfolio digest is posted in <#{channel}> on the first day of each quarter; "
        f"the next one {discord_time(next_digest_at(now), 'D')}."
    )
    if missing:
        lines.append(
            f"**Heads up:** I am missing {', '.join(missing)} in <#{channel}>; the digest "
            "will fail there until a server admin grants them."
        )
    return "\n".join(lines)

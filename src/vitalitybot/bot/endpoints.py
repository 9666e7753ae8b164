"""Point discord.py at another Discord-compatible server instead of discord.com.

discord.py builds every REST URL from the class attribute ``discord.http.Route.BASE`` and opens
its first gateway socket at ``DiscordWebSocket.DEFAULT_GATEWAY`` (a plain ``Client`` never asks
/gateway/bot); later it resumes at the ``resume_gateway_url`` the server sent in READY, so the
server decides that one. Both attributes are process-wide, hence the restoring context manager.
Used with VITALITYBOT_DISCORD_API_URL / VITALITYBOT_DISCORD_GATEWAY_URL and by the tests'
loopback server.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route


def point_discord_at(api_url: str | None = None, gateway_url: str | None = None) -> None:
    """Use ``api_url`` (including the version, e.g. ``http://host:port/api/v10``) and
    ``gateway_url`` (e.g. ``ws://host:port/gateway``) from now on; None leaves one as it is."""
    if api_url:
        Route.BASE = api_url.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


@contextmanager
def discord_endpoints(api_url: str | None, gateway_url: str | None) -> Iterator[None]:
    """Point discord.py elsewhere for the duration of the block, then restore what was there."""
    saved_base, saved_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    point_discord_at(api_url, gateway_url)
    try:
        yield
    finally:
        Route.BASE = saved_base
        DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway


def endpoints_in_use(api_url: str | None, gateway_url: str | None) -> tuple[str, str]:
    """The REST base and first gateway URL the bot would use with these settings."""
    return (api_url or Route.BASE).rstrip("/"), str(gateway_url or DiscordWebSocket.DEFAULT_GATEWAY)

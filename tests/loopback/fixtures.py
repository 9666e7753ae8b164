"""pytest fixtures for the loopback Discord server.

Import them into a conftest.py (``from loopback.fixtures import loopback_server``) to use them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .guilds import Guild
from .server import LoopbackDiscord


@pytest.fixture
async def loopback_server() -> AsyncIterator[LoopbackDiscord]:
    """A fresh server on a free 127.0.0.1 port, stopped after the test."""
    async with LoopbackDiscord() as server:
        yield server


@pytest.fixture
def loopback_guild(loopback_server: LoopbackDiscord) -> Guild:
    """A guild with #general, its owner and the bot, before any client connects."""
    return loopback_server.add_guild("Loopback CoP")

"""Fixtures for the Discord adapter's tests: the REAL VitalityBot, real services on a tmp
SQLite file migrated by the real Alembic, the shipped patterns, and the loopback Discord
server from tests/loopback/ standing in for Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from loopback import Guild, LoopbackDiscord
from loopback.fixtures import loopback_guild, loopback_server
from vitalitybot.bot.runner import App
from vitalitybot.config import Settings

from .support import bot_settings, running_bot

__all__ = ["loopback_guild", "loopback_server"]

MakeSettings = Callable[..., Settings]


@pytest.fixture
def make_settings(
    tmp_path: Path, shipped_patterns_dir: Path, loopback_server: LoopbackDiscord
) -> MakeSettings:
    """Settings pointing at the loopback server and a database file in tmp_path."""

    def make(**overrides: object) -> Settings:
        return bot_settings(loopback_server, tmp_path, shipped_patterns_dir, **overrides)

    return make


@pytest.fixture
async def app(
    loopback_server: LoopbackDiscord, loopback_guild: Guild, make_settings: MakeSettings
) -> AsyncIterator[App]:
    """A connected bot in a guild with #general; closed (and its database disposed) after."""
    async with running_bot(loopback_server, make_settings()) as running:
        yield running

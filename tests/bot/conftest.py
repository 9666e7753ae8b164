"""Fixtures for the Discord adapter's tests: the loopback Discord server from tests/loopback/."""

from __future__ import annotations

from loopback.fixtures import loopback_guild, loopback_server

__all__ = ["loopback_guild", "loopback_server"]

from __future__ import annotations

from .fixtures import loopback_guild, loopback_server

__all__ = ["loopback_guild", "loopback_server"]

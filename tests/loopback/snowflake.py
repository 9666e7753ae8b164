"""Discord-shaped ids, so discord.py's ``snowflake_time`` and ordering behave as in production."""

from __future__ import annotations

import itertools
import time

DISCORD_EPOCH_MS = 1_420_070_400_000


class Snowflakes:
    """Hands out strictly increasing snowflakes: timestamp in the high bits, a counter below."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._last = 0

    def next(self) -> int:
        stamp = int(time.time() * 1000) - DISCORD_EPOCH_MS
        candidate = (stamp << 22) | (next(self._counter) & 0xFFF)
        # Two ids minted in the same millisecond with a wrapped counter must still increase.
        self._last = max(candidate, self._last + 1)
        return self._last

"""Discord's rate limits, small enough to hit in a test: a global window, per-route buckets, and
a knob that makes the next N requests to one route answer 429.

429 answers carry ``Via``: discord.py treats a 429 without it as a Cloudflare ban and raises
instead of retrying (both http.py and the webhook adapter check for it).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

GLOBAL_WINDOW = 1.0
RETRY_MARGIN = 0.05
"""Added to a global retry_after: a burst refused together retries together, so give the window
time to drain rather than refuse most of them again a few milliseconds later."""


@dataclass
class RateLimited:
    """A 429 about to be sent: how long to wait and whether it is the global limit."""

    retry_after: float
    scope: str
    headers: dict[str, str]

    @property
    def is_global(self) -> bool:
        return self.scope == "global"

    def body(self) -> dict[str, Any]:
        return {
            "message": "You are being rate limited.",
            "retry_after": self.retry_after,
            "global": self.is_global,
        }

    def response_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        headers.update(
            {
                "Retry-After": str(math.ceil(self.retry_after)),
                "X-RateLimit-Scope": self.scope,
                "Via": "1.1 google",
            }
        )
        if self.is_global:
            headers["X-RateLimit-Global"] = "true"
        return headers


@dataclass
class Forced:
    route: str
    remaining: int
    retry_after: float
    is_global: bool


@dataclass
class _Bucket:
    count: int
    resets_at: float


def bucket_hash(route: str) -> str:
    """An opaque per-route id, like the hashes Discord sends in X-RateLimit-Bucket."""
    return hashlib.sha1(route.encode()).hexdigest()[:16]


class RateLimits:
    def __init__(self, *, global_per_second: float | None, route_limit: int, route_window: float):
        self.global_per_second = global_per_second
        self.route_limit = route_limit
        self.route_window = route_window
        self.forced: list[Forced] = []
        self._recent: deque[float] = deque()
        self._buckets: dict[str, _Bucket] = {}

    def force(self, route: str, count: int, retry_after: float, *, is_global: bool) -> None:
        self.forced.append(Forced(route, count, retry_after, is_global))

    def _forced(self, route: str) -> RateLimited | None:
        for item in self.forced:
            if item.route == route and item.remaining > 0:
                item.remaining -= 1
                scope = "global" if item.is_global else "user"
                return RateLimited(item.retry_after, scope, {})
        return None

    def _global(self, now: float) -> RateLimited | None:
        if self.global_per_second is None:
            return None
        while self._recent and self._recent[0] <= now - GLOBAL_WINDOW:
            self._recent.popleft()
        if len(self._recent) >= self.global_per_second:
            wait = max(self._recent[0] + GLOBAL_WINDOW - now, 0.0) + RETRY_MARGIN
            return RateLimited(round(wait, 3), "global", {})
        self._recent.append(now)
        return None

    def _bucket(
        self, route: str, key: str, now: float
    ) -> tuple[dict[str, str], RateLimited | None]:
        bucket = self._buckets.get(key)
        if bucket is None or bucket.resets_at <= now:
            bucket = self._buckets[key] = _Bucket(0, now + self.route_window)
        reset_after = max(bucket.resets_at - now, 0.001)
        limited = bucket.count >= self.route_limit
        if not limited:
            bucket.count += 1
        headers = {
            "X-RateLimit-Limit": str(self.route_limit),
            "X-RateLimit-Remaining": str(max(self.route_limit - bucket.count, 0)),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket_hash(route),
        }
        if limited:
            return headers, RateLimited(round(reset_after, 3), "user", headers)
        return headers, None

    def admit(
        self, route: str, key: str, now: float, *, counts_globally: bool
    ) -> tuple[dict[str, str], RateLimited | None]:
        """Headers for the answer, and the 429 to send instead if a limit says no."""
        forced = self._forced(route)
        if forced is not None:
            return {}, forced
        if counts_globally:
            limited = self._global(now)
            if limited is not None:
                return {}, limited
        return self._bucket(route, key, now)

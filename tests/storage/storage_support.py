"""Names the storage tests share (conftest.py cannot be imported from a test module)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from vitalitybot.domain.records import Question, Round

NOW = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)

# make_round(community, *, period=..., kind=..., items=3, anonymous=True, opened_at=NOW)
MakeRound = Callable[..., Awaitable[tuple[Round, list[Question]]]]

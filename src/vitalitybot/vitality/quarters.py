"""Calendar quarters, the period of the portfolio digest.

A quarter's digest is due from ``DIGEST_HOUR`` UTC on its first day (1 January, April,
July, October): a morning in Europe and Africa, before the working day in the Americas
is long under way. A quarter is named as it is stored, "2026-Q4"; the names sort in time
order as text, so "has this quarter been digested" is a comparison of two strings.
"""

from __future__ import annotations

from datetime import UTC, datetime

DIGEST_HOUR = 9
MONTHS_PER_QUARTER = 3


def quarter_start(year: int, quarter: int) -> datetime:
    """When the digest of ``quarter`` (1-4) of ``year`` is due."""
    return datetime(year, MONTHS_PER_QUARTER * (quarter - 1) + 1, 1, DIGEST_HOUR, tzinfo=UTC)


def quarter_name(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}"


def due_quarter(now: datetime) -> str:
    """The latest quarter whose digest time has come at ``now``."""
    year, quarter = _quarter_of(now)
    if now < quarter_start(year, quarter):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return quarter_name(year, quarter)


def next_digest_at(now: datetime) -> datetime:
    """The first quarter's digest time after ``now``."""
    year, quarter = _quarter_of(now)
    start = quarter_start(year, quarter)
    if now < start:
        return start
    return quarter_start(year, quarter + 1) if quarter < 4 else quarter_start(year + 1, 1)


def _quarter_of(moment: datetime) -> tuple[int, int]:
    utc = moment.astimezone(UTC)
    return utc.year, (utc.month - 1) // MONTHS_PER_QUARTER + 1

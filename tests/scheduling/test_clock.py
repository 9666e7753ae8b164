from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from vitalitybot.scheduling.clock import ManualClock, SystemClock


def test_system_clock_is_aware_utc() -> None:
    now = SystemClock().now()
    assert now.tzinfo is UTC


def test_manual_clock_reports_utc_whatever_zone_it_was_given() -> None:
    berlin = datetime(2026, 7, 1, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    clock = ManualClock(berlin)
    assert clock.now() == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


def test_manual_clock_moves_only_when_told_and_only_forward() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    clock.advance(timedelta(days=3))
    assert clock.now() == datetime(2026, 1, 4, tzinfo=UTC)
    clock.set(datetime(2026, 2, 1, tzinfo=UTC))
    assert clock.now() == datetime(2026, 2, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="never goes back"):
        clock.set(datetime(2026, 1, 31, tzinfo=UTC))
    with pytest.raises(ValueError, match="never goes back"):
        clock.advance(timedelta(seconds=-1))
    assert clock.now() == datetime(2026, 2, 1, tzinfo=UTC)


def test_manual_clock_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(datetime(2026, 1, 1))
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 1, 2))

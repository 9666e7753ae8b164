"""Quarters: when each quarter's digest is due, and what is due at a moment."""

from __future__ import annotations

from datetime import UTC, datetime

from vitalitybot.vitality.quarters import due_quarter, next_digest_at


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_a_quarter_is_due_from_nine_on_its_first_day() -> None:
    assert due_quarter(at(2026, 4, 1, 8, 59)) == "2026-Q1"
    assert due_quarter(at(2026, 4, 1, 9, 0)) == "2026-Q2"
    assert due_quarter(at(2026, 6, 30, 23, 0)) == "2026-Q2"


def test_before_the_first_morning_of_a_year_the_last_quarter_is_due() -> None:
    assert due_quarter(at(2027, 1, 1, 3, 0)) == "2026-Q4"
    assert due_quarter(at(2027, 1, 1, 3, 0)) < due_quarter(at(2027, 1, 1, 9, 0))  # as stored


def test_the_next_digest_is_the_next_quarters_first_morning() -> None:
    assert next_digest_at(at(2026, 1, 5, 8, 0)) == at(2026, 4, 1, 9, 0)
    assert next_digest_at(at(2026, 10, 1, 9, 0)) == at(2027, 1, 1, 9, 0)
    assert next_digest_at(at(2026, 10, 1, 8, 0)) == at(2026, 10, 1, 9, 0)

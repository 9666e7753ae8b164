from __future__ import annotations

import calendar
import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from vitalitybot.patterns.model import Cadence
from vitalitybot.scheduling.cadence import (
    ScheduleSpec,
    build_trigger,
    closes_at,
    default_spec_for,
    next_fire_times,
    parse_when,
    period_key,
    reminder_at,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_fire_times_are_aware_utc() -> None:
    runs = next_fire_times(
        parse_when("monthly", None, None, timezone="Europe/Berlin"), utc(2026, 1, 1), 3
    )
    assert all(r.tzinfo is UTC for r in runs)


def test_berlin_monthly_keeps_ten_oclock_through_both_changes() -> None:
    spec = parse_when("monthly", "first tuesday", "10:00", timezone="Europe/Berlin")
    runs = next_fire_times(spec, utc(2026, 1, 1), 12)
    # First Tuesdays of 2026; Berlin is on summer time from March 29 to October 25.
    days = [
        (1, 6),
        (2, 3),
        (3, 3),
        (4, 7),
        (5, 5),
        (6, 2),
        (7, 7),
        (8, 4),
        (9, 1),
        (10, 6),
        (11, 3),
        (12, 1),
    ]
    summer = {4, 5, 6, 7, 8, 9, 10}
    assert runs == [utc(2026, m, d, 8 if m in summer else 9) for m, d in days]
    for run in runs:
        local = run.astimezone(BERLIN)
        assert local.strftime("%H:%M") == "10:00"
        assert local.utcoffset() == timedelta(hours=2 if local.month in summer else 1)


def test_berlin_weekly_across_the_march_and_october_changes() -> None:
    spec = parse_when("weekly", "sunday", "10:00", timezone="Europe/Berlin")
    assert next_fire_times(spec, utc(2026, 3, 20), 3) == [
        utc(2026, 3, 22, 9),
        utc(2026, 3, 29, 8),  # the morning the clocks went forward
        utc(2026, 4, 5, 8),
    ]
    assert next_fire_times(spec, utc(2026, 10, 15), 3) == [
        utc(2026, 10, 18, 8),
        utc(2026, 10, 25, 9),  # the morning the clocks went back
        utc(2026, 11, 1, 9),
    ]


def test_new_york_monthly_and_weekly_across_the_march_and_november_changes() -> None:
    monthly = parse_when("monthly", "15", "9:30", timezone="America/New_York")
    runs = next_fire_times(monthly, utc(2026, 2, 1), 10)
    assert runs[:2] == [utc(2026, 2, 15, 14, 30), utc(2026, 3, 15, 13, 30)]
    assert runs[8:10] == [utc(2026, 10, 15, 13, 30), utc(2026, 11, 15, 14, 30)]
    assert {r.astimezone(NEW_YORK).strftime("%d %H:%M") for r in runs} == {"15 09:30"}

    weekly = parse_when("weekly", "monday", "18:05", timezone="America/New_York")
    assert next_fire_times(weekly, utc(2026, 3, 1), 2) == [
        utc(2026, 3, 2, 23, 5),
        utc(2026, 3, 9, 22, 5),
    ]
    assert next_fire_times(weekly, utc(2026, 10, 25), 2) == [
        utc(2026, 10, 26, 22, 5),
        utc(2026, 11, 2, 23, 5),
    ]


def test_first_tuesday_for_two_years_is_a_tuesday_in_the_first_week_of_every_month() -> None:
    spec = parse_when("monthly", "first tuesday", None, timezone="Europe/Berlin")
    runs = [r.astimezone(BERLIN) for r in next_fire_times(spec, utc(2026, 1, 1), 24)]
    assert [(r.year, r.month) for r in runs] == [(2026 + i // 12, i % 12 + 1) for i in range(24)]
    assert all(r.weekday() == 1 and 1 <= r.day <= 7 for r in runs)


def test_last_friday_is_the_last_friday() -> None:
    spec = parse_when("monthly", "last friday", None, timezone="Europe/Berlin")
    for run in next_fire_times(spec, utc(2026, 1, 1), 24):
        local = run.astimezone(BERLIN)
        days_in_month = calendar.monthrange(local.year, local.month)[1]
        assert local.weekday() == 4 and local.day > days_in_month - 7


def test_fifth_weekday_falls_back_to_the_last_so_no_month_is_skipped() -> None:
    spec = parse_when("monthly", "fifth wednesday", None, timezone="UTC")
    runs = next_fire_times(spec, utc(2026, 1, 1), 12)
    assert [r.month for r in runs] == list(range(1, 13))
    assert runs[0] == utc(2026, 1, 28, 10)  # January 2026 has four Wednesdays
    assert runs[3] == utc(2026, 4, 29, 10)  # April 2026 has five


@pytest.mark.parametrize("day", [29, 30, 31])
def test_late_days_run_once_every_month_on_that_day_or_the_last(day: int) -> None:
    spec = parse_when("monthly", str(day), None, timezone="Europe/Berlin")
    runs = [r.astimezone(BERLIN) for r in next_fire_times(spec, utc(2025, 1, 1), 60)]
    months = Counter((r.year, r.month) for r in runs)
    assert list(months) == [(y, m) for y in range(2025, 2030) for m in range(1, 13)]
    assert set(months.values()) == {1}
    for run in runs:
        assert run.day == min(day, calendar.monthrange(run.year, run.month)[1])
        assert run.strftime("%H:%M") == "10:00"
    leap_february = next(r for r in runs if (r.year, r.month) == (2028, 2))
    assert leap_february.day == 29


def test_day_31_in_the_short_months() -> None:
    spec = parse_when("monthly", "31", None, timezone="America/New_York")
    runs = [r.astimezone(NEW_YORK) for r in next_fire_times(spec, utc(2027, 1, 1), 24)]
    short = {(r.year, r.month): r.day for r in runs if r.month in (2, 4, 6, 9, 11)}
    assert short == {
        (2027, 2): 28,
        (2027, 4): 30,
        (2027, 6): 30,
        (2027, 9): 30,
        (2027, 11): 30,
        (2028, 2): 29,
        (2028, 4): 30,
        (2028, 6): 30,
        (2028, 9): 30,
        (2028, 11): 30,
    }


def test_quarterly_runs_in_the_first_month_of_each_quarter() -> None:
    by_day = parse_when("quarterly", "15", None, timezone="Europe/Berlin")
    runs = [r.astimezone(BERLIN) for r in next_fire_times(by_day, utc(2026, 1, 1), 8)]
    assert [(r.year, r.month, r.day) for r in runs] == [
        (y, m, 15) for y in (2026, 2027) for m in (1, 4, 7, 10)
    ]
    last_day = parse_when("quarterly", "last", None, timezone="Europe/Berlin")
    runs = [r.astimezone(BERLIN) for r in next_fire_times(last_day, utc(2026, 1, 1), 4)]
    assert [(r.month, r.day) for r in runs] == [(1, 31), (4, 30), (7, 31), (10, 31)]
    by_weekday = parse_when("quarterly", "1st mon", None, timezone="Europe/Berlin")
    runs = [r.astimezone(BERLIN) for r in next_fire_times(by_weekday, utc(2026, 1, 1), 8)]
    assert [r.month for r in runs] == [1, 4, 7, 10] * 2
    assert all(r.weekday() == 0 and r.day <= 7 for r in runs)


def test_twice_a_year_runs_in_january_and_july_at_ten_in_winter_and_summer() -> None:
    spec = parse_when("twice a year", "first tuesday", "10:00", timezone="Europe/Berlin")
    runs = next_fire_times(spec, utc(2026, 1, 1), 4)
    # 10:00 in Berlin: CET (UTC+1) in January, CEST (UTC+2) in July.
    assert runs == [utc(2026, 1, 6, 9), utc(2026, 7, 7, 8), utc(2027, 1, 5, 9), utc(2027, 7, 6, 8)]
    ny = parse_when("twice-a-year", "last", "9:30", timezone="America/New_York")
    runs = next_fire_times(ny, utc(2026, 1, 1), 2)
    assert runs == [utc(2026, 1, 31, 14, 30), utc(2026, 7, 31, 13, 30)]  # EST, then EDT


def test_yearly_runs_once_each_january_on_the_wall_clock() -> None:
    spec = parse_when("yearly", "15", "10:00", timezone="Europe/Berlin")
    runs = next_fire_times(spec, utc(2026, 2, 1), 3)
    assert runs == [utc(2027, 1, 15, 9), utc(2028, 1, 15, 9), utc(2029, 1, 15, 9)]
    assert [period_key(spec, r) for r in runs] == ["2027-01-15", "2028-01-15", "2029-01-15"]
    # In the southern summer the same January run is at UTC+11.
    sydney = parse_when("yearly", "first monday", "10:00", timezone="Australia/Sydney")
    assert next_fire_times(sydney, utc(2026, 1, 1), 1) == [utc(2026, 1, 4, 23)]


def test_weekly_runs_every_week_on_its_weekday_defaulting_to_monday() -> None:
    spec = ScheduleSpec(kind="survey", cadence="weekly", timezone="Europe/Berlin")
    runs = [r.astimezone(BERLIN) for r in next_fire_times(spec, utc(2026, 1, 1), 10)]
    assert all(r.weekday() == 0 and r.strftime("%H:%M") == "10:00" for r in runs)
    assert all(b.date() - a.date() == timedelta(days=7) for a, b in itertools.pairwise(runs))


def test_next_fire_times_starts_strictly_after() -> None:
    spec = parse_when("monthly", "1", None, timezone="UTC")
    assert next_fire_times(spec, utc(2026, 3, 1, 10), 1) == [utc(2026, 4, 1, 10)]
    assert next_fire_times(spec, utc(2026, 3, 1, 9, 59) + timedelta(seconds=59), 1) == [
        utc(2026, 3, 1, 10)
    ]
    assert next_fire_times(spec, utc(2026, 3, 1), 0) == []


def test_the_trigger_works_in_the_schedule_zone() -> None:
    trigger = build_trigger(parse_when("monthly", "30", None, timezone="Europe/Berlin"))
    assert trigger.timezone == BERLIN


def test_period_key_is_the_local_date_of_the_run() -> None:
    spec = parse_when("weekly", "monday", "0:30", timezone="Europe/Berlin")
    run = next_fire_times(spec, utc(2026, 1, 1), 1)[0]
    assert run == utc(2026, 1, 4, 23, 30)  # still Sunday in UTC
    assert period_key(spec, run) == "2026-01-05"
    assert period_key(spec, run.astimezone(NEW_YORK)) == "2026-01-05"
    evening = parse_when("weekly", "friday", "23:30", timezone="America/New_York")
    run = next_fire_times(evening, utc(2026, 1, 1), 1)[0]
    assert (run, period_key(evening, run)) == (utc(2026, 1, 3, 4, 30), "2026-01-02")


def test_a_round_closes_on_the_same_wall_clock_time_days_later() -> None:
    spec = parse_when("weekly", "thursday", "10:00", timezone="Europe/Berlin", window_days=5)
    opened = utc(2026, 3, 26, 9)  # Thursday 10:00 CET
    closes = closes_at(spec, opened)
    assert closes == utc(2026, 3, 31, 8)  # Tuesday 10:00 CEST, 4 days 23 hours later
    assert closes.astimezone(BERLIN).strftime("%a %H:%M") == "Tue 10:00"


def test_the_reminder_comes_midway_at_the_hour_the_round_opened() -> None:
    opened = utc(2026, 3, 3, 9)
    assert reminder_at(opened, opened + timedelta(days=5)) == opened + timedelta(days=2)
    assert reminder_at(opened, opened + timedelta(days=4)) == opened + timedelta(days=2)
    assert reminder_at(opened, opened + timedelta(days=1)) == opened + timedelta(hours=12)
    reminder = reminder_at(opened, opened + timedelta(days=6))
    assert opened < reminder < opened + timedelta(days=6)
    with pytest.raises(ValueError, match="cannot close"):
        reminder_at(opened, opened)


@pytest.mark.parametrize(
    ("cadence", "expected"),
    [
        # More often than monthly is capped: a default asks at most monthly.
        (Cadence.WEEKLY, ("monthly", 1, 1)),
        (Cadence.FORTNIGHTLY, ("monthly", 1, 1)),
        (Cadence.MONTHLY, ("monthly", 1, 1)),
        (Cadence.QUARTERLY, ("quarterly", 1, 1)),
        (Cadence.TWICE_A_YEAR, ("twice-a-year", 1, 1)),
        (Cadence.YEARLY, ("yearly", 1, 1)),
        (None, ("monthly", 1, 1)),
    ],
)
def test_default_schedule_for_a_pattern_rhythm(
    cadence: Cadence | None, expected: tuple[str, int, int | None]
) -> None:
    spec = default_spec_for(cadence, "survey", "Europe/Berlin")
    assert (spec.cadence, spec.weekday, spec.nth) == expected
    assert (spec.kind, spec.timezone, spec.time_of_day, spec.window_days) == (
        "survey",
        "Europe/Berlin",
        "10:00",
        5,
    )
    assert len(next_fire_times(spec, utc(2026, 1, 1), 3)) == 3

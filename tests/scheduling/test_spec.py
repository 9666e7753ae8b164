from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from vitalitybot.scheduling.cadence import closes_at, next_fire_times
from vitalitybot.scheduling.spec import (
    MAX_WINDOW_DAYS,
    ScheduleError,
    ScheduleSpec,
    describe,
)


def spec(**fields: object) -> ScheduleSpec:
    values: dict[str, object] = {
        "kind": "checkin",
        "cadence": "monthly",
        "weekday": 1,
        "nth": 1,
        "timezone": "Europe/Berlin",
    }
    values.update(fields)
    return ScheduleSpec(**values)  # type: ignore[arg-type]


def test_defaults_are_ten_oclock_and_five_days() -> None:
    made = spec()
    assert (made.time_of_day, made.window_days) == ("10:00", 5)
    assert (made.hour, made.minute) == (10, 0)


def test_schedule_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        spec(day_of_month=32, weekday=None, nth=None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"timezone": "Europe/Berln"},
            "unknown time zone 'Europe/Berln'.*Did you mean Europe/Berlin",
        ),
        ({"timezone": "europe/berlin"}, "Did you mean Europe/Berlin"),
        ({"timezone": "Mars/Olympus"}, "use an IANA name such as Europe/Berlin"),
        ({"timezone": ""}, "unknown time zone ''"),
        ({"weekday": None, "nth": None, "day_of_month": 0}, "must be 1 to 31.*not 0"),
        ({"weekday": None, "nth": None, "day_of_month": 32}, "must be 1 to 31.*not 32"),
        ({"time_of_day": "9:30"}, "HH:MM.*not '9:30'"),
        ({"time_of_day": "24:00"}, "HH:MM.*not '24:00'"),
        ({"time_of_day": "10:60"}, "HH:MM"),
        ({"weekday": None}, "needs a weekday: 'first Tuesday'"),
        ({"nth": 0}, "position must be 1 to 5, or -1 for the last, not 0"),
        ({"nth": None}, "say which Tuesday of the month: first"),
        ({"weekday": 7}, r"weekday must be 0 \(Monday\) to 6 \(Sunday\), not 7"),
        ({"day_of_month": 15}, "a day of the month or a weekday, not both"),
        ({"weekday": None, "nth": None}, "needs a day: a day of the month"),
        ({"window_days": 0}, "at least 1 day, not 0"),
        ({"window_days": 28}, "monthly round can stay open at most 27 days.*got 28"),
        ({"kind": "poll"}, "kind must be 'checkin' or 'survey', not 'poll'"),
        (
            {"cadence": "daily"},
            "cadence must be weekly, monthly, quarterly, twice-a-year or yearly, not 'daily'",
        ),
        ({"cadence": "weekly", "nth": None, "day_of_month": None, "window_days": 7}, "at most 6"),
    ],
)
def test_bad_schedules_are_refused_with_a_readable_reason(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(ScheduleError, match=message):
        spec(**fields)


def test_weekly_refuses_days_of_the_month_and_positions() -> None:
    with pytest.raises(ScheduleError, match="weekly schedule runs on a weekday, not on a day"):
        spec(cadence="weekly", weekday=None, nth=None, day_of_month=3)
    with pytest.raises(ScheduleError, match="without 'first' or 'last'"):
        spec(cadence="weekly", weekday=2, nth=1)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ScheduleError) as caught:
        spec(timezone="Nowhere/Town", time_of_day="25:00", window_days=0)
    message = str(caught.value)
    assert "unknown time zone 'Nowhere/Town'" in message
    assert "'25:00'" in message
    assert "at least 1 day" in message


def test_weekly_without_a_weekday_is_valid_and_means_monday() -> None:
    weekly = spec(cadence="weekly", weekday=None, nth=None)
    assert describe(weekly).startswith("every Monday at 10:00")


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({}, "the first Tuesday of every month at 10:00 (Europe/Berlin), open for 5 days"),
        (
            {"cadence": "quarterly", "weekday": 4, "nth": -1, "window_days": 1},
            "the last Friday of every quarter (Jan, Apr, Jul, Oct) at 10:00 (Europe/Berlin), "
            "open for 1 day",
        ),
        ({"weekday": None, "nth": None, "day_of_month": 31}, "the last day of every month"),
        (
            {"weekday": None, "nth": None, "day_of_month": 30},
            "day 30 (or the last day of shorter months) of every month",
        ),
        ({"cadence": "weekly", "weekday": 3, "nth": None}, "every Thursday at 10:00"),
    ],
)
def test_describe_reads_back_what_was_asked(fields: dict[str, object], sentence: str) -> None:
    assert sentence in describe(spec(**fields))


def _variants(cadence: str) -> list[ScheduleSpec]:
    window = MAX_WINDOW_DAYS[cadence]
    if cadence == "weekly":
        return [spec(cadence=cadence, weekday=d, nth=None, window_days=window) for d in range(7)]
    by_day = [
        spec(cadence=cadence, weekday=None, nth=None, day_of_month=d, window_days=window)
        for d in range(1, 32)
    ]
    by_weekday = [
        spec(cadence=cadence, weekday=w, nth=n, window_days=window)
        for w in range(7)
        for n in (1, 2, 3, 4, 5, -1)
    ]
    return by_day + by_weekday


@pytest.mark.parametrize("cadence", ["weekly", "monthly", "quarterly", "twice-a-year", "yearly"])
def test_the_longest_window_allowed_still_closes_before_the_next_run(cadence: str) -> None:
    # About 1, 4, 7, 7 and 7 years.
    count = {"weekly": 60, "monthly": 48, "quarterly": 28, "twice-a-year": 14, "yearly": 7}[cadence]
    for variant in _variants(cadence):
        runs = next_fire_times(variant, datetime(2026, 1, 1, tzinfo=UTC), count)
        assert len(runs) == count
        for run, following in itertools.pairwise(runs):
            assert closes_at(variant, run) < following, (describe(variant), run)

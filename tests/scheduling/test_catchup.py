from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vitalitybot.scheduling.cadence import closes_at, next_fire_times, parse_when
from vitalitybot.scheduling.catchup import MAX_MISSED, CatchUp, plan_catch_up

# First Tuesday of each month, 10:00 Berlin, open five days.
MONTHLY = parse_when("monthly", "first tuesday", "10:00", timezone="Europe/Berlin")
MARCH = datetime(2026, 3, 3, 9, tzinfo=UTC)  # 10:00 CET
APRIL = datetime(2026, 4, 7, 8, tzinfo=UTC)  # 10:00 CEST
GRACE = timedelta(hours=6)


def test_down_for_two_hours_past_a_run_opens_it_now() -> None:
    plan = plan_catch_up(MONTHLY, MARCH - timedelta(days=1), MARCH + timedelta(hours=2), GRACE)
    assert plan == CatchUp(open_now=MARCH, missed=[])


def test_past_the_grace_the_run_is_only_recorded_as_missed() -> None:
    plan = plan_catch_up(MONTHLY, MARCH - timedelta(days=1), MARCH + timedelta(hours=7), GRACE)
    assert plan == CatchUp(open_now=None, missed=[MARCH])


def test_a_run_whose_window_has_closed_is_not_opened_however_long_the_grace() -> None:
    now = closes_at(MONTHLY, MARCH) + timedelta(minutes=1)
    plan = plan_catch_up(MONTHLY, MARCH - timedelta(days=1), now, timedelta(days=30))
    assert plan == CatchUp(open_now=None, missed=[MARCH])


def test_down_for_three_months_opens_only_the_latest_run() -> None:
    last_seen = datetime(2026, 1, 1, tzinfo=UTC)
    plan = plan_catch_up(MONTHLY, last_seen, APRIL + timedelta(hours=1), GRACE)
    assert plan.open_now == APRIL
    assert plan.missed == [
        datetime(2026, 1, 6, 9, tzinfo=UTC),
        datetime(2026, 2, 3, 9, tzinfo=UTC),
        MARCH,
    ]
    later = plan_catch_up(MONTHLY, last_seen, APRIL + timedelta(days=10), GRACE)
    assert later.open_now is None
    assert later.missed[-1] == APRIL and len(later.missed) == 4


def test_a_long_outage_reports_only_the_most_recent_missed_runs() -> None:
    weekly = parse_when("weekly", "monday", None, timezone="America/New_York")
    last_seen = datetime(2025, 1, 1, tzinfo=UTC)
    now = datetime(2026, 6, 1, 14, 30, tzinfo=UTC)  # 10:30 EDT, half an hour after a run
    plan = plan_catch_up(weekly, last_seen, now, GRACE)
    assert plan.open_now == datetime(2026, 6, 1, 14, tzinfo=UTC)
    assert len(plan.missed) == MAX_MISSED
    assert plan.missed == sorted(plan.missed)
    expected = next_fire_times(weekly, now - timedelta(days=7 * MAX_MISSED + 1), MAX_MISSED)
    assert plan.missed == expected


@pytest.mark.parametrize("cadence", ["monthly", "quarterly", "twice-a-year", "yearly"])
@pytest.mark.parametrize("day", ["first tuesday", "last friday", "15", "last"])
def test_a_years_long_outage_lists_the_latest_missed_runs_of_any_cadence(
    cadence: str, day: str
) -> None:
    spec = parse_when(cadence, day, "10:00", timezone="Europe/Berlin")
    runs = next_fire_times(spec, datetime(2000, 1, 1, tzinfo=UTC), 40)
    now = runs[-1] + timedelta(hours=1)  # an hour after the latest run: it opens
    plan = plan_catch_up(spec, datetime(1999, 1, 1, tzinfo=UTC), now, GRACE)
    assert plan == CatchUp(open_now=runs[-1], missed=runs[-1 - MAX_MISSED : -1])


def test_nothing_to_catch_up() -> None:
    assert plan_catch_up(MONTHLY, None, APRIL + timedelta(hours=1), GRACE) == CatchUp()
    since_march = plan_catch_up(MONTHLY, MARCH, MARCH + timedelta(days=20), GRACE)
    assert since_march == CatchUp()


def test_a_run_exactly_now_is_left_to_the_scheduler() -> None:
    plan = plan_catch_up(MONTHLY, MARCH - timedelta(days=1), APRIL, GRACE)
    assert plan == CatchUp(open_now=None, missed=[MARCH])


def test_never_more_than_one_round_opens_and_none_is_counted_twice() -> None:
    weekly = parse_when("weekly", "wed", "18:00", timezone="Europe/Berlin", window_days=3)
    last_seen = datetime(2026, 2, 1, tzinfo=UTC)
    now = last_seen
    while now < datetime(2026, 5, 1, tzinfo=UTC):
        now += timedelta(hours=5)
        plan = plan_catch_up(weekly, last_seen, now, timedelta(days=2))
        everything = [*plan.missed, *([plan.open_now] if plan.open_now else [])]
        assert everything == sorted(set(everything))
        assert all(last_seen < run < now for run in everything)
        assert len(plan.missed) <= MAX_MISSED
        if plan.open_now is not None:
            assert now - plan.open_now <= timedelta(days=2)
            assert closes_at(weekly, plan.open_now) > now


def test_negative_grace_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="grace"):
        plan_catch_up(MONTHLY, MARCH, APRIL, timedelta(hours=-1))

"""Daylight-saving edges: a run at a time the clocks skip or repeat happens exactly once."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from vitalitybot.scheduling.cadence import build_trigger, next_fire_times, period_key
from vitalitybot.scheduling.parsing import parse_when
from vitalitybot.scheduling.wallclock import WallClockTrigger, is_repeated, wall_time_exists

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_wall_time_helpers_know_the_2026_changes() -> None:
    assert not wall_time_exists(datetime(2026, 3, 8, 2, 30, tzinfo=NEW_YORK))
    assert wall_time_exists(datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK))
    assert is_repeated(datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK))
    assert not is_repeated(datetime(2026, 11, 1, 2, 30, tzinfo=NEW_YORK))
    assert is_repeated(datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN))
    assert not wall_time_exists(datetime(2026, 3, 29, 2, 30, tzinfo=BERLIN))


def test_plain_cron_runs_twice_on_fall_back_day_which_is_why_the_wrapper_exists() -> None:
    cron = CronTrigger(day_of_week="sun", hour=1, minute=30, second=0, timezone=NEW_YORK)
    first = cron.get_next_fire_time(None, utc(2026, 11, 1))
    second = cron.get_next_fire_time(first, first)
    assert second.date() == first.date()
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    wrapped = WallClockTrigger(cron, NEW_YORK)
    once = wrapped.get_next_fire_time(None, utc(2026, 11, 1))
    assert once == utc(2026, 11, 1, 5, 30)
    assert wrapped.get_next_fire_time(once, once) == utc(2026, 11, 8, 6, 30)


def test_a_time_repeated_on_fall_back_day_runs_once_at_its_first_occurrence() -> None:
    spec = parse_when("weekly", "sunday", "1:30", timezone="America/New_York")
    runs = next_fire_times(spec, utc(2026, 10, 20), 4)
    assert runs == [
        utc(2026, 10, 25, 5, 30),  # 01:30 EDT
        utc(2026, 11, 1, 5, 30),  # 01:30 EDT, the first of the two 01:30s
        utc(2026, 11, 8, 6, 30),  # 01:30 EST
        utc(2026, 11, 15, 6, 30),
    ]
    assert [r.astimezone(NEW_YORK).strftime("%H:%M") for r in runs] == ["01:30"] * 4


def test_same_in_berlin_where_the_clocks_go_back_at_three() -> None:
    spec = parse_when("weekly", "sunday", "2:30", timezone="Europe/Berlin")
    runs = next_fire_times(spec, utc(2026, 10, 20), 3)
    assert runs == [utc(2026, 10, 25, 0, 30), utc(2026, 11, 1, 1, 30), utc(2026, 11, 8, 1, 30)]


def test_a_restart_between_the_two_passes_does_not_run_it_again() -> None:
    spec = parse_when("weekly", "sunday", "1:30", timezone="America/New_York")
    between = utc(2026, 11, 1, 5, 45)  # 01:45 EDT, before the clocks go back
    assert build_trigger(spec).get_next_fire_time(None, between) == utc(2026, 11, 8, 6, 30)


def test_a_time_skipped_on_spring_forward_day_runs_once_an_hour_later() -> None:
    spec = parse_when("monthly", "2nd sunday", "2:30", timezone="America/New_York")
    runs = next_fire_times(spec, utc(2026, 2, 1), 3)
    assert runs == [
        utc(2026, 2, 8, 7, 30),  # 02:30 EST
        utc(2026, 3, 8, 7, 30),  # 02:30 does not exist; 03:30 EDT
        utc(2026, 4, 12, 6, 30),  # 02:30 EDT
    ]
    assert runs[1].astimezone(NEW_YORK).strftime("%Y-%m-%d %H:%M %Z") == "2026-03-08 03:30 EDT"
    assert period_key(spec, runs[1]) == "2026-03-08"


def test_the_skipped_time_is_still_found_by_a_bot_started_inside_the_shift() -> None:
    spec = parse_when("weekly", "sunday", "2:30", timezone="America/New_York")
    started = utc(2026, 3, 8, 7, 10)  # 03:10 EDT: past 02:30 on the wall, before 03:30
    assert build_trigger(spec).get_next_fire_time(None, started) == utc(2026, 3, 8, 7, 30)
    after = utc(2026, 3, 8, 7, 31)
    assert build_trigger(spec).get_next_fire_time(None, after) == utc(2026, 3, 15, 6, 30)


def test_berlin_spring_forward_follows_the_same_rule() -> None:
    spec = parse_when("weekly", "sunday", "2:30", timezone="Europe/Berlin")
    runs = next_fire_times(spec, utc(2026, 3, 25), 2)
    assert runs == [utc(2026, 3, 29, 1, 30), utc(2026, 4, 5, 0, 30)]  # 03:30 CEST, 02:30 CEST


def test_a_year_of_weekly_runs_through_both_changes_is_one_per_week() -> None:
    spec = parse_when("weekly", "sunday", "1:30", timezone="America/New_York")
    runs = next_fire_times(spec, utc(2026, 1, 1), 60)
    keys = [period_key(spec, r) for r in runs]
    assert len(set(keys)) == len(keys) == 60
    assert all(b > a for a, b in itertools.pairwise(runs))
    assert all(r.astimezone(NEW_YORK).weekday() == 6 for r in runs)


def test_a_trigger_shared_by_many_schedules_answers_each_as_a_fresh_one_would() -> None:
    # build_trigger hands every schedule with this spec the same trigger. Asked again (at
    # the same moment, later, past its last answer, or earlier), it answers for the
    # moment asked, never with an earlier answer that no longer holds.
    spec = parse_when("weekly", "sunday", "2:30", timezone="America/New_York")
    shared = build_trigger(spec)
    moments = [
        utc(2026, 3, 1),
        utc(2026, 3, 1),
        utc(2026, 3, 8, 7, 10),
        utc(2026, 3, 8, 7, 30),
        utc(2026, 3, 8, 7, 31),
        utc(2026, 3, 2),
        utc(2026, 3, 20),
    ]
    answers = [shared.get_next_fire_time(None, now) for now in moments]
    fresh = [build_trigger.__wrapped__(spec).get_next_fire_time(None, now) for now in moments]
    assert answers == fresh
    assert answers[3:5] == [utc(2026, 3, 8, 7, 30), utc(2026, 3, 15, 6, 30)]

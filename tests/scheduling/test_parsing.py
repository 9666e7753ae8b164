from __future__ import annotations

import pytest

from vitalitybot.scheduling.parsing import parse_time, parse_weekday, parse_when
from vitalitybot.scheduling.spec import ScheduleError

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
LAST = -1


@pytest.mark.parametrize(
    ("cadence", "day", "expected"),
    [
        ("weekly", None, (MON, None, None)),
        ("weekly", "tuesday", (TUE, None, None)),
        ("weekly", "Tue", (TUE, None, None)),
        ("Weekly", "thursdays", (THU, None, None)),
        ("weekly", "every friday", (FRI, None, None)),
        ("weekly", "weds", (WED, None, None)),
        ("monthly", None, (TUE, None, 1)),
        ("monthly", "first tuesday", (TUE, None, 1)),
        ("monthly", "1st tue", (TUE, None, 1)),
        ("monthly", "2nd wed", (WED, None, 2)),
        ("monthly", "third thursday", (THU, None, 3)),
        ("monthly", "4th sat", (SAT, None, 4)),
        ("monthly", "fifth sunday", (SUN, None, 5)),
        ("monthly", "last friday", (FRI, None, LAST)),
        ("monthly", "the last Friday of the month", (FRI, None, LAST)),
        ("monthly", "tuesday", (TUE, None, 1)),
        ("monthly", "15", (None, 15, None)),
        ("monthly", "15th", (None, 15, None)),
        ("monthly", "1st", (None, 1, None)),
        ("monthly", "31", (None, 31, None)),
        ("monthly", "last", (None, 31, None)),
        ("monthly", "last day of the month", (None, 31, None)),
        ("quarterly", "1st mon", (MON, None, 1)),
        ("quarterly", "15", (None, 15, None)),
        ("quarterly", None, (TUE, None, 1)),
        ("twice-a-year", "last friday", (FRI, None, LAST)),
        ("yearly", "15", (None, 15, None)),
        ("yearly", None, (TUE, None, 1)),
    ],
)
def test_days_people_type_are_understood(
    cadence: str, day: str | None, expected: tuple[int | None, int | None, int | None]
) -> None:
    spec = parse_when(cadence, day, None)
    assert (spec.weekday, spec.day_of_month, spec.nth) == expected
    assert spec.cadence == cadence.lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, "10:00"),
        ("10:00", "10:00"),
        ("9:30", "09:30"),
        ("18:05", "18:05"),
        ("00:00", "00:00"),
        ("23:59", "23:59"),
        ("9", "09:00"),
        ("9am", "09:00"),
        ("6 pm", "18:00"),
        ("6:30pm", "18:30"),
        ("12am", "00:00"),
        ("12 p.m.", "12:00"),
        ("9.30", "09:30"),
        ("9h30", "09:30"),
    ],
)
def test_times_people_type_are_understood(text: str | None, expected: str) -> None:
    assert parse_time(text) == expected
    assert parse_when("monthly", "15", text).time_of_day == expected


@pytest.mark.parametrize("text", ["25:00", "10:60", "24:00", "13pm", "0am", "noon", "9m", "10:0"])
def test_impossible_times_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(ScheduleError, match=rf"can't read the time '{text}'.*such as 10:00"):
        parse_when("monthly", "15", text)


@pytest.mark.parametrize("cadence", ["daily", "fortnightly", "every two years", ""])
def test_unknown_cadences_list_the_ones_there_are(cadence: str) -> None:
    with pytest.raises(
        ScheduleError, match="say weekly, monthly, quarterly, twice-a-year or yearly"
    ):
        parse_when(cadence, None, None)


@pytest.mark.parametrize(
    ("words", "cadence"),
    [
        ("twice-a-year", "twice-a-year"),
        ("Twice a year", "twice-a-year"),
        ("half-yearly", "twice-a-year"),
        ("semi-annual", "twice-a-year"),
        ("every six months", "twice-a-year"),
        ("yearly", "yearly"),
        ("annually", "yearly"),
        ("once a year", "yearly"),
        ("every year", "yearly"),
    ],
)
def test_rarer_cadences_in_a_coordinators_words(words: str, cadence: str) -> None:
    assert parse_when(words, None, None).cadence == cadence


@pytest.mark.parametrize(
    ("cadence", "day", "message"),
    [
        ("monthly", "tuesdy", r"can't read the day 'tuesdy': try 'tuesday', 'first tuesday'"),
        ("monthly", "32", "there is no day 32 in a month: use 1 to 31, or 'last'"),
        ("monthly", "0", "there is no day 0"),
        ("monthly", "sixth monday", "can't read the day 'sixth monday'"),
        ("monthly", "first", "can't read the day 'first'"),
        ("monthly", "t", "can't read the day 't'"),
        ("weekly", "15", "weekly schedule runs on a weekday, such as 'monday'"),
        ("weekly", "first tuesday", "needs no 'first' or 'last': say just 'tuesday'"),
        ("quarterly", "last thursday please", "can't read the day"),
    ],
)
def test_unreadable_days_are_refused_with_examples(cadence: str, day: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_when(cadence, day, None)


def test_the_rest_of_the_schedule_is_passed_through_and_checked() -> None:
    spec = parse_when(
        "weekly", "fri", "18:05", kind="survey", timezone="America/New_York", window_days=3
    )
    assert (spec.kind, spec.timezone, spec.window_days) == ("survey", "America/New_York", 3)
    with pytest.raises(ScheduleError, match="unknown time zone 'Europe/Berln'"):
        parse_when("weekly", "fri", None, timezone="Europe/Berln")
    with pytest.raises(ScheduleError, match="at most 6 days"):
        parse_when("weekly", "fri", None, window_days=7)


@pytest.mark.parametrize(
    ("word", "expected"),
    [("mo", MON), ("TUES", TUE), ("thur", THU), ("Saturdays", SAT), ("sun.", SUN), ("s", None)],
)
def test_weekday_words(word: str, expected: int | None) -> None:
    assert parse_weekday(word) == expected

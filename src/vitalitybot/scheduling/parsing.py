"""Reading a schedule the way a coordinator types it.

"monthly", "first tuesday", "9:30" -> a ``ScheduleSpec``. The words accepted are the
ones people use in a chat box: weekday names and their short forms, ordinals as words
or as "1st", "2nd", a day number, "last" for the last day of the month, and 24-hour or
am/pm times. Anything else is refused with an example of what would work, rather than
guessed at: a wrong guess would post a survey on a day nobody expects.
"""

from __future__ import annotations

import re

from vitalitybot.scheduling.spec import (
    CADENCES,
    DEFAULT_TIME,
    DEFAULT_WINDOW_DAYS,
    LAST,
    WEEKDAYS,
    ScheduleError,
    ScheduleSpec,
)

_CADENCE_WORDS = {
    "weekly": "weekly",
    "week": "weekly",
    "every week": "weekly",
    "monthly": "monthly",
    "month": "monthly",
    "every month": "monthly",
    "quarterly": "quarterly",
    "quarter": "quarterly",
    "every quarter": "quarterly",
    "twice-a-year": "twice-a-year",
    "twice a year": "twice-a-year",
    "half-yearly": "twice-a-year",
    "half yearly": "twice-a-year",
    "semiannual": "twice-a-year",
    "semi-annual": "twice-a-year",
    "semiannually": "twice-a-year",
    "biannual": "twice-a-year",
    "every six months": "twice-a-year",
    "every 6 months": "twice-a-year",
    "yearly": "yearly",
    "year": "yearly",
    "every year": "yearly",
    "annual": "yearly",
    "annually": "yearly",
    "once a year": "yearly",
}
_POSITIONS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "last": LAST,
    "final": LAST,
}
# Words that add nothing to the day: "the last day of the month", "every tuesday".
_FILLER = {"the", "of", "month", "each", "every", "on", "day", "in"}
_DAY_NUMBER = re.compile(r"(\d+)(?:st|nd|rd|th)?")
_TIME = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?(?:\s*([ap])\.?m\.?)?")
_DAY_EXAMPLES = "'tuesday', 'first tuesday', '2nd wed', 'last friday', '15' or 'last'"

_Day = tuple[int | None, int | None, int | None]  # weekday, day_of_month, nth


def parse_when(
    cadence: str,
    day: str | None,
    time: str | None,
    *,
    kind: str = "checkin",
    timezone: str = "UTC",
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> ScheduleSpec:
    """Build a schedule from a coordinator's words.

    No day means Monday for a weekly schedule and the first Tuesday otherwise (the same
    defaults as ``default_spec_for``). A bare weekday for a schedule rarer than weekly
    means its first occurrence: "monthly on tuesday" is the first Tuesday.
    No time means 10:00. Raises ``ScheduleError`` with a message meant to be shown as is.
    """
    rhythm = parse_cadence(cadence)
    weekday, day_of_month, nth = _parse_day(rhythm, day)
    return ScheduleSpec(
        kind=kind,
        cadence=rhythm,
        weekday=weekday,
        day_of_month=day_of_month,
        nth=nth,
        time_of_day=parse_time(time),
        window_days=window_days,
        timezone=timezone,
    )


def parse_cadence(text: str) -> str:
    words = " ".join(text.lower().split())
    if words in _CADENCE_WORDS:
        return _CADENCE_WORDS[words]
    raise ScheduleError(
        f"unknown cadence {text!r}: say {', '.join(CADENCES[:-1])} or {CADENCES[-1]}"
    )


def parse_time(text: str | None) -> str:
    """'9:30' -> '09:30'; also '18:05', '9', '9am', '6:30 pm', '9.30', '9h30'."""
    if text is None or not text.strip():
        return DEFAULT_TIME
    match = _TIME.fullmatch(text.strip().lower())
    if match is not None:
        hour, minute = int(match[1]), int(match[2] or 0)
        if match[3] is not None and 1 <= hour <= 12:
            hour = hour % 12 + (12 if match[3] == "p" else 0)
        elif match[3] is not None:
            hour = 99  # "13pm": refused below
        if hour <= 23 and minute <= 59:
            return f"{hour:02d}:{minute:02d}"
    raise ScheduleError(
        f"can't read the time {text!r}: use HH:MM on a 24-hour clock, such as 10:00, 9:30 or 18:05"
    )


def parse_weekday(word: str) -> int | None:
    """0..6 for 'tuesday', 'tue', 'tues', 'tu', 'tuesdays'; None when it is no weekday."""
    word = word.lower().rstrip(".")
    if word == "weds":
        return 2
    for candidate in (word, word[:-1] if word.endswith("s") else None):
        if candidate is None or len(candidate) < 2:
            continue
        hits = [i for i, name in enumerate(WEEKDAYS) if name.lower().startswith(candidate)]
        if len(hits) == 1:
            return hits[0]
    return None


def _parse_day(cadence: str, text: str | None) -> _Day:
    words = [w for w in (text or "").lower().replace(",", " ").split() if w not in _FILLER]
    if not words:
        return (0, None, None) if cadence == "weekly" else (1, None, 1)
    if cadence == "weekly":
        return _weekly_day(text or "", words)
    if len(words) == 1:
        return _monthly_single(text or "", words[0])
    if len(words) == 2 and words[0] in _POSITIONS:
        weekday = parse_weekday(words[1])
        if weekday is not None:
            return weekday, None, _POSITIONS[words[0]]
    raise _unreadable_day(text or "")


def _weekly_day(text: str, words: list[str]) -> _Day:
    weekday = parse_weekday(words[-1])
    if len(words) == 1 and weekday is not None:
        return weekday, None, None
    if weekday is not None and words[0] in _POSITIONS:
        raise ScheduleError(
            f"a weekly schedule runs every week, so {text!r} needs no 'first' or 'last': "
            f"say just {WEEKDAYS[weekday].lower()!r}, or make the schedule monthly"
        )
    raise ScheduleError(
        f"a weekly schedule runs on a weekday, such as 'monday' or 'thu'; got {text!r}"
    )


def _monthly_single(text: str, word: str) -> _Day:
    if word in {"last", "final"}:
        return None, 31, None
    number = _DAY_NUMBER.fullmatch(word)
    if number is not None:
        value = int(number[1])
        if not 1 <= value <= 31:
            raise ScheduleError(
                f"there is no day {value} in a month: use 1 to 31, or 'last' for the last day"
            )
        return None, value, None
    weekday = parse_weekday(word)
    if weekday is not None:
        return weekday, None, 1
    raise _unreadable_day(text)


def _unreadable_day(text: str) -> ScheduleError:
    return ScheduleError(f"can't read the day {text!r}: try {_DAY_EXAMPLES}")

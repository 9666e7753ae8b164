"""What a schedule says, checked once so every later step can trust it.

The fields are the ones the storage layer keeps for a schedule, so a stored row turns
into a ``ScheduleSpec`` without translation and a bad row fails loudly here, with a
sentence a coordinator can act on, instead of as a cron error at three in the morning.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from vitalitybot.scheduling.zones import HOST_ONLY_PREFIXES, canonical_zones, is_canonical

KINDS = ("checkin", "survey")
CADENCES = ("weekly", "monthly", "quarterly", "twice-a-year", "yearly")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LAST = -1  # ``nth`` for "the last <weekday> of the month"
DEFAULT_TIME = "10:00"
DEFAULT_WINDOW_DAYS = 5

# A round must close before the next one of the same schedule opens, otherwise two
# rounds of one schedule would be open at once and members would not know which to
# answer. So a window is at most the shortest gap between two runs minus a day: weekly
# runs are 7 days apart; monthly runs can be 28 (Feb 1 -> Mar 1 in a non-leap year);
# quarterly runs 84 (the first Monday of January can be the 7th, of April the 1st);
# twice-a-year runs 151 (January 31 -> July 1); yearly runs 364 (52 weeks from one
# first Monday of January to the next).
# tests/scheduling/test_spec.py checks these against the real triggers.
MAX_WINDOW_DAYS = {
    "weekly": 6,
    "monthly": 27,
    "quarterly": 83,
    "twice-a-year": 150,
    "yearly": 363,
}
# How ``describe`` names the months a schedule rarer than weekly runs in.
PERIODS = {
    "monthly": "every month",
    "quarterly": "every quarter (Jan, Apr, Jul, Oct)",
    "twice-a-year": "every half year (Jan, Jul)",
    "yearly": "every year (Jan)",
}

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", LAST: "last"}
_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


class ScheduleError(ValueError):
    """A schedule that cannot run; the message is written for the coordinator who asked."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleSpec:
    """When a round opens and how long it stays open.

    ``weekday`` is 0 (Monday) .. 6 (Sunday). ``day_of_month`` 29, 30 or 31 falls back to
    the last day of shorter months, so 31 means "the last day of every month". ``nth``
    (1..5, or -1 for the last) goes with ``weekday``: "the first Tuesday"; 5 falls back
    to the last one in months with only four, which makes it the same as -1. A weekly
    schedule without a weekday runs on Mondays.
    """

    kind: str
    cadence: str
    weekday: int | None = None
    day_of_month: int | None = None
    nth: int | None = None
    time_of_day: str = DEFAULT_TIME
    window_days: int = DEFAULT_WINDOW_DAYS
    timezone: str

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ScheduleError("; ".join(problems))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def hour(self) -> int:
        return int(self.time_of_day[:2])

    @property
    def minute(self) -> int:
        return int(self.time_of_day[3:])


def describe(spec: ScheduleSpec) -> str:
    """The schedule in one sentence, to confirm back to whoever set it."""
    if spec.cadence == "weekly":
        when = f"every {WEEKDAYS[spec.weekday or 0]}"
    else:
        every = PERIODS[spec.cadence]
        if spec.day_of_month == 31:
            day = "the last day"
        elif spec.day_of_month is not None:
            day = f"day {spec.day_of_month}"
            if spec.day_of_month >= 29:
                day += " (or the last day of shorter months)"
        else:
            assert spec.weekday is not None and spec.nth is not None
            day = f"the {_ORDINALS[spec.nth]} {WEEKDAYS[spec.weekday]}"
        when = f"{day} of {every}"
    days = "day" if spec.window_days == 1 else "days"
    return f"{when} at {spec.time_of_day} ({spec.timezone}), open for {spec.window_days} {days}"


def zone_or_error(name: str) -> ZoneInfo:
    """The IANA zone called ``name``, or a ScheduleError that suggests the likely one.

    Only canonical names (``scheduling.zones``) are accepted: ``localtime`` or
    ``right/Europe/Berlin`` open on this host but mean another clock, or none, elsewhere.
    """
    if isinstance(name, str) and is_canonical(name):
        return ZoneInfo(name)
    known = canonical_zones()
    text = str(name).strip()
    bare = text.split("/", 1)[1] if text.startswith(HOST_ONLY_PREFIXES) else text
    folded = {key.casefold(): key for key in known}
    guess = folded.get(bare.casefold())
    if guess is None:
        close = difflib.get_close_matches(bare, sorted(known), n=1, cutoff=0.8)
        guess = close[0] if close else None
    hint = f" Did you mean {guess}?" if guess else ""
    raise ScheduleError(
        f"unknown time zone {name!r}: use an IANA name such as Europe/Berlin or "
        f"America/New_York.{hint}"
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _problems(spec: ScheduleSpec) -> list[str]:
    problems: list[str] = []
    if spec.kind not in KINDS:
        problems.append(f"kind must be 'checkin' or 'survey', not {spec.kind!r}")
    try:
        zone_or_error(spec.timezone)
    except ScheduleError as error:
        problems.append(str(error))
    if not isinstance(spec.time_of_day, str) or not _TIME.fullmatch(spec.time_of_day):
        problems.append(
            f"time must be HH:MM on a 24-hour clock, such as 10:00 or 18:05, "
            f"not {spec.time_of_day!r}"
        )
    problems += _day_problems(spec)
    problems += _window_problems(spec)
    return problems


def _day_problems(spec: ScheduleSpec) -> list[str]:
    problems: list[str] = []
    weekday, day, nth = spec.weekday, spec.day_of_month, spec.nth
    if weekday is not None and not (_is_int(weekday) and 0 <= weekday <= 6):
        problems.append(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday!r}")
    if day is not None and not (_is_int(day) and 1 <= day <= 31):
        problems.append(
            f"day of the month must be 1 to 31 (31 = the last day of every month), not {day!r}"
        )
    if nth is not None and not (_is_int(nth) and (1 <= nth <= 5 or nth == LAST)):
        problems.append(f"position must be 1 to 5, or -1 for the last, not {nth!r}")
    if nth is not None and weekday is None:
        problems.append("a position such as 'first' or 'last' needs a weekday: 'first Tuesday'")

    if spec.cadence not in CADENCES:
        problems.append(
            f"cadence must be {', '.join(CADENCES[:-1])} or {CADENCES[-1]}, not {spec.cadence!r}"
        )
    elif spec.cadence == "weekly":
        if day is not None:
            problems.append("a weekly schedule runs on a weekday, not on a day of the month")
        if nth is not None:
            problems.append(
                "a weekly schedule runs every week, so it takes a weekday without 'first' or 'last'"
            )
    elif day is not None and weekday is not None:
        problems.append("give a day of the month or a weekday, not both")
    elif day is None and weekday is None:
        problems.append(
            f"a {spec.cadence} schedule needs a day: a day of the month (1 to 31) "
            "or a weekday with its position, such as 'first Tuesday'"
        )
    elif weekday is not None and nth is None:
        name = WEEKDAYS[weekday] if _is_int(weekday) and 0 <= weekday <= 6 else "weekday"
        problems.append(
            f"say which {name} of the month: first, second, third, fourth, fifth or last"
        )
    return problems


def _window_problems(spec: ScheduleSpec) -> list[str]:
    window = spec.window_days
    if not _is_int(window) or window < 1:
        return [f"the answer window must be at least 1 day, not {window!r}"]
    longest = MAX_WINDOW_DAYS.get(spec.cadence)
    if longest is not None and window > longest:
        return [
            f"a {spec.cadence} round can stay open at most {longest} days, so that it "
            f"closes before the next one opens; got {window}"
        ]
    return []

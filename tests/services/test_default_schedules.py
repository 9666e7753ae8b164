"""The schedules a first adoption creates: each ritual at the pattern's own rhythm for it,
the least demanding of a range, and never more than one request a week."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from vitalitybot.domain.records import RoundKind
from vitalitybot.patterns.model import Body, BodyFormat, Cadence, Pattern, Rhythm, Ritual
from vitalitybot.scheduling.cadence import next_fire_times
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.scheduling.spec import ScheduleSpec
from vitalitybot.services import Services, adopt_pattern
from vitalitybot.services.default_schedules import default_specs, stated_rhythms
from vitalitybot.storage import Database

from .conftest import Setup
from .support import TIMEZONE, rows, started

YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
# Every cadence a pattern can state, and none.
STATED: list[Cadence | None] = [None, *Cadence]


def pattern_stating(**phrases: str) -> Pattern:
    """A pattern whose text states ``phrases`` for the rituals named: survey="monthly"."""
    rhythms = []
    for ritual, phrase in phrases.items():
        for word in phrase.split(" or "):
            cadence = Cadence(word)
            rhythms.append(Rhythm(cadence, phrase, "Implementation", Ritual(ritual)))
    return Pattern(
        slug="stated",
        title="Stated",
        source=Path("stated.md"),
        body=Body(BodyFormat.V71, rhythms=tuple(rhythms)),
    )


def specs_of(pattern: Pattern) -> dict[str, ScheduleSpec]:
    return {spec.kind: spec for spec in default_specs(pattern, TIMEZONE)}


def timing(spec: ScheduleSpec) -> tuple[str, int | None, int | None]:
    return spec.cadence, spec.weekday, spec.nth


def test_energizing_participation_checks_in_monthly_and_surveys_quarterly(
    library: Mapping[str, Pattern],
) -> None:
    specs = specs_of(library["energizing-participation"])
    assert timing(specs["checkin"]) == ("monthly", 1, 1)  # the first Tuesday
    assert timing(specs["survey"]) == ("quarterly", 1, 3)  # the third Tuesday


def test_a_range_gives_the_least_demanding_rhythm_and_names_the_other() -> None:
    pattern = pattern_stating(survey="monthly or quarterly")
    specs = default_specs(pattern, TIMEZONE)
    assert timing(specs[1]) == ("quarterly", 1, 3)
    [stated] = stated_rhythms(pattern, specs)
    assert (stated.kind, stated.phrase, stated.scheduled, stated.others) == (
        RoundKind.SURVEY,
        "monthly or quarterly",
        "quarterly",
        ("monthly",),
    )


@pytest.mark.parametrize("stated", ["weekly", "fortnightly"])
def test_a_rhythm_more_often_than_monthly_starts_monthly_and_names_weekly(stated: str) -> None:
    pattern = pattern_stating(checkin=stated)
    specs = default_specs(pattern, TIMEZONE)
    assert [timing(s) for s in specs] == [("monthly", 1, 1), ("quarterly", 1, 3)]
    [rhythm] = stated_rhythms(pattern, specs)
    assert (rhythm.scheduled, rhythm.others) == ("monthly", ("weekly",))


def test_a_pattern_monthly_for_both_rituals_checks_in_quarterly() -> None:
    pattern = pattern_stating(checkin="monthly", survey="monthly")
    specs = default_specs(pattern, TIMEZONE)
    assert [timing(s) for s in specs] == [("quarterly", 1, 1), ("monthly", 1, 3)]
    checkin, survey = stated_rhythms(pattern, specs)
    assert (checkin.scheduled, checkin.others) == ("quarterly", ("monthly",))
    assert (survey.scheduled, survey.others) == ("monthly", ())


def test_rituals_without_a_stated_rhythm_get_the_bots_own() -> None:
    pattern = pattern_stating()
    specs = default_specs(pattern, TIMEZONE)
    assert [timing(s) for s in specs] == [("monthly", 1, 1), ("quarterly", 1, 3)]
    assert stated_rhythms(pattern, specs) == ()


@pytest.mark.parametrize("stated", ["twice-a-year", "yearly"])
def test_rare_rhythms_are_kept_rare(stated: str) -> None:
    assert timing(specs_of(pattern_stating(survey=stated))["survey"]) == (stated, 1, 3)


def asks_in(specs: list[ScheduleSpec], start: datetime) -> list[date]:
    """The local dates members are asked on over a year from ``start``."""
    end = start + timedelta(days=365)
    return sorted(
        fire.astimezone(spec.zone).date()
        for spec in specs
        for fire in next_fire_times(spec, start, 60)
        if fire < end
    )


@pytest.mark.parametrize(("checkin", "survey"), list(itertools.product(STATED, STATED)))
def test_whatever_a_pattern_states_members_are_asked_at_most_once_a_week(
    checkin: Cadence | None, survey: Cadence | None
) -> None:
    phrases = {"checkin": checkin, "survey": survey}
    pattern = pattern_stating(**{k: c.value for k, c in phrases.items() if c is not None})
    asks = asks_in(default_specs(pattern, TIMEZONE), YEAR_START)
    weeks = Counter(day.isocalendar()[:2] for day in asks)
    assert max(weeks.values()) == 1
    # Never twice in a month, except the first month of a quarter (in other weeks).
    months = Counter((day.year, day.month) for day in asks)
    assert all(month in (1, 4, 7, 10) for (_, month), n in months.items() if n > 1)


async def test_adopting_every_shipped_pattern_asks_once_a_week_at_most_over_a_year(
    svc: Services, db: Database, setup: Setup, clock: ManualClock, library: Mapping[str, Pattern]
) -> None:
    community = await setup()
    for slug in ["energizing-participation", *sorted(set(library) - {"energizing-participation"})]:
        await adopt_pattern(svc, community.id, slug)
    keeper, runner = await started(svc, clock)
    await runner.run_until(clock.now() + timedelta(days=365))
    keeper.shutdown()
    opened = await rows(db, "SELECT kind, period FROM rounds ORDER BY period")
    per_week = Counter(date.fromisoformat(period).isocalendar()[:2] for _, period in opened)
    assert max(per_week.values()) == 1
    # Energizing Participation's own rhythms: a monthly check-in, a quarterly survey.
    assert Counter(kind for kind, _ in opened) == {"checkin": 12, "survey": 4}

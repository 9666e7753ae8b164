"""The check-in and survey schedules a community gets with its first adopted pattern.

A coordinator adjusts these rather than designing schedules from nothing. Each ritual
follows the rhythm the pattern states for it (``Pattern.stated_rhythm``: a survey
rhythm for the survey, an articulation rhythm for the check-in), with these rules:

* a range ("monthly or quarterly") gives the least demanding cadence, and the adoption
  reply names the others;
* a ritual the pattern gives no rhythm for runs at the bot's own default: the check-in
  monthly, the survey quarterly;
* no default runs more often than monthly (a weekly or fortnightly rhythm becomes
  monthly, and the reply names weekly): with the check-in on the first Tuesday and the
  survey on the third, members are then never asked twice in one week;
* when both would run monthly, the check-in runs quarterly instead: a pattern that
  is monthly for both asks once a month, and twice (in different weeks) only in the
  first month of each quarter.

All open at 10:00 local time for five days. Schedules cover every adopted pattern, so
adopting more patterns adds survey items, not rounds: only a kind of round with no
schedule yet gets a default.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from vitalitybot.domain.records import RoundKind
from vitalitybot.patterns.model import Cadence, Pattern, Ritual
from vitalitybot.scheduling.cadence import default_spec_for
from vitalitybot.scheduling.spec import ScheduleSpec

_UNSTATED = {Ritual.CHECKIN: Cadence.MONTHLY, Ritual.SURVEY: Cadence.QUARTERLY}
_SURVEY_NTH = 3  # the survey's Tuesday, two weeks clear of the check-in's first one
# The schedule cadence that follows a stated one most closely.
_FOLLOWS = {Cadence.FORTNIGHTLY: "weekly"}


@dataclass(frozen=True, slots=True)
class StatedRhythm:
    """What a pattern says about one ritual's rhythm, beside what was scheduled."""

    kind: RoundKind
    phrase: str  # as the pattern words it: "monthly or quarterly"
    scheduled: str  # the default schedule's cadence
    others: tuple[str, ...]  # schedule cadences that follow the phrase more closely


def default_specs(pattern: Pattern, timezone: str) -> list[ScheduleSpec]:
    """The check-in and survey schedules for a first adoption (module docstring)."""
    checkin, survey = (_first_spec(pattern, ritual, timezone) for ritual in Ritual)
    if checkin.cadence == survey.cadence == "monthly":
        checkin = dataclasses.replace(checkin, cadence="quarterly")
    return [checkin, dataclasses.replace(survey, nth=_SURVEY_NTH)]


def stated_rhythms(pattern: Pattern, specs: list[ScheduleSpec]) -> tuple[StatedRhythm, ...]:
    """For each of ``specs``, the pattern's own words for its ritual when it has any."""
    stated: list[StatedRhythm] = []
    for spec in specs:
        rhythm = pattern.stated_rhythm(Ritual(spec.kind))
        if not rhythm:
            continue
        follows = dict.fromkeys(_FOLLOWS.get(r.cadence, r.cadence.value) for r in rhythm)
        others = tuple(c for c in follows if c != spec.cadence)
        stated.append(StatedRhythm(RoundKind(spec.kind), rhythm[0].phrase, spec.cadence, others))
    return tuple(stated)


def _first_spec(pattern: Pattern, ritual: Ritual, timezone: str) -> ScheduleSpec:
    rhythm = pattern.stated_rhythm(ritual)
    cadence = rhythm[0].cadence if rhythm else _UNSTATED[ritual]
    return default_spec_for(cadence, ritual.value, timezone)

"""The patterns a community watches, its schedules and thresholds.

A first adoption gives the community its default check-in and survey schedules
(``services.default_schedules``); a coordinator changes or pauses them with
``set_schedule``.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime

from vitalitybot.domain.records import (
    ALL_ADOPTED,
    AdoptedPattern,
    Community,
    RoundKind,
    Schedule,
    ScheduleCadence,
)
from vitalitybot.patterns.model import Pattern
from vitalitybot.patterns.search import resolve
from vitalitybot.render.timestamps import discord_time
from vitalitybot.scheduling.cadence import next_fire_times
from vitalitybot.scheduling.parsing import parse_when
from vitalitybot.scheduling.spec import (
    DEFAULT_WINDOW_DAYS,
    ScheduleError,
    ScheduleSpec,
    describe,
)
from vitalitybot.services.app import (
    Services,
    community_by_id,
    spec_of,
)
from vitalitybot.services.default_schedules import StatedRhythm, default_specs, stated_rhythms
from vitalitybot.services.errors import (
    InvalidSetting,
    PatternNotAdopted,
    UnknownPattern,
)
from vitalitybot.services.limits import NAME_MAX, WORDS_MAX, check_text
from vitalitybot.services.messages import kind_name
from vitalitybot.services.privacy import apply_privacy, check_minimum
from vitalitybot.services.rounds import round_kind
from vitalitybot.storage import Repositories
from vitalitybot.storage.communities import UNSET

logger = logging.getLogger(__name__)

SUGGESTIONS_SHOWN = 3  # close names offered when a pattern name is unknown
# The shares a threshold may take; Discord's option offers the same range. A share of 0
# would make every sign cross whenever anyone answered, so the least is one in a hundred.
THRESHOLD_MIN = 0.01
THRESHOLD_MAX = 1.0


@dataclass(frozen=True, slots=True)
class AdoptResult:
    adopted: AdoptedPattern
    pattern: Pattern
    created: bool  # False: the community already watched this pattern
    schedules: tuple[Schedule, ...]  # default schedules created by this adoption
    rhythms: tuple[StatedRhythm, ...] = ()  # the pattern's words for those schedules


@dataclass(frozen=True, slots=True)
class DropResult:
    slug: str
    title: str
    schedules_removed: int  # schedules that were for this pattern alone


@dataclass(frozen=True, slots=True)
class AdoptedView:
    slug: str
    title: str  # the slug when the library no longer has the pattern
    adopted_at: datetime
    in_library: bool


@dataclass(frozen=True, slots=True)
class ScheduleView:
    schedule: Schedule
    description: str  # "the first Tuesday of every month at 10:00 (Europe/Berlin), open ..."
    next_run: datetime | None
    next_run_text: str  # a Discord timestamp, or "" when disabled


# -- patterns --------------------------------------------------------------------------


def resolve_pattern(svc: Services, name: str, *, typos: bool = False) -> Pattern:
    """The pattern a member named (:func:`~vitalitybot.patterns.search.resolve`), or
    ``UnknownPattern`` offering the closest names."""
    check_text(name, what="A pattern's name", limit=NAME_MAX)
    resolution = resolve(svc.index, name, typos=typos, close=SUGGESTIONS_SHOWN)
    if resolution.pattern is None:
        raise UnknownPattern(name, [(m.slug, m.title) for m in resolution.close])
    return resolution.pattern


async def adopt_pattern(svc: Services, community_id: int, name: str) -> AdoptResult:
    """Start watching a pattern (idempotent).

    A kind of round the community has no schedule for yet (enabled or not) gets its
    default one (``services.default_schedules``), so a first adoption sets up both rituals and a
    coordinator who scheduled only the check-in still gets surveys.
    """
    pattern = resolve_pattern(svc, name)
    now = svc.now()
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        created = await repos.communities.adopt(community.id, pattern.slug, at=now)
        adopted = next(
            a
            for a in await repos.communities.list_adopted(community.id)
            if a.pattern_slug == pattern.slug
        )
        have = {s.kind for s in await repos.schedules.list_for(community.id)}
        specs = [
            spec
            for spec in default_specs(pattern, community.timezone)
            if RoundKind(spec.kind) not in have
        ]
        schedules = [await _store_spec(repos, community, spec, ALL_ADOPTED) for spec in specs]
    return AdoptResult(adopted, pattern, created, tuple(schedules), stated_rhythms(pattern, specs))


async def _store_spec(
    repos: Repositories,
    community: Community,
    spec: ScheduleSpec,
    pattern_slug: str,
    *,
    enabled: bool = True,
) -> Schedule:
    return await repos.schedules.upsert(
        community.id,
        kind=RoundKind(spec.kind),
        cadence=ScheduleCadence(spec.cadence),
        pattern_slug=pattern_slug,
        weekday=spec.weekday,
        day_of_month=spec.day_of_month,
        nth=spec.nth,
        time_of_day=spec.time_of_day,
        window_days=spec.window_days,
        enabled=enabled,
    )


async def drop_pattern(svc: Services, community_id: int, name: str) -> DropResult:
    """Stop watching a pattern; schedules for it alone go too. Answers and scores stay."""
    check_text(name, what="A pattern's name", limit=NAME_MAX)
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        adopted = {a.pattern_slug for a in await repos.communities.list_adopted(community.id)}
        slug = name.strip()
        if slug not in adopted:
            pattern = resolve(svc.index, name).pattern
            if pattern is None or pattern.slug not in adopted:
                raise PatternNotAdopted(
                    f"This community does not watch a pattern called {name!r}."
                    + (f" It watches: {', '.join(sorted(adopted))}." if adopted else "")
                )
            slug = pattern.slug
        await repos.communities.drop(community.id, slug)
        removed = [
            s for s in await repos.schedules.list_for(community.id) if s.pattern_slug == slug
        ]
        for schedule in removed:
            await repos.schedules.delete(community.id, schedule.kind, slug)
    pattern = svc.patterns.get(slug)
    return DropResult(slug, pattern.title if pattern else slug, len(removed))


async def list_adopted(svc: Services, community_id: int) -> list[AdoptedView]:
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        adopted = await repos.communities.list_adopted(community.id)
    return [adopted_view(svc, a) for a in adopted]


def adopted_view(svc: Services, adopted: AdoptedPattern) -> AdoptedView:
    pattern = svc.patterns.get(adopted.pattern_slug)
    return AdoptedView(
        slug=adopted.pattern_slug,
        title=pattern.title if pattern else adopted.pattern_slug,
        adopted_at=adopted.adopted_at,
        in_library=pattern is not None,
    )


# -- schedules and settings ------------------------------------------------------------


async def set_schedule(
    svc: Services,
    community_id: int,
    kind: RoundKind | str,
    cadence: str | None = None,
    day: str | None = None,
    time: str | None = None,
    window_days: int | None = None,
    *,
    pattern_slug: str = ALL_ADOPTED,
    enabled: bool = True,
) -> ScheduleView:
    """Set when a kind of round runs, from a coordinator's words ("monthly", "first tue"),
    and whether it runs at all: ``enabled=False`` pauses it, True resumes it.

    Without a cadence the stored schedule keeps its timing (and its window unless one
    is given), so pausing or resuming needs no other words.
    """
    kind = round_kind(kind)
    for what, words in (("The cadence", cadence), ("The day", day), ("The time", time)):
        check_text(words or "", what=what, limit=WORDS_MAX)
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        if pattern_slug != ALL_ADOPTED:
            adopted = {a.pattern_slug for a in await repos.communities.list_adopted(community.id)}
            if pattern_slug not in adopted:
                raise PatternNotAdopted(
                    f"Adopt the pattern {pattern_slug!r} before giving it its own schedule."
                )
        stored = await repos.schedules.find(community.id, kind, pattern_slug)
        try:
            if cadence is None:
                spec = _kept_spec(stored, community, kind, day, time, window_days)
            else:
                spec = parse_when(
                    cadence,
                    day,
                    time,
                    kind=kind.value,
                    timezone=community.timezone,
                    window_days=DEFAULT_WINDOW_DAYS if window_days is None else window_days,
                )
        except ScheduleError as error:
            raise InvalidSetting(str(error)) from None
        schedule = await _store_spec(repos, community, spec, pattern_slug, enabled=enabled)
    return schedule_view(svc, schedule, community)


def _kept_spec(
    stored: Schedule | None,
    community: Community,
    kind: RoundKind,
    day: str | None,
    time: str | None,
    window_days: int | None,
) -> ScheduleSpec:
    """The stored schedule's timing, for a change that names no cadence."""
    name = kind_name(kind)
    if day is not None or time is not None:
        raise InvalidSetting(f"Give the cadence too when changing the {name}'s day or time.")
    if stored is None:
        raise InvalidSetting(f"There is no {name} schedule yet: give a cadence, such as monthly.")
    spec = spec_of(stored, community.timezone)
    if window_days is None:
        return spec
    return dataclasses.replace(spec, window_days=window_days)


def schedule_view(svc: Services, schedule: Schedule, community: Community) -> ScheduleView:
    spec = spec_of(schedule, community.timezone)
    upcoming = next_fire_times(spec, svc.now(), 1) if schedule.enabled else []
    next_run = upcoming[0] if upcoming else None
    description = describe(spec)
    if not schedule.enabled:
        description += " (paused)"
    return ScheduleView(
        schedule=schedule,
        description=description,
        next_run=next_run,
        next_run_text=discord_time(next_run) if next_run else "",
    )


async def set_threshold(
    svc: Services, community_id: int, value: float, min_respondents: int | None = None
) -> Community:
    """When a sign crosses: the share seeing it often, and the fewest answers that count.

    Both apply to rounds opened from now on; the minimum is checked against the
    community's anonymity (``privacy.check_minimum``).
    """
    if not THRESHOLD_MIN <= value <= THRESHOLD_MAX:
        raise InvalidSetting(
            f"The threshold is a share from {THRESHOLD_MIN:g} to {THRESHOLD_MAX:g}, such as "
            f"0.5 for half; got {value:g}."
        )
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        if min_respondents is not None:
            check_minimum(community.anonymous, min_respondents)
        return await repos.communities.update_settings(
            community.id,
            threshold=value,
            min_respondents=UNSET if min_respondents is None else min_respondents,
        )


async def set_options(
    svc: Services,
    community_id: int,
    *,
    anonymous: bool | None = None,
    max_items: int | None = None,
    channel_id: int | None = None,
) -> Community:
    """The remaining settings: anonymity of new rounds, survey length, the channel.

    Anonymity and survey length follow the rules of ``privacy.set_privacy``.
    """
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        changed = await apply_privacy(repos, community, anonymous=anonymous, max_items=max_items)
        if channel_id is None:
            return changed.community
        return await repos.communities.update_settings(community.id, channel_id=channel_id)

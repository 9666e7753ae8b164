"""Schedules: one per (community, kind, pattern), replaced in place, listed for the scheduler."""

from __future__ import annotations

from typing import Any

import pytest

from vitalitybot.domain.records import ALL_ADOPTED, Community, RoundKind, ScheduleCadence
from vitalitybot.storage import Database, Repositories


async def test_upsert_replaces_the_schedule_for_the_same_kind_and_pattern(
    db: Database, community: Community
) -> None:
    async with db.transaction() as session:
        repo = Repositories(session).schedules
        first = await repo.upsert(
            community.id, kind=RoundKind.CHECKIN, cadence=ScheduleCadence.MONTHLY, day_of_month=1
        )
        second = await repo.upsert(
            community.id,
            kind=RoundKind.CHECKIN,
            cadence=ScheduleCadence.MONTHLY,
            weekday=1,
            nth=1,  # the first Tuesday
            time_of_day="18:30",
            window_days=7,
        )
    assert second.id == first.id
    assert (second.day_of_month, second.weekday, second.nth) == (None, 1, 1)
    assert (second.time_of_day, second.window_days) == ("18:30", 7)
    assert second.pattern_slug == ALL_ADOPTED
    async with db.session() as session:
        assert await Repositories(session).schedules.list_for(community.id) == [second]


async def test_list_enabled_spans_communities_and_skips_disabled(
    db: Database, community: Community, other_community: Community
) -> None:
    async with db.transaction() as session:
        repo = Repositories(session).schedules
        checkin = await repo.upsert(
            community.id, kind=RoundKind.CHECKIN, cadence=ScheduleCadence.MONTHLY, day_of_month=3
        )
        await repo.upsert(
            community.id,
            kind=RoundKind.SURVEY,
            pattern_slug="shared-harvest",
            cadence=ScheduleCadence.QUARTERLY,
            weekday=0,
            nth=-1,
            enabled=False,
        )
        weekly = await repo.upsert(
            other_community.id, kind=RoundKind.SURVEY, cadence=ScheduleCadence.WEEKLY, weekday=4
        )
    async with db.session() as session:
        enabled = await Repositories(session).schedules.list_enabled()
        placed = await Repositories(session).schedules.list_enabled_placed()
    assert enabled == [checkin, weekly]
    assert [(p.schedule, p.timezone, p.guild_id) for p in placed] == [
        (checkin, community.timezone, community.guild_id),
        (weekly, other_community.timezone, other_community.guild_id),
    ]


async def test_delete_and_find(db: Database, community: Community) -> None:
    async with db.transaction() as session:
        repo = Repositories(session).schedules
        made = await repo.upsert(
            community.id,
            kind=RoundKind.SURVEY,
            pattern_slug="p",
            cadence=ScheduleCadence.MONTHLY,
            day_of_month=15,
        )
        assert await repo.find(community.id, RoundKind.SURVEY, "p") == made
        assert await repo.get(community.id, made.id) == made
        assert await repo.delete(community.id, RoundKind.SURVEY, "p") is True
        assert await repo.delete(community.id, RoundKind.SURVEY, "p") is False
        assert await repo.find(community.id, RoundKind.SURVEY, "p") is None


@pytest.mark.parametrize(
    "spec",
    [
        {"cadence": ScheduleCadence.WEEKLY},  # weekly needs a weekday
        {"cadence": ScheduleCadence.WEEKLY, "weekday": 7},
        {"cadence": ScheduleCadence.MONTHLY},  # which day?
        {"cadence": ScheduleCadence.MONTHLY, "day_of_month": 32},
        {"cadence": ScheduleCadence.MONTHLY, "nth": 1},  # first what?
        {"cadence": ScheduleCadence.MONTHLY, "weekday": 1, "nth": 6},
        {"cadence": ScheduleCadence.MONTHLY, "weekday": 1, "nth": 1, "day_of_month": 2},
        {"cadence": ScheduleCadence.MONTHLY, "day_of_month": 1, "time_of_day": "25:00"},
        {"cadence": ScheduleCadence.MONTHLY, "day_of_month": 1, "time_of_day": "9:00"},
        {"cadence": ScheduleCadence.MONTHLY, "day_of_month": 1, "window_days": 0},
        {"cadence": "fortnightly", "weekday": 1},
    ],
)
async def test_schedules_the_scheduler_could_not_place_are_refused(
    db: Database, community: Community, spec: dict[str, Any]
) -> None:
    async with db.transaction() as session:
        repo = Repositories(session).schedules
        with pytest.raises(ValueError):
            await repo.upsert(community.id, kind=RoundKind.SURVEY, **spec)
        assert await repo.list_for(community.id) == []


async def test_the_rarer_cadences_are_stored_and_read_back(
    db: Database, community: Community
) -> None:
    async with db.transaction() as session:
        repo = Repositories(session).schedules
        for kind, cadence in (
            (RoundKind.CHECKIN, ScheduleCadence.TWICE_A_YEAR),
            (RoundKind.SURVEY, ScheduleCadence.YEARLY),
        ):
            await repo.upsert(community.id, kind=kind, cadence=cadence, weekday=1, nth=1)
    async with db.session() as session:
        stored = await Repositories(session).schedules.list_enabled()
    assert {(s.kind, s.cadence) for s in stored} == {
        (RoundKind.CHECKIN, ScheduleCadence.TWICE_A_YEAR),
        (RoundKind.SURVEY, ScheduleCadence.YEARLY),
    }

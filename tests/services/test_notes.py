"""The coordinator's notes come from the deliveries log: every failed post, told once,
whichever ``Services`` logged it."""

from __future__ import annotations

from datetime import timedelta

from vitalitybot.domain.records import Community, RoundKind
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import Services, open_round
from vitalitybot.services.notes import failed_within, take_notes
from vitalitybot.storage import Database

from .conftest import MakeServices
from .fakes import RecordingNotifier
from .support import GUILD


async def test_a_failure_logged_by_one_services_is_told_once_by_another(
    db: Database,
    make_services: MakeServices,
    community: Community,
    notifier: RecordingNotifier,
) -> None:
    posting, answering = make_services(db), make_services(db)  # two processes, one database
    notifier.failing_guilds.add(GUILD)

    await open_round(posting, community.id, RoundKind.SURVEY, period="2026-01")

    (note,) = await take_notes(answering, community.id)
    assert "403 Forbidden" in note
    assert await take_notes(answering, community.id) == []
    assert await take_notes(posting, community.id) == []


async def test_a_failure_is_told_to_its_own_community_not_its_neighbour(
    svc: Services, community: Community, neighbour: Community, notifier: RecordingNotifier
) -> None:
    notifier.failing_guilds.add(GUILD)  # only this community posts anything

    await open_round(svc, community.id, RoundKind.SURVEY, period="2026-01")

    assert await take_notes(svc, neighbour.id) == []
    assert not await failed_within(svc, neighbour.id, timedelta(hours=1))
    (note,) = await take_notes(svc, community.id)
    assert "403 Forbidden" in note


async def test_a_failure_counts_as_recent_for_an_hour(
    db: Database,
    make_services: MakeServices,
    community: Community,
    notifier: RecordingNotifier,
    clock: ManualClock,
) -> None:
    svc = make_services(db)
    hour = timedelta(hours=1)
    assert not await failed_within(svc, community.id, hour)
    notifier.failing_guilds.add(GUILD)
    await open_round(svc, community.id, RoundKind.SURVEY, period="2026-01")

    assert await failed_within(svc, community.id, hour)
    clock.advance(hour + timedelta(seconds=1))
    assert not await failed_within(svc, community.id, hour)

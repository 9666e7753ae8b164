"""Rounds: opened once per period however often the schedule fires; closed once."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from storage_support import NOW

from vitalitybot.domain.records import (
    Community,
    Round,
    RoundKind,
    RoundStatus,
)
from vitalitybot.storage import Database, Repositories

WINDOW = timedelta(days=5)


async def _open(
    db: Database, community: Community, period: str = "2026-11-03", **extra: object
) -> tuple[Round, bool]:
    async with db.transaction() as session:
        return await Repositories(session).rounds.open_round(
            community.id,
            kind=RoundKind.SURVEY,
            period=period,
            anonymous=True,
            min_respondents=3,
            opened_at=NOW,
            closes_at=NOW + WINDOW,
            **extra,
        )


async def _count_rounds(db: Database) -> int:
    async with db.engine.connect() as connection:
        return int((await connection.exec_driver_sql("SELECT COUNT(*) FROM rounds")).scalar_one())


async def test_opening_the_same_period_twice_gives_one_round(
    db: Database, community: Community
) -> None:
    first, created_first = await _open(db, community, eligible_members=40)
    second, created_second = await _open(db, community)
    assert (created_first, created_second) == (True, False)
    assert second == first
    assert first.status is RoundStatus.OPEN and first.eligible_members == 40
    assert await _count_rounds(db) == 1


async def test_two_concurrent_opens_give_one_round(db: Database, community: Community) -> None:
    results = await asyncio.gather(*(_open(db, community) for _ in range(2)))
    assert results[0][0] == results[1][0]
    assert sorted(created for _, created in results) == [False, True]
    assert await _count_rounds(db) == 1


async def test_other_periods_kinds_and_patterns_are_other_rounds(
    db: Database, community: Community
) -> None:
    a, _ = await _open(db, community, "2026-11-03")
    b, _ = await _open(db, community, "2026-12-01")
    c, _ = await _open(db, community, "2026-11-03", pattern_slug="shared-harvest")
    async with db.transaction() as session:
        d, created = await Repositories(session).rounds.open_round(
            community.id,
            kind=RoundKind.CHECKIN,
            period="2026-11-03",
            anonymous=False,
            min_respondents=3,
            opened_at=NOW,
            closes_at=NOW + WINDOW,
        )
    assert created and len({a.id, b.id, c.id, d.id}) == 4
    assert d.anonymous is False and d.kind is RoundKind.CHECKIN


async def test_a_round_must_close_after_it_opens(db: Database, community: Community) -> None:
    async with db.transaction() as session:
        with pytest.raises(ValueError):
            await Repositories(session).rounds.open_round(
                community.id,
                kind=RoundKind.SURVEY,
                period="p",
                anonymous=True,
                min_respondents=3,
                opened_at=NOW,
                closes_at=NOW,
            )


async def test_close_happens_once(db: Database, community: Community) -> None:
    round_, _ = await _open(db, community)
    closed_at = NOW + WINDOW
    async with db.transaction() as session:
        rounds = Repositories(session).rounds
        assert await rounds.close(community.id, round_.id, at=closed_at) is True
        assert await rounds.close(community.id, round_.id, at=closed_at + WINDOW) is False
        assert await rounds.mark_missed(community.id, round_.id, at=closed_at) is False
        stored = await rounds.get(community.id, round_.id)
    assert stored is not None
    assert stored.status is RoundStatus.CLOSED and stored.closed_at == closed_at
    async with db.session() as session:
        assert await Repositories(session).rounds.list_open(community.id) == []


async def test_mark_missed_and_recording_a_missed_period(
    db: Database, community: Community
) -> None:
    round_, _ = await _open(db, community)
    async with db.transaction() as session:
        rounds = Repositories(session).rounds
        assert await rounds.mark_missed(community.id, round_.id, at=NOW + WINDOW) is True
        missed = await rounds.get(community.id, round_.id)
    assert missed is not None and missed.status is RoundStatus.MISSED
    never_run, created = await _open(db, community, "2026-12-01", status=RoundStatus.MISSED)
    assert created and never_run.status is RoundStatus.MISSED


async def test_reminder_is_noted_once(db: Database, community: Community) -> None:
    round_, _ = await _open(db, community)
    async with db.transaction() as session:
        rounds = Repositories(session).rounds
        assert await rounds.set_reminded(community.id, round_.id, at=NOW + timedelta(days=3))
        assert not await rounds.set_reminded(community.id, round_.id, at=NOW + timedelta(days=4))
        stored = await rounds.get(community.id, round_.id)
    assert stored is not None and stored.reminded_at == NOW + timedelta(days=3)


async def test_message_ids_are_kept(db: Database, community: Community) -> None:
    round_, _ = await _open(db, community)
    async with db.transaction() as session:
        rounds = Repositories(session).rounds
        placed = await rounds.set_message(
            community.id,
            round_.id,
            channel_id=1_100_000_000_000_000_001,
            message_id=1_100_000_000_000_000_002,
            thread_id=1_100_000_000_000_000_003,
        )
        assert await rounds.set_eligible_members(community.id, round_.id, 25)
    async with db.session() as session:
        stored = await Repositories(session).rounds.get(community.id, round_.id)
    assert stored is not None
    assert (stored.channel_id, stored.message_id, stored.thread_id) == (
        1_100_000_000_000_000_001,
        1_100_000_000_000_000_002,
        1_100_000_000_000_000_003,
    )
    assert stored.eligible_members == 25
    # What placing it hands back is the round as stored then, before the count was set.
    assert placed == replace(stored, eligible_members=round_.eligible_members)


async def test_the_open_rounds_never_posted_of_every_community(
    db: Database, community: Community, other_community: Community
) -> None:
    posted, _ = await _open(db, community)
    unposted, _ = await _open(db, community, "2026-11-10")
    theirs, _ = await _open(db, other_community)
    ended, _ = await _open(db, other_community, "2026-10-01")
    async with db.transaction() as session:
        rounds = Repositories(session).rounds
        await rounds.set_message(
            community.id, posted.id, channel_id=11, message_id=12, thread_id=None
        )
        await rounds.close(other_community.id, ended.id, at=NOW)
        listed = await rounds.list_unposted()
    # What a restart posts late: never a posted round again, nor one already over.
    assert {r.id for r in listed} == {unposted.id, theirs.id}


async def test_open_rounds_per_community_all_and_their_times(
    db: Database, community: Community, other_community: Community
) -> None:
    mine, _ = await _open(db, community)
    theirs, _ = await _open(db, other_community)
    closed, _ = await _open(db, community, "2026-10-01")
    async with db.transaction() as session:
        rounds = Repositories(session).rounds
        await rounds.close(community.id, closed.id, at=NOW)
        await rounds.set_reminded(community.id, mine.id, at=NOW + timedelta(hours=1))
        assert [r.id for r in await rounds.list_open(community.id)] == [mine.id]
        assert {r.id for r in await rounds.list_all_open()} == {mine.id, theirs.id}
        times = {t.round_id: t for t in await rounds.list_open_times()}
    # What the scheduler's due work reads: each open round's times and guild.
    assert times.keys() == {mine.id, theirs.id}
    assert (times[mine.id].community_id, times[mine.id].guild_id) == (community.id, 1001)
    assert times[theirs.id].guild_id == 2002
    assert (times[mine.id].opened_at, times[mine.id].closes_at) == (mine.opened_at, mine.closes_at)
    assert times[mine.id].reminded_at == NOW + timedelta(hours=1)
    assert times[theirs.id].reminded_at is None


async def test_list_recent_is_newest_first(db: Database, community: Community) -> None:
    ids = []
    for month in (9, 10, 11):
        async with db.transaction() as session:
            opened = NOW.replace(month=month)
            round_, _ = await Repositories(session).rounds.open_round(
                community.id,
                kind=RoundKind.SURVEY,
                period=f"2026-{month:02d}-03",
                anonymous=True,
                min_respondents=3,
                opened_at=opened,
                closes_at=opened + WINDOW,
            )
            ids.append(round_.id)
    async with db.session() as session:
        recent = await Repositories(session).rounds.list_recent(community.id, limit=2)
        checkins = await Repositories(session).rounds.list_recent(
            community.id, kind=RoundKind.CHECKIN
        )
    assert [r.id for r in recent] == [ids[2], ids[1]]
    assert checkins == []


async def test_latest_openings_give_each_schedules_newest_round_whatever_its_status(
    db: Database, community: Community, other_community: Community
) -> None:
    """What a restart compares with every schedule at once, to find the runs it slept through."""
    september, october = NOW.replace(month=9), NOW.replace(month=10)
    opened = [
        (community, RoundKind.SURVEY, "", october, RoundStatus.MISSED),
        (community, RoundKind.SURVEY, "", september, RoundStatus.OPEN),
        (community, RoundKind.SURVEY, "p", NOW, RoundStatus.OPEN),
        (community, RoundKind.CHECKIN, "", september, RoundStatus.OPEN),
        (other_community, RoundKind.SURVEY, "", NOW, RoundStatus.OPEN),
    ]
    async with db.transaction() as session:
        rounds = Repositories(session).rounds
        for owner, kind, slug, at, status in opened:
            await rounds.open_round(
                owner.id,
                kind=kind,
                period=at.date().isoformat(),
                anonymous=True,
                min_respondents=3,
                opened_at=at,
                closes_at=at + WINDOW,
                pattern_slug=slug,
                status=status,
            )
    async with db.session() as session:
        latest = await Repositories(session).rounds.latest_openings()
    assert latest == {
        (community.id, RoundKind.SURVEY, ""): october,
        (community.id, RoundKind.SURVEY, "p"): NOW,
        (community.id, RoundKind.CHECKIN, ""): september,
        (other_community.id, RoundKind.SURVEY, ""): NOW,
    }
    assert all(moment.tzinfo is not None for moment in latest.values())

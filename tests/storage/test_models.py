"""Timestamps come back timezone-aware in UTC, whatever offset they went in with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError
from storage_support import NOW

from vitalitybot.domain.records import Community, DeliveryStatus
from vitalitybot.storage import Database, Repositories
from vitalitybot.storage.model_base import NAMING_CONVENTION, Base

BERLIN_WINTER = timezone(timedelta(hours=1))


async def test_aware_datetimes_round_trip_as_utc(db: Database) -> None:
    created_at = datetime(2026, 11, 3, 10, 30, 15, 123456, tzinfo=BERLIN_WINTER)
    async with db.transaction() as session:
        await Repositories(session).communities.get_or_create(7, "Farmers", at=created_at)
    await db.engine.dispose()  # read back on a fresh connection, not from any cache
    async with db.session() as session:
        [community] = await Repositories(session).communities.list_for_guild(7)
    assert community.created_at.tzinfo is UTC
    assert community.created_at == created_at  # the same instant
    assert community.created_at.hour == 9 and community.created_at.microsecond == 123456


async def test_timestamps_are_stored_in_utc(db: Database) -> None:
    async with db.transaction() as session:
        await Repositories(session).communities.get_or_create(
            7, "Farmers", at=datetime(2026, 11, 3, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
        )
    async with db.engine.connect() as connection:
        raw = (await connection.exec_driver_sql("SELECT created_at FROM communities")).scalar_one()
    assert str(raw).startswith("2026-11-04 04:30:00")


async def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        async with db.transaction() as session:
            await Repositories(session).communities.get_or_create(
                7, "Farmers", at=datetime(2026, 11, 3, 10, 0)
            )


async def test_comparisons_across_offsets_use_the_instant(
    db: Database, community: Community
) -> None:
    async with db.transaction() as session:  # posted at NOW, in UTC
        await Repositories(session).deliveries.record(
            community.id, kind="round", status=DeliveryStatus.SENT, at=NOW
        )
    now_in_tokyo = NOW.astimezone(timezone(timedelta(hours=9)))
    async with db.session() as session:
        deliveries = Repositories(session).deliveries
        assert await deliveries.count(community.id, since=now_in_tokyo) == 1
        just_after = now_in_tokyo + timedelta(seconds=1)
        assert await deliveries.count(community.id, since=just_after) == 0


def test_every_constraint_and_index_has_a_conventional_name() -> None:
    prefixes = tuple(f"{key}_" for key in NAMING_CONVENTION)
    for table in Base.metadata.tables.values():
        names = [c.name for c in table.constraints] + [i.name for i in table.indexes]
        for name in names:
            assert isinstance(name, str) and name.startswith(prefixes), (table.name, name)

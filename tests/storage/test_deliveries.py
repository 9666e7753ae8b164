"""Deliveries: each attempt to post is logged, failures can be counted."""

from __future__ import annotations

from datetime import timedelta

from storage_support import NOW, MakeRound

from vitalitybot.domain.records import Community, DeliveryStatus
from vitalitybot.storage import Database, Repositories


async def test_deliveries_are_logged_newest_first_and_counted(
    db: Database, community: Community, other_community: Community, make_round: MakeRound
) -> None:
    round_, _ = await make_round(community)
    async with db.transaction() as session:
        deliveries = Repositories(session).deliveries
        sent = await deliveries.record(
            community.id, kind="round-open", status=DeliveryStatus.SENT, at=NOW, round_id=round_.id
        )
        failed = await deliveries.record(
            community.id,
            kind="reminder",
            status=DeliveryStatus.FAILED,
            at=NOW + timedelta(hours=1),
            error="403 Missing Access",
        )
        await deliveries.record(
            other_community.id, kind="reminder", status=DeliveryStatus.FAILED, at=NOW
        )
    async with db.session() as session:
        deliveries = Repositories(session).deliveries
        assert await deliveries.list_recent(community.id) == [failed, sent]
        assert await deliveries.list_recent(community.id, status=DeliveryStatus.FAILED) == [failed]
        assert await deliveries.count(community.id, status=DeliveryStatus.FAILED) == 1
        assert await deliveries.count(community.id, since=NOW + timedelta(minutes=1)) == 1
    assert failed.error == "403 Missing Access" and sent.round_id == round_.id


async def test_deleting_a_round_keeps_its_delivery_log(
    db: Database, community: Community, make_round: MakeRound
) -> None:
    round_, _ = await make_round(community)
    async with db.transaction() as session:
        await Repositories(session).deliveries.record(
            community.id, kind="round-open", status=DeliveryStatus.SENT, at=NOW, round_id=round_.id
        )
    async with db.engine.begin() as connection:
        await connection.exec_driver_sql(f"DELETE FROM rounds WHERE id = {round_.id}")
    async with db.session() as session:
        (entry,) = await Repositories(session).deliveries.list_recent(community.id)
    assert entry.round_id is None

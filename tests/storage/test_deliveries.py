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


async def test_each_failure_is_taken_once_newest_kept_and_told_in_order(
    db: Database, community: Community, other_community: Community
) -> None:
    async with db.transaction() as session:
        deliveries = Repositories(session).deliveries
        for hour in range(4):
            await deliveries.record(
                community.id,
                kind="results",
                status=DeliveryStatus.FAILED,
                at=NOW + timedelta(hours=hour),
                error=f"failure {hour}",
            )
        await deliveries.record(community.id, kind="round", status=DeliveryStatus.SENT, at=NOW)
        await deliveries.record(
            other_community.id, kind="round", status=DeliveryStatus.FAILED, at=NOW, error="other"
        )
    told_at = NOW + timedelta(days=1)

    async with db.transaction() as session:
        first = await Repositories(session).deliveries.take_unreported(
            community.id, at=told_at, limit=3
        )
    async with db.transaction() as session:
        deliveries = Repositories(session).deliveries
        again = await deliveries.take_unreported(community.id, at=told_at, limit=3)
        others = await deliveries.take_unreported(other_community.id, at=told_at, limit=3)
        still_listed = await deliveries.list_recent(community.id, status=DeliveryStatus.FAILED)

    assert [d.error for d in first] == ["failure 1", "failure 2", "failure 3"]
    assert again == []  # the oldest, left out of the reply, was marked told as well
    assert [d.error for d in others] == ["other"]
    assert len(still_listed) == 4  # telling does not hide them from the status list

"""Migration 0006 upgrades a database in use at 0005: the deliveries log becomes the
outbox, every logged delivery kept as it was, and nothing waiting to be sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from vitalitybot.domain.records import DeliveryStatus
from vitalitybot.storage import Database, Repositories, downgrade, head_revision, upgrade

AT = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


async def _at_0005_in_use(db: Database) -> None:
    await downgrade(db, "0005")
    async with db.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO communities (id, guild_id, name, timezone, threshold, min_respondents,"
                " max_items, anonymous, created_at, who_commits) VALUES"
                " (1, 77, 'Nurses', 'Europe/Berlin', 0.4, 5, 8, TRUE, :at, 'coordinators')"
            ),
            {"at": AT},
        )
        await connection.execute(
            text(
                "INSERT INTO rounds (id, community_id, kind, pattern_slug, period, status,"
                " anonymous, min_respondents, opened_at, closes_at, closed_at) VALUES"
                " (1, 1, 'survey', '', '2026-11-03', 'closed', TRUE, 5, :at, :at, :at)"
            ),
            {"at": AT},
        )
        await connection.execute(
            text(
                # No ids given: the rows take theirs from the table's own sequence, as
                # the bot's rows did, so rows added after the upgrade do not collide.
                "INSERT INTO deliveries (community_id, round_id, kind, status, error,"
                " created_at, reported_at) VALUES"
                " (1, 1, 'round', 'sent', NULL, :at, NULL),"
                " (1, 1, 'results', 'failed', '403 Missing Permissions', :at, NULL)"
            ),
            {"at": AT},
        )


async def test_upgrading_from_0005_keeps_the_log_and_the_unreported_failure(db: Database) -> None:
    await _at_0005_in_use(db)

    assert await upgrade(db) == head_revision()

    async with db.transaction() as session:
        repos = Repositories(session)
        logged = await repos.deliveries.list_recent(1)
        assert await repos.outbox.oldest(1) is None  # nothing was waiting before
        # The coordinator is still told of the failure logged before the upgrade, once.
        told = await repos.deliveries.take_unreported(1, at=AT, limit=5)
        # The upgraded table takes a post to send.
        added = await repos.outbox.add(
            1, kind="results", payload="{}", at=AT + timedelta(hours=1), round_id=1
        )
        waiting = await repos.outbox.oldest(1)
    assert sorted((d.id, d.kind, d.status) for d in logged) == [
        (1, "round", DeliveryStatus.SENT),
        (2, "results", DeliveryStatus.FAILED),
    ]
    assert [d.error for d in told] == ["403 Missing Permissions"]
    assert waiting is not None and (waiting.id, waiting.attempts) == (added, 0)
    async with db.session() as session:
        attempts = list(await session.execute(text("SELECT id, attempts FROM deliveries")))
    assert sorted(tuple(row) for row in attempts) == [(1, 1), (2, 1), (added, 0)]


async def test_downgrading_to_0005_marks_posts_still_waiting_as_failed(db: Database) -> None:
    await _at_0005_in_use(db)
    await upgrade(db)
    async with db.transaction() as session:
        await Repositories(session).outbox.add(1, kind="results", payload="{}", at=AT, round_id=1)

    await downgrade(db, "0005")

    async with db.session() as session:
        statuses = list(await session.execute(text("SELECT id, status FROM deliveries")))
    assert sorted(tuple(row) for row in statuses) == [(1, "sent"), (2, "failed"), (3, "failed")]
    assert await upgrade(db) == head_revision()

"""Migration 0005 upgrades a database in use at 0004: everything kept, commitments empty."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from vitalitybot.domain.records import CommitmentStatus, WhoCommits
from vitalitybot.storage import Database, Repositories, downgrade, head_revision, upgrade

AT = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


async def _at_0004_in_use(db: Database) -> None:
    await downgrade(db, "0004")
    async with db.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO communities (id, guild_id, name, timezone, threshold, min_respondents,"
                " max_items, anonymous, created_at) VALUES"
                " (1, 77, 'Nurses', 'Europe/Berlin', 0.4, 5, 8, TRUE, :at)"
            ),
            {"at": AT},
        )
        await connection.execute(
            text(
                "INSERT INTO rounds (id, community_id, kind, pattern_slug, period, status,"
                " anonymous,"
                " min_respondents, opened_at, closes_at, closed_at) VALUES"
                " (1, 1, 'survey', '', '2026-11-03', 'closed', TRUE, 5, :at, :at, :at)"
            ),
            {"at": AT},
        )
        await connection.execute(
            text(
                "INSERT INTO scores (id, round_id, pattern_slug, sign_id, n, mean, share_high,"
                " crossed) VALUES (1, 1, 'p', 's1', 6, 3.9, 0.66, TRUE)"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO suggestions (id, community_id, round_id, pattern_slug, sign_id, kind,"
                " posted_at) VALUES (1, 1, 1, 'p', 's1', 'remedy', :at)"
            ),
            {"at": AT},
        )


async def test_upgrading_from_0004_keeps_every_row_and_starts_with_no_commitments(
    db: Database,
) -> None:
    await _at_0004_in_use(db)

    assert await upgrade(db) == head_revision()

    async with db.transaction() as session:
        repos = Repositories(session)
        community = await repos.communities.get(1)
        suggestions = await repos.outcomes.list_suggestions(1)
        scores = await repos.outcomes.list_scores(1, 1)
        assert await repos.commitments.recent(1) == []
        # The new table takes a commitment answering the suggestion made before the upgrade.
        made = await repos.commitments.add(
            1,
            text="Pin one guide a month",
            at=AT,
            pattern_slug="p",
            sign_ids=["s1"],
            round_id=1,
            suggestion_id=1,
        )
    assert community is not None
    assert (community.name, community.threshold, community.who_commits) == (
        "Nurses",
        0.4,
        WhoCommits.COORDINATORS,
    )
    assert [(s.id, s.sign_id, s.acknowledged_at) for s in suggestions] == [(1, "s1", None)]
    assert [(s.sign_id, s.n, s.crossed) for s in scores] == [("s1", 6, True)]
    assert made.status is CommitmentStatus.OPEN


async def test_downgrading_to_0004_and_back_keeps_the_older_tables(db: Database) -> None:
    await _at_0004_in_use(db)
    await upgrade(db)
    await downgrade(db, "0004")
    assert await upgrade(db) == head_revision()
    async with db.transaction() as session:
        assert len(await Repositories(session).outcomes.list_suggestions(1)) == 1

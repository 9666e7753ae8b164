"""The Alembic migrations build exactly the schema the models describe, both ways."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy import Column, Integer, MetaData, inspect
from sqlalchemy.engine import Connection

from vitalitybot.storage import (
    Database,
    Repositories,
    current,
    downgrade,
    head_revision,
    open_database,
    upgrade,
)
from vitalitybot.storage.migrate import MigrationsNotFoundError, migrations_dir
from vitalitybot.storage.models import Base

HEAD = "0007"

TABLES = {
    "communities",
    "adopted_patterns",
    "schedules",
    "rounds",
    "questions",
    "respondents",
    "answers",
    "scores",
    "suggestions",
    "member_prefs",
    "harvests",
    "deliveries",
    "commitments",
    "commitment_signs",
    "servers",
}


async def _diff(db: Database, metadata: MetaData = Base.metadata) -> list[Any]:
    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with db.engine.connect() as connection:
        return await connection.run_sync(compare)


async def _tables(db: Database) -> set[str]:
    async with db.engine.connect() as connection:
        return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))


async def test_head_is_the_latest_revision_and_upgrade_reaches_it(db: Database) -> None:
    assert head_revision() == HEAD
    assert await current(db) == HEAD
    assert await _tables(db) >= TABLES


async def test_migrated_schema_matches_the_models(db: Database) -> None:
    assert await _diff(db) == []


async def test_the_comparison_would_notice_a_model_change(db: Database) -> None:
    # Guard against a comparison that always comes back empty.
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["rounds"].append_column(Column("mood", Integer, nullable=True))
    diff = await _diff(db, changed)
    assert [entry[0] for entry in diff] == ["add_column"]
    assert diff[0][3].name == "mood"


async def test_downgrade_to_base_then_upgrade_again(db: Database) -> None:
    assert await downgrade(db, "base") is None
    assert await _tables(db) & TABLES == set()
    assert await upgrade(db) == HEAD
    assert await _diff(db) == []


async def test_upgrading_an_upgraded_database_changes_nothing(db: Database) -> None:
    assert await upgrade(db) == HEAD
    assert await _diff(db) == []


async def test_upgrade_by_url_creates_the_file_and_its_folder(tmp_path: Any) -> None:
    path = tmp_path / "new" / "nested" / "bot.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    assert await upgrade(url) == HEAD  # runs here, inside the test's event loop
    assert path.is_file()
    database = open_database(url)
    try:
        assert await current(database) == HEAD
        assert await _diff(database) == []
    finally:
        await database.dispose()


async def test_upgrading_from_0001_keeps_the_deliveries_and_marks_old_failures_told(
    db: Database,
) -> None:
    # A database as a bot at revision 0001 left it: a community, a sent and a failed post.
    await downgrade(db, "0001")
    async with db.engine.begin() as connection:
        await connection.exec_driver_sql(
            "INSERT INTO communities (id, guild_id, name, timezone, threshold, min_respondents,"
            " max_items, anonymous, secret, created_at) VALUES (1, 77, 'CoP', 'UTC', 0.5, 3,"
            " 8, TRUE, 'salt', '2026-11-03 09:00:00')"
        )
        await connection.exec_driver_sql(
            "INSERT INTO deliveries (id, community_id, kind, status, error, created_at) VALUES"
            " (1, 1, 'round', 'sent', NULL, '2026-11-03 09:00:00'),"
            " (2, 1, 'results', 'failed', '403 Missing Access', '2026-11-08 09:00:00')"
        )

    assert await upgrade(db) == HEAD

    async with db.transaction() as session:
        deliveries = Repositories(session).deliveries
        kept = await deliveries.list_recent(1)
        untold = await deliveries.take_unreported(1, at=datetime.now(UTC), limit=5)
    assert [(d.id, d.kind, d.status.value, d.error) for d in kept] == [
        (2, "results", "failed", "403 Missing Access"),
        (1, "round", "sent", None),
    ]
    assert untold == []  # told (or lost) before the upgrade: no backlog for the coordinator
    assert await _diff(db) == []


async def test_upgrading_from_0002_gives_each_round_the_minimum_it_was_shown_under(
    db: Database,
) -> None:
    # Before 0003 a round had no minimum of its own and an anonymous community could be
    # set to 1: an anonymous one at 1 and a named one at 2, with open and closed rounds
    # (one anonymous round in the named community, from before it turned named).
    await downgrade(db, "0002")
    async with db.engine.begin() as connection:
        await connection.exec_driver_sql(
            "INSERT INTO communities (id, guild_id, name, timezone, threshold, min_respondents,"
            " max_items, anonymous, secret, created_at) VALUES"
            " (1, 77, 'Anon', 'UTC', 0.5, 1, 8, TRUE, 'salt', '2026-11-03 09:00:00'),"
            " (2, 78, 'Named', 'UTC', 0.5, 2, 8, FALSE, 'salt', '2026-11-03 09:00:00')"
        )
        await connection.exec_driver_sql(
            "INSERT INTO rounds (id, community_id, kind, pattern_slug, period, status, anonymous,"
            " opened_at, closes_at) VALUES"
            " (1, 1, 'survey', '*', '2026-11', 'closed', TRUE, '2026-11-03', '2026-11-08'),"
            " (2, 1, 'survey', '*', '2026-12', 'open', TRUE, '2026-12-01', '2026-12-06'),"
            " (3, 2, 'survey', '*', '2026-10', 'closed', TRUE, '2026-10-06', '2026-10-11'),"
            " (4, 2, 'checkin', '*', '2026-11', 'closed', FALSE, '2026-11-03', '2026-11-08'),"
            " (5, 2, 'survey', '*', '2026-12', 'open', FALSE, '2026-12-01', '2026-12-06')"
        )
        await connection.exec_driver_sql(
            "INSERT INTO questions (id, round_id, position, kind, pattern_slug, sign_id, text)"
            " VALUES (1, 1, 1, 'decay', 'p', 's', 'Is it quiet?')"
        )
        await connection.exec_driver_sql(
            "INSERT INTO answers (id, round_id, question_id, respondent_key, member_id, value,"
            " text, shared, answered_at) VALUES (1, 1, 1, 'k1', NULL, 4, NULL, FALSE,"
            " '2026-11-04 10:00:00')"
        )
        await connection.exec_driver_sql(
            "INSERT INTO scores (id, round_id, pattern_slug, sign_id, n, mean, share_high,"
            " crossed) VALUES (1, 1, 'p', 's', 1, 4.0, 1.0, FALSE)"
        )

    assert await upgrade(db, "0003") == "0003"

    async with db.engine.connect() as connection:
        communities = (
            await connection.exec_driver_sql(
                "SELECT id, min_respondents, anonymous FROM communities ORDER BY id"
            )
        ).all()
        rounds = (
            await connection.exec_driver_sql(
                "SELECT id, status, min_respondents FROM rounds ORDER BY id"
            )
        ).all()
        kept = (
            await connection.exec_driver_sql(
                "SELECT (SELECT value FROM answers WHERE id = 1),"
                " (SELECT n FROM scores WHERE id = 1), (SELECT text FROM questions WHERE id = 1)"
            )
        ).one()
    # The anonymous community is raised to the floor; the named one keeps its 2.
    assert [(c[0], c[1], bool(c[2])) for c in communities] == [(1, 3, True), (2, 2, False)]
    # Each round takes its community's minimum, an anonymous round never under 3.
    assert [tuple(r) for r in rounds] == [
        (1, "closed", 3),
        (2, "open", 3),
        (3, "closed", 3),
        (4, "closed", 2),
        (5, "open", 2),
    ]
    assert tuple(kept) == (4, 1, "Is it quiet?")


def test_migrations_folder_is_found_from_the_package() -> None:
    folder = migrations_dir()
    assert (folder / "env.py").is_file()
    assert (folder / "versions" / "0001_initial.py").is_file()


def test_a_missing_migrations_folder_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(
        "vitalitybot.storage.migrate.shipped_migrations_dir", lambda: tmp_path / "nowhere"
    )
    with pytest.raises(MigrationsNotFoundError, match="reinstall"):
        migrations_dir()


async def test_upgrade_without_migrations_creates_no_database_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(
        "vitalitybot.storage.migrate.shipped_migrations_dir", lambda: tmp_path / "nowhere"
    )
    path = tmp_path / "bot.sqlite3"
    with pytest.raises(MigrationsNotFoundError):
        await upgrade(f"sqlite+aiosqlite:///{path}")
    assert list(tmp_path.iterdir()) == []


async def test_a_failed_upgrade_removes_the_database_file_it_created(tmp_path: Any) -> None:
    path = tmp_path / "bot.sqlite3"
    with pytest.raises(CommandError, match="9999"):
        await upgrade(f"sqlite+aiosqlite:///{path}", "9999")
    assert list(tmp_path.iterdir()) == []  # no empty database, no -wal or -shm beside it


async def test_a_failed_upgrade_keeps_a_database_that_was_there(tmp_path: Any) -> None:
    path = tmp_path / "bot.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url, "0001")
    with pytest.raises(CommandError, match="9999"):
        await upgrade(url, "9999")
    assert await current(url) == "0001"

"""The engine: SQLite pragmas on every connection, folders created, data kept across restarts."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from storage_support import NOW, MakeRound

from vitalitybot.domain.records import AnswerInput, Community, RoundKind, RoundStatus
from vitalitybot.storage import Database, Repositories, head_revision, open_database, upgrade


async def _pragmas(db: Database) -> dict[str, object]:
    async with db.engine.connect() as connection:
        return {
            name: (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar_one()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }


EXPECTED = {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000, "synchronous": 1}


@pytest.mark.sqlite_only
async def test_pragmas_hold_on_a_brand_new_connection(db: Database) -> None:
    await db.engine.dispose()  # drop pooled connections: the next one is new
    assert await _pragmas(db) == EXPECTED


@pytest.mark.sqlite_only
async def test_pragmas_hold_on_every_connection_of_the_pool(db: Database) -> None:
    # Two connections at once: the second cannot be the first one reused.
    async with db.engine.connect() as first, db.engine.connect() as second:
        for connection in (first, second):
            fks = (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar_one()
            mode = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar_one()
            assert (fks, mode) == (1, "wal")


@pytest.mark.sqlite_only
async def test_migrating_leaves_foreign_keys_on_for_the_connection_it_used(db: Database) -> None:
    await upgrade(db)  # borrows a pooled connection and switches foreign keys off meanwhile
    assert await _pragmas(db) == EXPECTED
    async with db.session() as session:
        with pytest.raises(IntegrityError):
            await Repositories(session).communities.adopt(999, "no-such-community", at=NOW)


async def test_a_missing_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "bot.sqlite3"
    database = open_database(f"sqlite+aiosqlite:///{path}")
    try:
        assert path.parent.is_dir()
        await upgrade(database)
        assert path.is_file()
    finally:
        await database.dispose()


async def test_transaction_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await Repositories(session).communities.get_or_create(5, "Doomed", at=NOW)
            raise RuntimeError("the use-case failed half-way")
    async with db.session() as session:
        assert await Repositories(session).communities.list_for_guild(5) == []


@pytest.mark.sqlite_only
async def test_a_connection_returned_mid_write_is_rolled_back_before_reuse(db: Database) -> None:
    # Written straight through the driver, so SQLAlchemy holds no transaction of its own
    # to roll back: only the pool's reset can end the one sqlite3 opened.
    async with db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        await driver.execute(
            "INSERT INTO communities (guild_id, name, timezone, threshold, min_respondents,"
            " max_items, anonymous, created_at) VALUES (7, 'Left open', 'UTC', 0.5, 5, 8, 1, ?)",
            (NOW.isoformat(),),
        )
        assert driver.in_transaction
    async with db.engine.connect() as reused:
        raw = await reused.get_raw_connection()
        assert raw.driver_connection is driver  # the same connection, back from the pool
        assert not driver.in_transaction
    async with db.session() as session:
        assert await Repositories(session).communities.list_for_guild(7) == []
        # and the write lock went with it: another write goes through at once
        await Repositories(session).communities.get_or_create(8, "Next", at=NOW)
        await session.commit()


async def test_a_restart_keeps_everything(
    db: Database, db_url: str, community: Community, make_round: MakeRound
) -> None:
    round_, questions = await make_round(community)
    async with db.transaction() as session:
        repos = Repositories(session)
        await repos.communities.adopt(community.id, "p", at=NOW)
        await repos.communities.update_settings(community.id, threshold=0.7)
        await repos.answers.record(
            community.id, round_.id, "k1", [AnswerInput(questions[0].id, 4)], at=NOW
        )
        await repos.rounds.close(community.id, round_.id, at=NOW + timedelta(days=5))
    await db.dispose()

    reopened = open_database(db_url)
    try:
        assert await upgrade(reopened) == head_revision()  # start-up migration is a no-op
        async with reopened.session() as session:
            repos = Repositories(session)
            again = await repos.communities.get(community.id)
            assert again == replace(community, threshold=0.7)
            assert [a.pattern_slug for a in await repos.communities.list_adopted(community.id)] == [
                "p"
            ]
            stored = await repos.rounds.get(community.id, round_.id)
            assert stored is not None and stored.status is RoundStatus.CLOSED
            assert stored.kind is RoundKind.SURVEY
            assert await repos.rounds.list_questions(community.id, round_.id) == questions
            answers = await repos.answers.list_answers(community.id, round_.id)
            assert [(a.respondent_key, a.value) for a in answers] == [("k1", 4)]
    finally:
        await reopened.dispose()


async def test_two_databases_migrated_at_once_stay_separate(tmp_path: Path) -> None:
    first = open_database(f"sqlite+aiosqlite:///{tmp_path / 'one.sqlite3'}")
    second = open_database(f"sqlite+aiosqlite:///{tmp_path / 'two.sqlite3'}")
    try:
        await asyncio.gather(upgrade(first), upgrade(second))
        async with first.transaction() as session:
            await Repositories(session).communities.get_or_create(1, "Only in one", at=NOW)
        async with second.session() as session:
            assert await Repositories(session).communities.list_all() == []
    finally:
        await first.dispose()
        await second.dispose()


async def test_a_commit_tells_its_listeners_which_tables_it_wrote(db: Database) -> None:
    told: list[frozenset[str]] = []
    stop = db.changes.listen(told.append)
    async with db.transaction() as session:
        created, _ = await Repositories(session).communities.get_or_create(7, "Told", at=NOW)
    async with db.transaction() as session:  # reading writes nothing: nobody is told
        await Repositories(session).rounds.list_all_open()
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:  # rolled back: nothing happened
            await Repositories(session).communities.get_or_create(8, "Doomed", at=NOW)
            raise RuntimeError("the use-case failed half-way")
    async with db.transaction() as session:
        await Repositories(session).rounds.open_round(
            created.id,
            kind=RoundKind.CHECKIN,
            period="p",
            anonymous=True,
            min_respondents=3,
            opened_at=NOW,
            closes_at=NOW + timedelta(days=1),
        )
    stop()
    async with db.transaction() as session:  # no longer listening
        await Repositories(session).communities.get_or_create(9, "Unheard", at=NOW)
    assert told == [frozenset({"communities"}), frozenset({"rounds"})]


async def test_a_failing_listener_neither_fails_the_commit_nor_silences_the_others(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    told: list[frozenset[str]] = []

    def broken(_tables: frozenset[str]) -> None:
        raise RuntimeError("the listener broke")

    db.changes.listen(broken)
    db.changes.listen(told.append)
    async with db.transaction() as session:
        await Repositories(session).communities.get_or_create(7, "Kept", at=NOW)
    async with db.session() as session:
        assert [c.name for c in await Repositories(session).communities.list_for_guild(7)] == [
            "Kept"
        ]
    assert told == [frozenset({"communities"})]
    assert "a commit listener failed" in caplog.text

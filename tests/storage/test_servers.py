"""Server settings: every default until changed, one setting changed at a time, and the
servers that chose a digest channel found without reading the others."""

from __future__ import annotations

from datetime import timedelta

from storage_support import NOW

from vitalitybot.domain.records import Server
from vitalitybot.storage import Database, Repositories

GUILD = 1001


async def test_a_server_that_never_changed_anything_reads_as_the_defaults(db: Database) -> None:
    async with db.transaction() as session:
        server = await Repositories(session).servers.get(GUILD)
        assert await Repositories(session).servers.list_with_digest() == []
    assert server == Server(GUILD, sponsor_role_id=None, digest_channel_id=None)
    assert server.digest_period is None
    async with db.engine.connect() as connection:
        rows = (await connection.exec_driver_sql("SELECT COUNT(*) FROM servers")).scalar_one()
    assert rows == 0  # reading creates nothing


async def test_update_creates_the_row_then_changes_only_what_is_given(db: Database) -> None:
    async with db.transaction() as session:
        created = await Repositories(session).servers.update(
            GUILD, at=NOW, sponsor_role_id=555_000_000_000_000_001
        )
    async with db.transaction() as session:
        changed = await Repositories(session).servers.update(
            GUILD,
            at=NOW + timedelta(days=1),
            digest_channel_id=444_000_000_000_000_002,
            digest_period="2026-Q4",
        )
    async with db.transaction() as session:
        cleared = await Repositories(session).servers.update(
            GUILD, at=NOW + timedelta(days=2), sponsor_role_id=None
        )
    async with db.session() as session:
        reread = await Repositories(session).servers.get(GUILD)
    assert created == Server(GUILD, sponsor_role_id=555_000_000_000_000_001)
    assert changed == Server(
        GUILD,
        sponsor_role_id=555_000_000_000_000_001,  # kept: not given
        digest_channel_id=444_000_000_000_000_002,
        digest_period="2026-Q4",
    )
    assert (
        cleared
        == reread
        == Server(GUILD, digest_channel_id=444_000_000_000_000_002, digest_period="2026-Q4")
    )


async def test_servers_are_kept_apart(db: Database) -> None:
    async with db.transaction() as session:
        await Repositories(session).servers.update(GUILD, at=NOW, sponsor_role_id=1)
        await Repositories(session).servers.update(2002, at=NOW, sponsor_role_id=2)
    async with db.session() as session:
        servers = Repositories(session).servers
        assert (await servers.get(GUILD)).sponsor_role_id == 1
        assert (await servers.get(2002)).sponsor_role_id == 2


async def test_only_the_servers_with_a_digest_channel_are_listed(db: Database) -> None:
    async with db.transaction() as session:
        servers = Repositories(session).servers
        await servers.update(3003, at=NOW, digest_channel_id=33)
        await servers.update(GUILD, at=NOW, digest_channel_id=11, digest_period="2026-Q3")
        await servers.update(2002, at=NOW, sponsor_role_id=22)  # a sponsor, no digest
        await servers.update(4004, at=NOW, digest_channel_id=44)
        await servers.update(4004, at=NOW, digest_channel_id=None)  # turned off again
    async with db.session() as session:
        listed = await Repositories(session).servers.list_with_digest()
    assert listed == [
        Server(GUILD, digest_channel_id=11, digest_period="2026-Q3"),
        Server(3003, digest_channel_id=33),
    ]

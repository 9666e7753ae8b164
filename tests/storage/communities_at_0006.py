"""A database as a bot at migration 0006 left it, for the upgrade tests of 0007: two
servers, each with one community and rows in every table that hangs off a community.

Filled with raw SQL, since the models describe the newer schema. No row is given an id,
so each takes the next from its table's own sequence (on PostgreSQL too), as the bot's
rows did, and rows added after the upgrade do not collide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from vitalitybot.domain.records import WhoCommits
from vitalitybot.storage import Database, downgrade

AT = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
MEMBER = 900_000_000_000_000_001

# The tables that hang off a community, and how each row is traced to its community.
OWNED = {
    "adopted_patterns": "community_id",
    "schedules": "community_id",
    "rounds": "community_id",
    "questions": "(SELECT community_id FROM rounds WHERE rounds.id = round_id)",
    "respondents": "(SELECT community_id FROM rounds WHERE rounds.id = round_id)",
    "answers": "(SELECT community_id FROM rounds WHERE rounds.id = round_id)",
    "scores": "(SELECT community_id FROM rounds WHERE rounds.id = round_id)",
    "suggestions": "community_id",
    "harvests": "community_id",
    "member_prefs": "community_id",
    "commitments": "community_id",
    "commitment_signs": (
        "(SELECT community_id FROM commitments WHERE commitments.id = commitment_id)"
    ),
    "deliveries": "community_id",
}
# The columns communities had at 0006, so a snapshot reads the same on both sides.
COMMUNITY_COLUMNS = (
    "id, guild_id, name, timezone, coordinator_role_id, steward_role_id, channel_id,"
    " threshold, min_respondents, max_items, anonymous, created_at, who_commits"
)


@dataclass(frozen=True)
class Server:
    """A server as 0006 knew it, with the settings of its one community."""

    guild_id: int
    name: str
    channel_id: int
    timezone: str
    threshold: float
    who_commits: WhoCommits


NURSES = Server(77, "Protocol nurses", 4_077, "Europe/Berlin", 0.4, WhoCommits.MEMBERS)
MAINTAINERS = Server(88, "Maintainers", 4_088, "America/Chicago", 0.6, WhoCommits.COORDINATORS)


async def add(connection: AsyncConnection, table: str, **values: Any) -> int:
    """Insert one row, letting the table number it; its id."""
    columns = ", ".join(values)
    params = ", ".join(f":{name}" for name in values)
    inserted = await connection.execute(
        text(f"INSERT INTO {table} ({columns}) VALUES ({params}) RETURNING id"), values
    )
    return int(inserted.scalar_one())


async def populate(connection: AsyncConnection, server: Server) -> int:
    """The server's community with a closed survey and all that came of it; its id."""
    community = await add(
        connection,
        "communities",
        guild_id=server.guild_id,
        name=server.name,
        timezone=server.timezone,
        coordinator_role_id=server.guild_id * 10 + 1,
        steward_role_id=server.guild_id * 10 + 2,
        channel_id=server.channel_id,
        threshold=server.threshold,
        min_respondents=5,
        max_items=6,
        anonymous=True,
        created_at=AT - timedelta(days=90),
        who_commits=server.who_commits.value,
    )
    await add(
        connection, "adopted_patterns", community_id=community, pattern_slug="p", adopted_at=AT
    )
    await add(
        connection,
        "schedules",
        community_id=community,
        kind="survey",
        pattern_slug="",
        cadence="monthly",
        weekday=1,
        day_of_month=None,
        nth=1,
        time_of_day="10:00",
        window_days=5,
        enabled=True,
    )
    closed = AT + timedelta(days=5)
    round_id = await add(
        connection,
        "rounds",
        community_id=community,
        kind="survey",
        pattern_slug="",
        period="2026-11-03",
        status="closed",
        anonymous=True,
        min_respondents=5,
        opened_at=AT,
        closes_at=closed,
        closed_at=closed,
        channel_id=server.channel_id,
        message_id=server.guild_id * 100,
        thread_id=server.guild_id * 100 + 1,
    )
    question = await add(
        connection,
        "questions",
        round_id=round_id,
        position=1,
        kind="decay",
        pattern_slug="p",
        sign_id="s1",
        text="How often do questions go unanswered?",
    )
    for n in range(5):
        key = f"{server.guild_id}-k{n}"
        await add(
            connection,
            "respondents",
            round_id=round_id,
            respondent_key=key,
            status="answered",
            updated_at=closed,
        )
        await add(
            connection,
            "answers",
            round_id=round_id,
            question_id=question,
            respondent_key=key,
            value=1 + n,
            shared=False,
            answered_at=AT,
        )
    await add(
        connection,
        "scores",
        round_id=round_id,
        pattern_slug="p",
        sign_id="s1",
        n=5,
        mean=3.0,
        share_high=0.4,
        crossed=True,
    )
    suggestion = await add(
        connection,
        "suggestions",
        community_id=community,
        round_id=round_id,
        pattern_slug="p",
        sign_id="s1",
        kind="remedy",
        posted_at=closed,
    )
    await add(
        connection,
        "harvests",
        round_id=round_id,
        community_id=community,
        created_at=closed,
        participants=5,
        markdown=f"# What {server.name} said",
    )
    await add(
        connection,
        "member_prefs",
        community_id=community,
        member_id=MEMBER,
        paused=False,
        reminders_off=True,
        updated_at=AT,
    )
    commitment = await add(
        connection,
        "commitments",
        community_id=community,
        round_id=round_id,
        suggestion_id=suggestion,
        pattern_slug="p",
        text="Answer every question within a day",
        status="open",
        created_at=closed,
    )
    await connection.execute(
        text("INSERT INTO commitment_signs (commitment_id, sign_id) VALUES (:c, 's1')"),
        {"c": commitment},
    )
    await add(
        connection,
        "deliveries",
        community_id=community,
        round_id=round_id,
        kind="results",
        status="sent",
        created_at=closed,
        attempts=1,
        message_id=server.guild_id * 100 + 2,
    )
    return community


async def at_0006_in_use(db: Database) -> dict[Server, int]:
    """The two servers' communities, by server."""
    await downgrade(db, "0006")
    async with db.engine.begin() as connection:
        return {server: await populate(connection, server) for server in (NURSES, MAINTAINERS)}


async def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table 0006 had, as stored."""
    tables = {"communities": COMMUNITY_COLUMNS} | dict.fromkeys(OWNED, "*")
    async with db.engine.connect() as connection:
        return {
            table: sorted(
                tuple(row)
                for row in await connection.execute(text(f"SELECT {columns} FROM {table}"))
            )
            for table, columns in tables.items()
        }


async def rows_of(db: Database, community_id: int) -> dict[str, int]:
    """How many rows of each table belong to the community."""
    async with db.engine.connect() as connection:
        return {
            table: (
                await connection.execute(
                    text(f"SELECT COUNT(*) FROM {table} WHERE {owner} = :c"), {"c": community_id}
                )
            ).scalar_one()
            for table, owner in OWNED.items()
        }


async def count(db: Database, sql: str) -> int:
    async with db.engine.connect() as connection:
        return int((await connection.execute(text(sql))).scalar_one())


# What ``populate`` stores for a community, table by table.
POPULATED = {
    "adopted_patterns": 1,
    "schedules": 1,
    "rounds": 1,
    "questions": 1,
    "respondents": 5,
    "answers": 5,
    "scores": 1,
    "suggestions": 1,
    "harvests": 1,
    "member_prefs": 1,
    "commitments": 1,
    "commitment_signs": 1,
    "deliveries": 1,
}

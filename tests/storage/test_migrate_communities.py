"""Migration 0007 upgrades a database in use at 0006, where each server held one community:
each becomes a named community of its server with everything stored under it, and a
server can then take a second one. The way down refuses to choose between communities.

The database at 0006 is filled with raw SQL as a bot of that revision left it: two
servers, each with a community and rows in every table that hangs off a community. No
row is given an id, so each takes the next from its table's own sequence (on
PostgreSQL too), as the bot's rows did, and rows added after the upgrade do not collide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from key_support import TEST_KEYS
from vitalitybot.domain.records import Community, RoundKind, WhoCommits
from vitalitybot.patterns import load_library
from vitalitybot.render.environment import build_environment
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import (
    DiscardingNotifier,
    Place,
    Services,
    WhichCommunity,
    adopt_pattern,
    find_community,
    open_now,
    pause_member,
    setup_community,
)
from vitalitybot.storage import Database, Repositories, current, downgrade, head_revision, upgrade

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


class NoMembers:
    async def eligible_members(self, community: Community) -> list[int]:
        return []


@pytest.fixture
def svc(db: Database, shipped_patterns_dir: Path) -> Services:
    return Services(
        db=db,
        patterns=load_library(shipped_patterns_dir).patterns,
        clock=ManualClock(AT + timedelta(days=30)),
        notifier=DiscardingNotifier(),
        members=NoMembers(),
        env=build_environment(),
        keys=TEST_KEYS,
    )


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


async def test_each_server_keeps_its_community_with_all_its_data(db: Database) -> None:
    ids = await at_0006_in_use(db)
    before = await snapshot(db)

    assert await upgrade(db) == head_revision()

    assert await snapshot(db) == before  # every row kept as it was
    assert await count(db, "SELECT COUNT(*) FROM servers") == 0
    assert await count(db, "SELECT COUNT(*) FROM communities WHERE category_id IS NOT NULL") == 0
    for server, community_id in ids.items():
        async with db.session() as session:
            repos = Repositories(session)
            communities = await repos.communities.list_for_guild(server.guild_id)
            [round_] = await repos.rounds.list_closed(community_id)
            found = await repos.communities.of_round(server.guild_id, round_.id)
            [commitment] = await repos.commitments.recent(community_id)
            harvest = await repos.outcomes.latest_harvest(community_id)
        [community] = communities
        assert (community.id, community.name, community.channel_id) == (
            community_id,
            server.name,
            server.channel_id,
        )
        assert (community.timezone, community.threshold, community.who_commits) == (
            server.timezone,
            server.threshold,
            server.who_commits,
        )
        assert (community.min_respondents, community.max_items) == (5, 6)
        assert community.category_id is None
        assert found == community
        assert commitment.sign_ids == ("s1",)
        assert harvest is not None and harvest.markdown == f"# What {server.name} said"
        assert await rows_of(db, community_id) == POPULATED


async def test_a_server_takes_a_second_community_of_its_own_after_the_upgrade(
    db: Database, svc: Services
) -> None:
    ids = await at_0006_in_use(db)
    await upgrade(db)
    before = await snapshot(db)

    design = await setup_community(svc, NURSES.guild_id, "Design guild", 5_077, "Europe/Lisbon")
    await adopt_pattern(svc, design.id, "cop-commons-alignment")
    await pause_member(svc, design.id, MEMBER)
    survey = await open_now(svc, design.id, RoundKind.SURVEY)

    assert design.id not in ids.values() and design.guild_id == NURSES.guild_id
    own = await rows_of(db, design.id)
    assert (own["adopted_patterns"], own["member_prefs"], own["rounds"]) == (1, 1, 1)
    assert own["schedules"] >= 1  # a first adoption sets up its rituals
    assert own["questions"] >= 1  # the survey asks about the adopted pattern
    assert survey.community_id == design.id
    for community_id in ids.values():  # the upgraded communities are untouched
        assert await rows_of(db, community_id) == POPULATED
    after = await snapshot(db)
    assert [row for row in after["communities"] if row[0] != design.id] == before["communities"]
    # Each channel means its own community; elsewhere in the server, a question.
    nurses = await find_community(svc, Place(NURSES.guild_id, NURSES.channel_id, None))
    assert nurses.id == ids[NURSES]
    assert (await find_community(svc, Place(NURSES.guild_id, 5_077, None))).id == design.id
    with pytest.raises(WhichCommunity):
        await find_community(svc, Place(NURSES.guild_id, 6_000, None))
    maintainers = await find_community(svc, Place(MAINTAINERS.guild_id, 6_000, None))
    assert maintainers.id == ids[MAINTAINERS]  # still its server's only one


async def test_the_way_down_refuses_while_a_server_holds_two_communities(
    db: Database, svc: Services
) -> None:
    await at_0006_in_use(db)
    before = await snapshot(db)
    await upgrade(db)
    design = await setup_community(svc, NURSES.guild_id, "Design guild", 5_077, "UTC")

    with pytest.raises(RuntimeError, match=f"server {NURSES.guild_id} holds several communities"):
        await downgrade(db, "0006")

    assert await current(db) == head_revision()  # nothing was undone
    assert [c.name for c in await communities_of(db, NURSES.guild_id)] == [
        "Design guild",
        "Protocol nurses",
    ]
    async with db.transaction() as session:
        assert await Repositories(session).communities.delete(design.id)
    assert await downgrade(db, "0006") == "0006"
    assert await snapshot(db) == before  # one community per server again: all kept
    assert await upgrade(db) == head_revision()


async def communities_of(db: Database, guild_id: int) -> list[Community]:
    async with db.session() as session:
        return await Repositories(session).communities.list_for_guild(guild_id)

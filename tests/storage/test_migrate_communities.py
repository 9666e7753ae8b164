"""Migration 0007 upgrades a database in use at 0006, where each server held one community:
each becomes a named community of its server with everything stored under it, and a
server can then take a second one. The way down refuses to choose between communities.

The database at 0006 is the one communities_at_0006.py builds.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from communities_at_0006 import (
    AT,
    MAINTAINERS,
    MEMBER,
    NURSES,
    POPULATED,
    at_0006_in_use,
    count,
    rows_of,
    snapshot,
)

from key_support import TEST_KEYS
from vitalitybot.domain.records import Community, RoundKind
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

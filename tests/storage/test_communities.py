"""Communities: several per server, each created once under its name, settings changed one at
a time, patterns adopted, and a round or commitment found only from its own server."""

from __future__ import annotations

import asyncio

import pytest
from storage_support import NOW, MakeRound

from vitalitybot.domain.records import AnswerInput, Community, WhoCommits
from vitalitybot.storage import Database, NotFoundError, Repositories


async def test_get_or_create_creates_a_name_once_per_server(db: Database) -> None:
    async with db.transaction() as session:
        first, created_first = await Repositories(session).communities.get_or_create(
            42, "Maintainers", at=NOW
        )
    async with db.transaction() as session:
        again, created_again = await Repositories(session).communities.get_or_create(
            42, "Maintainers", at=NOW, timezone="Asia/Tokyo"
        )
    assert (created_first, created_again) == (True, False)
    assert again == first  # the existing one, its settings untouched
    assert (first.guild_id, first.name, first.timezone) == (42, "Maintainers", "UTC")


async def test_another_name_in_the_same_server_is_a_second_community(db: Database) -> None:
    async with db.transaction() as session:
        repo = Repositories(session).communities
        security, _ = await repo.get_or_create(42, "CoP security", at=NOW)
        design, created = await repo.get_or_create(42, "CoP design", at=NOW)
        elsewhere, created_elsewhere = await repo.get_or_create(43, "CoP security", at=NOW)
    assert created and created_elsewhere  # a name is only unique within its server
    assert len({security.id, design.id, elsewhere.id}) == 3
    assert (design.guild_id, elsewhere.guild_id) == (42, 43)


async def test_a_server_lists_its_own_communities_by_name(db: Database) -> None:
    async with db.transaction() as session:
        repo = Repositories(session).communities
        for guild, name in [(42, "Security"), (42, "Design"), (43, "Beekeepers"), (42, "Ops")]:
            await repo.get_or_create(guild, name, at=NOW)
    async with db.session() as session:
        repo = Repositories(session).communities
        listed = [c.name for c in await repo.list_for_guild(42)]
        assert await repo.list_for_guild(44) == []
    assert listed == ["Design", "Ops", "Security"]


async def test_a_round_is_found_only_from_the_server_holding_it(
    db: Database, community: Community, other_community: Community, make_round: MakeRound
) -> None:
    round_, _ = await make_round(community)
    async with db.transaction() as session:  # a second community of the same server
        await Repositories(session).communities.get_or_create(
            community.guild_id, "Neighbours", at=NOW
        )
    async with db.session() as session:
        repo = Repositories(session).communities
        assert await repo.of_round(community.guild_id, round_.id) == community
        assert await repo.of_round(other_community.guild_id, round_.id) is None
        assert await repo.of_round(community.guild_id, round_.id + 1000) is None


async def test_a_commitment_is_found_only_from_the_server_that_made_it(
    db: Database, community: Community, other_community: Community
) -> None:
    async with db.transaction() as session:
        made = await Repositories(session).commitments.add(
            community.id, text="Pin one guide a month", at=NOW
        )
    async with db.session() as session:
        repo = Repositories(session).communities
        assert await repo.of_commitment(community.guild_id, made.id) == community
        assert await repo.of_commitment(other_community.guild_id, made.id) is None
        assert await repo.of_commitment(community.guild_id, made.id + 1000) is None


async def test_defaults_of_a_new_community(community: Community) -> None:
    assert community.timezone == "UTC"
    assert community.threshold == 0.5
    assert community.min_respondents == 5
    assert community.max_items == 8
    assert community.anonymous is True
    assert community.channel_id is None
    assert community.coordinator_role_id is None and community.steward_role_id is None


async def test_concurrent_creation_of_the_same_name_gives_one_community(db: Database) -> None:
    async def create() -> tuple[Community, bool]:
        async with db.transaction() as session:
            return await Repositories(session).communities.get_or_create(77, "Race", at=NOW)

    (a, created_a), (b, created_b) = await asyncio.gather(create(), create())
    assert a == b
    assert sorted([created_a, created_b]) == [False, True]


async def test_update_settings_changes_only_what_is_given(
    db: Database, community: Community
) -> None:
    async with db.transaction() as session:
        updated = await Repositories(session).communities.update_settings(
            community.id, timezone="Europe/Lisbon", channel_id=123456789012345678, threshold=0.6
        )
    assert updated.timezone == "Europe/Lisbon"
    assert updated.channel_id == 123456789012345678  # a Discord snowflake fits
    assert updated.threshold == 0.6
    assert (updated.name, updated.min_respondents) == (community.name, community.min_respondents)
    async with db.transaction() as session:
        cleared = await Repositories(session).communities.update_settings(
            community.id, channel_id=None
        )
    assert cleared.channel_id is None and cleared.timezone == "Europe/Lisbon"


@pytest.mark.parametrize(
    "changes",
    [
        {"timezone": "Mars/Olympus"},
        {"threshold": 1.5},
        {"threshold": float("nan")},
        {"min_respondents": 0},
        {"max_items": 0},
        {"name": "  "},
    ],
)
async def test_update_settings_refuses_bad_values(
    db: Database, community: Community, changes: dict[str, object]
) -> None:
    async with db.transaction() as session:
        with pytest.raises(ValueError):
            await Repositories(session).communities.update_settings(community.id, **changes)
        unchanged = await Repositories(session).communities.get(community.id)
    assert unchanged == community


async def test_update_settings_of_an_unknown_community(db: Database) -> None:
    async with db.transaction() as session:
        with pytest.raises(NotFoundError):
            await Repositories(session).communities.update_settings(404, threshold=0.4)


async def test_adopt_drop_and_list_patterns(db: Database, community: Community) -> None:
    async with db.transaction() as session:
        repo = Repositories(session).communities
        assert await repo.adopt(community.id, "shared-harvest", at=NOW) is True
        assert await repo.adopt(community.id, "shared-harvest", at=NOW) is False
        assert await repo.adopt(community.id, "feedback-loop", at=NOW) is True
    async with db.transaction() as session:
        repo = Repositories(session).communities
        slugs = [p.pattern_slug for p in await repo.list_adopted(community.id)]
        assert slugs == ["feedback-loop", "shared-harvest"]
        assert await repo.drop(community.id, "feedback-loop") is True
        assert await repo.drop(community.id, "feedback-loop") is False
        assert [p.pattern_slug for p in await repo.list_adopted(community.id)] == ["shared-harvest"]


async def test_deleting_a_community_removes_what_it_stored(
    db: Database, community: Community, other_community: Community, make_round: MakeRound
) -> None:
    round_, questions = await make_round(community)
    kept, kept_questions = await make_round(other_community)
    async with db.transaction() as session:
        repos = Repositories(session)
        await repos.communities.adopt(community.id, "p", at=NOW)
        await repos.answers.record(
            community.id, round_.id, "k", [AnswerInput(questions[0].id, 3)], at=NOW
        )
        await repos.answers.record(
            other_community.id, kept.id, "k", [AnswerInput(kept_questions[0].id, 3)], at=NOW
        )
    async with db.transaction() as session:
        assert await Repositories(session).communities.delete(community.id) is True
    async with db.engine.connect() as connection:
        counts = {
            table: (await connection.exec_driver_sql(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            for table in ("communities", "adopted_patterns", "rounds", "questions", "answers")
        }
    # Only the other community's rows are left.
    assert counts == {
        "communities": 1,
        "adopted_patterns": 0,
        "rounds": 1,
        "questions": 3,
        "answers": 1,
    }


async def test_who_may_commit_is_coordinators_until_set_and_refuses_other_words(
    db: Database, community: Community
) -> None:
    assert community.who_commits is WhoCommits.COORDINATORS
    async with db.transaction() as session:
        changed = await Repositories(session).communities.update_settings(
            community.id, who_commits=WhoCommits.MEMBERS
        )
    assert changed.who_commits is WhoCommits.MEMBERS
    with pytest.raises(ValueError):
        async with db.transaction() as session:
            await Repositories(session).communities.update_settings(
                community.id,
                who_commits="everyone",  # type: ignore[arg-type]
            )

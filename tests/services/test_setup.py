"""Setting a server's communities up, each known by its name, and who may coordinate each."""

from __future__ import annotations

import pytest

from vitalitybot.domain.records import Community
from vitalitybot.services import (
    InvalidSetting,
    NotAllowed,
    Place,
    Services,
    UnknownCommunity,
    check_coordinator,
    find_community,
    setup_community,
)
from vitalitybot.services.places import server_communities

from .support import GUILD, OTHER_GUILD, TIMEZONE

NURSES_ROLES = (7, 8)  # coordinator, steward
NIGHT_ROLES = (9, 10)


@pytest.fixture
async def nurses(svc: Services) -> Community:
    return await setup_community(
        svc, GUILD, "Protocol nurses", 42, TIMEZONE, *NURSES_ROLES, category_id=500
    )


@pytest.fixture
async def night(svc: Services, nurses: Community) -> Community:
    return await setup_community(svc, GUILD, "Night shift", 43, TIMEZONE, *NIGHT_ROLES)


async def _server(svc: Services) -> list[tuple[str, int | None, int | None]]:
    """The server's communities as set-up left them: name, channel, category."""
    return [(c.name, c.channel_id, c.category_id) for c in await server_communities(svc, GUILD)]


async def test_a_second_name_sets_up_a_second_community_beside_the_first(
    svc: Services, nurses: Community, night: Community
) -> None:
    assert night.id != nurses.id
    assert await _server(svc) == [("Night shift", 43, None), ("Protocol nurses", 42, 500)]
    assert (night.coordinator_role_id, night.steward_role_id) == NIGHT_ROLES
    assert (nurses.coordinator_role_id, nurses.steward_role_id) == NURSES_ROLES


async def test_another_server_may_use_the_same_name(svc: Services, nurses: Community) -> None:
    theirs = await setup_community(svc, OTHER_GUILD, "Protocol nurses", 77, "UTC")
    assert theirs.id != nurses.id
    assert (await find_community(svc, Place(GUILD))).timezone == TIMEZONE


async def test_a_known_name_updates_that_community_and_leaves_the_other(
    svc: Services, nurses: Community, night: Community
) -> None:
    again = await setup_community(svc, GUILD, "Night shift", 44, "America/New_York")
    assert again.id == night.id
    assert (again.channel_id, again.timezone) == (44, "America/New_York")
    assert await _server(svc) == [("Night shift", 44, None), ("Protocol nurses", 42, 500)]
    assert (await find_community(svc, Place(GUILD), "Protocol nurses")).timezone == TIMEZONE


async def test_a_community_is_renamed_by_its_id(
    svc: Services, nurses: Community, night: Community
) -> None:
    renamed = await setup_community(svc, GUILD, "Night owls", 43, TIMEZONE, community_id=night.id)
    assert renamed.id == night.id
    assert await _server(svc) == [("Night owls", 43, None), ("Protocol nurses", 42, 500)]
    with pytest.raises(UnknownCommunity, match="Night owls"):
        await find_community(svc, Place(GUILD), "Night shift")


async def test_a_rename_onto_another_communitys_name_is_refused(
    svc: Services, nurses: Community, night: Community
) -> None:
    with pytest.raises(InvalidSetting, match="already has a community called 'Protocol nurses'"):
        await setup_community(svc, GUILD, "protocol nurses", 43, TIMEZONE, community_id=night.id)
    assert await _server(svc) == [("Night shift", 43, None), ("Protocol nurses", 42, 500)]


async def test_another_servers_community_cannot_be_renamed_from_here(
    svc: Services, nurses: Community
) -> None:
    theirs = await setup_community(svc, OTHER_GUILD, "Maintainers", 77, "UTC")
    with pytest.raises(InvalidSetting, match="not one of this server's"):
        await setup_community(svc, GUILD, "Taken over", 42, TIMEZONE, community_id=theirs.id)
    assert (await find_community(svc, Place(OTHER_GUILD))).name == "Maintainers"


async def test_a_channel_or_category_another_community_holds_is_refused(
    svc: Services, nurses: Community, night: Community
) -> None:
    with pytest.raises(InvalidSetting, match="already the channel of Protocol nurses"):
        await setup_community(svc, GUILD, "Night shift", 42, TIMEZONE)
    with pytest.raises(InvalidSetting, match="category already belongs to Protocol nurses"):
        await setup_community(svc, GUILD, "Night shift", 43, TIMEZONE, category_id=500)
    with pytest.raises(InvalidSetting, match="already the channel of Night shift"):
        await setup_community(svc, GUILD, "Day shift", 43, TIMEZONE)
    assert await _server(svc) == [("Night shift", 43, None), ("Protocol nurses", 42, 500)]


async def test_running_setup_again_without_roles_or_category_keeps_them(
    svc: Services, nurses: Community
) -> None:
    again = await setup_community(svc, GUILD, "Protocol nurses", 99, "UTC")
    assert (again.channel_id, again.category_id) == (99, 500)
    assert (again.coordinator_role_id, again.steward_role_id) == NURSES_ROLES


async def test_only_coordinators_may_run_coordinator_commands(svc: Services) -> None:
    community = await setup_community(svc, GUILD, "Nurses", 42, "UTC", coordinator_role_id=7)
    assert check_coordinator(community, [3, 7]) == community
    assert check_coordinator(community, [], is_admin=True) == community
    with pytest.raises(NotAllowed, match="Only the coordinators of Nurses"):
        check_coordinator(community, [3])


@pytest.mark.parametrize("role", NURSES_ROLES, ids=["coordinator", "steward"])
async def test_a_coordinator_or_steward_of_one_community_is_refused_on_the_other(
    nurses: Community, night: Community, role: int
) -> None:
    assert check_coordinator(nurses, [role]) == nurses
    with pytest.raises(NotAllowed, match="Night shift") as refused:
        check_coordinator(night, [role])
    assert "Protocol nurses" not in str(refused.value)


async def test_server_managers_act_on_every_community(
    svc: Services, nurses: Community, night: Community
) -> None:
    unroled = await setup_community(svc, GUILD, "Day shift", 44, TIMEZONE)
    for community in (nurses, night, unroled):
        assert check_coordinator(community, [], is_admin=True) == community
    # A community without roles waits for a server manager, and says so.
    with pytest.raises(NotAllowed, match=r"server administrators .* for Day shift"):
        check_coordinator(unroled, list(NURSES_ROLES + NIGHT_ROLES))

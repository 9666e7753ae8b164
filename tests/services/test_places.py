"""Which of a server's communities a command means: the name given, else where it ran,
else the server's only one, else a question naming them."""

from __future__ import annotations

import pytest

from vitalitybot.domain.records import Community
from vitalitybot.services import (
    NotConfigured,
    Place,
    Services,
    UnknownCommunity,
    WhichCommunity,
    find_community,
    setup_community,
)

from .support import GUILD, OTHER_GUILD, TIMEZONE

NURSES_CHANNEL = 42
NIGHT_CHANNEL = 43
NIGHT_CATEGORY = 500
ELSEWHERE = 999  # a channel of the server no community claimed


@pytest.fixture
async def nurses(svc: Services) -> Community:
    return await setup_community(svc, GUILD, "Protocol nurses", NURSES_CHANNEL, TIMEZONE)


@pytest.fixture
async def night(svc: Services, nurses: Community) -> Community:
    """A second community of the same server, with a channel and a category of its own."""
    return await setup_community(
        svc, GUILD, "Night shift", NIGHT_CHANNEL, TIMEZONE, category_id=NIGHT_CATEGORY
    )


async def test_a_named_community_is_meant_whatever_the_case_and_wherever_it_runs(
    svc: Services, nurses: Community, night: Community
) -> None:
    anywhere = Place(GUILD, NIGHT_CHANNEL, NIGHT_CATEGORY)
    assert (await find_community(svc, anywhere, "  protocol NURSES ")).id == nurses.id
    assert (await find_community(svc, Place(GUILD, ELSEWHERE), "night shift")).id == night.id


async def test_a_command_in_a_communitys_channel_is_about_it(
    svc: Services, nurses: Community, night: Community
) -> None:
    assert (await find_community(svc, Place(GUILD, NURSES_CHANNEL))).id == nurses.id
    assert (await find_community(svc, Place(GUILD, NIGHT_CHANNEL))).id == night.id


async def test_a_channel_in_a_claimed_category_is_about_that_community_unless_it_has_its_own(
    svc: Services, nurses: Community, night: Community
) -> None:
    in_category = Place(GUILD, ELSEWHERE, NIGHT_CATEGORY)
    assert (await find_community(svc, in_category)).id == night.id
    # The nurses' channel sits in the night shift's category: the channel says more.
    nurses_in_category = Place(GUILD, NURSES_CHANNEL, NIGHT_CATEGORY)
    assert (await find_community(svc, nurses_in_category)).id == nurses.id


async def test_a_server_with_one_community_means_it_anywhere(
    svc: Services, nurses: Community
) -> None:
    assert (await find_community(svc, Place(GUILD))).id == nurses.id
    assert (await find_community(svc, Place(GUILD, ELSEWHERE, NIGHT_CATEGORY))).id == nurses.id


async def test_several_and_nothing_said_asks_which_naming_them(
    svc: Services, nurses: Community, night: Community
) -> None:
    with pytest.raises(WhichCommunity) as asked:
        await find_community(svc, Place(GUILD, ELSEWHERE))
    said = str(asked.value)
    assert "Night shift" in said and "Protocol nurses" in said
    assert "community option" in said


async def test_a_long_list_of_communities_is_cut_short_with_a_count(svc: Services) -> None:
    for number in range(12):
        await setup_community(svc, GUILD, f"Ward {number:02}", 100 + number, TIMEZONE)
    with pytest.raises(WhichCommunity) as asked:
        await find_community(svc, Place(GUILD, ELSEWHERE))
    said = str(asked.value)
    assert "12 communities" in said and "Ward 09" in said
    assert "Ward 10" not in said and "and 2 more" in said


async def test_an_unknown_name_is_refused_naming_the_servers_own(
    svc: Services, nurses: Community, night: Community
) -> None:
    await setup_community(svc, OTHER_GUILD, "Maintainers", 77, TIMEZONE)
    # Another server's community cannot be reached by naming it.
    with pytest.raises(UnknownCommunity) as refused:
        await find_community(svc, Place(GUILD, NURSES_CHANNEL), "Maintainers")
    said = str(refused.value)
    assert "no community called 'Maintainers'" in said
    assert "Night shift" in said and "Protocol nurses" in said


async def test_a_server_without_communities_is_not_set_up_whatever_is_asked(
    svc: Services,
) -> None:
    await setup_community(svc, OTHER_GUILD, "Maintainers", 77, TIMEZONE)
    with pytest.raises(NotConfigured, match="not set up in this server"):
        await find_community(svc, Place(GUILD, 77))
    with pytest.raises(NotConfigured, match="not set up in this server"):
        await find_community(svc, Place(GUILD), "Maintainers")

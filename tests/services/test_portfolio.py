"""A server's portfolio: every community's standing in words, then its aggregates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from vitalitybot.domain.records import CommitmentStatus, Community
from vitalitybot.render.terminal import to_terminal
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import (
    NotAllowed,
    Portfolio,
    Services,
    adopt_pattern,
    check_sponsor,
    close_round,
    open_round,
    portfolio,
    portfolio_message,
    set_sponsors,
    setup_community,
)
from vitalitybot.services.commitments import CommitRequest, commit, set_status
from vitalitybot.services.portfolio import CommunityPortfolio
from vitalitybot.vitality.standing import Mood

from .conftest import Setup
from .support import COP, GUILD, MEMBERS, OTHER_GUILD, TIMEZONE, open_survey, rate

SPONSORS = 555_000_000_000_000_001
COORDINATORS = 555_000_000_000_000_002


async def surveyed(
    svc: Services, setup: Setup, name: str, channel_id: int, answering: int, guild_id: int = GUILD
) -> Community:
    """A community watching CoP–Commons Alignment whose one survey ``answering`` members
    answered (seeing "No feedback" constantly, nothing else), closed."""
    community = await setup(guild_id, name=name, channel_id=channel_id)
    await adopt_pattern(svc, community.id, COP)
    survey = await open_survey(svc, community)
    await rate(svc, survey, MEMBERS[:answering], {"no-feedback": 5}, guild_id)
    await close_round(svc, community.id, survey.id)
    return community


def entry(found: Portfolio, name: str) -> CommunityPortfolio:
    return next(e for e in found.communities if e.community.name == name)


async def test_a_community_under_its_minimum_gets_words_and_no_figures(
    svc: Services, setup: Setup
) -> None:
    await surveyed(svc, setup, "Security", 42, answering=4)
    await surveyed(svc, setup, "Design", 43, answering=2)  # its rounds promise 3

    found = await portfolio(svc, GUILD)
    text = to_terminal(portfolio_message(svc, found), 1000)

    assert [e.community.name for e in found.communities] == ["Design", "Security"]
    design, security = entry(found, "Design"), entry(found, "Security")
    assert design.standing.mood is Mood.QUIET
    assert design.standing.sentence == (
        "quiet — the last survey had too few answers to show figures"
    )
    assert [r.participation for r in design.rounds] == [None] and design.crossing is None
    assert security.standing.mood is Mood.NEEDS_CARE
    assert security.crossing == ("No feedback",)
    # Words first, for every community, then the figures; none of Design's.
    assert text.index("Design: quiet — the last survey") < text.index("4 of 10 members answered")
    assert "Security: needs care — participation shown for one round so far, one sign of " in text
    assert "2 of 10" not in text and "2 members" not in text
    assert text.count("too few answers to show figures") == 3  # words, round, survey


async def test_participation_rising_over_three_rounds_reads_lively(
    svc: Services, setup: Setup, clock: ManualClock
) -> None:
    community = await setup(name="Security")
    await adopt_pattern(svc, community.id, COP)
    for week, answering in enumerate((3, 5, 8)):
        survey = await open_survey(svc, community, period=f"2026-01-{6 + 7 * week:02d}")
        await rate(svc, survey, MEMBERS[:answering], 1)  # nothing seen often
        await close_round(svc, community.id, survey.id)
        clock.advance(timedelta(days=7))

    (found,) = (await portfolio(svc, GUILD)).communities

    assert found.standing.sentence == (
        "lively — participation up over three rounds, no sign of decay crossing"
    )
    assert [r.participation.text for r in found.rounds if r.participation] == [
        "3 of 10 members answered (30%)",
        "5 of 10 members answered (50%)",
        "8 of 10 members answered (80%)",
    ]


async def test_commitments_made_and_done_are_counted_per_community(
    svc: Services, setup: Setup, clock: ManualClock
) -> None:
    security = await surveyed(svc, setup, "Security", 42, answering=4)
    design = await surveyed(svc, setup, "Design", 43, answering=4)
    old = await commit(svc, security.id, CommitRequest("Answer every question"), coordinator=True)
    await set_status(svc, security.id, old.id, CommitmentStatus.DONE)
    clock.advance(timedelta(days=120))
    await commit(svc, security.id, CommitRequest("Pin one guide"), coordinator=True)
    fresh = await commit(svc, design.id, CommitRequest("Meet monthly"), coordinator=True)
    await set_status(svc, design.id, fresh.id, CommitmentStatus.DONE)

    found = await portfolio(svc, GUILD)

    counts = {e.community.name: e.commitments for e in found.communities}
    assert (counts["Security"].made_lately, counts["Security"].done_lately) == (1, 0)
    assert (counts["Security"].made, counts["Security"].done) == (2, 1)
    assert (counts["Design"].made_lately, counts["Design"].done_lately) == (1, 1)
    assert (counts["Design"].made, counts["Design"].done) == (1, 1)
    text = to_terminal(portfolio_message(svc, found), 1000)
    assert "1 made and 0 done in the last 90 days; 2 made and 1 done in all" in text


async def test_harvests_kept_are_counted(svc: Services, setup: Setup) -> None:
    community = await setup(name="Security")
    await adopt_pattern(svc, community.id, COP)
    checkin = await open_round(svc, community.id, "checkin", period="2026-01-06")
    assert checkin is not None
    await close_round(svc, community.id, checkin.id)

    (found,) = (await portfolio(svc, GUILD)).communities

    async with svc.repos() as repos:
        (harvest,) = await repos.outcomes.list_harvests(community.id)
    assert found.harvests == 1 and found.latest_harvest == harvest.created_at


async def test_another_servers_communities_never_appear(svc: Services, setup: Setup) -> None:
    await surveyed(svc, setup, "Security", 42, answering=4)
    await surveyed(svc, setup, "Elsewhere", 44, answering=4, guild_id=OTHER_GUILD)

    found = await portfolio(svc, GUILD)

    assert [e.community.name for e in found.communities] == ["Security"]
    assert "Elsewhere" not in to_terminal(portfolio_message(svc, found), 1000)


async def test_a_server_without_communities_says_so(svc: Services) -> None:
    found = await portfolio(svc, GUILD)

    assert found.communities == ()
    text = to_terminal(portfolio_message(svc, found), 1000)
    assert "No community is set up in this server yet." in text


async def test_the_sponsor_role_and_server_managers_may_read_it(svc: Services) -> None:
    await set_sponsors(svc, GUILD, SPONSORS, None)

    await check_sponsor(svc, GUILD, [SPONSORS], is_admin=False)
    await check_sponsor(svc, GUILD, [], is_admin=True)


async def test_a_coordinator_of_one_community_is_refused(svc: Services) -> None:
    await set_sponsors(svc, GUILD, SPONSORS, None)
    await setup_community(svc, GUILD, "Security", 42, TIMEZONE, COORDINATORS)

    with pytest.raises(NotAllowed, match="Only this server's sponsors"):
        await check_sponsor(svc, GUILD, [COORDINATORS], is_admin=False)
    # The sponsor role of one server grants nothing in another.
    with pytest.raises(NotAllowed, match="no sponsor role yet"):
        await check_sponsor(svc, OTHER_GUILD, [SPONSORS], is_admin=False)


async def test_naming_the_sponsors_keeps_one_row_per_server(svc: Services) -> None:
    await set_sponsors(svc, GUILD, SPONSORS, 77)
    server = await set_sponsors(svc, GUILD, COORDINATORS, None)

    assert (server.sponsor_role_id, server.digest_channel_id) == (COORDINATORS, None)


async def test_a_community_name_cannot_ping_or_restructure_the_post(
    svc: Services, setup: Setup
) -> None:
    await setup(name="@everyone\n# Fake heading")

    message = portfolio_message(svc, await portfolio(svc, GUILD))

    (card,) = message.embeds
    assert card.title == "The communities of this server"
    assert "@everyone" not in card.description and "@\u200beveryone" in card.description
    assert [f.name for f in card.fields] == ["@\u200beveryone # Fake heading"]  # one line

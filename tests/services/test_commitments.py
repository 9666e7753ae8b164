"""Commitments through the services: who may make them, and what they answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from vitalitybot.domain.records import (
    CommitmentStatus,
    Community,
    RoundKind,
    SuggestionKind,
    WhoCommits,
)
from vitalitybot.services import Services, adopt_pattern, open_round
from vitalitybot.services.commitments import (
    CommitmentNotFound,
    CommitRequest,
    commit,
    list_commitments,
    set_status,
)
from vitalitybot.services.errors import InvalidSetting, NotAllowed, ServiceError

from .conftest import Setup
from .support import COP, GUILD, OTHER_GUILD


async def _suggested(svc: Services, community: Community, *signs: str) -> tuple[int, list[int]]:
    """A survey round with one suggestion per sign, as a close would have recorded them."""
    round_ = await open_round(svc, community.id, RoundKind.SURVEY, period=f"t-{signs[0]}")
    assert round_ is not None
    async with svc.repos() as repos:
        for sign in signs:
            await repos.outcomes.record_suggestion(
                community.id,
                round_.id,
                pattern_slug="p",
                sign_id=sign,
                kind=SuggestionKind.REMEDY,
                at=svc.now(),
            )
        found = await repos.outcomes.list_suggestions(community.id)
    return round_.id, [s.id for s in found]


async def test_a_coordinator_commits_from_a_post_naming_two_signs(
    svc: Services, community: Community
) -> None:
    round_id, suggestion_ids = await _suggested(svc, community, "quiet", "unread")
    made = await commit(
        svc,
        GUILD,
        CommitRequest(
            "Pin one guide a month",
            round_id=round_id,
            suggestion_ids=tuple(suggestion_ids),
            owner_role_id=7,
        ),
        coordinator=True,
    )
    assert (made.pattern_slug, made.sign_ids, made.suggestion_id, made.owner_role_id) == (
        "p",
        ("quiet", "unread"),
        suggestion_ids[0],
        7,
    )
    _, listed = await list_commitments(svc, GUILD)
    assert [c.id for c in listed] == [made.id]


async def test_members_may_commit_only_when_the_community_says_so(
    svc: Services, community: Community
) -> None:
    request = CommitRequest("Take turns hosting the call")
    with pytest.raises(NotAllowed, match="coordinators"):
        await commit(svc, GUILD, request, coordinator=False)
    async with svc.repos() as repos:
        await repos.communities.update_settings(community.id, who_commits=WhoCommits.MEMBERS)
    made = await commit(svc, GUILD, request, coordinator=False)
    assert made.text == "Take turns hosting the call"


async def test_a_suggestion_of_another_community_or_round_is_refused(
    svc: Services, community: Community, setup: Setup
) -> None:
    other = await setup(OTHER_GUILD, name="Maintainers")
    await adopt_pattern(svc, OTHER_GUILD, COP)
    round_id, (theirs,) = await _suggested(svc, other, "quiet")
    mine, _ = await _suggested(svc, community, "unread")
    for round_ in (round_id, mine):
        with pytest.raises(ServiceError, match="does not exist in this community"):
            await commit(
                svc,
                GUILD,
                CommitRequest("x", round_id=round_, suggestion_ids=(theirs,)),
                coordinator=True,
            )
    _, listed = await list_commitments(svc, GUILD)
    assert listed == []


async def test_empty_words_and_a_past_review_date_are_one_clear_line(
    svc: Services, community: Community
) -> None:
    with pytest.raises(InvalidSetting, match="few words"):
        await commit(svc, GUILD, CommitRequest("   "), coordinator=True)
    past = svc.now() - timedelta(days=1)
    with pytest.raises(InvalidSetting, match="future"):
        await commit(svc, GUILD, CommitRequest("Try it", review_at=past), coordinator=True)


async def test_marking_done_and_dropped(svc: Services, community: Community) -> None:
    made = await commit(svc, GUILD, CommitRequest("Write up one story"), coordinator=True)
    done = await set_status(svc, GUILD, made.id, CommitmentStatus.DONE)
    assert (done.status, done.closed_at) == (CommitmentStatus.DONE, svc.now())
    _, still_open = await list_commitments(svc, GUILD, statuses=[CommitmentStatus.OPEN])
    assert still_open == []
    with pytest.raises(CommitmentNotFound):
        await set_status(svc, GUILD, made.id + 1000, CommitmentStatus.DROPPED)

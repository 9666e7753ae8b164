"""Commitments through the services: who may make them, and what they answer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from vitalitybot.domain.records import (
    CommitmentStatus,
    Community,
    RoundKind,
    SuggestionKind,
    WhoCommits,
)
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import Services, open_round
from vitalitybot.services.commitments import (
    CommitmentNotFound,
    CommitRequest,
    check_may_commit,
    commit,
    commitment_community,
    list_commitments,
    overview,
    parse_review_day,
    parse_sign,
    set_status,
    set_who_commits,
    sign_choices,
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
        community.id,
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
    _, listed = await list_commitments(svc, community.id)
    assert [c.id for c in listed] == [made.id]
    # Committing takes the post's suggestions up: the replant rule reads that.
    async with svc.repos() as repos:
        taken_up = await repos.outcomes.list_suggestions(community.id)
    assert [s.acknowledged_at for s in taken_up] == [svc.now(), svc.now()]


async def test_members_may_commit_only_when_the_community_says_so(
    svc: Services, community: Community
) -> None:
    request = CommitRequest("Take turns hosting the call")
    with pytest.raises(NotAllowed, match="coordinators"):
        await commit(svc, community.id, request, coordinator=False)
    async with svc.repos() as repos:
        await repos.communities.update_settings(community.id, who_commits=WhoCommits.MEMBERS)
    made = await commit(svc, community.id, request, coordinator=False)
    assert made.text == "Take turns hosting the call"


async def test_a_suggestion_of_another_community_or_round_is_refused(
    svc: Services, community: Community, elsewhere: Community
) -> None:
    round_id, (theirs,) = await _suggested(svc, elsewhere, "quiet")
    mine, _ = await _suggested(svc, community, "unread")
    for round_ in (round_id, mine):
        with pytest.raises(ServiceError, match="does not exist in this community"):
            await commit(
                svc,
                community.id,
                CommitRequest("x", round_id=round_, suggestion_ids=(theirs,)),
                coordinator=True,
            )
    _, listed = await list_commitments(svc, community.id)
    assert listed == []


async def test_empty_words_and_a_past_review_date_are_one_clear_line(
    svc: Services, community: Community
) -> None:
    with pytest.raises(InvalidSetting, match="few words"):
        await commit(svc, community.id, CommitRequest("   "), coordinator=True)
    past = svc.now() - timedelta(days=1)
    with pytest.raises(InvalidSetting, match="future"):
        await commit(svc, community.id, CommitRequest("Try it", review_at=past), coordinator=True)


async def test_marking_done_and_dropped(svc: Services, community: Community) -> None:
    made = await commit(svc, community.id, CommitRequest("Write up one story"), coordinator=True)
    done = await set_status(svc, community.id, made.id, CommitmentStatus.DONE)
    assert (done.status, done.closed_at) == (CommitmentStatus.DONE, svc.now())
    _, still_open = await list_commitments(svc, community.id, statuses=[CommitmentStatus.OPEN])
    assert still_open == []
    with pytest.raises(CommitmentNotFound):
        await set_status(svc, community.id, made.id + 1000, CommitmentStatus.DROPPED)


async def test_another_communitys_commitment_is_neither_marked_nor_listed(
    svc: Services, community: Community, elsewhere: Community
) -> None:
    theirs = await commit(svc, elsewhere.id, CommitRequest("Their own plan"), coordinator=True)

    with pytest.raises(CommitmentNotFound):
        await set_status(svc, community.id, theirs.id, CommitmentStatus.DONE)
    _, mine = await list_commitments(svc, community.id)
    assert mine == [] and (await overview(svc, community.id)).views == []
    _, still_theirs = await list_commitments(svc, elsewhere.id, statuses=[CommitmentStatus.OPEN])
    assert [c.id for c in still_theirs] == [theirs.id]


async def test_a_review_day_is_the_start_of_that_day_where_the_community_lives(
    svc: Services, community: Community
) -> None:
    day = parse_review_day(" 2026-02-01 ")
    made = await commit(svc, community.id, CommitRequest("Try it", review_on=day), coordinator=True)

    assert made.review_at == datetime(2026, 1, 31, 23, 0, tzinfo=UTC)  # midnight in Berlin
    (shown,) = (await overview(svc, community.id)).views
    assert shown.review_day == date(2026, 2, 1)


async def test_a_review_day_that_is_not_a_date_or_has_begun_is_refused(
    svc: Services, community: Community
) -> None:
    with pytest.raises(InvalidSetting, match="YYYY-MM-DD"):
        parse_review_day("next tuesday")
    assert parse_review_day("  ") is None
    today = CommitRequest("Try it", review_on=svc.now().date())
    with pytest.raises(InvalidSetting, match="future"):
        await commit(svc, community.id, today, coordinator=True)


async def test_a_commitment_on_its_own_names_a_sign_of_a_watched_pattern(
    svc: Services, community: Community
) -> None:
    choices = await sign_choices(svc, community.id)
    assert {c.pattern_slug for c in choices} == {COP}
    decay = svc.patterns[COP].signs_of_decay
    assert [c.sign_id for c in choices] == [s.id for s in decay]

    slug, signs = parse_sign(choices[1].key)
    made = await commit(
        svc, community.id, CommitRequest("Try", pattern_slug=slug, sign_ids=signs), coordinator=True
    )
    (shown,) = (await overview(svc, community.id)).views
    assert (made.pattern_slug, made.sign_ids) == (COP, (decay[1].id,))
    assert shown.sign_titles == (decay[1].title,) and shown.pattern_title == svc.patterns[COP].title

    for key in ("community-lifecycle:no-challenge-left", f"{COP}:no-such-sign"):
        slug, signs = parse_sign(key)
        with pytest.raises(InvalidSetting, match="watches"):
            await commit(
                svc,
                community.id,
                CommitRequest("x", pattern_slug=slug, sign_ids=signs),
                coordinator=True,
            )
    with pytest.raises(InvalidSetting, match="watches"):
        parse_sign("free words")


async def test_who_may_commit_is_a_setting_asked_before_the_form(
    svc: Services, community: Community
) -> None:
    with pytest.raises(NotAllowed):
        await check_may_commit(svc, community.id, coordinator=False)
    changed = await set_who_commits(svc, community.id, "members")

    assert changed.who_commits is WhoCommits.MEMBERS
    assert (await check_may_commit(svc, community.id, coordinator=False)).id == community.id
    with pytest.raises(InvalidSetting):
        await set_who_commits(svc, community.id, "everyone")


async def test_the_overview_keeps_open_ones_and_those_closed_lately(
    svc: Services, clock: ManualClock, community: Community
) -> None:
    old = await commit(svc, community.id, CommitRequest("Closed long ago"), coordinator=True)
    await set_status(svc, community.id, old.id, CommitmentStatus.DONE)
    clock.advance(timedelta(days=120))
    kept = await commit(svc, community.id, CommitRequest("Still open"), coordinator=True)
    recent = await commit(svc, community.id, CommitRequest("Dropped last week"), coordinator=True)
    await set_status(svc, community.id, recent.id, CommitmentStatus.DROPPED)

    shown = [v.commitment.id for v in (await overview(svc, community.id)).views]

    assert shown == [recent.id, kept.id]


async def test_a_buttons_commitment_belongs_to_its_community_on_this_server_only(
    svc: Services, community: Community, neighbour: Community, setup: Setup
) -> None:
    abroad = await setup(OTHER_GUILD, name="Elsewhere")
    ours = await commit(svc, neighbour.id, CommitRequest("Next door"), coordinator=True)
    theirs = await commit(svc, abroad.id, CommitRequest("Far away"), coordinator=True)

    assert (await commitment_community(svc, GUILD, ours.id)).id == neighbour.id
    with pytest.raises(CommitmentNotFound):
        await commitment_community(svc, GUILD, theirs.id)

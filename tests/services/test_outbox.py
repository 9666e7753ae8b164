"""The outbox: a close's posts are stored with the close and sent from the table, once.

A ``RecordingNotifier`` stands in for Discord: ``down_guilds`` is an outage (worth trying
again), ``failing_guilds`` a refusal (a 403), and a post repeating a nonce it has seen is
not posted again, as Discord does with ``enforce_nonce``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from vitalitybot.domain.records import Community, Round
from vitalitybot.render.message import Message
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.services import (
    RoundClosed,
    Services,
    answer_form,
    close_round,
    skip_round,
)
from vitalitybot.services.outbox import MAX_ATTEMPTS, RETRY_PAUSES, drain
from vitalitybot.services.shards import ShardSet, shard_of
from vitalitybot.storage import Database

from .conftest import Setup
from .fakes import RecordingNotifier
from .support import (
    GUILD,
    MEMBERS,
    OTHER_GUILD,
    adopt,
    after_the_wake,
    open_survey,
    rate,
    rows,
    started,
)

DELIVERIES = "SELECT kind, status, attempts FROM deliveries WHERE round_id = :id ORDER BY id"


async def closed_survey(svc: Services, community: Community) -> int:
    """A survey three members answered (decay everywhere, so suggestions follow), closed."""
    round_ = await open_survey(svc, community)
    await rate(svc, round_, MEMBERS[:3], 5)
    await close_round(svc, community.id, round_.id)
    return round_.id


async def test_a_close_sends_the_round_post_edit_then_results_then_suggestions(
    svc: Services, community: Community, notifier: RecordingNotifier, db: Database
) -> None:
    round_id = await closed_survey(svc, community)

    kinds = [kind for kind, *_ in await rows(db, DELIVERIES, id=round_id)]
    assert kinds[:3] == ["round", "round-closed", "results"]
    assert all(kind.startswith("suggestion:") for kind in kinds[3:]) and kinds[3:]
    assert {status for _, status, _ in await rows(db, DELIVERIES, id=round_id)} == {"sent"}
    assert [p.kind for p in notifier.posts] == kinds[:1] + kinds[2:]
    [edit] = notifier.edits
    thread = await rows(db, "SELECT thread_id FROM rounds WHERE id = :id", id=round_id)
    assert "has closed" in edit.text and f"<#{thread[0][0]}>" in edit.text


async def test_an_outage_keeps_the_posts_and_a_later_drain_sends_each_once(
    svc: Services,
    community: Community,
    notifier: RecordingNotifier,
    db: Database,
    clock: ManualClock,
) -> None:
    round_ = await open_survey(svc, community)
    await rate(svc, round_, MEMBERS[:3], 5)
    notifier.down_guilds.add(GUILD)

    await close_round(svc, community.id, round_.id)

    assert [p.kind for p in notifier.posts] == ["round"]  # nothing of the close went out
    waiting = await rows(db, DELIVERIES, id=round_.id)
    # The first post was tried once; the ones behind it wait their turn, untried.
    assert waiting[1] == ("round-closed", "pending", 1)
    assert all(status == "pending" and attempts == 0 for _, status, attempts in waiting[2:])
    assert await drain(svc) == clock.now() + RETRY_PAUSES[0]  # Discord is down: not yet

    notifier.down_guilds.clear()
    clock.advance(RETRY_PAUSES[0])
    await drain(svc)
    await drain(svc)  # a second drain finds nothing left to send

    sent = await rows(db, DELIVERIES, id=round_.id)
    assert {status for _, status, _ in sent} == {"sent"}
    assert [p.kind for p in notifier.posts] == [kind for kind, *_ in sent if kind != "round-closed"]
    assert len(notifier.edits) == 1


async def test_an_outage_that_outlasts_every_retry_fails_the_post_for_the_coordinator(
    svc: Services,
    community: Community,
    notifier: RecordingNotifier,
    db: Database,
    clock: ManualClock,
) -> None:
    round_ = await open_survey(svc, community)
    notifier.down_guilds.add(GUILD)
    await close_round(svc, community.id, round_.id)
    for pause in RETRY_PAUSES:
        clock.advance(pause)
        await drain(svc)

    failed = await rows(db, DELIVERIES, id=round_.id)
    assert failed[1] == ("round-closed", "failed", MAX_ATTEMPTS)
    # Each later post then had its own tries; none was posted, none is lost from the log.
    assert [p.kind for p in notifier.posts] == ["round"]
    assert all(status in ("pending", "failed") for _, status, _ in failed[1:])


async def test_a_refusal_fails_at_once_and_a_later_drain_does_not_try_again(
    svc: Services,
    community: Community,
    notifier: RecordingNotifier,
    db: Database,
    clock: ManualClock,
) -> None:
    round_ = await open_survey(svc, community)
    await rate(svc, round_, MEMBERS[:3], 5)
    notifier.failing_guilds.add(GUILD)
    await close_round(svc, community.id, round_.id)
    notifier.failing_guilds.clear()
    clock.advance(timedelta(days=1))

    assert await drain(svc) is None  # nothing waits

    refused = await rows(db, DELIVERIES, id=round_.id)
    assert [(status, attempts) for _, status, attempts in refused[1:]] == [("failed", 1)] * (
        len(refused) - 1
    )
    assert [p.kind for p in notifier.posts] == ["round"]


class Killed(BaseException):
    """The process dying: nothing after it in the drain runs, as with a SIGKILL."""


class DiesAfterDiscordTookTheResults(RecordingNotifier):
    async def post(
        self,
        community: Community,
        message: Message,
        *,
        round: Round | None,
        kind: str,
        nonce: str | None = None,
    ) -> int | None:
        made = await super().post(community, message, round=round, kind=kind, nonce=nonce)
        if kind == "results":
            raise Killed()
        return made


async def test_a_post_sent_again_after_a_crash_before_it_was_marked_appears_once(
    svc: Services, community: Community, db: Database
) -> None:
    dying = DiesAfterDiscordTookTheResults()
    svc.notifier = dying
    round_ = await open_survey(svc, community)
    await rate(svc, round_, MEMBERS[:3], 5)
    with pytest.raises(Killed):
        await close_round(svc, community.id, round_.id)
    assert ("results", "pending", 0) in await rows(db, DELIVERIES, id=round_.id)

    restarted = RecordingNotifier(nonces=dying.nonces)  # Discord remembers the nonces
    svc.notifier = restarted
    await drain(svc)

    assert len([*dying.of("results"), *restarted.of("results")]) == 1
    assert restarted.of("suggestion")  # what waited behind the results went out after them
    assert {status for _, status, _ in await rows(db, DELIVERIES, id=round_.id)} == {"sent"}
    assert await rows(db, "SELECT count(*) FROM deliveries WHERE payload IS NOT NULL") == [(0,)]


async def test_a_button_of_a_closed_round_says_where_the_results_are(
    svc: Services, community: Community, db: Database
) -> None:
    round_id = await closed_survey(svc, community)
    [(thread_id,)] = await rows(db, "SELECT thread_id FROM rounds WHERE id = :id", id=round_id)

    for click in (answer_form, skip_round):
        with pytest.raises(RoundClosed) as refused:
            await click(svc, GUILD, round_id, MEMBERS[5])  # who never answered
        assert str(refused.value) == (f"This survey has closed; its results are in <#{thread_id}>.")
        assert "not saved" not in str(refused.value)


async def test_what_waited_for_two_communities_of_one_server_goes_to_each_ones_channel(
    svc: Services,
    community: Community,
    neighbour: Community,
    db: Database,
    clock: ManualClock,
    notifier: RecordingNotifier,
) -> None:
    both = (community, neighbour)
    rounds = [await open_survey(svc, each) for each in both]
    for round_ in rounds:
        await rate(svc, round_, MEMBERS[:3], 5)
    notifier.down_guilds.add(GUILD)  # both closes' posts wait
    for each, round_ in zip(both, rounds, strict=True):
        await close_round(svc, each.id, round_.id)
    notifier.down_guilds.clear()
    clock.advance(RETRY_PAUSES[0])
    sent_before = len(notifier.posts)

    await drain(svc)

    for round_ in rounds:
        assert {status for _, status, _ in await rows(db, DELIVERIES, id=round_.id)} == {"sent"}
    # Each post went to the community (so the channel, 42 or 43) whose round it is about.
    owner = {round_.id: round_.community_id for round_ in rounds}
    waited = notifier.posts[sent_before:]
    assert waited and all(p.community_id == owner[p.round_id] for p in waited if p.round_id)
    channel_of = {c.id: c.channel_id for c in both}
    results = sorted(
        (channel_of[p.community_id], owner[p.round_id])
        for p in waited
        if p.kind == "results" and p.community_id is not None and p.round_id is not None
    )
    assert results == [(42, community.id), (43, neighbour.id)]


async def test_a_starting_keeper_sends_what_waits_for_its_own_shards_only(
    svc: Services,
    setup: Setup,
    notifier: RecordingNotifier,
    db: Database,
    clock: ManualClock,
) -> None:
    mine, theirs = await setup(GUILD), await setup(OTHER_GUILD, name="Maintainers")
    for guild_id in (GUILD, OTHER_GUILD):
        await adopt(svc, guild_id=guild_id)
    rounds = [await open_survey(svc, c) for c in (mine, theirs)]
    notifier.down_guilds.update({GUILD, OTHER_GUILD})  # the close's posts all wait
    for community, round_ in zip((mine, theirs), rounds, strict=True):
        await close_round(svc, community.id, round_.id)
    notifier.down_guilds.clear()
    clock.advance(RETRY_PAUSES[0])
    shards = ShardSet(4, frozenset({shard_of(GUILD, 4)}))
    assert not shards.owns(OTHER_GUILD)

    _, runner = await started(svc, clock, shards)
    await after_the_wake(runner)

    assert [p.guild_id for p in notifier.posts if p.kind == "results"] == [GUILD]
    waiting = await rows(db, "SELECT community_id FROM deliveries WHERE status = 'pending'")
    assert {community_id for (community_id,) in waiting} == {theirs.id}

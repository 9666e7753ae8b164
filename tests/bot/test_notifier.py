"""Posting rounds and results on Discord: refusals reported, rate limits waited out, many
communities at once, reminders by DM."""

from __future__ import annotations

import asyncio
import time

from loopback import Guild, LoopbackDiscord
from vitalitybot.bot.notifier import DiscordNotifier
from vitalitybot.bot.runner import App
from vitalitybot.domain.records import Community, DeliveryStatus
from vitalitybot.services import adopt_pattern, open_round, remind, setup_community

from .conftest import MakeSettings
from .support import (
    COMMUNITY,
    COP,
    FAST_RETRIES,
    TIMEZONE,
    adopt,
    answer_survey,
    coordinator_of,
    only_community,
    reply,
    running_bot,
    set_up,
    status_of,
    text_of,
)
from .support import open_round as open_round_now

MESSAGES = "/channels/{channel_id}/messages"


async def set_up_quietly(app: App, guild: Guild) -> Community:
    """A community set up through the services, as many as a test needs, without commands."""
    community = await setup_community(
        app.services, guild.id, guild.name, guild.general.id, TIMEZONE
    )
    await adopt_pattern(app.services, community.id, COP)
    return community


async def test_a_forbidden_channel_is_reported_and_the_next_community_still_gets_its_post(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    other = loopback_server.add_guild("Second CoP")
    first_coordinator, second_coordinator = coordinator_of(loopback_guild), coordinator_of(other)
    for coordinator in (first_coordinator, second_coordinator):
        await set_up(coordinator)
        await adopt(coordinator)
    loopback_server.forbid_channel(loopback_guild.general.id)
    broken, working = (
        await only_community(app.services, loopback_guild),
        await only_community(app.services, other),
    )

    # The scheduler opens both in the same minute.
    await asyncio.gather(
        *(open_round(app.services, c.id, "survey", period="2026-12") for c in (broken, working))
    )

    posts = [m for m in other.general.messages if m.components]
    assert len(posts) == 1 and posts[0].thread_id is not None
    assert loopback_guild.general.messages == []
    owner_dm = await loopback_server.wait_for_dm(loopback_guild.owner.id)
    assert "could not post the survey" in owner_dm.content
    # What to do, in Discord's words, rather than Discord's raw refusal.
    assert "give me Send Messages" in owner_dm.content
    assert "403" not in owner_dm.content and "Missing Permissions" not in owner_dm.content
    failed = (await status_of(app.services, loopback_guild)).failed_deliveries
    assert [(d.kind, d.status) for d in failed] == [("round", DeliveryStatus.FAILED)]
    told = await reply(await first_coordinator.invoke("vitality status"))
    assert "could not post the survey" in text_of(told)
    assert (await status_of(app.services, other)).failed_deliveries == ()


async def test_a_post_refused_with_429_more_often_than_discord_py_retries_still_arrives_once(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    await set_up(coordinator)
    await adopt(coordinator)
    loopback_server.rate_limit_next(f"POST {MESSAGES}", 7, retry_after=0.01)

    await open_round_now(coordinator, "survey")

    statuses = [r.status for r in loopback_server.requests_to("POST", MESSAGES)]
    assert statuses == [429] * 7 + [200]
    assert len([m for m in loopback_guild.general.messages if m.components]) == 1


async def test_a_post_met_by_server_errors_is_tried_again_and_arrives_once(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    await set_up(coordinator)
    await adopt(coordinator)
    loopback_server.fail_next(f"POST {MESSAGES}", 2, status=503)

    await open_round_now(coordinator, "survey")

    statuses = [r.status for r in loopback_server.requests_to("POST", MESSAGES)]
    assert statuses == [503, 503, 200]
    assert len([m for m in loopback_guild.general.messages if m.components]) == 1


async def test_communities_due_in_the_same_minute_all_get_their_round_under_rate_limits(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    guilds = [loopback_guild] + [loopback_server.add_guild(f"CoP {n}") for n in range(11)]
    await loopback_server.wait_until(
        lambda: True if all(app.bot.get_guild(g.id) for g in guilds) else None, "guilds cached"
    )
    communities = [await set_up_quietly(app, guild) for guild in guilds]
    loopback_server.set_global_rate_limit(15)

    opened = await asyncio.gather(
        *(open_round(app.services, c.id, "survey", period="2027-01") for c in communities)
    )

    assert all(r is not None and r.message_id and r.thread_id for r in opened)
    for guild in guilds:
        assert len([m for m in guild.general.messages if m.components]) == 1
    assert loopback_server.rate_limited > 0


async def test_a_stalled_event_loop_does_not_bunch_the_paced_posts_past_the_limit(
    loopback_server: LoopbackDiscord, loopback_guild: Guild, make_settings: MakeSettings
) -> None:
    """A pace a little under the global limit, as by default (46 under Discord's 50), in
    miniature: posts held up by a busy event loop do not all go out together once it is
    free, so the bot is never refused."""
    pace, limit = 10, 12  # requests a second
    notifier = DiscordNotifier(requests_per_second=pace, retry_delays=FAST_RETRIES)
    guilds = [loopback_guild] + [loopback_server.add_guild(f"CoP {n}") for n in range(19)]
    async with running_bot(loopback_server, make_settings(), notifier=notifier) as app:
        await loopback_server.wait_until(
            lambda: True if all(app.bot.get_guild(g.id) for g in guilds) else None, "guilds"
        )
        communities = [await set_up_quietly(app, guild) for guild in guilds]
        loopback_server.set_global_rate_limit(limit)
        await asyncio.sleep(1.0)  # the log-in's own requests out of the limit's second

        async def busy_loop() -> None:
            """Work that holds the event loop (a long render, a slow query) now and then."""
            for _ in range(3):
                await asyncio.sleep(0.7)
                time.sleep(0.6)  # noqa: ASYNC251 - blocking the loop is the point

        opened, _ = await asyncio.gather(
            asyncio.gather(
                *(open_round(app.services, c.id, "survey", period="2027-02") for c in communities)
            ),
            busy_loop(),
        )

    assert all(r is not None and r.message_id and r.thread_id for r in opened)
    assert loopback_server.rate_limited == 0  # never over the limit, so never refused


async def test_with_the_members_intent_reminders_reach_only_who_has_not_answered(
    loopback_server: LoopbackDiscord, loopback_guild: Guild, make_settings: MakeSettings
) -> None:
    coordinator = coordinator_of(loopback_guild)
    ana, ben, cai, dee = (loopback_guild.add_member(n) for n in ("ana", "ben", "cai", "dee"))
    loopback_server.block_dms(ben.id)
    async with running_bot(loopback_server, make_settings(), members_intent=True) as app:
        await set_up(coordinator)
        await adopt(coordinator)
        post = await open_round_now(coordinator, "survey")
        await answer_survey(ana, post, lambda _: 2)
        await reply(await cai.invoke("me pause"))
        community = await only_community(app.services, loopback_guild)
        round_ = (await status_of(app.services, loopback_guild)).open_rounds[0]

        reminded = await remind(app.services, community.id, round_.round.id)

        failed = (await status_of(app.services, loopback_guild)).failed_deliveries
    humans = {loopback_guild.owner.id, coordinator.id, ana.id, ben.id, cai.id, dee.id}
    assert round_.participation.eligible == len(humans)
    assert set(reminded) == humans - {ana.id, cai.id}
    (dm,) = dee.dms
    assert "still open" in text_of(dm)
    # A DM has no server around it: it names the community, and shows the close live.
    assert f"of **{COMMUNITY}** closes <t:" in text_of(dm)
    (link,) = [c for c in dm.iter_components() if c.get("url")]
    assert link["url"].endswith(f"/{loopback_guild.general.id}/{post.id}")
    assert ana.dms == [] and ben.dms == [] and cai.dms == []
    assert failed == ()  # closed DMs are the member's choice, not a failure


async def test_a_round_posted_without_its_thread_is_told_to_the_coordinator_once(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    await set_up(coordinator)
    await adopt(coordinator)
    loopback_server.fail_next(
        "POST /channels/{channel_id}/messages/{message_id}/threads", 1, status=403
    )

    opened = await reply(await coordinator.invoke("vitality survey"))
    later = await reply(await coordinator.invoke("vitality threshold", value=0.5))

    assert opened.content.startswith("Opened the survey")
    assert "could not start a thread" in opened.content
    assert "could not start a thread" not in later.content
    failed = (await status_of(app.services, loopback_guild)).failed_deliveries
    assert [(d.kind, d.status) for d in failed] == [("thread", DeliveryStatus.FAILED)]
    round_ = (await status_of(app.services, loopback_guild)).open_rounds[0].round
    assert round_.message_id is not None and round_.thread_id is None


async def test_the_owner_hears_of_a_broken_channel_once_across_failures_and_a_restart(
    loopback_server: LoopbackDiscord, loopback_guild: Guild, make_settings: MakeSettings
) -> None:
    coordinator = coordinator_of(loopback_guild)
    async with running_bot(loopback_server, make_settings()) as first:
        await set_up(coordinator)
        await adopt(coordinator)
        community = await only_community(first.services, loopback_guild)
        loopback_server.forbid_channel(loopback_guild.general.id)
        await open_round(first.services, community.id, "survey", period="2026-12")
        await open_round(first.services, community.id, "checkin", period="2026-12")
    async with running_bot(loopback_server, make_settings()) as second:
        await open_round(second.services, community.id, "survey", period="2027-01")
        failed = (await status_of(second.services, loopback_guild)).failed_deliveries

    assert len(failed) >= 3  # every refusal is logged ...
    (note,) = loopback_guild.owner.dms  # ... and the owner heard of the first one only
    assert "could not post the survey" in note.content and "/vitality setup" in note.content

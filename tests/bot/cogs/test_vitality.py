"""``/vitality``: coordinators set the community up and run rounds; everyone else is refused."""

from __future__ import annotations

import pytest

from loopback import Guild, LoopbackDiscord
from loopback.permissions import MANAGE_GUILD
from vitalitybot.bot.runner import App
from vitalitybot.services import NotConfigured, my_answers
from vitalitybot.services import open_round as open_round_for

from ..conftest import MakeSettings
from ..support import (
    COMMUNITY,
    COP,
    TIMEZONE,
    adopt,
    answer_survey,
    coordinator_of,
    only_community,
    open_round,
    reply,
    round_id_of,
    running_bot,
    set_up,
    status_of,
    text_of,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def test_the_commands_are_registered_for_server_managers_in_servers_only(
    app: App, loopback_server: LoopbackDiscord
) -> None:
    synced = {c["name"]: c for c in await loopback_server.wait_for_sync()}

    assert set(synced) == {"pattern", "vitality", "me"}
    assert int(synced["vitality"]["default_member_permissions"]) == MANAGE_GUILD
    assert synced["vitality"]["contexts"] == [0]  # guilds only
    assert synced["me"].get("default_member_permissions") is None
    subcommands = {o["name"] for o in synced["vitality"]["options"]}
    assert subcommands == {
        "setup", "adopt", "drop", "schedule", "threshold", "privacy",
        "checkin", "survey", "close", "status",
        "trend", "export", "harvest", "harvests", "commitments", "commit",
        "sponsors", "portfolio",
    }  # fmt: skip


async def test_a_member_without_the_coordinator_role_is_refused_privately(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    coordinators = loopback_guild.add_role("coordinators")
    manager = coordinator_of(loopback_guild)
    cora = loopback_guild.add_member("cora", roles=[coordinators])
    bob = loopback_guild.add_member("bob")
    await set_up(manager, coordinator_role=coordinators)
    await adopt(manager)

    refused = await reply(await bob.invoke("vitality survey"))
    allowed = await reply(await cora.invoke("vitality survey"))

    assert (
        refused.ephemeral
        and refused.content == f"Only the coordinators of {COMMUNITY} can do this."
    )
    assert allowed.ephemeral and allowed.content.startswith("Opened the survey")
    posts = [m for m in loopback_server.messages_in(loopback_guild.general.id) if m.components]
    assert len(posts) == 1


async def test_setting_up_needs_manage_server(app: App, loopback_guild: Guild) -> None:
    bob = loopback_guild.add_member("bob")

    refused = await reply(
        await bob.invoke(
            "vitality setup", name=COMMUNITY, channel=loopback_guild.general, timezone=TIMEZONE
        )
    )

    assert refused.ephemeral and "manage this server" in refused.content
    with pytest.raises(NotConfigured):
        await only_community(app.services, loopback_guild)


async def test_an_unknown_time_zone_is_explained_privately_and_nothing_is_saved(
    app: App, loopback_guild: Guild
) -> None:
    manager = coordinator_of(loopback_guild)

    zones = await manager.autocomplete("vitality setup", "timezone", "berl")
    answer = await reply(
        await manager.invoke(
            "vitality setup",
            name=COMMUNITY,
            channel=loopback_guild.general,
            timezone="Mars/Olympus",
        )
    )

    assert {"name": "Europe/Berlin", "value": "Europe/Berlin"} in zones
    assert answer.ephemeral and "Mars/Olympus" in answer.content
    with pytest.raises(NotConfigured):
        await only_community(app.services, loopback_guild)


async def test_setup_warns_when_the_bot_cannot_post_in_the_chosen_channel(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    locked = loopback_guild.add_channel("locked")
    loopback_server.forbid_channel(locked.id)
    manager = coordinator_of(loopback_guild)
    await loopback_server.wait_until(
        lambda: True if app.bot.get_channel(locked.id) is not None else None, "#locked cached"
    )

    answer = await set_up(manager, channel=locked)

    assert "Heads up" in answer and "Send Messages" in answer and "rounds will fail" in answer


async def test_schedule_and_threshold_answer_in_the_coordinators_words(
    app: App, loopback_guild: Guild
) -> None:
    manager = coordinator_of(loopback_guild)
    await set_up(manager)

    scheduled = await reply(
        await manager.invoke(
            "vitality schedule", kind="survey", cadence="quarterly", day="last friday", time="9:30"
        )
    )
    muddled = await reply(
        await manager.invoke("vitality schedule", kind="checkin", cadence="monthly", day="someday")
    )
    threshold = await reply(
        await manager.invoke("vitality threshold", value=0.4, min_respondents=4)
    )

    assert (
        scheduled.content.startswith(f"Surveys for **{COMMUNITY}** now run")
        and "09:30" in scheduled.content
    )
    assert muddled.ephemeral and "someday" in muddled.content
    assert "40% of at least 4 respondents" in threshold.content
    community = await only_community(app.services, loopback_guild)
    assert (community.threshold, community.min_respondents) == (0.4, 4)


async def test_adopting_names_the_rhythms_the_pattern_states(
    app: App, loopback_guild: Guild
) -> None:
    manager = coordinator_of(loopback_guild)
    await set_up(manager)

    answer = await adopt(manager, COP)

    # "Run a short check-in monthly or quarterly": quarterly by default, monthly offered.
    assert "Check-in: the first Tuesday of every quarter" in answer
    assert "\u201cmonthly or quarterly\u201d; scheduled quarterly" in answer
    assert "`/vitality schedule kind:checkin cadence:monthly`" in answer


async def test_a_schedule_is_paused_and_resumed_from_discord(
    app: App, loopback_guild: Guild
) -> None:
    manager = coordinator_of(loopback_guild)
    await set_up(manager)
    await adopt(manager, "energizing-participation")

    paused = await reply(await manager.invoke("vitality schedule", kind="survey", enabled=False))
    shown = text_of(await reply(await manager.invoke("vitality status")))
    views = {
        v.schedule.kind.value: v for v in (await status_of(app.services, loopback_guild)).schedules
    }

    assert paused.ephemeral and paused.content.startswith(f"Surveys for **{COMMUNITY}** are paused")
    assert "kind:survey enabled:true" in paused.content
    assert "(paused)" in shown and "every quarter" in shown
    assert not views["survey"].schedule.enabled and views["survey"].next_run is None
    assert views["checkin"].schedule.enabled  # the other ritual runs on

    resumed = await reply(await manager.invoke("vitality schedule", kind="survey", enabled=True))
    views = {
        v.schedule.kind.value: v for v in (await status_of(app.services, loopback_guild)).schedules
    }

    # Resuming keeps the timing the pattern gave: the third Tuesday of each quarter.
    assert resumed.content.startswith(
        f"Surveys for **{COMMUNITY}** now run "
        "the third Tuesday of every quarter (Jan, Apr, Jul, Oct)"
    )
    assert views["survey"].schedule.enabled and views["survey"].next_run is not None


async def test_rarer_cadences_can_be_chosen_in_discord(app: App, loopback_guild: Guild) -> None:
    manager = coordinator_of(loopback_guild)
    await set_up(manager)

    yearly = await reply(
        await manager.invoke("vitality schedule", kind="survey", cadence="yearly", day="15")
    )
    twice = await reply(
        await manager.invoke("vitality schedule", kind="checkin", cadence="twice-a-year")
    )

    assert yearly.content.startswith(
        f"Surveys for **{COMMUNITY}** now run day 15 of every year (Jan)"
    )
    assert twice.content.startswith(
        f"Check-ins for **{COMMUNITY}** now run the first Tuesday of every half year"
    )


async def test_privacy_shows_and_changes_the_settings_of_the_next_rounds(
    app: App, loopback_guild: Guild
) -> None:
    manager = coordinator_of(loopback_guild)
    await set_up(manager)
    await adopt(manager)

    shown = await reply(await manager.invoke("vitality privacy"))
    for minimum in (1, 2):  # Discord's option range refuses them before the bot sees them
        with pytest.raises(ValueError, match="outside"):
            await manager.invoke("vitality privacy", min_respondents=minimum)
    named = await reply(
        await manager.invoke("vitality privacy", anonymous=False, min_respondents=4, max_items=4)
    )
    post = await open_round(manager, "survey")
    raised = await reply(await manager.invoke("vitality privacy", min_respondents=6))
    turned = await reply(await manager.invoke("vitality privacy", anonymous=True))

    assert shown.content.startswith(f"**Privacy of the next rounds** of **{COMMUNITY}**")
    assert shown.ephemeral and "**Anonymous**" in shown.content
    assert "until at least 5 members have answered" in shown.content
    assert named.ephemeral and "**Named**" in named.content
    assert "at least 4 members" in named.content and "at most 4 questions" in named.content
    assert raised.ephemeral and "at least 6 members" in raised.content
    # The round opened while named keeps its own minimum and anonymity in its receipt.
    receipt = text_of(post)
    assert "Who sees what" in receipt and "until at least 4 people have answered" in receipt
    assert "next to your Discord id" in receipt
    assert "**Anonymous**" in turned.content
    community = await only_community(app.services, loopback_guild)
    assert (community.anonymous, community.min_respondents, community.max_items) == (True, 6, 4)


async def test_status_attaches_a_png_chart(app: App, loopback_guild: Guild) -> None:
    manager = coordinator_of(loopback_guild)
    await set_up(manager)
    await adopt(manager)
    await open_round(manager, "survey")

    answer = await reply(await manager.invoke("vitality status"))

    assert answer.ephemeral and f"{COMMUNITY}: vitality at a glance" in text_of(answer)
    (chart,) = answer.attachments
    assert chart.filename.endswith(".png") and chart.data.startswith(PNG_SIGNATURE)


async def test_closing_with_nothing_open_says_so(app: App, loopback_guild: Guild) -> None:
    manager = coordinator_of(loopback_guild)
    await set_up(manager)

    answer = await reply(await manager.invoke("vitality close"))

    assert answer.ephemeral and answer.content == "There is no open round to close."


async def test_closing_and_reopening_at_once_posts_a_new_survey_members_can_answer(
    app: App, loopback_guild: Guild
) -> None:
    manager = coordinator_of(loopback_guild)
    ana = loopback_guild.add_member("ana")
    await set_up(manager)
    await adopt(manager)
    first = round_id_of(await open_round(manager, "survey"))
    assert (await reply(await manager.invoke("vitality close"))).content.startswith("Closed")

    again = await reply(await manager.invoke("vitality survey"))
    assert "Opened the" in again.content, again.content
    post = await loopback_guild.general.wait_for_message(
        lambda m: (
            any(c.startswith("vb:answer:") for c in m.custom_ids()) and round_id_of(m) != first
        )
    )
    second = round_id_of(post)
    await answer_survey(ana, post, lambda i: 3)
    (mine,) = {
        a.round_id for a in await my_answers(app.services, loopback_guild.id, second, ana.id)
    }
    assert second != first and mine == second


async def test_every_coordinator_command_refuses_a_member_privately_and_changes_nothing(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    manager = coordinator_of(loopback_guild)
    bob = loopback_guild.add_member("bob")
    await set_up(manager)
    await adopt(manager)
    before = await status_of(app.services, loopback_guild)
    commands = {
        "vitality adopt": {"pattern": COP},
        "vitality drop": {"pattern": COP},
        "vitality schedule": {"kind": "survey", "cadence": "weekly"},
        "vitality threshold": {"value": 0.1},
        "vitality privacy": {"anonymous": False, "min_respondents": 3},
        "vitality checkin": {},
        "vitality survey": {},
        "vitality close": {},
        "vitality status": {},
        "vitality harvest": {},
        "vitality trend": {},
        "vitality export": {},
        "vitality harvests": {"query": "notes"},
    }

    refusals = [
        await reply(await bob.invoke(name, **options)) for name, options in commands.items()
    ]

    assert all(r.ephemeral for r in refusals)
    assert {r.content for r in refusals} == {
        f"Only server administrators can do this for {COMMUNITY} until it has a coordinator role."
    }
    after = await status_of(app.services, loopback_guild)
    assert (after.community, after.adopted, after.schedules) == (
        before.community,
        before.adopted,
        before.schedules,
    )
    assert after.open_rounds == () and loopback_guild.general.messages == []


async def test_a_failed_post_is_told_once_by_the_next_process_to_answer_a_coordinator(
    loopback_server: LoopbackDiscord, loopback_guild: Guild, make_settings: MakeSettings
) -> None:
    manager = coordinator_of(loopback_guild)
    async with running_bot(loopback_server, make_settings()) as first:
        await set_up(manager)
        await adopt(manager)
        community = await only_community(first.services, loopback_guild)
        loopback_server.forbid_channel(loopback_guild.general.id)
        # The scheduler's opening, which no coordinator command answers.
        await open_round_for(first.services, community.id, "survey", period="2026-12")
    loopback_server.forbid_channel(loopback_guild.general.id, False)  # an admin fixed it

    async with running_bot(loopback_server, make_settings()) as second:
        told = await reply(await manager.invoke("vitality threshold", value=0.5))
        again = await reply(await manager.invoke("vitality threshold", value=0.5))
        listed = await reply(await manager.invoke("vitality status"))
        failed = (await status_of(second.services, loopback_guild)).failed_deliveries

    assert "some posts failed" in told.content and "could not post the survey" in told.content
    assert "some posts failed" not in again.content
    assert "could not post the survey" in text_of(listed)  # status still lists it
    assert [d.kind for d in failed] == ["round"]


async def test_discord_offers_the_threshold_the_bot_accepts_and_no_lower(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    synced = {c["name"]: c for c in await loopback_server.wait_for_sync()}
    threshold = next(o for o in synced["vitality"]["options"] if o["name"] == "threshold")
    value = next(o for o in threshold["options"] if o["name"] == "value")
    coordinator = coordinator_of(loopback_guild)
    await set_up(coordinator)

    lowest = await reply(await coordinator.invoke("vitality threshold", value=value["min_value"]))

    assert value["min_value"] > 0 and value["max_value"] == 1
    assert lowest.content.startswith(f"For **{COMMUNITY}**, a sign now crosses when at least 1% of")

"""``/me``: a member's own data and settings, always answered privately."""

from __future__ import annotations

import json

import discord

from loopback import Channel, Guild, LoopbackDiscord, Member, MessageRecord
from vitalitybot.bot.runner import App
from vitalitybot.bot.views.common import static_view
from vitalitybot.services import Place, find_community, member_prefs, my_answers
from vitalitybot.services.places import server_communities

from ..conftest import MakeSettings
from ..support import (
    adopt,
    answer_survey,
    coordinator_of,
    open_round,
    reply,
    round_id_of,
    running_bot,
    set_up,
)


async def answered_survey(guild: Guild, rating: int) -> tuple[Member, Member, MessageRecord]:
    """A coordinator, and ana who answered an open anonymous survey with ``rating``."""
    coordinator = coordinator_of(guild)
    ana = guild.add_member("ana")
    await set_up(coordinator)
    await adopt(coordinator)
    post = await open_round(coordinator, "survey")
    await answer_survey(ana, post, lambda _: rating)
    return coordinator, ana, post


async def two_communities(guild: Guild) -> tuple[Member, Channel]:
    """A coordinator who set up "Protocol nurses" in #general and "Maintainers" in
    #maintainers, each watching the pattern; and #maintainers."""
    coordinator = coordinator_of(guild)
    maintainers = guild.add_channel("maintainers")
    await set_up(coordinator)
    await set_up(coordinator, maintainers, name="Maintainers")
    await adopt(coordinator)
    await adopt(coordinator.at(maintainers))
    return coordinator, maintainers


async def answered_in_both(guild: Guild) -> tuple[Member, int, int]:
    """ana, who rated 2 in a survey of "Protocol nurses" and 5 in one of "Maintainers";
    and the two rounds."""
    coordinator, maintainers = await two_communities(guild)
    ana = guild.add_member("ana")
    nurses = await open_round(coordinator, "survey")
    others = await open_round(coordinator.at(maintainers), "survey", maintainers)
    await answer_survey(ana, nurses, lambda _: 2)
    await answer_survey(ana, others, lambda _: 5)
    return ana, round_id_of(nurses), round_id_of(others)


async def ratings(app: App, guild: Guild, round_id: int, member: Member) -> set[int | None]:
    return {a.value for a in await my_answers(app.services, guild.id, round_id, member.id)}


async def confirm_forget(member: Member, asked: MessageRecord) -> MessageRecord:
    forget = next(
        c for c in asked.custom_ids() if (asked.component(c) or {}).get("label") == "Forget me"
    )
    return await reply(await member.click(asked, forget))


async def test_export_sends_the_members_data_as_a_private_json_file(
    app: App, loopback_guild: Guild
) -> None:
    _, ana, post = await answered_survey(loopback_guild, 4)

    exported = await reply(await ana.invoke("me export"))

    assert exported.ephemeral
    (document,) = exported.attachments
    assert document.filename.endswith(".json")
    data = json.loads(document.text)
    assert data["member_id"] == str(ana.id)
    (section,) = data["communities"]
    (round_,) = section["rounds"]
    assert round_["round_id"] == round_id_of(post)
    assert {a["rating"] for a in round_["answers"]} == {4}


async def test_forget_asks_first_then_deletes_the_members_answers(
    app: App, loopback_guild: Guild
) -> None:
    _, ana, post = await answered_survey(loopback_guild, 2)
    round_id = round_id_of(post)

    asked = await reply(await ana.invoke("me forget"))
    assert asked.ephemeral and await my_answers(app.services, loopback_guild.id, round_id, ana.id)
    done = await confirm_forget(ana, asked)

    assert done.content.startswith("Done:")
    assert await my_answers(app.services, loopback_guild.id, round_id, ana.id) == []


async def test_after_an_anonymous_round_closes_export_and_forget_say_it_is_out_of_reach(
    app: App, loopback_guild: Guild
) -> None:
    coordinator, ana, _ = await answered_survey(loopback_guild, 4)
    await reply(await coordinator.invoke("vitality close"))

    exported = await reply(await ana.invoke("me export"))
    asked = await reply(await ana.invoke("me forget"))
    assert "cannot be found to delete" in asked.content  # said before the member confirms
    done = await confirm_forget(ana, asked)

    (document,) = exported.attachments
    (section,) = json.loads(document.text)["communities"]
    assert section["rounds"] == [] and section["ended_anonymous_rounds_not_linkable"] == 1
    assert "0 rounds" in exported.content and "nothing links your answers" in exported.content
    assert done.content.startswith("Done: 0 records")
    assert "nothing links your answers" in done.content


async def test_pause_and_reminders_change_only_the_members_own_settings(
    app: App, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    ana, ben = loopback_guild.add_member("ana"), loopback_guild.add_member("ben")
    await set_up(coordinator)

    paused = await reply(await ana.invoke("me pause"))
    quiet = await reply(await ben.invoke("me reminders", state="off"))

    assert paused.ephemeral and quiet.ephemeral
    community = await find_community(app.services, Place(loopback_guild.id))
    ana_prefs = await member_prefs(app.services, community.id, ana.id)
    ben_prefs = await member_prefs(app.services, community.id, ben.id)
    assert ana_prefs is not None and ana_prefs.paused and not ana_prefs.reminders_off
    assert ben_prefs is not None and ben_prefs.reminders_off and not ben_prefs.paused


async def test_a_forget_confirmation_shown_before_a_restart_still_works_after_it(
    loopback_server: LoopbackDiscord, loopback_guild: Guild, make_settings: MakeSettings
) -> None:
    async with running_bot(loopback_server, make_settings()):
        _, ana, post = await answered_survey(loopback_guild, 2)
        asked = await reply(await ana.invoke("me forget"))
    async with running_bot(loopback_server, make_settings()) as restarted:
        done = await confirm_forget(ana, asked)
        left = await my_answers(restarted.services, loopback_guild.id, round_id_of(post), ana.id)

    assert done.content.startswith("Done:")
    assert left == []


async def test_export_in_a_server_with_two_communities_lists_both(
    app: App, loopback_guild: Guild
) -> None:
    ana, nurses, others = await answered_in_both(loopback_guild)

    exported = await reply(await ana.invoke("me export"))

    (document,) = exported.attachments
    sections = {s["community"]["name"]: s for s in json.loads(document.text)["communities"]}
    assert list(sections) == ["Maintainers", "Protocol nurses"]
    for name, round_id, rating in (("Protocol nurses", nurses, 2), ("Maintainers", others, 5)):
        (round_,) = sections[name]["rounds"]
        assert round_["round_id"] == round_id
        assert {a["rating"] for a in round_["answers"]} == {rating}
    assert "all 2 of this server's communities" in exported.content
    assert "2 rounds" in exported.content


async def test_export_of_a_named_community_holds_that_one_alone(
    app: App, loopback_guild: Guild
) -> None:
    ana, _, others = await answered_in_both(loopback_guild)

    exported = await reply(await ana.invoke("me export", community="Maintainers"))

    (document,) = exported.attachments
    (section,) = json.loads(document.text)["communities"]
    assert section["community"]["name"] == "Maintainers"
    assert [r["round_id"] for r in section["rounds"]] == [others]
    assert "in **Maintainers**: 1 round." in exported.content


async def test_forget_in_one_community_leaves_the_other(app: App, loopback_guild: Guild) -> None:
    ana, nurses, others = await answered_in_both(loopback_guild)

    asked = await reply(await ana.invoke("me forget", community="Protocol nurses"))
    assert "**Protocol nurses**" in asked.content and "Maintainers" not in asked.content
    done = await confirm_forget(ana, asked)

    assert done.content.startswith("Done:") and "deleted in **Protocol nurses**" in done.content
    assert await ratings(app, loopback_guild, nurses, ana) == set()
    assert await ratings(app, loopback_guild, others, ana) == {5}


async def test_pause_without_a_community_reaches_every_one_and_names_them(
    app: App, loopback_guild: Guild
) -> None:
    await two_communities(loopback_guild)
    ana = loopback_guild.add_member("ana")

    offered = await ana.autocomplete("me pause", "community", "main")
    paused = await reply(await ana.invoke("me pause"))

    assert [c["name"] for c in offered] == ["Maintainers"]
    assert "**Maintainers**, **Protocol nurses**" in paused.content
    for community in await server_communities(app.services, loopback_guild.id):
        prefs = await member_prefs(app.services, community.id, ana.id)
        assert prefs is not None and prefs.paused


async def test_reminders_off_in_one_community_leave_the_others_on(
    app: App, loopback_guild: Guild
) -> None:
    await two_communities(loopback_guild)
    ana = loopback_guild.add_member("ana")

    quiet = await reply(await ana.invoke("me reminders", state="off", community="maintainers"))

    assert quiet.content.startswith("Reminders off in **Maintainers**:")
    prefs = {
        c.name: await member_prefs(app.services, c.id, ana.id)
        for c in await server_communities(app.services, loopback_guild.id)
    }
    maintainers = prefs["Maintainers"]
    assert maintainers is not None and maintainers.reminders_off
    assert prefs["Protocol nurses"] is None  # never asked: reminders stay on


async def test_a_community_the_server_does_not_have_is_refused_and_nothing_changes(
    app: App, loopback_guild: Guild
) -> None:
    await two_communities(loopback_guild)
    ana = loopback_guild.add_member("ana")

    refused = await reply(await ana.invoke("me pause", community="Gardeners"))

    assert refused.ephemeral
    assert refused.content.startswith("This server has no community called 'Gardeners'.")
    for community in await server_communities(app.services, loopback_guild.id):
        assert await member_prefs(app.services, community.id, ana.id) is None


async def test_a_forget_confirmation_from_before_communities_were_named_forgets_all(
    app: App, loopback_guild: Guild
) -> None:
    """Earlier versions gave the button the id ``vb:forget:<member>``, meaning the
    server's one community: clicked now, it forgets the member in all of them."""
    ana, nurses, others = await answered_in_both(loopback_guild)
    old_id = f"vb:forget:{ana.id}"
    button: discord.ui.Button[discord.ui.View] = discord.ui.Button(
        label="Forget me", style=discord.ButtonStyle.danger, custom_id=old_id
    )
    general = app.bot.get_partial_messageable(loopback_guild.general.id)
    await general.send("Forget me? (as an earlier version asked)", view=static_view(button))
    asked = await loopback_guild.general.wait_for_message(lambda m: old_id in m.custom_ids())

    done = await reply(await ana.click(asked, old_id))

    assert done.content.startswith("Done:")
    assert "all 2 of this server's communities" in done.content
    assert await ratings(app, loopback_guild, nurses, ana) == set()
    assert await ratings(app, loopback_guild, others, ana) == set()

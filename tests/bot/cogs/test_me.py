"""``/me``: a member's own data and settings, always answered privately."""

from __future__ import annotations

import json

from loopback import Guild, LoopbackDiscord, Member, MessageRecord
from vitalitybot.bot.runner import App
from vitalitybot.services import member_prefs, my_answers

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
    (round_,) = data["rounds"]
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
    assert json.loads(document.text)["rounds"] == []
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
    ana_prefs = await member_prefs(app.services, loopback_guild.id, ana.id)
    ben_prefs = await member_prefs(app.services, loopback_guild.id, ben.id)
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

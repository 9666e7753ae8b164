"""The check-in flow: the reflection form, sharing or keeping private, and the harvest."""

from __future__ import annotations

from loopback import Guild, LoopbackDiscord, Member, MessageRecord
from vitalitybot.bot.runner import App
from vitalitybot.services import ANSWER_TEXT_MAX, my_answers

from ..support import (
    adopt,
    coordinator_of,
    custom_id,
    open_round,
    reply,
    round_id_of,
    set_up,
    text_of,
)

FEWER_PROMPTS = "energizing-participation"  # a shipped pattern with four check-in prompts


def share_button(message: MessageRecord, *, share: bool) -> str:
    return next(
        c
        for c in message.custom_ids()
        if c.startswith("vb:share:") and c.endswith(f":{int(share)}")
    )


async def reflect(
    member: Member, post: MessageRecord, texts: list[str], **extra: object
) -> MessageRecord:
    """Click Reflect, write ``texts`` into the first prompts, submit; the private reply."""
    opened = await member.click(post, custom_id(post, "vb:reflect:"))
    modal = await opened.wait_modal()
    prompts = [c for c in modal.fields() if c.startswith("vb:q:")]
    values: dict[str, object] = dict(zip(prompts, texts, strict=False))
    values.update(extra)
    return await reply(await member.submit_modal(opened, values))


async def test_only_the_reflections_a_member_shares_reach_the_harvest(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    ana, ben = loopback_guild.add_member("ana"), loopback_guild.add_member("ben")
    await set_up(coordinator)
    await adopt(coordinator)
    post = await open_round(coordinator, "checkin")

    opened = await ana.click(post, custom_id(post, "vb:reflect:"))
    modal = await opened.wait_modal()
    inputs = {key: spec for key, spec in modal.fields().items() if key.startswith("vb:q:")}
    assert len(modal.components) == len(inputs) == 5  # five prompts fill Discord's five places
    assert all(s["max_length"] == ANSWER_TEXT_MAX and not s["required"] for s in inputs.values())
    assert all(len(s.get("placeholder", "")) <= 100 for s in inputs.values())
    assert all(0 < len(item["label"]) <= 45 for item in modal.components)
    words = "Pairing newcomers with an old hand made the wiki alive"
    saved = await reply(await ana.submit_modal(opened, {next(iter(inputs)): words}))
    assert saved.ephemeral and "Kept private" in saved.content
    shared = await reply(await ana.click(saved, share_button(saved, share=True)))
    assert "Shared" in shared.content
    kept = await reflect(ben, post, ["Ben's private doubt about the steering group"])
    assert "Kept private" in kept.content

    closing = await reply(await coordinator.invoke("vitality close"))
    assert "2 members answered" in closing.content
    harvest = await loopback_server.wait_for_message(
        post.thread_id or 0, lambda m: bool(m.attachments)
    )
    digest = text_of(harvest) + harvest.attachments[0].text
    assert words in digest
    assert "steering group" not in digest

    as_file = await reply(await coordinator.invoke("vitality harvest"))
    assert as_file.ephemeral and "Pairing newcomers" in as_file.attachments[0].text
    # One file, one name, whether attached to the post or asked for later.
    assert as_file.attachments[0].filename == harvest.attachments[0].filename
    assert as_file.attachments[0].text == harvest.attachments[0].text


async def test_with_fewer_than_five_prompts_the_form_itself_asks_whether_to_share(
    app: App, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    ana = loopback_guild.add_member("ana")
    await set_up(coordinator)
    await adopt(coordinator, FEWER_PROMPTS)
    post = await open_round(coordinator, "checkin")

    opened = await ana.click(post, custom_id(post, "vb:reflect:"))
    modal = await opened.wait_modal()
    prompts = [key for key in modal.fields() if key.startswith("vb:q:")]
    assert len(prompts) == 4 and len(modal.components) == 5
    words = "We answered each other's questions within a day"
    choice = {"vb:share-choice": ["share"]}
    saved = await reply(await ana.submit_modal(opened, {prompts[0]: words} | choice))

    assert "Shared" in saved.content
    stored = await my_answers(app.services, loopback_guild.id, round_id_of(post), ana.id)
    (answer,) = [a for a in stored if a.text]
    assert answer.shared and answer.text == words


async def test_reflecting_again_starts_from_the_earlier_words(
    app: App, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    ana = loopback_guild.add_member("ana")
    await set_up(coordinator)
    await adopt(coordinator)
    post = await open_round(coordinator, "checkin")
    await reflect(ana, post, ["first words"])

    opened = await ana.click(post, custom_id(post, "vb:reflect:"))
    modal = await opened.wait_modal()

    first = next(spec for key, spec in modal.fields().items() if key.startswith("vb:q:"))
    assert first.get("value") == "first words"

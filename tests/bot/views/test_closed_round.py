"""A round's post once the round has closed: edited to say so, its buttons gone, and an
old button (from a client that has not caught up) answering where the results are."""

from __future__ import annotations

from loopback import Guild, LoopbackDiscord
from vitalitybot.bot.runner import App

from ..support import (
    adopt,
    answer_survey,
    coordinator_of,
    custom_id,
    only_community,
    open_round,
    reply,
    round_id_of,
    set_up,
    text_of,
)


async def test_closing_edits_the_round_post_shut_and_an_old_button_says_where_results_are(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    manager = coordinator_of(loopback_guild)
    ana, ben = loopback_guild.add_member("ana"), loopback_guild.add_member("ben")
    await set_up(manager)
    await adopt(manager)
    post = await open_round(manager, "survey")
    answer_button = custom_id(post, "vb:answer:")
    await answer_survey(ana, post, lambda _: 4)
    community = await only_community(app.services, loopback_guild)
    async with app.services.repos() as repos:
        round_ = await repos.rounds.get(community.id, round_id_of(post))
    assert round_ is not None and round_.thread_id is not None

    # The edit is held a moment, as Discord may be slow: meanwhile the old button is live.
    loopback_server.hold_next("PATCH /channels/{channel_id}/messages/{message_id}", before=True)
    closing = await manager.invoke("vitality close")
    await loopback_server.wait_until(
        lambda: True if loopback_server.held.held else None, "the edit to be on its way"
    )
    # Ben never answered; the button he still sees must not speak of lost answers.
    late = await reply(await ben.click(post, answer_button))
    loopback_server.release_held()
    assert (await reply(closing)).content.startswith("Closed")
    await loopback_server.wait_until(
        lambda: True if not loopback_server.message(post.id).custom_ids() else None,
        "the round post to lose its buttons",
    )

    assert late.ephemeral
    assert late.content == f"This survey has closed; its results are in <#{round_.thread_id}>."
    edited = loopback_server.message(post.id)
    assert edited is not None and edited.custom_ids() == []
    shown = text_of(edited)
    assert "has closed" in shown and f"<#{round_.thread_id}>" in shown
    assert "Open until" not in shown

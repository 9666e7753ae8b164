"""The whole loop on Discord, end to end: set up, adopt, survey, five answers, close, remedy."""

from __future__ import annotations

from loopback import Guild, LoopbackDiscord
from loopback.intents import GUILDS
from vitalitybot.bot.runner import App
from vitalitybot.domain.records import QuestionKind
from vitalitybot.render.environment import oneline

from .support import (
    COMMUNITY,
    COP,
    adopt,
    answer_survey,
    coordinator_of,
    custom_id,
    open_round,
    reply,
    round_id_of,
    set_up,
    survey_questions,
    text_of,
)


async def test_five_answers_over_the_threshold_bring_the_patterns_remedy_into_the_thread(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    members = [loopback_guild.add_member(name) for name in ("ana", "ben", "cai", "dee", "eli")]
    assert f"Set up **{COMMUNITY}** as a new community" in await set_up(coordinator)
    assert "Now watching" in await adopt(coordinator)
    post = await open_round(coordinator, "survey")
    round_id = round_id_of(post)
    pattern = app.services.patterns[COP]
    questions = await survey_questions(app, loopback_guild, round_id)
    remedied = {r.sign_id: r for r in pattern.remedies}
    target = next(q for q in questions if q.kind is QuestionKind.DECAY and q.sign_id in remedied)
    target_index = questions.index(target)

    for member in members:
        done = await answer_survey(member, post, lambda i: 5 if i == target_index else 1)
        assert done.content.startswith("Thank you")

    closing = await reply(await coordinator.invoke("vitality close"))
    assert closing.ephemeral and "5 members answered" in closing.content

    thread = post.thread_id
    assert thread is not None and loopback_server.state.channels[thread].is_thread
    step_titles = [
        oneline(s.title) for s in pattern.steps if s.number in remedied[target.sign_id].step_numbers
    ]
    suggestion = await loopback_server.wait_for_message(
        thread, lambda m: all(title in text_of(m) for title in step_titles)
    )
    assert step_titles and suggestion.author.id == loopback_server.bot.id
    results = loopback_server.messages_in(thread)[0]
    assert "5" in text_of(results)


async def test_the_bot_asks_discord_for_the_guilds_intent_only(
    app: App, loopback_server: LoopbackDiscord
) -> None:
    session = loopback_server.gateway.active_session()
    assert session is not None and session.intents == GUILDS
    assert app.bot.allowed_mentions is not None
    assert app.bot.allowed_mentions.to_dict() == {"parse": []}


async def test_member_text_with_everyone_and_a_role_mention_pings_no_one(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    stewards = loopback_guild.add_role("stewards", mentionable=True)
    coordinator = coordinator_of(loopback_guild)
    ana = loopback_guild.add_member("ana")
    await set_up(coordinator)
    await adopt(coordinator)
    post = await open_round(coordinator, "checkin")
    loud = f"@everyone read this, {stewards.mention}! # not a heading"
    opened = await ana.click(post, custom_id(post, "vb:reflect:"))
    first = next(k for k in (await opened.wait_modal()).fields() if k.startswith("vb:q:"))
    saved = await reply(await ana.submit_modal(opened, {first: loud}))
    await reply(await ana.click(saved, next(c for c in saved.custom_ids() if c.endswith(":1"))))

    await reply(await coordinator.invoke("vitality close"))

    harvest = await loopback_server.wait_for_message(post.thread_id or 0, lambda m: m.attachments)
    shown = text_of(harvest)
    assert "read this" in shown and "@everyone" not in shown and "@\u200beveryone" in shown
    assert stewards.mention not in shown and "\\# not a heading" in shown
    assert not harvest.pings.anyone
    sent = [
        m for m in loopback_server.state.messages.values() if m.author.id == loopback_server.bot.id
    ]
    assert len(sent) > 5
    assert all(m.allowed_mentions == {"parse": []} for m in sent), [
        (m.content[:40], m.allowed_mentions) for m in sent if m.allowed_mentions != {"parse": []}
    ]

"""You said, we did, end to end on Discord: a suggestion, a commitment to it, the next
round's opening telling it, and the next results showing the sign before and now."""

from __future__ import annotations

from loopback import Guild, LoopbackDiscord, Member, MessageRecord
from vitalitybot.bot.runner import App
from vitalitybot.domain.records import QuestionKind

from .support import (
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

PIN = "Pin one guide a month"


async def _well_try_this(member: Member, suggestion: MessageRecord) -> str:
    """Click "We'll try this" under the suggestion and fill its form with our words."""
    opened = await member.click(suggestion, custom_id(suggestion, "vb:commit:"))
    await opened.wait_modal()
    return (await reply(await member.submit_modal(opened, {"vb:commit-what": PIN}))).content


async def test_a_commitment_is_told_by_the_next_opening_and_weighed_by_the_next_results(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    members = [loopback_guild.add_member(name) for name in ("ana", "ben", "cai", "dee", "eli")]
    await set_up(coordinator)
    await adopt(coordinator)
    remedied = {r.sign_id for r in app.services.patterns[COP].remedies}

    first = await open_round(coordinator, "survey")
    questions = await survey_questions(app, loopback_guild, round_id_of(first))
    target = next(q for q in questions if q.kind is QuestionKind.DECAY and q.sign_id in remedied)
    index = questions.index(target)
    for member in members:  # everyone sees it constantly: 100%
        await answer_survey(member, first, lambda i: 5 if i == index else 1)
    await reply(await coordinator.invoke("vitality close"))
    assert first.thread_id is not None
    suggestion = await loopback_server.wait_for_message(
        first.thread_id, lambda m: any(c.startswith("vb:commit:") for c in m.custom_ids())
    )
    assert "Saved" in await _well_try_this(coordinator, suggestion)

    answer = await reply(await coordinator.invoke("vitality survey"))
    assert "Opened the" in answer.content, answer.content
    second = await loopback_guild.general.wait_for_message(
        lambda m: any(c.startswith("vb:answer:") for c in m.custom_ids()) and m.id != first.id
    )
    opening = text_of(second)
    assert "Since last time" in opening and f"we committed to “{PIN}”" in opening
    questions = await survey_questions(app, loopback_guild, round_id_of(second))
    index = next(i for i, q in enumerate(questions) if q.sign_id == target.sign_id)
    for n, member in enumerate(members):  # two of five still see it often: 40%
        await answer_survey(member, second, lambda i, n=n: 5 if i == index and n < 2 else 1)
    await reply(await coordinator.invoke("vitality close"))

    assert second.thread_id is not None
    results = await loopback_server.wait_for_message(
        second.thread_id, lambda m: "Results of the survey" in text_of(m)
    )
    shown = text_of(results)
    assert f"100% → 40% since we committed to “{PIN}”" in shown
    assert "down from 100% last time" in shown

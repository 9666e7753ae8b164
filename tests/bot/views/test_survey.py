"""The survey flow as members use it: pages of selects, answering again, skipping, a dropped
gateway connection in the middle."""

from __future__ import annotations

import asyncio

from loopback import Guild, LoopbackDiscord
from vitalitybot.bot.client import REST_CONNECTIONS
from vitalitybot.bot.runner import App
from vitalitybot.bot.views.survey import PER_PAGE
from vitalitybot.services import my_answers

from ..support import (
    DEFERRED,
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


async def stored_ratings(app: App, guild: Guild, round_id: int, member_id: int) -> list[int | None]:
    """The member's stored ratings, in the order the survey asks them."""
    questions = await survey_questions(app, guild, round_id)
    answers = {
        a.question_id: a.value
        for a in await my_answers(app.services, guild.id, round_id, member_id)
    }
    return [answers.get(q.id) for q in questions]


async def test_a_survey_is_paged_four_selects_at_a_time_and_keeps_picks_across_pages(
    app: App, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    ana = loopback_guild.add_member("ana")
    await set_up(coordinator)
    await adopt(coordinator)
    post = await open_round(coordinator, "survey")
    round_id = round_id_of(post)
    count = len(await survey_questions(app, loopback_guild, round_id))
    assert count > PER_PAGE  # the shipped pattern asks more than one page

    page = await reply(await ana.click(post, custom_id(post, "vb:answer:")))
    first = [c for c in page.custom_ids() if c.startswith("vb:pick:")]
    assert page.ephemeral and len(first) == PER_PAGE
    # The page repeats the round's own promise: no figure below its minimum (5 by default).
    assert "only totals are shown, once at least 5 have answered" in text_of(page)
    assert len(page.components) <= 5  # Discord's limit of action rows
    await reply(await ana.select(page, first[0], ["2"]))
    await reply(await ana.click(page, custom_id(page, f"vb:page:{round_id}:1:")))
    assert not any(c.startswith(f"vb:pick:{round_id}:0:") for c in page.custom_ids())
    await reply(await ana.click(page, custom_id(page, f"vb:page:{round_id}:0:")))
    kept = page.component(custom_id(page, f"vb:pick:{round_id}:0:"))
    assert kept is not None
    assert [o["value"] for o in kept["options"] if o.get("default")] == ["2"]

    done = await reply(await ana.click(page, custom_id(page, "vb:submit:")))
    assert done.content.startswith("Thank you: 1 answer saved")
    assert await stored_ratings(app, loopback_guild, round_id, ana.id) == [2] + [None] * (count - 1)


async def test_answer_is_acknowledged_before_the_page_is_built_and_the_page_stays_private(
    app: App, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    ana = loopback_guild.add_member("ana")
    await set_up(coordinator)
    await adopt(coordinator)
    post = await open_round(coordinator, "survey")

    click = await ana.click(post, custom_id(post, "vb:answer:"))
    first = await click.response()
    page = await reply(click)

    assert first.type == DEFERRED and first.ephemeral  # "thinking", seen by ana alone
    assert page.ephemeral and page.embeds[0]["title"].startswith("Survey · page 1")
    assert click.original is page  # the page replaced the thinking message


async def test_answering_again_shows_the_earlier_answers_and_replaces_them(
    app: App, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    ana = loopback_guild.add_member("ana")
    await set_up(coordinator)
    await adopt(coordinator)
    post = await open_round(coordinator, "survey")
    round_id = round_id_of(post)
    await answer_survey(ana, post, lambda i: 1 + i % 5)

    again = await reply(await ana.click(post, custom_id(post, "vb:answer:")))
    preselected = [
        [o["value"] for o in c.get("options", []) if o.get("default")]
        for c in again.iter_components()
        if str(c.get("custom_id", "")).startswith("vb:pick:")
    ]
    assert preselected == [[str(1 + i % 5)] for i in range(PER_PAGE)]
    assert not any(c.startswith("vb:skip:") for c in again.custom_ids())  # answered: no skip

    await reply(await ana.select(again, custom_id(again, f"vb:pick:{round_id}:0:"), []))
    done = await reply(await ana.click(again, custom_id(again, "vb:submit:")))
    assert "replace your earlier ones" in done.content
    ratings = await stored_ratings(app, loopback_guild, round_id, ana.id)
    assert ratings[0] is None and ratings[1:] == [1 + i % 5 for i in range(1, len(ratings))]


async def test_skipping_from_the_post_is_private_and_answering_all_blank_is_refused(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    ana, ben = loopback_guild.add_member("ana"), loopback_guild.add_member("ben")
    await set_up(coordinator)
    await adopt(coordinator)
    post = await open_round(coordinator, "survey")

    skipped = await reply(await ben.click(post, custom_id(post, "vb:skip:")))
    page = await reply(await ana.click(post, custom_id(post, "vb:answer:")))
    refusal = await reply(await ana.click(page, custom_id(page, "vb:submit:")))

    assert skipped.ephemeral and skipped.content.startswith("Skipped")
    assert refusal.ephemeral and "blank" in refusal.content
    assert await my_answers(app.services, loopback_guild.id, round_id_of(post), ana.id) == []
    assert loopback_server.messages_in(loopback_guild.general.id) == [post]


async def test_a_submit_made_while_the_gateway_is_down_is_replayed_and_stored(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    ana = loopback_guild.add_member("ana")
    await set_up(coordinator)
    await adopt(coordinator)
    post = await open_round(coordinator, "survey")
    round_id = round_id_of(post)
    page = await answer_survey(ana, post, lambda _: 3, submit=False)

    await loopback_server.drop_gateway(hold=True)
    submitted = await ana.click(page, custom_id(page, "vb:submit:"))
    loopback_server.release_gateway()
    done = await reply(submitted)
    await loopback_server.wait_for_resume()

    assert done.content.startswith("Thank you")
    ratings = await stored_ratings(app, loopback_guild, round_id, ana.id)
    assert ratings and set(ratings) == {3}
    resumed = next(entry for entry in loopback_server.gateway.log if entry.mode == "resume")
    assert resumed.replayed == ["INTERACTION_CREATE"]


async def test_a_crowd_clicking_at_once_each_gets_their_own_page_over_a_few_connections(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    crowd = [loopback_guild.add_member(f"member-{n}") for n in range(2 * REST_CONNECTIONS)]
    await set_up(coordinator)
    await adopt(coordinator)
    post = await open_round(coordinator, "survey")
    round_id = round_id_of(post)
    earlier = crowd[:3]  # their pages must show their own earlier answers, no one else's
    for n, member in enumerate(earlier):
        await answer_survey(member, post, lambda i, n=n: 1 + (i + n) % 5)
    before = len(loopback_server.requests)

    clicks = await asyncio.gather(
        *(member.click(post, custom_id(post, "vb:answer:")) for member in crowd)
    )
    acks = [await click.response() for click in clicks]
    pages = [await reply(click) for click in clicks]

    assert all(ack.type == DEFERRED and ack.ephemeral for ack in acks)
    for n, (member, page) in enumerate(zip(crowd, pages, strict=True)):
        picked = [
            [o["value"] for o in c.get("options", []) if o.get("default")]
            for c in page.iter_components()
            if str(c.get("custom_id", "")).startswith(f"vb:pick:{round_id}:")
        ]
        assert page.ephemeral
        if member in earlier:
            assert picked == [[str(1 + (i + n) % 5)] for i in range(PER_PAGE)]
        else:
            assert picked == [[]] * PER_PAGE
    connections = {r.peer for r in loopback_server.requests[before:]}
    assert len(connections) <= REST_CONNECTIONS + 1, len(connections)

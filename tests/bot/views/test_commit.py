""" "We'll try this": the button under a suggestion, its form, who may use it, and restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from loopback import Guild, InteractionHandle, LoopbackDiscord, Member, MessageRecord
from vitalitybot.bot.runner import App
from vitalitybot.domain.posts import PostKind
from vitalitybot.domain.records import Commitment, SuggestionKind
from vitalitybot.render.message import CommitAction, Message
from vitalitybot.services.commitments import list_commitments
from vitalitybot.storage.commitment_row import TEXT_MAX

from ..conftest import MakeSettings
from ..support import (
    COP,
    TIMEZONE,
    adopt,
    coordinator_of,
    custom_id,
    only_community,
    open_round,
    reply,
    round_id_of,
    running_bot,
    set_up,
    text_of,
)

WHAT, OWNER, REVIEW = "vb:commit-what", "vb:commit-owner", "vb:commit-review"


def day_from_now(days: int) -> str:
    return (datetime.now(ZoneInfo(TIMEZONE)).date() + timedelta(days=days)).isoformat()


async def suggestion_post(
    app: App, server: LoopbackDiscord, guild: Guild, coordinator: Member
) -> MessageRecord:
    """A survey round, and a suggestion post for two of its pattern's signs with the
    button, posted by the bot's own notifier as the close posts one."""
    post = await open_round(coordinator, "survey")
    round_id = round_id_of(post)
    community = await only_community(app.services, guild)
    async with app.services.repos() as repos:
        signs = [s.id for s in app.services.patterns[COP].signs_of_decay[:2]]
        for sign in signs:
            await repos.outcomes.record_suggestion(
                community.id,
                round_id,
                pattern_slug=COP,
                sign_id=sign,
                kind=SuggestionKind.REMEDY,
                at=app.services.now(),
            )
        suggestions = await repos.outcomes.list_suggestions(community.id)
        round_ = await repos.rounds.get(community.id, round_id)
    message = Message(
        content="Two signs call for the same step: pin one guide a month.",
        commit=CommitAction(round_id, tuple(s.id for s in suggestions)),
    )
    await app.services.notifier.post(
        community, message, round=round_, kind=PostKind.SUGGESTION_REMEDY
    )
    where = post.thread_id or guild.general.id
    return await server.wait_for_message(
        where, lambda m: any(c.startswith("vb:commit:") for c in m.custom_ids())
    )


@dataclass(frozen=True)
class Posted:
    coordinator: Member
    post: MessageRecord


@pytest.fixture
async def posted(app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild) -> Posted:
    """A community watching the COP pattern, and a suggestion post with the button."""
    coordinator = coordinator_of(loopback_guild)
    await set_up(coordinator)
    await adopt(coordinator)
    return Posted(
        coordinator, await suggestion_post(app, loopback_server, loopback_guild, coordinator)
    )


async def stored(app: App, guild: Guild) -> list[Commitment]:
    _, found = await list_commitments(app.services, (await only_community(app.services, guild)).id)
    return found


async def open_form(member: Member, post: MessageRecord) -> InteractionHandle:
    opened = await member.click(post, custom_id(post, "vb:commit:"))
    await opened.wait_modal()
    return opened


async def test_a_coordinator_commits_from_a_suggestion_and_the_thread_hears_of_it(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild, posted: Posted
) -> None:
    coordinator, post = posted.coordinator, posted.post
    docs = loopback_guild.add_role("docs", mentionable=True)

    opened = await open_form(coordinator, post)
    fields = (await opened.wait_modal()).fields()
    assert fields[WHAT]["required"] and fields[WHAT]["max_length"] == TEXT_MAX
    assert not fields[OWNER]["required"] and not fields[REVIEW]["required"]
    review = day_from_now(30)
    values = {WHAT: "Pin one guide a month", OWNER: [docs.id], REVIEW: review}
    confirmed = await reply(await coordinator.submit_modal(opened, values))

    assert confirmed.ephemeral and "Saved" in confirmed.content
    note = await loopback_server.wait_for_message(
        post.channel_id, lambda m: "We'll try" in m.content
    )
    assert "Pin one guide a month" in note.content and f"<@&{docs.id}>" in note.content
    assert not note.pings.anyone  # the owner role is named, not pinged
    (made,) = await stored(app, loopback_guild)
    signs = {s.id for s in app.services.patterns[COP].signs_of_decay[:2]}
    day = datetime.combine(datetime.fromisoformat(review).date(), time.min)
    assert (made.text, made.pattern_slug) == ("Pin one guide a month", COP)
    assert set(made.sign_ids) == signs
    assert made.owner_role_id == docs.id and made.round_id == round_id_of_post(post)
    assert made.review_at == day.replace(tzinfo=ZoneInfo(TIMEZONE)).astimezone(UTC)


def round_id_of_post(post: MessageRecord) -> int:
    return int(custom_id(post, "vb:commit:").split(":")[2])


async def test_a_member_is_refused_until_the_community_lets_members_commit(
    app: App, loopback_guild: Guild, posted: Posted
) -> None:
    coordinator, post = posted.coordinator, posted.post
    ben = loopback_guild.add_member("ben")

    clicked = await ben.click(post, custom_id(post, "vb:commit:"))
    refused = await reply(clicked)
    assert refused.ephemeral and "coordinators record what we will try" in refused.content
    assert clicked.modal is None

    changed = await reply(await coordinator.invoke("vitality commitments", who="members"))
    assert "Any member may now" in text_of(changed)
    opened = await open_form(ben, post)
    confirmed = await reply(await ben.submit_modal(opened, {WHAT: "Ben hosts the next call"}))

    assert confirmed.ephemeral and "next survey that asks about it" in confirmed.content
    (made,) = await stored(app, loopback_guild)
    assert made.text == "Ben hosts the next call" and made.review_at is None


async def test_a_bad_review_date_or_empty_words_are_one_private_line_and_nothing_is_stored(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild, posted: Posted
) -> None:
    coordinator, post = posted.coordinator, posted.post
    attempts = {
        "next week": "YYYY-MM-DD",
        day_from_now(-1): "in the future",
        day_from_now(0): "in the future",  # the day has begun: it is no longer to come
    }

    for typed, complaint in attempts.items():
        opened = await open_form(coordinator, post)
        answer = await reply(await coordinator.submit_modal(opened, {WHAT: "Try", REVIEW: typed}))
        assert answer.ephemeral and complaint in answer.content and "\n" not in answer.content
    opened = await open_form(coordinator, post)
    blank = await reply(await coordinator.submit_modal(opened, {WHAT: "   "}))

    assert blank.ephemeral and "few words" in blank.content
    assert await stored(app, loopback_guild) == []
    assert not [m for m in loopback_server.messages_in(post.channel_id) if "We'll try" in m.content]


async def test_the_button_and_an_open_form_still_work_after_a_restart(
    loopback_server: LoopbackDiscord, loopback_guild: Guild, make_settings: MakeSettings
) -> None:
    coordinator = coordinator_of(loopback_guild)
    async with running_bot(loopback_server, make_settings()) as first:
        await set_up(coordinator)
        await adopt(coordinator)
        post = await suggestion_post(first, loopback_server, loopback_guild, coordinator)
        opened_before = await open_form(coordinator, post)

    async with running_bot(loopback_server, make_settings()) as second:
        saved = await reply(
            await coordinator.submit_modal(opened_before, {WHAT: "Written before the restart"})
        )
        opened_after = await open_form(coordinator, post)
        again = await reply(
            await coordinator.submit_modal(opened_after, {WHAT: "Clicked after the restart"})
        )

        assert "Saved" in saved.content and "Saved" in again.content
        found = await stored(second, loopback_guild)
        assert {c.text for c in found} == {
            "Written before the restart",
            "Clicked after the restart",
        }


async def test_an_owner_role_deleted_while_the_form_was_open_is_one_private_line(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild, posted: Posted
) -> None:
    coordinator, post = posted.coordinator, posted.post
    gone = loopback_guild.add_role("gone")
    opened = await open_form(coordinator, post)
    loopback_guild.delete_role(gone)
    guild = app.bot.get_guild(loopback_guild.id)
    assert guild is not None
    await loopback_server.wait_until(
        lambda: True if guild.get_role(gone.id) is None else None, "the bot to drop the role"
    )

    answer = await reply(await coordinator.submit_modal(opened, {WHAT: "Try", OWNER: [gone.id]}))

    assert answer.ephemeral and "not one of this server's roles" in answer.content
    assert await stored(app, loopback_guild) == []

"""``/vitality commit`` and ``/vitality commitments``: one on its own, the list, marking."""

from __future__ import annotations

import pytest

from loopback import Guild, LoopbackDiscord, Member, MessageRecord
from vitalitybot.bot.runner import App
from vitalitybot.domain.records import Commitment, CommitmentStatus
from vitalitybot.services.commitments import CommitRequest, commit, list_commitments

from ..conftest import MakeSettings
from ..support import (
    COP,
    adopt,
    coordinator_of,
    custom_id,
    only_community,
    reply,
    running_bot,
    set_up,
    text_of,
)


@pytest.fixture
async def coordinator(app: App, loopback_guild: Guild) -> Member:
    """A coordinator of a community watching the COP pattern."""
    member = coordinator_of(loopback_guild)
    await set_up(member)
    await adopt(member)
    return member


async def stored(app: App, guild: Guild) -> list[Commitment]:
    _, found = await list_commitments(app.services, (await only_community(app.services, guild)).id)
    return found


async def listed(coordinator: Member) -> MessageRecord:
    answer = await reply(await coordinator.invoke("vitality commitments"))
    assert answer.ephemeral
    return answer


def button(message: MessageRecord, commitment: Commitment, status: str) -> str:
    return custom_id(message, f"vb:cmt:{commitment.id}:{status}")


async def test_a_commitment_on_its_own_names_a_watched_sign_picked_as_you_type(
    app: App, loopback_guild: Guild, coordinator: Member
) -> None:
    hosts = loopback_guild.add_role("hosts", mentionable=True)
    first = app.services.patterns[COP].signs_of_decay[0]

    choices = await coordinator.autocomplete(
        "vitality commit", "sign", first.title[:6].lower(), what="x"
    )
    picked = next(c for c in choices if first.title in c["name"])
    answer = await reply(
        await coordinator.invoke(
            "vitality commit", what="Take turns hosting", sign=picked["value"], owner=hosts
        )
    )

    assert answer.ephemeral and "Saved" in answer.content
    note = await loopback_guild.general.wait_for_message(lambda m: "We'll try" in m.content)
    assert "Take turns hosting" in note.content and first.title in note.content
    assert f"<@&{hosts.id}>" in note.content and not note.pings.anyone
    (made,) = await stored(app, loopback_guild)
    assert (made.pattern_slug, made.sign_ids, made.owner_role_id) == (COP, (first.id,), hosts.id)


async def test_a_sign_the_community_does_not_watch_is_one_private_line(
    app: App, loopback_guild: Guild, coordinator: Member
) -> None:

    for sign in ("whatever I typed", "community-lifecycle:no-challenge-left"):
        answer = await reply(await coordinator.invoke("vitality commit", what="Try", sign=sign))
        assert answer.ephemeral and "not a sign of decay of a pattern this community watches" in (
            answer.content
        )
    assert await stored(app, loopback_guild) == []


async def test_a_coordinator_marks_a_commitment_done_from_the_list(
    app: App, loopback_guild: Guild, coordinator: Member
) -> None:
    for words in ("Pin one guide a month", "Take turns hosting"):
        await reply(await coordinator.invoke("vitality commit", what=words))
    _, guide = await stored(app, loopback_guild)  # newest first

    shown = await listed(coordinator)
    assert text_of(shown).index("Take turns hosting") < text_of(shown).index("Pin one guide")
    marked = await reply(await coordinator.click(shown, button(shown, guide, "done")))

    assert "Marked done: Pin one guide a month" in marked.content
    assert "2. Done" in text_of(marked) and "1. Open" in text_of(marked)
    assert f"vb:cmt:{guide.id}:done" not in marked.custom_ids()  # only open ones have buttons
    statuses = {c.text: c.status for c in await stored(app, loopback_guild)}
    assert statuses == {
        "Pin one guide a month": CommitmentStatus.DONE,
        "Take turns hosting": CommitmentStatus.OPEN,
    }


async def test_with_many_open_commitments_a_select_picks_the_one_to_drop(
    app: App, loopback_guild: Guild, coordinator: Member
) -> None:
    community = await only_community(app.services, loopback_guild)
    for number in range(5):
        request = CommitRequest(f"Experiment {number}")
        await commit(app.services, community.id, request, coordinator=True)
    third = next(c for c in await stored(app, loopback_guild) if c.text == "Experiment 2")

    shown = await listed(coordinator)
    assert not [c for c in shown.custom_ids() if c.startswith("vb:cmt:")]
    picked = await reply(await coordinator.select(shown, "vb:cmt-pick", [str(third.id)]))
    dropped = await reply(await coordinator.click(picked, button(picked, third, "dropped")))

    assert "Marked dropped: Experiment 2" in dropped.content
    statuses = {c.text: c.status for c in await stored(app, loopback_guild)}
    assert statuses.pop("Experiment 2") is CommitmentStatus.DROPPED
    assert set(statuses.values()) == {CommitmentStatus.OPEN}


async def test_a_list_shown_before_a_restart_still_marks_after_it(
    loopback_server: LoopbackDiscord, loopback_guild: Guild, make_settings: MakeSettings
) -> None:
    member = coordinator_of(loopback_guild)
    async with running_bot(loopback_server, make_settings()) as first:
        await set_up(member)
        await adopt(member)
        await reply(await member.invoke("vitality commit", what="Pin one guide a month"))
        (made,) = await stored(first, loopback_guild)
        shown = await listed(member)

    async with running_bot(loopback_server, make_settings()) as second:
        marked = await reply(await member.click(shown, button(shown, made, "done")))

        assert "Marked done" in marked.content
        (after,) = await stored(second, loopback_guild)
        assert after.status is CommitmentStatus.DONE

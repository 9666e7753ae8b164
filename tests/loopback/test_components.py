"""Buttons, selects and modals: members click, pick and submit; the real client's views answer."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from .client import connected_client
from .guilds import Guild
from .sample_bot import SampleBot, VoteView
from .server import LoopbackDiscord


async def test_a_persistent_button_click_updates_the_message(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        vote = await alice.invoke("vote")
        await vote.response()
        posted = vote.original
        assert posted is not None
        assert set(posted.custom_ids()) == {"vote:yes", "vote:close", "vote:mood"}

        click = await alice.click(posted, "vote:yes")
        answer = await click.response()

    assert answer.type == 7
    assert bot.seen_by("vote") == [{"user": alice.id, "choice": "yes"}]
    assert posted.content == "alice voted yes" and posted.edited_timestamp is not None
    assert click.original is posted
    assert loopback_server.messages_in(loopback_guild.general.id) == [posted]


async def test_the_server_notes_when_it_sent_a_click_and_when_the_answer_came_back(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")

    async with connected_client(loopback_server, SampleBot()):
        vote = await alice.invoke("vote")
        await vote.response()
        click = await alice.click(vote.original, "vote:yes")  # type: ignore[arg-type]
        unanswered = click.record.ack_seconds  # dispatched, and the bot has not run since
        answer = await click.response()

    (callback_request,) = [r for r in loopback_server.requests if r.path.endswith("/callback")][1:]
    assert unanswered is None
    assert answer.received_at == callback_request.received_at
    assert click.record.ack_seconds == answer.received_at - click.record.dispatched_at
    assert click.record.ack_seconds is not None and click.record.ack_seconds >= 0


async def test_a_deferred_update_then_edit_changes_the_clicked_message(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        vote = await alice.invoke("vote")
        await vote.response()
        click = await alice.click(vote.original, "vote:close")  # type: ignore[arg-type]
        assert (await click.response()).type == 6
        closed = await click.wait_original(lambda m: m.content == "voting closed")

    assert closed is vote.original and closed.components == []
    with pytest.raises(LookupError, match="no component"):
        await alice.click(closed, "vote:yes")


async def test_a_button_in_a_dm_reaches_the_bot(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        user = await bot.fetch_user(alice.id)
        await user.send("This month's vote", view=VoteView(bot))
        (dm,) = alice.dms
        answer = await (await alice.click(dm, "vote:yes")).response()

    assert answer.type == 7 and dm.content == "alice voted yes"
    assert bot.seen_by("vote") == [{"user": alice.id, "choice": "yes"}]


async def test_a_channel_select_resolves_the_picked_channel(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    garden = loopback_guild.add_channel("garden")
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        asked = await alice.invoke("pick")
        await asked.response()
        answer = await (await alice.select(asked.original, "pick:channel", [garden])).response()  # type: ignore[arg-type]

    assert bot.seen_by("pick") == [{"channel": garden.id, "name": "garden"}]
    assert answer.content == f"picked <#{garden.id}>"


async def test_the_button_still_works_for_a_restarted_bot(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    async with connected_client(loopback_server, SampleBot()):
        vote = await alice.invoke("vote")
        await vote.response()

    restarted = SampleBot(sync=False)
    async with connected_client(loopback_server, restarted):
        answer = await (await alice.click(vote.original, "vote:yes")).response()  # type: ignore[arg-type]

    assert answer.type == 7 and restarted.seen_by("vote") == [{"user": alice.id, "choice": "yes"}]
    assert loopback_server.gateway.identifies == 2


async def test_a_select_sends_the_picked_values(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        vote = await alice.invoke("vote")
        await vote.response()
        picked = await alice.select(vote.original, "vote:mood", ["tired", "lost"])  # type: ignore[arg-type]
        answer = await picked.response()
        with pytest.raises(ValueError, match="not options"):
            await alice.select(vote.original, "vote:mood", ["ecstatic"])  # type: ignore[arg-type]

    assert bot.seen_by("mood") == [{"values": ["tired", "lost"]}]
    assert answer.type == 4 and answer.ephemeral and answer.content == "mood: tired, lost"


async def test_a_modal_is_opened_and_its_submission_reaches_the_bot(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        opened = await alice.invoke("feedback")
        assert (await opened.response()).type == 9
        modal = await opened.wait_modal()
        assert modal.title == "Feedback"
        assert list(modal.fields()) == ["feedback:text", "feedback:name"]
        with pytest.raises(ValueError, match="required"):
            await alice.submit_modal(opened, {"feedback:name": "Alice"})

        submitted = await alice.submit_modal(opened, {"feedback:text": "the seed library"})
        answer = await submitted.response()

    assert bot.seen_by("feedback") == [{"text": "the seed library", "name": ""}]
    assert answer.content == "thanks for the feedback"


async def test_a_modal_with_labelled_inputs_and_a_select_returns_every_value(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bot = SampleBot()
    received: list[tuple[str, list[str]]] = []

    class CheckIn(discord.ui.Modal, title="Monthly check-in"):
        story: discord.ui.Label[Any] = discord.ui.Label(
            text="What happened?", component=discord.ui.TextInput(custom_id="story")
        )
        energy: discord.ui.Label[Any] = discord.ui.Label(
            text="Energy",
            component=discord.ui.Select(
                custom_id="energy",
                options=[discord.SelectOption(label=v, value=v) for v in ("low", "steady", "high")],
            ),
        )

        async def on_submit(self, interaction: discord.Interaction) -> None:
            story = self.story.component
            energy = self.energy.component
            assert isinstance(story, discord.ui.TextInput) and isinstance(energy, discord.ui.Select)
            received.append((story.value, list(energy.values)))
            await interaction.response.send_message("noted", ephemeral=True)

    @bot.tree.command(name="checkin", description="Monthly check-in")
    async def checkin(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(CheckIn())

    async with connected_client(loopback_server, bot):
        opened = await alice.invoke("checkin")
        with pytest.raises(ValueError, match="not options"):
            await alice.submit_modal(opened, {"story": "we met twice", "energy": ["frantic"]})
        submitted = await alice.submit_modal(
            opened, {"story": "we met twice", "energy": ["steady"]}
        )
        answer = await submitted.response()

    assert received == [("we met twice", ["steady"])]
    assert answer.ephemeral

"""What the bot posts: mentions, files, threads, DMs, edits, and Discord's refusals."""

from __future__ import annotations

import asyncio
import io

import discord
import pytest

from .client import connected_client
from .guilds import Guild
from .sample_bot import SampleBot
from .server import LoopbackDiscord

PNG = b"\\x89PNG\\r\\n\\x1a\\n" + b"\\x00" * 32


def text_channel(bot: discord.Client, channel_id: int) -> discord.TextChannel:
    channel = bot.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_allowed_mentions_are_recorded_as_sent_and_decide_who_is_pinged(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    stewards = loopback_guild.add_role("stewards", mentionable=True)
    alice = loopback_guild.add_member("alice")
    text = f"{stewards.mention} {alice.mention} @everyone the garden is dry"
    bot = SampleBot(sync=False)

    async with connected_client(loopback_server, bot):
        general = text_channel(bot, loopback_guild.general.id)
        quiet = await general.send(text, allowed_mentions=discord.AllowedMentions.none())
        loud = await general.send(text)

    recorded = {m.id: m for m in loopback_server.messages_in(general.id)}
    silent, noisy = recorded[quiet.id], recorded[loud.id]
    assert silent.allowed_mentions == {"parse": []}
    assert not silent.pings.anyone
    assert noisy.allowed_mentions is None
    assert (noisy.pings.users, noisy.pings.roles, noisy.pings.everyone) == (
        [alice.id],
        [stewards.id],
        True,
    )
    assert quiet.mentions == [] and loud.role_mentions[0].id == stewards.id


async def test_files_arrive_with_their_names_and_bytes_and_can_be_downloaded(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    bot = SampleBot(sync=False)

    async with connected_client(loopback_server, bot):
        general = text_channel(bot, loopback_guild.general.id)
        sent = await general.send(
            "this month's chart",
            files=[
                discord.File(io.BytesIO(PNG), filename="vitality.png"),
                discord.File(io.BytesIO(b"# Remedy\n\nMeet in person."), filename="remedy.md"),
            ],
        )
        downloaded = await sent.attachments[0].read()

    recorded = loopback_server.messages_in(loopback_guild.general.id)[0]
    assert [a.filename for a in recorded.attachments] == ["vitality.png", "remedy.md"]
    assert recorded.attachment("vitality.png").data == PNG  # type: ignore[union-attr]
    assert recorded.attachment("vitality.png").content_type == "image/png"  # type: ignore[union-attr]
    assert recorded.attachment("remedy.md").text.startswith("# Remedy")  # type: ignore[union-attr]
    assert downloaded == PNG


async def test_follow_ups_can_carry_files_and_be_ephemeral(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bot = SampleBot()

    @bot.tree.command(name="report", description="Send a report")
    async def report(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("report below")
        await interaction.followup.send(
            "chart", file=discord.File(io.BytesIO(PNG), filename="c.png")
        )
        await interaction.followup.send("just for you", ephemeral=True)

    async with connected_client(loopback_server, bot):
        handle = await alice.invoke("report")
        chart, private = await handle.followups(2)

    assert chart.attachments[0].filename == "c.png" and chart.attachments[0].data == PNG
    assert private.ephemeral and not chart.ephemeral
    assert [m.content for m in loopback_server.messages_in(loopback_guild.general.id)] == [
        "report below",
        "chart",
    ]


async def test_threads_are_channels_the_bot_can_post_in(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    bot = SampleBot(sync=False)

    async with connected_client(loopback_server, bot):
        general = text_channel(bot, loopback_guild.general.id)
        starter = await general.send("March check-in")
        from_message = await starter.create_thread(name="March answers")
        await from_message.send("first answer")
        standalone = await general.create_thread(
            name="side talk", type=discord.ChannelType.public_thread
        )
        await standalone.send("hello thread")

    threads = {t.name: t for t in loopback_guild.general.threads()}
    assert set(threads) == {"March answers", "side talk"}
    assert threads["March answers"].id == starter.id
    assert [m.content for m in threads["March answers"].messages] == ["first answer"]
    assert [m.content for m in threads["side talk"].messages] == ["hello thread"]


async def test_the_bot_can_dm_a_member_unless_they_block_dms(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bob = loopback_guild.add_member("bob")
    loopback_server.block_dms(bob.id)
    bot = SampleBot(sync=False)

    async with connected_client(loopback_server, bot):
        await (await bot.fetch_user(alice.id)).send("your monthly check-in")
        with pytest.raises(discord.Forbidden) as refused:
            await (await bot.fetch_user(bob.id)).send("your monthly check-in")

    assert [m.content for m in alice.dms] == ["your monthly check-in"]
    assert refused.value.code == 50007


async def test_a_forbidden_channel_raises_forbidden_in_the_bot(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    locked = loopback_guild.add_channel("locked")
    loopback_server.forbid_channel(locked.id)
    bot = SampleBot(sync=False)

    async with connected_client(loopback_server, bot):
        channel = text_channel(bot, locked.id)
        assert not channel.permissions_for(channel.guild.me).send_messages
        with pytest.raises(discord.Forbidden) as refused:
            await channel.send("hello?")
        await text_channel(bot, loopback_guild.general.id).send("still fine here")

    assert refused.value.status == 403 and refused.value.code == 50013
    assert locked.messages == []
    assert [m.content for m in loopback_guild.general.messages] == ["still fine here"]


async def test_edits_and_deletes_are_applied(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    bot = SampleBot(sync=False)

    async with connected_client(loopback_server, bot):
        general = text_channel(bot, loopback_guild.general.id)
        kept = await general.send("draft")
        await kept.edit(content="final", embed=discord.Embed(title="Signs"))
        gone = await general.send("oops")
        await gone.delete()

    (recorded,) = loopback_guild.general.messages
    assert recorded.content == "final" and recorded.embeds[0]["title"] == "Signs"
    assert [edit["content"] for edit in recorded.edits] == ["final"]


async def test_messages_over_discords_limits_are_refused(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    bot = SampleBot(sync=False)

    async with connected_client(loopback_server, bot):
        general = text_channel(bot, loopback_guild.general.id)
        with pytest.raises(discord.HTTPException) as too_long:
            await general.send("x" * 2001)
        with pytest.raises(discord.HTTPException) as big_embed:
            await general.send(embed=discord.Embed(description="y" * 4097))

    assert (too_long.value.status, too_long.value.code) == (400, 50035)
    assert big_embed.value.code == 50035
    assert loopback_guild.general.messages == []


async def test_routes_the_server_does_not_know_answer_404_and_are_recorded(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    bot = SampleBot(sync=False)

    async with connected_client(loopback_server, bot):
        message = await text_channel(bot, loopback_guild.general.id).send("vote with a reaction")
        with pytest.raises(discord.NotFound):
            await message.add_reaction("\N{WHITE HEAVY CHECK MARK}")

    (unhandled,) = loopback_server.unhandled
    assert unhandled.method == "PUT"
    assert unhandled.path.startswith(
        f"/api/v10/channels/{loopback_guild.general.id}/messages/{message.id}/reactions/"
    )


async def test_a_forced_server_error_reaches_the_bot_and_the_next_request_succeeds(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    bot = SampleBot(sync=False)
    loopback_server.fail_next("POST /channels/{channel_id}/messages", status=503)

    async with connected_client(loopback_server, bot):
        general = text_channel(bot, loopback_guild.general.id)
        with pytest.raises(discord.DiscordServerError):
            await general.send("during the outage")
        await general.send("after it")

    assert [m.content for m in loopback_guild.general.messages] == ["after it"]


async def test_a_post_repeating_an_enforced_nonce_returns_the_first_and_makes_none(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    bot = SampleBot(sync=False)

    async with connected_client(loopback_server, bot):
        general = text_channel(bot, loopback_guild.general.id)
        first = await general.send("results of the survey", nonce="outbox-row-1")
        again = await general.send("results of the survey", nonce="outbox-row-1")
        other = await general.send("a suggestion", nonce="outbox-row-2")

    assert again.id == first.id and other.id != first.id
    assert [m.content for m in loopback_server.messages_in(general.id)] == [
        "results of the survey",
        "a suggestion",
    ]


@pytest.mark.parametrize("before", [True, False], ids=["before-acting", "after-acting"])
async def test_a_held_post_waits_unanswered_until_released(
    loopback_server: LoopbackDiscord, loopback_guild: Guild, before: bool
) -> None:
    bot = SampleBot(sync=False)
    general_id = loopback_guild.general.id
    loopback_server.hold_next("POST /channels/{channel_id}/messages", before=before)

    async with connected_client(loopback_server, bot):
        sending = asyncio.ensure_future(text_channel(bot, general_id).send("held"))
        await loopback_server.wait_until(
            lambda: True if loopback_server.held.held else None, "the post to be held"
        )
        made = [m.content for m in loopback_server.messages_in(general_id)]
        assert made == ([] if before else ["held"])
        assert not sending.done()
        loopback_server.release_held()
        sent = await sending

    assert [m.id for m in loopback_server.messages_in(general_id)] == [sent.id]

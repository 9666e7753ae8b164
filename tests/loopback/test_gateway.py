"""The real discord.py client logs in, sees guilds and survives drops, op 7 and op 9."""

from __future__ import annotations

import discord
import pytest

from .client import connected_client
from .guilds import Guild
from .sample_bot import SampleBot
from .server import LoopbackDiscord


async def test_login_ready_and_guild_create_fill_the_bots_cache(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    stewards = loopback_guild.add_role("stewards", permissions=1 << 5)
    garden = loopback_guild.add_channel("garden", topic="what grows")
    bot = SampleBot(sync=False)

    async with connected_client(loopback_server, bot):
        guild = bot.get_guild(loopback_guild.id)
        assert guild is not None and guild.name == "Loopback CoP"
        assert {c.name for c in guild.text_channels} == {"general", "garden"}
        assert guild.get_channel(garden.id).topic == "what grows"  # type: ignore[union-attr]
        assert guild.get_role(stewards.id).permissions.manage_guild  # type: ignore[union-attr]
        assert guild.me.guild_permissions.send_messages
        assert bot.user is not None and bot.user.id == loopback_server.bot.id
        assert bot.application_id == loopback_server.bot.id
    session_events = loopback_server.gateway.log[0]
    assert session_events.mode == "identify" and session_events.path == "/gateway"
    assert loopback_server.gateway.heartbeats >= 1


async def test_guilds_channels_and_members_added_later_reach_the_bot(
    loopback_server: LoopbackDiscord,
) -> None:
    intents = discord.Intents.default()
    intents.members = True
    bot = SampleBot(intents=intents, sync=False)

    async with connected_client(loopback_server, bot):
        later = loopback_server.add_guild("Later CoP")
        porch = later.add_channel("porch")
        bob = later.add_member("bob")

        def cached() -> bool | None:
            guild = bot.get_guild(later.id)
            if guild is None or guild.get_channel(porch.id) is None:
                return None
            return True if guild.get_member(bob.id) is not None else None

        await loopback_server.wait_until(cached, "the bot to cache the new guild, channel, member")


async def test_members_intent_makes_the_client_request_and_receive_member_chunks(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    intents = discord.Intents.default()
    intents.members = True
    bot = SampleBot(intents=intents, sync=False)

    async with connected_client(loopback_server, bot):
        guild = bot.get_guild(loopback_guild.id)
        assert guild is not None and guild.chunked
        assert guild.get_member(alice.id).name == "alice"  # type: ignore[union-attr]


async def test_a_dropped_socket_is_resumed_and_missed_interactions_are_replayed_once(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        await loopback_server.drop_gateway(hold=True)
        missed = await alice.invoke("ping", word="while-away")
        loopback_server.release_gateway()

        answer = await missed.response()
        await loopback_server.wait_for_resume()

    assert answer.content == "pong while-away"
    assert bot.seen_by("ping") == [{"word": "while-away"}]
    gateway = loopback_server.gateway
    assert (gateway.identifies, gateway.resumes) == (1, 1)
    resumed = next(entry for entry in gateway.log if entry.mode == "resume")
    assert resumed.path == "/gateway-resume"
    assert resumed.replayed == ["INTERACTION_CREATE"]


async def test_op7_reconnect_resumes_and_nothing_sent_meanwhile_is_lost(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        await loopback_server.send_reconnect(hold=True)
        during = await alice.invoke("ping", word="during")
        loopback_server.release_gateway()
        await loopback_server.wait_for_resume()
        after = await alice.invoke("ping", word="after")

        assert (await during.response()).content == "pong during"
        assert (await after.response()).content == "pong after"

    assert [v["word"] for v in bot.seen_by("ping")] == ["during", "after"]
    assert loopback_server.gateway.identifies == 1


async def test_a_resume_older_than_the_session_is_refused_and_the_client_identifies_again(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        loopback_server.invalidate_session(resumable=False)
        await loopback_server.wait_for_identify(2)
        answer = await (await alice.invoke("ping", word="fresh")).response()

    assert answer.content == "pong fresh"
    assert loopback_server.gateway.resumes == 0


async def test_without_the_message_content_intent_others_messages_arrive_blank(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bot = SampleBot(sync=False)

    async with connected_client(loopback_server, bot):
        await alice.say("a quiet remark")
        await alice.say(f"hey {bot.user.mention} look")  # type: ignore[union-attr]
        await loopback_server.wait_until(
            lambda: True if len(bot.messages_seen) == 2 else None, "two MESSAGE_CREATE events"
        )

    assert [m.content for m in bot.messages_seen] == ["", f"hey <@{loopback_server.bot.id}> look"]


async def test_with_the_message_content_intent_the_bot_reads_messages(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    intents = discord.Intents.default()
    intents.message_content = True
    bot = SampleBot(intents=intents, sync=False)

    async with connected_client(loopback_server, bot):
        await alice.say("our garden needs water")
        await alice.dm("private note")
        await loopback_server.wait_until(
            lambda: True if len(bot.messages_seen) == 2 else None, "a guild message and a DM"
        )

    assert [m.content for m in bot.messages_seen] == ["our garden needs water", "private note"]
    assert isinstance(bot.messages_seen[1].channel, discord.DMChannel)


async def test_privileged_intents_the_app_lacks_stop_the_client(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    loopback_server.allow_privileged_intents(False)
    bot = SampleBot(intents=discord.Intents.all(), sync=False)

    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with connected_client(loopback_server, bot):
            pass

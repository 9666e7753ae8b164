"""Rate limits: discord.py meets real 429s and bucket headers; nothing is lost or doubled."""

from __future__ import annotations

import asyncio

import discord

from .client import connected_client
from .guilds import Guild
from .requests import RequestRecord
from .sample_bot import SampleBot
from .server import LoopbackDiscord

MESSAGES_ROUTE = "/channels/{channel_id}/messages"


def text_channel(bot: discord.Client, channel_id: int) -> discord.TextChannel:
    channel = bot.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_global_429s_are_retried_and_every_message_arrives_exactly_once(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    bot = SampleBot(sync=False)

    async with connected_client(loopback_server, bot):
        loopback_server.set_global_rate_limit(10)
        general = text_channel(bot, loopback_guild.general.id)
        await asyncio.gather(*(general.send(f"reminder {n}") for n in range(15)))

    contents = [m.content for m in loopback_guild.general.messages]
    assert sorted(contents) == sorted(f"reminder {n}" for n in range(15))
    assert loopback_server.rate_limited > 0
    answered_429 = [
        r for r in loopback_server.requests_to("POST", MESSAGES_ROUTE) if r.status == 429
    ]
    assert len(answered_429) == loopback_server.rate_limited


async def test_a_forced_429_on_one_route_is_waited_out(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    bot = SampleBot(sync=False)

    async with connected_client(loopback_server, bot):
        loopback_server.rate_limit_next(f"POST {MESSAGES_ROUTE}", 2, retry_after=0.05)
        await text_channel(bot, loopback_guild.general.id).send("after two refusals")

    statuses = [r.status for r in loopback_server.requests_to("POST", MESSAGES_ROUTE)]
    assert statuses == [429, 429, 200]
    assert [m.content for m in loopback_guild.general.messages] == ["after two refusals"]


async def test_an_exhausted_route_bucket_makes_discord_py_wait_instead_of_hammering(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    loopback_server.set_route_limit(3, window=0.3)
    bot = SampleBot(sync=False)

    async with connected_client(loopback_server, bot):
        general = text_channel(bot, loopback_guild.general.id)
        for n in range(7):
            await general.send(f"update {n}")

    posts = loopback_server.requests_to("POST", MESSAGES_ROUTE)
    assert [r.status for r in posts] == [200] * 7
    assert [m.content for m in loopback_guild.general.messages] == [f"update {n}" for n in range(7)]


def test_the_busiest_second_counts_what_the_global_limit_counts_over_a_rolling_second(
    loopback_server: LoopbackDiscord,
) -> None:
    def arrived(route: str, at: float) -> RequestRecord:
        return RequestRecord("POST", route, route, {}, received_at=at)

    messages = "/channels/1/messages"
    loopback_server.requests += [arrived(messages, 100.0 + n * 0.1) for n in range(12)]
    # Interaction replies are exempt from the global limit: never counted.
    loopback_server.requests += [arrived("/interactions/1/t/callback", 100.5)] * 5
    assert loopback_server.busiest_second() == 10  # 100.0 to 100.9; 101.0 starts a new second
    assert loopback_server.busiest_second(since=100.5) == 7

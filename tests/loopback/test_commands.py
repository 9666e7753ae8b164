"""Slash commands through the real client: sync, invoke, ephemeral, defer, autocomplete."""

from __future__ import annotations

import discord
import pytest

from . import permissions as perms
from .client import connected_client
from .guilds import Guild
from .sample_bot import PATTERNS, SampleBot
from .server import LoopbackDiscord


async def test_tree_sync_stores_the_commands_with_groups_and_options(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    bot = SampleBot()
    async with connected_client(loopback_server, bot):
        synced = await loopback_server.wait_for_sync()

    names = ["feedback", "pick", "ping", "remind", "secret", "slow", "tidy", "vitality", "vote"]
    assert sorted(c["name"] for c in synced) == names
    vitality = next(c for c in synced if c["name"] == "vitality")
    setup = next(o for o in vitality["options"] if o["name"] == "setup")
    assert setup["type"] == 1
    assert [o["name"] for o in setup["options"]] == ["channel", "role", "cadence", "members"]
    cadence = next(o for o in setup["options"] if o["name"] == "cadence")
    assert [c["value"] for c in cadence["choices"]] == ["monthly", "weekly"]
    group = next(o for o in vitality["options"] if o["name"] == "pattern")
    assert group["type"] == 2 and group["options"][0]["name"] == "show"
    assert all(
        c["id"].isdigit() and c["application_id"] == str(loopback_server.bot.id) for c in synced
    )


async def test_a_subcommand_gets_its_options_resolved_and_its_reply_arrives(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    stewards = loopback_guild.add_role("stewards", permissions=perms.MANAGE_GUILD)
    garden = loopback_guild.add_channel("garden")
    alice = loopback_guild.add_member("alice", roles=[stewards])
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        handle = await alice.invoke(
            "vitality setup", channel=garden, role=stewards, cadence="weekly"
        )
        answer = await handle.response()

    assert answer.type == 4
    assert answer.content == f"check-ins every weekly in <#{garden.id}>"
    assert bot.seen_by("setup") == [
        {
            "channel": garden.id,
            "channel_name": "garden",
            "role": stewards.id,
            "cadence": "weekly",
            "members": 5,
            "can_manage": True,
            "bot_can_send": True,
        }
    ]
    reply = handle.original
    assert reply is not None and reply.content == answer.content and not handle.ephemeral
    assert reply in loopback_server.messages_in(loopback_guild.general.id)


async def test_member_permissions_reach_the_handler(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    garden = loopback_guild.add_channel("garden")
    role = loopback_guild.add_role("everyone-ish")
    bob = loopback_guild.add_member("bob", permissions=perms.SEND_MESSAGES | perms.VIEW_CHANNEL)
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        await (
            await bob.invoke("vitality setup", channel=garden, role=role, cadence="monthly")
        ).response()

    assert bot.seen_by("setup")[0]["can_manage"] is False


async def test_an_ephemeral_reply_is_flagged_and_kept_out_of_the_channel(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        handle = await alice.invoke("secret")
        answer = await handle.response()

    assert answer.ephemeral and handle.ephemeral
    assert answer.content == "only you can see this"
    assert loopback_server.messages_in(loopback_guild.general.id) == []
    assert [
        m.content
        for m in loopback_server.messages_in(loopback_guild.general.id, include_ephemeral=True)
    ] == ["only you can see this"]


async def test_defer_then_follow_ups_then_editing_the_original(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        handle = await alice.invoke("slow")
        assert (await handle.response()).type == 5
        followups = await handle.followups(2)
        original = await handle.wait_original(lambda m: m.content == "first result (edited)")

    # Discord's rule: the first follow-up after a deferred reply fills the "thinking" message.
    assert [m.content for m in followups] == ["first result (edited)", "second result"]
    assert original.id == followups[0].id and not original.loading
    assert [m.content for m in loopback_server.messages_in(loopback_guild.general.id)] == [
        "first result (edited)",
        "second result",
    ]


async def test_autocomplete_returns_the_bots_choices(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        choices = await alice.autocomplete("vitality pattern show", "name", "co")
        everything = await alice.autocomplete("vitality pattern show", "name", "")

    assert [c["value"] for c in choices] == ["Community Garden", "Commons Pool"]
    assert [c["name"] for c in everything] == PATTERNS


async def test_invocations_a_discord_client_would_refuse_fail_in_the_test(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    garden = loopback_guild.add_channel("garden")
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        with pytest.raises(ValueError, match="not one of the choices"):
            await alice.invoke(
                "vitality setup", channel=garden, role=loopback_guild.everyone, cadence="daily"
            )
        with pytest.raises(ValueError, match="required option 'role'"):
            await alice.invoke("vitality setup", channel=garden, cadence="weekly")
        with pytest.raises(ValueError, match="outside"):
            await alice.invoke(
                "vitality setup",
                channel=garden,
                role=loopback_guild.everyone,
                cadence="weekly",
                members=0,
            )
        with pytest.raises(LookupError, match="needs a subcommand"):
            await alice.invoke("vitality")

    assert bot.seen_by("setup") == []


async def test_a_bulk_overwrite_discord_would_reject_raises_in_the_bot(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    bot = SampleBot(sync=False)

    @bot.tree.command(name="long", description="x" * 101)
    async def long(interaction: discord.Interaction) -> None:
        """Never run: the description is over Discord's limit."""

    async with connected_client(loopback_server, bot):
        with pytest.raises(discord.HTTPException) as caught:
            await bot.tree.sync()

    assert caught.value.status == 400 and caught.value.code == 50035
    assert loopback_server.commands() == []


async def test_the_original_can_be_fetched_and_deleted_and_follow_ups_edited(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        handle = await alice.invoke("tidy")
        (note,) = await handle.followups(1)
        await loopback_server.wait_until(lambda: bot.seen_by("tidy") or None, "the /tidy handler")

    assert bot.seen_by("tidy") == [{"fetched": "temporary"}]
    assert handle.original is None
    assert note.content == "note (edited)"
    assert [m.content for m in loopback_guild.general.messages] == ["note (edited)"]


async def test_a_handler_posting_elsewhere_is_awaited_with_wait_for_message(
    loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    alice = loopback_guild.add_member("alice")
    garden = loopback_guild.add_channel("garden")
    bot = SampleBot()

    async with connected_client(loopback_server, bot):
        handle = await alice.invoke("remind", channel=garden)
        reminder = await loopback_server.wait_for_message(
            garden.id, lambda m: "check-in" in m.content
        )

    assert (await handle.response()).ephemeral
    assert reminder.author.id == loopback_server.bot.id
    assert reminder.content == "Reminder: the monthly check-in is open"

"""``/vitality sponsors`` and ``/vitality portfolio`` end to end, as an admin and a sponsor
see them on the loopback Discord server."""

from __future__ import annotations

from loopback import Guild, LoopbackDiscord, Role
from vitalitybot.bot.runner import App
from vitalitybot.services.digest import post_due_digests
from vitalitybot.services.portfolio import sponsor_settings

from ..support import COMMUNITY, coordinator_of, reply, set_up, text_of
from .test_history import closed_survey


async def two_communities(app: App, guild: Guild) -> Role:
    """The community test_history closes a survey in (three members answered), in
    #general; and Design in #design, coordinated by the returned role, with nothing
    closed yet."""
    await closed_survey(app, guild)
    designers = guild.add_role("designers")
    manager = guild.member("coordinator")
    await set_up(manager, guild.add_channel("design"), name="Design", coordinator_role=designers)
    return designers


async def test_a_sponsor_reads_every_community_and_others_are_refused(
    app: App, loopback_guild: Guild
) -> None:
    designers = await two_communities(app, loopback_guild)
    sponsors = loopback_guild.add_role("sponsors")
    manager = loopback_guild.member("coordinator")
    sam = loopback_guild.add_member("sam", roles=[sponsors])
    dora = loopback_guild.add_member("dora", roles=[designers])

    named = await reply(await manager.invoke("vitality sponsors", role=sponsors))
    shown = await reply(await sam.invoke("vitality portfolio"))
    refused = await reply(await dora.invoke("vitality portfolio"))

    assert named.ephemeral and f"<@&{sponsors.id}>" in named.content
    assert "Server Settings → Integrations" in named.content
    assert shown.ephemeral
    words = text_of(shown)
    assert "**Design**: getting started — no survey or check-in has closed yet" in words
    assert f"**{COMMUNITY}**: needs care — participation shown for one round so far" in words
    assert "3 members answered" in words
    assert refused.ephemeral and refused.content.startswith("Only this server's sponsors")


async def test_only_a_server_manager_names_the_sponsors(app: App, loopback_guild: Guild) -> None:
    sponsors = loopback_guild.add_role("sponsors")
    sam = loopback_guild.add_member("sam", roles=[sponsors])

    refused = await reply(await sam.invoke("vitality sponsors", role=sponsors))

    assert refused.ephemeral and "manage this server" in refused.content


async def test_naming_a_digest_channel_says_when_the_first_digest_comes(
    app: App, loopback_guild: Guild
) -> None:
    sponsors = loopback_guild.add_role("sponsors")
    manager = coordinator_of(loopback_guild)
    digests = loopback_guild.add_channel("digests")

    named = await reply(
        await manager.invoke("vitality sponsors", role=sponsors, digest_channel=digests)
    )
    settings = await sponsor_settings(app.services, loopback_guild.id)

    assert f"posted in <#{digests.id}> on the first day of each quarter" in named.content
    assert (settings.sponsor_role_id, settings.digest_channel_id) == (sponsors.id, digests.id)


async def test_a_due_digest_is_posted_in_the_digest_channel(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    manager = coordinator_of(loopback_guild)
    await set_up(manager)
    digests = loopback_guild.add_channel("digests")
    await reply(
        await manager.invoke(
            "vitality sponsors", role=loopback_guild.add_role("sponsors"), digest_channel=digests
        )
    )
    async with app.services.repos() as repos:  # as if no digest went out for years
        await repos.servers.update(
            loopback_guild.id, at=app.services.now(), digest_period="2000-Q1"
        )

    await post_due_digests(app.services)

    (posted,) = loopback_server.messages_in(digests.id)
    assert "the portfolio digest of" in posted.content
    assert f"**{COMMUNITY}**: getting started" in text_of(posted)
    assert loopback_server.messages_in(loopback_guild.general.id) == []

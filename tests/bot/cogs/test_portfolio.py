"""``/vitality sponsors`` and ``/vitality portfolio`` end to end, as an admin and a sponsor
see them on the loopback Discord server."""

from __future__ import annotations

from loopback import Guild, Role
from vitalitybot.bot.runner import App

from ..support import (
    adopt,
    answer_survey,
    coordinator_of,
    open_round,
    reply,
    set_up,
    text_of,
)


async def two_communities(guild: Guild) -> Role:
    """Security in #general, with one survey three members answered, closed; Design in
    #design, coordinated by the returned role, with nothing closed yet."""
    manager = coordinator_of(guild)
    designers = guild.add_role("designers")
    await set_up(manager, name="Security")
    await set_up(manager, guild.add_channel("design"), name="Design", coordinator_role=designers)
    await adopt(manager)
    await reply(await manager.invoke("vitality threshold", value=0.5, min_respondents=3))
    post = await open_round(manager, "survey")
    for name in ("ada", "bea", "cy"):
        await answer_survey(guild.add_member(name), post, lambda _: 5)
    closed = await reply(await manager.invoke("vitality close"))
    assert closed.content.startswith("Closed the survey"), closed.content
    return designers


async def test_a_sponsor_reads_every_community_and_others_are_refused(
    app: App, loopback_guild: Guild
) -> None:
    designers = await two_communities(loopback_guild)
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
    assert "**Security**: needs care — participation shown for one round so far" in words
    assert "3 members answered" in words
    assert refused.ephemeral and refused.content.startswith("Only this server's sponsors")


async def test_only_a_server_manager_names_the_sponsors(app: App, loopback_guild: Guild) -> None:
    sponsors = loopback_guild.add_role("sponsors")
    sam = loopback_guild.add_member("sam", roles=[sponsors])

    refused = await reply(await sam.invoke("vitality sponsors", role=sponsors))

    assert refused.ephemeral and "manage this server" in refused.content

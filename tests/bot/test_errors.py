"""What a member sees when something fails: a refusal as written, or a short apology for a bug
(which is logged with the community it happened in)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from loopback import Guild
from vitalitybot.bot.errors import APOLOGY
from vitalitybot.bot.runner import App
from vitalitybot.services.places import server_communities

from .support import coordinator_of, reply, set_up


async def test_a_command_before_set_up_gets_the_services_explanation(
    app: App, loopback_guild: Guild
) -> None:
    ana = loopback_guild.add_member("ana")

    answer = await reply(await ana.invoke("me pause"))

    assert answer.ephemeral and "not set up in this server yet" in answer.content


async def test_a_broken_database_gets_an_apology_and_a_log_line_naming_the_community(
    app: App, loopback_guild: Guild, caplog: pytest.LogCaptureFixture
) -> None:
    coordinator = coordinator_of(loopback_guild)
    design = loopback_guild.add_channel("cop-design")
    await set_up(coordinator)
    await set_up(coordinator, design, name="Design")
    (community,) = [
        c for c in await server_communities(app.services, loopback_guild.id) if c.name == "Design"
    ]
    async with app.db.transaction() as session:
        await session.execute(text("DROP TABLE adopted_patterns"))

    with caplog.at_level(logging.ERROR, logger="vitalitybot.bot.errors"):
        answer = await reply(await coordinator.at(design).invoke("vitality status"))

    assert answer.ephemeral and answer.content == APOLOGY
    (logged,) = [r for r in caplog.records if r.name == "vitalitybot.bot.errors"]
    assert f"community {community.id}" in logged.getMessage()
    assert f"guild {loopback_guild.id}" in logged.getMessage() and logged.exc_info

"""What the Discord edge tells the operator: community ids on handler log lines, the
handlers still running, refused requests by status, and the figures of the vitality loop."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import math
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from loopback import Guild, LoopbackDiscord
from vitalitybot.bot.runner import App
from vitalitybot.domain.records import QuestionKind
from vitalitybot.observability.logs import configure_logging
from vitalitybot.observability.metrics import Metrics

from .support import (
    COP,
    adopt,
    answer_survey,
    coordinator_of,
    custom_id,
    only_community,
    open_round,
    reply,
    round_id_of,
    set_up,
    survey_questions,
)

CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = metrics.render().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Every log line, as ``vitalitybot --log-json -v`` writes them, for the test's length."""
    root = logging.getLogger()
    level = root.level
    output = io.StringIO()
    handler = configure_logging(logging.DEBUG, json=True, stream=output)
    yield output
    root.removeHandler(handler)
    root.setLevel(level)


async def lines_about(json_log: io.StringIO, interaction_id: int) -> list[dict[str, Any]]:
    """The lines about handling the interaction, once discord.py has logged its reply
    (it logs the response's status after the loopback server has recorded the reply)."""
    for _ in range(100):
        lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
        handling = [
            line
            for line in lines
            if str(interaction_id) in line["message"] and line["logger"] != "discord.gateway"
        ]
        if handling:
            return handling
        await asyncio.sleep(0.05)
    return []


async def test_lines_logged_while_handling_an_interaction_carry_its_community(
    app: App, loopback_guild: Guild, json_log: io.StringIO
) -> None:
    coordinator = coordinator_of(loopback_guild)
    await set_up(coordinator)
    community_id = (await only_community(app.services, loopback_guild)).id

    handle = await coordinator.invoke("vitality status")
    await reply(handle)

    # The gateway's own line about receiving it comes before any handling.
    handling = await lines_about(json_log, handle.id)
    assert handling, "discord.py logs the reply to the interaction at debug level"
    assert all(line.get("community_id") == community_id for line in handling), handling


async def test_lines_logged_after_a_round_s_button_found_its_round_carry_its_community(
    app: App, loopback_guild: Guild, json_log: io.StringIO
) -> None:
    coordinator = coordinator_of(loopback_guild)
    await set_up(coordinator)
    await adopt(coordinator)
    community_id = (await only_community(app.services, loopback_guild)).id
    post = await open_round(coordinator, "survey")
    member = loopback_guild.add_member("ana")

    # Skip replies once the services have found the round, and so its community.
    handle = await member.click(post, custom_id(post, "vb:skip:"))
    await reply(handle)

    handling = await lines_about(json_log, handle.id)
    assert handling, "discord.py logs the reply to the interaction at debug level"
    assert all(line.get("community_id") == community_id for line in handling), handling


async def test_a_handler_still_replying_is_in_flight_until_it_has_replied(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    await set_up(coordinator)
    loopback_server.rate_limit_next(CALLBACK, retry_after=0.5)  # its reply must wait and retry

    handle = await coordinator.invoke("vitality status")
    await loopback_server.wait_until(
        lambda: True if loopback_server.rate_limited else None, "the reply to be refused once"
    )
    assert app.bot.in_flight(), "the handler waits to retry its reply"
    await reply(handle)
    await loopback_server.wait_until(
        lambda: True if not app.bot.in_flight() else None, "the handler to finish"
    )


async def test_requests_discord_refused_are_counted_by_status(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    await set_up(coordinator)
    await adopt(coordinator)
    loopback_server.fail_next("POST /channels/{channel_id}/messages", status=503)
    loopback_server.rate_limit_next(CALLBACK, retry_after=0.05)

    await open_round(coordinator, "survey")  # the post is retried, the reply too

    got = samples(app.metrics)
    assert got[("vitalitybot_discord_http_errors_total", (("status", "503"),))] == 1.0
    assert got[("vitalitybot_discord_http_errors_total", (("status", "429"),))] == 1.0


async def test_rounds_answers_suggestions_and_latency_show_in_the_metrics(
    app: App, loopback_server: LoopbackDiscord, loopback_guild: Guild
) -> None:
    coordinator = coordinator_of(loopback_guild)
    members = [loopback_guild.add_member(name) for name in ("ana", "ben", "cai")]
    await set_up(coordinator)
    await reply(await coordinator.invoke("vitality threshold", value=0.5, min_respondents=3))
    await adopt(coordinator)
    post = await open_round(coordinator, "survey")
    questions = await survey_questions(app, loopback_guild, round_id_of(post))
    remedied = {r.sign_id for r in app.services.patterns[COP].remedies}
    target = next(q for q in questions if q.kind is QuestionKind.DECAY and q.sign_id in remedied)
    for member in members:
        await answer_survey(member, post, lambda i: 5 if questions[i] == target else 1)
    await reply(await coordinator.invoke("vitality close"))
    await loopback_server.wait_until(
        lambda: True if math.isfinite(app.bot.latency) else None, "a heartbeat to be answered"
    )

    got = samples(app.metrics)
    assert got[("vitalitybot_rounds_opened_total", ())] == 1.0
    assert got[("vitalitybot_rounds_closed_total", ())] == 1.0
    assert got[("vitalitybot_answers_recorded_total", ())] == 3.0 * len(questions)
    suggestions = {
        labels: value
        for (name, labels), value in got.items()
        if name == "vitalitybot_suggestions_posted_total"
    }
    assert sum(suggestions.values()) >= 1.0, suggestions
    latency = got[("vitalitybot_gateway_latency_seconds", ())]
    assert math.isfinite(latency) and latency >= 0

"""``vitalitybot run -v`` logs a whole anonymous survey without any member's answers and
without the interaction tokens that would let a reader act as the bot."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pytest

from loopback import Guild, LoopbackDiscord
from vitalitybot.observability.logs import configure_logging

from .conftest import MakeSettings
from .support import (
    adopt,
    answer_survey,
    coordinator_of,
    open_round,
    reply,
    running_bot,
    set_up,
)

MEMBERS = ("ana", "ben", "cy")


class Records(logging.Handler):
    """Every record a logger emits, before the bot's handler decides what to write."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def verbose_log(loopback_server: LoopbackDiscord) -> Iterator[io.StringIO]:
    """The log as ``vitalitybot run -v`` writes it (its handler, DEBUG on the root)."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    configure_logging(logging.DEBUG, secrets=[loopback_server.token], stream=stream)
    yield stream
    configure_logging(logging.WARNING, stream=io.StringIO())  # detach from this stream
    root.setLevel(level)


@pytest.fixture
def raw_gateway() -> Iterator[Records]:
    """What discord.py's gateway logger emits, to show there was something to keep out."""
    records = Records()
    gateway = logging.getLogger("discord.gateway")
    gateway.addHandler(records)
    yield records
    gateway.removeHandler(records)


async def test_a_verbose_log_of_an_anonymous_survey_has_no_answers_and_no_interaction_tokens(
    loopback_server: LoopbackDiscord,
    loopback_guild: Guild,
    make_settings: MakeSettings,
    verbose_log: io.StringIO,
    raw_gateway: Records,
) -> None:
    coordinator = coordinator_of(loopback_guild)
    members = [loopback_guild.add_member(name) for name in MEMBERS]
    async with running_bot(loopback_server, make_settings()):
        await set_up(coordinator)  # a new community's rounds are anonymous
        await adopt(coordinator)
        post = await open_round(coordinator, "survey")
        for offset, member in enumerate(members):
            await answer_survey(member, post, lambda i, k=offset: 1 + (i + k) % 5)
        closed = await reply(await coordinator.invoke("vitality close"))
        assert closed.content.startswith("Closed the survey"), closed.content

    written = verbose_log.getvalue()
    member_ids = [str(m.id) for m in members]
    # Unfiltered, discord.py's gateway log holds exactly what must not be written:
    # the member who picked, the menu's custom_id and the values picked, and the token.
    raw_picks = [line for line in raw_gateway.lines if "vb:pick:" in line]
    assert any(any(m in line for m in member_ids) and "values" in line for line in raw_picks)

    tokens = [record.token for record in loopback_server.state.interactions.values()]
    assert tokens and not [t for t in tokens if t in written]
    for line in written.splitlines():
        if any(re.search(rf"\b{m}\b", line) for m in member_ids):
            assert "vb:pick" not in line and "values" not in line, line
    # Still a verbose log: the bot's own debug lines and discord.py's information.
    assert re.search(r" DEBUG +vitalitybot\.", written)
    assert re.search(r" INFO +discord\.gateway .*connected to Gateway", written)

"""A bot that runs for the life of its process settles its heap once start-up is done."""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import Iterator

import pytest

from loopback import LoopbackDiscord
from vitalitybot.bot.heap import YOUNG_THRESHOLD

from .conftest import MakeSettings
from .support import running_bot


@pytest.fixture
def fresh_collector() -> Iterator[None]:
    """Leave the test process's collector as it was: nothing frozen, default thresholds."""
    gc.unfreeze()
    thresholds = gc.get_threshold()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("fresh_collector")
async def test_start_up_objects_are_frozen_once_the_schedules_are_armed(
    loopback_server: LoopbackDiscord, make_settings: MakeSettings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="vitalitybot.bot.heap")
    async with running_bot(loopback_server, make_settings(), freeze_heap=True) as app:
        await loopback_server.wait_until(
            lambda: True if "frozen" in caplog.text else None, "the start-up to finish"
        )
        assert app.keeper.runner.running  # frozen after the schedules were armed, not before
        reported = re.search(r"(\d+) long-lived objects frozen", caplog.text)
        assert reported is not None and int(reported[1]) > 10_000  # library, caches, jobs
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD


@pytest.mark.usefixtures("fresh_collector")
async def test_a_bot_built_without_the_option_leaves_the_collector_alone(
    loopback_server: LoopbackDiscord, make_settings: MakeSettings
) -> None:
    defaults = gc.get_threshold()
    async with running_bot(loopback_server, make_settings()) as app:
        await loopback_server.wait_until(
            lambda: True if app.keeper.runner.running else None, "the schedules to be armed"
        )
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold() == defaults

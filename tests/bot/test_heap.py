"""A bot that runs for the life of its process freezes its start-up objects once start-up
is done, and leaves the collector's timing to CPython."""

from __future__ import annotations

import gc
import logging
import re
import weakref
from collections.abc import Iterator

import pytest

from loopback import LoopbackDiscord

from .conftest import MakeSettings
from .support import running_bot


@pytest.fixture
def fresh_collector() -> Iterator[None]:
    """Leave the test process's collector as it was: nothing frozen, default thresholds,
    collecting automatically."""
    gc.unfreeze()
    thresholds = gc.get_threshold()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        gc.enable()


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> weakref.ref[Node]:
    """Garbage only the cyclic collector can free; the reference says when it has."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.mark.usefixtures("fresh_collector")
async def test_start_up_objects_are_frozen_once_the_schedules_are_armed(
    loopback_server: LoopbackDiscord, make_settings: MakeSettings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="vitalitybot.bot.heap")
    defaults = gc.get_threshold()
    async with running_bot(loopback_server, make_settings(), freeze_heap=True) as app:
        await loopback_server.wait_until(
            lambda: True if "frozen" in caplog.text else None, "the start-up to finish"
        )
        assert app.keeper.runner.running  # frozen after the schedules were armed, not before
        reported = re.search(r"(\d+) long-lived objects frozen", caplog.text)
        assert reported is not None and int(reported[1]) > 10_000  # library, caches, jobs
        assert gc.get_freeze_count() > 10_000
        # The collector keeps CPython's own timing: on, with its thresholds, and garbage
        # made after start-up is still freed without anyone asking.
        assert gc.isenabled() and gc.get_threshold() == defaults
        garbage = cycle()
        for _ in range(10):
            kept = [[] for _ in range(10 * defaults[0])]
            if garbage() is None:
                break
            del kept
        assert garbage() is None


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
        assert gc.isenabled()

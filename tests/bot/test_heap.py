"""A bot that runs for the life of its process settles its heap once start-up is done,
and runs the garbage collector between bursts of clicks rather than inside them."""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from loopback import Guild, LoopbackDiscord
from vitalitybot.bot.heap import TICK, YOUNG_THRESHOLD, CollectorPacer, generation_due

from .conftest import MakeSettings
from .support import (
    adopt,
    coordinator_of,
    custom_id,
    open_round,
    reply,
    running_bot,
    set_up,
)


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
        assert gc.isenabled()  # no pacer took the collector's timing over


@pytest.mark.parametrize(
    ("counts", "due"),
    [
        ((99, 9, 9), None),  # too few allocations yet, however old the rest
        ((100, 0, 0), 0),
        ((100, 10, 0), 1),  # ten young collections since the last middle one
        ((100, 10, 10), 2),
        ((100, 9, 10), 0),  # a full collection waits for a middle one to be due too
    ],
)
def test_the_generation_due_is_the_one_cpython_would_collect(
    counts: tuple[int, int, int], due: int | None
) -> None:
    assert generation_due(counts, (100, 10, 10)) == due


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> weakref.ref[Node]:
    """Garbage only the cyclic collector can free; the reference says when it has."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.mark.usefixtures("fresh_collector")
def test_a_due_collection_waits_while_the_bot_is_busy_and_runs_once_it_is_quiet() -> None:
    busy = True
    pacer = CollectorPacer(lambda: busy, patience=50)
    gc.collect()
    gc.set_threshold(1_000, 10, 10)
    gc.disable()
    garbage = cycle()
    kept = [[] for _ in range(2_000)]  # young objects: a collection is due

    assert pacer.step() is None  # busy: it waits
    assert garbage() is not None and pacer.deferred == 1

    busy = False
    assert pacer.step() == 0
    assert garbage() is None and pacer.collections == 1
    assert pacer.step() is None  # nothing due any more
    del kept


@pytest.mark.usefixtures("fresh_collector")
def test_a_bot_that_is_never_quiet_still_collects_past_its_patience() -> None:
    pacer = CollectorPacer(lambda: True, patience=3)
    gc.collect()
    gc.set_threshold(1_000, 10, 10)
    gc.disable()
    garbage = cycle()
    kept = [[] for _ in range(1_500)]
    assert pacer.step() is None

    kept += [[] for _ in range(2_000)]  # past three thresholds' worth
    assert pacer.step() == 0
    assert garbage() is None


@pytest.mark.usefixtures("fresh_collector")
async def test_the_pacer_owns_the_collector_while_it_runs_and_gives_it_back() -> None:
    pacer = CollectorPacer(lambda: False, tick=0.01)
    gc.set_threshold(100, 10, 10)
    pacer.start()
    try:
        assert not gc.isenabled()
        garbage = cycle()
        kept = [[] for _ in range(500)]
        for _ in range(100):
            if garbage() is None:
                break
            await asyncio.sleep(0.01)
        assert garbage() is None and pacer.collections >= 1
        del kept
    finally:
        await pacer.stop()
    assert gc.isenabled()


@pytest.mark.usefixtures("fresh_collector")
async def test_no_collection_runs_while_a_crowd_of_clicks_is_being_handled(
    loopback_server: LoopbackDiscord, loopback_guild: Guild, make_settings: MakeSettings
) -> None:
    crowd = [loopback_guild.add_member(f"member-{n}") for n in range(40)]
    coordinator = coordinator_of(loopback_guild)
    async with running_bot(loopback_server, make_settings(), freeze_heap=True) as app:
        bot = app.bot
        await loopback_server.wait_until(
            lambda: True if not gc.isenabled() else None, "the start-up to finish"
        )
        await set_up(coordinator)
        await adopt(coordinator)
        post = await open_round(coordinator, "survey")
        gc.set_threshold(500, 10, 10)  # a collection falls due many times in the burst
        bot.collector.tick = 0.002  # and the pacer looks often enough to see it
        bot.collector.patience = 1_000  # a small threshold: its patience would run out
        await asyncio.sleep(2 * TICK)
        started_busy: list[int] = []

        def watch(phase: str, info: dict[str, Any]) -> None:
            if phase == "start" and bot.interactions.in_flight():
                started_busy.append(info["generation"])

        collections, deferred = bot.collector.collections, bot.collector.deferred
        gc.callbacks.append(watch)
        try:
            clicks = await asyncio.gather(
                *(member.click(post, custom_id(post, "vb:answer:")) for member in crowd)
            )
            pages = [await reply(click) for click in clicks]
            await loopback_server.wait_until(
                lambda: True if bot.collector.collections > collections else None,
                "a collection once the crowd was served",
            )
        finally:
            gc.callbacks.remove(watch)

        assert all(page.ephemeral for page in pages)
        assert bot.collector.deferred > deferred  # collections fell due during the burst
        assert started_busy == []  # and waited for it to end
    assert gc.isenabled()  # the closed bot gave the collector back

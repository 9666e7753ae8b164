"""Garbage-collector settings for a process that serves one bot for its whole life.

CPython's cyclic collector stops the event loop while it runs. A full collection walks
every tracked object, and in a running bot nearly all of them were made at start and
live until the end: the pattern library, the guild caches, the scheduler's jobs. With
the default settings full collections came several times a second under load, each a
pause of 50 to 100 ms (``benchmarks/fanout.py``, 1,000 guilds), and every click waiting
for its acknowledgement waited through them too.

``settle_heap`` is called once start-up is done: it collects, then freezes what
survived (``gc.freeze``: those objects are never walked again), and raises the
first threshold so that young collections, and with them full ones, come twenty
times less often.

Even young collections cost most in the wrong place. During a burst of clicks the
young objects are mostly alive (two hundred interactions in flight, their requests
and pages), so a young collection then walks all 20,000 of them: 5 to 15 ms on a
2-core VM, plus 50 ms for the occasional middle one, and the clicks still waiting
wait through it. ``CollectorPacer`` therefore takes the collector's timing over:
automatic collection is off, and a tick ten times a second runs the collection
CPython would have run, but only once no interaction is being handled. A bot that is
never quiet still collects, once its young objects reach ``PATIENCE`` times the
threshold, so memory stays bounded whatever the load.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

# Allocations between young collections (CPython's default is 700); the older
# generations keep their default ratios (10 and 10).
YOUNG_THRESHOLD = 20_000
PATIENCE = 5  # a busy bot defers a due collection until this many thresholds' worth
TICK = 0.1  # seconds between two looks at the collector's counts


def settle_heap() -> int:
    """Collect, freeze the survivors and space collections out; how many were frozen."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    frozen = gc.get_freeze_count()
    logger.info("start-up done: %d long-lived objects frozen out of garbage collection", frozen)
    return frozen


def generation_due(counts: tuple[int, int, int], thresholds: tuple[int, int, int]) -> int | None:
    """The generation CPython would collect now, or None: the oldest whose count is over.

    ``counts`` are ``gc.get_count()``: allocations since the last young collection, young
    collections since the last middle one, middle ones since the last full one. CPython
    also holds a full collection back until a quarter of the old objects are new; that
    count is not visible from Python, and after ``gc.freeze`` the old generation holds
    only what was made since start-up, so a full collection here stays small.
    """
    young, middle, old = counts
    if young < thresholds[0]:
        return None
    if old >= thresholds[2] and middle >= thresholds[1]:
        return 2
    if middle >= thresholds[1]:
        return 1
    return 0


class CollectorPacer:
    """Runs the cyclic collector between bursts of interactions, not inside them."""

    def __init__(
        self,
        busy: Callable[[], bool],
        *,
        patience: int = PATIENCE,
        tick: float = TICK,
    ) -> None:
        self.busy = busy
        self.patience = patience
        self.tick = tick
        self.collections = 0
        self.deferred = 0  # ticks on which a due collection waited for a quiet moment
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Turn automatic collection off and start ticking (inside the running loop)."""
        if self._task is None:
            gc.disable()
            self._task = asyncio.create_task(self._run(), name="vitalitybot-collector")

    async def stop(self) -> None:
        """Stop ticking and give the collector back its automatic timing."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            gc.enable()

    def step(self) -> int | None:
        """Collect if a collection is due and the bot is quiet (or has waited too long)."""
        thresholds = gc.get_threshold()
        counts = gc.get_count()
        generation = generation_due(counts, thresholds)
        if generation is None:
            return None
        if counts[0] < thresholds[0] * self.patience and self.busy():
            self.deferred += 1
            return None
        gc.collect(generation)
        self.collections += 1
        return generation

    async def _run(self) -> None:
        try:
            while True:
                await asyncio.sleep(self.tick)
                self.step()
        finally:
            gc.enable()  # never leave the process without a collector

"""Start-up objects kept out of the cyclic garbage collector's full walks.

CPython's cyclic collector stops the event loop while it runs, and a full collection
walks every tracked object. In a bot that runs for the life of its process nearly all
of them are made at start and live until the end: the imported libraries, the pattern
library, the guild caches, one scheduler job per schedule. A full collection of them
stops every handler at once, for longer the more communities the process serves (the
walk grows with the heap). ``settle_heap`` is called once start-up is done: it
collects, then freezes what survived (``gc.freeze``), so later full collections walk
only what was made since. The collector keeps CPython's own thresholds and timing.
"""

from __future__ import annotations

import gc
import logging

logger = logging.getLogger(__name__)


def settle_heap() -> int:
    """Collect, then freeze the survivors out of later collections; how many were frozen."""
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    logger.info("start-up done: %d long-lived objects frozen out of garbage collection", frozen)
    return frozen

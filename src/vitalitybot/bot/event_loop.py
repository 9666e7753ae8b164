"""The event loop ``vitalitybot run`` serves Discord on.

A burst of clicks is, for the bot, a burst of gateway frames to read and of HTTP
requests to make, all on one thread. uvloop runs asyncio's API on libuv with cheaper
sockets, so where it is installed (the ``fast`` extra: ``pip install
'vitalitybot[fast]'``) ``run`` serves on it; elsewhere, and with
``VITALITYBOT_EVENT_LOOP=asyncio`` (the setting ``event_loop``, to rule uvloop out when
chasing a bug), it serves on asyncio's own loop. Nothing else in the bot depends on which.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

from vitalitybot.config import EventLoop

logger = logging.getLogger(__name__)

T = TypeVar("T")


def run_on(loop: EventLoop, main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` to the end on the chosen loop (``asyncio.run`` semantics either way)."""
    if loop == "uvloop":
        try:
            import uvloop
        except ImportError:
            logger.info(
                "uvloop is not installed here (the `fast` extra): running on asyncio's event loop"
            )
        else:
            served: T = uvloop.run(main)
            return served
    return asyncio.run(main)


def loop_name() -> str:
    """Which loop the running code is on, for the start-up log line."""
    module = type(asyncio.get_running_loop()).__module__
    return "uvloop" if module.startswith("uvloop") else "asyncio"

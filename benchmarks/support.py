"""What the benchmarks share: percentiles, timing, peak memory, a fresh database with the
services on it, child processes that answer in one JSON line, the loopback Discord server
(``tests.loopback``), and the last line.

Every benchmark ends with one machine-readable line, ``name=value name=value ...``
(``finish``), which benchmarks/README.md and the smoke tests read; the line before it
says which floors were met. A missed floor is reported, not an error: the machines that
run these are shared and noisy, and the smoke tests run them at sizes too small for the
floors to mean anything.
"""

from __future__ import annotations

import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from vitalitybot.bot.heap import settle_heap
from vitalitybot.config import load_settings
from vitalitybot.domain.records import Community
from vitalitybot.patterns import load_library
from vitalitybot.render.environment import build_environment
from vitalitybot.scheduling.clock import Clock
from vitalitybot.services import DiscardingNotifier, MemberDirectory, Notifier, Services
from vitalitybot.storage import Database, open_database, upgrade
from vitalitybot.vitality.anonymity import RoundKeys

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The loopback Discord server of the test suite is imported as ``tests.loopback`` (its
# public API only, the names its __init__ exports): the benchmarks run from the checkout.
if str(PROJECT_ROOT) not in sys.path:
    sys.path.append(str(PROJECT_ROOT))


# -- statistics and timing -------------------------------------------------------------


def percentile(values: Sequence[float], pct: int) -> float:
    """The ``pct``-th percentile (1 to 99) of ``values``.

    ``statistics.quantiles`` with the inclusive method: the smallest and largest values
    are the 0th and 100th percentiles and ranks in between are interpolated, so a p99
    over a hundred values lies between the two largest rather than being the largest.
    """
    if not 1 <= pct <= 99:
        raise ValueError(f"a percentile runs from 1 to 99, not {pct}")
    if not values:
        raise ValueError("no values to take a percentile of")
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def spread(values_ms: Sequence[float]) -> str:
    """p50, p90, p99 and the largest of some latencies in ms, for a table row."""
    return (
        f"p50 {percentile(values_ms, 50):6.1f}  p90 {percentile(values_ms, 90):6.1f}  "
        f"p99 {percentile(values_ms, 99):6.1f}  max {max(values_ms):6.1f} ms"
    )


@dataclass
class Timer:
    """Seconds (or ms) since it was made, on the monotonic performance counter."""

    started: float = field(default_factory=time.perf_counter)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    @property
    def ms(self) -> float:
        return self.seconds * 1000


def settle_heap_timed() -> tuple[float, float]:
    """Settle the heap as ``vitalitybot run`` does once started (``bot/heap.py``); how long
    one full garbage collection stops the process before and after, in ms."""
    before = _full_collection_ms()
    settle_heap()
    return before, _full_collection_ms()


def _full_collection_ms() -> float:
    timer = Timer()
    gc.collect()
    return timer.ms


@contextmanager
def timed(into: dict[str, float], name: str) -> Iterator[None]:
    """Record how many seconds the block took under ``name``."""
    timer = Timer()
    try:
        yield
    finally:
        into[name] = timer.seconds


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB.

    On Linux ``getrusage``'s ``ru_maxrss`` survives ``exec``, so a child started by a big
    parent would report the parent's peak; ``VmHWM`` belongs to the program now running.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def cpu_seconds() -> float:
    """CPU time of this process and of the children it waited for (say, a pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# -- floors and the last line ----------------------------------------------------------

Comparison = Literal["<", "<=", ">=", ">"]
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": lambda value, limit: value < limit,
    "<=": lambda value, limit: value <= limit,
    ">=": lambda value, limit: value >= limit,
    ">": lambda value, limit: value > limit,
}


@dataclass(frozen=True)
class Floor:
    """What a figure should be: ``p99_ms < 25``, ``answers_per_s >= 2000``."""

    name: str
    comparison: Comparison
    limit: float

    def met(self, figures: Mapping[str, float]) -> bool:
        return _COMPARE[self.comparison](figures[self.name], self.limit)

    def __str__(self) -> str:
        return f"{self.name} {self.comparison} {self.limit:g}"


def figure(value: float) -> str:
    """A figure as the last line shows it: whole from 100 up, else three significant digits."""
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.3g}"


def finish(figures: Mapping[str, float], floors: Iterable[Floor] = ()) -> None:
    """Print which floors were met, then the machine-readable last line."""
    checked = [(floor, floor.met(figures)) for floor in floors]
    if checked:
        print("floors: " + ", ".join(f"{f} {'met' if ok else 'MISSED'}" for f, ok in checked))
    print(" ".join(f"{name}={figure(value)}" for name, value in figures.items()), flush=True)


# -- child processes -------------------------------------------------------------------


def say(result: Mapping[str, Any]) -> None:
    """How a child process answers: one JSON line on stdout."""
    print(json.dumps(result), flush=True)


def spawn(script: Path, *args: str) -> dict[str, Any]:
    """Run ``script`` with ``args`` in a fresh interpreter; its last stdout line, as JSON.

    A fresh process for each measurement: one run's imports, caches and memory cannot
    help or hurt the next, and peak memory is that of the process that did the work.
    """
    done = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{script.name} {' '.join(args)} failed (exit {done.returncode})")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


# -- a database with the services on it ------------------------------------------------


def sqlite_url(folder: Path, name: str = "bench") -> str:
    return f"sqlite+aiosqlite:///{folder / f'{name}.sqlite3'}"


@asynccontextmanager
async def fresh_database(url: str) -> AsyncIterator[Database]:
    """The database at ``url``, migrated by the real Alembic, disposed of afterwards."""
    db = open_database(url)
    try:
        await upgrade(db)
        yield db
    finally:
        await db.dispose()


class Members:
    """A member directory that lists the same members in every community."""

    def __init__(self, ids: Sequence[int] = ()) -> None:
        self.ids = list(ids)

    async def eligible_members(self, community: Community) -> list[int]:
        return self.ids


def services_on(
    db: Database,
    clock: Clock,
    *,
    notifier: Notifier | None = None,
    members: MemberDirectory | None = None,
) -> Services:
    """The real services with the shipped patterns; posts go nowhere unless told otherwise."""
    return Services(
        db=db,
        patterns=load_library(load_settings().patterns_dir).patterns,
        clock=clock,
        notifier=notifier if notifier is not None else DiscardingNotifier(),
        members=members if members is not None else Members(),
        env=build_environment(),
        keys=RoundKeys.throwaway(),
    )

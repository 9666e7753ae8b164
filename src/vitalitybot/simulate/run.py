"""The offline run: a synthetic community lives through months of the real bot.

Nothing here imitates the bot. A temporary SQLite file is migrated by the real Alembic
upgrade; the shipped patterns are loaded as the bot loads them; the community is set up
and adopts its patterns through the services, which create the default schedules; and
the real ``ScheduleKeeper`` drives rounds on a ``SimulatedRunner`` over a ``ManualClock``
that jumps from one job to the next. Members answer through the same runner (see
``members``), so a year takes seconds and every post is one the bot would have made.
"""

from __future__ import annotations

import asyncio
import calendar
import logging
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from vitalitybot.config import Settings, load_settings
from vitalitybot.domain.records import RoundKind, ScheduleCadence
from vitalitybot.patterns import Pattern, load_library
from vitalitybot.patterns.search import PatternIndex, resolve
from vitalitybot.render.environment import build_environment
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.scheduling.virtual import SimulatedRunner
from vitalitybot.services import (
    ScheduleKeeper,
    Services,
    UnknownPattern,
    adopt_pattern,
    set_schedule,
    setup_community,
)
from vitalitybot.simulate.chart import draw_chart
from vitalitybot.simulate.community import SyntheticCommunity
from vitalitybot.simulate.members import MemberBehaviour, Tally
from vitalitybot.simulate.notifier import WIDTH, ConsoleNotifier, SimPost, SyntheticDirectory
from vitalitybot.simulate.report import Report, collect, render
from vitalitybot.storage import Database, open_database, upgrade
from vitalitybot.vitality.anonymity import RoundKeys

logger = logging.getLogger(__name__)

SIMULATED_POLL = timedelta(days=7)

DEFAULT_PATTERNS = ("cop-commons-alignment", "energizing-participation")
DEFAULT_NAME = "Riverside Nurses CoP"
DEFAULT_TIMEZONE = "Europe/Berlin"
DEFAULT_CHART = Path("vitality-chart.png")
GUILD_ID = 424_242_424_242_424_242
CHANNEL_ID = 535_353_535_353_535_353
CLOSE_NAMES = 3


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    months: int = 12
    members: int = 30
    seed: int = 7
    patterns: tuple[str, ...] = DEFAULT_PATTERNS
    chart: Path = DEFAULT_CHART
    keep_db: Path | None = None  # keep the database here instead of a temporary file
    quiet: bool = False  # one line per post; only suggestions in full
    start: datetime = datetime(2026, 1, 1, tzinfo=ZoneInfo(DEFAULT_TIMEZONE))
    name: str = DEFAULT_NAME
    timezone: str = DEFAULT_TIMEZONE
    width: int = WIDTH


@dataclass(frozen=True, slots=True)
class SimulationResult:
    config: SimulationConfig
    patterns: tuple[Pattern, ...]
    posts: tuple[SimPost, ...]
    report: Report
    tally: Tally
    chart: Path
    seconds: float
    suggestions: Counter[str] = field(default_factory=Counter)  # by kind, as posted

    def of_kind(self, kind: str) -> list[SimPost]:
        """Posts of one kind ("suggestion" matches every suggestion kind)."""
        return [p for p in self.posts if p.kind == kind or p.kind.startswith(kind + ":")]

    @property
    def summary(self) -> str:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.suggestions.items()))
        return (
            f"Simulated {self.config.months} months of {self.config.name} "
            f"({self.config.members} members, seed {self.config.seed}): "
            f"{len(self.report.rounds)} rounds, {self.tally.submissions:,} submissions, "
            f"{self.tally.answers:,} answers; suggestions: {kinds or 'none'}; "
            f"chart: {self.chart}; {self.seconds:.1f} s"
        )


def resolve_patterns(library: Mapping[str, Pattern], names: Sequence[str]) -> list[Pattern]:
    """The patterns named (slug, exact title or alias), or ``UnknownPattern`` with close names."""
    index = PatternIndex(library)
    chosen: list[Pattern] = []
    for name in names:
        resolution = resolve(index, name, close=CLOSE_NAMES)
        if resolution.pattern is None:
            raise UnknownPattern(name, [(m.slug, m.title) for m in resolution.close])
        if resolution.pattern not in chosen:
            chosen.append(resolution.pattern)
    return chosen


def add_months(moment: datetime, months: int) -> datetime:
    """The same local day and time ``months`` later (the month's last day if shorter)."""
    years, index = divmod(moment.month - 1 + months, 12)
    year, month = moment.year + years, index + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def run_simulation(
    config: SimulationConfig, *, settings: Settings | None = None, out: TextIO | None = None
) -> SimulationResult:
    """Run the simulation to the end; prints as it goes (``out``: default stdout)."""
    return asyncio.run(simulate(config, settings=settings, out=out))


async def simulate(
    config: SimulationConfig, *, settings: Settings | None = None, out: TextIO | None = None
) -> SimulationResult:
    started = time.perf_counter()
    settings = settings or load_settings()
    library = load_library(settings.patterns_dir).patterns
    patterns = resolve_patterns(library, config.patterns)
    with ExitStack() as stack:
        if config.keep_db is not None:
            path = config.keep_db
        else:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="vitalitybot-sim-"))
            path = Path(folder) / "simulation.sqlite3"
        db = open_database(f"sqlite+aiosqlite:///{path}")
        try:
            await upgrade(db)
            return await _run(config, settings, library, patterns, db, out, started)
        finally:
            await db.dispose()


async def _run(
    config: SimulationConfig,
    settings: Settings,
    library: Mapping[str, Pattern],
    patterns: Sequence[Pattern],
    db: Database,
    out: TextIO | None,
    started: float,
) -> SimulationResult:
    start = config.start
    end = add_months(start, config.months)
    clock = ManualClock(start)
    runner = SimulatedRunner(clock)
    community = SyntheticCommunity.create(config.members, config.seed, start, end, patterns)
    notifier = ConsoleNotifier(
        clock, config.timezone, out=out, width=config.width, quiet=config.quiet
    )
    svc = Services(
        db=db,
        patterns=library,
        clock=clock,
        notifier=notifier,
        members=SyntheticDirectory(community),
        env=build_environment(settings.templates_dir),
        keys=RoundKeys.throwaway(),  # the simulated database is thrown away too
    )
    # No other process writes the simulated database, and this one's commits wake the
    # keeper, so a weekly look is plenty (a year of minutes would be half a million).
    keeper = ScheduleKeeper(svc, runner, poll=SIMULATED_POLL)
    behaviour = MemberBehaviour(svc, community, runner, GUILD_ID)
    notifier.listeners.append(behaviour)

    await setup_community(svc, GUILD_ID, config.name, CHANNEL_ID, config.timezone)
    for pattern in patterns:
        result = await adopt_pattern(svc, GUILD_ID, pattern.slug)
        for schedule in result.schedules:
            if schedule.cadence is not ScheduleCadence.MONTHLY:
                # A year should show about twelve of each, whatever the pattern's rhythm.
                day = "third tue" if schedule.kind is RoundKind.SURVEY else "first tue"
                await set_schedule(svc, GUILD_ID, schedule.kind, "monthly", day, "10:00")
    print(_intro(config, patterns, start, end), file=out or sys.stdout)
    await keeper.start()
    await runner.run_until(end)
    keeper.shutdown()

    report = await collect(svc, GUILD_ID)
    print(file=out or sys.stdout)
    print(render(report), file=out or sys.stdout, end="")
    title = f"{config.name}: signs of decay per survey (seed {config.seed})"
    chart = draw_chart(report, config.chart, title)
    suggestions = Counter(p.kind.split(":", 1)[1] for p in notifier.of("suggestion"))
    return SimulationResult(
        config=config,
        patterns=tuple(patterns),
        posts=tuple(notifier.posts),
        report=report,
        tally=behaviour.tally,
        chart=chart,
        seconds=time.perf_counter() - started,
        suggestions=suggestions,
    )


def _intro(
    config: SimulationConfig, patterns: Sequence[Pattern], start: datetime, end: datetime
) -> str:
    titles = " and ".join(p.title for p in patterns)
    return (
        f"{config.name}: {config.members} simulated members ({config.timezone}), "
        f"watching {titles}.\n"
        f"Simulating {start:%d %b %Y} to {end:%d %b %Y} with seed {config.seed}: every post "
        "the bot would make, in order."
    )

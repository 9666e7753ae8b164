"""The offline run: a synthetic community lives through months of the real bot.

Nothing here imitates the bot. A temporary SQLite file is migrated by the real Alembic
upgrade; the shipped patterns are loaded as the bot loads them; the community is set up
and adopts its patterns through the services, which create the default schedules; and
the real ``ScheduleKeeper`` drives rounds on a ``SimulatedRunner`` over a ``ManualClock``
that jumps from one job to the next. Members answer through the same runner (see
``members``), so a year takes seconds and every post is one the bot would have made.

The run keeps the schedules adoption created, each pattern's own rhythm, and a member
directory that answers as a default bot's does (no Server Members intent) unless
``members_intent`` says otherwise: the story tells what a coordinator would really see,
and says what the intent would add.

Simulated coordinators read what each close posts and commit to steps (see
``coordinators``); ``coordinators=False`` runs the bot with nobody acting on it, the
baseline a run with them is compared with.
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
from vitalitybot.domain.records import Commitment, CommitmentStatus, RoundKind, Schedule
from vitalitybot.patterns import Pattern, load_library
from vitalitybot.patterns.search import PatternIndex, resolve
from vitalitybot.render.environment import build_environment
from vitalitybot.scheduling.clock import ManualClock
from vitalitybot.scheduling.spec import describe as describe_schedule
from vitalitybot.scheduling.virtual import SimulatedRunner
from vitalitybot.services import (
    ScheduleKeeper,
    Services,
    UnknownPattern,
    adopt_pattern,
    setup_community,
)
from vitalitybot.services.app import spec_of
from vitalitybot.simulate.chart import draw_chart
from vitalitybot.simulate.community import SyntheticCommunity
from vitalitybot.simulate.coordinators import Coordinators
from vitalitybot.simulate.members import MemberBehaviour, Tally
from vitalitybot.simulate.notifier import (
    WIDTH,
    ConsoleNotifier,
    Detail,
    SimPost,
    SyntheticDirectory,
)
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
# Member-months from which a run reports each simulated month on ``progress``: below
# it a run is over in seconds, above it one can run for many minutes.
LONG_RUN = 600
_KIND_WORDS = {RoundKind.SURVEY: "Surveys", RoundKind.CHECKIN: "Check-ins"}


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    months: int = 12
    members: int = 30
    seed: int = 7
    patterns: tuple[str, ...] = DEFAULT_PATTERNS
    chart: Path = DEFAULT_CHART
    keep_db: Path | None = None  # keep the database here instead of a temporary file
    detail: Detail = Detail.STORY
    members_intent: bool = False  # as `vitalitybot run --members-intent`
    coordinators: bool = True  # False: nobody commits to anything the bot suggests
    progress: TextIO | None = None  # where a long run reports each simulated month
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
    schedules: tuple[Schedule, ...]  # as adoption made them
    suggestions: Counter[str] = field(default_factory=Counter)  # by kind, as posted
    refused: int = 0  # coordinators' acts the services refused

    @property
    def commitments(self) -> tuple[Commitment, ...]:
        """What the coordinators committed to, oldest first, as it stands at the end."""
        return self.report.commitments

    def of_kind(self, kind: str) -> list[SimPost]:
        """Posts of one kind ("suggestion" matches every suggestion kind)."""
        return [p for p in self.posts if p.kind == kind or p.kind.startswith(kind + ":")]

    @property
    def summary(self) -> str:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.suggestions.items()))
        months = "month" if self.config.months == 1 else "months"
        seconds = round(self.seconds)
        took = f"{seconds} second" if seconds == 1 else f"{seconds} seconds"
        return (
            f"{self.config.months} {months} of {self.config.name} in {took}: "
            f"{len(self.report.rounds)} rounds, answered {self.tally.submissions:,} times; "
            f"the bot suggested: {kinds or 'nothing'}; {self._committed}. "
            f"Chart: {self.chart}"
        )

    @property
    def _committed(self) -> str:
        made = len(self.commitments)
        if not made:
            return "coordinators committed to nothing"
        times = "once" if made == 1 else f"{made} times"
        closed = Counter(c.status for c in self.commitments)
        return (
            f"coordinators committed {times} ({closed[CommitmentStatus.DONE]} done, "
            f"{closed[CommitmentStatus.DROPPED]} dropped)"
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
        clock, config.timezone, out=out, width=config.width, detail=config.detail
    )
    svc = Services(
        db=db,
        patterns=library,
        clock=clock,
        notifier=notifier,
        members=SyntheticDirectory(community, members_intent=config.members_intent),
        env=build_environment(settings.templates_dir),
        keys=RoundKeys.throwaway(),  # the simulated database is thrown away too
    )
    # No other process writes the simulated database, and this one's commits wake the
    # keeper, so a weekly look is plenty (a year of minutes would be half a million).
    keeper = ScheduleKeeper(svc, runner, poll=SIMULATED_POLL)
    behaviour = MemberBehaviour(svc, community, runner, GUILD_ID)
    notifier.listeners.append(behaviour)
    community_record = await setup_community(
        svc, GUILD_ID, config.name, CHANNEL_ID, config.timezone
    )
    coordinators = Coordinators(svc, community, runner, notifier, GUILD_ID, community_record.id)
    if config.coordinators:
        notifier.readers.append(coordinators)
    for pattern in patterns:
        await adopt_pattern(svc, community_record.id, pattern.slug)
    async with svc.repos() as repos:
        schedules = await repos.schedules.list_for(community_record.id)
    print(_intro(config, patterns, schedules, start, end), file=out or sys.stdout)
    await keeper.start()
    for month in range(1, config.months + 1):
        await runner.run_until(add_months(start, month))
        _report_progress(config, month, started)
    keeper.shutdown()

    report = await collect(svc, GUILD_ID, community_record.id)
    print(file=out or sys.stdout)
    print(render(report), file=out or sys.stdout, end="")
    title = f"{config.name}: signs of decay per survey"
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
        schedules=tuple(schedules),
        suggestions=suggestions,
        refused=coordinators.refused,
    )


def _report_progress(config: SimulationConfig, month: int, started: float) -> None:
    """A line per simulated month on ``config.progress`` when the run is a long one."""
    if config.progress is None or config.members * config.months < LONG_RUN:
        return
    print(
        f"simulated month {month} of {config.months} "
        f"({time.perf_counter() - started:.0f} s so far)",
        file=config.progress,
        flush=True,
    )


def _intro(
    config: SimulationConfig,
    patterns: Sequence[Pattern],
    schedules: Sequence[Schedule],
    start: datetime,
    end: datetime,
) -> str:
    titles = " and ".join(p.title for p in patterns)
    lines = [
        f"{config.name}: {config.members} simulated members ({config.timezone}), "
        f"watching {titles}.",
        f"Simulated Discord server (guild) id: {GUILD_ID}",
        f"From {start:%d %b %Y} to {end:%d %b %Y}, what the bot posts in the channel, in order.",
    ]
    lines += [
        f"{_KIND_WORDS[s.kind]}: {describe_schedule(spec_of(s, config.timezone))} "
        "(the patterns' own rhythm)."
        for s in sorted(schedules, key=lambda s: s.kind.value)
        if s.enabled
    ]
    if config.members_intent:
        lines.append(
            "With the Server Members intent (run --members-intent): the bot knows who is in "
            "the channel, so results give a participation rate, it can suggest acting on "
            "falling participation, and it DMs a reminder to members who have not answered."
        )
    else:
        lines.append(
            "As a default bot (no Server Members intent): it knows only who answered, so "
            "results say how many answered but give no rate, and it sends no reminder DMs. "
            "With the intent (run --members-intent; here simulate --members-intent) it would "
            "add participation rates, the falling-participation suggestion and reminder DMs."
        )
    return "\n".join(lines)

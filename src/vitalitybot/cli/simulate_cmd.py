"""``vitalitybot simulate``: a synthetic community lived through by the real engine.

Tells the run as a story (each kind of post once in full, then a line per post; every
post in full with ``--verbose``, headings only with ``--quiet``), with what simulated
coordinators committed to and marked done in between, then a table of rounds, scores
and commitments, writes a chart, and ends with a summary, the simulated server's id and, for
a kept database, the commands that explore it. No Discord, no network: the database is
a temporary SQLite file unless ``--keep-db`` names one to keep. That one is written
under a hidden name beside it and renamed when the run ends, so a run that fails or is
interrupted leaves no half-written database under the name asked for.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from vitalitybot.cli.errors import FileError, UsageError
from vitalitybot.services import UnknownPattern

if TYPE_CHECKING:
    from vitalitybot.simulate.notifier import Detail

log = logging.getLogger(__name__)

EXIT_OK = 0
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")  # files SQLite keeps beside a database
MONTHS = (1, 60)
MEMBERS = (3, 5000)
CHART_FORMATS = (".png", ".svg")
# Libraries that log every statement or font lookup at DEBUG: under -v a simulation would
# bury its own lines (and slow to a crawl) under thousands of theirs.
CHATTY_LIBRARIES = ("aiosqlite", "matplotlib")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="run the real engine on a simulated community and clock (no Discord)",
        description="Simulate a community whose health declines and then recovers, run by "
        "the real services and scheduler on a simulated clock and a temporary SQLite file. "
        "Tells what a coordinator would see in Discord (each kind of post once in full, "
        "then a line per post) and what simulated coordinators commit to after a "
        "suggestion, prints a table of rounds, scores and commitments, and writes a chart "
        "of each sign's score per survey (PNG or SVG).",
    )
    parser.add_argument(
        "--months", type=int, default=12, help=f"how long to simulate ({MONTHS[0]}-{MONTHS[1]})"
    )
    parser.add_argument(
        "--members",
        type=int,
        default=30,
        help=f"community size ({MEMBERS[0]}-{MEMBERS[1]})",
    )
    parser.add_argument("--seed", type=int, default=7, help="the same seed gives the same run")
    parser.add_argument(
        "--pattern",
        action="append",
        metavar="SLUG",
        help="a pattern to adopt (repeatable; default: cop-commons-alignment and "
        "energizing-participation)",
    )
    parser.add_argument(
        "--chart",
        type=Path,
        default=Path("vitality-chart.png"),
        metavar="PATH",
        help="where to write the chart, .png or .svg (default: vitality-chart.png here)",
    )
    parser.add_argument(
        "--keep-db",
        type=Path,
        metavar="PATH",
        help="keep the simulation's SQLite database at PATH (a new file), to explore "
        "with `harvest export` and `db current`",
    )
    parser.add_argument(
        "--members-intent",
        action="store_true",
        help="simulate a bot run with --members-intent: participation rates, the "
        "falling-participation suggestion and reminder DMs (default: as a default bot)",
    )
    # -v/--verbose is every command's (debug logs on stderr); here it also prints every
    # post in full, which is what someone asking the simulator for more wants to see.
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="one line per post, only suggestions in full, no progress lines "
        "(-v/--verbose: every post in full)",
    )
    parser.set_defaults(handler=run_simulate)


def run_simulate(args: argparse.Namespace) -> int:
    # Imported here: matplotlib and the engine are not needed by the other commands.
    from vitalitybot.simulate import DEFAULT_PATTERNS, SimulationConfig, run_simulation
    from vitalitybot.simulate.run import GUILD_ID

    problem = _check(args)
    if problem is not None:
        raise UsageError(problem)
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.INFO)
    with _kept_database(args.keep_db) as keep_db:
        config = SimulationConfig(
            months=args.months,
            members=args.members,
            seed=args.seed,
            patterns=tuple(args.pattern) if args.pattern else DEFAULT_PATTERNS,
            chart=args.chart,
            keep_db=keep_db,
            detail=_detail(args),
            members_intent=args.members_intent,
            progress=None if args.quiet else sys.stderr,
        )
        try:
            result = run_simulation(config)
        except UnknownPattern as error:
            raise UsageError(str(error)) from None
    print(result.summary)
    print(f"Same run again: add --seed {args.seed}; another community: any other number.")
    if args.keep_db is not None:
        print(explore_commands(args.keep_db, GUILD_ID))
    return EXIT_OK


def _detail(args: argparse.Namespace) -> Detail:
    from vitalitybot.simulate.notifier import Detail

    if args.quiet:
        return Detail.QUIET
    return Detail.VERBOSE if getattr(args, "verbose", False) else Detail.STORY


def explore_commands(path: Path, guild_id: int) -> str:
    """The commands that read the kept database, ready to paste."""
    url = shlex.quote(f"sqlite+aiosqlite:///{path.resolve()}")
    return (
        f"The database is kept at {path}. To explore it:\n"
        f"  vitalitybot harvest export --guild {guild_id} --url {url}\n"
        f"  vitalitybot db current --url {url}"
    )


@contextmanager
def _kept_database(target: Path | None) -> Iterator[Path | None]:
    """Where the run writes the database ``--keep-db`` asked for: a hidden name beside
    ``target``, renamed to it when the run ends well and deleted when it does not."""
    if target is None:
        yield None
        return
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)  # left by a run that was killed
        partial.touch()
    except OSError as error:
        raise FileError(
            f"--keep-db {target}: cannot write in {target.parent} ({error.strerror})"
        ) from None
    try:
        yield partial
    except BaseException:
        for leftover in (partial, *(Path(f"{partial}{end}") for end in SQLITE_COMPANIONS)):
            leftover.unlink(missing_ok=True)
        raise
    partial.replace(target)


def _check(args: argparse.Namespace) -> str | None:
    """What is wrong with the arguments, in words; None when they can be used."""
    low, high = MONTHS
    if not low <= args.months <= high:
        return f"--months must be between {low} and {high}, not {args.months}"
    low, high = MEMBERS
    if not low <= args.members <= high:
        return f"--members must be between {low} and {high}, not {args.members}"
    if args.keep_db is not None and args.keep_db.exists():
        return f"--keep-db {args.keep_db} already exists; name a new file"
    if args.chart.is_dir():
        return f"--chart {args.chart} is a folder; name the .png or .svg file to write"
    if args.chart.suffix.lower() not in CHART_FORMATS:
        return f"--chart {args.chart}: the name must end in .png or .svg"
    return None

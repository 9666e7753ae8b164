"""``vitalitybot simulate``: a synthetic community lived through by the real engine.

Prints every post the bot would make, with its simulated date, then a table of rounds
and scores, writes a chart, and ends with a one-line summary. No Discord, no network:
the database is a temporary SQLite file unless ``--keep-db`` names one to keep. That
one is written under a hidden name beside it and renamed when the run ends, so a run
that fails or is interrupted leaves no half-written database under the name asked for.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vitalitybot.cli.errors import FileError, UsageError
from vitalitybot.services import UnknownPattern

log = logging.getLogger(__name__)

EXIT_OK = 0
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")  # files SQLite keeps beside a database
MONTHS = (1, 60)
MEMBERS = (3, 5000)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="run the real engine on a simulated community and clock (no Discord)",
        description="Simulate a community whose health declines and then recovers, run by "
        "the real services and scheduler on a simulated clock and a temporary SQLite file. "
        "Prints each post with its simulated date, a table of rounds and scores, and "
        "writes a PNG chart of each sign's score per survey.",
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
        help="where to write the chart (default: vitality-chart.png here)",
    )
    parser.add_argument(
        "--keep-db",
        type=Path,
        metavar="PATH",
        help="keep the simulation's SQLite database at PATH (a new file)",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="one line per post; only suggestions in full",
    )
    parser.set_defaults(handler=run_simulate)


def run_simulate(args: argparse.Namespace) -> int:
    # Imported here: matplotlib and the engine are not needed by the other commands.
    from vitalitybot.simulate import DEFAULT_PATTERNS, SimulationConfig, run_simulation

    problem = _check(args)
    if problem is not None:
        raise UsageError(problem)
    with _kept_database(args.keep_db) as keep_db:
        config = SimulationConfig(
            months=args.months,
            members=args.members,
            seed=args.seed,
            patterns=tuple(args.pattern) if args.pattern else DEFAULT_PATTERNS,
            chart=args.chart,
            keep_db=keep_db,
            quiet=args.quiet,
        )
        try:
            result = run_simulation(config)
        except UnknownPattern as error:
            raise UsageError(str(error)) from None
    print(result.summary)
    return EXIT_OK


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
        return f"--chart {args.chart} is a folder; name the PNG file to write"
    return None

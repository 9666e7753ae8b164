"""``vitalitybot patterns check`` and ``vitalitybot pattern NAME``.

``check`` is what a coordinator runs after adding or editing pattern files: it loads the
folder the way the bot will and lists every error of every file that did not load as
``path:line: reason``, the form editors and CI logs turn into links, then every warning
(a file that loads, but not all of it the way its author meant) as ``path:line: warning:
reason``. Warnings fail the run only with ``--strict``, so CI can hold shipped patterns
to them without refusing a community's rough drafts. ``pattern`` prints one pattern's
summary through the same template the bot posts, so the terminal shows what Discord
would.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
from pathlib import Path
from typing import Any

from vitalitybot.cli.errors import UsageError
from vitalitybot.cli.preflight import patterns_dir_problem, templates_problem
from vitalitybot.config import load_settings
from vitalitybot.patterns import Library, authoring, load_library
from vitalitybot.patterns.model import Problem
from vitalitybot.patterns.parse import Check
from vitalitybot.patterns.search import PatternIndex, resolve
from vitalitybot.render.environment import build_environment
from vitalitybot.render.summary import pattern_summary
from vitalitybot.render.terminal import to_terminal

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_PROBLEMS = 1
CLOSE_NAMES = 5
MAX_WIDTH = 100


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    patterns = subparsers.add_parser("patterns", help="work with the pattern library")
    actions = patterns.add_subparsers(dest="patterns_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="load a pattern folder and report every mistake in it",
        description="Load DIR as the bot would; list errors as path:line: reason and "
        "warnings as path:line: warning: reason. Exit 0 when every file loaded, 1 when any "
        "did not (or, with --strict, when there is any warning).",
    )
    check.add_argument(
        "dir",
        nargs="?",
        type=Path,
        metavar="DIR",
        help="pattern folder, or a single pattern file (default: settings' patterns_dir)",
    )
    check.add_argument("--json", action="store_true", help="print a JSON report instead")
    check.add_argument(
        "--strict", action="store_true", help="fail (exit 1) on warnings as well as errors"
    )
    _add_cache_option(check)
    check.set_defaults(handler=run_check)

    pattern = subparsers.add_parser(
        "pattern",
        help="print one pattern's summary",
        description="Print the summary of the pattern NAME (slug, title or alias; typos are "
        "forgiven) as the bot would post it.",
    )
    pattern.add_argument("name", metavar="NAME", help="slug, title or alias")
    pattern.add_argument(
        "--dir", type=Path, metavar="DIR", help="pattern folder (default: settings' patterns_dir)"
    )
    _add_cache_option(pattern)
    pattern.set_defaults(handler=run_pattern)


def _add_cache_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cache",
        type=Path,
        metavar="PATH",
        help="warm-start cache file (default: the settings' pattern_cache when the folder "
        "also comes from the settings)",
    )


def run_check(args: argparse.Namespace) -> int:
    library = _load(args.dir, args.cache, check=authoring.check)
    report = check_report(library)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(_check_text(report, library))
    failed = library.problems or (args.strict and library.warnings)
    return EXIT_PROBLEMS if failed else EXIT_OK


def check_report(library: Library) -> dict[str, Any]:
    """The ``--json`` shape; its keys are an interface (CI scripts read them)."""
    patterns = list(library.patterns.values())
    return {
        "files": library.files,
        "loaded": len(patterns),
        "problems": [_problem_json(p) for p in library.problems],
        "warnings": [_problem_json(p) for p in library.warnings],
        "with": {
            "signs_of_life": sum(1 for p in patterns if p.signs_of_life),
            "signs_of_decay": sum(1 for p in patterns if p.signs_of_decay),
            "replant": sum(1 for p in patterns if p.replant is not None),
            "steps": sum(1 for p in patterns if p.steps),
            "rhythms": sum(1 for p in patterns if p.rhythms),
        },
    }


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {"path": str(problem.path), "line": problem.line, "reason": problem.reason}


def _check_text(report: dict[str, Any], library: Library) -> str:
    loaded, files = report["loaded"], report["files"]
    with_ = report["with"]
    lines = [
        f"files            {files}",
        f"loaded           {loaded}",
        f"signs of life    {with_['signs_of_life']}",
        f"signs of decay   {with_['signs_of_decay']}",
        f"when to replant  {with_['replant']}",
        f"steps            {with_['steps']}",
        f"rhythms          {with_['rhythms']}",
        f"problems         {len(report['problems'])}",
        f"warnings         {len(report['warnings'])}",
    ]
    lines.extend(str(problem) for problem in library.problems)
    lines.extend(_warning_line(warning) for warning in library.warnings)
    return "\n".join(lines)


def _warning_line(warning: Problem) -> str:
    where = f"{warning.path}:{warning.line}" if warning.line is not None else str(warning.path)
    return f"{where}: warning: {warning.reason}"


def run_pattern(args: argparse.Namespace) -> int:
    library = _load(args.dir, args.cache)
    index = PatternIndex(library.patterns)
    found = resolve(index, args.name, typos=True, close=CLOSE_NAMES)
    if found.pattern is None:
        print(f"No pattern matches {args.name!r}.", file=sys.stderr)
        if found.close:
            print("Close names:", file=sys.stderr)
            for match in found.close:
                print(f"  {match.slug}  ({match.title})", file=sys.stderr)
        else:
            print(f"{len(index)} patterns are loaded; none looks alike.", file=sys.stderr)
        return EXIT_PROBLEMS
    settings = load_settings()
    problem = templates_problem(settings)
    if problem is not None:
        raise problem
    env = build_environment(settings.templates_dir)
    width = min(shutil.get_terminal_size().columns, MAX_WIDTH)
    print(to_terminal(pattern_summary(env, found.pattern), width=width), end="")
    return EXIT_OK


def _load(directory: Path | None, cache: Path | None, check: Check | None = None) -> Library:
    """Load the library: DIR's (a usage error when missing), else the settings' (a
    configuration error when missing)."""
    if directory is None:
        # The settings' cache belongs to the settings' folder: using it for another folder
        # would overwrite the bot's warm-start cache with a different library.
        settings = load_settings()
        directory = settings.patterns_dir
        cache = cache or settings.pattern_cache
        missing = patterns_dir_problem(settings)
        if missing is not None:
            raise missing
    if not directory.exists():
        raise UsageError(f"{directory} does not exist; name a pattern folder or file")
    log.debug("loading patterns from %s (cache: %s)", directory, cache)
    return load_library(directory, cache=cache, check=check)

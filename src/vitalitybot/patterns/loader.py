"""Load a folder of pattern files into a :class:`Library`.

A library of thousands of hand- and machine-written files always has a few bad ones,
so a bad file never stops the load: it becomes a :class:`Problem` (file, line, reason)
and the other files load. Files are visited in sorted order so that which of two files
claiming the same slug wins never depends on the file system. A folder's documentation
(README.md, CHANGELOG.md, CONTRIBUTING.md, LICENSE.md, in any case) is not a pattern
and is skipped without a word.

A load reads each file's frontmatter; its body is read when first used (:mod:`.body`),
except under a check, whose warnings are partly about bodies.

With a cache file (:mod:`.cache`), a start re-parses only the files whose size or
modification time changed, and decodes each cached pattern only when it is first used,
so a start with an unchanged library reads one file instead of parsing thousands.
"""

from __future__ import annotations

import logging
import os
import pickle
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from vitalitybot.patterns.cache import (
    Entry,
    encode_pattern,
    parser_fingerprint,
    read_cache,
    write_cache,
)
from vitalitybot.patterns.errors import Findings, PatternFileError
from vitalitybot.patterns.model import Pattern, Problem
from vitalitybot.patterns.parse import Check, parse_file

logger = logging.getLogger(__name__)

# A file modified this close to the moment it was read could change again within the
# same timestamp tick without its (size, mtime) changing; such entries are not cached.
RACY_WINDOW_NS = 2_000_000_000
# Files a folder has for people, not patterns (compared in lower case).
DOCUMENTATION_FILES = frozenset({"readme.md", "changelog.md", "contributing.md", "license.md"})


class _Patterns(Mapping[str, Pattern]):
    """Patterns by slug, each decoded from its pickled form when first asked for."""

    __slots__ = ("_items",)

    def __init__(self, items: dict[str, Pattern | bytes]) -> None:
        self._items = items

    def __getitem__(self, slug: str) -> Pattern:
        value = self._items[slug]
        if isinstance(value, bytes):
            value = pickle.loads(value)
            self._items[slug] = value
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, slug: object) -> bool:
        return slug in self._items

    def __repr__(self) -> str:
        return f"<{len(self._items)} patterns>"


@dataclass(frozen=True)
class Library:
    """The loaded patterns by slug, and the files that could not be loaded."""

    root: Path
    patterns: Mapping[str, Pattern]
    problems: list[Problem] = field(default_factory=list)
    files: int = 0  # pattern files seen, loaded or not
    # Mistakes in files that loaded anyway; found only when the load was given a check.
    warnings: list[Problem] = field(default_factory=list)

    def get(self, slug: str) -> Pattern | None:
        return self.patterns.get(slug)

    def __len__(self) -> int:
        return len(self.patterns)

    def __iter__(self) -> Iterator[Pattern]:
        return iter(self.patterns.values())


@dataclass(frozen=True, slots=True)
class _File:
    relative: str
    path: Path
    size: int
    mtime_ns: int


def load_library(
    path: Path | str, cache: Path | None = None, *, check: Check | None = None
) -> Library:
    """Load every ``*.md`` file under ``path`` (or the one file ``path`` names), except
    hidden folders and documentation files (:data:`DOCUMENTATION_FILES`).

    ``cache`` is a file the loader may read and rewrite to make the next start fast.
    With ``check`` (what ``patterns check`` runs), every file is parsed afresh, every
    error of a file is a problem rather than its first alone, and the library carries
    the warnings: an author sees each mistake in one run.
    """
    root = Path(path).absolute()
    started_ns = time.time_ns()
    files = _pattern_files(root)
    fingerprint = parser_fingerprint() if cache is not None else ""
    cached = read_cache(cache, root, fingerprint) if cache is not None else {}
    entries: dict[str, Entry] = {}
    parsed: dict[str, Pattern] = {}
    more: list[Problem] = []  # with a check: each file's errors after its first
    warnings: list[Problem] = []
    fresh = 0  # files parsed rather than taken from the cache
    for file in files:
        entry = cached.get(file.relative)
        stale = entry is None or (entry.size, entry.mtime_ns) != (file.size, file.mtime_ns)
        if stale or check is not None:
            fresh += 1
            entry, pattern, found = _parse(file, keep_blob=cache is not None, check=check)
            more += (Problem(file.path, f.line, f.reason) for f in found.errors[1:])
            warnings += (Problem(file.path, f.line, f.reason) for f in found.warnings)
            if pattern is not None:
                parsed[file.relative] = pattern
        assert entry is not None
        entries[file.relative] = entry
    library = _assemble(root, files, entries, parsed)
    if check is not None:
        library = replace(
            library,
            problems=sorted([*library.problems, *more], key=_place),
            warnings=sorted(warnings, key=_place),
        )
    if cache is not None:
        trusted = {
            relative: entry
            for relative, entry in entries.items()
            if entry.mtime_ns < started_ns - RACY_WINDOW_NS
        }
        if fresh or trusted.keys() != cached.keys():
            write_cache(cache, root, fingerprint, trusted)
    logger.debug(
        "loaded %d patterns from %d files under %s (%d parsed, %d problems)",
        len(library.patterns),
        len(files),
        root,
        fresh,
        len(library.problems),
    )
    return library


def _pattern_files(root: Path) -> list[_File]:
    """Every *.md file below ``root`` (hidden folders and documentation files skipped),
    sorted by relative path. A file named on purpose is loaded whatever its name."""
    if root.is_file():
        stat = root.stat()
        return [_File(root.name, root, stat.st_size, stat.st_mtime_ns)]
    if not root.is_dir():
        raise FileNotFoundError(f"no pattern folder at {root}")
    found: list[_File] = []
    folders = [(root, "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as scan:
            for item in scan:
                if item.name.startswith("."):
                    continue
                if item.is_dir(follow_symlinks=False):
                    folders.append((Path(item.path), f"{prefix}{item.name}/"))
                elif item.name.endswith(".md") and item.name.lower() not in DOCUMENTATION_FILES:
                    relative = f"{prefix}{item.name}"
                    if item.is_file():
                        stat = item.stat()
                        found.append(
                            _File(relative, Path(item.path), stat.st_size, stat.st_mtime_ns)
                        )
                    elif item.is_symlink():  # its target is gone: reading it reports that
                        found.append(_File(relative, Path(item.path), -1, -1))
    found.sort(key=lambda f: f.relative)
    return found


def _parse(
    file: _File, *, keep_blob: bool, check: Check | None = None
) -> tuple[Entry, Pattern | None, Findings]:
    """The file's cache entry, its pattern (None when the file is a problem), and what
    the parse found: every error (the entry's problem is the first) and warning."""
    findings = Findings()
    try:
        data = file.path.read_bytes()
    except OSError as error:
        if file.path.is_symlink() and not file.path.exists():
            reason = f"a link to {file.path.readlink()}, which does not exist"
            return (*_problem(file, None, reason), findings)
        return (*_problem(file, None, f"cannot read: {error}"), findings)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        reason = f"not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded)"
        return (*_problem(file, line, reason), findings)
    try:
        # Only a check reports warnings, and they need each body read now: without
        # one, bodies are read when first used.
        parsed = parse_file(file.path, text, findings if check is not None else None, check)
    except PatternFileError as error:
        findings.errors = list(error.findings)
        return (*_problem(file, error.line, error.reason), findings)
    except Exception as error:  # a parser bug costs one file, not the library
        logger.error("could not parse %s", file.path, exc_info=error)
        reason = f"could not be parsed ({type(error).__name__}: {error})"
        return (*_problem(file, None, reason), findings)
    pattern = parsed.pattern
    blob = encode_pattern(pattern) if keep_blob else None
    entry = Entry(file.size, file.mtime_ns, pattern.slug, parsed.slug_line, blob, None)
    return entry, pattern, findings


def _problem(file: _File, line: int | None, reason: str) -> tuple[Entry, None]:
    return Entry(file.size, file.mtime_ns, None, None, None, Problem(file.path, line, reason)), None


def _place(problem: Problem) -> tuple[str, int]:
    return str(problem.path), problem.line or 0


def _assemble(
    root: Path, files: list[_File], entries: Mapping[str, Entry], decoded: Mapping[str, Pattern]
) -> Library:
    items: dict[str, Pattern | bytes] = {}
    first_file: dict[str, Path] = {}
    problems: list[Problem] = []
    for file in files:
        entry = entries[file.relative]
        if entry.problem is not None:
            problems.append(entry.problem)
            continue
        slug = entry.slug
        assert slug is not None
        if slug in first_file:
            problems.append(
                Problem(
                    file.path,
                    entry.slug_line,
                    f"duplicate slug '{slug}': already loaded from {first_file[slug]}",
                )
            )
            continue
        first_file[slug] = file.path
        value = decoded.get(file.relative) or entry.blob
        assert value is not None
        items[slug] = value
    return Library(root=root, patterns=_Patterns(items), problems=problems, files=len(files))

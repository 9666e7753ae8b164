"""Load a folder of pattern files into a :class:`Library`.

A library of thousands of hand- and machine-written files always has a few bad ones,
so a bad file never stops the load: it becomes a :class:`Problem` (file, line, reason)
and the other files load. Files are visited in sorted order so that which of two files
claiming the same slug wins never depends on the file system. A folder's documentation
(README.md, CHANGELOG.md, CONTRIBUTING.md, LICENSE.md, in any case) is not a pattern
and is skipped without a word.

Speed, on the 3,616-file public corpus (2 cores; a plain ``frontmatter.load`` loop
over it takes about 2.6 s; ``benchmarks/load_patterns.py`` measures all of this):

- with a cache file, a warm start re-parses only the files whose size or modification
  time changed, and decodes each pattern only when it is first used: about 70 ms;
- a cold load parses YAML and 72 MB of Markdown bodies: about 4.1 s in one process,
  about 2.2 s with two workers;
- a cold load of at least ``PARALLEL_MIN_FILES`` files is split over a pool of worker
  processes, one per CPU this process may run on, at most ``MAX_WORKERS``, each given
  ``CHUNK_FILES`` files at a time. The decision depends only on the number of files to
  parse and of usable CPUs, never on how busy the machine is, so the same call behaves
  the same way every time; ``workers=`` overrides it, and a pool that fails (no way to
  start processes, a worker killed) leaves the work to this process, with a warning.
  Workers hand back each pattern pickled, as the cache stores it, which the library
  decodes on first use, so the parent never pays to rebuild them all.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from vitalitybot.patterns.cache import (
    Entry,
    encode_pattern,
    parser_fingerprint,
    read_cache,
    write_cache,
)
from vitalitybot.patterns.errors import PatternFileError
from vitalitybot.patterns.model import Pattern, Problem
from vitalitybot.patterns.parse import parse_files

logger = logging.getLogger(__name__)

# A file modified this close to the moment it was read could change again within the
# same timestamp tick without its (size, mtime) changing; such entries are not cached.
RACY_WINDOW_NS = 2_000_000_000
# Below this many files to parse, one process is used. Measured with forked workers on
# 2 cores: 200 corpus files take 0.21 s in one process and 0.24 s with two workers,
# 400 files 0.42 s and 0.26 s. (Spawned workers, which import the parser afresh, start
# slower still.)
PARALLEL_MIN_FILES = 400
MAX_WORKERS = 2
# Files per task handed to a worker: big enough that sending tasks and results back
# costs little, small enough that the workers finish at nearly the same time.
CHUNK_FILES = 100
# Files parsed together, step by step (parse.parse_files): about as fast from 50 to 250
# files, slower beyond as the batch no longer fits in the CPU's caches.
BATCH_FILES = CHUNK_FILES
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
    path: Path | str, cache: Path | None = None, *, workers: int | None = None
) -> Library:
    """Load every ``*.md`` file under ``path`` (or the one file ``path`` names), except
    hidden folders and documentation files (:data:`DOCUMENTATION_FILES`).

    ``cache`` is a file the loader may read and rewrite to make the next start fast.
    ``workers`` is the number of processes that parse (None: one per usable CPU, at
    most ``MAX_WORKERS``, when there are at least ``PARALLEL_MIN_FILES`` files to
    parse; 1: this process only). Workers are forked, or spawned where fork is missing
    or other threads run; spawned workers import the caller's main module, so a script
    that loads a large library that way keeps its own work under
    ``if __name__ == "__main__":``.
    """
    root = Path(path).absolute()
    started_ns = time.time_ns()
    collecting = gc.isenabled()
    gc.disable()  # thousands of long-lived objects: collection passes would find nothing
    try:
        files = _pattern_files(root)
        fingerprint = parser_fingerprint() if cache is not None else ""
        cached = read_cache(cache, root, fingerprint) if cache is not None else {}
        stale = [
            file
            for file in files
            if (entry := cached.get(file.relative)) is None
            or entry.size != file.size
            or entry.mtime_ns != file.mtime_ns
        ]
        parsed, decoded = _parse_all(stale, keep_blobs=cache is not None, workers=workers)
        entries = {
            file.relative: parsed.get(file.relative) or cached[file.relative] for file in files
        }
        library = _assemble(root, files, entries, decoded)
        if cache is not None:
            trusted = {
                relative: entry
                for relative, entry in entries.items()
                if entry.mtime_ns < started_ns - RACY_WINDOW_NS
            }
            if parsed or trusted.keys() != cached.keys():
                write_cache(cache, root, fingerprint, trusted)
    finally:
        if collecting:
            gc.enable()
    logger.debug(
        "loaded %d patterns from %d files under %s (%d parsed, %d problems)",
        len(library.patterns),
        len(files),
        root,
        len(parsed),
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
                elif (
                    item.name.endswith(".md")
                    and item.name.lower() not in DOCUMENTATION_FILES
                    and item.is_file()
                ):
                    stat = item.stat()
                    relative = f"{prefix}{item.name}"
                    found.append(_File(relative, Path(item.path), stat.st_size, stat.st_mtime_ns))
    found.sort(key=lambda f: f.relative)
    return found


def _parse_all(
    files: list[_File], *, keep_blobs: bool, workers: int | None
) -> tuple[dict[str, Entry], dict[str, Pattern]]:
    """Entries for ``files`` and, when parsed here, the patterns themselves."""
    count = _worker_count(len(files), workers)
    if count > 1:
        try:
            return _parse_in_workers(files, count), {}
        except Exception as error:  # the pool is a speed-up; the same work can be done here
            logger.warning(
                "parallel parsing failed (%s: %s); parsing in this process",
                type(error).__name__,
                error,
            )
    entries: dict[str, Entry] = {}
    decoded: dict[str, Pattern] = {}
    for start in range(0, len(files), BATCH_FILES):
        batch = files[start : start + BATCH_FILES]
        for file, (entry, pattern) in zip(batch, _parse_batch(batch, keep_blobs), strict=True):
            entries[file.relative] = entry
            if pattern is not None:
                decoded[file.relative] = pattern
    return entries, decoded


def _worker_count(files: int, requested: int | None) -> int:
    """How many processes parse: ``requested``, else one per usable CPU (at most
    ``MAX_WORKERS``) for ``PARALLEL_MIN_FILES`` files or more, else one.

    This deliberately ignores how busy the machine is: a decision taken from the load
    average made the same load fast or slow depending on what else was running.
    """
    if requested is not None:
        return max(1, requested)
    if files < PARALLEL_MIN_FILES:
        return 1
    return max(1, min(MAX_WORKERS, _usable_cpus()))


def _usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - macOS and Windows


def _start_method() -> str:
    """How workers start: by fork where it exists and this process runs no other thread
    (a forked child gets a copy of locks other threads may hold, and can hang on them);
    otherwise by spawn, a fresh interpreter that imports the parser, and the caller's
    main module as multiprocessing always does."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _parse_in_workers(files: list[_File], count: int) -> dict[str, Entry]:
    chunks = [files[start : start + CHUNK_FILES] for start in range(0, len(files), CHUNK_FILES)]
    context = multiprocessing.get_context(_start_method())
    entries: dict[str, Entry] = {}
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        for chunk in pool.map(_parse_chunk, chunks):
            entries.update(chunk)
    return entries


def _parse_chunk(files: list[_File]) -> list[tuple[str, Entry]]:
    gc.disable()  # as in load_library: a spawned worker starts with the collector on
    entries = _parse_batch(files, keep_blobs=True)
    return [(file.relative, entry) for file, (entry, _) in zip(files, entries, strict=True)]


def _parse_batch(files: list[_File], keep_blobs: bool) -> list[tuple[Entry, Pattern | None]]:
    """Each file's entry and pattern (None for a problem), the files parsed together
    (see :func:`~vitalitybot.patterns.parse.parse_files`)."""
    done: list[tuple[Entry, Pattern | None] | None] = [None] * len(files)
    positions: list[int] = []
    texts: list[tuple[Path, str]] = []
    for position, file in enumerate(files):
        try:
            data = file.path.read_bytes()
        except OSError as error:
            done[position] = _problem(file, None, f"cannot read: {error}")
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            reason = f"not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded)"
            done[position] = _problem(file, line, reason)
            continue
        positions.append(position)
        texts.append((file.path, text))
    results = parse_files(texts)
    texts.clear()
    for position, result in zip(positions, results, strict=True):
        file = files[position]
        if isinstance(result, PatternFileError):
            done[position] = _problem(file, result.line, result.reason)
        elif isinstance(result, Exception):  # a parser bug costs one file, not the library
            logger.error("could not parse %s", file.path, exc_info=result)
            reason = f"could not be parsed ({type(result).__name__}: {result})"
            done[position] = _problem(file, None, reason)
        else:
            pattern = result.pattern
            blob = encode_pattern(pattern) if keep_blobs else None
            entry = Entry(file.size, file.mtime_ns, pattern.slug, result.slug_line, blob, None)
            done[position] = (entry, pattern)
    finished = [entry for entry in done if entry is not None]
    assert len(finished) == len(files), "every file ends with an entry"
    return finished


def _problem(file: _File, line: int | None, reason: str) -> tuple[Entry, None]:
    return Entry(file.size, file.mtime_ns, None, None, None, Problem(file.path, line, reason)), None


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

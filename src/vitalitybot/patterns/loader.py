"""Load a folder of pattern files into a :class:`Library`.

A library of thousands of hand- and machine-written files always has a few bad ones,
so a bad file never stops the load: it becomes a :class:`Problem` (file, line, reason)
and the other files load. Files are visited in sorted order so that which of two files
claiming the same slug wins never depends on the file system.

Speed, on the 3,616-file public corpus (2 cores; a plain ``frontmatter.load`` loop
over it takes about 2.7 s):

- with a cache file, a warm start re-parses only the files whose size or modification
  time changed, and decodes each pattern only when it is first used: about 45 ms, plus
  about 0.25 s if every pattern is then used;
- a cold load parses YAML and 72 MB of Markdown bodies: about 5.3 s of CPU;
- a cold load of many files is split over two worker processes when that is safe and
  worth it (the ``fork`` start method exists, the process has no other threads, there
  are enough files to repay starting them and the machine has idle cores); workers
  hand back pickled patterns, which the library decodes on first use, so the parent
  never pays to rebuild them all.
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
from concurrent.futures.process import BrokenProcessPool
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
from vitalitybot.patterns.parse import parse_file

logger = logging.getLogger(__name__)

# A file modified this close to the moment it was read could change again within the
# same timestamp tick without its (size, mtime) changing; such entries are not cached.
RACY_WINDOW_NS = 2_000_000_000
# Below this many files to parse, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 400
MAX_WORKERS = 2


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
    """Load every ``*.md`` file under ``path`` (or the one file ``path`` names).

    ``cache`` is a file the loader may read and rewrite to make the next start fast.
    ``workers`` caps the processes used for parsing (None: decide; 1: this process).
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
    """Every *.md file below ``root`` (hidden folders skipped), sorted by relative path."""
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
                elif item.name.endswith(".md") and item.is_file():
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
        except (BrokenProcessPool, OSError) as error:
            logger.warning("parallel parsing failed (%s); parsing in this process", error)
    entries: dict[str, Entry] = {}
    decoded: dict[str, Pattern] = {}
    for file in files:
        entry, pattern = _parse(file, keep_blob=keep_blobs)
        entries[file.relative] = entry
        if pattern is not None:
            decoded[file.relative] = pattern
    return entries, decoded


def _worker_count(files: int, requested: int | None) -> int:
    """How many processes parse: ``requested``, or what the machine can spare.

    Two workers halve a cold load on an idle two-core machine, but on a busy one they
    were measured to make it slower than one process (the workers wait for CPU time
    the other processes hold), so by default they are used only when the load average
    leaves a core free for each.
    """
    if requested is not None:
        wanted = max(1, requested)
    elif files < PARALLEL_MIN_FILES:
        return 1
    else:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        idle = (cpus or 1) - (os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0)
        wanted = min(MAX_WORKERS, int(idle + 0.5))
    if wanted > 1 and (
        "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1
    ):
        # Forking a threaded process can deadlock the child; spawning would re-import
        # the caller's __main__, which scripts without a main guard do not survive.
        return 1
    return wanted


def _parse_in_workers(files: list[_File], count: int) -> dict[str, Entry]:
    # Many small chunks: a worker that gets less CPU (a busy machine) holds up the end less.
    pieces = count * 16
    chunks = [files[start::pieces] for start in range(pieces)]
    context = multiprocessing.get_context("fork")
    entries: dict[str, Entry] = {}
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        for chunk in pool.map(_parse_chunk, chunks):
            entries.update(chunk)
    return entries


def _parse_chunk(files: list[_File]) -> list[tuple[str, Entry]]:
    gc.disable()
    return [(file.relative, _parse(file, keep_blob=True)[0]) for file in files]


def _parse(file: _File, *, keep_blob: bool) -> tuple[Entry, Pattern | None]:
    def problem(line: int | None, reason: str) -> tuple[Entry, None]:
        return Entry(
            file.size, file.mtime_ns, None, None, None, Problem(file.path, line, reason)
        ), None

    try:
        data = file.path.read_bytes()
    except OSError as error:
        return problem(None, f"cannot read: {error}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return problem(line, f"not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded)")
    try:
        parsed = parse_file(file.path, text)
    except PatternFileError as error:
        return problem(error.line, error.reason)
    except Exception as error:  # a parser bug must cost one file, not the whole library
        logger.exception("could not parse %s", file.path)
        return problem(None, f"could not be parsed ({type(error).__name__}: {error})")
    pattern = parsed.pattern
    blob = encode_pattern(pattern) if keep_blob else None
    return Entry(file.size, file.mtime_ns, pattern.slug, parsed.slug_line, blob, None), pattern


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

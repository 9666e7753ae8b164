"""The warm-start cache: only changed files are parsed again; a bad cache never hurts."""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from vitalitybot.patterns import Pattern, load_library, loader
from vitalitybot.patterns.errors import Findings
from vitalitybot.patterns.parse import Check, ParsedFile

FIXTURES = Path(__file__).parent / "fixtures"
# The fixtures of one folder, without the layout samples kept in a folder of their own.
ONLY_FILES = shutil.ignore_patterns("layouts")
AN_HOUR_AGO_NS = time.time_ns() - 3600 * 10**9


def age(path: Path, shift_ns: int = 0) -> None:
    """Give a file an old modification time, as files have that were not just written
    (the cache does not trust files modified in the last two seconds)."""
    os.utime(path, ns=(AN_HOUR_AGO_NS + shift_ns, AN_HOUR_AGO_NS + shift_ns))


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    shutil.copytree(FIXTURES, root, ignore=ONLY_FILES)
    (root / "broken.md").write_text("no frontmatter\n", encoding="utf-8")
    for path in root.glob("*.md"):
        age(path)
    return root


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files the loader parses (the real parser runs)."""
    names: list[str] = []
    real = loader.parse_file

    def counting(
        path: Path, text: str, findings: Findings | None = None, check: Check | None = None
    ) -> ParsedFile:
        names.append(path.name)
        return real(path, text, findings, check)

    monkeypatch.setattr(loader, "parse_file", counting)
    return names


def test_a_warm_start_parses_nothing_and_gives_equal_patterns(
    library_dir: Path, tmp_path: Path, parsed: list[str]
) -> None:
    cache = tmp_path / "cache" / "patterns.pickle"
    cold = load_library(library_dir, cache)
    assert len(parsed) == 5 and cache.is_file()
    parsed.clear()
    warm = load_library(library_dir, cache)
    assert parsed == []
    assert dict(warm.patterns) == dict(cold.patterns)
    assert {slug: p.parts for slug, p in warm.patterns.items()} == {
        slug: p.parts for slug, p in cold.patterns.items()
    }
    assert warm.problems == cold.problems and warm.files == cold.files
    assert isinstance(warm.get("shared-harvest"), Pattern)


def test_touching_a_file_parses_only_that_file(
    library_dir: Path, tmp_path: Path, parsed: list[str]
) -> None:
    cache = tmp_path / "patterns.pickle"
    load_library(library_dir, cache)
    parsed.clear()
    age(library_dir / "with-block.md", shift_ns=10**9)  # same content, new mtime
    load_library(library_dir, cache)
    assert parsed == ["with-block.md"]


def test_an_edited_file_is_read_again(library_dir: Path, tmp_path: Path, parsed: list[str]) -> None:
    cache = tmp_path / "patterns.pickle"
    load_library(library_dir, cache)
    path = library_dir / "legacy-challenges.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Seed Swap Table", "Seed Library"),
        encoding="utf-8",
    )
    age(path, shift_ns=10**9)
    parsed.clear()
    library = load_library(library_dir, cache)
    assert parsed == ["legacy-challenges.md"]
    edited = library.get("legacy-challenges")
    assert edited is not None and edited.title == "Seed Library"


def test_added_and_deleted_files_are_noticed(
    library_dir: Path, tmp_path: Path, parsed: list[str]
) -> None:
    cache = tmp_path / "patterns.pickle"
    load_library(library_dir, cache)
    (library_dir / "with-block.md").unlink()
    new = library_dir / "new.md"
    new.write_text("---\ntitle: New One\n---\nbody\n", encoding="utf-8")
    age(new)
    parsed.clear()
    library = load_library(library_dir, cache)
    assert parsed == ["new.md"]
    assert "listening-bench" not in library.patterns
    assert library.get("new") is not None
    parsed.clear()
    assert set(load_library(library_dir, cache).patterns) == set(library.patterns)
    assert parsed == []


def test_a_file_changed_within_the_same_timestamp_is_not_missed(
    library_dir: Path, tmp_path: Path
) -> None:
    """Size and mtime cannot tell apart two versions written in the same clock tick, so
    files modified just before a load are not trusted from the cache."""
    cache = tmp_path / "patterns.pickle"
    path = library_dir / "new.md"
    path.write_text("---\ntitle: Version A\n---\n", encoding="utf-8")
    stamp = path.stat().st_mtime_ns
    first = load_library(library_dir, cache).get("new")
    assert first is not None and first.title == "Version A"
    path.write_text("---\ntitle: Version B\n---\n", encoding="utf-8")  # same size
    os.utime(path, ns=(stamp, stamp))
    second = load_library(library_dir, cache).get("new")
    assert second is not None and second.title == "Version B"


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"garbage",
        lambda data: data[: len(data) // 2],
        lambda data: data[:-40] + bytes(b ^ 0xFF for b in data[-40:]),
        lambda data: b"",
    ],
    ids=["garbage", "truncated", "flipped-bytes", "empty"],
)
def test_a_damaged_cache_is_ignored_and_replaced(
    library_dir: Path,
    tmp_path: Path,
    parsed: list[str],
    caplog: pytest.LogCaptureFixture,
    damage: Callable[[bytes], bytes],
) -> None:
    cache = tmp_path / "patterns.pickle"
    expected = dict(load_library(library_dir, cache).patterns)
    cache.write_bytes(damage(cache.read_bytes()))
    parsed.clear()
    with caplog.at_level(logging.WARNING, logger="vitalitybot.patterns.cache"):
        library = load_library(library_dir, cache)
    assert dict(library.patterns) == expected
    assert len(parsed) == 5  # everything parsed again
    assert "ignoring" in caplog.text
    parsed.clear()
    load_library(library_dir, cache)
    assert parsed == []  # and the cache was rewritten


def test_a_cache_written_for_another_folder_is_not_used(
    library_dir: Path, tmp_path: Path, parsed: list[str]
) -> None:
    cache = tmp_path / "patterns.pickle"
    load_library(library_dir, cache)
    other = tmp_path / "other"
    shutil.copytree(library_dir, other)
    parsed.clear()
    library = load_library(other, cache)
    assert len(parsed) == 5
    harvest = library.get("shared-harvest")
    assert harvest is not None and harvest.source == other / "v71-sample.md"


def test_an_unwritable_cache_does_not_stop_the_load(
    library_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        library = load_library(library_dir, blocker / "cache.pickle")
    assert len(library) == 4
    assert "could not write pattern cache" in caplog.text

"""Loading a folder: bad files become problems and the rest still loads."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from vitalitybot.patterns import Library, load_library, loader

FIXTURES = Path(__file__).parent / "fixtures"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def pattern(slug: str, title: str | None = None) -> str:
    return f"---\nslug: {slug}\ntitle: {title or slug.title()}\n---\n\n## Overview\n\nText.\n"


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    shutil.copytree(FIXTURES, root / "good")
    write(root / "bad" / "no-frontmatter.md", "# Just a heading\n")
    write(root / "bad" / "broken-yaml.md", "---\ntitle: Broken\nontology: {a: 1, b\n  c: 2\n---\n")
    write(root / "bad" / "latin1.md", b"---\ntitle: Caf\xe9\n---\nbody\n")
    write(root / "bad" / "untitled.md", "---\nslug: untitled\n---\nbody\n")
    write(root / "later" / "second.md", pattern("shared-harvest", "Second Harvest"))
    write(root / ".hidden" / "ignored.md", pattern("ignored"))
    write(root / "notes.txt", "not a pattern")
    return root


def problems_by_file(library: Library) -> dict[str, tuple[int | None, str]]:
    return {p.path.name: (p.line, p.reason) for p in library.problems}


def test_good_files_load_and_bad_files_are_reported(library_dir: Path) -> None:
    library = load_library(library_dir)
    assert sorted(library.patterns) == [
        "legacy-challenges",
        "listening-bench",
        "shared-harvest",
        "tool-lending-shelf",
    ]
    assert library.files == 9  # every .md file outside hidden folders, loaded or not
    problems = problems_by_file(library)
    assert set(problems) == {
        "no-frontmatter.md",
        "broken-yaml.md",
        "latin1.md",
        "untitled.md",
        "second.md",
    }
    assert problems["no-frontmatter.md"][0] == 1
    assert problems["broken-yaml.md"][0] == 4
    assert "invalid YAML" in problems["broken-yaml.md"][1]
    assert problems["latin1.md"][0] == 2
    assert "UTF-8" in problems["latin1.md"][1]
    assert problems["untitled.md"] == (1, "the frontmatter has no 'title'")


def test_the_second_file_with_a_slug_is_the_problem(library_dir: Path) -> None:
    library = load_library(library_dir)
    line, reason = problems_by_file(library)["second.md"]
    assert line == 2  # the slug key
    assert "duplicate slug 'shared-harvest'" in reason
    assert str(library_dir / "good" / "v71-sample.md") in reason
    harvest = library.get("shared-harvest")
    assert harvest is not None and harvest.title == "Shared Harvest"


def test_lookup_and_iteration(library_dir: Path) -> None:
    library = load_library(str(library_dir))
    assert library.get("no-such-pattern") is None
    assert len(library) == 4
    assert {p.slug for p in library} == set(library.patterns)
    assert library.root == library_dir


def test_a_single_file_can_be_loaded(tmp_path: Path) -> None:
    path = write(tmp_path / "one.md", pattern("one"))
    library = load_library(path)
    assert list(library.patterns) == ["one"] and library.files == 1


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_library(tmp_path / "nowhere")


def test_parsing_in_worker_processes_gives_the_same_library(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not hasattr(os, "fork") or threading.active_count() > 1:
        pytest.skip("worker processes are only used from a single-threaded process with fork")
    pools: list[int] = []
    real = loader._parse_in_workers

    def spy(files: list[Any], count: int) -> Any:
        pools.append(count)
        return real(files, count)

    monkeypatch.setattr(loader, "_parse_in_workers", spy)
    here = load_library(library_dir, workers=1)
    assert pools == []
    workers = load_library(library_dir, workers=2)
    assert pools == [2]
    assert dict(workers.patterns) == dict(here.patterns)
    assert workers.problems == here.problems


def test_an_unexpected_parser_failure_costs_only_that_file(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = loader.parse_file

    def failing_on_one(path: Path, text: str) -> Any:
        if path.name == "with-block.md":
            raise IndexError("simulated parser bug")
        return real(path, text)

    monkeypatch.setattr(loader, "parse_file", failing_on_one)
    library = load_library(library_dir, workers=1)
    assert "listening-bench" not in library.patterns
    assert len(library.patterns) == 3
    line, reason = problems_by_file(library)["with-block.md"]
    assert line is None and "IndexError: simulated parser bug" in reason
    assert "could not parse" in caplog.text

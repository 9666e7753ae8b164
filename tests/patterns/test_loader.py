"""Loading a folder: bad files become problems and the rest still loads."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from vitalitybot.patterns import Library, authoring, body, load_library, parse

FIXTURES = Path(__file__).parent / "fixtures"
# The fixtures of one folder, without the layout samples kept in a folder of their own.
ONLY_FILES = shutil.ignore_patterns("layouts")
ALIAS_BOMB = Path(__file__).parent / "broken" / "alias-bomb.md"


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
    shutil.copytree(FIXTURES, root / "good", ignore=ONLY_FILES)
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
    assert problems["broken-yaml.md"][0] == 3  # where the flow mapping opens
    assert "invalid YAML" in problems["broken-yaml.md"][1]
    assert problems["latin1.md"][0] == 2
    assert "UTF-8" in problems["latin1.md"][1]
    assert problems["untitled.md"] == (1, "the frontmatter has no 'title'")


def test_an_alias_bomb_among_good_patterns_is_one_problem(tmp_path: Path) -> None:
    root = tmp_path / "library"
    shutil.copytree(FIXTURES, root, ignore=ONLY_FILES)
    shutil.copy(ALIAS_BOMB, root / "alias-bomb.md")
    library = load_library(root)
    assert len(library.patterns) == len(list(FIXTURES.glob("*.md")))
    assert "alias-bomb" not in library.patterns
    (problem,) = library.problems
    assert problem.path == root / "alias-bomb.md" and problem.line == 5
    assert str(problem).startswith(f"{root / 'alias-bomb.md'}:5: YAML aliases")


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


def test_documentation_files_are_neither_patterns_nor_problems(tmp_path: Path) -> None:
    root = tmp_path / "library"
    write(root / "harvest.md", pattern("harvest"))
    write(root / "readme-circles.md", pattern("readme-circles"))  # a pattern about READMEs
    write(root / "README.md", "# About this folder\n\nNo frontmatter here.\n")
    write(root / "CHANGELOG.md", "# Changes\n")
    write(root / "Contributing.md", "# How to help\n")
    write(root / "LICENSE.md", "CC BY-SA 4.0\n")
    write(root / "more" / "readme.md", "# lower case too\n")
    library = load_library(root)
    assert sorted(library.patterns) == ["harvest", "readme-circles"]
    assert library.problems == []
    assert library.files == 2


def test_a_documentation_file_named_on_purpose_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "README.md", "# Not a pattern\n")
    library = load_library(path)
    assert library.files == 1
    assert [p.path for p in library.problems] == [path]


def test_a_dangling_link_is_reported_with_its_path(tmp_path: Path) -> None:
    root = tmp_path / "library"
    write(root / "harvest.md", pattern("harvest"))
    link = root / "moved" / "circles.md"
    link.parent.mkdir()
    link.symlink_to(tmp_path / "elsewhere" / "circles.md")
    library = load_library(root)
    assert list(library.patterns) == ["harvest"] and library.files == 2
    (problem,) = library.problems
    assert problem.path == link
    assert (
        problem.reason == f"a link to {tmp_path / 'elsewhere' / 'circles.md'}, which does not exist"
    )


def test_a_dangling_link_loads_once_its_target_exists_even_from_the_cache(tmp_path: Path) -> None:
    root, cache = tmp_path / "library", tmp_path / "patterns.pickle"
    target = tmp_path / "elsewhere" / "circles.md"
    write(root / "harvest.md", pattern("harvest"))
    (root / "circles.md").symlink_to(target)
    assert [p.path.name for p in load_library(root, cache).problems] == ["circles.md"]
    write(target, pattern("circles"))
    library = load_library(root, cache)
    assert sorted(library.patterns) == ["circles", "harvest"] and library.problems == []


def test_the_shipped_patterns_load_without_problems(shipped_patterns_dir: Path) -> None:
    assert (shipped_patterns_dir / "README.md").is_file()
    library = load_library(shipped_patterns_dir)
    assert library.problems == []
    assert len(library) == library.files >= 5


def test_an_unexpected_parser_failure_costs_only_that_file(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = parse.read_header

    def failing_on_one(text: str, wanted: Any = None) -> Any:
        if "Place the bench" in text:  # with-block.md
            raise IndexError("simulated parser bug")
        return real(text, wanted)

    monkeypatch.setattr(parse, "read_header", failing_on_one)
    library = load_library(library_dir)
    assert "listening-bench" not in library.patterns
    assert len(library.patterns) == 3
    line, reason = problems_by_file(library)["with-block.md"]
    assert line is None and "IndexError: simulated parser bug" in reason
    assert "could not parse" in caplog.text


@pytest.fixture
def failing_body(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parser bug that only with-block.md's body runs into, read at load or later."""
    real = body.parse_outline

    def failing_on_one(text: str, first_line: int = 1) -> Any:
        if "Place the bench" in text:
            raise IndexError("simulated parser bug")
        return real(text, first_line)

    monkeypatch.setattr(body, "parse_outline", failing_on_one)
    monkeypatch.setattr(parse, "parse_outline", failing_on_one)


@pytest.mark.usefixtures("failing_body")
def test_a_body_the_parser_fails_on_is_a_problem_for_patterns_check(
    library_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    library = load_library(library_dir, check=authoring.check)
    assert "listening-bench" not in library.patterns
    assert len(library.patterns) == 3
    line, reason = problems_by_file(library)["with-block.md"]
    assert line is None and "IndexError: simulated parser bug" in reason
    assert "could not parse" in caplog.text


@pytest.mark.usefixtures("failing_body")
def test_a_body_the_parser_fails_on_when_first_used_reads_as_empty(
    library_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Bodies are read on first use, when a round or a command is waiting for them: the
    bug is logged and costs that body alone; the block still gives the decay signs."""
    library = load_library(library_dir)
    assert problems_by_file(library).keys() == {
        "no-frontmatter.md",
        "broken-yaml.md",
        "latin1.md",
        "untitled.md",
        "second.md",
    }
    bench = library.get("listening-bench")
    assert bench is not None and bench.title == "Listening Bench"
    assert bench.steps == () and bench.feedback_steps == ()
    assert [s.id for s in bench.signs_of_decay] == ["bench-stays-empty"]
    assert "could not read the body of" in caplog.text and "with-block.md" in caplog.text
    harvest = library.get("shared-harvest")
    assert harvest is not None and harvest.steps

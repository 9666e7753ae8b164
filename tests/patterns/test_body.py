"""A pattern's body is read on first use, and reads the same as when read at load."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from vitalitybot.patterns import body, load_library, parse
from vitalitybot.patterns.block import BlockSign
from vitalitybot.patterns.body import BodyText
from vitalitybot.patterns.errors import Findings
from vitalitybot.patterns.model import Body
from vitalitybot.patterns.parse import parse_file, parse_pattern
from vitalitybot.patterns.search import PatternIndex
from vitalitybot.patterns.sections import Outline

FIXTURES = Path(__file__).parent / "fixtures"
PATTERN_FILES = sorted(FIXTURES.rglob("*.md"))


@pytest.fixture
def bodies_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The first line of each body the parser reads (the real reader runs)."""
    read: list[int] = []
    real = body.read_body

    def counting(
        outline: Outline, settings: Mapping[str, BlockSign], feedback: tuple[int, ...] | None
    ) -> Body:
        read.append(outline.first_line)
        return real(outline, settings, feedback)

    monkeypatch.setattr(body, "read_body", counting)
    monkeypatch.setattr(parse, "read_body", counting)
    return read


def test_loading_and_searching_a_library_reads_no_body(
    tmp_path: Path, bodies_read: list[int]
) -> None:
    """A start loads the library and builds the search index: neither needs a body, so a
    large library starts without reading thousands of them."""
    root = tmp_path / "library"
    shutil.copytree(FIXTURES, root)
    library = load_library(root, tmp_path / "patterns.pickle")
    assert [m.slug for m in PatternIndex(library.patterns).search("listening bench")][:1] == [
        "listening-bench"
    ]
    assert bodies_read == []
    bench = library.get("listening-bench")
    assert bench is not None
    assert [s.title for s in bench.steps] == ["Place the bench", "Report back", "Invite passers-by"]
    assert bench.remedy_for("bench-stays-empty")[0].title == "Invite passers-by"
    assert len(bodies_read) == 1  # read once, for every part


@pytest.mark.parametrize("path", PATTERN_FILES, ids=lambda p: p.name)
def test_a_body_read_on_first_use_has_the_parts_read_at_load(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    later = parse_pattern(path, text)
    now = parse_file(path, text, Findings()).pattern
    assert isinstance(later.body, BodyText) and isinstance(now.body, Body)
    assert later.parts == now.parts
    assert later.parts != Body(later.body_format)  # something was read

"""Vitality parts, legacy fallbacks and the solution statement."""

from __future__ import annotations

from vitalitybot.patterns import BodyFormat, SignSource
from vitalitybot.patterns.parts import (
    body_format,
    replant,
    signs_of_decay,
    signs_of_life,
    solution,
    vitality_section,
)
from vitalitybot.patterns.sections import parse_outline


def decay(body: str) -> tuple[list[str], SignSource | None]:
    outline = parse_outline(body)
    signs, source = signs_of_decay(outline, vitality_section(outline))
    return [s.title for s in signs], source


def test_sub_parts_written_as_headings_next_to_the_vitality_heading() -> None:
    body = (
        "### Section 8: Vitality\n\nIntro.\n\n"
        "### Signs of Life\n\n- Laughter\n- Visitors\n\n"
        "### Signs of Decay\n\n- Silence\n- Dust\n\n"
        "### When to Replant\n\nAfter a year of silence, start again.\n"
    )
    outline = parse_outline(body)
    vitality = vitality_section(outline)
    assert [s.title for s in signs_of_life(outline, vitality)] == ["Laughter", "Visitors"]
    assert decay(body) == (["Silence", "Dust"], SignSource.VITALITY)
    found = replant(outline, vitality)
    assert found is not None and found.text == "After a year of silence, start again."


def test_signs_written_as_one_sentence() -> None:
    body = (
        "## Vitality\n\nIt feels alive. Signs of life include laughter, new faces, "
        "and notes that travel. Decay feels different. Signs of decay include cynicism, "
        "a feeling of (quiet, tired) drift, and empty rooms.\n"
    )
    outline = parse_outline(body)
    assert [s.title for s in signs_of_life(outline, vitality_section(outline))] == [
        "Laughter",
        "New faces",
        "Notes that travel",
    ]
    assert decay(body)[0] == ["Cynicism", "A feeling of (quiet, tired) drift", "Empty rooms"]


def test_signs_written_as_a_paragraph_of_sentences() -> None:
    body = "**Signs of decay:**\n\nNotes pile up. Nobody asks why. Rooms stay empty.\n"
    assert decay(body)[0] == ["Notes pile up", "Nobody asks why", "Rooms stay empty"]


def test_a_vitality_section_without_decay_signs_has_no_fallback() -> None:
    body = "## Vitality\n\nAll good.\n\n## Anti-Patterns\n\n- **Hoarding:** keeping things\n"
    assert decay(body) == ([], None)


def test_legacy_fallbacks() -> None:
    both = "## Anti-Patterns and Gotchas\n\n- **Hoarding:** x\n\n**Common Challenges:**\n\n- Dust\n"
    assert decay(both) == (["Hoarding"], SignSource.ANTI_PATTERNS)
    challenges = "## Implementation\n\n**Common Challenges:**\n\n- **Dust:** it settles\n"
    assert decay(challenges) == (["Dust"], SignSource.COMMON_CHALLENGES)
    assert decay("## Overview\n\nNothing else.\n") == ([], None)


def test_solution_statement() -> None:
    v71 = (
        "### Section 3: Solution\n\n> **Therefore, meet and share.**\n\nMore.\n\n"
        "### Section 4: Implementation\n"
    )
    assert solution(parse_outline(v71)) == "Therefore, meet and share."
    no_therefore = "### Section 3: Solution\n\nPeople meet.\n\nMore.\n"
    assert solution(parse_outline(no_therefore)) == "People meet."
    legacy = "## 1. Overview (150-300 words)\n\nA tool shelf is shared.\n\n## 2. Core Principles\n"
    assert solution(parse_outline(legacy)) == "A tool shelf is shared."
    principles = "## Core Principles\n\nShare first.\n"
    assert solution(parse_outline(principles)) == "Share first."
    assert solution(parse_outline("Just a paragraph.\n")) == "Just a paragraph."


def test_body_format() -> None:
    assert body_format(parse_outline("### Section 8: Vitality\n")) is BodyFormat.V71
    assert body_format(parse_outline("## 1. Overview\n## 5. Implementation\n")) is BodyFormat.LEGACY

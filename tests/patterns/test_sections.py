"""The outline: every way pattern files mark a section is found, with its file line."""

from __future__ import annotations

from markdown_it import MarkdownIt

from vitalitybot.patterns.sections import LABEL_LEVEL, clean_title, heading_key, parse_outline


def titles(body: str) -> list[tuple[str, int]]:
    return [(s.title, s.level) for s in parse_outline(body).sections]


def test_headings_at_every_level_are_sections() -> None:
    body = "# One\ntext\n## Two\n### Three\n#### Four\n##### Five\n"
    assert titles(body) == [("One", 1), ("Two", 2), ("Three", 3), ("Four", 4), ("Five", 5)]


def test_numbering_and_word_count_notes_are_not_part_of_the_title() -> None:
    body = (
        "### 5. Implementation (400-600 words)\n\n"
        "## Section 8: Vitality\n\n"
        "### Section 2 — Problem\n\n"
        "# 4. Anti-Patterns & Gotchas\n"
    )
    assert [t for t, _ in titles(body)] == [
        "Implementation",
        "Vitality",
        "Problem",
        "Anti-Patterns & Gotchas",
    ]


def test_a_bare_section_line_is_a_heading() -> None:
    body = "Intro paragraph.\n\nSection 8 — Vitality\n\nHow it feels when it works.\n"
    outline = parse_outline(body)
    assert [s.title for s in outline.sections] == ["Vitality"]
    assert outline.sections[0].line == 3


def test_a_section_word_inside_a_paragraph_is_not_a_heading() -> None:
    body = "Section 4: Implementation explains this\nand the sentence goes on.\n"
    assert parse_outline(body).sections == []


def test_bold_labels_alone_on_a_line_are_sub_headings() -> None:
    body = (
        "### Section 8: Vitality\n\n"
        "**Signs of life:**\n\n- lively\n\n"
        "**Signs of Decay**\n\n- quiet\n\n"
        "**Signs of decay** (the pattern is failing):\n\n- hollow\n\n"
        "**Common Challenges**:\n\n- tired\n"
    )
    outline = parse_outline(body)
    vitality = outline.sections[0]
    labels = [(s.title, s.level) for s in vitality.children]
    assert labels == [
        ("Signs of life", LABEL_LEVEL),
        ("Signs of Decay", LABEL_LEVEL),
        ("Signs of decay", LABEL_LEVEL),
        ("Common Challenges", LABEL_LEVEL),
    ]


def test_a_known_label_may_carry_its_text_on_the_same_line() -> None:
    body = "**When to replant:** Start over after a quiet season.\nMore advice.\n"
    section = parse_outline(body).sections[0]
    assert section.title == "When to replant"
    first, lines = parse_outline(body).own_lines(section)
    assert lines[0] == "Start over after a quiet season."
    assert first == section.index


def test_bold_led_items_are_not_labels() -> None:
    body = (
        "**1. Map the ground.** Walk the plot first.\n\n"
        "**What flourishes**\nand the sentence continues on the next line.\n\n"
        "**Take stock.**\n"
    )
    assert parse_outline(body).sections == []


def test_headings_inside_code_fences_do_not_count() -> None:
    body = "## Real\n\n```markdown\n## Not a heading\n**Not a label:**\n```\n\n## Also real\n"
    assert [t for t, _ in titles(body)] == ["Real", "Also real"]


def test_sections_know_their_file_lines_and_text() -> None:
    body = "intro\n\n## First\none\ntwo\n\n**Part:**\nthree\n## Second\nfour\n"
    outline = parse_outline(body, first_line=20)
    first, part, second = outline.sections
    assert (first.line, part.line, second.line) == (22, 26, 28)
    assert outline.own_lines(first)[1] == ["one", "two", ""]
    assert outline.all_lines(first)[1] == ["one", "two", "", "**Part:**", "three"]
    assert part.parent is first and second.parent is outline.root
    assert outline.section_at(4).title == "First"
    assert outline.section_at(6).title == "Part"
    assert outline.section_at(0) is outline.root


def test_setext_headings() -> None:
    body = "Overview\n========\n\ntext\n\nDetails\n-------\nmore\n"
    assert titles(body) == [("Overview", 1), ("Details", 2)]


def test_headings_agree_with_markdown_it() -> None:
    """The line scanner finds the same headings, on the same lines, as a CommonMark parser."""
    body = (
        "Preamble.\n\n"
        "# Title #\n\n"
        "   ### Indented three spaces\n\n"
        "    # four spaces is code, not a heading\n\n"
        "#Not a heading without a space\n\n"
        "## Section 4: Implementation (300 words)\n\n"
        "~~~\n# inside a tilde fence\n~~~\n\n"
        "Setext\n===\n\n"
        "###### Six\n"
    )
    tokens = MarkdownIt("commonmark").parse(body)
    expected = [
        (int(token.tag[1]), token.map[0])
        for token in tokens
        if token.type == "heading_open" and token.map is not None
    ]
    found = [(s.level, s.line - 1) for s in parse_outline(body).sections]
    assert found == expected


def test_keys_ignore_spelling() -> None:
    assert heading_key("Anti-Patterns & Gotchas") == heading_key("anti patterns and gotchas")
    assert clean_title("**Signs of decay:**") == "Signs of decay"
    assert clean_title("Step 1: Define the Problem:") == "Define the Problem"
    assert clean_title("8 Pillars Assessment") == "8 Pillars Assessment"

"""Frontmatter: the keys the bot reads, and errors reported on the right file line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from vitalitybot.patterns import header
from vitalitybot.patterns.errors import PatternFileError
from vitalitybot.patterns.fields import READ_KEYS
from vitalitybot.patterns.header import read_header

FIXTURES = Path(__file__).parent / "fixtures"
ALIAS_BOMB = Path(__file__).parent / "broken" / "alias-bomb.md"


def read_by_yaml(text: str) -> dict[str, Any]:
    """What a plain ``yaml.safe_load`` gives for the frontmatter the bot reads."""
    document = yaml.safe_load(text.split("---\n")[1])
    read: dict[str, Any] = {}
    for key, value in document.items():
        if key not in READ_KEYS:
            continue
        inner = READ_KEYS[key]
        if inner is not None and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k in inner}
        read[key] = value
    return read


def error_of(text: str) -> PatternFileError:
    with pytest.raises(PatternFileError) as caught:
        read_header(text, READ_KEYS)
    return caught.value


def test_read_keys_match_a_full_yaml_load() -> None:
    text = (FIXTURES / "v71-sample.md").read_text(encoding="utf-8")
    header = read_header(text, READ_KEYS)
    assert header.data == read_by_yaml(text)
    assert "graph_garden" not in header.data  # checked, not built
    assert header.data["ontology"] == {  # of the ontology, the scores only
        "commons_assessment": {
            "value_creation": 4.0,
            "resilience": 2.5,
            "vitality_reasoning": "Prose that is not a score.",
            "overall_score": 3.2,
        }
    }
    assert header.key_lines["slug"] == 2
    assert header.key_lines["graph_garden"] == 23
    assert header.body_line == 30
    assert header.body.startswith("\nA short summary paragraph")


def test_nested_lines_point_into_the_file() -> None:
    header = read_header((FIXTURES / "with-block.md").read_text(encoding="utf-8"), READ_KEYS)
    assert header.line_of(("vitalitybot", "signs", "bench-stays-empty", "remedy")) == 12
    assert header.line_of(("vitalitybot", "prompts", 1)) == 7
    assert header.line_of(("vitalitybot", "missing")) == 4


def test_no_frontmatter_is_reported_on_line_1() -> None:
    error = error_of("# Just a heading\n\nNo frontmatter here.\n")
    assert error.line == 1
    assert "frontmatter" in error.reason


def test_unclosed_frontmatter_is_reported_on_line_1() -> None:
    assert error_of("---\ntitle: Open\n\nbody\n").line == 1


def test_invalid_yaml_reports_the_line_that_opens_the_unclosed_bracket() -> None:
    text = (
        "---\ntitle: Fine\nslug: fine\nontology: {domain: a, b\n  more: [1\nlicense: x\n---\nbody\n"
    )
    error = error_of(text)
    assert error.line == 4
    assert "invalid YAML" in error.reason
    assert "stopped at line 5" in error.reason


@pytest.mark.parametrize(
    ("yaml_text", "line"),
    [
        # An unclosed quote runs on to the closing "---"; the mistake is where it opens.
        ('title: Fine\nsummary: "never closed\nslug: fine\nlicense: x\n', 3),
        ("title: Fine\nsummary no colon\nslug: fine\n", 3),
        ("title: Fine\ntags:\n  - a\n - b\nslug: fine\n", 5),  # bad indentation
    ],
)
def test_invalid_yaml_is_reported_on_the_line_with_the_mistake(yaml_text: str, line: int) -> None:
    assert error_of(f"---\n{yaml_text}---\nbody\n").line == line


def test_invalid_yaml_in_a_key_the_bot_does_not_read_is_still_reported() -> None:
    text = "---\ntitle: Fine\ngraph_garden:\n  entities: [unclosed\nlicense: x\n---\nbody\n"
    assert error_of(text).line == 4


def test_frontmatter_that_is_not_a_mapping_is_reported_on_its_line() -> None:
    error = error_of("---\n\n- just\n- a list\n---\nbody\n")
    assert error.line == 3
    assert "mapping" in error.reason


def test_an_alias_is_refused_on_the_line_that_uses_it() -> None:
    text = "---\ngraph_garden:\n  label: &name Shared name\ntitle: *name\n---\nbody\n"
    error = error_of(text)
    assert error.line == 4
    assert "alias" in error.reason


def test_an_alias_inside_an_unread_part_of_a_read_key_is_refused_on_its_line() -> None:
    text = "---\ntitle: T\nontology:\n  domain: &d x\n  hints:\n    - *d\n---\nbody\n"
    assert error_of(text).line == 6


def test_an_alias_bomb_is_refused_before_it_is_expanded() -> None:
    """Nine nested levels of nine aliases stand for 9**9 (387 million) strings: building
    them would take hours, so a refusal at all can only come from never building them."""
    error = error_of(ALIAS_BOMB.read_text(encoding="utf-8"))
    assert error.line == 5  # the first line that uses an alias
    assert "alias" in error.reason


def test_values_are_typed_as_yaml_would_type_them() -> None:
    text = (
        "---\ntitle: 1984\nsummary: null\nontology:\n  commons_assessment:\n"
        "    a: 4.5\n    b: 3\n    flag: yes\n    when: 2024-01-01\n"
        "classification:\n  <<: {commons_alignment: 4}\n---\n"
    )
    header = read_header(text, READ_KEYS)
    assert header.data == read_by_yaml(text)
    assert header.data["classification"] == {"commons_alignment": 4}  # merged in


def test_without_a_key_filter_every_key_is_built() -> None:
    text = (FIXTURES / "v71-sample.md").read_text(encoding="utf-8")
    assert "graph_garden" in read_header(text).data


def test_without_libyaml_the_pure_python_loader_gives_the_same_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = (FIXTURES / "with-block.md").read_text(encoding="utf-8")
    with_libyaml = read_header(text, READ_KEYS)
    monkeypatch.setattr(header, "_Loader", yaml.SafeLoader)
    pure = read_header(text, READ_KEYS)
    assert (pure.data, pure.key_lines, pure.body_line) == (
        with_libyaml.data,
        with_libyaml.key_lines,
        with_libyaml.body_line,
    )
    assert pure.line_of(("vitalitybot", "prompts", 1)) == 7
    assert error_of(ALIAS_BOMB.read_text(encoding="utf-8")).line == 5

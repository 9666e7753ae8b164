"""The vitalitybot block: authoring mistakes stop the file, with the line to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from vitalitybot.patterns import PatternFileError, parse_pattern

BODY = "## Implementation\n\n**1. One.** a\n\n**2. Two.** b\n"


def parse(block: str) -> object:
    return parse_pattern(Path("p.md"), f"---\ntitle: P\nvitalitybot:\n{block}---\n{BODY}")


@pytest.mark.parametrize(
    ("block", "line", "words"),
    [
        ("  prompts: Just one string\n", 4, "prompts"),
        ("  prompts: [a, b, c, d, e, f]\n", 4, "at most 5"),
        ("  feedback_steps: [first]\n", 4, "step numbers"),
        ("  signs:\n    no-feedback:\n      remedy: [0]\n", 6, "step numbers"),
        ("  signs:\n    no-feedback: just text\n", 5, "mapping"),
        ("  signs:\n    no-feedback:\n      survey: [not, text]\n", 6, "text"),
        ("  signs: [a, b]\n", 4, "sign ids"),
    ],
)
def test_malformed_blocks_point_at_the_key(block: str, line: int, words: str) -> None:
    with pytest.raises(PatternFileError) as caught:
        parse(block)
    assert caught.value.line == line
    assert words in caught.value.reason


def test_a_block_that_is_not_a_mapping_is_reported_on_its_line() -> None:
    with pytest.raises(PatternFileError) as caught:
        parse_pattern(Path("p.md"), f"---\ntitle: P\nvitalitybot: yes\n---\n{BODY}")
    assert caught.value.line == 3

"""The vitalitybot block: malformed values stop the file, with the line to fix; keys the
bot does not read are warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from vitalitybot.patterns import PatternFileError, parse_pattern
from vitalitybot.patterns.errors import Findings
from vitalitybot.patterns.parse import parse_file

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


def test_every_mistake_in_a_block_is_reported_in_file_order() -> None:
    block = (
        "  prompts: Just one string\n"  # line 4
        "  feedback_steps: [first]\n"  # line 5
        "  signs:\n"
        "    no-feedback:\n"
        "      remedy: [0]\n"  # line 8
    )
    with pytest.raises(PatternFileError) as caught:
        parse(block)
    lines = [finding.line for finding in caught.value.findings]
    assert lines == [4, 5, 8]


def block_warnings(block: str) -> list[tuple[int | None, str]]:
    findings = Findings()
    parse_file(Path("p.md"), f"---\ntitle: P\nvitalitybot:\n{block}---\n{BODY}", findings)
    return [(finding.line, finding.reason) for finding in findings.warnings]


def test_a_misspelt_block_key_is_a_warning_with_the_key_meant() -> None:
    ((line, reason),) = block_warnings("  prompts: [How are we?]\n  feedbak_steps: [2]\n")
    assert line == 5
    assert "'feedbak_steps'" in reason and "did you mean 'feedback_steps'" in reason


def test_a_misspelt_key_of_a_sign_is_a_warning_with_the_key_meant() -> None:
    block = "  signs:\n    no-feedback:\n      survey: Do we hear back?\n      remdy: [2]\n"
    ((line, reason),) = block_warnings(block)
    assert line == 7
    assert "'vitalitybot.signs.no-feedback'" in reason and "did you mean 'remedy'" in reason

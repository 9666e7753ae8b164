"""Sign ids: derived from the title only, so stored answers keep pointing at them."""

from __future__ import annotations

from pathlib import Path

import pytest

from vitalitybot.patterns import parse_pattern
from vitalitybot.patterns.signs import sign_id, unique_ids


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("No feedback", "no-feedback"),
        ("No feedback.", "no-feedback"),
        ("The Commons asks back!", "the-commons-asks-back"),
        ("Members don't name impact", "members-dont-name-impact"),
        ("One-directional flow", "one-directional-flow"),
        ("A/B tests, everywhere", "a-b-tests-everywhere"),
        ("Café talk fades", "cafe-talk-fades"),
        (
            "one two three four five six seven eight nine ten",
            "one-two-three-four-five-six-seven-eight",
        ),
        ("“Quoted” title…", "quoted-title"),
        ("!!!", "sign"),
    ],
)
def test_sign_id_rules(title: str, expected: str) -> None:
    assert sign_id(title) == expected


def test_repeated_titles_in_one_list_get_numbered_ids() -> None:
    assert unique_ids(["No feedback", "Silence", "No feedback", "no feedback!"]) == [
        "no-feedback",
        "silence",
        "no-feedback-2",
        "no-feedback-3",
    ]


def test_a_numbered_id_never_collides_with_a_written_one() -> None:
    assert unique_ids(["Tired", "Tired 2", "Tired"]) == ["tired", "tired-2", "tired-3"]


PATTERN = """---
title: Example
---

## Vitality

**Signs of decay:**

1. **Keeper fatigue.** {detail}
2. **Silence.** Nobody writes back.
3. **Silence.** The channel is quiet too.
"""


def test_ids_survive_edits_to_the_sign_text() -> None:
    before = parse_pattern(Path("x.md"), PATTERN.format(detail="The keeper is tired."))
    after = parse_pattern(
        Path("x.md"), PATTERN.format(detail="The keeper has carried this alone for a year.")
    )
    ids = [s.id for s in before.signs_of_decay]
    assert ids == ["keeper-fatigue", "silence", "silence-2"]
    assert [s.id for s in after.signs_of_decay] == ids
    assert before.signs_of_decay[0].text != after.signs_of_decay[0].text

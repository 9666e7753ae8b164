"""Which headings count as misspellings of the ones the bot reads."""

from __future__ import annotations

import pytest

from vitalitybot.patterns.authoring import misspelt
from vitalitybot.patterns.sections import clean_title, heading_key


def key(heading: str) -> str:
    return heading_key(clean_title(heading))


@pytest.mark.parametrize(
    ("heading", "meant"),
    [
        ("Implementaton", "implementation"),
        ("Section 8: Vitalty", "vitality"),
        ("Sign of decay", "signs of decay"),
        ("Signs of lfe", "signs of life"),
        ("When to replan", "when to replant"),
        ("Anti-Paterns & Gotchas", "anti patterns"),
    ],
)
def test_a_heading_one_slip_away_from_a_known_one_is_a_misspelling(
    heading: str, meant: str
) -> None:
    assert misspelt(key(heading)) == meant


@pytest.mark.parametrize(
    "heading",
    [
        "Implementation steps",  # read: it starts with a known heading
        "Resolution",  # a word of its own, not a misspelt "Solution"
        "Known Use 1: Government Policy Shift",
        "Implications",
        "Context",
        "Tools",
    ],
)
def test_headings_that_are_read_or_are_the_authors_own_are_not_misspellings(
    heading: str,
) -> None:
    assert misspelt(key(heading)) is None

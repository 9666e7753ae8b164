"""Cadences and durations as written in pattern prose."""

from __future__ import annotations

import pytest

from vitalitybot.patterns.model import Cadence, Duration
from vitalitybot.patterns.rhythms import find_cadences, find_durations, rhythms_in
from vitalitybot.patterns.sections import parse_outline


@pytest.mark.parametrize(
    ("sentence", "cadence", "phrase"),
    [
        ("We meet weekly in the hall.", Cadence.WEEKLY, "weekly"),
        ("Tidy the shelf every week.", Cadence.WEEKLY, "every week"),
        ("Once a week, someone waters.", Cadence.WEEKLY, "Once a week"),
        ("A fortnightly call.", Cadence.FORTNIGHTLY, "fortnightly"),
        ("Run a biweekly review.", Cadence.FORTNIGHTLY, "biweekly"),
        ("Run a bi-weekly review.", Cadence.FORTNIGHTLY, "bi-weekly"),
        ("Check in every two weeks.", Cadence.FORTNIGHTLY, "every two weeks"),
        ("Share notes monthly.", Cadence.MONTHLY, "monthly"),
        ("Each month, pick a theme.", Cadence.MONTHLY, "Each month"),
        ("Rotate hosts every month.", Cadence.MONTHLY, "every month"),
        ("Publish at least monthly.", Cadence.MONTHLY, "at least monthly"),
        ("A quarterly retreat.", Cadence.QUARTERLY, "quarterly"),
        ("Review the map each quarter.", Cadence.QUARTERLY, "each quarter"),
        ("Swap roles every three months.", Cadence.QUARTERLY, "every three months"),
        ("Celebrate twice a year.", Cadence.TWICE_A_YEAR, "twice a year"),
        ("Audit semi-annually.", Cadence.TWICE_A_YEAR, "semi-annually"),
        ("Renew the charter every six months.", Cadence.TWICE_A_YEAR, "every six months"),
        ("A yearly gathering.", Cadence.YEARLY, "yearly"),
        ("Report annually.", Cadence.YEARLY, "annually"),
        ("Each year, we elect a keeper.", Cadence.YEARLY, "Each year"),
    ],
)
def test_each_cadence_is_recognised(sentence: str, cadence: Cadence, phrase: str) -> None:
    assert [(c, p) for c, p, _ in find_cadences(sentence)] == [(cadence, phrase)]


def test_joined_cadences_share_their_phrase() -> None:
    found = find_cadences("Pause monthly or quarterly to reflect.")
    assert [(c, p) for c, p, _ in found] == [
        (Cadence.MONTHLY, "monthly or quarterly"),
        (Cadence.QUARTERLY, "monthly or quarterly"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "The fee is $50 per month.",  # a rate, not a rhythm
        "A bimonthly newsletter.",  # ambiguous: skipped
        "We meet daily.",  # no such cadence
        "Our monthsary is odd.",  # not the word "monthly"
    ],
)
def test_non_cadences(sentence: str) -> None:
    assert find_cadences(sentence) == []


def test_words_inside_longer_words_do_not_count() -> None:
    assert [c for c, _, _ in find_cadences("a biweekly and a semi-annual review")] == [
        Cadence.FORTNIGHTLY,
        Cadence.TWICE_A_YEAR,
    ]


@pytest.mark.parametrize(
    ("text", "durations"),
    [
        ("after 6–9 months of effort", [(6, "month"), (9, "month")]),
        ("after 3 months", [(3, "month")]),
        ("give it two quarters", [(6, "month")]),
        ("within a year", [(1, "year")]),
        ("12-18 months in", [(12, "month"), (18, "month")]),
        ("for six weeks", [(6, "week")]),
        ("three to six months later", [(3, "month"), (6, "month")]),
        ("a 6-month pilot", [(6, "month")]),
        ("a three-to-five-year cycle", [(3, "year"), (5, "year")]),
        ("about half a year", [(6, "month")]),
        ("the first 90 days", [(3, "month")]),
        ("twenty-four months", [(24, "month")]),
        ("a decade", [(10, "year")]),
        ("we meet twice a year", []),
        ("three times a month", []),
        ("a few months", []),
        ("1.5 years", []),
    ],
)
def test_durations(text: str, durations: list[tuple[int, str]]) -> None:
    assert find_durations(text) == tuple(Duration(a, u) for a, u in durations)


def test_durations_are_listed_once_in_order() -> None:
    assert find_durations("after 6 months, or 3 months, or again 6 months") == (
        Duration(6, "month"),
        Duration(3, "month"),
    )


def test_rhythms_name_their_section_and_skip_references() -> None:
    body = (
        "## Implementation\n\n"
        "**1. Gather.** Meet weekly.\n\n"
        "**Signs of life:**\n\n- Notes arrive at least monthly.\n\n"
        "## References\n\n1. Annual Review of Gardens.\n"
    )
    rhythms = rhythms_in(parse_outline(body))
    assert [(r.cadence, r.phrase, r.section) for r in rhythms] == [
        (Cadence.WEEKLY, "weekly", "Implementation"),
        (Cadence.MONTHLY, "at least monthly", "Signs of life"),
    ]


def test_non_ascii_text_is_searched_too() -> None:
    # Some characters change length when lower-cased; the search must still find cadences.
    assert [c for c, _, _ in find_cadences("İstanbul group meets weekly.")] == [Cadence.WEEKLY]
    assert find_durations("İ waited six weeks") == (Duration(6, "week"),)


@pytest.mark.parametrize(
    "before",
    ["", "Café — ", "“Naïve” ", "İstanbul: ", "Kelvin \u212a: ", "日本語の文章。"],
    ids=["ascii", "accents-and-dash", "quotes", "dotted-capital-i", "kelvin-sign", "cjk"],
)
def test_cadences_are_found_at_their_place_after_any_text(before: str) -> None:
    text = f"{before}We meet every month and review Quarterly."
    found = find_cadences(text)
    assert [(c, p) for c, p, _ in found] == [
        (Cadence.MONTHLY, "every month"),
        (Cadence.QUARTERLY, "Quarterly"),
    ]
    assert [text[offset:].split()[0] for _, _, offset in found] == ["every", "Quarterly."]

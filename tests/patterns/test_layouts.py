"""Layouts other public pattern libraries use for signs of life, signs of decay and when
to replant: plain label lines before a list, bold labels without a colon, and labels
whose signs follow on the same line as sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from vitalitybot.patterns import Pattern, Sign, SignSource, parse_pattern

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"


def load(name: str) -> Pattern:
    path = LAYOUTS / name
    return parse_pattern(path, path.read_text(encoding="utf-8"))


def titles(signs: tuple[Sign, ...]) -> list[str]:
    return [sign.title for sign in signs]


def test_plain_label_lines_before_lists() -> None:
    pattern = load("plain-labels.md")
    assert titles(pattern.signs_of_life) == [
        "Growers return packets of seed they saved themselves",
        "Newcomers ask how to save seed from their own beds",
    ]
    # "Signs of decay emerge when:" names the same part; "*" and "-" items both count.
    assert titles(pattern.signs_of_decay) == [
        "The shelf holds only shop-bought packets",
        "Envelopes carry no year, so nobody knows what still sprouts",
        "The spring swap is skipped and nobody asks why",
    ]
    assert pattern.signs_of_decay_from is SignSource.VITALITY
    assert pattern.replant is not None
    assert pattern.replant.text == "The shelf has stood empty for two seasons in a row."
    assert [step.title for step in pattern.steps] == [
        "Pick a shelf",
        "Label every packet",
        "Hold a spring swap",
    ]


def test_bold_labels_without_a_colon() -> None:
    pattern = load("bold-labels.md")
    assert titles(pattern.signs_of_life) == [
        "Visitors come back with a second tool to mend",
        "Menders teach each other tricks they learned elsewhere",
    ]
    assert titles(pattern.signs_of_decay) == [
        "The same two people do every repair while others watch",
        "Broken tools pile up in the corner with no owner",
    ]
    assert pattern.replant is not None
    assert pattern.replant.text == "Nobody has come for three evenings running."


def test_an_inline_paragraph_gives_one_sign_per_sentence() -> None:
    pattern = load("inline-paragraphs.md")
    assert titles(pattern.signs_of_life) == [
        "Neighbours who never spoke now plan the next supper together",
        "Children run the lemonade stall on their own",
        "Leftovers are shared out without being asked",
    ]
    assert titles(pattern.signs_of_decay) == [
        "The organiser sets every table alone while others arrive to eat",
        "The invitation goes only to the same few houses",
        "Rain cancels it and no new date is set",
    ]
    assert [s.id for s in pattern.signs_of_decay][1] == "the-invitation-goes-only-to-the-same-few"
    assert pattern.replant is not None
    assert pattern.replant.text == "The supper has not happened for two summers."


@pytest.mark.parametrize(
    "line",
    [
        "The signs of decay: a sentence that only mentions them.",
        "Signs of decay include apathy and blame.",
    ],
)
def test_a_sentence_that_merely_mentions_signs_is_not_a_label(line: str) -> None:
    text = f"---\ntitle: Mention\n---\n\n## Overview\n\nIntro.\n\n{line}\n"
    assert load_text(text).signs_of_decay == ()


def load_text(text: str) -> Pattern:
    return parse_pattern(Path("mention.md"), text)

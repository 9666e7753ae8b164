"""Items: every list style in pattern files gives (title, text) pairs."""

from __future__ import annotations

from vitalitybot.patterns.items import (
    ItemKind,
    items_of,
    sentences,
    sentences_as_items,
    split_items,
    split_list,
)


def pairs(text: str) -> list[tuple[str, str]]:
    return [(i.title, i.text) for i in items_of(text.split("\n"), 1)]


def test_numbered_items_led_in_bold() -> None:
    text = (
        "1. **Regular visits.** Members drop by every week.\n"
        "2. **Shared tools:** The shelf is full.\n"
    )
    assert pairs(text) == [
        ("Regular visits", "Members drop by every week."),
        ("Shared tools", "The shelf is full."),
    ]


def test_bold_paragraphs_with_the_number_inside_the_bold() -> None:
    text = "**1. Walk the plot.** Look at every bed.\n\n**2. Step two:** Water it.\n"
    items = items_of(text.split("\n"), 1)
    assert [(i.title, i.number, i.kind) for i in items] == [
        ("Walk the plot", 1, ItemKind.PARAGRAPH),
        ("Step two", 2, ItemKind.PARAGRAPH),
    ]


def test_plain_bullets_take_their_first_sentence_as_title() -> None:
    text = "- Nobody comes to the meetings. The room stays empty.\n* Notes go unread\n"
    assert pairs(text) == [
        ("Nobody comes to the meetings", "The room stays empty."),
        ("Notes go unread", ""),
    ]


def test_a_long_first_sentence_is_cut_and_kept_whole_in_the_text() -> None:
    sentence = "Members keep arriving late and leaving early because the evening always runs long."
    (item,) = split_items([sentence], 1)
    assert (
        item.title
        == "Members keep arriving late and leaving early because the evening always runs…"
    )
    assert item.text == sentence


def test_plain_paragraphs_are_items() -> None:
    text = "The garden is quiet.\n\nNobody waters it.\n\nWeeds take over the beds.\n"
    assert [t for t, _ in pairs(text)] == [
        "The garden is quiet",
        "Nobody waters it",
        "Weeds take over the beds",
    ]


def test_a_bold_line_followed_by_its_paragraph_is_one_item() -> None:
    text = "**Keeper fatigue.**\n\nThe keeper burns out.\n\n**Silence.**\n\nNobody replies.\n"
    assert pairs(text) == [
        ("Keeper fatigue", "The keeper burns out."),
        ("Silence", "Nobody replies."),
    ]


def test_introduction_and_closing_remark_around_a_list_are_dropped() -> None:
    text = "Watch for these:\n\n- Empty chairs\n- Cold tea\n\nTwo or more mean trouble.\n"
    assert [t for t, _ in pairs(text)] == ["Empty chairs", "Cold tea"]


def test_a_step_keeps_its_second_paragraph_and_sub_bullets() -> None:
    text = (
        "Intro.\n\n"
        "**1. Plan.** Draw a map.\n\n"
        "Keep it on the wall.\n\n"
        "- mark the paths\n\n"
        "**2. Plant.** Sow the beds.\n"
    )
    first, second = items_of(text.split("\n"), 1)
    assert first.title == "Plan"
    assert first.text == "Draw a map.\n\nKeep it on the wall.\n- mark the paths"
    assert second.title == "Plant"


def test_nested_list_items_belong_to_their_parent() -> None:
    text = "1. Prepare the room\n   - chairs\n   - tea\n2. Open the door\n"
    first, second = split_items(text.split("\n"), 1)
    assert first.title == "Prepare the room"
    assert "- chairs" in first.text and "- tea" in first.text
    assert second.title == "Open the door"


def test_items_know_their_file_line() -> None:
    text = "intro\n\n- one\n- two\n"
    assert [i.line for i in items_of(text.split("\n"), 40)] == [42, 43]


def test_markdown_is_reduced_to_plain_text() -> None:
    (item,) = split_items(["- **Links** go to [the wiki](https://example.org) and `code`."], 1)
    assert (item.title, item.text) == ("Links", "go to the wiki and code.")


def test_prose_lists_become_one_item_per_sentence() -> None:
    prose = (
        "The notes pile up unread. Nobody asks (not even the keeper, who is tired) "
        "what happened. Meetings feel like homework."
    )
    items = sentences_as_items(split_items([prose], 1))
    assert [i.full for i in items] == [
        "The notes pile up unread.",
        "Nobody asks (not even the keeper, who is tired) what happened.",
        "Meetings feel like homework.",
    ]


def test_enumerated_and_semicolon_lists_in_a_paragraph() -> None:
    enumerated = split_items(["(1) Chairs stay empty. (2) Tea goes cold."], 1)
    assert [i.title for i in sentences_as_items(enumerated)] == [
        "Chairs stay empty",
        "Tea goes cold",
    ]
    semicolons = split_items(["Watch for: empty chairs; cold tea, stale cake; silence."], 1)
    assert [i.full for i in sentences_as_items(semicolons)] == [
        "Empty chairs",
        "Cold tea, stale cake",
        "Silence",
    ]


def test_real_lists_are_not_split_into_sentences() -> None:
    items = split_items(["- One thing. Another.", "- Second item."], 1)
    assert sentences_as_items(items) == items


def test_inline_lists_and_sentences_respect_brackets_and_quotes() -> None:
    assert split_list('cynicism, a sense of (tired, bored) drift, and "show up," rituals') == [
        "cynicism",
        "a sense of (tired, bored) drift",
        '"show up"',
        "rituals",
    ]
    assert sentences('He said "stop. Now." Then left.') == ['He said "stop. Now."', "Then left."]

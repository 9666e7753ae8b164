"""Implementation steps in the shapes real files use."""

from __future__ import annotations

from vitalitybot.patterns.sections import parse_outline
from vitalitybot.patterns.steps import steps_of


def titles(body: str) -> list[str]:
    return [s.title for s in steps_of(parse_outline(body))]


def test_numbered_bold_steps_skip_the_introduction_and_keep_their_paragraphs() -> None:
    body = (
        "### Section 4: Implementation\n\nHow this works in general.\n\n"
        "**1. Map.** Draw it.\n\nKeep it visible.\n\n"
        "**2. Name roles.** Pick people.\n\n"
        "**In corporate settings:** a note about companies.\n\n"
        "**3. Meet.** Gather often.\n\n### Section 5: Consequences\n\nLater.\n"
    )
    steps = steps_of(parse_outline(body))
    assert [(s.number, s.title) for s in steps] == [(1, "Map"), (2, "Name roles"), (3, "Meet")]
    assert steps[0].text == "Draw it.\n\nKeep it visible."
    assert "a note about companies" in steps[1].text


def test_getting_started_is_the_legacy_step_list() -> None:
    body = (
        "## 5. Implementation\n\n**Prerequisites:**\n\n- Time\n- Space\n- Tea\n\n"
        "**Getting Started:**\n\n1. **Ask:** who cares?\n2. **Invite:** them.\n\n"
        "**Common Challenges:**\n\n- Nobody comes\n"
    )
    assert titles(body) == ["Ask", "Invite"]


def test_labels_with_paragraphs_are_steps() -> None:
    body = (
        "## Implementation\n\n"
        "**Start with a map:**\n\nDraw the ground.\n\n"
        "**Choose a rhythm:**\n\nMeet monthly.\n\n"
        "**Share the harvest:**\n\nPass notes on.\n"
    )
    steps = steps_of(parse_outline(body))
    assert [s.title for s in steps] == ["Start with a map", "Choose a rhythm", "Share the harvest"]
    assert steps[1].text == "Meet monthly."


def test_a_label_that_introduces_a_list_is_not_a_step() -> None:
    body = (
        "## Implementation\n\n**Moves for practitioners:**\n\n"
        "**Look closely.** Notice things.\n\n**Write it down.** Keep a log.\n\n"
        "**Tell someone.** Share it.\n"
    )
    assert titles(body) == ["Look closely", "Write it down", "Tell someone"]


def test_a_numbered_list_inside_a_labelled_part_is_preferred() -> None:
    body = (
        "## Implementation\n\n**Build the framework first:**\n\n"
        "1. **Name the domains.** Split them.\n"
        "2. **Set a rhythm.** Monthly.\n\n"
        "**Corporate translation:** use it at work.\n\n"
        "3. **Protect the child.** Keep it out.\n"
    )
    steps = steps_of(parse_outline(body))
    assert [s.title for s in steps] == ["Name the domains", "Set a rhythm", "Protect the child"]
    assert "use it at work" in steps[1].text


def test_bullets_and_paragraphs_when_nothing_is_marked() -> None:
    assert titles("## Implementation\n\n- Find a shelf\n- Add cards\n- Lend tools\n") == [
        "Find a shelf",
        "Add cards",
        "Lend tools",
    ]
    prose = "## Implementation\n\nFirst, ask around.\n\nThen meet.\n\nFinally, write it up.\n"
    assert titles(prose) == ["First, ask around", "Then meet", "Finally, write it up"]


def test_no_implementation_section_means_no_steps() -> None:
    assert titles("## Overview\n\n1. One\n2. Two\n") == []

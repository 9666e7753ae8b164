"""Implementation steps: what a reader would call the steps of a pattern.

v7.1 files number their steps in bold (``**1. Map the current state.** ...``), legacy
files keep them under a "Getting Started" label, and many files do neither: steps are
bold-led paragraphs, bold labels with paragraphs under them, or a numbered list inside a
labelled part, mixed with per-context notes ("**In corporate settings** ..."). The
rules below pick the list a reader would follow; steps are numbered from 1 in order.
"""

from __future__ import annotations

from collections.abc import Callable

from vitalitybot.patterns.items import (
    Item,
    ItemKind,
    absorb,
    section_items,
    split_items,
)
from vitalitybot.patterns.model import Step
from vitalitybot.patterns.sections import Outline, Section, named

MIN_STEPS = 3
_STEP_LIST_KEYS = (
    "getting started",
    "implementation steps",
    "steps",
    "step by step",
    "how to implement",
    "how to start",
)
# Labelled parts of an Implementation section that are not steps.
_NOT_STEP_KEYS = (
    "prerequisites",
    "common challenges",
    "challenges",
    "success factors",
    "key success factors",
    "pitfalls",
    "common pitfalls",
    "anti patterns",
    "tools",
    "resources",
    "metrics",
    "measuring",
    "key considerations",
    "considerations",
    "best practices",
    "risks",
    "examples",
    "example",
    "timeline",
    "cost",
    "costs",
)
# The kinds of entry that can be "the steps", in order of preference.
_STEP_KINDS: tuple[Callable[[Item], bool], ...] = (
    lambda e: e.number is not None and e.lead,  # **1. Map the current state.**
    lambda e: e.number is not None,  # 1. Map the current state
    lambda e: e.lead and e.kind is ItemKind.PARAGRAPH,  # **Map the current state.** / labels
    lambda e: e.kind is not ItemKind.PARAGRAPH,  # list items
    lambda e: True,  # paragraphs
)


def steps_of(outline: Outline) -> tuple[Step, ...]:
    implementation = outline.find(named("implementation", labels=False))
    if implementation is None:
        implementation = outline.find(named(*_STEP_LIST_KEYS))
    if implementation is None:
        return ()
    return tuple(
        Step(number=number, title=item.title, text=item.text)
        for number, item in enumerate(step_items(outline, implementation), start=1)
    )


def step_items(outline: Outline, implementation: Section) -> list[Item]:
    """The steps of an Implementation section, in order.

    A legacy "Getting Started" list is the steps. Otherwise every item of the section
    and of its sub-sections (sub-headings and bold labels count as items themselves,
    unless they only introduce a list of their own) is laid out in document order, and
    the steps are the first of these kinds that gives at least three: numbered items led
    in bold, numbered items, items led in bold, list items, all items; failing that, the
    kind that gives the most. Items between two steps belong to the step before them;
    items before the first are an introduction.
    """
    listed = outline.find(named(*_STEP_LIST_KEYS), within=implementation)
    if listed is not None:
        items = section_items(outline, listed)
        if items:
            return items
    entries = _entries(outline, implementation)
    choices = [[e for e in entries if is_step(e)] for is_step in _STEP_KINDS]
    chosen = next((c for c in choices if len(c) >= MIN_STEPS), None) or max(choices, key=len)
    wanted = {id(e) for e in chosen}
    steps: list[Item] = []
    for entry in entries:
        if id(entry) in wanted:
            steps.append(entry)
        elif steps:
            steps[-1] = absorb(steps[-1], entry)
    return steps


def _entries(outline: Outline, section: Section) -> list[Item]:
    """Every item of ``section`` and its sub-sections, in document order."""
    first, lines = outline.own_lines(section)
    entries = split_items(lines, outline.file_line(first))
    for child in section.children:
        if child.key.startswith(_NOT_STEP_KEYS):
            continue
        inner = _entries(outline, child)
        opening = inner[0] if inner and inner[0].line < outline.file_line(child.end) else None
        # A sub-heading whose text opens with bold-led items (or that only holds further
        # sub-headings) introduces a list; otherwise it is a step in its own right and
        # its items are its text.
        introduces = opening.lead if opening is not None else bool(child.children)
        if not introduces:
            entries.append(
                Item(
                    child.title, "", child.line, ItemKind.PARAGRAPH, True, child.number, child.title
                )
            )
        entries.extend(inner)
    return entries

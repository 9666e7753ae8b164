"""The parts of a pattern body the bot reads, other than its steps.

Signs of life and decay and the replanting advice come from the Vitality section's
sub-parts, wherever and however they are marked. A legacy file has no Vitality
section; its decay signs come from the closest thing it has, "Anti-Patterns & Gotchas",
else "Common Challenges", and the pattern records which (``signs_of_decay_from``).
"""

from __future__ import annotations

import re
from itertools import islice

from vitalitybot.patterns.inline import plain
from vitalitybot.patterns.items import (
    TITLE_WORDS,
    Item,
    ItemKind,
    paragraphs,
    section_items,
    sentences_as_items,
    split_items,
    split_list,
)
from vitalitybot.patterns.model import BodyFormat, Replant, Sign, SignSource
from vitalitybot.patterns.rhythms import find_durations
from vitalitybot.patterns.sections import Outline, Section, named
from vitalitybot.patterns.signs import signs_from_items

_V71_KEYS = ("vitality", "solution", "problem", "known uses")
_FALLBACKS = (
    (
        ("anti patterns", "antipatterns", "anti pattern", "gotchas", "pitfalls"),
        SignSource.ANTI_PATTERNS,
    ),
    (("common challenges", "challenges"), SignSource.COMMON_CHALLENGES),
)
_PROSE_SIGNS = {
    which: re.compile(
        rf"\bsigns of {which} (?:include|includes)\s+(?P<list>.+?)(?:\.(?=\s|$)|$)", re.IGNORECASE
    )
    for which in ("life", "decay")
}


def body_format(outline: Outline) -> BodyFormat:
    if any(s.key.startswith(_V71_KEYS) for s in outline.sections if not s.is_label):
        return BodyFormat.V71
    return BodyFormat.LEGACY


def vitality_section(outline: Outline) -> Section | None:
    return outline.find(named("vitality", labels=False))


def vitality_part(outline: Outline, key: str, vitality: Section | None) -> Section | None:
    """A sub-part such as "Signs of decay": inside the Vitality section, else right after
    it ("### Signs of Decay" written at the level of "### Vitality"), else anywhere."""
    wanted = named(key)
    if vitality is not None:
        found = outline.find(wanted, within=vitality)
        if found is not None:
            return found
        after = outline.find(lambda s: s.index > vitality.index and wanted(s))
        if after is not None:
            return after
    return outline.find(wanted)


def signs_of_life(outline: Outline, vitality: Section | None) -> tuple[Sign, ...]:
    return _vitality_signs(outline, vitality, "life")


def signs_of_decay(
    outline: Outline, vitality: Section | None
) -> tuple[tuple[Sign, ...], SignSource | None]:
    signs = _vitality_signs(outline, vitality, "decay")
    if signs:
        return signs, SignSource.VITALITY
    if vitality is not None or vitality_part(outline, "signs of decay", None) is not None:
        return (), None
    for keys, source in _FALLBACKS:
        signs = _signs(outline, outline.find(named(*keys)))
        if signs:
            return signs, source
    return (), None


def _vitality_signs(outline: Outline, vitality: Section | None, which: str) -> tuple[Sign, ...]:
    section = vitality_part(outline, f"signs of {which}", vitality)
    if section is not None:
        return _signs(outline, section)
    if vitality is not None:
        return _prose_signs(outline, vitality, which)
    return ()


def _signs(outline: Outline, section: Section | None) -> tuple[Sign, ...]:
    if section is None:
        return ()
    return signs_from_items(sentences_as_items(section_items(outline, section)))


def _prose_signs(outline: Outline, vitality: Section, which: str) -> tuple[Sign, ...]:
    """Signs written as a sentence: "Signs of decay include cynicism, a feeling of ...,
    and a vocabulary of blame." Each listed phrase becomes a sign."""
    first, lines = outline.all_lines(vitality)
    match = _PROSE_SIGNS[which].search(plain(" ".join(line.strip() for line in lines)))
    if match is None:
        return ()
    line = outline.file_line(first)
    items = [
        Item(title, "", line, ItemKind.PARAGRAPH, False, None, title)
        for phrase in split_list(match.group("list"))
        if (title := _phrase_title(phrase))
    ]
    return signs_from_items(items)


def _phrase_title(phrase: str) -> str:
    words = phrase.strip().rstrip(".").split()
    title = " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")
    return title[:1].upper() + title[1:]


def replant(outline: Outline, vitality: Section | None) -> Replant | None:
    section = vitality_part(outline, "when to replant", vitality)
    if section is None:
        return None
    first, lines = outline.own_lines(section)
    text = "\n\n".join(item.full for item in split_items(lines, outline.file_line(first)))
    if not text:
        return None
    return Replant(text=text, durations=find_durations(text))


def solution(outline: Outline) -> str:
    """v7.1: the bold "Therefore, ..." statement of the Solution section, else its first
    paragraph. Legacy: the first paragraph of the Overview (the closest thing to a
    solution statement: it says what the practice is), else of Core Principles, else
    the body's first paragraph."""
    for keys in (("solution",), ("overview",), ("core principles", "principles")):
        section = outline.find(named(*keys, labels=False))
        if section is None:
            continue
        first = list(islice(paragraphs(outline.own_lines(section)[1]), 3))
        statement = next((p for p in first if p.lower().startswith("therefore")), None)
        if statement is not None:
            return statement
        if first:
            return first[0]
    return next(paragraphs(outline.own_lines(outline.root)[1]), "")

"""A section's text as a list of items, each with a title.

Signs and steps are written in every style Markdown allows: numbered items, bullets,
bold-led paragraphs (``**1. Regular flow is visible.** rest...``), bold lines followed by
a paragraph, or plain paragraphs. :func:`split_items` reads them all the same way, and
:func:`pick_items` keeps what a reader would call the list: when a section mixes an
introduction, the list proper and a closing remark, only the list counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from vitalitybot.patterns.inline import plain
from vitalitybot.patterns.sections import Outline, Section, clean_title, leading_number

_LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+•]|(?P<number>\d{1,3})[.)])[ \t]+")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^[ \t]*>[ \t]?")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_BOLD_LEAD = re.compile(r"^(\*\*|__)(?P<lead>(?:(?!\1).)+?)\1(?P<rest>.*)$", re.DOTALL)
# Where a first sentence ends: "[.!?]" after a character that is not a space or a dot
# and before a space or the end, " — " or " – ", or ": ". The expression starts with
# the mark itself and checks what precedes it by lookbehind, so the regex engine skips
# from mark to mark instead of trying every position; for a dash, the sentence ends at
# the space before it.
_SENTENCE_END = re.compile(r"(?P<mark>[.!?:—–])(?:(?<=[^\s.][.!?])(?=\s|$)|(?<=\s[—–])\s|(?<=:)\s)")
_DASHES = "—–"
_LEADING_PUNCT = " \t:.;,—–-"
_LIST_FIRST = "-*+•"
_ENUMERATOR = re.compile(r"(?:^|\s)\(\d{1,2}\)\s+")
_LIST_INTRO = re.compile(r"^[^:;]{0,40}:\s+")
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“(]?[A-Z])")
_LIST_JOINER = re.compile(r"^\s*(?:and|or)\s+", re.IGNORECASE)
TITLE_WORDS = 12


class ItemKind(StrEnum):
    NUMBERED = "numbered"
    BULLET = "bullet"
    PARAGRAPH = "paragraph"


@dataclass(frozen=True, slots=True)
class Item:
    """One entry of a list-like section.

    ``title`` is the bold lead when there is one, else the first sentence (at most
    ``TITLE_WORDS`` words, cut with "…"). ``text`` is what the item says beyond its
    title; it holds the whole paragraph when the title had to be cut.
    """

    title: str
    text: str
    line: int  # 1-based file line where the item starts
    kind: ItemKind
    lead: bool  # the title came from a bold lead
    number: int | None = None  # as written: "3." items, "**3. Title.**", "**Step 3:**"
    full: str = ""  # the whole item as plain text, title included


@dataclass(slots=True)
class _Raw:
    kind: ItemKind
    index: int
    indent: int
    content_indent: int
    number: int | None
    paragraphs: list[list[str]]


def items_of(lines: list[str], first_line: int) -> list[Item]:
    """The items a reader would list from these lines (see :func:`pick_items`)."""
    return pick_items(split_items(lines, first_line))


def section_items(outline: Outline, section: Section) -> list[Item]:
    """A section's list: the items of its own text, else those of its sub-sections."""
    first, lines = outline.own_lines(section)
    items = items_of(lines, outline.file_line(first))
    if items:
        return items
    found: list[Item] = []
    for child in section.children:
        found.extend(section_items(outline, child))
    return found


def paragraphs(lines: list[str]) -> Iterator[str]:
    """The plain text of each paragraph, quote markers dropped: cheaper than items when
    only the wording matters."""
    current: list[str] = []
    for line in lines:
        text = line.strip()
        if text.startswith(">"):
            text = text.lstrip(">").strip()
        listed = _LIST_ITEM.match(text) if text[:1] in _LIST_FIRST or text[:1].isdigit() else None
        if listed is not None:  # each list item is a paragraph of its own
            if current:
                yield plain(" ".join(current))
            current = [text[listed.end() :]]
        elif text and not text.startswith("#") and not _RULE.match(text):
            current.append(text)
        elif current:
            yield plain(" ".join(current))
            current = []
    if current:
        yield plain(" ".join(current))


def split_items(lines: list[str], first_line: int) -> list[Item]:
    """Every item in the lines, in order; ``first_line`` is the file line of lines[0]."""
    return list(iter_items(lines, first_line))


def iter_items(lines: list[str], first_line: int) -> Iterator[Item]:
    """:func:`split_items`, one item at a time."""
    for raw in _group(lines):
        item = _to_item(raw, first_line)
        if item is not None:
            yield item


def pick_items(items: list[Item]) -> list[Item]:
    """Keep the list proper.

    When at least two items are led in bold, those carry the structure: plain paragraphs
    and differently-marked items that follow a bold-led item are its continuation
    (a step's second paragraph, its sub-bullets) and items before the first one are an
    introduction. Otherwise, when at least two items are numbered or bulleted, the
    paragraphs around the list are introduction or commentary and are dropped.
    Otherwise every paragraph is an item.
    """
    led = [item for item in items if item.lead]
    if len(led) >= 2:
        peer_kinds = {item.kind for item in led} - {ItemKind.PARAGRAPH}
        kept: list[Item] = []
        for item in items:
            if item.lead or (item.kind in peer_kinds and kept):
                kept.append(item)
            elif kept:
                kept[-1] = absorb(kept[-1], item)
        return kept
    listed = [item for item in items if item.kind is not ItemKind.PARAGRAPH]
    if len(listed) >= 2:
        return listed
    return items


def absorb(owner: Item, extra: Item) -> Item:
    """``owner`` with ``extra`` appended to its text (a continuation or a sub-item)."""
    if extra.kind is ItemKind.PARAGRAPH:
        addition, separator = extra.full, "\n\n"
    else:
        marker = "-" if extra.kind is ItemKind.BULLET else f"{extra.number}."
        addition, separator = f"{marker} {extra.full}", "\n"
    text = f"{owner.text}{separator}{addition}" if owner.text else addition
    full = f"{owner.full}{separator}{addition}" if owner.full else addition
    # The constructor rather than dataclasses.replace, which inspects the fields on
    # every call: a long Implementation section absorbs hundreds of items.
    return Item(owner.title, text, owner.line, owner.kind, owner.lead, owner.number, full)


def _group(lines: list[str]) -> Iterator[_Raw]:
    """Raw items in order; each is yielded once the next one starts (or at the end), so
    a caller that needs only the first paragraph does not pay for the rest."""
    finished: _Raw | None = None
    current: _Raw | None = None
    blank = True
    fence: str | None = None
    for index, original in enumerate(lines):
        line = original
        text = line.strip()
        if fence is not None:
            if current is not None:
                current.paragraphs[-1].append(text)
            if text.startswith(fence):
                fence = None
            continue
        if not text:
            blank = True
            continue
        first = text[0]
        if first == ">":
            line = _QUOTE.sub("", line)
            text = line.strip()
            if not text:
                blank = True
                continue
            first = text[0]
        if first == "#" or (first in "-*_" and _RULE.match(line)):
            current, blank = None, True
            continue
        if first in "`~" and (opened := _FENCE.match(line)):
            fence = opened.group(1)
        indent = len(line) - len(line.lstrip(" \t"))
        listed = _LIST_ITEM.match(line) if first in _LIST_FIRST or first.isdigit() else None
        if listed is not None:
            if (
                current is not None
                and current.kind is not ItemKind.PARAGRAPH
                and (indent >= current.content_indent or indent >= current.indent + 2)
            ):
                # A nested list: part of the item it sits in.
                current.paragraphs.append([text])
            else:
                number = listed.group("number")
                current = _Raw(
                    kind=ItemKind.NUMBERED if number else ItemKind.BULLET,
                    index=index,
                    indent=indent,
                    content_indent=listed.end(),
                    number=int(number) if number else None,
                    paragraphs=[[line[listed.end() :].strip()]],
                )
                if finished is not None:
                    yield finished
                finished = current
        elif current is None or (blank and (current.kind is ItemKind.PARAGRAPH or indent < 2)):
            current = _Raw(ItemKind.PARAGRAPH, index, indent, indent, None, [[text]])
            if finished is not None:
                yield finished
            finished = current
        elif blank:
            current.paragraphs.append([text])  # an indented paragraph of a list item
        else:
            current.paragraphs[-1].append(text)  # continuation (lazy or indented)
        blank = False
    if finished is not None:
        yield finished


def _to_item(raw: _Raw, first_line: int) -> Item | None:
    paragraphs = [" ".join(filter(None, lines)) for lines in raw.paragraphs]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        return None
    head, rest = paragraphs[0], [plain(p) for p in paragraphs[1:]]
    line = first_line + raw.index
    first = plain(head)
    if not first:
        return None
    full = "\n\n".join(filter(None, (first, *rest)))
    lead = _BOLD_LEAD.match(head)
    if lead is not None:
        title = clean_lead(lead.group("lead"))
        if title:
            after = plain(lead.group("rest")).lstrip(_LEADING_PUNCT)
            text = "\n\n".join(filter(None, (after, *rest)))
            number = raw.number if raw.number is not None else leading_number(lead.group("lead"))
            return Item(title, text, line, raw.kind, True, number, full)
    title, remainder = _first_sentence(first)
    text = "\n\n".join(filter(None, (remainder, *rest)))
    return Item(title, text, line, raw.kind, False, raw.number, full)


def sentences_as_items(items: list[Item]) -> list[Item]:
    """A list written as one or two paragraphs of sentences, one item per sentence.

    "Signs of decay" are sometimes prose: "Care Circles become rote. The repository
    stagnates. ..." A survey needs one item per sign, and each sentence is one. Lists
    that are already lists (bullets, bold leads, three or more paragraphs) are kept.
    """
    if (
        not items
        or len(items) > 2
        or any(i.lead or i.kind is not ItemKind.PARAGRAPH for i in items)
    ):
        return items
    split: list[Item] = []
    for item in items:
        for sentence in _inline_entries(item.full.replace("\n\n", " ")):
            title, rest = _first_sentence(sentence)
            split.append(Item(title, rest, item.line, ItemKind.PARAGRAPH, False, None, sentence))
    return split if len(split) > len(items) else items


def _inline_entries(text: str) -> list[str]:
    """ "(1) ... (2) ..." enumerations, "Watch for: a; b; c" lists, else sentences."""
    if len(_ENUMERATOR.findall(text)) >= 2:
        parts = [part.strip() for part in _ENUMERATOR.split(text)]
    elif text.count(";") >= 2:
        parts = split_list(_LIST_INTRO.sub("", text, count=1).rstrip("."), separators=";")
    else:
        return sentences(text)
    return [part[:1].upper() + part[1:] for part in parts if part]


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph; never split inside parentheses or quotations."""
    found: list[str] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        candidate = text[start : match.start()]
        balanced = (
            candidate.count("(") <= candidate.count(")")
            and candidate.count('"') % 2 == 0
            and candidate.count("“") <= candidate.count("”")
        )
        if balanced:
            found.append(candidate.strip())
            start = match.end()
    found.append(text[start:].strip())
    return [sentence for sentence in found if sentence]


def split_list(text: str, separators: str = ",;") -> list[str]:
    """The phrases of an inline list: "a, b (with c, d), and e" -> a, b (with c, d), e."""
    phrases: list[str] = []
    depth, start = 0, 0
    for position, char in enumerate(text):
        if char in "([“":
            depth += 1
        elif char in ")]”":
            depth = max(0, depth - 1)
        elif char in separators and depth == 0:
            phrases.append(text[start:position])
            start = position + 1
    phrases.append(text[start:])
    cleaned = [_LIST_JOINER.sub("", phrase.strip(' \t"')).strip() for phrase in phrases]
    # 'time to "show up," and ...': the comma sat inside the quotes; close them again.
    return [p + '"' if p.count('"') % 2 else p for p in cleaned if p]


def clean_lead(lead: str) -> str:
    """A bold lead as a title: no numbering ("1.", "Step 2:"), no closing punctuation."""
    return clean_title(plain(lead)).rstrip(_LEADING_PUNCT).strip()


def _first_sentence(text: str) -> tuple[str, str]:
    """Split a plain paragraph into a title and the rest."""
    end = _SENTENCE_END.search(text)
    if end is None:
        sentence, rest = text, ""
    else:
        cut = end.start() if end["mark"] in _DASHES else end.start() + 1
        sentence, rest = text[:cut], text[end.end() :]
    sentence = sentence.strip().rstrip(_LEADING_PUNCT).strip()
    words = sentence.split()
    if len(words) > TITLE_WORDS:
        return " ".join(words[:TITLE_WORDS]) + "…", text
    return sentence, rest.strip()

"""Stable ids for signs of life and decay (the rule is in docs/pattern-format.md).

Stored survey answers and scores point at a sign by id for as long as the community
keeps the pattern, so the id depends only on the sign's title, never on its position
or on the rest of its text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from vitalitybot.patterns.items import Item
from vitalitybot.patterns.model import Sign

MAX_ID_WORDS = 8
_APOSTROPHES = re.compile(r"['’‘`´]")
_WORDS = re.compile(r"[^\W_]+")


class _WithoutMarks(dict[int, int | None]):
    """A ``str.translate`` table that deletes combining marks, filled in as characters
    are met: a table of every mark in Unicode would take long to build, and a title
    holds few distinct characters."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_WITHOUT_MARKS = _WithoutMarks()


def sign_id(title: str) -> str:
    """The id for a sign title: lower-case words joined by "-", at most eight words.

    Accents are folded ("café" -> "cafe") so ids stay plain ASCII where the title is
    Latin script; apostrophes join their word ("don't" -> "dont") while any other
    punctuation separates words ("one-way" -> "one-way", "A/B" -> "a-b").
    """
    if title.isascii():
        folded = title.lower()
    else:
        folded = unicodedata.normalize("NFKD", title).translate(_WITHOUT_MARKS).lower()
    words = _WORDS.findall(_APOSTROPHES.sub("", folded))
    return "-".join(words[:MAX_ID_WORDS]) or "sign"


def unique_ids(titles: Iterable[str]) -> list[str]:
    """Ids for one list of signs; a repeated id gets "-2", "-3"... in order of appearance."""
    seen: set[str] = set()
    ids: list[str] = []
    for title in titles:
        base = sign_id(title)
        candidate, counter = base, 1
        while candidate in seen:
            counter += 1
            candidate = f"{base}-{counter}"
        seen.add(candidate)
        ids.append(candidate)
    return ids


def signs_from_items(items: list[Item]) -> tuple[Sign, ...]:
    """Signs for one list (life or decay), ids de-duplicated within the list."""
    ids = unique_ids(item.title for item in items)
    return tuple(
        Sign(id=sign_id_, title=item.title, text=item.text)
        for sign_id_, item in zip(ids, items, strict=True)
    )

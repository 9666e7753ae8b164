"""Frontmatter values -> the model's identity, scores and relationships.

Frontmatter is written by hand and by generators over several years, so every reader
here accepts the shapes that occur (a number or a mapping of numbers, a list of
mappings or of plain slugs, a string where a list was meant) and quietly drops what
cannot mean anything, rather than failing the whole file over a side detail. Only a
missing or empty title stops a file: without it nothing can be shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from vitalitybot.patterns.errors import PatternFileError
from vitalitybot.patterns.header import Header, Wanted
from vitalitybot.patterns.model import Relationship, Score

# Legacy files list related patterns under these top-level keys; v7.1 files group the
# same kinds under ``relationships``.
RELATION_KINDS = (
    "generalizes_from",
    "specializes_to",
    "enables",
    "requires",
    "related",
    "alternatives",
    "complementary",
)
# The frontmatter the bot reads (see :data:`.header.Wanted`); the rest is checked for
# syntax but not built. Of ``ontology`` and ``classification`` only the scores are read.
READ_KEYS: Wanted = {
    "slug": None,
    "title": None,
    "aliases": None,
    "summary": None,
    "ontology": ("commons_assessment",),
    "classification": ("commons_alignment",),
    "relationships": None,
    "license": None,
    "attribution": None,
    "vitalitybot": None,
    **dict.fromkeys(RELATION_KINDS),
}


def title_of(header: Header) -> str:
    if "title" not in header.data:
        raise PatternFileError("the frontmatter has no 'title'", 1)
    text = text_of(header.data["title"])
    if not text:
        raise PatternFileError("the 'title' is empty", header.key_lines.get("title", 1))
    return text


def slug_of(path: Path, header: Header) -> tuple[str, int | None]:
    """The slug and the file line it was set on (None when it comes from the file name)."""
    text = text_of(header.data.get("slug"))
    if text:
        return text, header.key_lines.get("slug")
    return path.stem, None


def text_of(value: Any) -> str:
    """A scalar as one line of text ("" for anything else)."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return " ".join(str(value).split())
    return ""


def texts_of(value: Any) -> tuple[str, ...]:
    """A list of strings (or a lone string) as distinct non-empty lines."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(text for v in value if (text := text_of(v))))


def number_of(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def scores_of(data: Mapping[str, Any]) -> tuple[tuple[Score, ...], str | None]:
    """Numeric scores and where they came from.

    v7.1 files carry ``ontology.commons_assessment`` (a mapping of named scores plus
    prose such as ``vitality_reasoning``, which is skipped); legacy files carry
    ``classification.commons_alignment``, usually a single number.
    """
    ontology = data.get("ontology")
    assessment = ontology.get("commons_assessment") if isinstance(ontology, dict) else None
    if isinstance(assessment, dict):
        scores = _numeric(assessment.items())
        if scores:
            return scores, "commons_assessment"
    classification = data.get("classification")
    alignment = (
        classification.get("commons_alignment") if isinstance(classification, dict) else None
    )
    if isinstance(alignment, dict):
        scores = _numeric(alignment.items())
    else:
        value = number_of(alignment)
        scores = () if value is None else (Score("commons_alignment", value),)
    return (scores, "commons_alignment") if scores else ((), None)


def _numeric(entries: Iterable[tuple[Any, Any]]) -> tuple[Score, ...]:
    return tuple(
        Score(str(name), value)
        for name, raw in entries
        if not isinstance(raw, str) and (value := number_of(raw)) is not None
    )


def relationships_of(data: Mapping[str, Any]) -> tuple[Relationship, ...]:
    """Related patterns from ``relationships`` (v7.1) and the legacy top-level keys.

    Entries are ``{slug, weight}`` mappings or plain slugs; a repeated (kind, slug)
    keeps its first occurrence.
    """
    groups = data.get("relationships")
    sources: list[tuple[str, Any]] = []
    if isinstance(groups, dict):
        sources.extend((str(kind), entries) for kind, entries in groups.items())
    sources.extend((kind, data[kind]) for kind in RELATION_KINDS if kind in data)
    found: dict[tuple[str, str], Relationship] = {}
    for kind, entries in sources:
        for entry in entries if isinstance(entries, list) else [entries]:
            relation = _relationship(kind, entry)
            if relation is not None:
                found.setdefault((relation.kind, relation.slug), relation)
    return tuple(found.values())


def _relationship(kind: str, entry: Any) -> Relationship | None:
    if isinstance(entry, dict):
        slug = text_of(entry.get("slug") or entry.get("id") or entry.get("target"))
        weight = number_of(entry.get("weight"))
    else:
        slug, weight = text_of(entry), None
    return Relationship(kind=kind, slug=slug, weight=weight) if slug else None

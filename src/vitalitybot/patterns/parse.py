"""One pattern file -> one frozen :class:`Pattern`.

Both body layouts (v7.1 "Section N: ..." and the legacy Overview/Core Principles/...
layout) are read by the same code: the outline finds sections by what they are called,
not by their number or heading level, and each part of the pattern is taken from the
first place a reader would look for it. Where the legacy layout has no equivalent of a
v7.1 part, the closest section stands in and the pattern records where it came from
(``signs_of_decay_from``, ``scores_from``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Any

from vitalitybot.patterns.block import BotBlock, read_block
from vitalitybot.patterns.errors import PatternFileError
from vitalitybot.patterns.header import Header, read_header
from vitalitybot.patterns.items import Item, ItemKind, items_of, iter_items, split_items
from vitalitybot.patterns.model import (
    BodyFormat,
    Pattern,
    Relationship,
    Replant,
    Score,
    Sign,
    SignSource,
    Step,
)
from vitalitybot.patterns.remedies import feedback_steps_for, remedies_for
from vitalitybot.patterns.rhythms import find_durations, rhythms_in
from vitalitybot.patterns.sections import Outline, Section, parse_outline
from vitalitybot.patterns.signs import sign_id, signs_from_items

logger = logging.getLogger(__name__)

RELATION_KINDS = (
    "generalizes_from",
    "specializes_to",
    "enables",
    "requires",
    "related",
    "alternatives",
    "complementary",
)
READ_KEYS = frozenset(
    {
        "slug",
        "title",
        "aliases",
        "summary",
        "ontology",
        "classification",
        "relationships",
        "license",
        "attribution",
        "vitalitybot",
        *RELATION_KINDS,
    }
)
_ANTI_PATTERN_KEYS = ("anti patterns", "antipatterns", "anti pattern", "gotchas", "pitfalls")
_CHALLENGE_KEYS = ("common challenges", "challenges")
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


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A pattern plus what the loader needs to report duplicates precisely."""

    pattern: Pattern
    slug_line: int | None  # file line of the ``slug`` key; None when it came from the name


def parse_pattern(path: Path, text: str) -> Pattern:
    """Build the Pattern for one file's text; raises PatternFileError when it cannot."""
    return parse_file(path, text).pattern


def parse_file(path: Path, text: str) -> ParsedFile:
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    header = read_header(text, READ_KEYS)
    data = header.data
    title = _title(header)
    slug, slug_line = _slug(path, header)
    block = read_block(data.get("vitalitybot"), header.line_of)
    outline = parse_outline(header.body, header.body_line)
    body_format = _body_format(outline)

    vitality = outline.find(lambda s: s.key.startswith("vitality") and not s.is_label)
    life_section = _part(outline, ("signs of life",), vitality)
    decay_section = _part(outline, ("signs of decay",), vitality)
    replant_section = _part(outline, ("when to replant",), vitality)

    signs_of_life = _signs(outline, life_section)
    life_from = SignSource.VITALITY if signs_of_life else None
    signs_of_decay, decay_from = _decay_signs(outline, decay_section, vitality is not None)
    steps = _steps(outline)
    signs_of_life, signs_of_decay, decay_from = _apply_block_signs(
        path, block, signs_of_life, signs_of_decay, decay_from
    )
    known_steps = {step.number for step in steps}
    explicit = _explicit_remedies(path, block, signs_of_decay, known_steps)
    feedback = block.feedback_steps
    if feedback is not None:
        feedback = _existing_steps(path, "feedback_steps", feedback, known_steps)
    scores, scores_from = _scores(data)

    pattern = Pattern(
        slug=slug,
        title=title,
        source=path,
        body_format=body_format,
        aliases=_strings(data.get("aliases")),
        summary=_one_line(data.get("summary")),
        scores=scores,
        scores_from=scores_from,
        relationships=_relationships(data),
        signs_of_life=signs_of_life,
        signs_of_life_from=life_from if signs_of_life else None,
        signs_of_decay=signs_of_decay,
        signs_of_decay_from=decay_from if signs_of_decay else None,
        replant=_replant(outline, replant_section),
        steps=steps,
        rhythms=rhythms_in(outline),
        solution=_solution(outline),
        license=_optional_text(data.get("license")),
        attribution=_optional_text(data.get("attribution")),
        remedies=remedies_for(signs_of_decay, steps, explicit),
        feedback_steps=feedback_steps_for(steps, feedback),
        prompts=block.prompts,
    )
    return ParsedFile(pattern=pattern, slug_line=slug_line)


# -- identity -------------------------------------------------------------------------


def _title(header: Header) -> str:
    if "title" not in header.data:
        raise PatternFileError("the frontmatter has no 'title'", 1)
    value = header.data["title"]
    text = _one_line(value) if isinstance(value, str | int | float) else ""
    if not text:
        raise PatternFileError("the 'title' is empty", header.key_lines.get("title", 1))
    return text


def _slug(path: Path, header: Header) -> tuple[str, int | None]:
    value = header.data.get("slug")
    if isinstance(value, str | int) and str(value).strip():
        return str(value).strip(), header.key_lines.get("slug")
    return path.stem, None


def _one_line(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str | int | float) else ""


def _optional_text(value: Any) -> str | None:
    return _one_line(value) or None


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(text for v in value if (text := _one_line(v))))


def _body_format(outline: Outline) -> BodyFormat:
    v71_keys = ("vitality", "solution", "problem", "known uses")
    if any(s.key.startswith(v71_keys) for s in outline.sections if not s.is_label):
        return BodyFormat.V71
    return BodyFormat.LEGACY


# -- scores and relationships ----------------------------------------------------------


def _number(value: Any) -> float | None:
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


def _scores(data: Mapping[str, Any]) -> tuple[tuple[Score, ...], str | None]:
    ontology = data.get("ontology")
    assessment = ontology.get("commons_assessment") if isinstance(ontology, dict) else None
    if isinstance(assessment, dict):
        scores = _numeric_scores(assessment.items())
        if scores:
            return scores, "commons_assessment"
    classification = data.get("classification")
    alignment = (
        classification.get("commons_alignment") if isinstance(classification, dict) else None
    )
    if isinstance(alignment, dict):
        scores = _numeric_scores(alignment.items())
    else:
        value = _number(alignment)
        scores = () if value is None else (Score("commons_alignment", value),)
    return (scores, "commons_alignment") if scores else ((), None)


def _numeric_scores(entries: Iterable[tuple[Any, Any]]) -> tuple[Score, ...]:
    return tuple(
        Score(str(name), value)
        for name, raw in entries
        if not isinstance(raw, str) and (value := _number(raw)) is not None
    )


def _relationships(data: Mapping[str, Any]) -> tuple[Relationship, ...]:
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
        slug = _one_line(entry.get("slug") or entry.get("id") or entry.get("target"))
        weight = _number(entry.get("weight"))
    else:
        slug, weight = _one_line(entry), None
    return Relationship(kind=kind, slug=slug, weight=weight) if slug else None


# -- body parts ------------------------------------------------------------------------


def _part(outline: Outline, keys: tuple[str, ...], vitality: Section | None) -> Section | None:
    def wanted(section: Section) -> bool:
        return section.key.startswith(keys)

    if vitality is not None:
        found = outline.find(wanted, within=vitality)
        if found is not None:
            return found
        # "### Signs of Decay" written at the same level as "### Vitality".
        after = outline.find(lambda s: s.index > vitality.index and wanted(s))
        if after is not None:
            return after
    return outline.find(wanted)


def _section_items(outline: Outline, section: Section) -> list[Item]:
    """A section's list: its own items, else those of its sub-sections."""
    first, lines = outline.own_lines(section)
    items = items_of(lines, outline.file_line(first))
    if items:
        return items
    found: list[Item] = []
    for child in section.children:
        found.extend(_section_items(outline, child))
    return found


def _signs(outline: Outline, section: Section | None) -> tuple[Sign, ...]:
    if section is None:
        return ()
    return signs_from_items(_section_items(outline, section))


def _decay_signs(
    outline: Outline, section: Section | None, has_vitality: bool
) -> tuple[tuple[Sign, ...], SignSource | None]:
    signs = _signs(outline, section)
    if signs:
        return signs, SignSource.VITALITY
    if section is not None or has_vitality:
        return (), None
    fallbacks = (
        (_ANTI_PATTERN_KEYS, SignSource.ANTI_PATTERNS),
        (_CHALLENGE_KEYS, SignSource.COMMON_CHALLENGES),
    )
    for keys, source in fallbacks:
        found = outline.find(lambda s, k=keys: s.key.startswith(k))
        signs = _signs(outline, found)
        if signs:
            return signs, source
    return (), None


def _replant(outline: Outline, section: Section | None) -> Replant | None:
    if section is None:
        return None
    first, lines = outline.own_lines(section)
    text = "\n\n".join(item.full for item in split_items(lines, outline.file_line(first)))
    if not text:
        return None
    return Replant(text=text, durations=find_durations(text))


def _steps(outline: Outline) -> tuple[Step, ...]:
    implementation = outline.find(lambda s: s.key.startswith("implementation") and not s.is_label)
    if implementation is None:
        implementation = outline.find(lambda s: s.key.startswith(_STEP_LIST_KEYS))
    if implementation is None:
        return ()
    items = _step_items(outline, implementation)
    return tuple(
        Step(number=number, title=item.title, text=item.text)
        for number, item in enumerate(items, start=1)
    )


def _step_items(outline: Outline, implementation: Section) -> list[Item]:
    """What a reader would call the steps of an Implementation section, in order."""
    listed = outline.find(lambda s: s.key.startswith(_STEP_LIST_KEYS), within=implementation)
    if listed is not None:
        items = _section_items(outline, listed)
        if items:
            return items
    first, lines = outline.own_lines(implementation)
    own = items_of(lines, outline.file_line(first))
    if sum(1 for item in own if item.lead or item.kind is not ItemKind.PARAGRAPH) >= 2:
        return own
    parts = [child for child in implementation.children if not child.key.startswith(_NOT_STEP_KEYS)]
    if len(parts) >= 2:
        return [_part_as_item(outline, part) for part in parts]
    return own


def _part_as_item(outline: Outline, section: Section) -> Item:
    first, lines = outline.all_lines(section)
    items = split_items(lines, outline.file_line(first))
    text = "\n\n".join(item.full for item in items)
    return Item(section.title, text, section.line, ItemKind.PARAGRAPH, True, None, text)


def _solution(outline: Outline) -> str:
    """v7.1: the bold "Therefore, ..." statement of the Solution section, else its first
    paragraph. Legacy: the first paragraph of the Overview, else of Core Principles,
    else of the body."""
    for keys in (("solution",), ("overview",), ("core principles", "principles")):
        section = outline.find(lambda s, k=keys: s.key.startswith(k) and not s.is_label)
        if section is None:
            continue
        first, lines = outline.own_lines(section)
        items = list(islice(iter_items(lines, outline.file_line(first)), 3))
        statement = next((i for i in items if i.full.lower().startswith("therefore")), None)
        if statement is not None:
            return statement.full
        if items:
            return items[0].full
    first, lines = outline.own_lines(outline.root)
    return next((item.full for item in iter_items(lines, outline.file_line(first))), "")


# -- the vitalitybot block -------------------------------------------------------------


def _apply_block_signs(
    path: Path,
    block: BotBlock,
    life: tuple[Sign, ...],
    decay: tuple[Sign, ...],
    decay_from: SignSource | None,
) -> tuple[tuple[Sign, ...], tuple[Sign, ...], SignSource | None]:
    if not block.signs:
        return life, decay, decay_from

    def worded(signs: tuple[Sign, ...]) -> tuple[Sign, ...]:
        return tuple(
            replace(s, survey_wording=block.signs[s.id].survey)
            if s.id in block.signs and block.signs[s.id].survey
            else s
            for s in signs
        )

    known = {s.id for s in (*life, *decay)}
    unknown = [sign_id_ for sign_id_ in block.signs if sign_id_ not in known]
    if unknown and not decay:
        # A pattern written for the bot may define its decay signs in the block alone.
        decay = tuple(
            Sign(
                id=sign_id(sign_id_),
                title=settings.title or sign_id_.replace("-", " ").capitalize(),
                text="",
                survey_wording=settings.survey,
            )
            for sign_id_, settings in block.signs.items()
        )
        return worded(life), decay, SignSource.FRONTMATTER
    if unknown:
        logger.warning(
            "%s: vitalitybot.signs names %s, which the pattern's signs do not have",
            path,
            ", ".join(unknown),
        )
    return worded(life), worded(decay), decay_from


def _explicit_remedies(
    path: Path, block: BotBlock, decay: tuple[Sign, ...], known_steps: set[int]
) -> dict[str, tuple[int, ...]]:
    explicit: dict[str, tuple[int, ...]] = {}
    for sign in decay:
        settings = block.signs.get(sign.id)
        if settings is None or settings.remedy is None:
            continue
        steps = _existing_steps(path, f"signs.{sign.id}.remedy", settings.remedy, known_steps)
        if steps:
            explicit[sign.id] = steps
    return explicit


def _existing_steps(
    path: Path, where: str, numbers: tuple[int, ...], known_steps: set[int]
) -> tuple[int, ...]:
    kept = tuple(n for n in numbers if n in known_steps)
    if len(kept) < len(numbers):
        missing = ", ".join(str(n) for n in numbers if n not in known_steps)
        logger.warning(
            "%s: vitalitybot.%s names step(s) %s, which do not exist", path, where, missing
        )
    return kept

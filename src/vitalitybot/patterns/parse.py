"""Pattern files -> frozen :class:`Pattern` objects.

Both body layouts (v7.1 "Section N: ..." and the legacy Overview/Core Principles/...
layout) are read by the same code: the outline finds sections by what they are called,
not by their number or heading level, and each part of the pattern is taken from the
first place a reader would look for it (:mod:`.parts`, :mod:`.steps`). The optional
``vitalitybot`` block then adds what only the pattern's author can say: survey
wording, explicit remedies, feedback steps and check-in prompts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from vitalitybot.patterns import fields, parts
from vitalitybot.patterns.block import BlockSign, BotBlock, LineOf, read_block
from vitalitybot.patterns.errors import Findings, PatternFileError, did_you_mean
from vitalitybot.patterns.header import Header, read_header
from vitalitybot.patterns.model import Pattern, Remedy, RemedySource, Sign, SignSource
from vitalitybot.patterns.remedies import feedback_steps_for
from vitalitybot.patterns.rhythms import rhythms_in
from vitalitybot.patterns.sections import Outline, parse_outline
from vitalitybot.patterns.signs import sign_id
from vitalitybot.patterns.steps import steps_of

KeyPath = tuple[str, ...]
# Checks run on a pattern that parsed: (pattern, its outline, its frontmatter, findings).
Check = Callable[[Pattern, Outline, Header, Findings], None]


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A pattern plus what the loader needs to report duplicates precisely."""

    pattern: Pattern
    slug_line: int | None  # file line of the ``slug`` key; None when it came from the name


def parse_pattern(path: Path, text: str) -> Pattern:
    """Build the Pattern for one file's text; raises PatternFileError when it cannot."""
    return parse_file(path, text).pattern


def parse_file(
    path: Path, text: str, findings: Findings | None = None, check: Check | None = None
) -> ParsedFile:
    """One file's pattern; raises PatternFileError (with every error found) when it
    cannot be one. ``findings`` collects the errors and the warnings an author should
    see; ``check`` adds further warnings about a pattern that loads
    (:func:`vitalitybot.patterns.authoring.check`, passed in because it knows the
    Discord limits of the layers above the parser)."""
    found = findings if findings is not None else Findings()
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    header = read_header(text, fields.READ_KEYS)
    try:
        title = fields.title_of(header)
    except PatternFileError as error:
        found.error(error.reason, error.line)
        title = ""
    slug, slug_line = fields.slug_of(path, header)
    block = read_block(header.data.get("vitalitybot"), header.line_of, found)
    outline = parse_outline(header.body, header.body_line)
    pattern = _build(path, slug, title, header, block, outline, found)
    if check is not None:  # before raising: an author fixing errors wants the warnings too
        check(pattern, outline, header, found)
    found.raise_errors()
    return ParsedFile(pattern, slug_line)


def _build(
    path: Path,
    slug: str,
    title: str,
    header: Header,
    block: BotBlock,
    outline: Outline,
    findings: Findings,
) -> Pattern:
    """The Pattern from its frontmatter values, its ``vitalitybot`` block and its body."""
    data = header.data
    vitality = parts.vitality_section(outline)
    life = parts.signs_of_life(outline, vitality)
    decay, decay_from = parts.signs_of_decay(outline, vitality)
    steps = steps_of(outline)
    settings = {sign_id(key): value for key, value in block.signs.items()}
    # Each sign's key as written, so that findings point at the author's own line.
    keys: dict[str, KeyPath] = {sign_id(k): ("vitalitybot", "signs", k) for k in block.signs}
    life, decay, decay_from = _with_block_signs(
        settings, keys, header.line_of, life, decay, decay_from, findings
    )
    known_steps = {step.number for step in steps}
    explicit = _explicit_remedies(settings, keys, header.line_of, decay, known_steps, findings)
    feedback = block.feedback_steps
    if feedback is not None:
        line = header.line_of(("vitalitybot", "feedback_steps"))
        feedback = _existing_steps("feedback_steps", feedback, known_steps, line, findings)
    scores, scores_from = fields.scores_of(data)
    return Pattern(
        slug=slug,
        title=title,
        source=path,
        body_format=parts.body_format(outline),
        aliases=fields.texts_of(data.get("aliases")),
        summary=fields.text_of(data.get("summary")),
        scores=scores,
        scores_from=scores_from,
        relationships=fields.relationships_of(data),
        signs_of_life=life,
        signs_of_life_from=SignSource.VITALITY if life else None,
        signs_of_decay=decay,
        signs_of_decay_from=decay_from if decay else None,
        replant=parts.replant(outline, vitality),
        steps=steps,
        rhythms=rhythms_in(outline),
        solution=parts.solution(outline),
        license=fields.text_of(data.get("license")) or None,
        attribution=fields.text_of(data.get("attribution")) or None,
        remedies=explicit,
        infers_remedies=True,
        feedback_steps=feedback_steps_for(steps, feedback),
        prompts=block.prompts,
    )


def _with_block_signs(
    settings: dict[str, BlockSign],
    keys: dict[str, KeyPath],
    line_of: LineOf,
    life: tuple[Sign, ...],
    decay: tuple[Sign, ...],
    decay_from: SignSource | None,
    findings: Findings,
) -> tuple[tuple[Sign, ...], tuple[Sign, ...], SignSource | None]:
    """Survey wording from the block; decay signs from the block when the body has none."""
    if not settings:
        return life, decay, decay_from

    def worded(signs: tuple[Sign, ...]) -> tuple[Sign, ...]:
        return tuple(
            replace(s, survey_wording=wording)
            if (wording := settings[s.id].survey if s.id in settings else None)
            else s
            for s in signs
        )

    known = {s.id for s in (*life, *decay)}
    unknown = [key for key in settings if key not in known]
    if unknown and not decay:
        # A pattern written for the bot may define its decay signs in the block alone.
        decay = tuple(
            Sign(
                id=key,
                title=value.title or key.replace("-", " ").capitalize(),
                text="",
                survey_wording=value.survey,
            )
            for key, value in settings.items()
            if key not in known
        )
        return worded(life), decay, SignSource.FRONTMATTER
    for key in unknown:
        findings.warn(
            f"'vitalitybot.signs.{keys[key][-1]}' names no sign of this pattern, so it is "
            f"ignored{did_you_mean(key, known)}",
            line_of(keys[key]),
        )
    return worded(life), worded(decay), decay_from


def _explicit_remedies(
    settings: dict[str, BlockSign],
    keys: dict[str, KeyPath],
    line_of: LineOf,
    decay: tuple[Sign, ...],
    known_steps: set[int],
    findings: Findings,
) -> tuple[Remedy, ...]:
    """The remedies the block states for the decay signs, checked here so that a step
    number that does not exist is reported when the file is loaded."""
    explicit: list[Remedy] = []
    for sign in decay:
        setting = settings.get(sign.id)
        if setting is None or setting.remedy is None:
            continue
        line = line_of((*keys[sign.id], "remedy"))
        steps = _existing_steps(
            f"signs.{keys[sign.id][-1]}.remedy", setting.remedy, known_steps, line, findings
        )
        if steps:
            explicit.append(Remedy(sign.id, steps, RemedySource.EXPLICIT, 1.0))
    return tuple(explicit)


def _existing_steps(
    where: str,
    numbers: tuple[int, ...],
    known_steps: set[int],
    line: int,
    findings: Findings,
) -> tuple[int, ...]:
    kept = tuple(n for n in numbers if n in known_steps)
    if len(kept) < len(numbers):
        missing = ", ".join(str(n) for n in numbers if n not in known_steps)
        findings.warn(
            f"'vitalitybot.{where}' names step {missing}, but the Implementation section has "
            f"{_steps_phrase(known_steps)}",
            line,
        )
    return kept


def _steps_phrase(known_steps: set[int]) -> str:
    if not known_steps:
        return "no steps"
    return f"steps 1 to {max(known_steps)}" if len(known_steps) > 1 else "only step 1"

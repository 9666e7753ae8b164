"""Pattern files -> frozen :class:`Pattern` objects.

Both body layouts (v7.1 "Section N: ..." and the legacy Overview/Core Principles/...
layout) are read by the same code: the outline finds sections by what they are called,
not by their number or heading level, and each part of the pattern is taken from the
first place a reader would look for it (:mod:`.parts`, :mod:`.steps`). The optional
``vitalitybot`` block then adds what only the pattern's author can say: survey
wording, explicit remedies, feedback steps and check-in prompts.

The frontmatter and the block are read and checked when the file is; the body is kept
as text and read on first use (:mod:`.body`), unless the caller wants the file's
warnings, some of which are about the body: then it is read with the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vitalitybot.patterns import fields
from vitalitybot.patterns.block import BlockSign, BotBlock, LineOf, read_block
from vitalitybot.patterns.body import BodyText, read_body
from vitalitybot.patterns.errors import Findings, PatternFileError, did_you_mean
from vitalitybot.patterns.header import Header, read_header
from vitalitybot.patterns.model import Body, Pattern, SignSource
from vitalitybot.patterns.sections import Outline, parse_outline
from vitalitybot.patterns.signs import sign_id

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
    Discord limits of the layers above the parser). With either, the body is read now,
    for the warnings about it; without, when first used."""
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
    settings = {sign_id(key): value for key, value in block.signs.items()}
    if findings is None and check is None:
        unread = BodyText.keep(path, header.body, header.body_line, settings, block.feedback_steps)
        pattern = _pattern(path, slug, title, header, block, unread)
    else:  # the caller wants every mistake, and some are about the body: read it now
        outline = parse_outline(header.body, header.body_line)
        body = read_body(outline, settings, block.feedback_steps)
        _block_warnings(body, block, settings, header.line_of, found)
        pattern = _pattern(path, slug, title, header, block, body)
        if check is not None:  # before raising: an author fixing errors wants the warnings
            check(pattern, outline, header, found)
    found.raise_errors()
    return ParsedFile(pattern, slug_line)


def _pattern(
    path: Path, slug: str, title: str, header: Header, block: BotBlock, body: Body | BodyText
) -> Pattern:
    """The Pattern from its frontmatter values, its ``vitalitybot`` block and its body."""
    data = header.data
    scores, scores_from = fields.scores_of(data)
    return Pattern(
        slug=slug,
        title=title,
        source=path,
        body=body,
        aliases=fields.texts_of(data.get("aliases")),
        summary=fields.text_of(data.get("summary")),
        scores=scores,
        scores_from=scores_from,
        relationships=fields.relationships_of(data),
        license=fields.text_of(data.get("license")) or None,
        attribution=fields.text_of(data.get("attribution")) or None,
        infers_remedies=True,
        prompts=block.prompts,
    )


def _block_warnings(
    body: Body,
    block: BotBlock,
    settings: dict[str, BlockSign],
    line_of: LineOf,
    findings: Findings,
) -> None:
    """What the block names that the body does not have, each at the line naming it (the
    body's parts leave it out, :mod:`.body`). ``settings`` are the block's by sign id."""
    # Each sign's key as written, so that findings point at the author's own line.
    keys: dict[str, KeyPath] = {sign_id(k): ("vitalitybot", "signs", k) for k in block.signs}
    named = {s.id for s in (*body.signs_of_life, *body.signs_of_decay)}
    if body.signs_of_decay_from is not SignSource.FRONTMATTER:  # else the block named them
        for key in settings:
            if key not in named:
                findings.warn(
                    f"'vitalitybot.signs.{keys[key][-1]}' names no sign of this pattern, so "
                    f"it is ignored{did_you_mean(key, named)}",
                    line_of(keys[key]),
                )
    known_steps = {step.number for step in body.steps}
    for sign in body.signs_of_decay:
        setting = settings.get(sign.id)
        if setting is not None and setting.remedy is not None:
            _missing_steps(
                f"signs.{keys[sign.id][-1]}.remedy",
                setting.remedy,
                known_steps,
                line_of((*keys[sign.id], "remedy")),
                findings,
            )
    if block.feedback_steps is not None:
        line = line_of(("vitalitybot", "feedback_steps"))
        _missing_steps("feedback_steps", block.feedback_steps, known_steps, line, findings)


def _missing_steps(
    where: str,
    numbers: tuple[int, ...],
    known_steps: set[int],
    line: int,
    findings: Findings,
) -> None:
    missing = [str(n) for n in numbers if n not in known_steps]
    if missing:
        findings.warn(
            f"'vitalitybot.{where}' names step {', '.join(missing)}, but the Implementation "
            f"section has {_steps_phrase(known_steps)}",
            line,
        )


def _steps_phrase(known_steps: set[int]) -> str:
    if not known_steps:
        return "no steps"
    return f"steps 1 to {max(known_steps)}" if len(known_steps) > 1 else "only step 1"

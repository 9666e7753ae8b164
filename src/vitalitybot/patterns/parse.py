"""Pattern files -> frozen :class:`Pattern` objects.

Both body layouts (v7.1 "Section N: ..." and the legacy Overview/Core Principles/...
layout) are read by the same code: the outline finds sections by what they are called,
not by their number or heading level, and each part of the pattern is taken from the
first place a reader would look for it (:mod:`.parts`, :mod:`.steps`). The optional
``vitalitybot`` block then adds what only the pattern's author can say: survey
wording, explicit remedies, feedback steps and check-in prompts.

:func:`parse_files` takes files in batches and runs each step (frontmatter, outline,
signs, steps...) over every file of the batch before the next step: running the same
code many times in a row keeps it in the CPU's caches, which was measured to parse a
batch of a hundred files about a tenth faster than one file after the other. Each
file's own steps still run in the same order, so the result is the same either way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from vitalitybot.patterns import fields, parts
from vitalitybot.patterns.block import BlockSign, BotBlock, read_block
from vitalitybot.patterns.header import read_header
from vitalitybot.patterns.model import Pattern, Sign, SignSource, Step
from vitalitybot.patterns.remedies import feedback_steps_for, remedies_for
from vitalitybot.patterns.rhythms import rhythms_in
from vitalitybot.patterns.sections import Outline, Section, parse_outline
from vitalitybot.patterns.signs import sign_id
from vitalitybot.patterns.steps import steps_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A pattern plus what the loader needs to report duplicates precisely."""

    pattern: Pattern
    slug_line: int | None  # file line of the ``slug`` key; None when it came from the name


def parse_pattern(path: Path, text: str) -> Pattern:
    """Build the Pattern for one file's text; raises PatternFileError when it cannot."""
    return parse_file(path, text).pattern


def parse_file(path: Path, text: str) -> ParsedFile:
    """One file's pattern; raises PatternFileError when it cannot be one."""
    (result,) = parse_files([(path, text)])
    if isinstance(result, Exception):
        raise result
    return result


def parse_files(files: Sequence[tuple[Path, str]]) -> list[ParsedFile | Exception]:
    """Each (path, text)'s pattern, or the exception that stopped it: PatternFileError
    for a file that cannot be a pattern, anything else for a parser bug, which costs
    that file only."""
    results: list[ParsedFile | Exception | None] = [None] * len(files)
    jobs = [_Job(index, path, text) for index, (path, text) in enumerate(files)]
    try:
        for step in _STEPS:
            going: list[_Job] = []
            for job in jobs:
                try:
                    step(job)
                except Exception as error:
                    results[job.index] = error
                    job.release()
                else:
                    going.append(job)
            jobs = going
    finally:
        # The loader parses thousands of files with the garbage collector off: without
        # this, every outline (sections and parents point at each other) and the lines
        # it holds would stay in memory until the next collection.
        for job in jobs:
            job.release()
    for job in jobs:
        assert job.pattern is not None
        results[job.index] = ParsedFile(job.pattern, job.slug_line)
    done = [result for result in results if result is not None]
    assert len(done) == len(files), "every file ends with a pattern or an error"
    return done


@dataclass(slots=True, eq=False)
class _Job:
    """One file on its way through the steps of :func:`parse_files`."""

    index: int
    path: Path
    text: str  # the file's text, then its body until the outline is made
    body_line: int = 1
    data: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    slug: str = ""
    slug_line: int | None = None
    block: BotBlock = field(default_factory=BotBlock)
    outline: Outline | None = None
    vitality: Section | None = None
    life: tuple[Sign, ...] = ()
    decay: tuple[Sign, ...] = ()
    decay_from: SignSource | None = None
    steps: tuple[Step, ...] = ()
    explicit: dict[str, tuple[int, ...]] = field(default_factory=dict)
    feedback: tuple[int, ...] | None = None
    # The Pattern's fields, gathered in the order its constructor call used to take them.
    made: dict[str, Any] = field(default_factory=dict)
    pattern: Pattern | None = None

    @property
    def body(self) -> Outline:
        """The body's outline, for the steps after it is made."""
        assert self.outline is not None
        return self.outline

    def release(self) -> None:
        self.text = ""
        if self.outline is not None:
            self.outline.release()


def _frontmatter(job: _Job) -> None:
    text = job.text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    header = read_header(text, fields.READ_KEYS)
    job.data = header.data
    job.title = fields.title_of(header)
    job.slug, job.slug_line = fields.slug_of(job.path, header)
    job.block = read_block(header.data.get("vitalitybot"), header.line_of)
    job.text, job.body_line = header.body, header.body_line
    job.made["source"] = job.path


def _outline(job: _Job) -> None:
    job.outline = parse_outline(job.text, job.body_line)
    job.text = ""


def _signs(job: _Job) -> None:
    job.vitality = parts.vitality_section(job.body)
    job.life = parts.signs_of_life(job.body, job.vitality)
    job.decay, job.decay_from = parts.signs_of_decay(job.body, job.vitality)


def _steps(job: _Job) -> None:
    job.steps = steps_of(job.body)


def _settings(job: _Job) -> None:
    path, block, data = job.path, job.block, job.data
    settings = {sign_id(key): value for key, value in block.signs.items()}
    life, decay, decay_from = _with_block_signs(path, settings, job.life, job.decay, job.decay_from)
    job.life, job.decay, job.decay_from = life, decay, decay_from
    known_steps = {step.number for step in job.steps}
    job.explicit = _explicit_remedies(path, settings, decay, known_steps)
    feedback = block.feedback_steps
    if feedback is not None:
        feedback = _existing_steps(path, "feedback_steps", feedback, known_steps)
    job.feedback = feedback
    scores, scores_from = fields.scores_of(data)
    job.made.update(
        slug=job.slug,
        title=job.title,
        body_format=parts.body_format(job.body),
        aliases=fields.texts_of(data.get("aliases")),
        summary=fields.text_of(data.get("summary")),
        scores=scores,
        scores_from=scores_from,
        relationships=fields.relationships_of(data),
        signs_of_life=life,
        signs_of_life_from=SignSource.VITALITY if life else None,
        signs_of_decay=decay,
        signs_of_decay_from=decay_from if decay else None,
    )


def _replant(job: _Job) -> None:
    job.made["replant"] = parts.replant(job.body, job.vitality)
    job.made["steps"] = job.steps


def _rhythms(job: _Job) -> None:
    job.made["rhythms"] = rhythms_in(job.body)


def _solution(job: _Job) -> None:
    job.made["solution"] = parts.solution(job.body)
    job.made["license"] = fields.text_of(job.data.get("license")) or None
    job.made["attribution"] = fields.text_of(job.data.get("attribution")) or None


def _remedies(job: _Job) -> None:
    job.made["remedies"] = remedies_for(job.decay, job.steps, job.explicit)
    job.made["feedback_steps"] = feedback_steps_for(job.steps, job.feedback)
    job.made["prompts"] = job.block.prompts


def _pattern(job: _Job) -> None:
    job.pattern = Pattern(**job.made)


# In the order parse_file always took them, so that a file's first failure is the same.
_STEPS: tuple[Callable[[_Job], None], ...] = (
    _frontmatter,
    _outline,
    _signs,
    _steps,
    _settings,
    _replant,
    _rhythms,
    _solution,
    _remedies,
    _pattern,
)


def _with_block_signs(
    path: Path,
    settings: dict[str, BlockSign],
    life: tuple[Sign, ...],
    decay: tuple[Sign, ...],
    decay_from: SignSource | None,
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
    if unknown:
        logger.warning(
            "%s: vitalitybot.signs names %s, which the pattern's signs do not have",
            path,
            ", ".join(unknown),
        )
    return worded(life), worded(decay), decay_from


def _explicit_remedies(
    path: Path, settings: dict[str, BlockSign], decay: tuple[Sign, ...], known_steps: set[int]
) -> dict[str, tuple[int, ...]]:
    explicit: dict[str, tuple[int, ...]] = {}
    for sign in decay:
        setting = settings.get(sign.id)
        if setting is None or setting.remedy is None:
            continue
        steps = _existing_steps(path, f"signs.{sign.id}.remedy", setting.remedy, known_steps)
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

"""A pattern's Markdown body -> its :class:`~.model.Body`, read when first asked for.

Reading a body (its outline, signs, steps, rhythms, replanting advice) costs more than
reading the frontmatter, and loading a library needs the frontmatter alone: the search
index reads slugs, titles and aliases, and a community reads the body of the few
patterns it adopted. So the parser keeps each body's text as a :class:`BodyText`, which
reads it once, the first time a part of it is asked for. A caller that wants to hear
about a file's mistakes has the body read at load instead (:func:`.parse.parse_file`).

The ``vitalitybot`` block has its say here too, since what it names are parts of the
body: survey wording and stated remedies for the body's signs, decay signs of its own
when the body has none, and the feedback steps. Block entries naming signs or steps the
body does not have are dropped; the parser is what reports them.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from vitalitybot.patterns import parts
from vitalitybot.patterns.block import BlockSign
from vitalitybot.patterns.model import Body, Remedy, RemedySource, Sign, SignSource
from vitalitybot.patterns.remedies import feedback_steps_for
from vitalitybot.patterns.rhythms import rhythms_in
from vitalitybot.patterns.sections import Outline, parse_outline
from vitalitybot.patterns.steps import steps_of

logger = logging.getLogger(__name__)

# zlib's fastest level: it keeps a body in about two fifths of its UTF-8 size, and the
# higher levels take twice as long for little less.
PACK_LEVEL = 1


@dataclass(frozen=True)
class BodyText:
    """A body as written, with the block's settings that apply to it; :attr:`parsed`
    reads it. Equal texts and settings make equal bodies, read or not."""

    source: Path  # the pattern file, named when reading the body fails
    # The text, UTF-8 and compressed: a library keeps thousands of bodies it may never
    # read, in memory and in the warm-start cache, where their size is read time.
    packed: bytes = field(repr=False)
    first_line: int  # file line of the body's first line
    # The block's settings by sign id (as :func:`.signs.sign_id` makes them), in order.
    signs: tuple[tuple[str, BlockSign], ...] = ()
    feedback_steps: tuple[int, ...] | None = None  # as the block states them

    @classmethod
    def keep(
        cls,
        source: Path,
        text: str,
        first_line: int,
        settings: Mapping[str, BlockSign],
        feedback_steps: tuple[int, ...] | None,
    ) -> BodyText:
        packed = zlib.compress(text.encode(), PACK_LEVEL)
        return cls(source, packed, first_line, tuple(settings.items()), feedback_steps)

    @property
    def text(self) -> str:
        return zlib.decompress(self.packed).decode()

    @cached_property
    def parsed(self) -> Body:
        """The parts, read once. At load a parser bug would cost the file (the loader
        reports it); here, where a member or the scheduler is waiting for the parts, it
        costs the body, which then reads as empty, and is logged."""
        settings = dict(self.signs)
        try:
            return read_body(
                parse_outline(self.text, self.first_line), settings, self.feedback_steps
            )
        except Exception:
            logger.exception("could not read the body of %s; it reads as empty", self.source)
            return read_body(parse_outline("", self.first_line), settings, self.feedback_steps)


def read_body(
    outline: Outline, settings: Mapping[str, BlockSign], feedback: tuple[int, ...] | None
) -> Body:
    """The parts of one body; ``settings`` are the block's by sign id, ``feedback`` its
    feedback steps (None when it states none)."""
    vitality = parts.vitality_section(outline)
    life = parts.signs_of_life(outline, vitality)
    decay, decay_from = parts.signs_of_decay(outline, vitality)
    life, decay, decay_from = _with_block_signs(settings, life, decay, decay_from)
    steps = steps_of(outline)
    known_steps = {step.number for step in steps}
    if feedback is not None:
        feedback = existing_steps(feedback, known_steps)
    return Body(
        body_format=parts.body_format(outline),
        signs_of_life=life,
        signs_of_life_from=SignSource.VITALITY if life else None,
        signs_of_decay=decay,
        signs_of_decay_from=decay_from if decay else None,
        replant=parts.replant(outline, vitality),
        steps=steps,
        rhythms=rhythms_in(outline),
        solution=parts.solution(outline),
        remedies=_stated_remedies(settings, decay, known_steps),
        feedback_steps=feedback_steps_for(steps, feedback),
    )


def existing_steps(numbers: tuple[int, ...], known_steps: set[int]) -> tuple[int, ...]:
    """The step numbers that name a step of the body, in the order given."""
    return tuple(n for n in numbers if n in known_steps)


def _with_block_signs(
    settings: Mapping[str, BlockSign],
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
    if not decay and any(key not in known for key in settings):
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
    return worded(life), worded(decay), decay_from


def _stated_remedies(
    settings: Mapping[str, BlockSign], decay: tuple[Sign, ...], known_steps: set[int]
) -> tuple[Remedy, ...]:
    """The remedies the block states for the decay signs, in the order of the signs."""
    stated: list[Remedy] = []
    for sign in decay:
        setting = settings.get(sign.id)
        if setting is None or setting.remedy is None:
            continue
        steps = existing_steps(setting.remedy, known_steps)
        if steps:
            stated.append(Remedy(sign.id, steps, RemedySource.EXPLICIT, 1.0))
    return tuple(stated)

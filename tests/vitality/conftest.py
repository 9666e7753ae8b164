"""Builders for Pattern objects, so these tests do not depend on the pattern parser."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from vitalitybot.patterns.model import (
    Body,
    BodyFormat,
    Pattern,
    Remedy,
    RemedySource,
    Replant,
    Sign,
    SignSource,
    Step,
)


def sign_id(title: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", title.lower())[:8])


def build_sign(title: str, text: str = "", wording: str | None = None) -> Sign:
    return Sign(id=sign_id(title), title=title, text=text, survey_wording=wording)


def build_pattern(
    slug: str,
    *,
    decay: Sequence[Sign | str] = (),
    life: Sequence[Sign | str] = (),
    steps: Sequence[tuple[str, str]] = (),
    remedies: dict[str, Sequence[int]] | None = None,
    feedback_steps: Sequence[int] = (),
    replant: Replant | None = None,
    prompts: Sequence[str] = (),
) -> Pattern:
    """A pattern as the parser would hand it over; plain strings become signs by title."""

    def signs(items: Sequence[Sign | str]) -> tuple[Sign, ...]:
        return tuple(item if isinstance(item, Sign) else build_sign(item) for item in items)

    return Pattern(
        slug=slug,
        title=slug.replace("-", " ").title(),
        source=Path(f"{slug}.md"),
        body=Body(
            BodyFormat.V71,
            signs_of_life=signs(life),
            signs_of_life_from=SignSource.VITALITY,
            signs_of_decay=signs(decay),
            signs_of_decay_from=SignSource.VITALITY,
            replant=replant,
            steps=tuple(Step(i, title, text) for i, (title, text) in enumerate(steps, start=1)),
            remedies=tuple(
                Remedy(sid, tuple(numbers), RemedySource.EXPLICIT)
                for sid, numbers in (remedies or {}).items()
            ),
            feedback_steps=tuple(feedback_steps),
        ),
        prompts=tuple(prompts),
    )


@pytest.fixture
def make_pattern() -> Callable[..., Pattern]:
    return build_pattern


@pytest.fixture
def make_sign() -> Callable[..., Sign]:
    return build_sign

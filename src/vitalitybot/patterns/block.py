"""The optional ``vitalitybot:`` frontmatter block (docs/pattern-format.md).

Only patterns written for the bot carry it, so a malformed block is an authoring mistake
worth stopping for: it raises :class:`PatternFileError` with the line of the offending
key instead of being silently half-used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from vitalitybot.patterns.errors import PatternFileError

MAX_PROMPTS = 5
LineOf = Callable[[Sequence[str | int]], int]


@dataclass(frozen=True, slots=True)
class BlockSign:
    survey: str | None = None
    remedy: tuple[int, ...] | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class BotBlock:
    prompts: tuple[str, ...] = ()
    feedback_steps: tuple[int, ...] | None = None
    signs: dict[str, BlockSign] = field(default_factory=dict)


def read_block(value: Any, line_of: LineOf) -> BotBlock:
    """Validate the block's shape; ``line_of`` maps a key path to its file line."""
    base = ("vitalitybot",)
    if value is None:
        return BotBlock()
    if not isinstance(value, dict):
        raise PatternFileError("'vitalitybot' must be a mapping", line_of(base))
    prompts = value.get("prompts", [])
    if prompts is None:
        prompts = []
    if not isinstance(prompts, list) or not all(isinstance(p, str) and p.strip() for p in prompts):
        raise PatternFileError(
            "'vitalitybot.prompts' must be a list of questions", line_of((*base, "prompts"))
        )
    if len(prompts) > MAX_PROMPTS:
        raise PatternFileError(
            f"'vitalitybot.prompts' has {len(prompts)} prompts; at most {MAX_PROMPTS} "
            "keep a check-in short",
            line_of((*base, "prompts", MAX_PROMPTS)),
        )
    feedback = value.get("feedback_steps")
    feedback_steps = (
        None if feedback is None else _step_numbers(feedback, (*base, "feedback_steps"), line_of)
    )
    signs_value = value.get("signs") or {}
    if not isinstance(signs_value, dict):
        raise PatternFileError(
            "'vitalitybot.signs' must map sign ids to settings", line_of((*base, "signs"))
        )
    signs: dict[str, BlockSign] = {}
    for sign_id, settings in signs_value.items():
        path = (*base, "signs", str(sign_id))
        if settings is None:
            settings = {}
        if not isinstance(settings, dict):
            raise PatternFileError(
                f"'vitalitybot.signs.{sign_id}' must be a mapping (survey, remedy)",
                line_of(path),
            )
        survey = _text(settings.get("survey"), (*path, "survey"), line_of)
        title = _text(settings.get("title"), (*path, "title"), line_of)
        remedy_value = settings.get("remedy")
        remedy = (
            None
            if remedy_value is None
            else _step_numbers(remedy_value, (*path, "remedy"), line_of)
        )
        signs[str(sign_id)] = BlockSign(survey=survey, remedy=remedy, title=title)
    return BotBlock(
        prompts=tuple(p.strip() for p in prompts), feedback_steps=feedback_steps, signs=signs
    )


def _text(value: Any, path: Sequence[str], line_of: LineOf) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise PatternFileError(f"'{'.'.join(path)}' must be some text", line_of(path))
    return " ".join(value.split())


def _step_numbers(value: Any, path: Sequence[str], line_of: LineOf) -> tuple[int, ...]:
    numbers = [value] if isinstance(value, int) else value
    if not isinstance(numbers, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in numbers
    ):
        raise PatternFileError(
            f"'{'.'.join(path)}' must be implementation step numbers, e.g. [5]", line_of(path)
        )
    return tuple(dict.fromkeys(numbers))

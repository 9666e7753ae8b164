"""The optional ``vitalitybot:`` frontmatter block (docs/pattern-format.md).

Only patterns written for the bot carry it, so a malformed value is an authoring mistake
worth stopping for: it is recorded as an error with the line of the offending key instead
of being silently half-used. A key the bot does not read is a warning: the pattern works,
but whatever the author meant by it is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from vitalitybot.patterns.errors import Findings, did_you_mean

MAX_PROMPTS = 5
BLOCK_KEYS = ("prompts", "feedback_steps", "signs")
SIGN_KEYS = ("survey", "remedy", "title")
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


def read_block(value: Any, line_of: LineOf, findings: Findings) -> BotBlock:
    """Validate the block's shape; ``line_of`` maps a key path to its file line.

    Each mistake is recorded in ``findings`` and its key skipped, so one read reports
    every mistake in the block.
    """
    base = ("vitalitybot",)
    if value is None:
        return BotBlock()
    if not isinstance(value, dict):
        findings.error("'vitalitybot' must be a mapping", line_of(base))
        return BotBlock()
    _unknown_keys(value, BLOCK_KEYS, base, line_of, findings)
    signs_value = value.get("signs") or {}
    if not isinstance(signs_value, dict):
        findings.error(
            "'vitalitybot.signs' must map sign ids to settings", line_of((*base, "signs"))
        )
        signs_value = {}
    return BotBlock(
        prompts=_prompts(value.get("prompts"), (*base, "prompts"), line_of, findings),
        feedback_steps=_step_numbers(
            value.get("feedback_steps"), (*base, "feedback_steps"), line_of, findings
        ),
        signs={
            str(sign_id): _sign(settings, (*base, "signs", str(sign_id)), line_of, findings)
            for sign_id, settings in signs_value.items()
        },
    )


def _prompts(
    value: Any, path: Sequence[str], line_of: LineOf, findings: Findings
) -> tuple[str, ...]:
    prompts = [] if value is None else value
    if not isinstance(prompts, list) or not all(isinstance(p, str) and p.strip() for p in prompts):
        findings.error("'vitalitybot.prompts' must be a list of questions", line_of(path))
        return ()
    if len(prompts) > MAX_PROMPTS:
        findings.error(
            f"'vitalitybot.prompts' has {len(prompts)} prompts; at most {MAX_PROMPTS} "
            "keep a check-in short",
            line_of((*path, MAX_PROMPTS)),
        )
    return tuple(p.strip() for p in prompts)


def _sign(settings: Any, path: Sequence[str], line_of: LineOf, findings: Findings) -> BlockSign:
    if settings is None:
        return BlockSign()
    if not isinstance(settings, dict):
        findings.error(f"'{'.'.join(path)}' must be a mapping (survey, remedy)", line_of(path))
        return BlockSign()
    _unknown_keys(settings, SIGN_KEYS, path, line_of, findings)
    return BlockSign(
        survey=_text(settings.get("survey"), (*path, "survey"), line_of, findings),
        remedy=_step_numbers(settings.get("remedy"), (*path, "remedy"), line_of, findings),
        title=_text(settings.get("title"), (*path, "title"), line_of, findings),
    )


def _unknown_keys(
    mapping: dict[Any, Any],
    known: tuple[str, ...],
    path: Sequence[str],
    line_of: LineOf,
    findings: Findings,
) -> None:
    """Warn about keys the bot does not read: a misspelt key is otherwise silently lost."""
    for key in mapping:
        if key not in known:
            findings.warn(
                f"'{'.'.join(path)}' has the key '{key}', which the bot does not read"
                f"{did_you_mean(str(key), known)} (it reads {', '.join(known)})",
                line_of((*path, str(key))),
            )


def _text(value: Any, path: Sequence[str], line_of: LineOf, findings: Findings) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        findings.error(f"'{'.'.join(path)}' must be some text", line_of(path))
        return None
    return " ".join(value.split())


def _step_numbers(
    value: Any, path: Sequence[str], line_of: LineOf, findings: Findings
) -> tuple[int, ...] | None:
    if value is None:
        return None
    numbers = [value] if isinstance(value, int) else value
    if not isinstance(numbers, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in numbers
    ):
        findings.error(
            f"'{'.'.join(path)}' must be implementation step numbers, e.g. [5]", line_of(path)
        )
        return None
    return tuple(dict.fromkeys(numbers))

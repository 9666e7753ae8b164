"""The 1–5 frequency scale of the decay-signal survey.

One source of truth for the values and their words, so the Discord select menus, the
terminal and the templates can never disagree about what "4" means.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ScalePoint:
    value: int
    word: str


SCALE: tuple[ScalePoint, ...] = (
    ScalePoint(1, "never"),
    ScalePoint(2, "rarely"),
    ScalePoint(3, "sometimes"),
    ScalePoint(4, "often"),
    ScalePoint(5, "constantly"),
)

LOW = SCALE[0].value
MAX = SCALE[-1].value
# Answers at or above HIGH count as "seeing this sign a lot": the share the thresholds watch.
HIGH = 4

_WORDS = {p.value: p.word for p in SCALE}


def is_valid(value: int) -> bool:
    return value in _WORDS


def word(value: int) -> str:
    """The word for ``value`` ("often" for 4); ``ValueError`` off the scale."""
    try:
        return _WORDS[value]
    except KeyError:
        raise ValueError(f"{value!r} is not on the {LOW}–{MAX} scale") from None


def high_words() -> str:
    """How the high end reads in a sentence: "often or constantly"."""
    words = [p.word for p in SCALE if p.value >= HIGH]
    return " or ".join(words)


def parse(text: str) -> int:
    """Read an answer typed in a terminal: a digit ("4") or a word ("often").

    ``ValueError`` for anything else, so a typo is asked again rather than stored.
    """
    cleaned = text.strip().casefold()
    if cleaned.isdigit() and is_valid(int(cleaned)):
        return int(cleaned)
    for point in SCALE:
        if point.word == cleaned:
            return point.value
    raise ValueError(f"{text!r} is not one of {', '.join(f'{p.value} {p.word}' for p in SCALE)}")

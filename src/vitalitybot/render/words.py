"""Counted words: "1 respondent", "3 respondents", "1 person", "2 people"."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """``count`` and the word for that many; ``many`` defaults to ``one`` + "s"."""
    word = one if count == 1 else (many if many is not None else f"{one}s")
    return f"{count} {word}"

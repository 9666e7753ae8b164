"""Articulation check-in prompts: the adopted patterns' own, or ours.

The check-in is the bot's core ritual, and a short one keeps it energizing: at most five
prompts, each a one-line label (Discord caps modal labels at 45 characters) with a longer
hint shown as the placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from vitalitybot.patterns.model import Pattern
from vitalitybot.render.message import trim

LABEL_MAX = 45  # Discord modal text-input label limit
HINT_MAX = 100  # Discord modal text-input placeholder limit
MAX_PROMPTS = 5  # also Discord's limit of inputs in one modal
# A check-in asks about at most this many commitments at once, so following them up never
# crowds out the reflection the check-in is for.
MAX_REVIEW_PROMPTS = 2

# Shown as the placeholder when a pattern's prompt fits its label whole: it tells members
# that a short or empty answer is fine, which is what keeps the ritual from feeling like homework.
SHORT_ANSWER_HINT = "A few words are enough, or leave it blank."


@dataclass(frozen=True, slots=True)
class Prompt:
    label: str
    hint: str


DEFAULT_PROMPTS: tuple[Prompt, ...] = (
    Prompt(
        "What is becoming clearer to us?",
        "Something we understand better than a month ago: a practice, a problem, a name for it.",
    ),
    Prompt("What surprised us?", "An outcome, a question or a reaction nobody saw coming."),
    Prompt(
        "What did not work?", "Something we tried that fell flat. Naming it spares the next person."
    ),
    Prompt("What worked well?", "A habit, a tool or a move worth keeping, and why it helped."),
    Prompt(
        "What could we offer others?",
        "Something from our practice another team or community could pick up and use.",
    ),
)


def checkin_prompts(patterns: Iterable[Pattern], reviews: Sequence[Prompt] = ()) -> list[Prompt]:
    """The prompts for one check-in: the reflection prompts, then ``reviews``.

    ``reviews`` (see ``review_prompt``) ask what came of commitments due for review; at
    most ``MAX_REVIEW_PROMPTS`` are kept, and they take the last places, so the
    reflection prompts are cut to fit Discord's five inputs rather than the reviews.

    When any adopted pattern states prompts, those are used and the defaults are not
    mixed in: a pattern's prompts are a designed set, and a shorter check-in is no loss.
    Patterns take turns (first prompt of each, then second of each, ...) so the first
    adopted pattern cannot fill all five places; repeats across patterns are asked once.
    With no pattern prompts at all, the five defaults are used.
    """
    kept = list(reviews[:MAX_REVIEW_PROMPTS])
    return _reflection_prompts(patterns)[: MAX_PROMPTS - len(kept)] + kept


def review_prompt(commitment: str) -> Prompt:
    """The check-in question that follows a commitment up, quoting its own words."""
    return prompt_from_text(f"What came of \u201c{' '.join(commitment.split())}\u201d?")


def _reflection_prompts(patterns: Iterable[Pattern]) -> list[Prompt]:
    texts = _interleave([[p.strip() for p in pattern.prompts if p.strip()] for pattern in patterns])
    chosen: list[Prompt] = []
    seen: set[str] = set()
    for text in texts:
        key = _normalise(text)
        if key in seen:
            continue
        seen.add(key)
        chosen.append(prompt_from_text(text))
        if len(chosen) == MAX_PROMPTS:
            break
    return chosen or list(DEFAULT_PROMPTS)


def prompt_from_text(text: str) -> Prompt:
    """A pattern's prompt as label + hint; a long prompt keeps its full words in the hint."""
    text = " ".join(text.split())
    label = trim(text, LABEL_MAX)
    hint = SHORT_ANSWER_HINT if label == text else trim(text, HINT_MAX)
    return Prompt(label, hint)


def _interleave(lists: list[list[str]]) -> list[str]:
    longest = max((len(items) for items in lists), default=0)
    return [items[i] for i in range(longest) for items in lists if i < len(items)]


def _normalise(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()

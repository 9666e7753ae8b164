"""Warnings for a pattern's author: what loads, but not the way the author meant.

The parser reads what it recognises and skips the rest without a word, which is right
for the bot (a library of thousands of files has every kind of heading) but leaves an
author guessing why a pattern has no steps. ``vitalitybot patterns check`` runs these
checks on every file it loads:

- a heading that is close to one the bot reads but not it ("Implementaton", "Sign of
  decay"): the part under it is silently not read;
- prompts and survey wording longer than the Discord component that shows them;
- a pattern that gives a survey nothing to ask.

They run only when checking (the loader is handed :func:`check`): the bot itself gains
nothing from them at start-up, and the parser below the survey and check-in code cannot
import their limits.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from vitalitybot.patterns.errors import Findings
from vitalitybot.patterns.header import Header
from vitalitybot.patterns.model import Pattern
from vitalitybot.patterns.parts import _FALLBACKS, vitality_section
from vitalitybot.patterns.sections import INLINE_LABEL_KEYS, Outline
from vitalitybot.patterns.steps import _STEP_LIST_KEYS
from vitalitybot.vitality.prompts import HINT_MAX, LABEL_MAX
from vitalitybot.vitality.survey import ITEM_TEXT_MAX

# Every heading key whose text the parser reads (a heading is read when its key starts
# with one). "Problem" and "Known uses" only tell the layouts apart, so they are left out:
# "Known Use 1: ..." is a fine heading of its own.
KNOWN_HEADINGS: tuple[str, ...] = tuple(
    sorted(
        {
            "vitality",
            "solution",
            "implementation",
            "overview",
            "core principles",
            "signs of life",
            "signs of decay",
            "when to replant",
            *INLINE_LABEL_KEYS,
            *_STEP_LIST_KEYS,
            *(key for keys, _ in _FALLBACKS for key in keys),
        }
    )
)
# How alike (rapidfuzz's ratio) a heading must be to a known one to be taken for a
# misspelling of it. High on purpose: "Resolution" is not a misspelt "Solution".
MISSPELT_SCORE = 85
_SHORTEST = 5  # shorter words differ by a letter too easily ("tools" / "steps")


def check(pattern: Pattern, outline: Outline, header: Header, findings: Findings) -> None:
    """Record every authoring warning for one parsed pattern in ``findings``."""
    misspelt_headings(outline, findings)
    prompt_lengths(pattern, header, findings)
    survey_lengths(header, findings)
    survey_items(pattern, outline, findings)


def misspelt_headings(outline: Outline, findings: Findings) -> None:
    for section in outline.sections:
        meant = misspelt(section.key)
        if meant is not None:
            findings.warn(
                f"the heading '{section.title}' is not one the bot reads, so its text is "
                f"ignored; did you mean '{meant.capitalize()}'?",
                section.line,
            )


def misspelt(key: str) -> str | None:
    """The known heading ``key`` looks like a misspelling of, or None (read as it is, or
    unlike any: an author's own headings are for readers and are fine)."""
    if not key or key.startswith(KNOWN_HEADINGS):
        return None
    words = key.split()
    best, best_score = None, float(MISSPELT_SCORE)
    # First letters are rarely mistyped; comparing them first keeps this cheap.
    for known in KNOWN_HEADINGS:
        if known[0] != key[0] or len(known) < _SHORTEST:
            continue
        score = fuzz.ratio(" ".join(words[: len(known.split())]), known)
        if score >= best_score:
            best, best_score = known, score
    return best


def prompt_lengths(pattern: Pattern, header: Header, findings: Findings) -> None:
    """A check-in shows a prompt as a form label and keeps the full words as its hint."""
    for number, prompt in enumerate(pattern.prompts):
        length = len(" ".join(prompt.split()))
        line = header.line_of(("vitalitybot", "prompts", number))
        if length > HINT_MAX:
            findings.warn(
                f"prompt {number + 1} has {length} characters; Discord shows at most "
                f"{LABEL_MAX} in the form's label and {HINT_MAX} in its hint, so the end "
                "is never seen",
                line,
            )
        elif length > LABEL_MAX:
            findings.warn(
                f"prompt {number + 1} has {length} characters; Discord's form labels hold "
                f"{LABEL_MAX}, so members see it cut short, with the full words as the hint",
                line,
            )


def survey_lengths(header: Header, findings: Findings) -> None:
    """Survey questions are select menus: their text is a placeholder and option labels."""
    block = header.data.get("vitalitybot")
    signs = block.get("signs") if isinstance(block, dict) else None
    for key, settings in (signs or {}).items() if isinstance(signs, dict) else ():
        survey = settings.get("survey") if isinstance(settings, dict) else None
        if not isinstance(survey, str):
            continue
        length = len(" ".join(survey.split()))
        if length > ITEM_TEXT_MAX:
            findings.warn(
                f"'vitalitybot.signs.{key}.survey' has {length} characters; Discord's "
                f"select menus show {ITEM_TEXT_MAX}, so members see it cut short",
                header.line_of(("vitalitybot", "signs", str(key), "survey")),
            )


def survey_items(pattern: Pattern, outline: Outline, findings: Findings) -> None:
    if pattern.signs_of_life or pattern.signs_of_decay:
        return
    vitality = vitality_section(outline)
    findings.warn(
        "no signs of life or decay were found, so a survey has nothing to ask about this "
        "pattern; list them under 'Signs of life' and 'Signs of decay' in a Vitality "
        "section, or in 'vitalitybot.signs'",
        vitality.line if vitality is not None else outline.first_line,
    )

"""The pattern summary shown by ``/pattern NAME`` and ``vitalitybot pattern NAME``.

The template decides the wording and order; this module only turns model values that
have no natural text (score names, sign sources, durations, relationship kinds) into
words, so coordinators editing the template never need Python to change a label.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from vitalitybot.patterns.model import Cadence, Duration, Pattern, SignSource
from vitalitybot.render.compose import render_message
from vitalitybot.render.message import Message

TEMPLATE = "pattern_summary.md.j2"

# Where signs were read from, when that was not the pattern's own vitality section.
SOURCE_NOTES = {
    SignSource.VITALITY: "",
    SignSource.ANTI_PATTERNS: "read from Anti-Patterns & Gotchas",
    SignSource.COMMON_CHALLENGES: "read from Common Challenges",
    SignSource.FRONTMATTER: "read from the pattern's vitalitybot block",
}
_OVERALL_NAMES = ("overall_score", "overall")


def pattern_summary(env: Environment, pattern: Pattern) -> Message:
    return render_message(env, TEMPLATE, **summary_context(pattern))


def summary_context(pattern: Pattern) -> dict[str, Any]:
    """Everything ``pattern_summary.md.j2`` may use (see templates/README.md)."""
    return {
        "pattern": pattern,
        "scores": _scores(pattern),
        "life_note": _note(pattern.signs_of_life_from),
        "decay_note": _note(pattern.signs_of_decay_from),
        "replant_durations": [
            duration_text(d) for d in (pattern.replant.durations if pattern.replant else ())
        ],
        "rhythms": _rhythms(pattern),
        "related": _related(pattern),
    }


def duration_text(duration: Duration) -> str:
    return f"{duration.amount} {duration.unit}{'' if duration.amount == 1 else 's'}"


def _words(name: str) -> str:
    return name.replace("_", " ").replace("-", " ").strip()


def _number(value: float) -> str:
    return f"{value:g}"


def _note(source: SignSource | None) -> str:
    return SOURCE_NOTES.get(source, "") if source is not None else ""


def _scores(pattern: Pattern) -> dict[str, Any] | None:
    """A headline ("commons assessment: overall 3.8") and the remaining scores."""
    if not pattern.scores:
        return None
    label = _words(pattern.scores_from or "scores")
    headline_score = next(
        (s for s in pattern.scores if s.name in (*_OVERALL_NAMES, pattern.scores_from)), None
    )
    if headline_score is None:
        headline = label
    elif headline_score.name == pattern.scores_from:
        headline = f"{label}: {_number(headline_score.value)}"
    else:
        headline = f"{label}: overall {_number(headline_score.value)}"
    parts = [
        f"{_words(s.name)} {_number(s.value)}" for s in pattern.scores if s is not headline_score
    ]
    return {"headline": headline, "parts": parts}


def _rhythms(pattern: Pattern) -> list[dict[str, Any]]:
    """One entry per cadence, most frequent first, with the phrases and places it was read.

    A pattern often names the same rhythm in several sections; one line per cadence keeps
    the field readable and shows at a glance what the bot would schedule.
    """
    groups: dict[Cadence, tuple[list[str], list[str]]] = {}
    for rhythm in pattern.rhythms:
        phrases, sections = groups.setdefault(rhythm.cadence, ([], []))
        if rhythm.phrase not in phrases:
            phrases.append(rhythm.phrase)
        if rhythm.section not in sections:
            sections.append(rhythm.section)
    return [
        {"cadence": str(cadence), "phrases": phrases, "sections": sections}
        for cadence, (phrases, sections) in sorted(
            groups.items(), key=lambda item: item[0].approx_days
        )
    ]


def _related(pattern: Pattern) -> list[dict[str, Any]]:
    """Relationships grouped by kind, in the order the pattern first names each kind."""
    groups: dict[str, list[str]] = {}
    for relation in pattern.relationships:
        slugs = groups.setdefault(relation.kind, [])
        if relation.slug not in slugs:
            slugs.append(relation.slug)
    return [{"kind": _words(kind), "slugs": slugs} for kind, slugs in groups.items()]

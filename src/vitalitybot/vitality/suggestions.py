"""What to post after a round is scored: the pattern's remedy, its replanting guidance, or
an invitation to talk.

The bot suggests and never enforces, so every decision here errs towards saying less:
nothing for a sign that did not cross, nothing for signs of life, and never the same
suggestion twice in one round.

For a decay sign that crossed this round:

1. **replant**, when decay has persisted and the pattern says how to replant. "Persisted"
   means the unbroken run of crossed rounds ending with this one spans at least the
   shortest duration the pattern states (its "When to replant" says e.g. "after 6–9
   months", so 6), measured in calendar months from the run's first round to this one,
   with a day's grace for rounds opened a little early. A pattern that states no duration
   replants after ``DEFAULT_REPLANT_ROUNDS`` consecutive crossed rounds. One round that did
   not cross breaks the run. Callers should leave out rounds in which the sign was not
   asked (the survey rotates): they are no evidence either way.
2. **remedy**, when the pattern maps implementation steps to the sign, or the sign is about
   missing feedback or flow and the pattern names its feedback-loop steps (see
   ``is_about_feedback``). A pattern without replanting text falls back to this.
3. **reflect** otherwise: the sign's name and meaning, with a few questions for the
   community to talk it over. A community that adopted a pattern with no mapped steps
   still hears that a sign crossed, and the conversation is the literature's preferred
   answer to a figure anyway.

A participation drop (see participation.py) gets its own **participation** suggestion.
"""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

import snowballstemmer

from vitalitybot.domain.records import SuggestionKind
from vitalitybot.patterns.model import Duration, Pattern, Sign, Step
from vitalitybot.render.message import trim
from vitalitybot.vitality.participation import (
    DEFAULT_DROP,
    DEFAULT_MIN_HISTORY,
    DEFAULT_WINDOW,
    participation_drop,
    trailing_mean,
)

logger = logging.getLogger(__name__)

DEFAULT_REPLANT_ROUNDS = 3
REPLANT_GRACE = timedelta(days=1)
STEP_TEXT_MAX = 300
SIGN_TEXT_MAX = 300
REPLANT_TEXT_MAX = 900
MAX_PARTICIPATION_STEPS = 3
PARTICIPATION_SIGN_ID = "participation"

REFLECT_QUESTIONS: tuple[str, ...] = (
    "Where have we noticed this lately, and what did it cost us?",
    "Is it a passing phase, or has it been with us for a while?",
    "What is one small thing we could try before the next round?",
)

ENERGIZING_IDEAS: tuple[str, ...] = (
    "Shorter: ask fewer questions per round.",
    "Rarer: move the survey from monthly to quarterly for a while.",
    "Skippable: say plainly that any question may be left blank.",
    "Visibly useful: before asking again, share what came of the last round.",
)

# Words (as English Snowball stems) that mark a sign as being about missing feedback or
# flow: "feedback", "loop(s)", "flow(s/ing)", "silence", "silent", "unheard".
_FEEDBACK_STEMS = frozenset({"feedback", "loop", "flow", "silenc", "silent", "unheard"})
# ... and verbs that do so when followed by "back": "signals back", "hear(ing) back",
# "heard back", "report back", "feed back".
_BACK_VERBS = frozenset({"signal", "hear", "heard", "report", "feed"})
# Step titles that speak to participation: "participate", "engage", "energize", "invite",
# "welcome", "onboard", "newcomers", "involve".
_PARTICIPATION_STEMS = frozenset(
    {"particip", "engag", "energ", "invit", "welcom", "onboard", "newcom", "involv"}
)

_stemmer = snowballstemmer.stemmer("english")


class Crossing(NamedTuple):
    """One round's verdict on one sign; a plain ``(opened_at, crossed)`` tuple also works."""

    opened_at: datetime
    crossed: bool


@dataclass(frozen=True, slots=True)
class SuggestedStep:
    pattern_slug: str
    number: int
    title: str
    text: str  # trimmed to STEP_TEXT_MAX


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: SuggestionKind
    pattern_slug: str  # "" for a participation suggestion
    pattern_title: str
    sign_id: str
    title: str  # the sign's title, or a heading for a participation suggestion
    text: str  # the sign's meaning (remedy, reflect), the replanting guidance, or the drop
    steps: tuple[SuggestedStep, ...] = ()
    feedback_steps: tuple[SuggestedStep, ...] = ()  # only those not already in ``steps``
    durations: tuple[Duration, ...] = ()
    ideas: tuple[str, ...] = ()  # questions to talk over, or ways to energize participation
    run_rounds: int = 0  # consecutive crossed rounds, this one included
    run_months: float = 0.0  # calendar months from the run's first round to this one


def suggest(
    pattern: Pattern,
    sign: Sign,
    current: tuple[datetime, bool],
    history: Sequence[tuple[datetime, bool]] = (),
) -> Suggestion | None:
    """The suggestion for one sign after this round, or None.

    ``current`` is this round's ``(opened_at, crossed)``; ``history`` the sign's earlier
    rounds, oldest first (entries not before this round are ignored). Whether it was
    posted already is the outcomes table's business: it records each suggestion once
    per round.
    """
    now = Crossing(*current)
    if not now.crossed:
        return None
    if not any(s.id == sign.id for s in pattern.signs_of_decay):
        logger.debug("%s/%s is not a decay sign; no suggestion", pattern.slug, sign.id)
        return None
    run = _current_run(now, history)
    run_months = months_between(run[0], now.opened_at)
    kind, steps, feedback = _decide(pattern, sign, run)
    replant = pattern.replant if kind is SuggestionKind.REPLANT else None
    return Suggestion(
        kind=kind,
        pattern_slug=pattern.slug,
        pattern_title=pattern.title,
        sign_id=sign.id,
        title=_sign_title(sign),
        text=_body(pattern, sign, kind),
        steps=steps,
        feedback_steps=feedback,
        durations=replant.durations if replant is not None else (),
        ideas=REFLECT_QUESTIONS if kind is SuggestionKind.REFLECT else (),
        run_rounds=len(run),
        run_months=run_months,
    )


def participation_suggestion(
    patterns: Iterable[Pattern],
    history: Sequence[float],
    current: float,
    *,
    window: int = DEFAULT_WINDOW,
    drop: float = DEFAULT_DROP,
    min_history: int = DEFAULT_MIN_HISTORY,
) -> Suggestion | None:
    """A suggestion when this round's participation rate fell sharply, else None.

    It carries ways to make the rituals lighter (``ENERGIZING_IDEAS``) and, from each
    adopted pattern, the first implementation step whose title speaks to participation
    (at most ``MAX_PARTICIPATION_STEPS`` in all).
    """
    if not participation_drop(history, current, window=window, drop=drop, min_history=min_history):
        return None
    trailing = trailing_mean(history, window) or 0.0
    rounds = min(window, len(history))
    return Suggestion(
        kind=SuggestionKind.PARTICIPATION,
        pattern_slug="",
        pattern_title="",
        sign_id=PARTICIPATION_SIGN_ID,
        title="Fewer members are answering",
        text=(
            f"{_percent(current)} of members took part this round, against about "
            f"{_percent(trailing)} over the previous {rounds} rounds."
        ),
        steps=participation_steps(patterns),
        ideas=ENERGIZING_IDEAS,
    )


def participation_steps(patterns: Iterable[Pattern]) -> tuple[SuggestedStep, ...]:
    found: list[SuggestedStep] = []
    for pattern in patterns:
        step = next((s for s in pattern.steps if _stems(s.title) & _PARTICIPATION_STEMS), None)
        if step is not None:
            found.append(_suggested(pattern, step))
        if len(found) == MAX_PARTICIPATION_STEPS:
            break
    return tuple(found)


def is_about_feedback(sign: Sign) -> bool:
    """Whether a sign speaks of missing feedback or flow, from the words of its title and text.

    A word check, deliberately simple: a stem from ``_FEEDBACK_STEMS`` anywhere, or a verb
    from ``_BACK_VERBS`` followed by "back". Stemming catches "flows", "loops", "silence";
    whole-word matching keeps "workflow" out.
    """
    words = _words(" ".join((sign.title, sign.text, sign.survey_wording or "")))
    stems = [str(s) for s in _stemmer.stemWords(words)]
    if _FEEDBACK_STEMS.intersection(stems):
        return True
    return any(
        stem in _BACK_VERBS and following == "back"
        for stem, following in zip(stems, words[1:], strict=False)
    )


def months_between(start: datetime, end: datetime) -> float:
    """Calendar months from ``start`` to ``end`` (Jan 1 -> Jul 1 is exactly 6), 0 if not after.

    Counted on the calendar rather than as days / 30 so that rounds opened on the same day
    of each month are whole months apart; a start on the 31st counts a month as reaching
    the last day of a shorter month.
    """
    if end <= start:
        return 0.0
    whole = (end.year - start.year) * 12 + end.month - start.month
    anchor = _add_months(start, whole)
    if anchor > end:
        whole -= 1
        anchor = _add_months(start, whole)
    following = _add_months(start, whole + 1)
    return whole + (end - anchor) / (following - anchor)


def _decide(
    pattern: Pattern, sign: Sign, run: Sequence[datetime]
) -> tuple[SuggestionKind, tuple[SuggestedStep, ...], tuple[SuggestedStep, ...]]:
    if _persisted(pattern, run):
        return SuggestionKind.REPLANT, (), ()
    steps = tuple(_suggested(pattern, s) for s in pattern.remedy_for(sign.id))
    feedback: tuple[SuggestedStep, ...] = ()
    if is_about_feedback(sign):
        given = {s.number for s in steps}
        numbers = dict.fromkeys(n for n in pattern.feedback_steps if n not in given)
        feedback = tuple(_suggested(pattern, s) for n in numbers if (s := pattern.step(n)))
    if steps or feedback:
        return SuggestionKind.REMEDY, steps, feedback
    return SuggestionKind.REFLECT, (), ()


def _persisted(pattern: Pattern, run: Sequence[datetime]) -> bool:
    replant = pattern.replant
    if replant is None or not replant.text.strip():
        return False
    min_months = replant.min_months
    if min_months is None or min_months <= 0:
        return len(run) >= DEFAULT_REPLANT_ROUNDS
    return months_between(run[0], run[-1] + REPLANT_GRACE) >= min_months


def _current_run(now: Crossing, history: Sequence[tuple[datetime, bool]]) -> list[datetime]:
    """Opening times of the unbroken run of crossed rounds ending with ``now``, oldest first."""
    earlier = sorted(
        (Crossing(*entry) for entry in history if entry[0] < now.opened_at),
        key=lambda c: c.opened_at,
    )
    run = [now.opened_at]
    for entry in reversed(earlier):
        if not entry.crossed:
            break
        run.append(entry.opened_at)
    run.reverse()
    return run


def _body(pattern: Pattern, sign: Sign, kind: SuggestionKind) -> str:
    if kind is SuggestionKind.REPLANT and pattern.replant is not None:
        return trim(_flat(pattern.replant.text), REPLANT_TEXT_MAX)
    return trim(_flat(sign.text), SIGN_TEXT_MAX)


def _sign_title(sign: Sign) -> str:
    title = _flat(sign.title) or sign.id.replace("-", " ")
    return title.rstrip(" .:;")


def _suggested(pattern: Pattern, step: Step) -> SuggestedStep:
    return SuggestedStep(
        pattern.slug, step.number, _flat(step.title), trim(_flat(step.text), STEP_TEXT_MAX)
    )


def _add_months(moment: datetime, months: int) -> datetime:
    years, month_index = divmod(moment.month - 1 + months, 12)
    year = moment.year + years
    month = month_index + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.casefold())


def _stems(text: str) -> set[str]:
    return {str(s) for s in _stemmer.stemWords(_words(text))}


def _flat(text: str) -> str:
    return " ".join(text.split())


def _percent(rate: float) -> str:
    return f"{int(rate * 100 + 0.5)}%"

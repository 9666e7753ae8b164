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
   ``patterns.feedback``). A pattern without replanting text falls back to this.
3. **reflect** otherwise: the sign's name and meaning, with a few questions for the
   community to talk it over. A community that adopted a pattern with no mapped steps
   still hears that a sign crossed, and the conversation is the literature's preferred
   answer to a figure anyway.

A participation drop (see participation.py) gets its own **participation** suggestion.

What the community already did comes first (``vitality.follow_up``, whose docstring holds
those rules): nothing for a sign while a commitment for it awaits review, and a replant at
most once per the pattern's replant period, saying why it comes. Signs of one pattern that
call for the same advice (``advice_key``) share one post.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

import snowballstemmer

from vitalitybot.domain.records import Commitment, SuggestionKind
from vitalitybot.patterns.feedback import is_feedback_sign
from vitalitybot.patterns.model import Duration, Pattern, Sign, Step
from vitalitybot.render.message import trim
from vitalitybot.vitality.follow_up import (
    NO_HISTORY,
    Held,
    ReplantReason,
    SignHistory,
    commitment_pending,
    replant_check,
)
from vitalitybot.vitality.months import months_between
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
    reason: ReplantReason | None = None  # why a replant comes now


def suggest(
    pattern: Pattern,
    sign: Sign,
    current: tuple[datetime, bool],
    history: Sequence[tuple[datetime, bool]] = (),
    past: SignHistory = NO_HISTORY,
    *,
    at: datetime | None = None,
) -> Suggestion | None:
    """The suggestion for one sign after this round, or None.

    ``current`` is this round's ``(opened_at, crossed)``; ``history`` the sign's earlier
    rounds, oldest first (entries not before this round are ignored); ``past`` what the
    community did about the pattern before, and ``at`` the close (this round's opening
    when not given). Whether it was posted already is the outcomes table's business: it
    records each suggestion once per round.
    """
    now = Crossing(*current)
    if not now.crossed:
        return None
    if not any(s.id == sign.id for s in pattern.signs_of_decay):
        logger.debug("%s/%s is not a decay sign; no suggestion", pattern.slug, sign.id)
        return None
    if commitment_pending(past.commitments, pattern.slug, sign.id):
        logger.debug("%s/%s: a commitment awaits review; no suggestion", pattern.slug, sign.id)
        return None
    run = _current_run(now, history)
    kind, steps, feedback = _decide(pattern, sign, run)
    reason = None
    if kind is SuggestionKind.REPLANT:
        verdict = replant_check(pattern, sign.id, past, run_start=run[0], at=at or now.opened_at)
        if verdict is Held.QUIET:
            return None
        if verdict is Held.FALL_BACK:
            kind, steps, feedback = _without_replanting(pattern, sign)
        else:
            reason = verdict
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
        run_months=months_between(run[0], now.opened_at),
        reason=reason,
    )


def advice_key(suggestion: Suggestion) -> Hashable:
    """Suggestions with equal keys give the same advice and make one post.

    The same kind for the same pattern with the same steps: a remedy's steps, a
    replant's guidance (the pattern's, whichever sign), or a reflection's questions.
    """
    return (
        suggestion.kind,
        suggestion.pattern_slug,
        tuple(s.number for s in suggestion.steps),
        tuple(s.number for s in suggestion.feedback_steps),
        suggestion.text if suggestion.kind is SuggestionKind.REPLANT else "",
    )


def participation_suggestion(
    patterns: Iterable[Pattern],
    history: Sequence[float],
    current: float,
    *,
    window: int = DEFAULT_WINDOW,
    drop: float = DEFAULT_DROP,
    min_history: int = DEFAULT_MIN_HISTORY,
    commitments: Sequence[Commitment] = (),
) -> Suggestion | None:
    """A suggestion when this round's participation rate fell sharply, else None.

    None too while a commitment about participation (``commitments``) awaits review.

    It carries ways to make the rituals lighter (``ENERGIZING_IDEAS``) and, from each
    adopted pattern, the first implementation step whose title speaks to participation
    (at most ``MAX_PARTICIPATION_STEPS`` in all).
    """
    if not participation_drop(history, current, window=window, drop=drop, min_history=min_history):
        return None
    if commitment_pending(commitments, "", PARTICIPATION_SIGN_ID):
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


def _decide(
    pattern: Pattern, sign: Sign, run: Sequence[datetime]
) -> tuple[SuggestionKind, tuple[SuggestedStep, ...], tuple[SuggestedStep, ...]]:
    if _persisted(pattern, run):
        return SuggestionKind.REPLANT, (), ()
    return _without_replanting(pattern, sign)


def _without_replanting(
    pattern: Pattern, sign: Sign
) -> tuple[SuggestionKind, tuple[SuggestedStep, ...], tuple[SuggestedStep, ...]]:
    steps = tuple(_suggested(pattern, s) for s in pattern.remedy_for(sign.id))
    feedback: tuple[SuggestedStep, ...] = ()
    if is_feedback_sign(sign):
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


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.casefold())


def _stems(text: str) -> set[str]:
    return {str(s) for s in _stemmer.stemWords(_words(text))}


def _flat(text: str) -> str:
    return " ".join(text.split())


def _percent(rate: float) -> str:
    return f"{int(rate * 100 + 0.5)}%"

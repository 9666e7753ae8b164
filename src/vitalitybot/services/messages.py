"""The posts the services make, rendered from the templates in ``templates/``.

Each function gathers plain values (records, vitality dataclasses, Discord timestamps)
for one template and renders it; the wording is the template's business, so a
coordinator can change what the bot says without touching Python. Every variable a
template receives is listed in ``templates/README.md``. A post about a round states that
round's own minimum and anonymity (stored when it opened), never the community's
present settings, which apply to later rounds only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from vitalitybot.domain import scale
from vitalitybot.domain.records import (
    Community,
    Question,
    QuestionKind,
    Round,
    RoundKind,
    SuggestionKind,
)
from vitalitybot.patterns.model import Pattern
from vitalitybot.render.compose import render_message
from vitalitybot.render.message import CommitAction, Message
from vitalitybot.render.summary import duration_text
from vitalitybot.render.timestamps import discord_time
from vitalitybot.services.app import Services
from vitalitybot.services.views import (
    CommitmentChange,
    ParticipationView,
    SignMove,
    SignScoreView,
    share_percent,
    threshold_of,
)
from vitalitybot.vitality.follow_up import ReplantReason
from vitalitybot.vitality.prompts import (
    DEFAULT_PROMPTS,
    SHORT_ANSWER_HINT,
    Prompt,
    prompt_from_text,
)
from vitalitybot.vitality.suggestions import Suggestion

KIND_NAMES = {RoundKind.CHECKIN: "check-in", RoundKind.SURVEY: "survey"}
SUGGESTION_TEMPLATES = {
    SuggestionKind.REMEDY: "suggestion_remedy.md.j2",
    SuggestionKind.REPLANT: "suggestion_replant.md.j2",
    SuggestionKind.REFLECT: "suggestion_reflect.md.j2",
    SuggestionKind.PARTICIPATION: "suggestion_participation.md.j2",
}
_DEFAULT_BY_LABEL = {prompt.label: prompt for prompt in DEFAULT_PROMPTS}


def kind_name(kind: RoundKind | str) -> str:
    return KIND_NAMES[RoundKind(kind)]


def prompt_text(prompt: Prompt) -> str:
    """The words a check-in question is stored with: the prompt in full.

    ``checkin_prompts`` cuts a long pattern prompt to a 45-character label and keeps its
    full words (up to 100 characters) as the hint; the stored question keeps those.
    """
    if prompt.label in _DEFAULT_BY_LABEL or prompt.hint == SHORT_ANSWER_HINT:
        return prompt.label
    return prompt.hint


def prompt_for(question: Question) -> Prompt:
    """A check-in question as a modal input: a label of at most 45 characters and a hint."""
    default = _DEFAULT_BY_LABEL.get(question.text)
    return default if default is not None else prompt_from_text(question.text)


@dataclass(frozen=True, slots=True)
class PromptLine:
    number: int
    text: str
    hint: str  # empty when it would only say "a few words are enough"


@dataclass(frozen=True, slots=True)
class ItemGroup:
    title: str  # the pattern's title
    items: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class ScoreGroup:
    title: str
    decay: tuple[SignScoreView, ...]
    life: tuple[SignScoreView, ...]


def opening_message(
    svc: Services,
    community: Community,
    round_: Round,
    questions: Sequence[Question],
    patterns: Sequence[Pattern],
    changes: Sequence[CommitmentChange] = (),
) -> Message:
    """A round's opening post; ``changes`` are the commitments made, done or dropped since
    the previous round opened, which it begins with."""
    common = {
        **_round_context(community, round_),
        "pattern_titles": [p.title for p in patterns],
        "changes": list(changes),
    }
    if round_.kind is RoundKind.CHECKIN:
        prompts = []
        for question in questions:
            prompt = prompt_for(question)
            # A long prompt's hint is its own full words, which the line already shows.
            hint = "" if prompt.hint in (SHORT_ANSWER_HINT, question.text) else prompt.hint
            prompts.append(PromptLine(question.position, question.text, hint))
        return render_message(svc.env, "round_checkin.md.j2", prompts=prompts, **common)
    titles = {p.slug: p.title for p in patterns}
    groups: dict[str, list[Question]] = {}
    for question in questions:
        groups.setdefault(question.pattern_slug, []).append(question)
    return render_message(
        svc.env,
        "round_survey.md.j2",
        groups=[ItemGroup(titles.get(slug, slug), tuple(items)) for slug, items in groups.items()],
        items=list(questions),
        scale=scale.SCALE,
        high_words=scale.high_words(),
        min_respondents=round_.min_respondents,
        **common,
    )


def reminder_message(svc: Services, community: Community, round_: Round) -> Message:
    return render_message(
        svc.env,
        "reminder.md.j2",
        **_round_context(community, round_),
    )


def round_closed_message(svc: Services, community: Community, round_: Round) -> Message:
    """What the round's opening post says once the round has closed."""
    return render_message(
        svc.env,
        "round_closed.md.j2",
        **_round_context(community, round_),
        closed=discord_time(round_.closed_at or round_.closes_at),
    )


def results_message(
    svc: Services,
    community: Community,
    round_: Round,
    scores: Sequence[SignScoreView],
    participation: ParticipationView,
    moves: Mapping[tuple[str, str], SignMove] | None = None,
) -> Message:
    """A survey's results; ``moves`` (by pattern and sign) say how each sign with a
    figure moved since it last had one, and since a commitment about it was made."""
    groups: dict[str, tuple[list[SignScoreView], list[SignScoreView]]] = {}
    for score in scores:
        decay, life = groups.setdefault(score.pattern_title, ([], []))
        (decay if score.kind is QuestionKind.DECAY else life).append(score)
    threshold = threshold_of(community, round_)
    return render_message(
        svc.env,
        "round_results.md.j2",
        **_round_context(community, round_),
        participation=participation,
        groups=[ScoreGroup(title, tuple(d), tuple(li)) for title, (d, li) in groups.items()],
        any_visible=any(s.visible for s in scores),
        crossed=[s for s in scores if s.crossed and s.is_decay],
        moves=dict(moves or {}),
        threshold_percent=share_percent(threshold.share),
        high_words=scale.high_words(),
        min_respondents=threshold.min_respondents,
    )


@dataclass(frozen=True, slots=True)
class SuggestedSign:
    """One sign a suggestion post names: its suggestion, and its score when it may show."""

    suggestion: Suggestion
    score: SignScoreView | None
    run_months: int  # rounded


def suggestion_message(
    svc: Services,
    community: Community,
    round_: Round,
    suggestions: Sequence[Suggestion],
    ids: Sequence[int],
    patterns: Mapping[str, Pattern],
    scores: Sequence[SignScoreView] = (),
) -> Message:
    """One post for suggestions that give the same advice (one, or several signs of one
    pattern), with a "We'll try this" action naming their suggestion rows ``ids``.
    ``scores`` are the round's; a sign's is shown beside it (none for participation)."""
    by_sign = {(s.pattern_slug, s.sign_id): s for s in scores if s.visible}
    signs = [
        SuggestedSign(s, by_sign.get((s.pattern_slug, s.sign_id)), int(s.run_months + 0.5))
        for s in suggestions
    ]
    lead = suggestions[0]
    message = render_message(
        svc.env,
        SUGGESTION_TEMPLATES[lead.kind],
        community=community,
        round=round_,
        suggestion=lead,
        score=signs[0].score,
        run_months=signs[0].run_months,
        signs=signs,
        titles=_names([s.title for s in suggestions]),
        reasons=_reasons(suggestions),
        durations=[duration_text(d) for d in lead.durations],
        pattern_titles=_step_pattern_titles(lead, patterns),
        threshold_percent=share_percent(threshold_of(community, round_).share),
        high_words=scale.high_words(),
    )
    return replace(message, commit=CommitAction(round_.id, tuple(ids)))


def _names(titles: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C": the signs a post names, as its heading."""
    if len(titles) <= 1:
        return "".join(titles)
    return ", ".join(titles[:-1]) + " and " + titles[-1]


def _reasons(suggestions: Sequence[Suggestion]) -> list[ReplantReason]:
    """The distinct reasons of a post's replants, in the order of its signs."""
    return list(dict.fromkeys(s.reason for s in suggestions if s.reason is not None))


def _round_context(community: Community, round_: Round) -> dict[str, Any]:
    """What every template about a round is given: the community, the round, its kind and
    when it closes (a Discord timestamp: each reader sees their own clock)."""
    return {
        "community": community,
        "round": round_,
        "kind_name": kind_name(round_.kind),
        "closes": discord_time(round_.closes_at),
    }


def _step_pattern_titles(suggestion: Suggestion, patterns: Mapping[str, Pattern]) -> dict[str, str]:
    """Titles of the patterns the suggested steps come from (participation mixes them)."""
    slugs = {step.pattern_slug for step in (*suggestion.steps, *suggestion.feedback_steps)}
    return {slug: patterns[slug].title if slug in patterns else slug for slug in slugs}

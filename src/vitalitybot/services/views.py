"""Figures as the services hand them out: already cut to what may be shown.

Below a round's minimum number of respondents a score carries no figure at all, not
even its count: with two answers a "mean" is close to one person's answer, and the
promise of anonymity is kept here, once, rather than in every template and adapter.
The minimum is the one the round stored when it opened (``Round.min_respondents``),
never the community's present setting, so changing that setting cannot reveal answers
given under a higher one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from vitalitybot.domain.records import (
    CommitmentStatus,
    Community,
    Question,
    QuestionKind,
    Round,
    ScorePoint,
    ScoreRecord,
)
from vitalitybot.patterns.model import Pattern
from vitalitybot.render.timestamps import Timestamp
from vitalitybot.render.words import plural
from vitalitybot.vitality.participation import participation_rate
from vitalitybot.vitality.scores import SignScore, Threshold, crosses, display, visible
from vitalitybot.vitality.survey import item_text

# Storage accepts a threshold of 0; the scorer needs a positive share. A community set to
# 0 means "tell us about everything", which the smallest positive share also means.
_MIN_SHARE = 1e-6


def threshold_of(community: Community, round_: Round) -> Threshold:
    """The rule ``round_``'s figures are shown by: the minimum it promised when it opened.

    The share stays the community's present one: it decides which signs cross, and so
    the suggestions made at close, and hides no answer whatever its value.
    """
    return Threshold(
        share=min(max(community.threshold, _MIN_SHARE), 1.0),
        min_respondents=max(round_.min_respondents, 1),
    )


@dataclass(frozen=True, slots=True)
class SignScoreView:
    """One sign's score in one round, with figures only when enough people answered."""

    pattern_slug: str
    pattern_title: str
    sign_id: str
    sign_title: str
    kind: QuestionKind  # DECAY or LIFE
    question: str  # the item as members read it
    visible: bool
    n: int | None  # None below the minimum, like every figure
    mean: float | None
    share_high: float | None
    crossed: bool  # at or over the threshold with enough answers (good news for LIFE)
    line: str  # the one-line summary members and coordinators read

    @property
    def is_decay(self) -> bool:
        return self.kind is QuestionKind.DECAY


def score_view(
    patterns: Mapping[str, Pattern],
    *,
    pattern_slug: str,
    sign_id: str,
    kind: QuestionKind | None,
    question: str | None,
    n: int,
    mean: float | None,
    share_high: float | None,
    threshold: Threshold,
) -> SignScoreView:
    """Build a view from raw figures; ``kind``/``question`` are looked up when unknown."""
    pattern = patterns.get(pattern_slug)
    sign = pattern.sign(sign_id) if pattern is not None else None
    if kind is None:
        is_decay = pattern is None or any(s.id == sign_id for s in pattern.signs_of_decay)
        kind = QuestionKind.DECAY if is_decay else QuestionKind.LIFE
    if question is None:
        question = item_text(sign) if sign is not None else sign_id.replace("-", " ")
    score = SignScore(n=n, mean=mean or 0.0, share_high=share_high or 0.0)
    shown = visible(score, threshold)
    return SignScoreView(
        pattern_slug=pattern_slug,
        pattern_title=pattern.title if pattern is not None else pattern_slug,
        sign_id=sign_id,
        sign_title=_sign_title(sign.title if sign is not None else "", sign_id),
        kind=kind,
        question=question,
        visible=shown,
        n=n if shown else None,
        mean=score.mean if shown else None,
        share_high=score.share_high if shown else None,
        crossed=crosses(score, threshold),
        line=display(score, threshold),
    )


def _sign_title(title: str, sign_id: str) -> str:
    text = " ".join(title.split()).rstrip(" .:;")
    return text or sign_id.replace("-", " ")


@dataclass(frozen=True, slots=True)
class ParticipationView:
    """Who took part in a round: answered, skipped, and out of how many."""

    respondents: int  # answered
    skipped: int
    eligible: int | None  # members who could answer, when the directory knew

    @property
    def rate(self) -> float | None:
        if not self.eligible:
            return None
        return participation_rate(self.respondents, self.eligible)

    @property
    def text(self) -> str:
        """ "4 of 10 members answered (40%)", or "4 members answered" without a count."""
        if self.eligible:
            rate = self.rate or 0.0
            of = f"{self.respondents} of {plural(self.eligible, 'member')}"
            return f"{of} answered ({int(rate * 100 + 0.5)}%)"
        return f"{plural(self.respondents, 'member')} answered"


def history_view(
    patterns: Mapping[str, Pattern], community: Community, round_: Round, point: ScorePoint
) -> SignScoreView:
    """A stored score from the community's history, cut by its own round's minimum."""
    return score_view(
        patterns,
        pattern_slug=point.score.pattern_slug,
        sign_id=point.score.sign_id,
        kind=None,
        question=None,
        n=point.score.n,
        mean=point.score.mean,
        share_high=point.score.share_high,
        threshold=threshold_of(community, round_),
    )


def stored_score_views(
    patterns: Mapping[str, Pattern],
    stored: Sequence[ScoreRecord],
    questions: Sequence[Question],
    threshold: Threshold,
) -> list[SignScoreView]:
    """Saved scores of a closed round as views, in the order the round asked them."""
    by_sign = {(q.pattern_slug, q.sign_id): q for q in questions if q.sign_id is not None}
    views = []
    for score in stored:
        question = by_sign.get((score.pattern_slug, score.sign_id))
        views.append(
            score_view(
                patterns,
                pattern_slug=score.pattern_slug,
                sign_id=score.sign_id,
                kind=question.kind if question is not None else None,
                question=question.text if question is not None else None,
                n=score.n,
                mean=score.mean,
                share_high=score.share_high,
                threshold=threshold,
            )
        )
    position = {key: q.position for key, q in by_sign.items()}
    return sorted(views, key=lambda v: position.get((v.pattern_slug, v.sign_id), 0))


def share_percent(share: float) -> int:
    """A share as the whole percent every post shows, rounded half up."""
    return int(share * 100 + 0.5)


class Direction(StrEnum):
    """How a sign's share moved since the last round that asked it with enough answers."""

    UP = "up"
    DOWN = "down"
    SAME = "same"
    FIRST = "first"  # no earlier round asked it
    UNKNOWN = "unknown"  # asked before, but never by enough people to show a figure


@dataclass(frozen=True, slots=True)
class BeforeAfter:
    """A sign's share before a commitment was made and now, both shown under the minimum."""

    commitment: str  # the community's own words
    before_percent: int
    now_percent: int


@dataclass(frozen=True, slots=True)
class SignMove:
    """Where a visible sign stands against its own past; none for a sign without a figure."""

    direction: Direction
    previous_percent: int | None  # the share last time, when there was a figure
    before_after: tuple[BeforeAfter, ...] = ()


@dataclass(frozen=True, slots=True)
class CommitmentChange:
    """One commitment as the next round's opening tells it."""

    words: str  # the community's own words
    status: CommitmentStatus  # OPEN: made since last time; DONE or DROPPED: closed since
    made_on: Timestamp  # the day it was made, as a Discord date each reader sees in their zone

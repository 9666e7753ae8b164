"""Following commitments up: what changed since last time, how signs moved, what to ask.

The posts of the next rounds close the loop a commitment opens; this module gathers the
plain values they need from the tables, and the templates word them.

Decisions worth knowing:

* **"Since last time" is since the community's previous round opened**, of either kind:
  members read the openings one after the other, so each tells what changed since the
  one before. A round the bot slept through (missed) was never posted and does not
  count. A commitment made and closed in between is told once, as it stands.
* **Before and now are each judged under their own round's minimum.** Before is the
  sign's share in the latest round that opened before the commitment was made and that
  asked the sign with enough answers; now is this round's. With either missing there is
  no before/after line. A commitment's before/after is shown by the round that weighs
  it, which the close records (``Commitment.reviewed_round_id``, by the rule of
  ``vitality.follow_up.weighed_by``) before this module reads it: later results
  compare with last time only.
* **Up or down compares with the last round that asked the sign with enough answers**,
  so a survey that rotated the sign out, or one too few answered, is skipped rather
  than read as a change.
* **A check-in asks about a commitment once it is due**: its review date has passed or,
  with none, ``REVIEW_AFTER`` has gone by since it was made (about the monthly rhythm
  most communities survey at, long enough for a change to show). It is asked once: no
  check-in asks again while one of the last ``RECENT_ROUNDS`` carried its question, so
  a commitment left open for months is asked about again only after that many.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from vitalitybot.domain.records import (
    Commitment,
    CommitmentStatus,
    Community,
    QuestionKind,
    Round,
    RoundKind,
    RoundStatus,
    ScorePoint,
)
from vitalitybot.render.timestamps import discord_time
from vitalitybot.services.messages import prompt_text
from vitalitybot.services.views import (
    BeforeAfter,
    CommitmentChange,
    Direction,
    SignMove,
    SignScoreView,
    share_percent,
)
from vitalitybot.storage import Repositories
from vitalitybot.vitality.prompts import MAX_REVIEW_PROMPTS, Prompt, review_prompt
from vitalitybot.vitality.scores import SignScore, Threshold, visible

REVIEW_AFTER = timedelta(days=30)
RECENT_ROUNDS = 12  # rounds looked back over for the previous opening and earlier check-ins

SignKey = tuple[str, str]  # (pattern_slug, sign_id)


async def changes_since_last(
    repos: Repositories, community: Community, opened_at: datetime, round_id: int | None = None
) -> list[CommitmentChange]:
    """Commitments made, done or dropped since the round before the one opening at
    ``opened_at`` opened; ``round_id`` is that round's, once it is stored (None: it is not
    yet, and sorts after every round opened at the same time)."""
    since = await _previous_opening(repos, community, opened_at, round_id)
    return [
        CommitmentChange(c.text, c.status, discord_time(c.created_at, "D"))
        for c in await repos.commitments.changed_since(community.id, since)
    ]


async def sign_moves(
    repos: Repositories, community: Community, round_: Round, scores: Sequence[SignScoreView]
) -> dict[SignKey, SignMove]:
    """Up/down and before/after for every sign of ``round_`` that shows a figure."""
    shown = {(s.pattern_slug, s.sign_id): s for s in scores if s.share_high is not None}
    if not shown:
        return {}
    earlier: dict[SignKey, list[ScorePoint]] = {}
    for point in await repos.outcomes.score_history(community.id):
        key = (point.score.pattern_slug, point.score.sign_id)
        if key in shown and _before(point, round_):
            earlier.setdefault(key, []).append(point)
    commitments: dict[SignKey, list[Commitment]] = {}
    for commitment in await repos.commitments.for_signs(community.id, list(shown)):
        if commitment.reviewed_round_id == round_.id:
            for sign in commitment.sign_ids:
                commitments.setdefault((commitment.pattern_slug, sign), []).append(commitment)
    return {
        key: _move(score, earlier.get(key, []), commitments.get(key, []))
        for key, score in shown.items()
    }


async def review_prompts(repos: Repositories, community: Community, at: datetime) -> list[Prompt]:
    """Questions about the community's open commitments due for review at ``at``, oldest
    first, leaving out those an earlier check-in already asked."""
    due = [
        c
        for c in await repos.commitments.recent(community.id, statuses=[CommitmentStatus.OPEN])
        if (c.review_at or c.created_at + REVIEW_AFTER) <= at
    ]
    if not due:
        return []
    checkins = [
        r
        for r in await repos.rounds.list_recent(
            community.id, kind=RoundKind.CHECKIN, limit=RECENT_ROUNDS
        )
        if r.status is not RoundStatus.MISSED
    ]
    asked: list[tuple[datetime, str]] = []
    for checkin in checkins:
        for question in await repos.rounds.list_questions(community.id, checkin.id):
            if question.kind is QuestionKind.PROMPT:
                asked.append((checkin.opened_at, question.text))
    prompts: list[Prompt] = []
    for commitment in reversed(due):  # recent() is newest first
        prompt = review_prompt(commitment.text)
        text = prompt_text(prompt)
        if not any(when >= commitment.created_at and q == text for when, q in asked):
            prompts.append(prompt)
    return prompts[:MAX_REVIEW_PROMPTS]


def _move(
    score: SignScoreView, earlier: Sequence[ScorePoint], commitments: Sequence[Commitment]
) -> SignMove:
    assert score.share_high is not None  # sign_moves passes only signs with a figure
    now = share_percent(score.share_high)
    figures = [p for p in earlier if _has_figure(p)]
    before_after = []
    for commitment in commitments:
        before = [p for p in figures if p.opened_at < commitment.created_at]
        if before:
            then = _percent_of(before[-1])
            before_after.append(BeforeAfter(commitment.text, then, now))
    if not figures:
        direction = Direction.UNKNOWN if earlier else Direction.FIRST
        return SignMove(direction, None, tuple(before_after))
    previous = _percent_of(figures[-1])
    direction = (
        Direction.UP if now > previous else Direction.DOWN if now < previous else Direction.SAME
    )
    return SignMove(direction, previous, tuple(before_after))


def _before(point: ScorePoint, round_: Round) -> bool:
    return point.score.round_id != round_.id and point.opened_at <= round_.opened_at


def _has_figure(point: ScorePoint) -> bool:
    """Whether that round showed a figure for the sign, under its own minimum."""
    minimum = Threshold(min_respondents=max(point.min_respondents, 1))
    return point.score.share_high is not None and visible(SignScore(point.score.n, 0, 0), minimum)


def _percent_of(point: ScorePoint) -> int:
    assert point.score.share_high is not None  # checked by _has_figure
    return share_percent(point.score.share_high)


async def _previous_opening(
    repos: Repositories, community: Community, opened_at: datetime, round_id: int | None
) -> datetime:
    """When the community's round before the given one opened; its creation with none."""
    this = (opened_at, math.inf if round_id is None else round_id)
    for earlier in await repos.rounds.list_recent(community.id, limit=RECENT_ROUNDS):
        if earlier.id == round_id or earlier.status is RoundStatus.MISSED:
            continue
        if (earlier.opened_at, earlier.id) < this:
            return earlier.opened_at
    return community.created_at

"""What a community already did about a sign: the history a suggestion has to respect.

A suggestion that ignores what came before teaches members that the bot does not listen.
The rules here decide, from commitments and earlier suggestions (read by the close from
the database), whether a round may weigh a commitment and whether a new suggestion may
come. They are plain functions over records, so a test can state a history in a line.

* **A round weighs a commitment** (its before and after can be told) when the commitment
  was made before the round opened, any of its signs was asked *and* enough people
  answered to show a figure, and its review date, if it has one, has come by the close. A
  round that showed no figure for the sign weighs nothing: it is no evidence either way.
  Participation (sign ``participation``, no pattern) is "asked" by every round whose
  response rate is known.
* **No suggestion for a sign while a commitment for it is open and not yet weighed**: the
  community is trying something, and the next round that asks the sign will tell whether
  it helped. Once weighed (or marked done or dropped) the sign may be suggested again.
* **A replant comes at most once per replant period** for a pattern in one community: the
  shortest time the pattern's "When to replant" names, or ``DEFAULT_REPLANT_MONTHS`` when
  it names none. Starting afresh needs as long to show its effect as the decay took to
  call for it, so the period is counted from the last replant post. When a commitment
  was made from that post, the next replant also waits until every such commitment has
  been weighed (or closed), so that it can say whether the decay lasted through it.
* **While a replant is held back**, what the sign gets depends on whether the last
  replant was taken up. Not taken up (no acknowledgement, no commitment): nothing new,
  since smaller advice under a replant nobody has answered would only bury it. Taken up
  (a coordinator acknowledged it, or a commitment was made from it or for the sign since
  it): the pattern's remedy, or the questions to talk over, as it would without
  replanting; the community is working on it, and concrete steps help more than silence.
* **A replant says why**: the decay lasted through the latest commitment for the sign (or
  made from the last replant) that was made during this run of decay and has been
  weighed; failing that, how many months passed with no commitment (since the last
  replant, or since the decay began).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from vitalitybot.domain.records import Commitment, SuggestionKind, SuggestionRecord
from vitalitybot.patterns.model import Pattern
from vitalitybot.vitality.months import months_between

DEFAULT_REPLANT_MONTHS = 6.0
# A round closed a little earlier in the month than the last still counts a full period.
PERIOD_GRACE = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class SignHistory:
    """What the community did before this close about one pattern's signs.

    ``commitments``: the pattern's commitments (any status), oldest first.
    ``replants``: the pattern's earlier replant suggestions in this community, oldest
    first; the rows of one post share its round.
    """

    commitments: tuple[Commitment, ...] = ()
    replants: tuple[SuggestionRecord, ...] = ()


NO_HISTORY = SignHistory()


@dataclass(frozen=True, slots=True)
class ReplantReason:
    """Why a replant comes now.

    ``commitment`` and ``committed_at`` name the commitment the decay lasted through;
    when there was none, ``months`` says how long passed without one: since the last
    replant post when ``after_replant``, else since the decay began.
    """

    commitment: str = ""
    committed_at: datetime | None = None
    months: int = 0
    after_replant: bool = False


class Held(Enum):
    """A replant held back, and what the sign gets instead."""

    QUIET = "nothing new"
    FALL_BACK = "the remedy or the questions"


def weighed_by(
    commitments: Sequence[Commitment],
    asked: Collection[tuple[str, str]],
    *,
    opened_at: datetime,
    closed_at: datetime,
) -> list[Commitment]:
    """The commitments awaiting review that a round weighs (see the module docstring).

    ``asked`` holds the ``(pattern_slug, sign_id)`` the round showed a figure for.
    """
    return [
        c
        for c in commitments
        if c.awaiting_review
        and c.created_at < opened_at
        and (c.review_at is None or c.review_at <= closed_at)
        and any((c.pattern_slug, sign) in asked for sign in c.sign_ids)
    ]


def commitment_pending(commitments: Sequence[Commitment], pattern_slug: str, sign_id: str) -> bool:
    """An open commitment for this sign that no round has weighed yet."""
    return any(
        c.awaiting_review and c.pattern_slug == pattern_slug and sign_id in c.sign_ids
        for c in commitments
    )


def replant_period(pattern: Pattern) -> float:
    """Months between two replant posts for ``pattern``, at the least."""
    stated = pattern.replant.min_months if pattern.replant is not None else None
    return stated if stated is not None and stated > 0 else DEFAULT_REPLANT_MONTHS


def replant_check(
    pattern: Pattern,
    sign_id: str,
    history: SignHistory,
    *,
    run_start: datetime,
    at: datetime,
) -> ReplantReason | Held:
    """Whether a replant for ``sign_id`` may come at ``at``, and why; or what holds it."""
    last = _last_post(history.replants)
    if not last:
        return _reason(history.commitments, sign_id, frozenset(), run_start, run_start, at)
    posted = min(r.posted_at for r in last)
    ids = frozenset(r.id for r in last)
    answers = [c for c in history.commitments if c.suggestion_id in ids]
    held = months_between(posted, at + PERIOD_GRACE) < replant_period(pattern) or any(
        c.awaiting_review for c in answers
    )
    if not held:
        return _reason(history.commitments, sign_id, ids, run_start, posted, at)
    taken_up = (
        any(r.acknowledged_at is not None for r in last)
        or bool(answers)
        or any(sign_id in c.sign_ids and c.created_at >= posted for c in history.commitments)
    )
    return Held.FALL_BACK if taken_up else Held.QUIET


def _last_post(replants: Sequence[SuggestionRecord]) -> list[SuggestionRecord]:
    """The rows of the latest replant post (one per sign it named)."""
    rows = [r for r in replants if r.kind is SuggestionKind.REPLANT]
    if not rows:
        return []
    latest = max(rows, key=lambda r: (r.posted_at, r.id))
    return [r for r in rows if r.round_id == latest.round_id]


def _reason(
    commitments: Sequence[Commitment],
    sign_id: str,
    replant_ids: Collection[int],
    run_start: datetime,
    since: datetime,
    at: datetime,
) -> ReplantReason:
    through = [
        c
        for c in commitments
        if (sign_id in c.sign_ids or c.suggestion_id in replant_ids)
        and c.created_at >= run_start
        and not c.awaiting_review
    ]
    if through:
        latest = through[-1]
        return ReplantReason(commitment=latest.text, committed_at=latest.created_at)
    return ReplantReason(
        months=int(months_between(since, at) + 0.5), after_replant=bool(replant_ids)
    )

"""Closing a round: score it, decide the suggestions, keep the harvest, then post.

Decisions worth knowing:

* **Closing is exactly-once.** The close marks the round closed, scores it, records the
  suggestions (unique per round, sign and kind) and the harvest, and stores its posts
  in the outbox, all in one transaction; the posts go out after it commits
  (services/outbox.py). A second close (a double fire, a retry, a restart) finds the
  round closed and stores nothing; a crash between commit and post leaves the posts in
  the outbox, sent at the next start.
* **Persistence of decay** (for replanting) is judged on the rounds in which the sign was
  asked *and* enough people answered. A survey rotates its items, so a round that did
  not ask a sign says nothing about it; a round where it was asked but fewer than the
  minimum answered is "unknown", not "healthy". Neither breaks a run of crossed rounds.
  Each earlier round is judged by the minimum it promised, as its own results were.
* **Participation** is compared with earlier closed rounds of the same kind (check-ins
  with check-ins), those for which the member directory gave a count.
* **Commitments are weighed before anything is suggested**, in the same transaction:
  the close marks the commitments this round weighs (``vitality.follow_up.weighed_by``)
  as reviewed by it, then reads each sign's commitments and earlier replants so the
  suggestion rules see what the community already did.
* **One post per piece of advice**: the suggestions are recorded one row per sign, and
  those giving the same advice (``advice_key``) are posted together, the post naming
  every row it carries so a commitment made from it answers all of its signs.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace

from vitalitybot.domain.posts import PostKind
from vitalitybot.domain.records import (
    Community,
    Harvest,
    RespondentStatus,
    Round,
    RoundKind,
    RoundStatus,
    ScoreRecord,
    SuggestionKind,
)
from vitalitybot.patterns.model import Pattern
from vitalitybot.render.message import CommitAction, Message
from vitalitybot.services.answers import live_score_views
from vitalitybot.services.app import (
    Services,
    community_by_id,
    write_turn,
)
from vitalitybot.services.errors import RoundClosed, RoundNotFound
from vitalitybot.services.follow_up import sign_moves
from vitalitybot.services.harvest import harvest_message, store_harvest
from vitalitybot.services.messages import (
    kind_name,
    results_message,
    round_closed_message,
    suggestion_message,
)
from vitalitybot.services.outbox import send_pending, store_post
from vitalitybot.services.rounds import patterns_of, round_in
from vitalitybot.services.views import (
    ParticipationView,
    SignMove,
    SignScoreView,
    stored_score_views,
    threshold_of,
)
from vitalitybot.storage import Repositories
from vitalitybot.vitality.follow_up import SignHistory, weighed_by
from vitalitybot.vitality.suggestions import (
    PARTICIPATION_SIGN_ID,
    Suggestion,
    advice_key,
    participation_suggestion,
    suggest,
)

logger = logging.getLogger(__name__)

PARTICIPATION_HISTORY = 12  # earlier rounds looked at for the trailing participation rate


@dataclass(frozen=True, slots=True)
class CloseResult:
    round: Round
    closed_now: bool  # False: it was closed already, and nothing was posted this time
    participation: ParticipationView
    scores: tuple[SignScoreView, ...]
    suggestions: tuple[Suggestion, ...]  # posted by this close
    harvest: Harvest | None


@dataclass(frozen=True, slots=True)
class SuggestionPost:
    """One suggestion post: signs of one pattern calling for the same advice, and the
    ids of the suggestion rows recorded for them, in the same order."""

    suggestions: tuple[Suggestion, ...]
    ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Settled:
    participation: ParticipationView
    scores: tuple[SignScoreView, ...]
    posts: tuple[SuggestionPost, ...]
    harvest: Harvest | None
    moves: Mapping[tuple[str, str], SignMove] = field(default_factory=dict)

    @property
    def suggestions(self) -> tuple[Suggestion, ...]:
        return tuple(s for post in self.posts for s in post.suggestions)


async def close_round(svc: Services, community_id: int, round_id: int) -> CloseResult:
    """Close, score and harvest a round, then post what came of it; idempotent."""
    now = svc.now()
    async with write_turn(svc), svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        if await repos.rounds.get(community_id, round_id) is None:
            raise RoundNotFound()
        closed_now = await repos.rounds.close(community_id, round_id, at=now)
        round_ = await repos.rounds.get(community_id, round_id)
        assert round_ is not None  # read just above, in this community
        if closed_now:
            settled = await _settle(svc, repos, community, round_)
            await _store_outcome(svc, repos, community, round_, settled)
        else:
            settled = await _as_settled(svc, repos, community, round_)
    if closed_now:
        logger.info("community %s: closed %s %s", community_id, round_.kind, round_.period)
    await send_pending(svc, community_id)
    return CloseResult(
        round=round_,
        closed_now=closed_now,
        participation=settled.participation,
        scores=settled.scores,
        suggestions=settled.suggestions if closed_now else (),
        harvest=settled.harvest,
    )


async def close_now(svc: Services, community_id: int, round_id: int) -> CloseResult:
    """A coordinator's "close this round now"."""
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        round_ = await round_in(repos, community, round_id)
    if round_.status is not RoundStatus.OPEN:
        raise RoundClosed(f"This {kind_name(round_.kind)} is already {round_.status.value}.")
    return await close_round(svc, community.id, round_id)


async def _participation(
    repos: Repositories, community: Community, round_: Round
) -> ParticipationView:
    answered = await repos.answers.count_respondents(
        community.id, round_.id, RespondentStatus.ANSWERED
    )
    skipped = await repos.answers.count_respondents(
        community.id, round_.id, RespondentStatus.SKIPPED
    )
    return ParticipationView(answered, skipped, round_.eligible_members)


async def _settle(
    svc: Services, repos: Repositories, community: Community, round_: Round
) -> _Settled:
    """Everything the close stores, in the close's transaction."""
    threshold = threshold_of(community, round_)
    participation = await _participation(repos, community, round_)
    aggregates = await repos.answers.aggregate(community.id, round_.id)
    scores = await live_score_views(svc, repos, community, round_.id, threshold, aggregates)
    by_sign = {(a.pattern_slug, a.sign_id): a for a in aggregates if a.sign_id is not None}
    await repos.outcomes.save_scores(
        community.id,
        round_.id,
        [
            ScoreRecord(
                round_id=round_.id,
                pattern_slug=view.pattern_slug,
                sign_id=view.sign_id,
                n=by_sign[(view.pattern_slug, view.sign_id)].n,
                mean=by_sign[(view.pattern_slug, view.sign_id)].mean,
                share_high=by_sign[(view.pattern_slug, view.sign_id)].share_high,
                crossed=view.crossed,
            )
            for view in scores
        ],
    )
    await _review_commitments(svc, repos, community, round_, scores, participation)
    recorded: list[tuple[Suggestion, int]] = []
    for view in scores:
        if view.crossed and view.is_decay:
            found = await _sign_suggestion(svc, repos, community, round_, view)
            if found is not None:
                recorded.append(found)
    dropped = await _participation_suggestion(svc, repos, community, round_, participation)
    if dropped is not None:
        recorded.append(dropped)
    harvest = None
    if round_.kind is RoundKind.CHECKIN:
        harvest = await store_harvest(svc, repos, community, round_, participation)
    moves = await sign_moves(repos, community, round_, scores)
    return _Settled(participation, tuple(scores), _by_advice(recorded), harvest, moves)


async def _review_commitments(
    svc: Services,
    repos: Repositories,
    community: Community,
    round_: Round,
    scores: list[SignScoreView],
    participation: ParticipationView,
) -> None:
    """Mark the commitments this round weighs as reviewed by it."""
    asked = {(view.pattern_slug, view.sign_id) for view in scores if view.visible}
    if participation.rate is not None:
        asked.add(("", PARTICIPATION_SIGN_ID))
    due = weighed_by(
        await repos.commitments.awaiting_review(community.id),
        asked,
        opened_at=round_.opened_at,
        closed_at=svc.now(),
    )
    await repos.commitments.mark_reviewed(community.id, [c.id for c in due], round_.id)


def _by_advice(recorded: list[tuple[Suggestion, int]]) -> tuple[SuggestionPost, ...]:
    groups: dict[Hashable, list[tuple[Suggestion, int]]] = {}
    for suggestion, row_id in recorded:
        groups.setdefault(advice_key(suggestion), []).append((suggestion, row_id))
    return tuple(
        SuggestionPost(tuple(s for s, _ in group), tuple(i for _, i in group))
        for group in groups.values()
    )


async def _as_settled(
    svc: Services, repos: Repositories, community: Community, round_: Round
) -> _Settled:
    """What an earlier close left, for a close that found the round already closed."""
    threshold = threshold_of(community, round_)
    stored = await repos.outcomes.list_scores(community.id, round_.id)
    questions = await repos.rounds.list_questions(community.id, round_.id)
    return _Settled(
        participation=await _participation(repos, community, round_),
        scores=tuple(stored_score_views(svc.patterns, stored, questions, threshold)),
        posts=(),
        harvest=await repos.outcomes.get_harvest(community.id, round_.id),
    )


async def _sign_suggestion(
    svc: Services,
    repos: Repositories,
    community: Community,
    round_: Round,
    view: SignScoreView,
) -> tuple[Suggestion, int] | None:
    pattern = svc.patterns.get(view.pattern_slug)
    sign = pattern.sign(view.sign_id) if pattern is not None else None
    if pattern is None or sign is None:
        logger.warning("sign %s/%s is no longer in the library", view.pattern_slug, view.sign_id)
        return None
    history = [
        (point.opened_at, point.score.crossed)
        for point in await repos.outcomes.score_history(
            community.id, pattern_slug=view.pattern_slug, sign_id=view.sign_id
        )
        if point.score.round_id != round_.id and point.score.n >= point.min_respondents
    ]
    past = await _history_of(repos, community, round_, pattern)
    suggestion = suggest(pattern, sign, (round_.opened_at, True), history, past, at=svc.now())
    if suggestion is None:
        return None
    recorded = await repos.outcomes.record_suggestion(
        community.id,
        round_.id,
        pattern_slug=suggestion.pattern_slug,
        sign_id=suggestion.sign_id,
        kind=suggestion.kind,
        at=svc.now(),
    )
    return (suggestion, recorded) if recorded is not None else None


async def _history_of(
    repos: Repositories, community: Community, round_: Round, pattern: Pattern
) -> SignHistory:
    """The pattern's commitments, and its replants before this round, in this community."""
    commitments = await repos.commitments.for_signs(
        community.id, [(pattern.slug, s.id) for s in pattern.signs_of_decay]
    )
    replants = await repos.outcomes.list_suggestions(
        community.id, pattern_slug=pattern.slug, kind=SuggestionKind.REPLANT
    )
    return SignHistory(
        commitments=tuple(commitments),
        replants=tuple(r for r in replants if r.round_id != round_.id),
    )


async def _participation_suggestion(
    svc: Services,
    repos: Repositories,
    community: Community,
    round_: Round,
    participation: ParticipationView,
) -> tuple[Suggestion, int] | None:
    rate = participation.rate
    if rate is None:
        return None
    earlier = [
        r
        for r in await repos.rounds.list_recent(
            community.id, kind=round_.kind, limit=PARTICIPATION_HISTORY
        )
        if r.id != round_.id
        and r.status is RoundStatus.CLOSED
        and r.opened_at < round_.opened_at
        and r.eligible_members
    ]
    earlier.reverse()  # oldest first
    counts = await repos.answers.count_respondents_by_round(community.id, [r.id for r in earlier])
    history = [
        ParticipationView(counts.get(r.id, 0), 0, r.eligible_members).rate or 0.0 for r in earlier
    ]
    adopted = patterns_of(svc, await repos.communities.list_adopted(community.id))
    commitments = await repos.commitments.awaiting_review(
        community.id, pattern_slug="", sign_id=PARTICIPATION_SIGN_ID
    )
    suggestion = participation_suggestion(adopted, history, rate, commitments=commitments)
    if suggestion is None:
        return None
    recorded = await repos.outcomes.record_suggestion(
        community.id,
        round_.id,
        pattern_slug="",
        sign_id=PARTICIPATION_SIGN_ID,
        kind=SuggestionKind.PARTICIPATION,
        at=svc.now(),
    )
    return (suggestion, recorded) if recorded is not None else None


async def _store_outcome(
    svc: Services, repos: Repositories, community: Community, round_: Round, settled: _Settled
) -> None:
    """Put the close's posts in the outbox, in the close's transaction: the round post
    turned closed, the results or harvest, then the suggestions."""
    posts: list[tuple[PostKind, Message]] = []
    if round_.message_id is not None:  # else the round was never posted: nothing to edit
        posts.append((PostKind.ROUND_CLOSED, round_closed_message(svc, community, round_)))
    if round_.kind is RoundKind.SURVEY:
        results = results_message(
            svc, community, round_, settled.scores, settled.participation, settled.moves
        )
        posts.append((PostKind.RESULTS, results))
    elif settled.harvest is not None:
        digest = replace(harvest_message(settled.harvest, round_), commit=CommitAction(round_.id))
        posts.append((PostKind.HARVEST, digest))
    for post in settled.posts:
        message = suggestion_message(
            svc, community, round_, post.suggestions, post.ids, svc.patterns, settled.scores
        )
        posts.append((PostKind.of_suggestion(post.suggestions[0].kind), message))
    for kind, message in posts:
        await store_post(repos, community.id, kind, message, at=svc.now(), round_id=round_.id)

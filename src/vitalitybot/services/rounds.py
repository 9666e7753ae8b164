"""Rounds: open, answer, skip, score, close, remind.

Decisions worth knowing (the issue left them to us):

* **Anonymity.** Both kinds of round follow the community's ``anonymous`` setting (on by
  default). In an anonymous round answers are stored under an HMAC of the member id
  keyed with the community's secret, never under the id itself; the storage layer
  refuses a member id for such a round. A check-in is no exception: its harvest never
  names authors, so nothing needs the id.
* **Pausing** means "no reminders, no pings"; a paused member who clicks a round's
  button may still answer. Answering is always the member's choice.
* **Answering again** replaces the earlier answer to each question given; a question
  left blank in the new submission clears the earlier answer to it. A submission with
  nothing at all in it is refused (skipping is the way to say "not this time").
* **Text limit.** Check-in answers are at most ``ANSWER_TEXT_MAX`` (1,000) characters.
  Discord's paragraph input allows 4,000, but five of those would make a harvest no one
  reads; the adapter sets the input's ``max_length`` to this so members see the limit
  while typing, and the service refuses longer text from any other client.
* **Persistence of decay** (for replanting) is judged on the rounds in which the sign was
  asked *and* enough people answered. A survey rotates its items, so a round that did
  not ask a sign says nothing about it; a round where it was asked but fewer than the
  minimum answered is "unknown", not "healthy". Neither breaks a run of crossed rounds.
* **Closing is exactly-once.** The close marks the round closed, scores it, records the
  suggestions (unique per round, sign and kind) and the harvest in one transaction, and
  posts only after that commits. A second close (a double fire, a retry, a restart)
  finds the round closed and posts nothing; a crash between commit and post loses the
  posts rather than repeating them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from vitalitybot.patterns.model import Pattern
from vitalitybot.scheduling.cadence import closes_at as window_end
from vitalitybot.scheduling.cadence import default_spec_for
from vitalitybot.services.app import (
    Services,
    community_by_guild,
    community_by_id,
    deliver,
    local_time,
    spec_of,
)
from vitalitybot.services.errors import (
    InvalidAnswer,
    NotAllowed,
    RoundAlreadyOpen,
    RoundClosed,
    RoundNotFound,
    ServiceError,
)
from vitalitybot.services.harvest import harvest_message, store_harvest
from vitalitybot.services.messages import (
    kind_name,
    opening_message,
    prompt_text,
    reminder_message,
    results_message,
    suggestion_message,
)
from vitalitybot.services.views import (
    ParticipationView,
    SignScoreView,
    score_view,
    stored_score_views,
    threshold_of,
)
from vitalitybot.storage import Repositories
from vitalitybot.storage.records import (
    ALL_ADOPTED,
    AdoptedPattern,
    Answer,
    AnswerInput,
    Community,
    Harvest,
    Question,
    QuestionDraft,
    QuestionKind,
    RespondentStatus,
    Round,
    RoundKind,
    RoundStatus,
    ScoreRecord,
)
from vitalitybot.storage.records import SuggestionKind as StoredSuggestionKind
from vitalitybot.vitality import scale
from vitalitybot.vitality.anonymity import respondent_key
from vitalitybot.vitality.prompts import checkin_prompts
from vitalitybot.vitality.scores import Threshold
from vitalitybot.vitality.suggestions import (
    PARTICIPATION_SIGN_ID,
    Suggestion,
    participation_suggestion,
    suggest,
)
from vitalitybot.vitality.survey import plan_survey

logger = logging.getLogger(__name__)

ANSWER_TEXT_MAX = 1000
PARTICIPATION_HISTORY = 12  # earlier rounds looked at for the trailing participation rate
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class AnswerReceipt:
    round: Round
    saved: int  # questions given a rating or some words
    replaced: bool  # the member had answered this round before


@dataclass(frozen=True, slots=True)
class AnswerForm:
    """What the adapter needs to show a member the round: questions and earlier answers."""

    community: Community
    round: Round
    questions: tuple[Question, ...]
    previous: dict[int, Answer]  # by question id
    status: RespondentStatus | None  # answered, skipped, or not yet


@dataclass(frozen=True, slots=True)
class CloseResult:
    round: Round
    closed_now: bool  # False: it was closed already, and nothing was posted this time
    participation: ParticipationView
    scores: tuple[SignScoreView, ...]
    suggestions: tuple[Suggestion, ...]  # posted by this close
    harvest: Harvest | None


# -- opening ---------------------------------------------------------------------------


async def open_round(
    svc: Services,
    community_id: int,
    kind: RoundKind | str,
    *,
    period: str,
    pattern_slug: str = ALL_ADOPTED,
    fire_time: datetime | None = None,
) -> Round | None:
    """Open the round for ``period`` and post it; idempotent.

    A second call for the same period (a double fire, two processes) returns the round
    the first one opened and posts nothing. ``fire_time`` is the scheduled time: the
    round's window is counted from it, so a round opened late closes on its usual day.
    Returns None when there is nothing to ask (a survey with no adopted pattern that has
    signs) or the window has already passed.
    """
    kind = RoundKind(kind)
    now = svc.now()
    opened_at = min(fire_time, now) if fire_time is not None else now
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        existing = await repos.rounds.find(community_id, kind, period, pattern_slug)
        schedule = await repos.schedules.find(community_id, kind, pattern_slug)
    if existing is not None:
        return existing
    spec = (
        spec_of(schedule, community.timezone)
        if schedule is not None
        else default_spec_for(None, kind.value, community.timezone)
    )
    closes = window_end(spec, opened_at)
    if closes <= now:
        logger.info("community %s: %s %s closed before it could open", community_id, kind, period)
        return None
    eligible = await eligible_members(svc, community)
    async with svc.repos() as repos:
        patterns = patterns_of(
            svc, await repos.communities.list_adopted(community_id), pattern_slug
        )
        drafts = await _questions(repos, community, kind, pattern_slug, patterns)
        if not drafts:
            logger.info("community %s: nothing to ask in the %s %s", community_id, kind, period)
            return None
        round_, created = await repos.rounds.open_round(
            community_id,
            kind=kind,
            period=period,
            anonymous=community.anonymous,
            opened_at=opened_at,
            closes_at=closes,
            pattern_slug=pattern_slug,
            eligible_members=len(eligible) if eligible is not None else None,
        )
        if not created:
            return round_
        questions = await repos.rounds.add_questions(community_id, round_.id, drafts)
    logger.info("community %s: opened %s %s (round %s)", community_id, kind, period, round_.id)
    message = opening_message(svc, community, round_, questions, patterns)
    _, ref = await deliver(
        svc,
        community,
        "round",
        svc.notifier.open_round(community, round_, questions, message),
        round_id=round_.id,
    )
    if ref is not None:
        async with svc.repos() as repos:
            await repos.rounds.set_message(
                community_id,
                round_.id,
                channel_id=ref.channel_id,
                message_id=ref.message_id,
                thread_id=ref.thread_id,
            )
            round_ = await repos.rounds.get(community_id, round_.id) or round_
    if svc.keeper is not None:
        svc.keeper.arm_round(round_)
    return round_


async def open_now(svc: Services, guild_id: int, kind: RoundKind | str) -> Round:
    """A coordinator's "open a round now"; refused while one of that kind is open."""
    kind = RoundKind(kind)
    async with svc.repos() as repos:
        community = await community_by_guild(repos, guild_id)
        already = [r for r in await repos.rounds.list_open(community.id) if r.kind is kind]
    if already:
        closes = local_time(already[0].closes_at, community.timezone)
        raise RoundAlreadyOpen(
            f"A {kind_name(kind)} is already open (until {closes}). Close it first, "
            "or let it run: two at once would split the answers."
        )
    local = svc.now().astimezone(ZoneInfo(community.timezone))
    period = f"{local:%Y-%m-%dT%H:%M}-manual"
    round_ = await open_round(svc, community.id, kind, period=period)
    if round_ is None:
        raise ServiceError(
            "There is nothing to ask yet: adopt a pattern with signs of decay first."
            if kind is RoundKind.SURVEY
            else "The check-in could not be opened; please try again."
        )
    return round_


async def record_missed_round(
    svc: Services,
    community_id: int,
    kind: RoundKind | str,
    *,
    period: str,
    pattern_slug: str,
    fire_time: datetime,
    closes: datetime,
) -> Round:
    """Note a run the bot slept through, so the history shows the gap; nothing is posted."""
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        round_, _ = await repos.rounds.open_round(
            community_id,
            kind=RoundKind(kind),
            period=period,
            anonymous=community.anonymous,
            opened_at=fire_time,
            closes_at=closes,
            pattern_slug=pattern_slug,
            status=RoundStatus.MISSED,
        )
    return round_


async def eligible_members(svc: Services, community: Community) -> list[int] | None:
    """The directory's members, each once; None when the directory failed."""
    try:
        members = await svc.members.eligible_members(community)
    except Exception:
        logger.exception("community %s: the member directory failed", community.id)
        return None
    return list(dict.fromkeys(members))


def patterns_of(
    svc: Services, adopted: Sequence[AdoptedPattern], pattern_slug: str = ALL_ADOPTED
) -> list[Pattern]:
    """The adopted patterns the library still has (a removed file is skipped, not fatal)."""
    slugs = [a.pattern_slug for a in adopted]
    if pattern_slug != ALL_ADOPTED:
        slugs = [s for s in slugs if s == pattern_slug]
    found: list[Pattern] = []
    for slug in slugs:
        pattern = svc.patterns.get(slug)
        if pattern is None:
            logger.warning("adopted pattern %s is not in the library; left out", slug)
        else:
            found.append(pattern)
    return found


async def _questions(
    repos: Repositories,
    community: Community,
    kind: RoundKind,
    pattern_slug: str,
    patterns: Sequence[Pattern],
) -> list[QuestionDraft]:
    if kind is RoundKind.CHECKIN:
        return [
            QuestionDraft(kind=QuestionKind.PROMPT, text=prompt_text(prompt))
            for prompt in checkin_prompts(patterns)
        ]
    earlier = await repos.rounds.count(community.id, kind=kind, pattern_slug=pattern_slug)
    items = plan_survey(patterns, round_index=earlier, max_items=community.max_items)
    return [
        QuestionDraft(
            kind=QuestionKind(item.kind.value),
            text=item.text,
            pattern_slug=item.pattern_slug,
            sign_id=item.sign_id,
        )
        for item in items
    ]


# -- answering -------------------------------------------------------------------------


async def answer_form(svc: Services, guild_id: int, round_id: int, member_id: int) -> AnswerForm:
    """The round's questions and the member's earlier answers; refused once it is closed."""
    async with svc.repos() as repos:
        community = await community_by_guild(repos, guild_id)
        round_ = await _round(repos, community, round_id)
        _check_open(round_, community, svc.now())
        questions = await repos.rounds.list_questions(community.id, round_id)
        key = respondent_key(community.secret, member_id)
        answers = await repos.answers.list_answers(community.id, round_id, respondent_key=key)
        respondent = await repos.answers.get_respondent(community.id, round_id, key)
    return AnswerForm(
        community=community,
        round=round_,
        questions=tuple(questions),
        previous={a.question_id: a for a in answers},
        status=respondent.status if respondent is not None else None,
    )


async def record_answers(
    svc: Services,
    guild_id: int,
    round_id: int,
    member_id: int,
    answers: Sequence[AnswerInput],
) -> AnswerReceipt:
    """Validate and store a member's submission (see the module docstring)."""
    now = svc.now()
    async with svc.repos() as repos:
        community = await community_by_guild(repos, guild_id)
        round_ = await _round(repos, community, round_id)
        _check_open(round_, community, now)
        questions = {q.id: q for q in await repos.rounds.list_questions(community.id, round_id)}
        cleaned = validate_answers(answers, questions)
        key = respondent_key(community.secret, member_id)
        earlier = await repos.answers.get_respondent(community.id, round_id, key)
        await repos.answers.record(
            community.id,
            round_id,
            key,
            cleaned,
            at=now,
            member_id=None if round_.anonymous else member_id,
        )
        # Read again inside the write: a close that committed meanwhile wins, and the
        # answers are rolled back rather than stored after the round was scored.
        _check_open(await _round(repos, community, round_id), community, now)
    return AnswerReceipt(
        round=round_,
        saved=sum(1 for a in cleaned if a.value is not None or a.text),
        replaced=earlier is not None and earlier.status is RespondentStatus.ANSWERED,
    )


def validate_answers(
    answers: Sequence[AnswerInput], questions: dict[int, Question]
) -> list[AnswerInput]:
    """The submission cleaned up, or ``InvalidAnswer`` saying what to fix."""
    if not answers:
        raise InvalidAnswer(
            "There is nothing to save: answer at least one question, or skip the round."
        )
    seen: set[int] = set()
    cleaned: list[AnswerInput] = []
    for answer in answers:
        question = questions.get(answer.question_id)
        if question is None:
            raise InvalidAnswer(
                "One of these answers is for a question that is not part of this round. "
                "Please answer again from the round's own post."
            )
        if question.id in seen:
            raise InvalidAnswer(f"Question {question.position} was answered twice.")
        seen.add(question.id)
        text = clean_text(answer.text)
        if question.kind is QuestionKind.PROMPT:
            cleaned.append(_prompt_answer(question, answer, text))
        else:
            cleaned.append(_rating_answer(question, answer, text))
    if not any(a.value is not None or a.text for a in cleaned):
        raise InvalidAnswer(
            "All the answers were blank, so nothing was saved. Answer at least one "
            "question, or skip the round."
        )
    return cleaned


def clean_text(text: str | None) -> str:
    """Newlines normalised, control characters dropped, outer whitespace trimmed."""
    if text is None:
        return ""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _prompt_answer(question: Question, answer: AnswerInput, text: str) -> AnswerInput:
    if answer.value is not None:
        raise InvalidAnswer(
            f"Prompt {question.position} asks for a few words, not a rating from 1 to 5."
        )
    if len(text) > ANSWER_TEXT_MAX:
        raise InvalidAnswer(
            f"Your answer to prompt {question.position} is {len(text):,} characters long; "
            f"the limit is {ANSWER_TEXT_MAX:,}. Please shorten it: a few lines are plenty."
        )
    return AnswerInput(question.id, None, text or None, shared=bool(answer.shared and text))


def _rating_answer(question: Question, answer: AnswerInput, text: str) -> AnswerInput:
    if text:
        raise InvalidAnswer(f"Question {question.position} takes a rating from 1 to 5, not words.")
    value = answer.value
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or not scale.is_valid(value)
    ):
        words = ", ".join(f"{p.value} {p.word}" for p in scale.SCALE)
        raise InvalidAnswer(
            f"Question {question.position} takes a rating from {scale.LOW} to {scale.MAX} "
            f"({words}); {value!r} is not one of them."
        )
    return AnswerInput(question.id, value, None, False)


async def skip_round(svc: Services, guild_id: int, round_id: int, member_id: int) -> Round:
    """Say "not this time": counts as a reply, so no reminder follows."""
    now = svc.now()
    async with svc.repos() as repos:
        community = await community_by_guild(repos, guild_id)
        round_ = await _round(repos, community, round_id)
        _check_open(round_, community, now)
        key = respondent_key(community.secret, member_id)
        respondent = await repos.answers.get_respondent(community.id, round_id, key)
        if respondent is not None and respondent.status is RespondentStatus.ANSWERED:
            raise NotAllowed(
                f"You have already answered this {kind_name(round_.kind)}; your answers stay "
                "as they are. Answer again if you want to change them."
            )
        await repos.answers.set_status(
            community.id, round_id, key, RespondentStatus.SKIPPED, at=now
        )
    return round_


async def my_answers(svc: Services, guild_id: int, round_id: int, member_id: int) -> list[Answer]:
    """The member's own answers to a round (open or not), to show or prefill."""
    async with svc.repos() as repos:
        community = await community_by_guild(repos, guild_id)
        await _round(repos, community, round_id)
        key = respondent_key(community.secret, member_id)
        return await repos.answers.list_answers(community.id, round_id, respondent_key=key)


async def current_scores(svc: Services, guild_id: int, round_id: int) -> list[SignScoreView]:
    """The round's scores so far (or as closed); no figure below the minimum."""
    async with svc.repos() as repos:
        community = await community_by_guild(repos, guild_id)
        round_ = await _round(repos, community, round_id)
        threshold = threshold_of(community)
        if round_.status is RoundStatus.CLOSED:
            stored = await repos.outcomes.list_scores(community.id, round_id)
            if stored:
                questions = await repos.rounds.list_questions(community.id, round_id)
                return stored_score_views(svc.patterns, stored, questions, threshold)
        return await _live_views(svc, repos, community, round_id, threshold)


async def _live_views(
    svc: Services, repos: Repositories, community: Community, round_id: int, threshold: Threshold
) -> list[SignScoreView]:
    questions = {q.id: q for q in await repos.rounds.list_questions(community.id, round_id)}
    return [
        score_view(
            svc.patterns,
            pattern_slug=agg.pattern_slug,
            sign_id=agg.sign_id,
            kind=agg.kind,
            question=questions[agg.question_id].text,
            n=agg.n,
            mean=agg.mean,
            share_high=agg.share_high,
            threshold=threshold,
        )
        for agg in await repos.answers.aggregate(community.id, round_id)
        if agg.sign_id is not None and agg.kind is not QuestionKind.PROMPT
    ]


# -- closing ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Settled:
    participation: ParticipationView
    scores: tuple[SignScoreView, ...]
    suggestions: tuple[Suggestion, ...]
    harvest: Harvest | None


async def close_round(svc: Services, community_id: int, round_id: int) -> CloseResult:
    """Close, score and harvest a round, then post what came of it; idempotent."""
    now = svc.now()
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        if await repos.rounds.get(community_id, round_id) is None:
            raise RoundNotFound()
        closed_now = await repos.rounds.close(community_id, round_id, at=now)
        round_ = await repos.rounds.get(community_id, round_id)
        assert round_ is not None  # read just above, in this community
        if closed_now:
            settled = await _settle(svc, repos, community, round_)
        else:
            settled = await _as_settled(svc, repos, community, round_)
    if svc.keeper is not None:
        svc.keeper.disarm_round(round_id)
    if closed_now:
        logger.info("community %s: closed %s %s", community_id, round_.kind, round_.period)
        await _post_outcome(svc, community, round_, settled)
    return CloseResult(
        round=round_,
        closed_now=closed_now,
        participation=settled.participation,
        scores=settled.scores,
        suggestions=settled.suggestions if closed_now else (),
        harvest=settled.harvest,
    )


async def close_now(svc: Services, guild_id: int, round_id: int) -> CloseResult:
    """A coordinator's "close this round now"."""
    async with svc.repos() as repos:
        community = await community_by_guild(repos, guild_id)
        round_ = await _round(repos, community, round_id)
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
    threshold = threshold_of(community)
    participation = await _participation(repos, community, round_)
    aggregates = await repos.answers.aggregate(community.id, round_.id)
    scores = await _live_views(svc, repos, community, round_.id, threshold)
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
    suggestions: list[Suggestion] = []
    for view in scores:
        if view.crossed and view.is_decay:
            found = await _sign_suggestion(svc, repos, community, round_, view, threshold)
            if found is not None:
                suggestions.append(found)
    dropped = await _participation_suggestion(svc, repos, community, round_, participation)
    if dropped is not None:
        suggestions.append(dropped)
    harvest = None
    if round_.kind is RoundKind.CHECKIN:
        harvest = await store_harvest(svc, repos, community, round_, participation)
    return _Settled(participation, tuple(scores), tuple(suggestions), harvest)


async def _as_settled(
    svc: Services, repos: Repositories, community: Community, round_: Round
) -> _Settled:
    """What an earlier close left, for a close that found the round already closed."""
    threshold = threshold_of(community)
    stored = await repos.outcomes.list_scores(community.id, round_.id)
    questions = await repos.rounds.list_questions(community.id, round_.id)
    return _Settled(
        participation=await _participation(repos, community, round_),
        scores=tuple(stored_score_views(svc.patterns, stored, questions, threshold)),
        suggestions=(),
        harvest=await repos.outcomes.get_harvest(community.id, round_.id),
    )


async def _sign_suggestion(
    svc: Services,
    repos: Repositories,
    community: Community,
    round_: Round,
    view: SignScoreView,
    threshold: Threshold,
) -> Suggestion | None:
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
        if point.score.round_id != round_.id and point.score.n >= threshold.min_respondents
    ]
    suggestion = suggest(pattern, sign, (round_.opened_at, True), history)
    if suggestion is None:
        return None
    recorded = await repos.outcomes.record_suggestion(
        community.id,
        round_.id,
        pattern_slug=suggestion.pattern_slug,
        sign_id=suggestion.sign_id,
        kind=StoredSuggestionKind(suggestion.kind.value),
        at=svc.now(),
    )
    return suggestion if recorded else None


async def _participation_suggestion(
    svc: Services,
    repos: Repositories,
    community: Community,
    round_: Round,
    participation: ParticipationView,
) -> Suggestion | None:
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
    suggestion = participation_suggestion(adopted, history, rate)
    if suggestion is None:
        return None
    recorded = await repos.outcomes.record_suggestion(
        community.id,
        round_.id,
        pattern_slug="",
        sign_id=PARTICIPATION_SIGN_ID,
        kind=StoredSuggestionKind.PARTICIPATION,
        at=svc.now(),
    )
    return suggestion if recorded else None


async def _post_outcome(
    svc: Services, community: Community, round_: Round, settled: _Settled
) -> None:
    if round_.kind is RoundKind.SURVEY:
        results = results_message(svc, community, round_, settled.scores, settled.participation)
        await deliver(
            svc,
            community,
            "results",
            svc.notifier.post(community, results, round=round_, kind="results"),
            round_id=round_.id,
        )
    elif settled.harvest is not None:
        digest = harvest_message(settled.harvest, round_)
        await deliver(
            svc,
            community,
            "harvest",
            svc.notifier.post(community, digest, round=round_, kind="harvest"),
            round_id=round_.id,
        )
    scores = {(s.pattern_slug, s.sign_id): s for s in settled.scores}
    for suggestion in settled.suggestions:
        score = scores.get((suggestion.pattern_slug, suggestion.sign_id))
        message = suggestion_message(svc, community, round_, suggestion, svc.patterns, score)
        kind = f"suggestion:{suggestion.kind.value}"
        await deliver(
            svc,
            community,
            kind,
            svc.notifier.post(community, message, round=round_, kind=kind),
            round_id=round_.id,
        )


# -- reminding -------------------------------------------------------------------------


async def remind(svc: Services, community_id: int, round_id: int) -> list[int]:
    """Remind, once per round, the members who have not replied and want reminders.

    Left out: members who answered or skipped (compared by respondent key, so this works
    in anonymous rounds), paused members and members who turned reminders off. Returns
    the ids reminded.
    """
    if not svc.reminders:
        return []
    now = svc.now()
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        round_ = await repos.rounds.get(community_id, round_id)
        if round_ is None or round_.status is not RoundStatus.OPEN or now >= round_.closes_at:
            return []
        if not await repos.rounds.set_reminded(community_id, round_id, at=now):
            return []  # already reminded: once per round
    members = await eligible_members(svc, community) or []
    async with svc.repos() as repos:
        replied = await repos.answers.respondent_keys(community_id, round_id)
        quiet = {
            p.member_id
            for p in await repos.members.list_prefs(community_id)
            if p.paused or p.reminders_off
        }
    targets = [
        m for m in members if m not in quiet and respondent_key(community.secret, m) not in replied
    ]
    if targets:
        message = reminder_message(svc, community, round_)
        await deliver(
            svc,
            community,
            "reminder",
            svc.notifier.remind(community, round_, targets, message),
            round_id=round_id,
        )
    logger.info(
        "community %s: reminded %d members of round %s", community_id, len(targets), round_id
    )
    return targets


# -- helpers ---------------------------------------------------------------------------


async def _round(repos: Repositories, community: Community, round_id: int) -> Round:
    round_ = await repos.rounds.get(community.id, round_id)
    if round_ is None:
        raise RoundNotFound()
    return round_


def _check_open(round_: Round, community: Community, now: datetime) -> None:
    if round_.status is RoundStatus.OPEN and now < round_.closes_at:
        return
    name = kind_name(round_.kind)
    if round_.status is RoundStatus.MISSED:
        raise RoundClosed(f"This {name} never ran, so it takes no answers.")
    when = local_time(round_.closed_at or round_.closes_at, community.timezone)
    raise RoundClosed(
        f"This {name} closed on {when}, so your answers were not saved. "
        "The next one will be announced in the channel."
    )

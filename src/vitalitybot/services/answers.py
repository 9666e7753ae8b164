"""Answering a round: the form, the submission, skipping, one's own answers, live scores.

Decisions worth knowing:

* **Anonymity.** Both kinds of round follow the community's ``anonymous`` setting (on by
  default). Answers are stored under the member's respondent key in the round (an HMAC
  of the member id under the round's own key, vitality/anonymity.py); in an anonymous
  round never under the id itself, and the storage layer refuses a member id for such
  a round. A check-in is no exception: its harvest never names authors, so nothing
  needs the id. The round key exists only while the round is open, so everything
  here that finds a member's answers works on open rounds only. An anonymous round's
  answers are stored with the round's opening time rather than their own, and its
  replies' times become the close time when it ends (storage/round_end.py), so no
  stored time tells who answered when.
* **Pausing** means "no reminders, no pings"; a paused member who clicks a round's
  button may still answer. Answering is always the member's choice.
* **Answering again** replaces the earlier answer to each question given; a question
  left blank in the new submission clears the earlier answer to it. A submission with
  nothing at all in it is refused (skipping is the way to say "not this time"), and a
  member who has answered cannot skip afterwards (their answers stay).
* **Text limit.** Check-in answers are at most ``ANSWER_TEXT_MAX`` (1,000) characters.
  Discord's paragraph input allows 4,000, but five of those would make a harvest no one
  reads; the adapter sets the input's ``max_length`` to this so members see the limit
  while typing, and the service refuses longer text from any other client.
* **Scores while open** come from the same grouped query as the close, through the same
  views: below the minimum number of respondents no figure is shown, not even the count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from vitalitybot.domain import scale
from vitalitybot.domain.records import (
    Answer,
    AnswerInput,
    Community,
    Question,
    QuestionAggregate,
    QuestionKind,
    RespondentStatus,
    Round,
    RoundStatus,
)
from vitalitybot.observability.logs import tag_community
from vitalitybot.services.answer_writer import write_submission
from vitalitybot.services.app import Services, community_of_round
from vitalitybot.services.errors import (
    InvalidAnswer,
    NotAllowed,
    NotConfigured,
    RoundClosed,
    RoundNotFound,
)
from vitalitybot.services.limits import check_encodable, is_id
from vitalitybot.services.messages import kind_name
from vitalitybot.services.rounds import check_open, round_in
from vitalitybot.services.views import SignScoreView, score_view, stored_score_views, threshold_of
from vitalitybot.storage import Repositories
from vitalitybot.storage.submissions import RoundNotOpenError, SubmissionContext, prepare
from vitalitybot.vitality.scores import Threshold

ANSWER_TEXT_MAX = 1000
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


async def answer_form(svc: Services, guild_id: int, round_id: int, member_id: int) -> AnswerForm:
    """The round's questions and the member's earlier answers; refused once it is closed."""
    context = await _context(svc, guild_id, round_id)
    community = context.community
    if context.key is None:  # the round has ended
        raise await _refusal(svc, guild_id, round_id, svc.now(), saving=False)
    key = svc.keys.respondent_key(context.key, member_id)
    async with svc.repos() as repos:
        found = await repos.answers.respondent_answers(community.id, round_id, key)
    if found is None:  # the round went (its community was reset) meanwhile
        raise RoundNotFound()
    await _check_open(svc, guild_id, found.round, community, svc.now(), saving=False)
    return AnswerForm(
        community=community,
        round=found.round,
        questions=context.questions,
        previous={a.question_id: a for a in found.answers},
        status=found.respondent.status if found.respondent is not None else None,
    )


async def record_answers(
    svc: Services,
    guild_id: int,
    round_id: int,
    member_id: int,
    answers: Sequence[AnswerInput],
) -> AnswerReceipt:
    """Validate and store a member's submission (see the module docstring).

    Answering is the bot's hot path (a round's post brings many members at once): the
    round is usually already in memory, so the checks read nothing, and the write
    joins the next group commit (answer_writer.py). The write itself re-reads the
    round's status: a close that committed meanwhile (in any process) wins, and
    nothing is stored after the round was scored.
    """
    now = svc.now()
    context = await _context(svc, guild_id, round_id)
    community, round_ = context.community, context.round
    await _check_open(svc, guild_id, round_, community, now)
    if context.key is None:  # the round has ended
        raise await _refusal(svc, guild_id, round_id, now)
    cleaned = validate_answers(answers, {q.id: q for q in context.questions})
    submission = prepare(
        context,
        svc.keys.respondent_key(context.key, member_id),
        cleaned,
        member_id=None if round_.anonymous else member_id,
    )
    try:
        earlier = await write_submission(svc, submission, now)
    except RoundNotOpenError:
        raise await _refusal(svc, guild_id, round_id, now) from None
    return AnswerReceipt(
        round=round_,
        saved=sum(1 for a in cleaned if a.value is not None or a.text),
        replaced=earlier is RespondentStatus.ANSWERED,
    )


async def _context(svc: Services, guild_id: int, round_id: int) -> SubmissionContext:
    """The round members answer, from memory when it is there; a clear error when not."""
    if not is_id(round_id):
        raise RoundNotFound()
    if not is_id(guild_id):  # no server has it, and the database could not even look
        raise NotConfigured()
    context = await svc.rounds_answering.get(svc.db, guild_id, round_id)
    if context is None:  # say which: no community here, or no such round in it
        async with svc.repos() as repos:
            await round_in(repos, await community_of_round(repos, guild_id, round_id), round_id)
        raise RoundNotFound()
    # A click names a round, not a community: the caller's log lines learn it here.
    tag_community(context.community.id)
    return context


async def _check_open(
    svc: Services,
    guild_id: int,
    round_: Round,
    community: Community,
    now: datetime,
    *,
    saving: bool = True,
) -> None:
    """``check_open``, explained from the database when the answer is no.

    ``round_`` and ``community`` may come from memory (round_contexts.py), so a
    refusal reads them afresh: the community's settings may have changed since.
    """
    try:
        check_open(round_, community, now, saving=saving)
    except RoundClosed:
        raise await _refusal(svc, guild_id, round_.id, now, saving=saving) from None


async def _refusal(
    svc: Services, guild_id: int, round_id: int, now: datetime, *, saving: bool = True
) -> RoundClosed:
    """Why the round takes no answers, from the database as it is now."""
    async with svc.repos() as repos:
        community = await community_of_round(repos, guild_id, round_id)
        round_ = await round_in(repos, community, round_id)
    try:
        check_open(round_, community, now, saving=saving)
    except RoundClosed as error:
        return error
    return RoundClosed("This round stopped taking answers before yours could be saved.")


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
        if text:
            check_encodable(
                text, what=f"Your answer to question {question.position}", error=InvalidAnswer
            )
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
        community = await community_of_round(repos, guild_id, round_id)
        round_ = await round_in(repos, community, round_id)
        check_open(round_, community, now, saving=False)
        sealed = await repos.rounds.sealed_key(community.id, round_id)
        if sealed is None:  # not open after all: ended since it was read
            raise RoundClosed(f"This {kind_name(round_.kind)} has ended.")
        key = svc.keys.respondent_key(sealed, member_id)
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
    """The member's own answers to a round, to show or prefill.

    Found by the round key while the round is open; once it has ended, only a named
    round's answers can be found (by the member id they carry), an anonymous round's
    no longer.
    """
    async with svc.repos() as repos:
        community = await community_of_round(repos, guild_id, round_id)
        await round_in(repos, community, round_id)
        sealed = await repos.rounds.sealed_key(community.id, round_id)
        if sealed is None:
            return await repos.answers.list_answers(community.id, round_id, member_id=member_id)
        key = svc.keys.respondent_key(sealed, member_id)
        return await repos.answers.list_answers(community.id, round_id, respondent_key=key)


async def current_scores(svc: Services, guild_id: int, round_id: int) -> list[SignScoreView]:
    """The round's scores so far (or as closed); no figure below the minimum."""
    async with svc.repos() as repos:
        community = await community_of_round(repos, guild_id, round_id)
        round_ = await round_in(repos, community, round_id)
        threshold = threshold_of(community, round_)
        if round_.status is RoundStatus.CLOSED:
            stored = await repos.outcomes.list_scores(community.id, round_id)
            if stored:
                questions = await repos.rounds.list_questions(community.id, round_id)
                return stored_score_views(svc.patterns, stored, questions, threshold)
        return await live_score_views(svc, repos, community, round_id, threshold)


async def live_score_views(
    svc: Services,
    repos: Repositories,
    community: Community,
    round_id: int,
    threshold: Threshold,  # the round's own (views.threshold_of)
    aggregates: Sequence[QuestionAggregate] | None = None,
) -> list[SignScoreView]:
    """Score views of a round's rated questions; pass ``aggregates`` already queried to
    spare the aggregate query (the close needs them for the stored scores too)."""
    if aggregates is None:
        aggregates = await repos.answers.aggregate(community.id, round_id)
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
        for agg in aggregates
        if agg.sign_id is not None and agg.kind is not QuestionKind.PROMPT
    ]

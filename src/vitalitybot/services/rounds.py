"""Opening rounds: on schedule, late after a restart, by hand, or recorded as missed.

Opening is idempotent: the rounds table refuses a second round for one (community, kind,
pattern, period), so a schedule firing twice or two processes racing end with one round
and one post. A survey asks what ``plan_survey`` picks for its round index (the number of
earlier survey rounds of the same schedule that actually ran), so the items rotate from
one round to the next; a check-in asks the adopted patterns' prompts, or the defaults.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from vitalitybot.domain.posts import PostKind
from vitalitybot.domain.privacy import round_minimum
from vitalitybot.domain.records import (
    ALL_ADOPTED,
    AdoptedPattern,
    Community,
    Question,
    QuestionDraft,
    QuestionKind,
    Round,
    RoundKind,
    RoundStatus,
)
from vitalitybot.patterns.model import Pattern
from vitalitybot.render.timestamps import discord_time
from vitalitybot.scheduling.cadence import closes_at as window_end
from vitalitybot.scheduling.cadence import default_spec_for
from vitalitybot.services.app import (
    PerDatabase,
    Services,
    community_by_id,
    spec_of,
    write_turn,
)
from vitalitybot.services.errors import (
    InvalidSetting,
    RoundAlreadyOpen,
    RoundClosed,
    RoundNotFound,
    ServiceError,
)
from vitalitybot.services.follow_up import changes_since_last, review_prompts
from vitalitybot.services.limits import WORDS_MAX, check_text, is_id
from vitalitybot.services.messages import kind_name, opening_message, prompt_text
from vitalitybot.services.outbox import send_pending, store_post
from vitalitybot.services.views import CommitmentChange
from vitalitybot.storage import Repositories
from vitalitybot.vitality.prompts import checkin_prompts
from vitalitybot.vitality.survey import plan_survey

logger = logging.getLogger(__name__)

# Rounds being read for and stored at once in this process. A minute in which a thousand
# schedules fall due starts a thousand openings together; unbounded, all their reads join
# the connection pool's queue first, so the first round is stored, and posted, only after
# every round has been read for (and a member's click waits behind them all). A few at a
# time keep the database busy while posting starts at once and keeps pace.
OPENING_AT_ONCE = 4
_OPENING: PerDatabase[asyncio.Semaphore] = PerDatabase(lambda: asyncio.Semaphore(OPENING_AT_ONCE))


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
    async with _OPENING.of(svc.db):
        round_, created = await _store_round(
            svc, community_id, kind, period, pattern_slug, fire_time
        )
    if round_ is None or not created:
        return round_
    logger.info("community %s: opened %s %s (round %s)", community_id, kind, period, round_.id)
    return await _send_opening(svc, round_)


async def _store_round(
    svc: Services,
    community_id: int,
    kind: RoundKind,
    period: str,
    pattern_slug: str,
    fire_time: datetime | None,
) -> tuple[Round | None, bool]:
    """The round of ``period``, stored with its questions and its post in the outbox when
    new; whether this call made it (None: nothing to ask, or the window has passed).

    What the round asks is read before the write turn, which then holds only the writes
    (and the reads the new round's own post needs): many openings at once queue on it.
    """
    now = svc.now()
    opened_at = min(fire_time, now) if fire_time is not None else now
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        existing = await repos.rounds.find(community_id, kind, period, pattern_slug)
        if existing is not None:
            return existing, False
        schedule = await repos.schedules.find(community_id, kind, pattern_slug)
        spec = (
            spec_of(schedule, community.timezone)
            if schedule is not None
            else default_spec_for(None, kind.value, community.timezone)
        )
        closes = window_end(spec, opened_at)
        if closes <= now:
            logger.info(
                "community %s: %s %s closed before it could open", community_id, kind, period
            )
            return None, False
        patterns = patterns_of(
            svc, await repos.communities.list_adopted(community_id), pattern_slug
        )
        drafts = await _questions(repos, community, kind, pattern_slug, patterns, opened_at)
        changes = await changes_since_last(repos, community, opened_at) if drafts else []
    if not drafts:
        logger.info("community %s: nothing to ask in the %s %s", community_id, kind, period)
        return None, False
    eligible = await eligible_members(svc, community)
    async with write_turn(svc), svc.repos() as repos:
        round_, created = await repos.rounds.open_round(
            community_id,
            kind=kind,
            period=period,
            anonymous=community.anonymous,
            min_respondents=round_minimum(community.anonymous, community.min_respondents),
            opened_at=opened_at,
            closes_at=closes,
            pattern_slug=pattern_slug,
            eligible_members=len(eligible) if eligible is not None else None,
            key=svc.keys.new_round_key(),
        )
        if not created:
            return round_, False
        questions = await repos.rounds.add_questions(community_id, round_.id, drafts)
        await _store_opening(svc, repos, community, round_, questions, patterns, changes)
    return round_, True


async def repost_unposted(svc: Services, round_: Round) -> Round:
    """Post an open round whose opening post never went out, and remember the post.

    A post can fail (a channel the bot may not write in) and a round stored before the
    outbox existed may never have been posted: the round would stay open with no
    buttons to answer it. The keeper calls this at start for every open round without a
    message; a round whose post still waits in the outbox is left to it.
    """
    async with write_turn(svc), svc.repos() as repos:
        community = await community_by_id(repos, round_.community_id)
        if not await repos.outbox.has_pending(community.id, round_.id, PostKind.ROUND):
            questions = await repos.rounds.list_questions(community.id, round_.id)
            adopted = await repos.communities.list_adopted(community.id)
            patterns = patterns_of(svc, adopted, round_.pattern_slug)
            logger.info(
                "community %s: posting round %s, which was never posted", community.id, round_.id
            )
            changes = await changes_since_last(repos, community, round_.opened_at, round_.id)
            await _store_opening(svc, repos, community, round_, questions, patterns, changes)
    return await _send_opening(svc, round_)


async def _store_opening(
    svc: Services,
    repos: Repositories,
    community: Community,
    round_: Round,
    questions: Sequence[Question],
    patterns: Sequence[Pattern],
    changes: Sequence[CommitmentChange],
) -> None:
    """Put the round's opening post in the outbox, in the transaction that opens it;
    ``changes`` are the commitments it begins with (``changes_since_last``)."""
    message = opening_message(svc, community, round_, questions, patterns, changes)
    await store_post(repos, community.id, PostKind.ROUND, message, at=svc.now(), round_id=round_.id)


async def _send_opening(svc: Services, round_: Round) -> Round:
    """Send what the community's outbox holds; the round as it is after (its post placed)."""
    placed = await send_pending(svc, round_.community_id)
    if round_.id in placed:
        return placed[round_.id]
    async with svc.repos() as repos:  # posted by another call, or not (yet) at all
        return await repos.rounds.get(round_.community_id, round_.id) or round_


async def open_now(svc: Services, community_id: int, kind: RoundKind | str) -> Round:
    """A coordinator's "open a round now"; refused while one of that kind is open."""
    kind = round_kind(kind)
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        already = [r for r in await repos.rounds.list_open(community.id) if r.kind is kind]
        if already:
            closes = discord_time(already[0].closes_at)
            raise RoundAlreadyOpen(
                f"A {kind_name(kind)} is already open (until {closes}). Close it first, "
                "or let it run: two at once would split the answers."
            )
        period = await _unused_manual_period(svc, repos, community, kind)
    round_ = await open_round(svc, community.id, kind, period=period)
    if round_ is None:
        raise ServiceError(
            "There is nothing to ask yet: adopt a pattern with signs of decay first."
            if kind is RoundKind.SURVEY
            else "The check-in could not be opened; please try again."
        )
    return round_


async def _unused_manual_period(
    svc: Services, repos: Repositories, community: Community, kind: RoundKind
) -> str:
    """The period key of a round opened by hand now: the local minute, then ``-2``, ``-3``
    ... when a round of that minute exists (one closed a moment ago).

    ``open_round`` returns the existing round of a period, which is right for a schedule
    firing twice but would hand a coordinator who closed and reopened within a minute
    the round just closed. Two coordinators asking at once still get one round: both
    see the same unused key, and the rounds table keeps one round per key.
    """
    local = svc.now().astimezone(ZoneInfo(community.timezone))
    base = f"{local:%Y-%m-%dT%H:%M}-manual"
    period, n = base, 1
    while await repos.rounds.find(community.id, kind, period) is not None:
        n += 1
        period = f"{base}-{n}"
    return period


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
            min_respondents=round_minimum(community.anonymous, community.min_respondents),
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
    opened_at: datetime,
) -> list[QuestionDraft]:
    """What the round asks: a check-in its prompts, then questions about the commitments
    due for review when it opens; a survey its share of the adopted patterns' signs."""
    if kind is RoundKind.CHECKIN:
        reviews = await review_prompts(repos, community, opened_at)
        return [
            QuestionDraft(kind=QuestionKind.PROMPT, text=prompt_text(prompt))
            for prompt in checkin_prompts(patterns, reviews)
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


def round_kind(kind: RoundKind | str) -> RoundKind:
    """The kind of round a coordinator named, or ``InvalidSetting`` naming the two."""
    try:
        return RoundKind(check_text(str(kind), what="The kind of round", limit=WORDS_MAX))
    except ValueError:
        raise InvalidSetting(f"There is no round kind {kind!r}: use checkin or survey.") from None


# -- shared by the answer and close use-cases ---------------------------------


async def round_in(repos: Repositories, community: Community, round_id: int) -> Round:
    """The round, if it belongs to this community; another community's id is "not found"."""
    if not is_id(round_id):
        raise RoundNotFound()
    round_ = await repos.rounds.get(community.id, round_id)
    if round_ is None:
        raise RoundNotFound()
    return round_


def check_open(round_: Round, community: Community, now: datetime, *, saving: bool = True) -> None:
    """``RoundClosed`` unless the round takes answers now (open and inside its window).

    ``saving``: the member sent answers, which are not kept; otherwise they only pressed
    a button of the round's post (one made before the post was edited shut, or read
    from a client that has not caught up), and learn where its results are instead.
    """
    if round_.status is RoundStatus.OPEN and now < round_.closes_at:
        return
    name = kind_name(round_.kind)
    if round_.status is RoundStatus.MISSED:
        raise RoundClosed(f"This {name} never ran, so it takes no answers.")
    if not saving:
        raise RoundClosed(f"This {name} has closed; {results_place(round_, community)}")
    when = discord_time(round_.closed_at or round_.closes_at)
    raise RoundClosed(
        f"This {name} closed on {when}, so your answers were not saved. "
        "The next one will be announced in the channel."
    )


def results_place(round_: Round, community: Community) -> str:
    """Where a closed round's results are (or are about to be) posted, as a sentence end."""
    verb = "are" if round_.status is RoundStatus.CLOSED else "will shortly be"
    where = round_.thread_id or round_.channel_id or community.channel_id
    if where is None:
        return f"its results {verb} posted in the community's channel."
    return f"its results {verb} in <#{where}>."

"""Commitments: what a community decides to try after a suggestion or a harvest.

Decisions worth knowing:

* **Who may commit is the community's setting** (``Community.who_commits``):
  coordinators by default, or any member. The edge says whether the person asking is a
  coordinator; the rule of who may is here, once.
* **A commitment made from a post takes its signs from the post's suggestions**, read
  back from the database and checked to belong to the community and the round: a
  button's custom id is data a client could forge, never a source of truth.
* **Marking done or dropped is a coordinator's act** whoever may commit: it speaks for
  the community about what happened.
* **A review day is a day of the community's calendar**, typed by a member: it becomes
  the start of that day in the community's time zone, so "2027-01-15" means the same
  day to everyone whatever their own clock says.
* **A commitment added on its own names signs the community watches**: a sign of decay
  of an adopted pattern, checked here because a slash command's option is free text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from vitalitybot.domain.records import (
    Commitment,
    CommitmentStatus,
    Community,
    SuggestionRecord,
    WhoCommits,
)
from vitalitybot.services.app import Services, community_by_id, write_turn
from vitalitybot.services.errors import InvalidSetting, NotAllowed, ServiceError
from vitalitybot.services.limits import is_id
from vitalitybot.services.rounds import round_in
from vitalitybot.storage import Repositories

LIST_LIMIT = 25
RECENTLY_CLOSED = timedelta(days=90)  # done or dropped this recently: still listed
SIGN_SEPARATOR = ":"  # between a pattern's slug and a sign's id in a sign's key


class CommitmentNotFound(ServiceError):
    def __init__(self) -> None:
        super().__init__("That commitment does not exist in this community.")


@dataclass(frozen=True, slots=True)
class CommitRequest:
    """What a member asked to commit to.

    ``round_id`` and ``suggestion_ids`` name the post the request came from (a
    suggestion's, or a harvest's with no suggestion); ``pattern_slug`` and ``sign_ids``
    name signs directly, for a commitment added on its own.
    """

    text: str
    round_id: int | None = None
    suggestion_ids: tuple[int, ...] = ()
    owner_role_id: int | None = None
    review_at: datetime | None = None
    pattern_slug: str = ""
    sign_ids: tuple[str, ...] = ()
    review_on: date | None = None
    """A day of the community's calendar (from a member), for when ``review_at`` is None."""


@dataclass(frozen=True, slots=True)
class SignChoice:
    """A sign of decay a commitment on its own may answer: one of an adopted pattern's."""

    pattern_slug: str
    sign_id: str
    pattern_title: str
    sign_title: str

    @property
    def key(self) -> str:
        return f"{self.pattern_slug}{SIGN_SEPARATOR}{self.sign_id}"


@dataclass(frozen=True, slots=True)
class CommitmentView:
    """A commitment as members read it: its signs and pattern by name, its review day."""

    commitment: Commitment
    pattern_title: str  # "" when it names no pattern
    sign_titles: tuple[str, ...]
    review_day: date | None  # in the community's calendar; None: the next survey asking


@dataclass(frozen=True, slots=True)
class CommitmentsOverview:
    community: Community
    views: list[CommitmentView]


def may_commit(community: Community, *, coordinator: bool) -> bool:
    return coordinator or community.who_commits is WhoCommits.MEMBERS


async def commitment_community(svc: Services, guild_id: int, commitment_id: int) -> Community:
    """The community of a commitment a button in this server names; a button names no
    community, and another server's commitment is "not found"."""
    async with svc.repos() as repos:
        community = (
            await repos.communities.of_commitment(guild_id, commitment_id)
            if is_id(guild_id) and is_id(commitment_id)
            else None
        )
    if community is None:
        raise CommitmentNotFound()
    return community


async def check_may_commit(svc: Services, community_id: int, *, coordinator: bool) -> Community:
    """The community, if this member may commit in it: asked before a form is shown, so
    no one writes out a commitment only to have it refused."""
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
    _refuse_unless_allowed(community, coordinator=coordinator)
    return community


async def commit(
    svc: Services, community_id: int, request: CommitRequest, *, coordinator: bool
) -> Commitment:
    """Store a commitment; refuses a member the community has not allowed to commit."""
    now = svc.now()
    async with write_turn(svc), svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        _refuse_unless_allowed(community, coordinator=coordinator)
        review_at = request.review_at or _day_start(request.review_on, community)
        if review_at is not None and review_at <= now:
            raise InvalidSetting("The review date has to be in the future.")
        pattern_slug, sign_ids = request.pattern_slug, request.sign_ids
        if sign_ids and not request.suggestion_ids:
            await _check_watched(svc, repos, community, pattern_slug, sign_ids)
        if request.round_id is not None:
            await round_in(repos, community, request.round_id)
        if request.suggestion_ids:
            pattern_slug, sign_ids = await _signs_of(repos, community, request)
        for suggestion_id in request.suggestion_ids:
            # A commitment made from a suggestion is the community taking it up: the
            # replant rule reads this (vitality/follow_up.py).
            await repos.outcomes.acknowledge_suggestion(community.id, suggestion_id, at=now)
        try:
            return await repos.commitments.add(
                community.id,
                text=request.text,
                at=now,
                pattern_slug=pattern_slug,
                sign_ids=sign_ids,
                round_id=request.round_id,
                suggestion_id=request.suggestion_ids[0] if request.suggestion_ids else None,
                owner_role_id=request.owner_role_id,
                review_at=review_at,
            )
        except ValueError as exc:
            raise InvalidSetting(_sentence(str(exc))) from exc


async def list_commitments(
    svc: Services, community_id: int, *, statuses: Sequence[CommitmentStatus] | None = None
) -> tuple[Community, list[Commitment]]:
    """The community's latest commitments, newest first."""
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        found = await repos.commitments.recent(community.id, statuses=statuses, limit=LIST_LIMIT)
    return community, found


async def overview(svc: Services, community_id: int) -> CommitmentsOverview:
    """Open commitments and those closed in the last ``RECENTLY_CLOSED``, newest first."""
    since = svc.now() - RECENTLY_CLOSED
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        found = await repos.commitments.recent(community.id, limit=None)
    shown = [c for c in found if c.closed_at is None or c.closed_at >= since][:LIST_LIMIT]
    return CommitmentsOverview(community, [describe(svc, community, c) for c in shown])


async def described(svc: Services, community_id: int, commitment: Commitment) -> CommitmentView:
    """``describe`` for one commitment of the community ``community_id``."""
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
    return describe(svc, community, commitment)


def describe(svc: Services, community: Community, commitment: Commitment) -> CommitmentView:
    """Names for the signs and pattern (their ids when the library no longer has them),
    and the review day where the community lives."""
    pattern = svc.patterns.get(commitment.pattern_slug) if commitment.pattern_slug else None
    found = [pattern.sign(s) if pattern else None for s in commitment.sign_ids]
    signs = tuple(
        sign.title if sign else sign_id
        for sign, sign_id in zip(found, commitment.sign_ids, strict=True)
    )
    review_day = None
    if commitment.review_at is not None:
        review_day = commitment.review_at.astimezone(ZoneInfo(community.timezone)).date()
    title = pattern.title if pattern else commitment.pattern_slug
    return CommitmentView(commitment, title, signs, review_day)


async def sign_choices(svc: Services, community_id: int) -> list[SignChoice]:
    """Every sign of decay of the patterns the community watches, pattern by pattern."""
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        adopted = await repos.communities.list_adopted(community.id)
    choices: list[SignChoice] = []
    for item in adopted:
        pattern = svc.patterns.get(item.pattern_slug)
        if pattern is not None:
            choices += [
                SignChoice(pattern.slug, s.id, pattern.title, s.title)
                for s in pattern.signs_of_decay
            ]
    return choices


def parse_sign(key: str) -> tuple[str, tuple[str, ...]]:
    """A sign's key (``SignChoice.key``) -> the pattern and sign a ``CommitRequest`` names."""
    slug, _, sign = key.strip().partition(SIGN_SEPARATOR)
    if not slug or not sign:
        raise InvalidSetting(NOT_A_SIGN)
    return slug, (sign,)


def parse_review_day(text: str) -> date | None:
    """The day a member typed as YYYY-MM-DD; None when they typed nothing."""
    words = text.strip()
    if not words:
        return None
    try:
        return date.fromisoformat(words)
    except ValueError:
        raise InvalidSetting(
            "The review date has to be written YYYY-MM-DD, such as 2027-01-15."
        ) from None


async def set_who_commits(svc: Services, community_id: int, who: WhoCommits | str) -> Community:
    """Let coordinators only, or any member, record what the community will try."""
    try:
        chosen = WhoCommits(who)
    except ValueError:
        raise InvalidSetting("Who may commit is either coordinators or members.") from None
    async with write_turn(svc), svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        return await repos.communities.update_settings(community.id, who_commits=chosen)


async def set_status(
    svc: Services, community_id: int, commitment_id: int, status: CommitmentStatus
) -> Commitment:
    """Mark a commitment done, dropped, or open again."""
    async with write_turn(svc), svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        changed = await repos.commitments.set_status(
            community.id, commitment_id, CommitmentStatus(status), at=svc.now()
        )
    if changed is None:
        raise CommitmentNotFound()
    return changed


async def _signs_of(
    repos: Repositories, community: Community, request: CommitRequest
) -> tuple[str, tuple[str, ...]]:
    """The pattern and signs of the post's suggestions, all checked to be the community's."""
    found: list[SuggestionRecord] = []
    for suggestion_id in request.suggestion_ids:
        suggestion = await repos.outcomes.get_suggestion(community.id, suggestion_id)
        if suggestion is None or suggestion.round_id != request.round_id:
            raise CommitmentNotFound()
        found.append(suggestion)
    patterns = {s.pattern_slug for s in found}
    if len(patterns) != 1:
        raise InvalidSetting("One commitment answers the suggestions of one pattern.")
    return patterns.pop(), tuple(dict.fromkeys(s.sign_id for s in found))


def _refuse_unless_allowed(community: Community, *, coordinator: bool) -> None:
    if not may_commit(community, coordinator=coordinator):
        raise NotAllowed(
            "In this community coordinators record what we will try; "
            "ask one of them, or ask them to let members commit too."
        )


NOT_A_SIGN = (
    "That is not a sign of decay of a pattern this community watches: "
    "pick one of the signs offered as you type."
)


async def _check_watched(
    svc: Services,
    repos: Repositories,
    community: Community,
    pattern_slug: str,
    sign_ids: Sequence[str],
) -> None:
    """Refuse signs that are not signs of decay of a pattern the community adopted."""
    pattern = svc.patterns.get(pattern_slug)
    adopted = {a.pattern_slug for a in await repos.communities.list_adopted(community.id)}
    decay = {s.id for s in pattern.signs_of_decay} if pattern else set()
    if pattern_slug not in adopted or not set(sign_ids) <= decay:
        raise InvalidSetting(NOT_A_SIGN)


def _day_start(day: date | None, community: Community) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(community.timezone))


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")

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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from vitalitybot.domain.records import (
    Commitment,
    CommitmentStatus,
    Community,
    SuggestionRecord,
    WhoCommits,
)
from vitalitybot.services.app import Services, community_by_guild, write_turn
from vitalitybot.services.errors import InvalidSetting, NotAllowed, ServiceError
from vitalitybot.services.rounds import round_in
from vitalitybot.storage import Repositories

LIST_LIMIT = 25


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


def may_commit(community: Community, *, coordinator: bool) -> bool:
    return coordinator or community.who_commits is WhoCommits.MEMBERS


async def commit(
    svc: Services, guild_id: int, request: CommitRequest, *, coordinator: bool
) -> Commitment:
    """Store a commitment; refuses a member the community has not allowed to commit."""
    now = svc.now()
    async with write_turn(svc), svc.repos() as repos:
        community = await community_by_guild(repos, guild_id)
        if not may_commit(community, coordinator=coordinator):
            raise NotAllowed(
                "In this community coordinators record what we will try; "
                "ask one of them, or ask them to let members commit too."
            )
        if request.review_at is not None and request.review_at <= now:
            raise InvalidSetting("The review date has to be in the future.")
        pattern_slug, sign_ids = request.pattern_slug, request.sign_ids
        if request.round_id is not None:
            await round_in(repos, community, request.round_id)
        if request.suggestion_ids:
            pattern_slug, sign_ids = await _signs_of(repos, community, request)
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
                review_at=request.review_at,
            )
        except ValueError as exc:
            raise InvalidSetting(_sentence(str(exc))) from exc


async def list_commitments(
    svc: Services, guild_id: int, *, statuses: Sequence[CommitmentStatus] | None = None
) -> tuple[Community, list[Commitment]]:
    """The community's latest commitments, newest first."""
    async with svc.repos() as repos:
        community = await community_by_guild(repos, guild_id)
        found = await repos.commitments.recent(community.id, statuses=statuses, limit=LIST_LIMIT)
    return community, found


async def set_status(
    svc: Services, guild_id: int, commitment_id: int, status: CommitmentStatus
) -> Commitment:
    """Mark a commitment done, dropped, or open again."""
    async with write_turn(svc), svc.repos() as repos:
        community = await community_by_guild(repos, guild_id)
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


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")

"""A server's portfolio: every community's standing at a glance, for its sponsors.

Read-only and aggregate. Each community gets its standing in words first
(``vitality/standing.py``), then the figures behind it: participation in its recent
rounds, the decay signs crossing in its latest survey, its commitments made and done,
the harvests it kept. A round's figures appear only when it reached the minimum it
promised when it opened (``Round.min_respondents``), as in every results post: below it
the portfolio says "too few answers" and shows no count at all.

Who reads it is the server's business, not one community's (``may_read_portfolio``):
the sponsor role the server named (``set_sponsors``) and the members who can manage the
server. A community's coordinators are not sponsors: the portfolio shows every other
community of the server too.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from vitalitybot.domain.records import (
    Commitment,
    CommitmentStatus,
    Community,
    Round,
    RoundKind,
    RoundStatus,
    Server,
)
from vitalitybot.render.compose import render_message
from vitalitybot.render.message import Message
from vitalitybot.services.app import Services, write_turn
from vitalitybot.services.errors import NotAllowed
from vitalitybot.services.limits import is_id
from vitalitybot.services.messages import kind_name
from vitalitybot.services.views import ParticipationView, stored_score_views, threshold_of
from vitalitybot.storage import Repositories
from vitalitybot.vitality.quarters import due_quarter
from vitalitybot.vitality.standing import Standing, standing

RECENT_ROUNDS = 6  # closed rounds whose participation the portfolio shows
RECENT_DAYS = 90  # "lately", for commitments: about a quarter, the digest's period
_LOOKED_AT = 3 * RECENT_ROUNDS  # latest rounds read to find that many closed ones
SPONSORS_ONLY = (
    "Only this server's sponsors and members who can manage the server can read the "
    "portfolio: it shows every community's figures."
)
NO_SPONSOR_ROLE = (
    " This server has no sponsor role yet: a server admin can name one with /vitality sponsors."
)


@dataclass(frozen=True, slots=True)
class RoundParticipation:
    round: Round
    participation: ParticipationView | None  # None: fewer answered than the round's minimum

    @property
    def shown(self) -> bool:
        return self.participation is not None


@dataclass(frozen=True, slots=True)
class CommitmentCounts:
    made_lately: int  # in the last RECENT_DAYS
    done_lately: int
    made: int  # ever
    done: int


@dataclass(frozen=True, slots=True)
class CommunityPortfolio:
    community: Community
    standing: Standing
    rounds: tuple[RoundParticipation, ...]  # oldest first
    latest_survey: Round | None  # the latest closed survey
    crossing: tuple[str, ...] | None  # its decay signs crossing; None: no figures to show
    commitments: CommitmentCounts
    harvests: int
    latest_harvest: datetime | None


@dataclass(frozen=True, slots=True)
class Portfolio:
    guild_id: int
    communities: tuple[CommunityPortfolio, ...]  # by name
    made_at: datetime


def may_read_portfolio(server: Server, role_ids: Collection[int], *, is_admin: bool) -> bool:
    """Members who can manage the server, and holders of its sponsor role."""
    return is_admin or (server.sponsor_role_id is not None and server.sponsor_role_id in role_ids)


async def check_sponsor(
    svc: Services, guild_id: int, role_ids: Collection[int], *, is_admin: bool
) -> Server:
    """The server's settings, if the member may read its portfolio; else ``NotAllowed``."""
    server = await sponsor_settings(svc, guild_id)
    if may_read_portfolio(server, set(role_ids), is_admin=is_admin):
        return server
    raise NotAllowed(SPONSORS_ONLY + ("" if server.sponsor_role_id else NO_SPONSOR_ROLE))


async def sponsor_settings(svc: Services, guild_id: int) -> Server:
    if not is_id(guild_id):  # no server has it, and the database could not even look
        return Server(guild_id)
    async with svc.repos() as repos:
        return await repos.servers.get(guild_id)


async def set_sponsors(
    svc: Services, guild_id: int, sponsor_role_id: int, digest_channel_id: int | None
) -> Server:
    """Name the sponsor role, and the channel of the quarterly digest (None: no digest).

    A digest turned on mid-quarter gets its first post at the next quarter's start: the
    quarter under way counts as digested (``vitality/quarters.py``), so turning it on never
    posts at once, and moving it to another channel never posts twice in a quarter.
    """
    async with write_turn(svc), svc.repos() as repos:
        server = await repos.servers.get(guild_id)
        period = server.digest_period
        if digest_channel_id is not None and server.digest_channel_id is None:
            period = due_quarter(svc.now())
        return await repos.servers.update(
            guild_id,
            at=svc.now(),
            sponsor_role_id=sponsor_role_id,
            digest_channel_id=digest_channel_id,
            digest_period=period,
        )


async def portfolio(svc: Services, guild_id: int) -> Portfolio:
    """Every community of the server, by name, as the module docstring says."""
    now = svc.now()
    entries = []
    async with svc.repos() as repos:
        communities = await repos.communities.list_for_guild(guild_id) if is_id(guild_id) else []
        for community in communities:
            entries.append(await _community_portfolio(svc, repos, community, now))
    return Portfolio(guild_id, tuple(entries), now)


async def _community_portfolio(
    svc: Services, repos: Repositories, community: Community, now: datetime
) -> CommunityPortfolio:
    rounds = await _recent_closed(repos, community)
    answered = await repos.answers.count_respondents_by_round(community.id, [r.id for r in rounds])
    shown = tuple(_participation(r, answered.get(r.id, 0)) for r in rounds)
    survey = next(
        (
            r
            for r in await repos.rounds.list_recent(
                community.id, kind=RoundKind.SURVEY, limit=_LOOKED_AT
            )
            if r.status is RoundStatus.CLOSED
        ),
        None,
    )
    crossing = await _crossing(svc, repos, community, survey) if survey is not None else None
    harvests, latest_harvest = await repos.outcomes.count_harvests(community.id)
    latest_kind = kind_name(rounds[-1].kind) if rounds else "round"
    return CommunityPortfolio(
        community=community,
        standing=standing(_measures(shown), latest_kind=latest_kind, crossing=crossing),
        rounds=shown,
        latest_survey=survey,
        crossing=crossing,
        commitments=_counted(await repos.commitments.recent(community.id), now),
        harvests=harvests,
        latest_harvest=latest_harvest,
    )


async def _recent_closed(repos: Repositories, community: Community) -> list[Round]:
    """The community's latest ``RECENT_ROUNDS`` closed rounds, oldest first."""
    latest = await repos.rounds.list_recent(community.id, limit=_LOOKED_AT)
    closed = [r for r in latest if r.status is RoundStatus.CLOSED][:RECENT_ROUNDS]
    return closed[::-1]


def _participation(round_: Round, answered: int) -> RoundParticipation:
    if answered < round_.min_respondents:
        return RoundParticipation(round_, None)
    return RoundParticipation(round_, ParticipationView(answered, 0, round_.eligible_members))


def _measures(rounds: Sequence[RoundParticipation]) -> list[float | None]:
    """Each round's participation as the standing rule compares it: the share of eligible
    members when every shown round knows it, else the number who answered."""
    views = [p.participation for p in rounds]
    rates = all(v.rate is not None for v in views if v is not None)
    return [
        None if v is None else (v.rate if rates and v.rate is not None else float(v.respondents))
        for v in views
    ]


async def _crossing(
    svc: Services, repos: Repositories, community: Community, survey: Round
) -> tuple[str, ...] | None:
    """The decay signs crossing in ``survey``; None when it was below its minimum."""
    stored = await repos.outcomes.list_scores(community.id, survey.id)
    questions = await repos.rounds.list_questions(community.id, survey.id)
    views = stored_score_views(svc.patterns, stored, questions, threshold_of(community, survey))
    if not any(v.visible for v in views):
        return None
    return tuple(v.sign_title for v in views if v.visible and v.is_decay and v.crossed)


def _counted(commitments: Sequence[Commitment], now: datetime) -> CommitmentCounts:
    since = now - timedelta(days=RECENT_DAYS)
    done = [c for c in commitments if c.status is CommitmentStatus.DONE and c.closed_at is not None]
    return CommitmentCounts(
        made_lately=sum(1 for c in commitments if c.created_at >= since),
        done_lately=sum(1 for c in done if c.closed_at is not None and c.closed_at >= since),
        made=len(commitments),
        done=len(done),
    )


def portfolio_message(
    svc: Services, portfolio: Portfolio, *, digest_period: str | None = None
) -> Message:
    """The portfolio as a post (``portfolio.md.j2``): the reply to a sponsor, or the
    quarterly digest of ``digest_period``."""
    return render_message(
        svc.env,
        "portfolio.md.j2",
        portfolio=portfolio,
        digest_period=digest_period,
        recent_days=RECENT_DAYS,
        kind_names={kind: kind_name(kind) for kind in RoundKind},
    )

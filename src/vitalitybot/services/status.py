"""Where a community stands, for the coordinator's status command: its patterns,
schedules, open and recent rounds with their participation, the last survey's scores and
the posts that failed. One read transaction; figures below the minimum stay hidden, each
round's by the minimum it promised when it opened."""

from __future__ import annotations

from dataclasses import dataclass

from vitalitybot.domain import scale
from vitalitybot.domain.privacy import round_minimum
from vitalitybot.domain.records import (
    Community,
    Delivery,
    DeliveryStatus,
    Round,
    RoundKind,
    RoundStatus,
)
from vitalitybot.render.compose import render_message
from vitalitybot.render.message import Message
from vitalitybot.render.timestamps import Timestamp, discord_time
from vitalitybot.services.app import Services, community_by_id
from vitalitybot.services.communities import AdoptedView, ScheduleView, adopted_view, schedule_view
from vitalitybot.services.messages import kind_name
from vitalitybot.services.views import (
    ParticipationView,
    SignScoreView,
    stored_score_views,
    threshold_of,
)

RECENT_ROUNDS = 12
RECENT_FAILURES = 5


@dataclass(frozen=True, slots=True)
class RoundView:
    round: Round
    participation: ParticipationView
    closes_text: Timestamp


@dataclass(frozen=True, slots=True)
class CommunityStatus:
    community: Community
    adopted: tuple[AdoptedView, ...]
    schedules: tuple[ScheduleView, ...]
    open_rounds: tuple[RoundView, ...]
    recent_rounds: tuple[RoundView, ...]  # newest first, missed ones included
    last_scores_round: Round | None  # the latest closed survey
    last_scores: tuple[SignScoreView, ...]
    failed_deliveries: tuple[Delivery, ...]  # newest first


async def status(svc: Services, community_id: int) -> CommunityStatus:
    """Where the community stands: patterns, schedules, rounds, last scores, failed posts."""
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        adopted = await repos.communities.list_adopted(community.id)
        schedules = await repos.schedules.list_for(community.id)
        recent = await repos.rounds.list_recent(community.id, limit=RECENT_ROUNDS)
        open_rounds = await repos.rounds.list_open(community.id)
        ids = [r.id for r in {r.id: r for r in (*recent, *open_rounds)}.values()]
        answered = await repos.answers.count_respondents_by_round(community.id, ids)
        last_survey = next(
            (
                r
                for r in await repos.rounds.list_recent(
                    community.id, kind=RoundKind.SURVEY, limit=RECENT_ROUNDS
                )
                if r.status is RoundStatus.CLOSED
            ),
            None,
        )
        stored = (
            await repos.outcomes.list_scores(community.id, last_survey.id) if last_survey else []
        )
        questions = (
            await repos.rounds.list_questions(community.id, last_survey.id) if last_survey else []
        )
        failures = await repos.deliveries.list_recent(
            community.id, status=DeliveryStatus.FAILED, limit=RECENT_FAILURES
        )
    scores = (
        tuple(
            stored_score_views(
                svc.patterns, stored, questions, threshold_of(community, last_survey)
            )
        )
        if last_survey
        else ()
    )

    def view(round_: Round) -> RoundView:
        return RoundView(
            round=round_,
            participation=ParticipationView(answered.get(round_.id, 0), 0, round_.eligible_members),
            closes_text=discord_time(round_.closes_at),
        )

    return CommunityStatus(
        community=community,
        adopted=tuple(adopted_view(svc, a) for a in adopted),
        schedules=tuple(schedule_view(svc, s, community) for s in schedules),
        open_rounds=tuple(view(r) for r in open_rounds),
        recent_rounds=tuple(view(r) for r in recent),
        last_scores_round=last_survey,
        last_scores=scores,
        failed_deliveries=tuple(failures),
    )


def status_message(svc: Services, status: CommunityStatus) -> Message:
    """The status as a post (``community_status.md.j2``), for the status command.

    Its footer states the latest survey's own minimum, the one its figures were cut by,
    and what the community's present settings promise the rounds still to come.
    """
    community = status.community
    latest = status.last_scores_round
    return render_message(
        svc.env,
        "community_status.md.j2",
        status=status,
        community=status.community,
        kind_names={kind: kind_name(kind) for kind in RoundKind},
        threshold_percent=int(community.threshold * 100 + 0.5),
        min_respondents=latest.min_respondents if latest else None,
        next_minimum=round_minimum(community.anonymous, community.min_respondents),
        high_words=scale.high_words(),
        failures=[(discord_time(d.created_at), d) for d in status.failed_deliveries],
    )

"""Keeping the scheduler's jobs in step with the schedules stored in the database.

Schedules live in the tables; the runner's jobs are rebuilt from them at every start
(APScheduler's memory store forgets everything on shutdown). ``start`` also settles
what happened while the bot was away, in this order:

1. rounds whose window ended while it was down are closed now (results, suggestions
   and harvest are posted late rather than never);
2. per schedule, ``plan_catch_up`` decides: the latest missed run opens, once, if it is
   within the grace period and its window is still open; older runs are recorded as
   rounds with status ``missed`` (shown by ``status``), never posted in a burst;
3. every open round gets its close job, and its reminder job if it has not been
   reminded yet (a reminder whose time passed while down goes out at once).

Each job calls a service and nothing else. A failing job is logged with its community
and swallowed, so one community's broken channel or bad data never stops the others.

With a ``ShardSet`` the keeper arms jobs and catches up only for the guilds its shards
own; the other processes of the deployment keep the rest. The services' own calls
(``refresh`` after a coordinator's command, ``arm_round`` after an opening) need no
check: Discord delivers a guild's commands to the shard that owns it, and openings
come from this keeper's jobs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from apscheduler.triggers.date import DateTrigger

from vitalitybot.domain.records import Community, Round, RoundStatus, Schedule
from vitalitybot.observability.logs import community_context
from vitalitybot.scheduling.cadence import build_trigger, closes_at, period_key, reminder_at
from vitalitybot.scheduling.catchup import CatchUp, plan_catch_up
from vitalitybot.scheduling.runner import (
    Job,
    SchedulerRunner,
    close_job_id,
    open_job_id,
    remind_job_id,
)
from vitalitybot.scheduling.spec import ScheduleSpec
from vitalitybot.services.app import Services, spec_of
from vitalitybot.services.closing import close_round
from vitalitybot.services.reminders import remind
from vitalitybot.services.rounds import open_round, record_missed_round, repost_unposted
from vitalitybot.services.shards import ShardSet

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class StartReport:
    """What ``start`` did about the time the bot was away."""

    closed: list[int] = field(default_factory=list)  # round ids closed late
    opened: list[int] = field(default_factory=list)  # round ids opened late (catch-up)
    missed: list[int] = field(default_factory=list)  # round ids recorded as missed
    schedules: int = 0  # open jobs armed


class ScheduleKeeper:
    """Turns stored schedules and open rounds into runner jobs; attaches itself to ``svc``.

    ``shards`` limits it to the guilds those shards own; None owns every guild.
    """

    def __init__(
        self, svc: Services, runner: SchedulerRunner, shards: ShardSet | None = None
    ) -> None:
        self.svc = svc
        self.runner = runner
        self.shards = shards
        svc.keeper = self

    def owns(self, community: Community) -> bool:
        return self.shards is None or self.shards.owns(community.guild_id)

    async def start(self) -> StartReport:
        report = StartReport()
        now = self.svc.now()
        async with self.svc.repos() as repos:
            communities = {c.id: c for c in await repos.communities.list_all() if self.owns(c)}
            due = [r for r in await repos.rounds.list_due(now) if r.community_id in communities]
        for round_ in due:
            if await self._guarded(
                round_.community_id,
                f"closing round {round_.id} late",
                close_round(self.svc, round_.community_id, round_.id),
            ):
                report.closed.append(round_.id)
        await self._arm_schedules(communities, now, report)
        async with self.svc.repos() as repos:
            open_rounds = await repos.rounds.list_all_open()
        for round_ in open_rounds:
            if round_.community_id not in communities:
                continue
            self.arm_round(round_)
            if round_.message_id is None:  # stored, but its post never went out
                await self._guarded(
                    round_.community_id,
                    f"posting round {round_.id}",
                    repost_unposted(self.svc, round_),
                )
        self.runner.start()
        logger.info(
            "scheduler started (%s): %d schedules, %d rounds closed late, %d opened late, "
            "%d missed",
            self.shards or "every shard",
            report.schedules,
            len(report.closed),
            len(report.opened),
            len(report.missed),
        )
        return report

    def shutdown(self) -> None:
        self.runner.shutdown()

    # -- schedules -----------------------------------------------------------------------

    def refresh(self, schedule: Schedule, timezone: str) -> None:
        """(Re)arm the schedule's open job; a disabled schedule loses it."""
        if not schedule.enabled:
            self.forget(schedule.id)
            return
        spec = spec_of(schedule, timezone)
        svc = self.svc

        async def fire(fire_time: datetime) -> None:
            await self._guarded(
                schedule.community_id,
                f"opening the {schedule.kind} of {period_key(spec, fire_time)}",
                open_round(
                    svc,
                    schedule.community_id,
                    schedule.kind,
                    period=period_key(spec, fire_time),
                    pattern_slug=schedule.pattern_slug,
                    fire_time=fire_time,
                ),
            )

        self.runner.add(Job(open_job_id(schedule.id), build_trigger(spec), fire))

    def forget(self, schedule_id: int) -> None:
        self.runner.remove(open_job_id(schedule_id))

    def next_open(self, schedule_id: int) -> datetime | None:
        return self.runner.next_run(open_job_id(schedule_id))

    async def _arm_schedules(
        self, communities: Mapping[int, Community], now: datetime, report: StartReport
    ) -> None:
        """Arm the open job of each enabled schedule of ``communities``, and catch it up.

        Made for thousands of schedules: one query says when each last opened a round,
        and the catch-up plan is worked out once per distinct (schedule, last opening),
        since the communities on the default schedules in one zone all share it.
        """
        async with self.svc.repos() as repos:
            schedules = await repos.schedules.list_enabled()
            latest = await repos.rounds.latest_openings()
        plans: dict[tuple[ScheduleSpec, datetime | None], CatchUp] = {}
        for schedule in schedules:
            community = communities.get(schedule.community_id)
            if community is None:  # another shard's guild (or one set up since)
                continue
            last_seen = latest.get((community.id, schedule.kind, schedule.pattern_slug))
            try:
                self.refresh(schedule, community.timezone)
                report.schedules += 1
                spec = spec_of(schedule, community.timezone)
                plan = plans.get((spec, last_seen))
                if plan is None:
                    plan = plans[spec, last_seen] = plan_catch_up(
                        spec, last_seen, now, self.svc.grace
                    )
                with community_context(community.id):
                    await self._catch_up(schedule, community, spec, plan, report)
            except Exception:
                logger.exception(
                    "community %s: could not arm schedule %s", schedule.community_id, schedule.id
                )

    async def _catch_up(
        self,
        schedule: Schedule,
        community: Community,
        spec: ScheduleSpec,
        plan: CatchUp,
        report: StartReport,
    ) -> None:
        """Record the runs ``plan`` says were missed and open the one it says to open."""
        for fire in plan.missed:
            missed = await record_missed_round(
                self.svc,
                community.id,
                schedule.kind,
                period=period_key(spec, fire),
                pattern_slug=schedule.pattern_slug,
                fire_time=fire,
                closes=closes_at(spec, fire),
            )
            report.missed.append(missed.id)
        if plan.missed:
            logger.warning(
                "community %s: %d %s runs were missed while the bot was away",
                community.id,
                len(plan.missed),
                schedule.kind,
            )
        if plan.open_now is not None:
            opened = await open_round(
                self.svc,
                community.id,
                schedule.kind,
                period=period_key(spec, plan.open_now),
                pattern_slug=schedule.pattern_slug,
                fire_time=plan.open_now,
            )
            if opened is not None:
                report.opened.append(opened.id)

    # -- rounds --------------------------------------------------------------------------

    def arm_round(self, round: Round) -> None:
        """Add the round's close job and, unless it was reminded already, its reminder."""
        if round.status is not RoundStatus.OPEN:
            return
        svc, community_id, round_id = self.svc, round.community_id, round.id

        async def close(_fire_time: datetime) -> None:
            await self._guarded(
                community_id,
                f"closing round {round_id}",
                close_round(svc, community_id, round_id),
            )

        async def nudge(_fire_time: datetime) -> None:
            await self._guarded(
                community_id,
                f"reminding round {round_id}",
                remind(svc, community_id, round_id),
            )

        self.runner.add(Job(close_job_id(round_id), _at(round.closes_at), close))
        if not svc.reminders or round.reminded_at is not None:
            return
        when = max(reminder_at(round.opened_at, round.closes_at), svc.now())
        if when < round.closes_at:
            self.runner.add(Job(remind_job_id(round_id), _at(when), nudge))

    def disarm_round(self, round_id: int) -> None:
        self.runner.remove(close_job_id(round_id))
        self.runner.remove(remind_job_id(round_id))

    async def _guarded(self, community_id: int, what: str, action: Awaitable[object]) -> bool:
        """Run one community's job; its failure is logged and never stops the others."""
        with community_context(community_id):
            try:
                await action
            except Exception:
                logger.exception("community %s: %s failed", community_id, what)
                return False
        return True


def _at(moment: datetime) -> DateTrigger:
    return DateTrigger(run_date=moment.astimezone(UTC), timezone=UTC)

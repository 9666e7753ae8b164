"""The scheduler, derived from the database: nothing in it is kept in step by hand.

Two steps (``scheduling/step.py``) re-read the tables and act, each on a poll, when
next needed, and soon after this process commits to a table it reads:

* **schedules** rebuilds the open job of every enabled schedule (``open:<id>``) from
  the schedules table: new and changed ones are (re)added, gone and disabled ones
  removed. A schedule changed by a coordinator, the CLI or another process is picked
  up at the next poll at the latest.
* **due** reads the open rounds and closes those whose window has ended and reminds
  those whose reminder time has come (``due.py``), then asks to run again at the
  earliest close or reminder still to come. A round closed or reminded elsewhere is
  simply no longer due: nothing is closed, reminded or posted twice (and the close
  and the reminder are once-only in the database anyway).

``start`` also settles what happened while the bot was away, in this order:

1. rounds whose window ended while it was down are closed now (results, suggestions
   and harvest are posted late rather than never);
2. per schedule, ``plan_catch_up`` decides: the latest missed run opens, once, if it is
   within the grace period and its window is still open; older runs are recorded as
   rounds with status ``missed`` (shown by ``status``), never posted in a burst;
3. open rounds whose post never went out are posted; reminders that fell due while it
   was down go out at the first ``due`` run, a moment after the start;
4. posts left waiting in the outbox (a crash between a decision and its post, an
   outage) go out at the first ``outbox`` run, a moment after the start.

A third step, **outbox**, sends what waits in the outbox (services/outbox.py) of the
communities this process owns: at start, when this process commits a post (the
use-case sends its own posts first; this catches the rest), on its poll, and when the
next retry after an outage is due.

A fourth step, **digest**, posts the quarterly portfolio digest of the servers that
chose a channel for it (services/digest.py), on its poll and at each quarter's start.

Every action on one community is guarded: its failure is logged with the community
and never stops the others. With a ``ShardSet`` the keeper acts only for the guilds
its shards own; the other processes of the deployment keep the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from vitalitybot.domain.records import OpenRoundTimes, RoundKind, Schedule
from vitalitybot.observability.logs import community_context
from vitalitybot.scheduling.cadence import build_trigger, closes_at, period_key
from vitalitybot.scheduling.catchup import CatchUp, plan_catch_up
from vitalitybot.scheduling.clock import clock_span
from vitalitybot.scheduling.runner import Job, SchedulerRunner, open_job_id
from vitalitybot.scheduling.spec import ScheduleSpec
from vitalitybot.scheduling.step import RepeatedStep
from vitalitybot.services.app import Services, spec_of
from vitalitybot.services.closing import close_round
from vitalitybot.services.digest import post_due_digests
from vitalitybot.services.due import due_work
from vitalitybot.services.outbox import drain
from vitalitybot.services.reminders import remind
from vitalitybot.services.rounds import open_round, record_missed_round, repost_unposted
from vitalitybot.services.shards import ShardSet
from vitalitybot.storage.schedules import PlacedSchedule

logger = logging.getLogger(__name__)

# How often, in real time, the steps look at the tables whatever happened: how late a
# change committed by another process may be seen.
POLL = timedelta(seconds=60)
# How long after a commit of this process a step looks again, so a burst of commits
# makes one run.
WAKE_DELAY = timedelta(seconds=1)
SCHEDULES_STEP = "schedules"
DUE_STEP = "due"
OUTBOX_STEP = "outbox"
DIGEST_STEP = "digest"
# What each step reads: a commit writing one of these tables wakes it.
_SCHEDULE_TABLES = frozenset({"schedules", "communities"})
_ROUND_TABLES = frozenset({"rounds", "communities"})
_OUTBOX_TABLES = frozenset({"deliveries"})


@dataclass(slots=True)
class StartReport:
    """What ``start`` did about the time the bot was away."""

    closed: list[int] = field(default_factory=list)  # round ids closed late
    opened: list[int] = field(default_factory=list)  # round ids opened late (catch-up)
    missed: list[int] = field(default_factory=list)  # round ids recorded as missed
    schedules: int = 0  # open jobs armed


class ScheduleKeeper:
    """Runs ``svc``'s schedules, closes and reminders on ``runner``, from the tables.

    ``shards`` limits it to the guilds those shards own; None owns every guild. ``poll``
    is in the runner's time (default: a real minute, however fast the clock runs).
    """

    def __init__(
        self,
        svc: Services,
        runner: SchedulerRunner,
        shards: ShardSet | None = None,
        *,
        poll: timedelta | None = None,
    ) -> None:
        self.svc = svc
        self.runner = runner
        self.shards = shards
        self.poll = poll = poll if poll is not None else clock_span(svc.clock, POLL)
        self._wake_delay = delay = clock_span(svc.clock, WAKE_DELAY)
        self._schedules = RepeatedStep(
            SCHEDULES_STEP, self._reconcile, runner, svc.clock, poll=poll, wake_delay=delay
        )
        self._due = RepeatedStep(
            DUE_STEP, self._act_on_due, runner, svc.clock, poll=poll, wake_delay=delay
        )
        self._outbox = RepeatedStep(
            OUTBOX_STEP, self._drain, runner, svc.clock, poll=poll, wake_delay=delay
        )
        self._digest = RepeatedStep(
            DIGEST_STEP, self._post_digests, runner, svc.clock, poll=poll, wake_delay=delay
        )
        # By schedule id: the schedule and zone its open job runs, or that could not be
        # armed (a zone that no longer exists), so a poll retries only what changed.
        self._armed: dict[int, tuple[Schedule, str]] = {}
        self._refused: dict[int, tuple[Schedule, str]] = {}
        self._stop_listening: Callable[[], None] | None = None

    def owns(self, guild_id: int) -> bool:
        return self.shards is None or self.shards.owns(guild_id)

    async def start(self) -> StartReport:
        report = StartReport()
        now = self.svc.now()
        report.closed = await self._close_late(now)
        placed = await self._placed_schedules()
        report.schedules = self._arm(placed)
        await self._catch_up_all(placed, now, report)
        await self._post_unposted()
        self._stop_listening = self.svc.db.changes.listen(self._changed)
        self._schedules.start(now + self.poll)  # just armed: the next look can wait
        # Reminders that fell due while the bot was away go out at the first look, a
        # moment after the start: a bot stopped right after starting then has no run
        # to cut short.
        self._due.start(now + self._wake_delay)
        # Posts a crash or an outage left in the outbox go out at the first look, a moment
        # after the start too, for the same reason.
        self._outbox.start(now + self._wake_delay)
        # A quarter's digest missed while the bot was away goes out at the first look.
        self._digest.start(now + self._wake_delay)
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
        if self._stop_listening is not None:
            self._stop_listening()
            self._stop_listening = None
        self.runner.shutdown()
        self._armed.clear()  # the runner forgot the jobs: a new start arms them all again
        self._refused.clear()

    def _changed(self, tables: frozenset[str]) -> None:
        """A commit of this process: wake the steps that read what it wrote."""
        if tables & _SCHEDULE_TABLES:
            self._schedules.wake()
        if tables & _ROUND_TABLES:
            self._due.wake()
        if tables & _OUTBOX_TABLES:
            self._outbox.wake()

    # -- schedules -----------------------------------------------------------------------

    async def _placed_schedules(self) -> list[PlacedSchedule]:
        async with self.svc.repos() as repos:
            placed = await repos.schedules.list_enabled_placed()
        return [p for p in placed if self.owns(p.guild_id)]

    async def _reconcile(self) -> datetime | None:
        self._arm(await self._placed_schedules())
        return None

    def _arm(self, placed: Iterable[PlacedSchedule]) -> int:
        """Make the open jobs those of ``placed``, touching only what changed."""
        wanted = {p.schedule.id: (p.schedule, p.timezone) for p in placed}
        for gone in self._armed.keys() - wanted.keys():
            self.runner.remove(open_job_id(gone))
            del self._armed[gone]
        self._refused = {k: v for k, v in self._refused.items() if wanted.get(k) == v}
        for schedule_id, placing in wanted.items():
            if placing in (self._armed.get(schedule_id), self._refused.get(schedule_id)):
                continue
            schedule, timezone = placing
            try:
                self.runner.add(self._open_job(schedule, timezone))
            except Exception:
                logger.exception(
                    "community %s: could not arm schedule %s", schedule.community_id, schedule_id
                )
                self.runner.remove(open_job_id(schedule_id))  # not at its old time either
                self._armed.pop(schedule_id, None)
                self._refused[schedule_id] = placing  # said once, until it changes
                continue
            self._armed[schedule_id] = placing
        return len(self._armed)

    def _open_job(self, schedule: Schedule, timezone: str) -> Job:
        spec = spec_of(schedule, timezone)

        async def fire(fire_time: datetime) -> None:
            await self._guarded(
                schedule.community_id,
                f"opening the {schedule.kind} of {period_key(spec, fire_time)}",
                open_round(
                    self.svc,
                    schedule.community_id,
                    schedule.kind,
                    period=period_key(spec, fire_time),
                    pattern_slug=schedule.pattern_slug,
                    fire_time=fire_time,
                ),
            )

        return Job(open_job_id(schedule.id), build_trigger(spec), fire)

    # -- catching up after a restart -----------------------------------------------------

    async def _catch_up_all(
        self, placed: Iterable[PlacedSchedule], now: datetime, report: StartReport
    ) -> None:
        """Catch up each armed schedule on the runs it missed.

        Made for thousands of schedules: one query says when each last opened a round,
        and the catch-up plan is worked out once per distinct (schedule, last opening),
        since the communities on the default schedules in one zone all share it.
        """
        async with self.svc.repos() as repos:
            latest = await repos.rounds.latest_openings()
        plans: dict[tuple[ScheduleSpec, datetime | None], CatchUp] = {}
        for p in placed:
            schedule = p.schedule
            if schedule.id not in self._armed:
                continue
            last_seen = latest.get((schedule.community_id, schedule.kind, schedule.pattern_slug))
            with community_context(schedule.community_id):
                try:
                    spec = spec_of(schedule, p.timezone)
                    plan = plans.get((spec, last_seen))
                    if plan is None:
                        plan = plans[spec, last_seen] = plan_catch_up(
                            spec, last_seen, now, self.svc.grace
                        )
                    await self._catch_up(schedule, spec, plan, report)
                except Exception:
                    logger.exception(
                        "community %s: could not catch up schedule %s",
                        schedule.community_id,
                        schedule.id,
                    )

    async def _catch_up(
        self, schedule: Schedule, spec: ScheduleSpec, plan: CatchUp, report: StartReport
    ) -> None:
        """Record the runs ``plan`` says were missed and open the one it says to open."""
        community_id = schedule.community_id
        for fire in plan.missed:
            missed = await record_missed_round(
                self.svc,
                community_id,
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
                community_id,
                len(plan.missed),
                RoundKind(schedule.kind).value,
            )
        if plan.open_now is not None:
            opened = await open_round(
                self.svc,
                community_id,
                schedule.kind,
                period=period_key(spec, plan.open_now),
                pattern_slug=schedule.pattern_slug,
                fire_time=plan.open_now,
            )
            if opened is not None:
                report.opened.append(opened.id)

    async def _close_late(self, now: datetime) -> list[int]:
        work = due_work(await self._open_times(), now, reminders=False)
        return [t.round_id for t in work.closes if await self._close(t)]

    async def _post_unposted(self) -> None:
        """Post the open rounds that were stored but whose post never went out."""
        async with self.svc.repos() as repos:
            unposted = [
                (round_, await repos.communities.get(round_.community_id))
                for round_ in await repos.rounds.list_unposted()
            ]
        for round_, community in unposted:
            if community is not None and self.owns(community.guild_id):
                await self._guarded(
                    round_.community_id,
                    f"posting round {round_.id}",
                    repost_unposted(self.svc, round_),
                )

    # -- closes and reminders ------------------------------------------------------------

    async def _open_times(self) -> list[OpenRoundTimes]:
        async with self.svc.repos() as repos:
            times = await repos.rounds.list_open_times()
        return [t for t in times if self.owns(t.guild_id)]

    async def _act_on_due(self) -> datetime | None:
        """Close and remind what is due now; returns when the next close or reminder is."""
        work = due_work(await self._open_times(), self.svc.now(), reminders=self.svc.reminders)
        for times in work.closes:
            await self._close(times)
        for times in work.reminders:
            await self._guarded(
                times.community_id,
                f"reminding round {times.round_id}",
                remind(self.svc, times.community_id, times.round_id),
            )
        return work.following

    async def _drain(self) -> datetime | None:
        """Send the posts waiting in the outbox; returns when the next retry is due."""
        return await drain(self.svc, self.owns)

    async def _post_digests(self) -> datetime | None:
        """Post the quarterly digests due; returns when the next quarter's are."""
        return await post_due_digests(self.svc, self.owns)

    async def _close(self, times: OpenRoundTimes) -> bool:
        return await self._guarded(
            times.community_id,
            f"closing round {times.round_id}",
            close_round(self.svc, times.community_id, times.round_id),
        )

    async def _guarded(self, community_id: int, what: str, action: Awaitable[object]) -> bool:
        """Run one community's action; its failure is logged and never stops the others."""
        with community_context(community_id):
            try:
                await action
            except Exception:
                logger.exception("community %s: %s failed", community_id, what)
                return False
        return True

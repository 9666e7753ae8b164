"""Members reacting to the channel: answering, skipping, answering after a reminder.

When a round opens, each synthetic member decides whether they will answer it and when
(within the first two days, before the reminder), or skip it, or let it pass. A reminder
wins some of the silent ones back. Each answer is a job on the same simulated runner as
the bot's own schedule, so it happens at its own simulated moment, in order with round
openings, reminders and closes, and goes through the same service calls a Discord click
would: ``answer_form``, then ``record_answers`` (or ``skip_round``) with the member's id.

Members answer a survey in the light of what the community was doing about its signs
when it opened: the commitments on record then (``SyntheticCommunity.efforts``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from apscheduler.triggers.date import DateTrigger

from vitalitybot.domain.records import Question, Round, RoundKind
from vitalitybot.scheduling.runner import Job, SchedulerRunner
from vitalitybot.services import (
    ServiceError,
    Services,
    answer_form,
    record_answers,
    skip_round,
)
from vitalitybot.simulate.community import Effort, Member, SyntheticCommunity

logger = logging.getLogger(__name__)

FIRST_ANSWER = timedelta(minutes=15)  # the quickest members answer soon after the post
SLOT = timedelta(minutes=15)  # members acting in the same quarter-hour share one job
UNPROMPTED_SHARE = 0.38  # ... and the last unprompted ones by this share of the window
SKIP_CHANCE = 0.25  # of those who will not answer, how many say so with the skip button
REMINDER_RESPONSE = (0.2, 0.35)  # chance to answer after a reminder: base + health × this


@dataclass
class Tally:
    submissions: int = 0
    answers: int = 0  # ratings given and reflections written
    reflections: int = 0
    shared: int = 0
    skips: int = 0
    refused: int = 0  # submissions the services refused (none are expected)


@dataclass
class MemberBehaviour:
    """A ``ChannelListener`` that turns posts into members' answers on the runner."""

    svc: Services
    community: SyntheticCommunity
    runner: SchedulerRunner
    guild_id: int
    tally: Tally = field(default_factory=Tally)
    _slots: dict[tuple[int, datetime], list[Callable[[], Awaitable[None]]]] = field(
        default_factory=dict
    )

    async def round_opened(self, round: Round, questions: Sequence[Question]) -> None:
        window = round.closes_at - round.opened_at
        latest = round.opened_at + window * UNPROMPTED_SHARE
        efforts = await self._efforts(round)
        for member in self.community.members:
            rng = self.community.rng("opened", round.id, member.id)
            chance = self.community.answer_chance(member, round.opened_at)
            roll = rng.random()
            if roll < chance:
                at = _between(round.opened_at + FIRST_ANSWER, latest, rng.random())
                self._answer_at(round, member, at, efforts)
            elif rng.random() < SKIP_CHANCE:
                at = _between(round.opened_at + FIRST_ANSWER, latest, rng.random())
                self._skip_at(round, member, at)

    async def reminded(self, round: Round, member_ids: Sequence[int]) -> None:
        now = self.svc.now()
        base, more = REMINDER_RESPONSE
        chance = base + more * self.community.health(now)
        efforts = await self._efforts(round)
        for member_id in member_ids:
            rng = self.community.rng("reminded", round.id, member_id)
            if rng.random() < chance:
                at = _between(now + FIRST_ANSWER, round.closes_at - SLOT, rng.random())
                self._answer_at(round, self.community.member(member_id), at, efforts)

    async def _efforts(self, round_: Round) -> tuple[Effort, ...]:
        """What the community is doing about its signs, as the round's members see it."""
        if round_.kind is not RoundKind.SURVEY:
            return ()
        async with self.svc.repos() as repos:
            commitments = await repos.commitments.recent(round_.community_id)
        return self.community.efforts(commitments)

    def _answer_at(
        self, round_: Round, member: Member, at: datetime, efforts: tuple[Effort, ...]
    ) -> None:
        async def answer() -> None:
            await self._answer(round_, member, efforts)

        self._in_slot(round_, at, answer)

    def _skip_at(self, round_: Round, member: Member, at: datetime) -> None:
        async def skip() -> None:
            try:
                await skip_round(self.svc, self.guild_id, round_.id, member.id)
            except ServiceError as error:
                self._refused(round_, member, error)
                return
            self.tally.skips += 1

        self._in_slot(round_, at, skip)

    def _in_slot(self, round_: Round, at: datetime, action: Callable[[], Awaitable[None]]) -> None:
        """Run ``action`` in its quarter-hour, in the order members decided to act.

        One job per quarter-hour rather than per member keeps the runner's queue short
        in a community of thousands; the slot starts inside the round's window because
        members act at least ``FIRST_ANSWER`` (a slot) after a post and a slot before the
        close.
        """
        slot = at - (at - at.replace(minute=0, second=0, microsecond=0)) % SLOT
        key = (round_.id, slot)
        actions = self._slots.get(key)
        if actions is None:
            actions = self._slots[key] = []

            async def run(_fire_time: datetime) -> None:
                for act in self._slots.pop(key):
                    await act()

            self.runner.add(Job(f"members:{round_.id}:{slot:%Y%m%dT%H%M}", _once(slot), run))
        actions.append(action)

    async def _answer(self, round_: Round, member: Member, efforts: tuple[Effort, ...]) -> None:
        now = self.svc.now()
        rng = self.community.rng("answer", round_.id, member.id)
        try:
            form = await answer_form(self.svc, self.guild_id, round_.id, member.id)
            if round_.kind is RoundKind.CHECKIN:
                reply = self.community.checkin_reply(member, form.questions, now, rng)
            else:
                reply = self.community.survey_reply(member, form.questions, now, rng, efforts)
            if not reply.answers:
                await skip_round(self.svc, self.guild_id, round_.id, member.id)
                self.tally.skips += 1
                return
            receipt = await record_answers(
                self.svc, self.guild_id, round_.id, member.id, reply.answers
            )
        except ServiceError as error:
            self._refused(round_, member, error)
            return
        self.tally.submissions += 1
        self.tally.answers += receipt.saved
        written = [a for a in reply.answers if a.text]
        self.tally.reflections += len(written)
        self.tally.shared += sum(1 for a in written if a.shared)

    def _refused(self, round_: Round, member: Member, error: ServiceError) -> None:
        self.tally.refused += 1
        logger.warning("member %s, round %s: refused: %s", member.id, round_.id, error)


def _between(start: datetime, end: datetime, share: float) -> datetime:
    """A moment ``share`` of the way from ``start`` to ``end``."""
    return start + max(end - start, timedelta(0)) * share


def _once(moment: datetime) -> DateTrigger:
    return DateTrigger(run_date=moment)

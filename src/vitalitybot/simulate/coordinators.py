"""Simulated coordinators: they read what a close posted, and act on it the next day.

A day after a round's results or harvest (``READING_DELAY``) the coordinators do what a
coordinator would do in Discord, through the same services the buttons call:

* **weigh open commitments** the survey's results speak to: one made before the round
  opened, whose signs the round showed. Now and then they close it: done when none of
  its signs crossed (``DONE_CHANCE``), dropped when one still did (``DROP_CHANCE``).
  They go by the figures members saw, never by whether the change really helped (that
  is the community's secret, ``SyntheticCommunity.helps``).
* **commit to a step** for each suggestion naming a sign they have not committed to
  before, and for every replant; for another suggestion whose signs each had a
  commitment already, only now and then (``AGAIN_CHANCE``): they tried something, and
  may give it time. The words are the title of one of the pattern's steps they have
  not tried before, preferring those the pattern maps to the signs (none left:
  they do not commit). A post that carries a "We'll try this" action
  (``Message.commit``) is answered as one commitment; without any, one commitment
  answers each pattern's suggestions, as one post for several signs of a pattern would.
  Participation suggestions name no sign, so no change to a sign answers them.

Every decision is a generator seeded with the run's seed and what it is about, so a run
depends on its seed alone.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.triggers.date import DateTrigger

from vitalitybot.domain.posts import PostKind
from vitalitybot.domain.records import (
    Commitment,
    CommitmentStatus,
    RoundKind,
    SuggestionKind,
    SuggestionRecord,
)
from vitalitybot.patterns.model import Pattern, Step
from vitalitybot.scheduling.runner import Job, SchedulerRunner
from vitalitybot.services import ServiceError, Services, current_scores
from vitalitybot.services.app import community_by_id
from vitalitybot.services.commitments import CommitRequest, commit, set_status
from vitalitybot.simulate.community import SyntheticCommunity
from vitalitybot.simulate.notifier import ConsoleNotifier, SimPost

logger = logging.getLogger(__name__)

READING_DELAY = timedelta(days=1)
AGAIN_CHANCE = 0.5  # of committing again for signs that each had a commitment already
DONE_CHANCE = 0.6  # of marking a commitment done once its signs no longer cross
DROP_CHANCE = 0.4  # of dropping one while a sign of it still crosses
PICK_AMONG = 2  # of a pattern's other untried steps they choose from, the mapped ones tried


@dataclass
class Coordinators:
    """A ``PostReader`` that commits to steps and weighs commitments after each close."""

    svc: Services
    community: SyntheticCommunity
    runner: SchedulerRunner
    notifier: ConsoleNotifier
    guild_id: int  # where members click: the answer services check it
    community_id: int
    refused: int = 0  # acts the services refused (none are expected)

    async def posted(self, post: SimPost) -> None:
        if post.round_id is None or not PostKind(post.kind).closes_round:
            return
        round_id, kind = post.round_id, post.round_kind

        async def read(_fire_time: datetime) -> None:
            if kind is RoundKind.SURVEY:
                await self._weigh(round_id)
            await self._answer(round_id)

        trigger = DateTrigger(run_date=post.at + READING_DELAY)
        self.runner.add(Job(f"coordinators:{round_id}", trigger, read))

    async def _weigh(self, round_id: int) -> None:
        """Close, now and then, the open commitments this survey's results speak to."""
        async with self.svc.repos() as repos:
            community = await community_by_id(repos, self.community_id)
            round_ = await repos.rounds.get(community.id, round_id)
            open_ = await repos.commitments.recent(community.id, statuses=[CommitmentStatus.OPEN])
        if round_ is None:
            return
        shown = {
            (s.pattern_slug, s.sign_id): s.crossed
            for s in await current_scores(self.svc, self.guild_id, round_id)
            if s.visible and s.is_decay
        }
        for made in reversed(open_):  # oldest first
            crossed = [shown[k] for k in _signs(made) if k in shown]
            if made.created_at >= round_.opened_at or not crossed:
                continue
            roll = self.community.rng("weigh", round_id, made.id).random()
            if not any(crossed) and roll < DONE_CHANCE:
                await self._close(made, CommitmentStatus.DONE, "mark done")
            elif any(crossed) and roll < DROP_CHANCE:
                await self._close(made, CommitmentStatus.DROPPED, "drop")

    async def _close(self, made: Commitment, status: CommitmentStatus, verb: str) -> None:
        try:
            await set_status(self.svc, self.community_id, made.id, status)
        except ServiceError as error:
            self._refused(error)
            return
        self.notifier.tell(f"Coordinators {verb}: {made.text}")

    async def _answer(self, round_id: int) -> None:
        """Commit to a step for some of the round's suggestions."""
        async with self.svc.repos() as repos:
            community = await community_by_id(repos, self.community_id)
            suggestions = [
                s
                for s in await repos.outcomes.list_suggestions(community.id)
                if s.round_id == round_id and s.kind is not SuggestionKind.PARTICIPATION
            ]
            earlier = await repos.commitments.recent(community.id)
        tried = {c.text for c in earlier}
        answered = {sign for c in earlier for sign in _signs(c)}
        for group in answered_together(self.notifier.posts, round_id, suggestions):
            pattern = self.svc.patterns.get(group[0].pattern_slug)
            rng = self.community.rng("commit", round_id, *(s.id for s in group))
            again = all((s.pattern_slug, s.sign_id) in answered for s in group)
            replant = any(s.kind is SuggestionKind.REPLANT for s in group)
            if pattern is None or (again and not replant and rng.random() >= AGAIN_CHANCE):
                continue
            choices = _choices(pattern, group, tried)
            if not choices:
                continue
            words = _words(rng.choice(choices))
            request = CommitRequest(words, round_id, tuple(s.id for s in group))
            try:
                await commit(self.svc, self.community_id, request, coordinator=True)
            except ServiceError as error:
                self._refused(error)
                continue
            tried.add(words)
            answered.update((s.pattern_slug, s.sign_id) for s in group)
            self.notifier.follow(words)
            self.notifier.tell(f"Coordinators commit: {words} ({_titles(pattern, group)})")

    def _refused(self, error: ServiceError) -> None:
        self.refused += 1
        logger.warning("coordinators: refused: %s", error)


def answered_together(
    posts: Sequence[SimPost], round_id: int, suggestions: Sequence[SuggestionRecord]
) -> list[list[SuggestionRecord]]:
    """The round's suggestions one commitment answers each: as the round's posts carry
    them, or one group per pattern when no post carries a "We'll try this" action."""
    by_id = {s.id: s for s in suggestions}
    carried = [
        [by_id[i] for i in p.message.commit.suggestion_ids if i in by_id]
        for p in posts
        if p.round_id == round_id and p.message.commit is not None
    ]
    if any(carried):
        return [group for group in carried if group]
    by_pattern: dict[str, list[SuggestionRecord]] = defaultdict(list)
    for suggestion in suggestions:
        by_pattern[suggestion.pattern_slug].append(suggestion)
    return list(by_pattern.values())


def _signs(made: Commitment) -> list[tuple[str, str]]:
    return [(made.pattern_slug, sign) for sign in made.sign_ids]


def _choices(pattern: Pattern, group: Sequence[SuggestionRecord], tried: set[str]) -> list[Step]:
    """The steps not tried yet that the pattern maps to these signs; when none are left,
    the first few of its other untried steps."""
    mapped = {step.number: step for s in group for step in pattern.remedy_for(s.sign_id)}
    fresh = [step for step in mapped.values() if _words(step) not in tried]
    if fresh:
        return fresh
    others = [s for s in pattern.steps if s.number not in mapped and _words(s) not in tried]
    return others[:PICK_AMONG]


def _words(step: Step) -> str:
    return " ".join(step.title.split())


def _titles(pattern: Pattern, group: Sequence[SuggestionRecord]) -> str:
    titles = []
    for suggestion in group:
        sign = pattern.sign(suggestion.sign_id)
        title = sign.title if sign is not None else suggestion.sign_id
        titles.append(" ".join(title.split()).rstrip(" .:;"))
    return ", ".join(titles)

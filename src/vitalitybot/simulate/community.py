"""A synthetic community whose health declines and then recovers, and its members.

The simulator needs people who answer the way a real community drifts: keen at first,
quieter and gloomier as the community loses life, warming up again once it recovers.
Everything is drawn from a seeded generator, and each decision from a generator of its
own (seeded with the run's seed, the round and the member), so a run depends only on
its seed and never on the order in which jobs happen to run.

The story has to be legible in a year, so the signs are not hit equally. Signs about
feedback and flow (nothing comes back, nobody reads, answers vanish, replies dwindle)
are hit hardest and recover last: people keep feeling unheard for a while after things
improve. The other signs move with health, more gently, each to its own degree. Signs of
life rise and fall with health. None of this is known to the bot: it only sees answers.

What the community commits to changes what its members see, in the simplest way that
tells the story: each commitment either helps or does not, a coin thrown once per
change (``HELP_CHANCE``, seeded with the run, the pattern and the words). One that helps
takes a growing part of the decay its signs feel away, reaching ``RELIEF`` after
``RELIEF_RAMP``, for as long as it is not dropped; one that does not changes nothing, so
its signs decay exactly as they would have without it. The commitments are read from the
database (``efforts``): the community acts on what was recorded, not on a second list.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from vitalitybot.domain.records import (
    AnswerInput,
    Commitment,
    CommitmentStatus,
    Question,
    QuestionKind,
)
from vitalitybot.patterns.feedback import is_feedback_sign
from vitalitybot.patterns.model import Pattern

FIRST_MEMBER_ID = 880_000_000_000_000_001  # Discord-like ids, far from any real range
DECLINE_SHARE = 0.45  # of the run spent declining; the rest recovering
START_HEALTH = 0.85
LOWEST_HEALTH = 0.15
END_HEALTH = 0.8
SLOW_SIGN_LAG = timedelta(days=75)  # how much later the hardest-hit signs recover
_RATING_NOISE = 0.13
PROMPT_CHANCE = 0.45  # of answering each check-in prompt
HELP_CHANCE = 0.6  # of a commitment changing what its signs' members see
RELIEF = 0.4  # the share of a sign's decay a helping change takes away, once felt in full
RELIEF_RAMP = timedelta(days=60)  # how long a helping change takes to be felt in full


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    engagement: float  # how readily they answer, around 1.0
    outlook: float  # added to how strongly they feel each sign; gloomy members see more
    candour: float  # chance of sharing a reflection in the harvest


@dataclass(frozen=True, slots=True)
class SignProfile:
    """How hard the community's decline hits one sign, and how late it recovers."""

    weight: float  # 0..1: 1 means the sign tracks the decline in full
    slow: bool  # recovers ``SLOW_SIGN_LAG`` after the rest


@dataclass(frozen=True, slots=True)
class Effort:
    """A change the community made for some signs, as the members live it."""

    pattern_slug: str
    sign_ids: tuple[str, ...]
    since: datetime
    until: datetime | None  # when it was dropped; None while it goes on
    helps: bool

    def relief(self, pattern_slug: str, sign_id: str, moment: datetime) -> float:
        """How much of the sign's decay this change takes away at ``moment`` (0..RELIEF)."""
        about = pattern_slug == self.pattern_slug and sign_id in self.sign_ids
        if not (self.helps and about and self.since <= moment):
            return 0.0
        if self.until is not None and moment >= self.until:
            return 0.0
        return RELIEF * min((moment - self.since) / RELIEF_RAMP, 1.0)


@dataclass(frozen=True, slots=True)
class Reply:
    """What one member does with one round."""

    answers: tuple[AnswerInput, ...]  # empty: they skip it


@dataclass
class SyntheticCommunity:
    """Members, a health curve over the run, and how they answer at any moment."""

    seed: int
    start: datetime
    end: datetime
    members: tuple[Member, ...]
    profiles: dict[tuple[str, str], SignProfile] = field(default_factory=dict)
    _shared: dict[int, set[str]] = field(default_factory=dict)  # by check-in question id

    @classmethod
    def create(
        cls, size: int, seed: int, start: datetime, end: datetime, patterns: Iterable[Pattern]
    ) -> SyntheticCommunity:
        rng = random.Random(f"members:{seed}")
        members = tuple(
            Member(
                id=FIRST_MEMBER_ID + i,
                engagement=rng.uniform(0.8, 1.15),
                outlook=rng.gauss(0.0, 0.06),
                candour=rng.uniform(0.25, 0.8),
            )
            for i in range(size)
        )
        community = cls(seed=seed, start=start, end=end, members=members)
        for pattern in patterns:
            community.profiles.update(sign_profiles(pattern, seed))
        return community

    @property
    def member_ids(self) -> list[int]:
        return [m.id for m in self.members]

    def member(self, member_id: int) -> Member:
        return self.members[member_id - FIRST_MEMBER_ID]

    # -- health -------------------------------------------------------------------------

    def health(self, moment: datetime) -> float:
        """1 thriving, 0 barely alive: eases down for ``DECLINE_SHARE`` of the run, then up."""
        span = (self.end - self.start).total_seconds()
        t = min(max((moment - self.start).total_seconds() / span, 0.0), 1.0) if span else 0.0
        if t <= DECLINE_SHARE:
            ease = (1 - math.cos(math.pi * t / DECLINE_SHARE)) / 2
            return START_HEALTH + (LOWEST_HEALTH - START_HEALTH) * ease
        ease = (1 - math.cos(math.pi * (t - DECLINE_SHARE) / (1 - DECLINE_SHARE))) / 2
        return LOWEST_HEALTH + (END_HEALTH - LOWEST_HEALTH) * ease

    @property
    def trough(self) -> datetime:
        return self.start + (self.end - self.start) * DECLINE_SHARE

    def felt_health(self, moment: datetime, profile: SignProfile) -> float:
        """Health as one sign feels it: a slow sign is still at the bottom while it lags."""
        if profile.slow and moment > self.trough:
            return self.health(max(moment - SLOW_SIGN_LAG, self.trough))
        return self.health(moment)

    # -- answering ----------------------------------------------------------------------

    def answer_chance(self, member: Member, moment: datetime) -> float:
        """How likely a member answers a round at all (before any reminder)."""
        return _clamp((0.2 + 0.72 * self.health(moment)) * member.engagement, 0.05, 0.97)

    def rng(self, *parts: object) -> random.Random:
        """A generator for one decision, independent of the order decisions are made in."""
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    def helps(self, commitment: Commitment) -> bool:
        """Whether a commitment changes anything. A property of the change for this
        community (the seed, the pattern, the words), so trying it again fares the same."""
        return self.rng("helps", commitment.pattern_slug, commitment.text).random() < HELP_CHANCE

    def efforts(self, commitments: Iterable[Commitment]) -> tuple[Effort, ...]:
        """What the community is doing about its signs, from the commitments on record."""
        return tuple(
            Effort(
                pattern_slug=c.pattern_slug,
                sign_ids=c.sign_ids,
                since=c.created_at,
                until=c.closed_at if c.status is CommitmentStatus.DROPPED else None,
                helps=self.helps(c),
            )
            for c in commitments
            if c.sign_ids
        )

    def survey_reply(
        self,
        member: Member,
        questions: Iterable[Question],
        moment: datetime,
        rng: random.Random,
        efforts: Iterable[Effort] = (),
    ) -> Reply:
        efforts = tuple(efforts)
        answers = []
        for question in questions:
            if question.kind is QuestionKind.PROMPT or question.sign_id is None:
                continue
            if rng.random() < 0.04:  # now and then a question is left blank
                continue
            profile = self.profiles.get(
                (question.pattern_slug, question.sign_id), SignProfile(0.5, slow=False)
            )
            health = self.felt_health(moment, profile)
            if question.kind is QuestionKind.DECAY:
                relief = max(
                    (e.relief(question.pattern_slug, question.sign_id, moment) for e in efforts),
                    default=0.0,
                )
                level = profile.weight * (1 - health) * (1 - relief) + member.outlook
            else:
                level = health * (0.6 + 0.4 * profile.weight) - member.outlook
            answers.append(AnswerInput(question.id, _rating(level, rng)))
        return Reply(tuple(answers))

    def checkin_reply(
        self, member: Member, questions: Iterable[Question], moment: datetime, rng: random.Random
    ) -> Reply:
        """Two or three prompts answered; shared only when nobody shared the same words.

        The phrase book is small, so a member whose reflection someone already shared in
        this round keeps theirs private: a harvest of one sentence twenty times is no
        harvest, and members do notice when something has been said.
        """
        health = self.health(moment)
        prompts = [q for q in questions if q.kind is QuestionKind.PROMPT]
        chosen = [q for q in prompts if rng.random() < PROMPT_CHANCE] or prompts[:1]
        answers = []
        for question in chosen:
            shared_already = self._shared.setdefault(question.id, set())
            text = reflection(question.text, health, rng, avoid=shared_already)
            shared = text not in shared_already and rng.random() < member.candour
            if shared:
                shared_already.add(text)
            answers.append(AnswerInput(question.id, None, text, shared=shared))
        return Reply(tuple(answers))


def sign_profiles(pattern: Pattern, seed: int) -> dict[tuple[str, str], SignProfile]:
    """Signs about feedback and flow are hit hardest; a pattern without any has its first
    decay sign hit hardest instead, so every adopted pattern has a story to tell."""
    rng = random.Random(f"signs:{seed}:{pattern.slug}")
    flow = {s.id for s in pattern.signs_of_decay if is_feedback_sign(s)}
    if not flow and pattern.signs_of_decay:
        flow = {pattern.signs_of_decay[0].id}
    profiles = {}
    for sign in pattern.signs_of_decay:
        hard = sign.id in flow
        weight = 1.0 if hard else rng.uniform(0.4, 0.7)
        profiles[(pattern.slug, sign.id)] = SignProfile(weight, slow=hard)
    for sign in pattern.signs_of_life:
        profiles[(pattern.slug, sign.id)] = SignProfile(rng.uniform(0.6, 1.0), slow=False)
    return profiles


def _rating(level: float, rng: random.Random) -> int:
    """A 1..5 rating around ``level`` (0 never .. 1 constantly)."""
    value = 1 + 4 * (level + rng.gauss(0.0, _RATING_NOISE))
    return int(_clamp(round(value), 1, 5))


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


# -- reflections ------------------------------------------------------------------------

# What a nurses' community might write in a check-in, by the kind of prompt and the
# community's mood. Written for the simulator; none of it is anyone's real words.
_REFLECTIONS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "clear": (
        (
            "Handover goes better when the night shift writes the one thing to watch first.",
            "The new pump checklist only works if someone walks a newcomer through it once.",
            "Most of our near-misses start at shift change, not at the bedside.",
            "Families calm down faster when one named nurse explains the plan.",
        ),
        (
            "Not much: we have been too stretched to step back and look.",
            "That we keep rewriting the same handover notes nobody picks up.",
            "Honestly, it is clearer that we are tired.",
        ),
    ),
    "surprise": (
        (
            "The pharmacy team asked for our fall-prevention notes and actually used them.",
            "A student found a gap in our sepsis card in five minutes.",
            "Night staff turned up to the lunchtime session on their day off.",
        ),
        (
            "How few people came to the last session.",
            "That the ward next door never heard of the guide we wrote in spring.",
            "Nobody replied when we asked who used the new checklist.",
        ),
    ),
    "fail": (
        (
            "The shared folder: nobody can find anything in it. A pinned list works better.",
            "Long case write-ups. Two paragraphs and a photo of the whiteboard do the job.",
        ),
        (
            "Asking everyone to fill in another form after a long shift.",
            "Posting guides and hoping someone reads them.",
            "The monthly reading club; it fizzled out after two meetings.",
        ),
    ),
    "worked": (
        (
            "Five-minute huddles at the start of the late shift.",
            "Pairing a new nurse with someone from the other ward for a week.",
            "Writing the handover tip on the staff-room door.",
        ),
        (
            "Talking it through over coffee, away from the screens.",
            "Keeping the list of tips short; the long version went unread.",
        ),
    ),
    "offer": (
        (
            "Our one-page handover card, for the surgical wards.",
            "The fall-prevention checklist, with the two changes we made after trying it.",
        ),
        (
            "Maybe the handover card, once we have the energy to tidy it.",
            "Nothing right now; we need to hear whether the last guide helped first.",
        ),
    ),
    "energy": (
        (
            "Working through a tricky case together on Thursday.",
            "Teaching the students how we set up the drip stands.",
        ),
        (
            "Not much lately; the rota takes all of it.",
            "The one hard-case session we managed in weeks.",
        ),
    ),
    "homework": (
        (
            "Updating the training log, though it was quick this time.",
            "The audit spreadsheet, again.",
        ),
        (
            "Every survey and form on top of the shifts.",
            "Writing up notes that nobody seems to read.",
            "Chasing sign-offs for the new protocol.",
        ),
    ),
    "other": (
        (
            "It feels like the group is finding its rhythm.",
            "Good conversations this month, with more people joining in.",
        ),
        (
            "Quiet month; hard to say.",
            "We could use a break from asking and a bit more doing.",
        ),
    ),
}
_PROMPT_KINDS = (
    ("surprise", ("surpris",)),
    ("fail", ("not work", "did not", "fail", "fell flat")),
    ("homework", ("homework", "drain", "chore")),
    ("energy", ("energy", "enjoy")),
    ("offer", ("offer", "beyond", "others")),
    ("worked", ("worked", "reuse", "keep")),
    ("clear", ("clear", "learn", "understand")),
)


def reflection(prompt: str, health: float, rng: random.Random, avoid: Collection[str] = ()) -> str:
    """A short reflection for a prompt: hopeful when the community is well, weary when
    not, and not one of ``avoid`` while another fits."""
    lowered = prompt.casefold()
    kind = next(
        (kind for kind, words in _PROMPT_KINDS if any(w in lowered for w in words)), "other"
    )
    hopeful, weary = _REFLECTIONS[kind]
    mood = hopeful if rng.random() < health else weary
    fresh = [text for text in mood if text not in avoid]
    return rng.choice(fresh or mood)

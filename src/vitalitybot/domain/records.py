"""The records every layer passes around: frozen, plain data.

Storage maps its rows to these (ORM rows never leave ``storage/``): a row is tied to a
session and can lazily load or silently change, while these records can be passed to
the scheduler, the renderer or another task without caring where they came from.
Enumerations are ``StrEnum`` so a record compares equal to the plain strings stored in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class RoundKind(StrEnum):
    CHECKIN = "checkin"  # articulation check-in: open prompts, harvested into a digest
    SURVEY = "survey"  # decay-signal survey: 1..5 ratings of signs of decay and of life


class RoundStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    MISSED = "missed"  # the window passed while the bot could not open or close it


class QuestionKind(StrEnum):
    DECAY = "decay"
    LIFE = "life"
    PROMPT = "prompt"


class RespondentStatus(StrEnum):
    ANSWERED = "answered"
    SKIPPED = "skipped"


class ScheduleCadence(StrEnum):
    """The cadences a schedule can run at (a subset of what patterns can state)."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    TWICE_A_YEAR = "twice-a-year"
    YEARLY = "yearly"


class SuggestionKind(StrEnum):
    REMEDY = "remedy"
    REPLANT = "replant"
    PARTICIPATION = "participation"
    REFLECT = "reflect"  # a crossed sign with no mapped steps: questions to talk it over


class CommitmentStatus(StrEnum):
    OPEN = "open"  # being tried
    DONE = "done"  # the community says it did it
    DROPPED = "dropped"  # given up, or overtaken


class WhoCommits(StrEnum):
    """Who may record a commitment in a community."""

    COORDINATORS = "coordinators"
    MEMBERS = "members"  # anyone who may answer its rounds


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # in the outbox, not sent yet
    SENT = "sent"
    FAILED = "failed"


ALL_ADOPTED = ""
"""``pattern_slug`` of a schedule or round that covers every adopted pattern."""


@dataclass(frozen=True, slots=True)
class Community:
    id: int
    guild_id: int
    name: str
    timezone: str
    coordinator_role_id: int | None
    steward_role_id: int | None
    channel_id: int | None  # where its rounds are posted
    threshold: float
    min_respondents: int
    max_items: int
    anonymous: bool
    created_at: datetime
    who_commits: WhoCommits = WhoCommits.COORDINATORS
    # Commands run anywhere in this category act on this community (None: its channel).
    category_id: int | None = None


@dataclass(frozen=True, slots=True)
class Server:
    """A Discord server's own settings, above its communities."""

    guild_id: int
    sponsor_role_id: int | None = None  # may read /vitality portfolio
    digest_channel_id: int | None = None  # where the quarterly portfolio digest goes
    digest_period: str | None = None  # the quarter last digested, e.g. "2026-Q4"


@dataclass(frozen=True, slots=True)
class AdoptedPattern:
    community_id: int
    pattern_slug: str
    adopted_at: datetime


@dataclass(frozen=True, slots=True)
class Schedule:
    id: int
    community_id: int
    kind: RoundKind
    pattern_slug: str  # ALL_ADOPTED for every adopted pattern
    cadence: ScheduleCadence
    weekday: int | None  # 0 = Monday .. 6 = Sunday
    day_of_month: int | None  # 1..31
    nth: int | None  # 1..5, or -1 for the last; with weekday: "the first Tuesday"
    time_of_day: str  # "HH:MM", in the community's timezone
    window_days: int
    enabled: bool


@dataclass(frozen=True, slots=True)
class Round:
    id: int
    community_id: int
    kind: RoundKind
    pattern_slug: str  # ALL_ADOPTED for every adopted pattern
    period: str  # e.g. the local date of the scheduled fire, "2026-11-03"
    status: RoundStatus
    anonymous: bool
    # The fewest answers before any figure of this round is shown, fixed when it opened.
    min_respondents: int
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None = None
    reminded_at: datetime | None = None
    eligible_members: int | None = None
    channel_id: int | None = None
    message_id: int | None = None
    thread_id: int | None = None


@dataclass(frozen=True, slots=True)
class SealedKey:
    """An open round's key as stored: unreadable without the bot key (vitality/anonymity.py)."""

    nonce: str  # hex
    sealed: str = field(repr=False)  # hex: the round key XOR a pad made from the nonce


@dataclass(frozen=True, slots=True)
class QuestionDraft:
    """A question before it is stored; its position is its place in the list given."""

    kind: QuestionKind
    text: str
    pattern_slug: str = ""
    sign_id: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    id: int
    round_id: int
    position: int  # 1-based order within the round
    kind: QuestionKind
    pattern_slug: str
    sign_id: str | None
    text: str


@dataclass(frozen=True, slots=True)
class AnswerInput:
    """One item of a member's submission: a rating, some words, or both."""

    question_id: int
    value: int | None = None  # 1..5
    text: str | None = None
    shared: bool = False  # the member agreed to have these words quoted in the harvest


@dataclass(frozen=True, slots=True)
class Answer:
    id: int
    round_id: int
    question_id: int
    respondent_key: str
    member_id: int | None  # only ever set in non-anonymous rounds
    value: int | None
    text: str | None
    shared: bool
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class Respondent:
    round_id: int
    respondent_key: str
    status: RespondentStatus
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class QuestionAggregate:
    """What the scorer needs about one question, computed by the database."""

    question_id: int
    position: int
    kind: QuestionKind
    pattern_slug: str
    sign_id: str | None
    n: int  # ratings given (answers with words only are not counted)
    mean: float | None
    high: int  # ratings of 4 or 5

    @property
    def share_high(self) -> float | None:
        return self.high / self.n if self.n else None


@dataclass(frozen=True, slots=True)
class ScoreRecord:
    round_id: int
    pattern_slug: str
    sign_id: str
    n: int
    mean: float | None
    share_high: float | None
    crossed: bool


@dataclass(frozen=True, slots=True)
class ScorePoint:
    """A score placed in time, for trends and "how long has this lasted"."""

    period: str
    opened_at: datetime
    score: ScoreRecord
    min_respondents: int  # the round's own: below it the score says nothing


@dataclass(frozen=True, slots=True)
class SuggestionRecord:
    id: int
    community_id: int
    round_id: int
    pattern_slug: str
    sign_id: str
    kind: SuggestionKind
    posted_at: datetime
    acknowledged_at: datetime | None = None  # a coordinator said the community has it in hand


@dataclass(frozen=True, slots=True)
class Commitment:
    """What a community said it would change, and whether it did.

    ``round_id`` and ``suggestion_id`` name the post it answers (a suggestion, or a
    check-in's harvest); both are None for one added on its own. ``sign_ids`` are the
    signs of decay of ``pattern_slug`` it means to move (none for a commitment about no
    one sign, such as one made from a harvest). With no
    ``review_at`` it is reviewed by the next survey that asks its sign;
    ``reviewed_round_id`` is the round whose results first showed its before and after.
    """

    id: int
    community_id: int
    text: str
    status: CommitmentStatus
    created_at: datetime
    pattern_slug: str = ""
    sign_ids: tuple[str, ...] = ()
    round_id: int | None = None
    suggestion_id: int | None = None
    owner_role_id: int | None = None
    review_at: datetime | None = None
    closed_at: datetime | None = None
    reviewed_round_id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status is CommitmentStatus.OPEN

    @property
    def awaiting_review(self) -> bool:
        """Open and not yet weighed against a later round."""
        return self.is_open and self.reviewed_round_id is None


@dataclass(frozen=True, slots=True)
class MemberPrefs:
    community_id: int
    member_id: int
    paused: bool
    reminders_off: bool
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Harvest:
    id: int
    round_id: int
    community_id: int
    created_at: datetime
    participants: int
    markdown: str


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    community_id: int
    round_id: int | None
    kind: str
    status: DeliveryStatus
    error: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MemberExport:
    """Everything stored about one member of one community, for a data request."""

    community_id: int
    member_id: int
    prefs: MemberPrefs | None
    answers: tuple[Answer, ...]
    respondents: tuple[Respondent, ...]
    rounds: tuple[Round, ...]  # the rounds the answers and respondent rows belong to
    questions: tuple[Question, ...]  # the questions answered


@dataclass(frozen=True, slots=True)
class ForgetResult:
    """How many rows a forget request deleted, per table."""

    answers: int
    respondents: int
    member_prefs: int

    @property
    def total(self) -> int:
        return self.answers + self.respondents + self.member_prefs


@dataclass(frozen=True, slots=True)
class OpenRoundTimes:
    """What decides when an open round is closed or reminded, and whose guild it is in."""

    round_id: int
    community_id: int
    guild_id: int
    opened_at: datetime
    closes_at: datetime
    reminded_at: datetime | None

"""The pattern as the rest of the bot sees it: frozen, plain data, no Discord types.

Everything here is built once by the parser and then shared between communities,
the scheduler and the renderer, so it must be immutable and cheap to pickle (the
loader's warm-start cache stores these objects as they are).

A pattern's frontmatter is read when its file is loaded; what the bot reads from its
Markdown body (:class:`Body`) may be read later, on first use (:mod:`.body`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vitalitybot.patterns.body import BodyText


class BodyFormat(StrEnum):
    """Which of the two corpus layouts the body follows."""

    V71 = "v7.1"  # "Section 1: Context" ... "Section 8: Vitality"
    LEGACY = "legacy"  # Overview, Core Principles, Key Practices, Implementation, ...


class SignSource(StrEnum):
    """Where a list of signs was read from, so a coordinator knows how literal it is."""

    VITALITY = "vitality"  # the pattern's own "Signs of life" / "Signs of decay"
    ANTI_PATTERNS = "anti-patterns"  # legacy "Anti-Patterns & Gotchas"
    COMMON_CHALLENGES = "common-challenges"  # legacy "Common Challenges"
    FRONTMATTER = "frontmatter"  # a shipped pattern's vitalitybot block


class Cadence(StrEnum):
    """Rhythms a pattern can state; ordered from most to least frequent."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    TWICE_A_YEAR = "twice-a-year"
    YEARLY = "yearly"

    @property
    def approx_days(self) -> int:
        return _CADENCE_DAYS[self]


class Ritual(StrEnum):
    """The two rituals a rhythm can be stated for (values match ``RoundKind``)."""

    CHECKIN = "checkin"  # articulating and reflecting together
    SURVEY = "survey"  # checking the pattern's signs of life and decay


_CADENCE_DAYS = {
    Cadence.WEEKLY: 7,
    Cadence.FORTNIGHTLY: 14,
    Cadence.MONTHLY: 30,
    Cadence.QUARTERLY: 91,
    Cadence.TWICE_A_YEAR: 182,
    Cadence.YEARLY: 365,
}


class RemedySource(StrEnum):
    EXPLICIT = "explicit"  # stated in the pattern's vitalitybot block
    SIMILARITY = "similarity"  # inferred from the text (see docs/remedy-mapping.md)


@dataclass(frozen=True, slots=True)
class Score:
    name: str
    value: float


@dataclass(frozen=True, slots=True)
class Relationship:
    kind: str  # enables, requires, complementary, alternatives, generalizes_from, ...
    slug: str
    weight: float | None = None


@dataclass(frozen=True, slots=True)
class Sign:
    """A sign of life or of decay.

    ``id`` is stable across reloads and edits of the sign's wording elsewhere in the
    file: it is derived from the sign's title (its bold lead, or its first words),
    because stored answers and scores refer to it.
    """

    id: str
    title: str
    text: str
    # Member-facing wording for the survey item, when the pattern provides one.
    survey_wording: str | None = None


@dataclass(frozen=True, slots=True)
class Duration:
    amount: int
    unit: str  # "week", "month" or "year"

    @property
    def months(self) -> float:
        return {
            "week": self.amount / 4.345,
            "month": float(self.amount),
            "year": 12.0 * self.amount,
        }[self.unit]


@dataclass(frozen=True, slots=True)
class Replant:
    text: str
    durations: tuple[Duration, ...] = ()

    @property
    def min_months(self) -> float | None:
        """The shortest stated duration: decay lasting this long calls for replanting."""
        return min((d.months for d in self.durations), default=None)


@dataclass(frozen=True, slots=True)
class Step:
    number: int  # 1-based position in the Implementation section
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Rhythm:
    cadence: Cadence
    phrase: str  # the words as written, e.g. "monthly or quarterly"
    section: str  # the heading the phrase was found under
    ritual: Ritual | None = None  # what the phrase times, when its words say (rhythms.py)


@dataclass(frozen=True, slots=True)
class Remedy:
    """Which implementation steps answer one sign of decay."""

    sign_id: str
    step_numbers: tuple[int, ...]
    source: RemedySource
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Body:
    """What the bot reads from a pattern's Markdown body (with the ``vitalitybot`` block's
    say on signs, remedies and feedback steps, which name parts of the body)."""

    body_format: BodyFormat
    signs_of_life: tuple[Sign, ...] = ()
    signs_of_life_from: SignSource | None = None
    signs_of_decay: tuple[Sign, ...] = ()
    signs_of_decay_from: SignSource | None = None
    replant: Replant | None = None
    steps: tuple[Step, ...] = ()
    rhythms: tuple[Rhythm, ...] = ()
    solution: str = ""
    # The remedies the pattern states (its vitalitybot block), in the order of the signs.
    remedies: tuple[Remedy, ...] = ()
    # Steps that close the articulation -> translation -> feedback loop; offered
    # alongside the remedy when a sign is about missing feedback or flow.
    feedback_steps: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Pattern:
    slug: str
    title: str
    source: Path
    # The body's parts, or its text when they are read on first use (.body.BodyText);
    # two patterns holding one each are not equal, whatever they read: compare .parts.
    body: Body | BodyText
    aliases: tuple[str, ...] = ()
    summary: str = ""
    scores: tuple[Score, ...] = ()
    scores_from: str | None = None  # "commons_assessment" or "commons_alignment"
    relationships: tuple[Relationship, ...] = ()
    license: str | None = None
    attribution: str | None = None
    # Whether decay signs without a stated remedy are matched to steps by their wording
    # (:mod:`.remedies`) when a remedy is asked for. The parser sets it; the matching
    # runs then rather than at load, because a library has thousands of patterns and a
    # community asks for the remedies of one, a few signs at a time.
    infers_remedies: bool = False
    # Articulation check-in prompts from the vitalitybot block (empty: use defaults).
    prompts: tuple[str, ...] = field(default=())

    @property
    def parts(self) -> Body:
        """The body's parts, read from its text the first time they are asked for."""
        body = self.body
        return body if isinstance(body, Body) else body.parsed

    @property
    def body_format(self) -> BodyFormat:
        return self.parts.body_format

    @property
    def signs_of_life(self) -> tuple[Sign, ...]:
        return self.parts.signs_of_life

    @property
    def signs_of_life_from(self) -> SignSource | None:
        return self.parts.signs_of_life_from

    @property
    def signs_of_decay(self) -> tuple[Sign, ...]:
        return self.parts.signs_of_decay

    @property
    def signs_of_decay_from(self) -> SignSource | None:
        return self.parts.signs_of_decay_from

    @property
    def replant(self) -> Replant | None:
        return self.parts.replant

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.parts.steps

    @property
    def rhythms(self) -> tuple[Rhythm, ...]:
        return self.parts.rhythms

    @property
    def solution(self) -> str:
        return self.parts.solution

    @property
    def remedies(self) -> tuple[Remedy, ...]:
        return self.parts.remedies

    @property
    def feedback_steps(self) -> tuple[int, ...]:
        return self.parts.feedback_steps

    def step(self, number: int) -> Step | None:
        return next((s for s in self.steps if s.number == number), None)

    def sign(self, sign_id: str) -> Sign | None:
        return next(
            (s for s in (*self.signs_of_decay, *self.signs_of_life) if s.id == sign_id), None
        )

    def remedy_for(self, sign_id: str) -> tuple[Step, ...]:
        remedy = next((r for r in self.remedies_in_effect() if r.sign_id == sign_id), None)
        if remedy is None:
            return ()
        return tuple(s for n in remedy.step_numbers if (s := self.step(n)) is not None)

    def remedies_in_effect(self) -> tuple[Remedy, ...]:
        """The stated remedies, and inferred ones for the other decay signs when the
        pattern infers them, in the order of the signs."""
        if not self.infers_remedies:
            return self.remedies
        # Imported here: the matcher builds on this module's records.
        from vitalitybot.patterns.remedies import with_inferred

        return with_inferred(self.signs_of_decay, self.steps, self.remedies)

    def stated_rhythm(self, ritual: Ritual) -> tuple[Rhythm, ...]:
        """The rhythm the pattern states for ``ritual``, least demanding first.

        The first phrase in the body timing that ritual is its statement; a range in it
        ("monthly or quarterly") gives one Rhythm per cadence. Empty when none is stated.
        """
        first = next((r for r in self.rhythms if r.ritual is ritual), None)
        if first is None:
            return ()
        key = (ritual, first.phrase, first.section)
        same = [r for r in self.rhythms if (r.ritual, r.phrase, r.section) == key]
        return tuple(sorted(same, key=lambda r: r.cadence.approx_days, reverse=True))


@dataclass(frozen=True, slots=True)
class Problem:
    """A file that could not be loaded, reported instead of raised."""

    path: Path
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.reason}"

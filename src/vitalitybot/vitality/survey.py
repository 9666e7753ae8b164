"""Which signs a decay-signal survey asks about this round.

A survey that asks everything every month feels like homework and participation falls, so
each round asks at most ``max_items`` questions and rotates through the rest in later
rounds. The plan depends only on the adopted patterns and the round's index, so it can be
recomputed at any time (to render the survey, to score it, in the simulator) without
storing it.

How the items of one round are chosen:

- The decay signs of all patterns form one ring. Patterns are interleaved in proportion to
  their size: sign *i* of a pattern with *n* signs sits at position (i + ½) / n, and the ring
  is sorted by position (ties keep the adopted order). With patterns of equal size that is
  plain round-robin; with a pattern of 20 signs beside one of 2, the small pattern's signs
  sit a third and two thirds of the way round instead of both at the start, so most
  windows hold something from each pattern rather than the big one alone.
- Round *r* takes the window of *w* ring items starting at r × w (wrapping), so consecutive
  rounds continue where the last stopped and every sign is asked within ceil(n / w) rounds.
  When the whole ring fits in *w*, every decay sign is asked every round.
- Signs of life form a second ring, rotating the same way, and take up to ``life_items``
  places. They never take the last place while there are decay signs (those are what the
  thresholds watch). Places they leave unused (a pattern with fewer signs of life than
  ``life_items``) go to decay signs; places decay signs leave unused are *not* filled with
  extra signs of life: the survey just gets shorter.

The rotation continues smoothly only while the adopted patterns stay the same; adopting
or dropping a pattern reshapes the ring and the next window starts afresh from it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from vitalitybot.patterns.model import Pattern, Sign
from vitalitybot.render.message import trim

logger = logging.getLogger(__name__)

ITEM_TEXT_MAX = 100  # Discord select placeholders and option labels
DEFAULT_MAX_ITEMS = 8
DEFAULT_LIFE_ITEMS = 2

_DEFAULT_LEAD = 'How often do you notice this: "'
_DEFAULT_TAIL = '"?'


class SignKind(StrEnum):
    DECAY = "decay"
    LIFE = "life"


@dataclass(frozen=True, slots=True)
class SurveyItem:
    pattern_slug: str
    sign_id: str
    kind: SignKind
    text: str  # what members read, at most ITEM_TEXT_MAX characters


def item_text(sign: Sign) -> str:
    """The member-facing question: the pattern's own wording, else one built from the title."""
    if sign.survey_wording and sign.survey_wording.strip():
        return trim(" ".join(sign.survey_wording.split()), ITEM_TEXT_MAX)
    subject = " ".join((sign.title or sign.text or sign.id.replace("-", " ")).split())
    subject = subject.rstrip(" .:;!,")
    room = ITEM_TEXT_MAX - len(_DEFAULT_LEAD) - len(_DEFAULT_TAIL)
    return f"{_DEFAULT_LEAD}{trim(subject, room)}{_DEFAULT_TAIL}"


def plan_survey(
    patterns: Iterable[Pattern],
    round_index: int,
    max_items: int = DEFAULT_MAX_ITEMS,
    life_items: int = DEFAULT_LIFE_ITEMS,
) -> list[SurveyItem]:
    """The items of round ``round_index`` (0, 1, 2, ...), grouped by pattern in adopted order.

    Within a pattern, decay items come before signs of life. See the module docstring for
    how the items are chosen.
    """
    if max_items < 1:
        raise ValueError(f"max_items must be at least 1, not {max_items}")
    if life_items < 0:
        raise ValueError(f"life_items cannot be negative ({life_items})")
    if round_index < 0:
        raise ValueError(f"round_index cannot be negative ({round_index})")

    adopted = _unique_patterns(patterns)
    decay_ring = _ring(adopted, SignKind.DECAY)
    life_ring = _ring(adopted, SignKind.LIFE)

    life_room = max_items - 1 if decay_ring else max_items
    life_count = min(life_items, len(life_ring), life_room)
    decay_count = min(len(decay_ring), max_items - life_count)

    chosen = {
        *_window(decay_ring, round_index, decay_count),
        *_window(life_ring, round_index, life_count),
    }
    order = {slug: index for index, slug in enumerate(p.slug for p in adopted)}
    ring_position = {item: i for i, item in enumerate([*decay_ring, *life_ring])}
    return sorted(chosen, key=lambda item: (order[item.pattern_slug], ring_position[item]))


def _unique_patterns(patterns: Iterable[Pattern]) -> list[Pattern]:
    seen: set[str] = set()
    unique: list[Pattern] = []
    for pattern in patterns:
        if pattern.slug in seen:
            logger.debug("pattern %s given twice; surveyed once", pattern.slug)
            continue
        seen.add(pattern.slug)
        unique.append(pattern)
    return unique


def _signs(pattern: Pattern, kind: SignKind) -> list[Sign]:
    """A pattern's signs of one kind, each id once (answers are stored by id)."""
    signs = pattern.signs_of_decay if kind is SignKind.DECAY else pattern.signs_of_life
    seen: set[str] = set()
    unique: list[Sign] = []
    for sign in signs:
        if sign.id not in seen:
            seen.add(sign.id)
            unique.append(sign)
    return unique


def _ring(patterns: Sequence[Pattern], kind: SignKind) -> list[SurveyItem]:
    placed: list[tuple[Fraction, int, SurveyItem]] = []
    for pattern_index, pattern in enumerate(patterns):
        signs = _signs(pattern, kind)
        for i, sign in enumerate(signs):
            position = Fraction(2 * i + 1, 2 * len(signs))
            item = SurveyItem(pattern.slug, sign.id, kind, item_text(sign))
            placed.append((position, pattern_index, item))
    placed.sort(key=lambda entry: (entry[0], entry[1]))
    return [item for _, _, item in placed]


def _window(ring: Sequence[SurveyItem], round_index: int, size: int) -> list[SurveyItem]:
    if size <= 0 or not ring:
        return []
    start = (round_index * size) % len(ring)
    return [ring[(start + k) % len(ring)] for k in range(size)]

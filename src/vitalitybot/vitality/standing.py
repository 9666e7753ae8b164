"""How a community stands, in a few words a sponsor reads before any figure.

One rule, in this order, so the words never contradict the figures beside them:

1. no round closed yet: *getting started*;
2. the latest closed round had fewer answers than its own minimum: *quiet*, and nothing
   more is said, since every other judgement would lean on figures that may not be shown;
3. signs of decay crossing the threshold in the latest survey: *needs care*;
4. otherwise participation over the last ``TREND_ROUNDS`` rounds that showed it decides:
   *fading* when it fell, *lively* when it rose, *steady* when it moved less than
   ``MARGIN`` of where it started (or when there is only one round to go on).

Participation moves by whatever measure the caller has for every round compared (a
share of the eligible members, or a count of answers without the members intent); the
rule only compares a round's value with an earlier one of the same measure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

TREND_ROUNDS = 3
# A move smaller than this share of the first value compared is wobble, not a trend: one
# member more or less in a community of ten is 10%.
MARGIN = 0.1
_NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


class Mood(StrEnum):
    STARTING = "getting started"
    QUIET = "quiet"
    NEEDS_CARE = "needs care"
    FADING = "fading"
    LIVELY = "lively"
    STEADY = "steady"


@dataclass(frozen=True, slots=True)
class Standing:
    mood: Mood
    reasons: tuple[str, ...]

    @property
    def sentence(self) -> str:
        """ "lively — participation up over three rounds, no sign of decay crossing"."""
        return f"{self.mood.value} — {', '.join(self.reasons)}"


def standing(
    participation: Sequence[float | None],
    *,
    latest_kind: str = "round",
    crossing: Sequence[str] | None = None,
) -> Standing:
    """The rule above.

    ``participation``: one value per closed round, oldest first, None for a round below
    its minimum. ``latest_kind`` names the latest closed round ("survey", "check-in").
    ``crossing``: the titles of the decay signs crossing in the latest survey; None when
    no survey has figures to judge by.
    """
    if not participation:
        return Standing(Mood.STARTING, ("no survey or check-in has closed yet",))
    if participation[-1] is None:
        return Standing(
            Mood.QUIET, (f"the last {latest_kind} had too few answers to show figures",)
        )
    shown = [value for value in participation if value is not None][-TREND_ROUNDS:]
    mood, trend = _trend(shown)
    reasons = [trend]
    if crossing is not None:
        reasons.append(_crossing(crossing))
        if crossing:
            mood = Mood.NEEDS_CARE
    return Standing(mood, tuple(reasons))


def _trend(shown: Sequence[float]) -> tuple[Mood, str]:
    if len(shown) < 2:
        return Mood.STEADY, "participation shown for one round so far"
    first, last = shown[0], shown[-1]
    over = f"over {_NUMBER_WORDS.get(len(shown), str(len(shown)))} rounds"
    if last > first * (1 + MARGIN):
        return Mood.LIVELY, f"participation up {over}"
    if last < first * (1 - MARGIN):
        return Mood.FADING, f"participation down {over}"
    return Mood.STEADY, f"participation steady {over}"


def _crossing(titles: Sequence[str]) -> str:
    if not titles:
        return "no sign of decay crossing"
    if len(titles) == 1:
        return f"one sign of decay crossing ({titles[0]})"
    return f"{len(titles)} signs of decay crossing ({', '.join(titles)})"

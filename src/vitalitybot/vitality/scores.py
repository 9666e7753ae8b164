"""Scores of one sign in one round, and when they cross the community's threshold.

What drives a suggestion is the share of respondents who see a sign "often" or
"constantly", not the mean: a mean of 3 hides a community split between people who never
see it and people who live with it daily. Below the minimum number of respondents no
figure is shown at all, because with two answers a figure is close to an individual's
answer (and anonymity by default is a promise).
"""

from __future__ import annotations

from dataclasses import dataclass

from vitalitybot.domain import scale
from vitalitybot.domain.privacy import DEFAULT_MIN_RESPONDENTS

DEFAULT_SHARE = 0.5

# Shares are ratios of small integers (2/4, 3/5); this absorbs float noise when a
# community sets a threshold such as 0.6 or 1/3 so "exactly at the threshold" crosses.
_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class SignScore:
    n: int  # respondents who answered this sign
    mean: float  # 0.0 when n is 0
    share_high: float  # share of answers at scale.HIGH or above; 0.0 when n is 0


@dataclass(frozen=True, slots=True)
class Threshold:
    share: float = DEFAULT_SHARE
    min_respondents: int = DEFAULT_MIN_RESPONDENTS

    def __post_init__(self) -> None:
        if not 0.0 < self.share <= 1.0:
            raise ValueError(f"threshold share must be in (0, 1], not {self.share}")
        if self.min_respondents < 1:
            raise ValueError(f"min_respondents must be at least 1, not {self.min_respondents}")


def visible(score: SignScore, threshold: Threshold) -> bool:
    """Whether any figure of this score may be shown."""
    return score.n >= threshold.min_respondents


def crosses(score: SignScore, threshold: Threshold) -> bool:
    """Enough respondents, and at least the threshold's share of them see the sign a lot.

    This says nothing about what kind of sign it is: a sign of life "crossing" is good
    news, and only decay signs lead to suggestions (see suggestions.py).
    """
    return visible(score, threshold) and score.share_high + _TOLERANCE >= threshold.share


def display(score: SignScore, threshold: Threshold) -> str:
    """One line for members and coordinators; no figure below the minimum, ever."""
    if not visible(score, threshold):
        return f"not enough answers yet (fewer than {threshold.min_respondents})"
    percent = int(score.share_high * 100 + 0.5)
    return f"mean {score.mean:.1f} · {percent}% {scale.high_words()} · n={score.n}"

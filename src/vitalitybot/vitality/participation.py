"""Participation in a round, and when its fall is itself a sign of decay.

The literature is blunt that a survey feeling like homework kills participation, so the
response rate is watched like any decay sign. "Sharp" is judged against the community's
own recent past rather than a fixed bar: 30% may be healthy for a large, loose community
and alarming for a tight one.

The rule: a fall is sharp when this round's rate is below (1 - drop) × the mean of the
last ``window`` rounds. Defaults: the last 3 rounds (a quarter of monthly rounds, long
enough to smooth one odd month), a 40% relative fall (in a community of ten, 6 answering
then 4 is ordinary wobble; 6 then 3 is not), and at least 2 earlier rounds, because one
round is not a trend. The fall must be strictly below the line, so an exact 40% fall is
not yet "sharp".
"""

from __future__ import annotations

from collections.abc import Sequence

DEFAULT_WINDOW = 3
DEFAULT_DROP = 0.4
DEFAULT_MIN_HISTORY = 2


def participation_rate(respondents: int, eligible: int) -> float:
    """Respondents over eligible members, in [0, 1].

    No eligible members gives 0.0 (there is nothing to fall from). More respondents than
    eligible members happens when members leave between opening and closing a round, so
    the rate is capped at 1.0 rather than rejected.
    """
    if respondents < 0 or eligible < 0:
        raise ValueError(f"counts cannot be negative ({respondents}/{eligible})")
    if eligible == 0:
        return 0.0
    return min(respondents / eligible, 1.0)


def trailing_mean(history: Sequence[float], window: int = DEFAULT_WINDOW) -> float | None:
    """Mean rate of the last ``window`` rounds, or None without history."""
    recent = list(history)[-window:] if window > 0 else []
    return sum(recent) / len(recent) if recent else None


def participation_drop(
    history: Sequence[float],
    current: float,
    window: int = DEFAULT_WINDOW,
    drop: float = DEFAULT_DROP,
    min_history: int = DEFAULT_MIN_HISTORY,
) -> bool:
    """Whether ``current`` is a sharp fall against the rates of earlier rounds (oldest first)."""
    if window < 1:
        raise ValueError(f"window must be at least 1, not {window}")
    if not 0.0 < drop < 1.0:
        raise ValueError(f"drop must be between 0 and 1, not {drop}")
    if min_history < 1:
        raise ValueError(f"min_history must be at least 1, not {min_history}")
    if len(history) < min_history:
        return False
    trailing = trailing_mean(history, window)
    if trailing is None or trailing <= 0.0:
        return False
    return current < (1.0 - drop) * trailing

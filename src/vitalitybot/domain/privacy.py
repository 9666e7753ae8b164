"""How few answers may ever be shown: the promise a round makes to its members.

A round keeps the minimum in force when it opened (``Round.min_respondents``), so a
coordinator who lowers the setting later changes nothing already promised. An anonymous
round never promises fewer than ``ANONYMOUS_FLOOR``: with one or two answers a figure
is a person's answer.
"""

from __future__ import annotations

from typing import Final

DEFAULT_MIN_RESPONDENTS: Final = 5
ANONYMOUS_FLOOR: Final = 3
MAX_MIN_RESPONDENTS: Final = 100


def lowest_minimum(anonymous: bool) -> int:
    """The smallest minimum a community with this anonymity setting may choose."""
    return ANONYMOUS_FLOOR if anonymous else 1


def round_minimum(anonymous: bool, chosen: int) -> int:
    """The minimum a new round promises: the community's choice, never under the floor.

    A community set before the floor existed may still hold a lower value; its next
    round is raised to the floor rather than refused.
    """
    return max(chosen, lowest_minimum(anonymous))

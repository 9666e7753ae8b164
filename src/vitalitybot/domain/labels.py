"""How members name a round: a label made from its period key, never the key itself.

A scheduled round's period is the local date it ran ("2026-12-15") and reads as it is.
A round opened by hand has a key made unique to the minute ("2026-12-03T06:50-manual",
then "-2" for a second one in the same minute); members read "2026-12-03 06:50" and
"2026-12-03 06:50 (2)". The time stays in the label because a label must never change
once posted, and a round opened by hand can share its day with another round opened
later; it is the community's local time, fixed when the round opened, as the date of a
scheduled round is.
"""

from __future__ import annotations

import re

from vitalitybot.domain.records import Round

_MANUAL = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})-manual(?:-(\d+))?")


def round_label(round_: Round) -> str:
    """The name posts and replies give ``round_`` (module docstring)."""
    return period_label(round_.period)


def period_label(period: str) -> str:
    manual = _MANUAL.fullmatch(period)
    if manual is None:
        return period
    day, time, again = manual.groups()
    return f"{day} {time}" + (f" ({again})" if again else "")

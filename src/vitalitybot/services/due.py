"""Which open rounds are due for their close or their reminder, and when the next one is.

Worked out afresh from the rounds table at each look (``RoundRepository.list_open_times``)
rather than kept as one timer per round, so a round opened, closed or reminded by any
process is accounted for the next time anyone looks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from vitalitybot.domain.records import OpenRoundTimes
from vitalitybot.scheduling.cadence import reminder_at


@dataclass(frozen=True, slots=True)
class DueWork:
    closes: tuple[OpenRoundTimes, ...]  # windows that have ended
    reminders: tuple[OpenRoundTimes, ...]  # reminder time come, window still open
    following: datetime | None  # the earliest close or reminder still to come


def due_work(rounds: Iterable[OpenRoundTimes], now: datetime, *, reminders: bool) -> DueWork:
    """Sort open rounds into due now and later; ``reminders=False`` leaves reminders out.

    A round's reminder is due at ``reminder_at`` until it is sent (``reminded_at``); one
    whose window has ended is closed instead, never reminded.
    """
    closes: list[OpenRoundTimes] = []
    nudges: list[OpenRoundTimes] = []
    later: list[datetime] = []
    for times in rounds:
        if times.closes_at <= now:
            closes.append(times)
            continue
        later.append(times.closes_at)
        if not reminders or times.reminded_at is not None:
            continue
        when = reminder_at(times.opened_at, times.closes_at)
        if when <= now:
            nudges.append(times)
        else:
            later.append(when)
    return DueWork(tuple(closes), tuple(nudges), min(later, default=None))

"""Months on the calendar, the unit the patterns state their durations in."""

from __future__ import annotations

import calendar
from datetime import datetime


def months_between(start: datetime, end: datetime) -> float:
    """Calendar months from ``start`` to ``end`` (Jan 1 -> Jul 1 is exactly 6), 0 if not after.

    Counted on the calendar rather than as days / 30 so that rounds opened on the same day
    of each month are whole months apart; a start on the 31st counts a month as reaching
    the last day of a shorter month.
    """
    if end <= start:
        return 0.0
    whole = (end.year - start.year) * 12 + end.month - start.month
    anchor = _add_months(start, whole)
    if anchor > end:
        whole -= 1
        anchor = _add_months(start, whole)
    following = _add_months(start, whole + 1)
    return whole + (end - anchor) / (following - anchor)


def _add_months(moment: datetime, months: int) -> datetime:
    years, month_index = divmod(moment.month - 1 + months, 12)
    year = moment.year + years
    month = month_index + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)

"""Periods of recurring promises: weekly calls, monthly reports, quarterly reviews."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Iterator

from dateutil.relativedelta import relativedelta

from .calendar import is_business_day

# (days, months) per period; months use calendar months (Jan 31 + 1 month = Feb 28).
_LENGTH = {
    "daily": (1, 0), "weekly": (7, 0), "biweekly": (14, 0),
    "monthly": (0, 1), "quarterly": (0, 3), "semiannually": (0, 6), "annually": (0, 12),
}
NOUN = {
    "daily": "day", "weekly": "week", "biweekly": "two-week period", "monthly": "month",
    "quarterly": "quarter", "semiannually": "half-year", "annually": "year",
}
ADVERB = {
    "daily": "every day", "weekly": "every week", "biweekly": "every two weeks",
    "monthly": "every month", "quarterly": "every quarter",
    "semiannually": "every six months", "annually": "every year",
}


def period_days(recurrence: str) -> int:
    """The approximate length of one period in days (a month is 30)."""
    d, m = _LENGTH[recurrence]
    return d + 30 * m


def _nth(start: date, recurrence: str, k: int) -> date:
    d, m = _LENGTH[recurrence]
    if m:
        return start + relativedelta(months=m * k)
    return start + timedelta(days=d * k)


def periods_from(start: date, recurrence: str, business_days: bool = False,
                 holidays=frozenset()) -> Iterator[tuple]:
    """Endless (first day, last day) periods starting on ``start``.

    Daily promises worded in business days give one period per business day.
    """
    if recurrence == "daily" and business_days:
        day = start
        while True:
            if is_business_day(day, holidays):
                yield day, day
            day += timedelta(days=1)
    k = 0
    while True:
        yield _nth(start, recurrence, k), _nth(start, recurrence, k + 1) - timedelta(days=1)
        k += 1


def periods_ending(first_due: date, recurrence: str, business_days: bool = False,
                   holidays=frozenset()) -> Iterator[tuple]:
    """Endless periods, the first of which ends on ``first_due`` (a stated date)."""
    if recurrence == "daily":
        yield from periods_from(first_due, recurrence, business_days, holidays)
        return
    k = 0
    while True:
        yield (_nth(first_due, recurrence, k - 1) + timedelta(days=1),
               _nth(first_due, recurrence, k))
        k += 1

"""Business days and hours: weekends and holidays are skipped.

The working day is 09:00-17:00, Monday to Friday, less the holidays in the settings.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..errors import RecordError

DAY_START = time(9, 0)
DAY_END = time(17, 0)
HOURS_PER_DAY = 8.0
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_business_day(day: date, holidays=frozenset()) -> bool:
    """True on Monday-Friday unless the day is a holiday."""
    return day.weekday() < 5 and day not in holidays


def add_business_days(start: date, n: int, holidays=frozenset()) -> date:
    """The date ``n`` business days after ``start`` (before it when ``n`` is negative).

    ``start`` itself is not counted: 10 business days after Friday 2027-01-08 is
    Friday 2027-01-22, or Monday 2027-01-25 when 2027-01-18 is a holiday. With
    ``n == 0`` the start date is returned unchanged.
    """
    step = 1 if n >= 0 else -1
    day, left = start, abs(n)
    while left:
        day += timedelta(days=step)
        if is_business_day(day, holidays):
            left -= 1
    return day


def next_business_day(day: date, holidays=frozenset()) -> date:
    """``day`` itself when it is a business day, else the next one."""
    while not is_business_day(day, holidays):
        day += timedelta(days=1)
    return day


def business_hours_between(start: datetime, end: datetime, holidays=frozenset()) -> float:
    """Business hours (09:00-17:00 on business days) between two timestamps."""
    if end <= start:
        return 0.0
    total = 0.0
    day = start.date()
    while day <= end.date():
        if is_business_day(day, holidays):
            lo = max(start, datetime.combine(day, DAY_START, start.tzinfo))
            hi = min(end, datetime.combine(day, DAY_END, start.tzinfo))
            if hi > lo:
                total += (hi - lo).total_seconds() / 3600.0
        day += timedelta(days=1)
    return total


def load_holidays(path) -> frozenset:
    """Read holiday dates from a file.

    Text or CSV: one YYYY-MM-DD date per line, optionally followed by a comma and the
    holiday's name ("2027-05-31, Memorial Day"); blank lines and lines starting with
    '#' are skipped, and so is a first line that is a "date,name" header. An .ics
    calendar (exported from Outlook or Google Calendar) is also accepted: every event
    adds the days it covers.
    """
    p = Path(path)
    if not p.is_file():
        raise RecordError(
            f"Holiday file {p} not found; give a text file with one YYYY-MM-DD date per line"
        )
    if p.suffix.lower() in (".ics", ".ical", ".ifb"):
        return _load_ics(p)
    try:
        lines = p.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise RecordError(
            f"{p.name} is not a text file; save it as plain text or CSV (UTF-8), "
            "one YYYY-MM-DD date per line"
        ) from None
    days = set()
    seen_data = False
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        first = re.split(r"[,;\t]", line, maxsplit=1)[0].strip().strip('"')
        if not seen_data and first.lower() in ("date", "day", "holiday", "holidays"):
            seen_data = True
            continue
        seen_data = True
        try:
            if not _ISO.match(first):
                raise ValueError(first)
            days.add(date.fromisoformat(first))
        except ValueError:
            raise RecordError(
                f"{p.name} line {number}: '{line}' does not start with a date; write one "
                "date per line as YYYY-MM-DD, optionally followed by a comma and a name"
            ) from None
    return frozenset(days)


def _load_ics(p: Path) -> frozenset:
    import icalendar

    try:
        cal = icalendar.Calendar.from_ical(p.read_bytes())
    except (ValueError, IndexError, KeyError) as e:
        raise RecordError(
            f"{p.name} is not a readable calendar file ({e}); export it again as .ics "
            "or list the dates one YYYY-MM-DD per line in a .txt file"
        ) from None
    days = set()
    for event in cal.walk("VEVENT"):
        start = event.get("DTSTART")
        if start is None:
            continue
        first = start.dt.date() if isinstance(start.dt, datetime) else start.dt
        end = event.get("DTEND")
        last = first
        if end is not None:
            stop = end.dt.date() if isinstance(end.dt, datetime) else end.dt
            last = max(first, stop - timedelta(days=1))  # DTEND is exclusive
        day = first
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return frozenset(days)

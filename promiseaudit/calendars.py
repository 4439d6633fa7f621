"""Meetings from calendars: .ics files, and what a meeting's subject says it was.

A meeting that was held is evidence for check-ins, business reviews and training
sessions. ``read_ics`` turns a calendar file into rows like an export's (Subject, Start,
End, Location, Categories, Description, UID, Status, Occurrence), one per event and one
per past occurrence of a repeating event; ``meeting_category`` reads the subject's words
("QBR", "status call" -> check_in; "training", "workshop" -> training).
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Optional

from .errors import RecordError

ICS_COLUMNS = ["Subject", "Start", "End", "Location", "Categories", "Description", "UID",
               "Status", "Occurrence"]

# Words in a subject and the category of a meeting they make it. The first word found in
# the subject decides ("Training review" is training, "Review of the training plan" a
# review).
_MEETING_WORDS = [
    ("training", r"training|trainings|workshop|webinar|boot ?camp|masterclass|tutorial|"
                 r"course|class|enablement|onboarding session"),
    ("check_in", r"qbr|mbr|ebr|business review|quarterly review|review|check[- ]?in|"
                 r"status (?:call|meeting|update|review)|steering(?: committee| group)?|"
                 r"sync|catch[- ]?up|kick[- ]?off|account meeting|health ?check|"
                 r"service review|governance meeting|progress (?:call|meeting)"),
]
_MEETING_RE = [(category, re.compile(rf"(?<![a-z])(?:{words})(?![a-z])", re.I))
               for category, words in _MEETING_WORDS]
_CANCELLED = re.compile(r"^\s*(?:cancell?ed|abgesagt|annul[ée]e?)\s*:", re.I)

# A repeating event is expanded up to this many occurrences (ten years of weekly calls).
MAX_OCCURRENCES = 520


def meeting_category(subject: str) -> Optional[str]:
    """The category a meeting's subject names: "training", "check_in", or None when its
    words say neither ("Lunch")."""
    best = None
    for category, pattern in _MEETING_RE:
        m = pattern.search(subject or "")
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), category)
    return best[1] if best else None


def is_cancelled(subject: str, status: str = "") -> bool:
    """Whether a meeting was cancelled: STATUS:CANCELLED in a calendar file, or a subject
    starting "Canceled:" / "Cancelled:" as Outlook writes it."""
    return status.strip().upper() == "CANCELLED" or bool(_CANCELLED.match(subject or ""))


def read_ics(path, today: date) -> tuple[list[str], list[tuple[int, dict]]]:
    """The events of a calendar file as rows (see ICS_COLUMNS), numbered by event (the
    first VEVENT is 1). Repeating events give one row per occurrence up to ``today``;
    cancelled and moved occurrences are left out or replaced as the file says.

    RecordError when the file is not a calendar.
    """
    import icalendar

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise RecordError(f"{path.name}: cannot be opened ({e.strerror or e}); check that the "
                          "file is readable") from None
    try:
        cal = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as e:
        raise RecordError(f"{path.name}: not a readable calendar file ({e}); export the "
                          "calendar again as .ics") from None
    events = [c for c in cal.walk("VEVENT")]
    moved = {(str(e.get("UID", "")), _key(e.decoded("RECURRENCE-ID")))
             for e in events if e.get("RECURRENCE-ID") is not None}
    rows = []
    for number, event in enumerate(events, start=1):
        start = event.decoded("DTSTART", None)
        if start is None:
            raise RecordError(f"{path.name} event {number}: has no start (DTSTART); "
                              "export the calendar again")
        end = event.decoded("DTEND", None)
        length = (end - start) if end is not None else None
        base = {
            "Subject": str(event.get("SUMMARY", "")).strip(),
            "Location": str(event.get("LOCATION", "")).strip(),
            "Categories": _categories(event.get("CATEGORIES")),
            "Description": str(event.get("DESCRIPTION", "")).strip(),
            "UID": str(event.get("UID", "")).strip(),
            "Status": str(event.get("STATUS", "")).strip(),
        }
        if event.get("RRULE") is None or event.get("RECURRENCE-ID") is not None:
            starts = [start]
        else:
            skip = _exdates(event) | {k for uid, k in moved if uid == base["UID"]}
            try:
                occurrences = _occurrences(event, start, today)
            except ValueError as e:
                raise RecordError(f"{path.name} event {number}: its repeat rule (RRULE) cannot "
                                  f"be read ({e}); export the calendar again") from None
            starts = [s for s in occurrences if _key(s) not in skip]
        for s in starts:
            rows.append((number, {**base, "Start": _iso(s),
                                  "End": _iso(s + length) if length is not None else "",
                                  "Occurrence": f"{base['UID']} {_iso(s)}".strip()}))
    return list(ICS_COLUMNS), rows


def _occurrences(event, start, today: date) -> list:
    from dateutil.rrule import rrulestr

    is_date = not isinstance(start, datetime)
    first = datetime.combine(start, time()) if is_date else start
    text = event["RRULE"].to_ical().decode()
    # UNTIL is written in UTC for events with a time zone, and floating otherwise; files
    # do not always keep to that, and the rule reader insists.
    if first.tzinfo is None:
        text = re.sub(r"(UNTIL=\d{8}T\d{6})Z", r"\1", text)
    else:
        text = re.sub(r"UNTIL=(\d{8})(?!T)", r"UNTIL=\1T235959Z", text)
        text = re.sub(r"(UNTIL=\d{8}T\d{6})(?!Z)", r"\1Z", text)
    rule = rrulestr(text, dtstart=first)
    limit = datetime.combine(today + timedelta(days=1), time())
    if first.tzinfo is not None:
        limit = limit.replace(tzinfo=first.tzinfo)
    out = []
    for occurrence in rule:
        if occurrence >= limit or len(out) >= MAX_OCCURRENCES:
            break
        out.append(occurrence.date() if is_date else occurrence)
    return out


def _exdates(event) -> set:
    raw = event.get("EXDATE")
    if raw is None:
        return set()
    out = set()
    for item in raw if isinstance(raw, list) else [raw]:
        out.update(_key(d.dt) for d in item.dts)
    return out


def _key(stamp) -> str:
    """An occurrence's identity: its start in UTC (or its date for all-day events)."""
    if isinstance(stamp, datetime):
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(timezone.utc).replace(tzinfo=None)
        return stamp.isoformat(timespec="minutes")
    return stamp.isoformat()


def _iso(stamp) -> str:
    return stamp.isoformat() if isinstance(stamp, (date, datetime)) else str(stamp)


def _categories(value) -> str:
    if value is None:
        return ""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        cats = getattr(item, "cats", None)
        names.extend(str(c) for c in (cats if cats is not None else [item]))
    return ", ".join(n.strip() for n in names if str(n).strip())


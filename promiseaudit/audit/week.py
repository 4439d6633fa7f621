"""What the weekly report needs of a verdict beyond its status and due date, worked out
when the audit is stored so a report made from the stored audit need not audit again.

The weekly report of an audit as of a day covers the week (Monday to Sunday) that day
falls in; ``week_digest`` sums up a verdict's occurrences for that week.
"""
from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Optional

from ..models import Verdict

KEPT = ("kept", "late")


def week_of(as_of: date) -> tuple[date, date]:
    """The Monday and Sunday of the week ``as_of`` falls in."""
    monday = as_of - timedelta(days=as_of.weekday())
    return monday, monday + timedelta(days=6)


def done_on(verdict: Verdict) -> Optional[date]:
    """The day a one-off promise was delivered: a quantity when its last part arrived,
    anything else with its first record (None without dated evidence)."""
    dates = sorted(e.date for e in verdict.evidence if e.date)
    if not dates:
        return None
    return dates[-1] if "delivered" in verdict.figures else dates[0]


def next_occurrence(verdict: Verdict, after: date, statuses=("pending", "at_risk")):
    """The first occurrence due on or after ``after`` that is still to come."""
    for o in sorted(verdict.occurrences, key=lambda o: o.due):
        if o.due >= after and o.status in statuses:
            return o
    return None


def kept_in(verdict: Verdict, start: date, end: date) -> tuple[list, str]:
    """(the days a recurring promise's periods were kept or delivered late in the week,
    the status of the last such period; the verdict's status when none)."""
    dates, status = [], verdict.status
    for o in verdict.occurrences:
        if o.status in KEPT:
            seen = [e.date for e in o.evidence if e.date is not None and start <= e.date <= end]
            if seen or start <= o.due <= end:
                dates.append(max(seen) if seen else o.due)
                status = o.status
    return dates, status


def held_counts(verdict: Verdict) -> Optional[tuple[int, int]]:
    """(held, fallen due) over a recurring promise's occurrences, or None."""
    due = [o for o in verdict.occurrences if o.status in ("kept", "late", "broken")]
    if not due:
        return None
    return sum(1 for o in due if o.status != "broken"), len(due)


def week_digest(verdict: Verdict, as_of: date) -> Optional[str]:
    """JSON of what the weekly report for the week of ``as_of`` reads of ``verdict``:
    for a one-off promise the day it was done ("done"); for a recurring one whether a
    period broke in the week ("broke"), the next period to come after the week ("next":
    [due, status]), the periods kept in it ("kept": [latest day, status]), the next
    period from ``as_of`` on ("from") and the periods held of those fallen due ("held":
    [held, fallen due], as ``held_counts``). None when there is nothing
    to say."""
    if not verdict.occurrences:
        done = done_on(verdict)
        return json.dumps({"done": done.isoformat()}) if done else None
    start, end = week_of(as_of)
    nxt = next_occurrence(verdict, end + timedelta(days=1))
    soon = next_occurrence(verdict, as_of)
    dates, status = kept_in(verdict, start, end)
    held = held_counts(verdict)
    out = {"occ": 1,
           "broke": any(o.status == "broken" and start <= o.due <= end for o in verdict.occurrences),
           "next": [nxt.due.isoformat(), nxt.status] if nxt else None,
           "kept": [max(dates).isoformat(), status] if dates else None,
           # the next period from the audit's day on (a deal's next touch point), and
           # how many of the periods fallen due were held
           "from": soon.due.isoformat() if soon else None,
           "held": list(held) if held else None}
    return json.dumps(out, separators=(",", ":"))

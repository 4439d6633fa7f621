"""The customer's one-page sheet, "What you will receive and when": a deal's promises in
the proposal's own words, with their dates worked out, and nothing internal (no
statuses, no review marks, no ids)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

import jinja2

from ..models import Deal
from .formatting import DateFormatter

SECTIONS = (
    ("delivery", "What we deliver"),
    ("training", "Training"),
    ("check_in", "Meetings and reviews"),
    ("service_level", "Service levels"),
    ("support", "Support"),
    ("warranty", "Warranty"),
    ("pricing", "Prices"),
)
SHOWN_DATES = 4
DENSE_ITEMS = 16  # above this many promises the sheet uses smaller type to stay on one page
_EVERY = {"daily": "Every day", "weekly": "Every week", "biweekly": "Every two weeks",
          "monthly": "Every month", "quarterly": "Every quarter",
          "semiannually": "Every six months", "annually": "Every year"}
_EVENTS = {"signature": "signature", "kickoff": "kick-off", "go_live": "go-live"}


@dataclass(frozen=True)
class SheetData:
    """What the sheet is made from: the deal (with the event dates its deadlines count
    from), the promises to show, their verdicts (for the audit's due dates) and the due
    dates of each recurring one over the term (promise id -> dates)."""

    deal: Deal
    promises: tuple
    verdicts: dict
    schedules: dict = field(default_factory=dict)
    as_of: Optional[date] = None
    sources: tuple = ()


def _event(anchor: Optional[str]) -> str:
    anchor = anchor or "signature"
    return _EVENTS.get(anchor, anchor.replace("_", " "))


def _count(n: int, business: bool) -> str:
    unit = ("business day" if business else "day") + ("" if abs(n) == 1 else "s")
    if not business and n % 7 == 0 and 14 <= abs(n) <= 112:
        unit, n = "weeks", n // 7
    return f"{abs(n)} {unit}"


def when_text(p, verdict, schedule: list, fmt: DateFormatter) -> str:
    """When the customer gets it, in words, from the stored terms and the audit's dates."""
    due = verdict.due if verdict is not None else None
    if p.recurrence:
        every = _EVERY.get(p.recurrence, "Regularly")
        if not schedule:
            start = f", from {_event(p.anchor)}" if p.anchor else ""
            return f"{every}{start}; the dates follow once it starts"
        shown = ", ".join(fmt(d) for d in schedule[:SHOWN_DATES])
        more = len(schedule) - SHOWN_DATES
        tail = f" and {more} more, the last on {fmt(schedule[-1])}" if more > 0 else ""
        return f"{every}: {shown}{tail}"
    if p.threshold is not None and p.category in ("service_level", "support"):
        return "Throughout the service"
    if p.category == "pricing" and p.threshold is not None and due is not None:
        return f"Until {fmt(due)}"
    if p.within_days is not None:
        n, event = p.within_days, _event(p.anchor)
        if n == 0:
            return f"By {fmt(due)}, at {event}" if due is not None else \
                f"By {event}; the date follows once {event} is set"
        rel = f"{_count(n, p.business_days)} {'before' if n < 0 else 'after'} {event}"
        if due is not None:
            return f"By {fmt(due)} ({rel})"
        return f"{rel[0].upper()}{rel[1:]}; the date follows once {event} is set"
    if due is not None:
        return f"By {fmt(due)}"
    return "Included"


def sheet_context(data: SheetData, date_format: str = "%Y-%m-%d") -> dict:
    """Sections of promises, each sorted by date, for templates/sheet.html."""
    fmt = DateFormatter(date_format)
    sections = []
    for category, title in SECTIONS:
        rows = []
        for p in data.promises:
            if p.category != category:
                continue
            v = data.verdicts.get(p.id)
            schedule = data.schedules.get(p.id, [])
            first = schedule[0] if schedule else (v.due if v is not None else None)
            rows.append({"what": " ".join(p.text.split()),
                         "when": when_text(p, v, schedule, fmt),
                         "key": (first or date.max, p.source, p.page, p.start)})
        if rows:
            rows.sort(key=lambda r: r["key"])
            sections.append({"title": title, "rows": rows})
    count = sum(len(s["rows"]) for s in sections)
    deal = data.deal
    return {
        "customer": deal.customer or deal.deal_id,
        "deal_id": deal.deal_id,
        "prepared": fmt(data.as_of) if data.as_of else "",
        "sections": sections,
        "count": count,
        "dense": count > DENSE_ITEMS,
        "sources": list(data.sources),
    }


def sheet_html(data: SheetData, date_format: str = "%Y-%m-%d",
               env: Optional[jinja2.Environment] = None) -> str:
    """The one-page sheet "What you will receive and when" (HTML, prints on one page)."""
    from . import _render

    return _render(env, "sheet.html", sheet_context(data, date_format))

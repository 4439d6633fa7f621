"""Exports of the promise register: CSV for the delivery team, JSON, and calendar (ics).

The CSV round trip (``export_csv``):

1. ``promiseaudit export --format csv -o register.csv`` writes one row per promise:
   promise_id, deal_id, customer, rep, category, promise (the quote), source, page, due,
   status, review_state, then the empty columns delivered_on, quantity, value, reference
   and description.
2. The delivery team fills in ``delivered_on`` (YYYY-MM-DD) for what was delivered and,
   where they apply, ``quantity`` (how many: 40 gateways), ``value`` (a measurement:
   99.95 for uptime), ``reference`` (ticket or task id) and ``description``. ``category``
   comes filled in with the promise's category; they may correct it. A promise delivered
   in parts gets one row per delivery (copy the row). Rows left unfilled (no
   delivered_on, quantity, value or reference) are skipped by the import.
3. ``promiseaudit deliveries import register.csv`` reads the rows through the canonical
   delivery columns (deal_id, category, delivered_on, description, quantity, value,
   reference, promise_id) and ignores the others. ``promise_id`` links each record to its
   promise explicitly, so nothing is left to automatic matching.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Optional

from dateutil.relativedelta import relativedelta

from .imports import spreadsheet_cell
from .models import AuditData, Deal, Promise, Verdict
from .report.formatting import (
    REVIEW_LABELS,
    DateFormatter,
    category_label,
    shorten,
    status_label,
)

# Filled in by the delivery team; the names are the delivery import's canonical columns.
FILL_IN_COLUMNS = ("delivered_on", "quantity", "value", "reference", "description")
REGISTER_COLUMNS = (
    "promise_id", "deal_id", "customer", "rep", "category", "promise", "source", "page",
    "due", "status", "review_state",
) + FILL_IN_COLUMNS

RECURRENCE_STEPS = {
    "daily": relativedelta(days=1),
    "weekly": relativedelta(weeks=1),
    "biweekly": relativedelta(weeks=2),
    "monthly": relativedelta(months=1),
    "quarterly": relativedelta(months=3),
    "semiannually": relativedelta(months=6),
    "annually": relativedelta(years=1),
}
CALENDAR_HORIZON_DAYS = 366
LIMITED_SERIES = re.compile(
    r"\b(until|till|through|throughout|during|for the first|for (\w+|\d+) (weeks|months|years))\b",
    re.I,
)


def _rows(data: AuditData):
    """(promise, verdict, deal) for every audited promise, by deal, due date and id."""
    rows = []
    for p in data.promises:
        v = data.verdicts.get(p.id)
        if v is None or p.review_state == "rejected":
            continue
        rows.append((p, v, data.deals.get(p.deal_id)))
    rows.sort(key=lambda r: (r[0].deal_id or "", _due(r[0], r[1]) or date.max, r[0].id or ""))
    return rows


def _due(p: Promise, v: Verdict) -> Optional[date]:
    return v.due if v.due is not None else p.due


def export_csv(data: AuditData) -> str:
    """The promise register as CSV, with empty columns for the delivery team to fill in
    (see the module docstring for the round trip through ``deliveries import``). Text
    that a spreadsheet would run as a formula is written with an apostrophe in front."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REGISTER_COLUMNS)
    for p, v, deal in _rows(data):
        due = _due(p, v)
        writer.writerow([spreadsheet_cell(cell) for cell in (
            p.id, p.deal_id, (deal and deal.customer) or "", (deal and deal.rep) or "",
            p.category, p.text, p.source, p.page, due.isoformat() if due else "",
            status_label(v.status), REVIEW_LABELS.get(p.review_state, p.review_state),
            "", "", "", "", "",
        )])
    return out.getvalue()


def _deal_dict(deal: Deal) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in deal.__dict__.items()}


def export_json(data: AuditData) -> str:
    """Every audited promise with its deal and verdict, the deals and the proposals read,
    as JSON with one record per line (dates as YYYY-MM-DD; stable order)."""
    promises = []
    for p, v, deal in _rows(data):
        item = p.to_dict()
        item["customer"] = deal.customer if deal else None
        item["rep"] = deal.rep if deal else None
        item["verdict"] = v.to_dict()
        promises.append(item)
    counts: dict = {}
    for item in promises:
        status = item["verdict"]["status"]
        counts[status] = counts.get(status, 0) + 1
    # One record per line: readable, diff-friendly, and fast (json's C encoder only runs
    # without indent).
    def block(items) -> str:
        if not items:
            return "[]"
        return "[\n" + ",\n".join("    " + json.dumps(i, ensure_ascii=False) for i in items) \
            + "\n  ]"

    documents = [{k: v for k, v in d.__dict__.items() if k != "ingested_at"}
                 for d in sorted(data.documents, key=lambda d: d.id)]
    return (
        "{\n"
        f'  "as_of": {json.dumps(data.as_of.isoformat())},\n'
        f'  "counts": {json.dumps(dict(sorted(counts.items())))},\n'
        f'  "promises": {block(promises)},\n'
        f'  "deals": {block([_deal_dict(d) for _, d in sorted(data.deals.items())])},\n'
        f'  "documents": {block(documents)}\n'
        "}\n"
    )


def _checkin_dates(p: Promise, v: Verdict, deal: Optional[Deal], as_of: date) -> list[date]:
    """Future occurrences of a recurring check-in: the audit's own, continued by the
    recurrence up to the contract end (or a year ahead when the end is not recorded).
    A series the quote limits ("weekly calls until go-live") is not continued: the audit
    knows where it ends."""
    dates = {o.due for o in v.occurrences if o.due >= as_of and o.status in ("pending", "at_risk")}
    step = RECURRENCE_STEPS.get(p.recurrence or "")
    known = sorted(o.due for o in v.occurrences)
    last = known[-1] if known else v.due
    if step is None or last is None or LIMITED_SERIES.search(p.text):
        return sorted(dates)
    limit = as_of + timedelta(days=CALENDAR_HORIZON_DAYS)
    if deal and deal.ends_on:
        limit = min(limit, deal.ends_on)
    # Count from the audit's last occurrence, so the audit's dates stay authoritative, and
    # multiply the step so month ends do not drift (31 Jan, 28 Feb, 31 Mar).
    n, day = 0, last
    while day <= limit and n < 1000:
        if day >= as_of:
            dates.add(day)
        n += 1
        day = last + step * n
    return sorted(dates)


def _fold(line: str) -> bytes:
    """One content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character.

    icalendar folds character by character, which took seconds for ten thousand events;
    values are still encoded (escaped) by icalendar's own property types.
    """
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return raw
    parts, start, limit = [], 0, 75
    while start < len(raw):
        end = min(start + limit, len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:
            end -= 1
        parts.append(raw[start:end])
        start, limit = end, 74  # a continuation line starts with one space
    return b"\r\n ".join(parts)


def export_ics(data: AuditData, date_format: str = "%Y-%m-%d") -> bytes:
    """Due dates as an iCalendar file: one all-day event per promise due date and per
    future occurrence of a recurring check-in. A one-off promise's UID is its promise id,
    so when its due date moves (a go-live recorded later) re-importing the file moves the
    event instead of adding one; a recurring check-in's occurrences add their date.
    DTSTAMP is the audit date, so the same data always gives the same file and a later
    audit counts as the newer version of each event."""
    fmt = DateFormatter(date_format)
    events = []
    for p, v, deal in _rows(data):
        if v.status in ("waived", "superseded"):
            continue
        if p.category == "check_in" and p.recurrence:
            days = _checkin_dates(p, v, deal, data.as_of)
        else:
            due = _due(p, v)
            days = [due] if due else []
        recurring = p.category == "check_in" and bool(p.recurrence)
        for day in days:
            uid = f"{p.id}-{day:%Y%m%d}" if recurring else f"{p.id}"
            events.append((day, uid, p, v, deal))
    events.sort(key=lambda e: (e[0], e[1]))
    out = []
    for day, uid, p, v, deal in events:
        customer = (deal.customer if deal else None) or p.deal_id or "Customer"
        lines = [f"\u201c{p.text}\u201d", f"Status on {fmt(data.as_of)}: {status_label(v.status)}"]
        if v.reason:
            lines.append(v.reason)
        lines += [
            f"Due {fmt(day)}" + (f" ({v.due_basis})" if v.due_basis else ""),
            f"Deal {p.deal_id}" + (f", rep {deal.rep}" if deal and deal.rep else ""),
            f"From {p.source}, page {p.page}",
        ]
        out.append(CalendarEvent(uid, day, f"{customer}: {shorten(p.text, 70)}",
                                 "\n".join(lines), category_label(p.category)))
    return calendar_file("Promise due dates", data.as_of, out)


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event of an .ics file. uid: without the "@promiseaudit" domain."""

    uid: str
    day: date
    summary: str
    description: str
    category: str


def calendar_file(name: str, stamp_day: date, events) -> bytes:
    """An iCalendar file of all-day events, in the order given. DTSTAMP is ``stamp_day``
    (the audit date), so the same data always gives the same file and a later export
    counts as the newer version of each event."""
    from icalendar import vDate, vDatetime, vText

    stamp = vDatetime(datetime.combine(stamp_day, time(0, 0), tzinfo=timezone.utc)).to_ical()
    stamp_line = b"DTSTAMP:" + stamp

    def text(field: str, value: str) -> bytes:
        return _fold(f"{field}:{vText(value).to_ical().decode('utf-8')}")

    out = [b"BEGIN:VCALENDAR", b"VERSION:2.0",
           f"PRODID:-//promiseaudit//{name}//EN".encode("utf-8"), b"CALSCALE:GREGORIAN",
           text("X-WR-CALNAME", name)]
    for e in events:
        out += [
            b"BEGIN:VEVENT",
            text("UID", f"{e.uid}@promiseaudit"),
            stamp_line,
            b"DTSTART;VALUE=DATE:" + vDate(e.day).to_ical(),
            b"DTEND;VALUE=DATE:" + vDate(e.day + timedelta(days=1)).to_ical(),
            text("SUMMARY", e.summary),
            text("DESCRIPTION", e.description),
            text("CATEGORIES", e.category),
            b"TRANSP:TRANSPARENT",
            b"END:VEVENT",
        ]
    out.append(b"END:VCALENDAR")
    return b"\r\n".join(out) + b"\r\n"


def plan_uid(deal_id: str, key: str, day: Optional[date] = None) -> str:
    """A touch point's calendar id: the deal, what it is and, for one of a series, its
    date. A one-off touch point keeps its id when its date moves (go-live recorded
    later), so re-importing the plan moves the event instead of adding a second one."""
    deal = re.sub(r"[^A-Za-z0-9]+", "-", deal_id).strip("-") or "deal"
    return f"plan-{deal}-{key}" + (f"-{day:%Y%m%d}" if day is not None else "")


def export_plan(plan, date_format: str = "%Y-%m-%d") -> bytes:
    """A deal's after-sale plan (``audit.plan.touch_points``) as an iCalendar file: one
    all-day event per touch point, saying what it is for and which promises to review."""
    fmt = DateFormatter(date_format)
    deal = plan.deal
    customer = deal.customer or deal.deal_id
    events = []
    for t in plan.points:
        lines = [fmt.in_text(t.about)] if t.about else []
        if t.review:
            lines.append("What to review:")
            lines += [f"- {shorten(quote, 120)} ({fmt.in_text(when)})" for quote, when in t.review]
        lines += [t.source, f"Deal {deal.deal_id}" + (f", rep {deal.rep}" if deal.rep else "")]
        uid = plan_uid(deal.deal_id, t.key, t.day if t.repeats else None)
        events.append(CalendarEvent(uid, t.day, f"{customer}: {t.title}", "\n".join(lines),
                                    "Check-in"))
    return calendar_file(f"After-sale plan: {customer}", plan.start, events)

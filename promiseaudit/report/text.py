"""The pre-call brief as a plain-text table for the terminal (fixed width, no colours)."""
from __future__ import annotations

import textwrap
from datetime import date
from typing import Optional

from ..models import AuditData
from .formatting import DateFormatter, shorten
from .views import brief_context

WIDTH = 78
STATUS_COL = 11


def _wrap(text: str, indent: int, first: str = "") -> list[str]:
    pad = " " * indent
    return textwrap.wrap(text, WIDTH, initial_indent=(first or pad).ljust(indent),
                         subsequent_indent=pad, break_on_hyphens=False) or [first.rstrip()]


def _heading(title: str) -> list[str]:
    return ["", title.upper(), "-" * WIDTH]


def _row(status: str, when: str, text: str, when_width: int) -> list[str]:
    lead = f"{status:<{STATUS_COL}}{when:<{when_width}}"
    return _wrap(text, len(lead), lead)


def _date_width(fmt: DateFormatter) -> int:
    """Room for the longest date in the user's format, plus two spaces."""
    longest = max(len(fmt(date(2027, month, 28))) for month in range(1, 13))
    return max(longest, len("No date yet")) + 2


def brief_text(data: AuditData, deal_id: Optional[str] = None, customer: Optional[str] = None,
               date_format: str = "%Y-%m-%d") -> str:
    """The pre-call brief as fixed-width text: what we promised, what is done, what is
    late or due soon, the next check-in and talking points for each problem."""
    fmt = DateFormatter(date_format)
    ctx = brief_context(data, deal_id, customer, fmt)
    t = ctx["totals"]
    dw = _date_width(fmt)
    indent = STATUS_COL + dw
    lines = [f"PRE-CALL BRIEF: {ctx['title']}", f"As of {ctx['as_of']}", "=" * WIDTH]
    for d in ctx["deals"]:
        lines.append(f"Deal {d['deal_id']}   Rep: {d['rep']}")
        lines.append(f"  Signed: {d['signed']}   Go-live: {d['go_live']}   Ends: {d['ends']}")
    c = t["counts"]
    lines.append("")
    lines += _wrap(
        f"{t['total']} promises: {c['kept']} kept, {c['late']} late, {c['broken']} broken, "
        f"{c['at_risk']} at risk, {c['pending'] + c['open']} still to come"
        + (f", {c['waived']} waived" if c["waived"] else "")
        + (f". {t['candidates']} not yet reviewed." if t["candidates"] else "."), 0)

    lines += _heading("Talk about these first")
    if not ctx["problems"]:
        lines.append("Nothing is broken, late or at risk.")
    for it in ctx["problems"]:
        flag = " (not yet reviewed)" if it.candidate else ""
        lines += _row(it.status_label.upper(), it.due_text,
                      f"\u201c{shorten(it.quote, 160)}\u201d{flag}", dw)
        detail = [it.reason] + it.figures
        for text in detail:
            lines += _wrap(text, indent)
        for point in it.talking:
            lines += _wrap(point, indent + 2, " " * indent + "> ")
        lines.append("")

    lines += _heading("Next check-in")
    nc = ctx["next_checkin"]
    if nc:
        lines += _row("", nc["when"], f"{shorten(nc['item'].quote, 120)} ({nc['in_days']})",
                      dw)
    else:
        lines.append("No check-in is coming up in the proposal.")

    lines += _heading(f"Due in the next {ctx['soon_days']} days")
    if not ctx["soon"]:
        lines.append("Nothing else falls due in that time.")
    for s in ctx["soon"]:
        lines += _row(s["item"].status_label, s["when"], shorten(s["item"].quote, 120), dw)

    lines += _heading("Done")
    if not ctx["done"]:
        lines.append("Nothing is recorded as delivered yet.")
    for it in ctx["done"]:
        lines += _row("Kept", it.due_text, shorten(it.quote, 120), dw)
    for it in ctx["waived"]:
        lines += _row("Waived", it.due_text, shorten(it.quote, 120), dw)
    unread = [d for d in ctx["documents"] if not d["ok"]]
    if unread:
        lines += _heading("Proposals not read")
        for d in unread:
            lines += _wrap(f"{d['name']}: {d['outcome_label']}. {d['advice']}", 2, "- ")
    return "\n".join(line.rstrip() for line in lines) + "\n"

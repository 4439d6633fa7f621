"""Plain-text reports (fixed width, no colours): the pre-call brief for the terminal and
the weekly report as the plain part of its e-mail."""
from __future__ import annotations

import textwrap
from datetime import date
from typing import Optional

from ..models import AuditData
from .formatting import DateFormatter, shorten
from .views import brief_context, weekly_context

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


def _weekly_entry(it, when: str, note: str, detail: bool, dw: int) -> list[str]:
    lead = f"{it.status_label.upper()}{' (not yet reviewed)' if it.candidate else ''}"
    lines = _row(lead if len(lead) < STATUS_COL else it.status_label.upper(), when,
                 f"{it.customer} · {it.deal_id} · {it.category_label} · Owner: {it.rep}", dw)
    indent = STATUS_COL + dw
    if len(lead) >= STATUS_COL:
        lines += _wrap("Not yet reviewed", indent)
    if note:
        lines += _wrap(note, indent)
    lines += _wrap(f"\u201c{it.quote}\u201d", indent)
    if detail:
        for text in [it.reason] + it.figures:
            lines += _wrap(text, indent)
    lines += _wrap(it.location, indent)
    return lines + [""]


def weekly_text(data: AuditData, week_start: date, week_end: date,
                date_format: str = "%Y-%m-%d", rep: Optional[str] = None) -> str:
    """The weekly report as fixed-width text (the plain part of the e-mail): the same
    sections as the HTML, in the same order. ``rep`` as in ``weekly_report``."""
    fmt = DateFormatter(date_format)
    return weekly_text_of(weekly_context(data, week_start, week_end, fmt, rep=rep), fmt)


def weekly_text_of(ctx: dict, fmt: DateFormatter) -> str:
    """``weekly_text`` of a weekly report's context (``views.weekly_context`` or
    ``weekly_context_stored``), its dates written by ``fmt``."""
    dw = _date_width(fmt)
    title = f"WEEKLY PROMISE REPORT{' FOR ' + ctx['owner'].upper() if ctx['owner'] else ''}"
    lines = [title, f"{ctx['week_label']}: {ctx['start']} to {ctx['end']}", "=" * WIDTH]
    lines += _wrap(f"Audited as of {ctx['as_of']}. " + (
        f"Compared with the audit of {ctx['previous_as_of']}." if ctx["has_previous"] else
        "No earlier audit was stored, so changes will show from next week."), 0)
    t = ctx["totals"]
    lines += _wrap(
        f"{ctx['broke_count']} broke this week, {ctx['upcoming_count']} due or at risk in the "
        f"next two weeks, {ctx['kept_count']} kept this week, {ctx['changes_count']} changed "
        f"since last week. {ctx['scope']}: {t['rate_text']} of the {t['due']} promises that "
        "have fallen due were kept on time"
        + (f"; {t['candidates']} {'promises are' if t['candidates'] != 1 else 'promise is'} "
           "not yet reviewed." if t["candidates"] else "."), 0)

    lines += _heading(f"What broke this week ({ctx['broke_count']})")
    for it in ctx["broke"]:
        lines += _weekly_entry(it, it.due_text, "", True, dw)
    if not ctx["broke"]:
        lines.append("Nothing broke this week.")
    if ctx["broke_more"]:
        lines += _wrap(ctx["broke_more"], 0)
    lines += _heading(f"Due or at risk in the next two weeks ({ctx['upcoming_count']})")
    for u in ctx["upcoming"]:
        lines += _weekly_entry(u["item"], u["when"], u["note"], False, dw)
    if not ctx["upcoming"]:
        lines.append("Nothing is due or at risk in the next two weeks.")
    if ctx["upcoming_more"]:
        lines += _wrap(ctx["upcoming_more"], 0)
    lines += _heading(f"Kept this week ({ctx['kept_count']})")
    for k in ctx["kept"]:
        note = "; ".join(x for x in (k["note"], k["item"].held) if x)
        lines += _weekly_entry(k["item"], k["when"], note, False, dw)
    if not ctx["kept"]:
        lines.append("Nothing was recorded as delivered this week.")
    if ctx["kept_more"]:
        lines += _wrap(ctx["kept_more"], 0)
    lines += _heading(f"What changed since last week ({ctx['changes_count']})")
    if not ctx["has_previous"]:
        lines += _wrap("No earlier audit was stored, so there is nothing to compare with "
                       "yet. Next week's report will show what changed.", 0)
    for c in ctx["changes"]:
        it = c["item"]
        lines += _wrap(f"{c['before_label']} -> {c['after_label']}: {it.customer} "
                       f"({it.deal_id}, owner {it.rep}): {shorten(it.quote, 120)}", 2, "- ")
    if ctx["changes_more"]:
        lines += _wrap(ctx["changes_more"], 0)
    if ctx["has_previous"] and not ctx["changes"]:
        lines.append("No promise changed status since last week.")
    if ctx["gone"]:
        n = ctx["gone"]
        lines += _wrap(f"{n} promise{'s' if n != 1 else ''} from last week's audit "
                       f"{'are' if n != 1 else 'is'} no longer checked (rejected in review or "
                       "removed).", 0)
    lines += ["", "-" * WIDTH]
    lines += _wrap("Kept: delivered on time. Late: delivered after the due date. Broken: not "
                   "delivered by the due date, or the level was missed. At risk: due soon "
                   "with nothing delivered. Quotes are copied word for word from the "
                   "proposals. Made by promiseaudit.", 0)
    # One blank line between sections, however the entries ended.
    lines = [line.rstrip() for i, line in enumerate(lines)
             if line.strip() or (i and lines[i - 1].strip())]
    return "\n".join(lines) + "\n"

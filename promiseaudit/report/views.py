"""What each report shows, worked out from ``AuditData`` (templates only lay it out).

``Item`` is one promise with its verdict and deal in display form. The ``*_context``
functions pick and order items for a report; every list is sorted so two renders of the
same data are identical.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Callable, Iterable, Optional

from ..errors import PromiseAuditError
from ..models import AuditData, Deal, Promise, Verdict
from .charts import bar_width, trend_chart
from .formatting import (
    DUE_STATUSES,
    NOT_RECORDED,
    OUTCOME_ADVICE,
    OUTCOME_LABELS,
    REVIEW_LABELS,
    STATUS_HELP,
    STATUS_LABELS,
    STATUS_ORDER,
    category_label,
    display_quote,
    number,
    percent,
    plural,
    rate_of,
    shorten,
    status_label,
)
from .talking import figure_lines, held_counts, held_figures, talking_points

SOON_DAYS = 14
# The pre-call brief fits on one printed page (A4 or Letter): the worst problems get a
# card with talking points, the rest of each list a line, then "and N more".
BRIEF_CARDS = 3
BRIEF_LINES = 3
BRIEF_LIST = 3
BRIEF_DEALS = 3
BRIEF_QUOTE = 200
RECENT_OCCURRENCES = 8
PROBLEM_STATUSES = ("broken", "at_risk")
FAR = date.max


@dataclass(frozen=True)
class ReportFilters:
    """Which promises a report covers. ``since``: only promises due on or after it."""

    rep: Optional[str] = None
    deal: Optional[str] = None
    customer: Optional[str] = None
    since: Optional[date] = None
    quiet_days: int = 30  # a live deal with no contact for longer has "gone quiet"

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.rep, self.deal, self.customer, self.since))


def _same(a: Optional[str], b: Optional[str]) -> bool:
    return (a or "").strip().casefold() == (b or "").strip().casefold()


class Item:
    """One promise, its verdict and its deal, ready to show."""

    def __init__(self, promise: Promise, verdict: Verdict, deal: Optional[Deal],
                 fmt: Callable, as_of: date):
        self.promise, self.verdict, self.deal = promise, verdict, deal
        self.fmt, self.as_of = fmt, as_of
        self.id = promise.id or ""
        self.deal_id = promise.deal_id or ""
        self.customer = (deal.customer if deal else None) or NOT_RECORDED
        self.rep = (deal.rep if deal else None) or NOT_RECORDED
        self.category = promise.category
        self.category_label = category_label(promise.category)
        self.status = verdict.status
        self.status_label = status_label(verdict.status)
        self.due = verdict.due if verdict.due is not None else promise.due
        ongoing = promise.threshold is not None or promise.recurrence is not None
        self.due_text = fmt(self.due, "Ongoing" if ongoing and self.status != "open"
                            else "No date yet")
        self.due_basis = fmt.in_text(verdict.due_basis) if hasattr(fmt, "in_text") \
            else verdict.due_basis
        self.reason = (fmt.in_text(verdict.reason) if hasattr(fmt, "in_text")
                       else verdict.reason) or NOT_RECORDED
        self.rule = verdict.rule
        # Shown with the PDF's line breaks joined; promise.text stays the stored quote.
        self.quote = display_quote(promise.text)
        self.source = promise.source or NOT_RECORDED
        self.page = promise.page
        self.candidate = promise.review_state == "candidate"
        self.review_label = REVIEW_LABELS.get(promise.review_state, promise.review_state)
        self.soft = promise.strength == "soft"
        self.condition = promise.condition or ""
        self.days_late = verdict.days_late
        self.sort_key = (STATUS_ORDER.get(self.status, 99), self.due or FAR,
                         self.customer.casefold(), self.deal_id, self.id)

    @cached_property
    def short(self) -> str:
        return shorten(self.quote, 90)

    @cached_property
    def line(self) -> str:
        """The quote cut to one line of a two-column list (the brief)."""
        return shorten(self.quote, 60)

    @cached_property
    def late_note(self) -> str:
        """ "9 days late" for a late promise (empty otherwise or when not known)."""
        n = self.days_late
        return f"{n} day{'s' if n != 1 else ''} late" if self.status == "late" and n else ""

    @cached_property
    def figures(self) -> list[str]:
        return figure_lines(self.promise, self.verdict)

    @cached_property
    def evidence(self) -> list[dict]:
        return [self._evidence(e) for e in self.verdict.evidence]

    @cached_property
    def _decided(self) -> tuple[list, list]:
        decided, upcoming = [], []
        for o in sorted(self.verdict.occurrences, key=lambda o: o.due):
            (upcoming if o.status == "pending" else decided).append(o)
        return decided, upcoming

    @property
    def _recent(self) -> int:
        # Summing up fewer than three earlier ones would save no space.
        decided = len(self._decided[0])
        return decided if decided <= RECENT_OCCURRENCES + 2 else RECENT_OCCURRENCES

    @cached_property
    def occurrences(self) -> list[dict]:
        """The latest occurrences that have fallen due, then the next one to come."""
        decided, upcoming = self._decided
        shown = decided[-self._recent:] + upcoming[:1]
        return [{"due": self.fmt(o.due), "status": o.status, "status_label": status_label(o.status),
                 "detail": self.fmt.in_text(o.detail) if hasattr(self.fmt, "in_text")
                 else o.detail, "evidence": [self._evidence(e) for e in o.evidence]}
                for o in shown]

    @cached_property
    def earlier_occurrences(self) -> str:
        """ "69 earlier: 1 kept, 68 broken" for a long series (empty when all are shown)."""
        earlier = self._decided[0][:-self._recent]
        if not earlier:
            return ""
        counts: dict[str, int] = {}
        for o in earlier:
            counts[o.status] = counts.get(o.status, 0) + 1
        parts = [f"{n} {status_label(s).lower()}" for s, n in
                 sorted(counts.items(), key=lambda kv: STATUS_ORDER.get(kv[0], 99))]
        return f"{len(earlier)} earlier: " + ", ".join(parts)

    @cached_property
    def later_occurrences(self) -> str:
        """ "and 38 more to come, the last on 2028-02-28" (empty when none)."""
        later = sorted(o.due for o in self.verdict.occurrences if o.status == "pending")[1:]
        if not later:
            return ""
        return f"and {len(later)} more to come, the last on {self.fmt(later[-1])}"

    @cached_property
    def held(self) -> str:
        counts = held_figures(self.verdict.figures or {}) or held_counts(self.verdict)
        return f"{number(counts[0])} of {number(counts[1])} held" if counts else ""

    @cached_property
    def talking(self) -> list[str]:
        shown = self.promise if self.quote == self.promise.text else \
            self.promise.with_(text=self.quote)
        return talking_points(shown, self.verdict, self.as_of, self.fmt)

    @cached_property
    def done_note(self) -> str:
        """When a kept promise was done: "due 14 Feb; delivered 10 Feb", "2 of 2 held"."""
        if self.verdict.occurrences:
            nxt = self.next_occurrence(self.as_of)
            return self.held + (f"; next due {self.fmt(nxt.due)}" if nxt else "")
        if self.done_on is None:
            return f"due {self.due_text}"
        return f"due {self.due_text}; delivered {self.fmt(self.done_on)}"

    @cached_property
    def done_short(self) -> str:
        """The brief's note on a kept promise: "delivered 10 Feb", "2 of 2 held"."""
        if self.verdict.occurrences or self.done_on is None:
            return self.done_note
        return f"delivered {self.fmt(self.done_on)}"

    @cached_property
    def done_on(self) -> Optional[date]:
        """The day a one-off promise was delivered: a quantity when its last part arrived,
        anything else with its first record."""
        dates = sorted(e.date for e in self.verdict.evidence if e.date)
        if not dates:
            return None
        return dates[-1] if "delivered" in self.verdict.figures else dates[0]

    @cached_property
    def location(self) -> str:
        return f"{self.source}, page {self.page}" if self.page else self.source

    def _evidence(self, e) -> dict:
        amounts = []
        if e.quantity is not None:
            amounts.append(f"{number(e.quantity)} {plural(self.promise.unit, e.quantity)}".strip())
        if e.value is not None:
            unit = self.promise.threshold_unit
            amounts.append(f"{number(e.value)}%" if unit in ("%", "percent")
                           else f"{number(e.value)} {plural(unit, e.value)}".strip())
        link = e.link or ""
        why = ""
        if link == "explicit":
            how = "Linked by hand"
        elif link.startswith("auto"):
            how, why = "Matched automatically", link.partition(":")[2].strip()
        elif link.startswith("rule:"):
            how, why = "Linked by a remembered rule", link.partition(":")[2].strip()
        else:
            how = link
        return {"date": self.fmt(e.date), "description": e.description or NOT_RECORDED,
                "amounts": ", ".join(amounts), "reference": e.reference, "source": e.source,
                "how": how, "why": why}

    def next_occurrence(self, after: date, statuses=("pending", "at_risk")):
        """The first occurrence due on or after ``after`` that is still to come."""
        for o in sorted(self.verdict.occurrences, key=lambda o: o.due):
            if o.due >= after and o.status in statuses:
                return o
        return None


def build_items(data: AuditData, fmt: Callable, deal_ids: Optional[set] = None) -> list[Item]:
    """Every audited promise (rejected ones and ones without a verdict left out), of the
    deals ``deal_ids`` when given."""
    items = []
    for p in data.promises:
        if deal_ids is not None and p.deal_id not in deal_ids:
            continue
        v = data.verdicts.get(p.id)
        if v is None or p.review_state == "rejected":
            continue
        items.append(Item(p, v, data.deals.get(p.deal_id), fmt, data.as_of))
    return items


def apply_filters(items: list[Item], data: AuditData, filters: ReportFilters) -> list[Item]:
    """Items matching the filters; PromiseAuditError when a filter names nobody."""
    deals = list(data.deals.values())
    if filters.deal is not None and filters.deal not in data.deals:
        raise PromiseAuditError(
            f"No deal '{filters.deal}' in the ledger; run `promiseaudit deals list` to see "
            "the deal ids"
        )
    if filters.rep is not None and not any(_same(d.rep, filters.rep) for d in deals):
        raise PromiseAuditError(
            f"No rep '{filters.rep}' on any deal in the ledger; run `promiseaudit deals list` "
            "to see who owns each deal"
        )
    if filters.customer is not None and not any(_same(d.customer, filters.customer)
                                                for d in deals):
        raise PromiseAuditError(
            f"No customer '{filters.customer}' in the ledger; run `promiseaudit deals list` "
            "to see the customers"
        )
    out = []
    for it in items:
        deal = it.deal
        if filters.deal is not None and it.deal_id != filters.deal:
            continue
        if filters.rep is not None and not (deal and _same(deal.rep, filters.rep)):
            continue
        if filters.customer is not None and not (deal and _same(deal.customer, filters.customer)):
            continue
        if filters.since is not None and (it.due is None or it.due < filters.since):
            continue
        out.append(it)
    return out


def tally(items: Iterable[Item]) -> dict:
    """Counts by status, the kept rate over promises fallen due, and unreviewed count."""
    counts = {s: 0 for s in STATUS_LABELS}
    candidates = 0
    for it in items:
        counts[it.status] = counts.get(it.status, 0) + 1
        candidates += it.candidate
    due = sum(counts[s] for s in DUE_STATUSES)
    rate = rate_of(counts["kept"], due)
    return {"counts": counts, "due": due, "kept": counts["kept"], "rate": rate,
            "rate_text": percent(rate), "bar": bar_width(rate),
            "total": sum(counts.values()), "candidates": candidates}


def breakdown(items: list[Item], key: Callable[[Item], str]) -> list[dict]:
    """Kept-rate rows grouped by ``key`` (rep, customer, category), sorted by name."""
    groups: dict[str, list[Item]] = {}
    for it in items:
        groups.setdefault(key(it), []).append(it)
    rows = []
    for name in sorted(groups, key=lambda n: (n == NOT_RECORDED, n.casefold())):
        t = tally(groups[name])
        rows.append({"name": name, **t})
    return rows


def document_rows(data: AuditData, deal_ids: Optional[set]) -> list[dict]:
    rows = []
    for d in sorted(data.documents, key=lambda d: (d.deal_id or "", d.name.casefold(), d.id)):
        if deal_ids is not None and d.deal_id not in deal_ids:
            continue
        parsed = d.outcome == "parsed"
        if parsed:
            found = (f"{d.promise_count} promise{'s' if d.promise_count != 1 else ''}"
                     if d.promise_count else "No promises found")
        else:
            found = "Not read, so not checked"
        rows.append({
            "name": d.name, "deal_id": d.deal_id or NOT_RECORDED, "kind": d.kind.upper(),
            "pages": d.pages if parsed else "", "outcome": d.outcome,
            "outcome_label": OUTCOME_LABELS.get(d.outcome, d.outcome),
            "advice": OUTCOME_ADVICE.get(d.outcome, ""), "detail": d.outcome_detail,
            "found": found, "ok": parsed,
        })
    return rows


def legend() -> list[dict]:
    return [{"status": s, "label": STATUS_LABELS[s], "help": STATUS_HELP[s]}
            for s in sorted(STATUS_LABELS, key=STATUS_ORDER.get)]


def _split_review(items: list[Item]) -> dict:
    return {"confirmed": [i for i in items if not i.candidate],
            "candidates": [i for i in items if i.candidate], "count": len(items)}


def _history_for(items: list, data: AuditData) -> tuple:
    """Counts by status per audit date, for the filtered promises only."""
    by_date: dict = {}
    for it in items:
        for day, status in data.status_history.get(it.id, ()):
            counts = by_date.setdefault(day, {})
            counts[status] = counts.get(status, 0) + 1
    return tuple(sorted((day, dict(sorted(c.items()))) for day, c in by_date.items()))


def manager_context(data: AuditData, filters: ReportFilters, fmt: Callable) -> dict:
    items = sorted(apply_filters(build_items(data, fmt), data, filters), key=lambda i: i.sort_key)
    deal_ids = {d.deal_id for d in data.deals.values()
                if (filters.deal is None or d.deal_id == filters.deal)
                and (filters.rep is None or _same(d.rep, filters.rep))
                and (filters.customer is None or _same(d.customer, filters.customer))}
    narrowed = any(v is not None for v in (filters.deal, filters.rep, filters.customer))
    doc_deals: Optional[set] = deal_ids if narrowed else None
    shown = []
    if filters.rep:
        shown.append(f"Rep: {filters.rep}")
    if filters.customer:
        shown.append(f"Customer: {filters.customer}")
    if filters.deal:
        shown.append(f"Deal: {filters.deal}")
    if filters.since:
        shown.append(f"Promises due on or after {fmt(filters.since)}")
    problems = {s: _split_review([i for i in items if i.status == s]) for s in PROBLEM_STATUSES}
    documents = document_rows(data, doc_deals)
    return {
        "as_of": fmt(data.as_of),
        "filters": shown,
        "totals": tally(items),
        "deal_count": len(deal_ids),
        "by_rep": breakdown(items, lambda i: i.rep),
        "by_customer": breakdown(items, lambda i: i.customer),
        "by_category": breakdown(items, lambda i: i.category_label),
        "trend": trend_chart(_history_for(items, data) if filters.active
                             and data.status_history else data.history, fmt),
        "trend_covers_all": filters.active and not data.status_history,
        "broken": problems["broken"],
        "at_risk": problems["at_risk"],
        "others": [i for i in items if i.status not in PROBLEM_STATUSES],
        "documents": documents,
        "unread": sum(1 for d in documents if not d["ok"]),
        "legend": legend(),
        "quiet": gone_quiet(data, items, fmt, filters.quiet_days, deal_ids),
        "quiet_days": filters.quiet_days,
    }


# --- gone quiet -----------------------------------------------------------------------

QUIET_DAYS = 30


def gone_quiet(data: AuditData, items: list, fmt: Callable, limit: int = QUIET_DAYS,
               deal_ids: Optional[set] = None) -> list[dict]:
    """Deals nobody has been in touch with for longer than ``limit`` days, from go-live
    until the contract ends: "N days since last contact", the rep, and the next promised
    touch point if any. Silence is counted from the last recorded contact (a check-in,
    meeting, review, training or ticket reply), or from go-live when none came after it."""
    from ..audit.contact import last_contacts

    contacts = last_contacts(data.deals, data.deliveries, data.as_of)
    out = []
    for deal_id, deal in sorted(data.deals.items()):
        if deal_ids is not None and deal_id not in deal_ids:
            continue
        live = deal.go_live_on
        if live is None or live > data.as_of or (deal.ends_on and deal.ends_on < data.as_of):
            continue
        contact = contacts.get(deal_id)
        since = max(live, contact.on) if contact else live
        silent = (data.as_of - since).days
        if silent <= limit:
            continue
        touch = None
        for it in items:
            if it.deal_id != deal_id or it.category != "check_in" or it.status in ("waived", "superseded"):
                continue
            nxt = it.next_occurrence(data.as_of) if it.verdict.occurrences else None
            when = nxt.due if nxt is not None else (it.due if it.due and it.due >= data.as_of else None)
            if when is not None and (touch is None or when < touch[0]):
                touch = (when, it)
        if contact is None:
            last = f"no contact recorded since go-live ({fmt(live)})"
        else:
            last = f"last contact {fmt(contact.on)} ({contact.how}: {contact.record.description.strip()})"
        out.append({
            "deal_id": deal_id, "customer": deal.customer or deal_id, "rep": deal.rep or "",
            "days": (data.as_of - (contact.on if contact else live)).days, "since_go_live": contact is None or contact.on < live,
            "last": last,
            "next": (f"{fmt(touch[0])}: {touch[1].short}" if touch else "no touch point promised"),
        })
    out.sort(key=lambda q: (-q["days"], q["customer"].casefold()))
    return out


# --- weekly ---------------------------------------------------------------------------


def _in(day: Optional[date], start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def report_reps(data: AuditData) -> list[str]:
    """The reps who own audited promises, sorted by name; "" stands for deals with no
    rep recorded (listed last, when there are any)."""
    names: dict[str, str] = {}
    for p in data.promises:
        if p.id not in data.verdicts or p.review_state == "rejected":
            continue
        deal = data.deals.get(p.deal_id)
        rep = ((deal.rep if deal else None) or "").strip()
        names.setdefault(rep.casefold(), rep)
    return sorted(names.values(), key=lambda n: (n == "", n.casefold()))


def weekly_context(data: AuditData, start: date, end: date, fmt: Callable,
                   rep: Optional[str] = None, quiet_days: int = QUIET_DAYS) -> dict:
    """What the weekly report shows. ``rep``: only that rep's deals ("" for the deals
    with no rep recorded); None for every deal."""
    if end < start:
        raise PromiseAuditError(
            f"The week ends ({end.isoformat()}) before it starts ({start.isoformat()}); "
            "give the Monday first"
        )
    items = build_items(data, fmt)
    if rep is not None:
        items = [i for i in items if _same(i.deal.rep if i.deal else None, rep)]
    items = sorted(items, key=lambda i: i.sort_key)
    prev = data.previous or {}
    horizon = end + timedelta(days=SOON_DAYS)

    broke = []
    for it in items:
        if it.status != "broken":
            continue
        occ_broke = any(o.status == "broken" and _in(o.due, start, end)
                        for o in it.verdict.occurrences)
        if _in(it.due, start, end) or occ_broke or (prev and prev.get(it.id) != "broken"):
            broke.append(it)

    upcoming = []
    for it in items:
        if it.status in ("kept", "late", "waived", "superseded"):
            continue
        when, status = None, it.status
        if it.verdict.occurrences:
            occ = it.next_occurrence(end + timedelta(days=1))
            if occ is not None:
                when, status = occ.due, occ.status
        elif it.status in ("pending", "at_risk", "open"):
            when = it.due
        if (when is not None and end < when <= horizon) or it.status == "at_risk":
            # One status per promise in every report: the badge is the promise's own;
            # the next period's state is said in words beside it.
            note = "" if status == it.status else f"next period: {status_label(status).lower()}"
            upcoming.append((when or it.due or FAR, it, note))
    upcoming.sort(key=lambda p: (p[0], p[1].customer.casefold(), p[1].id))

    kept = []
    for it in items:
        dates, status = [], it.status
        if it.status in ("kept", "late") and not it.verdict.occurrences and _in(
                it.done_on, start, end):
            dates = [it.done_on]
        for o in it.verdict.occurrences:
            if o.status in ("kept", "late"):
                seen = [e.date for e in o.evidence if _in(e.date, start, end)]
                if seen or _in(o.due, start, end):
                    dates.append(max(seen) if seen else o.due)
                    status = o.status
        changed = bool(prev) and it.status in ("kept", "late") and prev.get(it.id) not in (
            "kept", "late")
        if dates or changed:
            when = max(dates) if dates else None
            kept.append((when or FAR, it, fmt(when, "This week"), status))
    kept.sort(key=lambda p: (p[0], p[1].customer.casefold(), p[1].id))

    changes, gone = [], 0
    if prev:
        for it in items:
            before = prev.get(it.id)
            if before != it.status:
                changes.append({"item": it, "before": before,
                                "before_label": status_label(before) if before else "New",
                                "after_label": it.status_label})
        # A promise no longer audited has no deal to tell whose it was: counted only in
        # the report for everyone.
        current = {p.id for p in data.promises if p.id in data.verdicts
                   and p.review_state != "rejected"}
        gone = sum(1 for pid in prev if pid not in current) if rep is None else 0
    changes.sort(key=lambda c: (STATUS_ORDER.get(c["item"].status, 99),
                                c["item"].customer.casefold(), c["item"].id))
    iso = start.isocalendar()
    if rep is None:
        owner, scope = "", "Across all deals"
    elif rep:
        owner, scope = rep, f"Across {rep}'s deals"
    else:
        owner, scope = "deals with no rep recorded", "Across the deals with no rep recorded"
    return {
        "week_label": f"Week {iso.week}, {iso.year}",
        "owner": owner,
        "scope": scope,
        "for_email": False,
        "start": fmt(start), "end": fmt(end), "as_of": fmt(data.as_of),
        "horizon": fmt(horizon),
        "previous_as_of": fmt(data.previous_as_of, "") if data.previous_as_of else "",
        "has_previous": bool(prev),
        "broke": broke,
        "upcoming": [{"item": it, "when": fmt(when) if when != FAR else it.due_text,
                      "status": it.status, "label": it.status_label, "note": note}
                     for when, it, note in upcoming],
        "kept": [{"item": it, "when": text, "status": it.status, "label": it.status_label,
                  "note": "" if status == it.status else f"this period: {status_label(status).lower()}"}
                 for _, it, text, status in kept],
        "changes": changes,
        "gone": gone,
        "totals": tally(items),
        "soon_days": SOON_DAYS,
        "quiet": gone_quiet(data, items, fmt, quiet_days,
                            None if rep is None else {d.deal_id for d in data.deals.values()
                                                      if _same(d.rep, rep)}),
        "quiet_days": quiet_days,
    }


# --- pre-call brief -------------------------------------------------------------------


def select_for_brief(data: AuditData, deal_id: Optional[str],
                     customer: Optional[str]) -> list[Deal]:
    """The deals a brief covers; PromiseAuditError for an unknown deal or customer."""
    if not deal_id and not customer:
        raise PromiseAuditError("Say who the brief is for: give a deal id (--deal) or a "
                                "customer name (--customer)")
    if deal_id:
        deal = data.deals.get(deal_id)
        if deal is None:
            raise PromiseAuditError(
                f"No deal '{deal_id}' in the ledger; run `promiseaudit deals list` to see "
                "the deal ids"
            )
        if customer and not _same(deal.customer, customer):
            raise PromiseAuditError(
                f"Deal {deal_id} belongs to {deal.customer or 'no recorded customer'}, not "
                f"'{customer}'; give just the deal or just the customer"
            )
        return [deal]
    deals = sorted((d for d in data.deals.values() if _same(d.customer, customer)),
                   key=lambda d: d.deal_id)
    if not deals:
        raise PromiseAuditError(
            f"No customer '{customer}' in the ledger; run `promiseaudit deals list` to see "
            "the customers"
        )
    return deals


def brief_context(data: AuditData, deal_id: Optional[str], customer: Optional[str],
                  fmt: Callable, quiet_days: int = QUIET_DAYS) -> dict:
    deals = select_for_brief(data, deal_id, customer)
    ids = {d.deal_id for d in deals}
    items = sorted(build_items(data, fmt, ids), key=lambda i: i.sort_key)
    as_of = data.as_of
    horizon = as_of + timedelta(days=SOON_DAYS)
    problems = [i for i in items if i.status in ("broken", "at_risk", "late")]

    checkins = []
    for it in items:
        if it.category != "check_in" or it.status in ("waived", "superseded"):
            continue
        if it.verdict.occurrences:
            occ = it.next_occurrence(as_of)
            if occ is not None:
                checkins.append((occ.due, it))
        elif it.status in ("pending", "at_risk") and it.due is not None and it.due >= as_of:
            checkins.append((it.due, it))
    checkins.sort(key=lambda p: (p[0], p[1].id))
    next_checkin = None
    if checkins:
        when, it = checkins[0]
        days = (when - as_of).days
        next_checkin = {"item": it, "when": fmt(when),
                        "in_days": "today" if days == 0 else
                        f"in {days} day{'s' if days != 1 else ''}"}

    soon = []
    problem_ids = {i.id for i in problems}
    for it in items:
        if it.id in problem_ids or it.status not in ("pending", "open"):
            continue
        occ = it.next_occurrence(as_of) if it.verdict.occurrences else None
        when = occ.due if occ else (it.due if not it.verdict.occurrences else None)
        if when is not None and as_of <= when <= horizon:
            soon.append((when, it))
    soon.sort(key=lambda p: (p[0], p[1].id))

    done = [i for i in items if i.status == "kept"]
    done.sort(key=lambda i: (max((e.date for e in i.verdict.evidence if e.date),
                                 default=i.due or FAR), i.id))
    names = sorted({d.customer or NOT_RECORDED for d in deals})
    soon_rows = [{"item": it, "when": fmt(w)} for w, it in soon]
    mentioned = problem_ids | {i.id for _, i in soon} | {i.id for i in done}
    if next_checkin:
        mentioned.add(next_checkin["item"].id)
    later = sorted((i for i in items if i.id not in mentioned and i.status in (
        "pending", "open")), key=lambda i: (i.due or FAR, i.id))
    waived = [i for i in items if i.status == "waived"]
    # Broken and at-risk promises get the cards; late ones are done, so a line will do.
    cards = [i for i in problems if i.status != "late"][:BRIEF_CARDS]
    lines = [i for i in problems if i not in cards]
    return {
        "title": " / ".join(names),
        "deals": [_deal_view(d, fmt) for d in deals],
        "as_of": fmt(as_of),
        "totals": tally(items),
        "problems": problems,
        "next_checkin": next_checkin,
        "quiet": gone_quiet(data, items, fmt, quiet_days, ids),
        "quiet_days": quiet_days,
        "soon": soon_rows,
        "soon_days": SOON_DAYS,
        "done": done,
        "waived": waived,
        "items": sorted(items, key=lambda i: (i.due or FAR, i.id)),
        "documents": document_rows(data, ids),
        # The one-page HTML brief: the same lists, cut short with "and N more".
        "page": {
            "deals": _cut([_deal_view(d, fmt) for d in deals], BRIEF_DEALS, "deal"),
            "cards": [_card(i) for i in cards],
            "lines": _cut(lines, BRIEF_LINES, "promise"),
            "soon": _cut(soon_rows, BRIEF_LIST, "promise"),
            "done": _cut(done, BRIEF_LIST, "promise"),
            "later": _cut(later, BRIEF_LIST, "promise"),
            "waived": _cut(waived, 2, "promise"),
        },
    }


def _cut(rows: list, limit: int, noun: str) -> dict:
    """The first ``limit`` rows of a list and "and 3 more promises" for the rest."""
    if len(rows) <= limit:
        return {"shown": rows, "more": 0, "more_text": "", "count": len(rows)}
    more = len(rows) - limit
    return {"shown": rows[:limit], "more": more, "count": len(rows),
            "more_text": f"and {more} more {noun}{'s' if more != 1 else ''}"}


def _card(item: Item) -> dict:
    """A problem as the brief shows it: the quote cut to a few lines, two points."""
    return {"item": item, "quote": shorten(item.quote, BRIEF_QUOTE),
            "talking": item.talking[:2]}


def _deal_view(deal: Deal, fmt: Callable) -> dict:
    go_live = (fmt(deal.go_live_on) if deal.go_live_on else
               f"{fmt(deal.go_live_planned)} (planned)" if deal.go_live_planned else NOT_RECORDED)
    return {"deal_id": deal.deal_id, "customer": deal.customer or NOT_RECORDED,
            "rep": deal.rep or NOT_RECORDED, "signed": fmt(deal.signed_on),
            "kickoff": fmt(deal.kickoff_on), "go_live": go_live, "ends": fmt(deal.ends_on)}


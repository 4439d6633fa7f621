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

from ..audit.week import done_on, kept_in, next_occurrence, week_of
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
                 fmt: Callable, as_of: date, held: Optional[tuple] = None):
        """held: (held, fallen due) of a recurring promise's periods, for a verdict as an
        audit stored it, without its periods (``audit.week.week_digest``)."""
        self.promise, self.verdict, self.deal = promise, verdict, deal
        self._held = tuple(held) if held else None
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
        counts = (held_figures(self.verdict.figures or {}) or self._held
                  or held_counts(self.verdict))
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
        return done_on(self.verdict)

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
        return next_occurrence(self.verdict, after, statuses)


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
    check_filters(data.deals, filters)
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


def check_filters(by_id: dict, filters: ReportFilters) -> None:
    """PromiseAuditError when a filter names a deal, rep or customer the ledger's deals
    (``by_id``) do not have."""
    deals = list(by_id.values())
    if filters.deal is not None and filters.deal not in by_id:
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


def tally(items: Iterable[Item]) -> dict:
    """Counts by status, the kept rate over promises fallen due, and unreviewed count."""
    return tally_of((it.status, it.candidate, 1) for it in items)


def tally_of(rows: Iterable[tuple]) -> dict:
    """``tally`` of (status, unreviewed, how many) rows."""
    counts = {s: 0 for s in STATUS_LABELS}
    candidates = 0
    for status, candidate, n in rows:
        counts[status] = counts.get(status, 0) + n
        candidates += n if candidate else 0
    due = sum(counts[s] for s in DUE_STATUSES)
    rate = rate_of(counts["kept"], due)
    return {"counts": counts, "due": due, "kept": counts["kept"], "rate": rate,
            "rate_text": percent(rate), "bar": bar_width(rate),
            "total": sum(counts.values()), "candidates": candidates}


def breakdown(items: list[Item], key: Callable[[Item], str]) -> list[dict]:
    """Kept-rate rows grouped by ``key`` (rep, customer, category), sorted by name."""
    return breakdown_of((key(it), it.status, it.candidate, 1) for it in items)


def breakdown_of(rows: Iterable[tuple]) -> list[dict]:
    """``breakdown`` of (name, status, unreviewed, how many) rows."""
    groups: dict[str, list] = {}
    for name, *row in rows:
        groups.setdefault(name, []).append(row)
    return [{"name": name, **tally_of(groups[name])}
            for name in sorted(groups, key=lambda n: (n == NOT_RECORDED, n.casefold(), n))]


def document_rows(data, deal_ids: Optional[set]) -> list[dict]:
    """data: ``AuditData`` or its documents."""
    rows = []
    documents = data.documents if isinstance(data, AuditData) else data
    for d in sorted(documents, key=lambda d: (d.deal_id or "", d.name.casefold(), d.id)):
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


def _split_review(items: list[Item], limit: Optional[int] = None, noun: str = "") -> dict:
    confirmed = [i for i in items if not i.candidate]
    candidates = [i for i in items if i.candidate]
    return _review_groups(confirmed, len(confirmed), candidates, len(candidates), limit, noun)


def _review_groups(confirmed: list, n_confirmed: int, candidates: list, n_candidates: int,
                   limit: Optional[int], noun: str) -> dict:
    """A list of promises split into the confirmed and the unreviewed ones, each cut to
    ``limit`` with a line for the rest."""
    return {"confirmed": confirmed[:limit], "candidates": candidates[:limit],
            "count": n_confirmed + n_candidates, "candidates_count": n_candidates,
            "confirmed_more": more_text(n_confirmed - len(confirmed[:limit]), noun),
            "candidates_more": more_text(n_candidates - len(candidates[:limit]),
                                         f"unreviewed {noun}" if noun else "")}


# A list in a report shows at most this many rows: past that nobody reads a page, and a
# large ledger's report would take minutes to write. The rest is one line saying how to
# see it.
LIST_LIMIT = 200
# Broken and at-risk promises get a card with their evidence and periods, which a report
# made from a stored audit finds by auditing their deals again: fewer than the rows of a
# table, so that stays quick.
CARD_LIMIT = 50
NARROW = ("narrow the report with --rep, --customer or --deal, or export them all with "
          "`promiseaudit export --format csv`")


def more_text(more: int, noun: str, hint: str = NARROW) -> str:
    """ "And 12,345 more broken promises not shown: narrow the report ..." (empty when
    none are left out). noun: the singular, "broken promise"."""
    if more <= 0:
        return ""
    return f"And {number(more)} more {_plural_noun(noun, more)} not shown here: {hint}."


def _plural_noun(noun: str, n: int) -> str:
    if n == 1:
        return noun
    head, sep, tail = noun.partition(" at ")
    words = head.split(" ")
    words[-1] += "s"
    return " ".join(words) + sep + tail


def _history_for(items: list, data: AuditData) -> tuple:
    """Counts by status per audit date, for the filtered promises only."""
    by_date: dict = {}
    for it in items:
        for day, status in data.status_history.get(it.id, ()):
            counts = by_date.setdefault(day, {})
            counts[status] = counts.get(status, 0) + 1
    return tuple(sorted((day, dict(sorted(c.items()))) for day, c in by_date.items()))


def _chosen_deals(by_id: dict, filters: ReportFilters) -> set:
    return {d.deal_id for d in by_id.values()
            if (filters.deal is None or d.deal_id == filters.deal)
            and (filters.rep is None or _same(d.rep, filters.rep))
            and (filters.customer is None or _same(d.customer, filters.customer))}


def _filter_lines(filters: ReportFilters, fmt: Callable) -> list:
    shown = []
    if filters.rep:
        shown.append(f"Rep: {filters.rep}")
    if filters.customer:
        shown.append(f"Customer: {filters.customer}")
    if filters.deal:
        shown.append(f"Deal: {filters.deal}")
    if filters.since:
        shown.append(f"Promises due on or after {fmt(filters.since)}")
    return shown


def manager_context(data: AuditData, filters: ReportFilters, fmt: Callable,
                    limit: int = LIST_LIMIT, cards: int = CARD_LIMIT) -> dict:
    """limit: how many rows each table shows at most; cards: how many broken and how
    many at-risk promises get a card with their evidence."""
    items = sorted(apply_filters(build_items(data, fmt), data, filters), key=lambda i: i.sort_key)
    deal_ids = _chosen_deals(data.deals, filters)
    narrowed = any(v is not None for v in (filters.deal, filters.rep, filters.customer))
    doc_deals: Optional[set] = deal_ids if narrowed else None
    problems = {s: _split_review([i for i in items if i.status == s], cards, PROBLEM_NOUNS[s])
                for s in PROBLEM_STATUSES}
    documents = document_rows(data, doc_deals)
    others = [i for i in items if i.status not in PROBLEM_STATUSES]
    quiet = gone_quiet(data, items, fmt, filters.quiet_days, deal_ids)
    by_rep = breakdown(items, lambda i: i.rep)
    by_customer = breakdown(items, lambda i: i.customer)
    return _manager_view(
        fmt, data.as_of, filters, totals=tally(items), deal_count=len(deal_ids),
        by_rep=(by_rep[:limit], len(by_rep)), by_customer=(by_customer[:limit], len(by_customer)),
        by_category=breakdown(items, lambda i: i.category_label),
        trend=(_history_for(items, data) if filters.active and data.status_history
               else data.history),
        trend_covers_all=filters.active and not data.status_history,
        problems=problems, others=others, others_count=len(others), documents=documents,
        documents_count=len(documents), unread=sum(1 for d in documents if not d["ok"]),
        quiet=quiet, quiet_count=len(quiet), limit=limit)


PROBLEM_NOUNS = {"broken": "broken promise", "at_risk": "promise at risk"}


def _manager_view(fmt, as_of, filters, totals, deal_count, by_rep, by_customer, by_category,
                  trend, trend_covers_all, problems, others, others_count, documents,
                  documents_count, unread, quiet, quiet_count, limit) -> dict:
    """by_rep, by_customer: (the first rows, how many there are)."""
    return {
        "as_of": fmt(as_of),
        "from_audit": "",
        "filters": _filter_lines(filters, fmt),
        "totals": totals,
        "deal_count": deal_count,
        "by_rep": by_rep[0],
        "by_rep_more": more_text(by_rep[1] - len(by_rep[0]), "rep", NAMES_HINT),
        "by_customer": by_customer[0],
        "by_customer_more": more_text(by_customer[1] - len(by_customer[0]), "customer",
                                      NAMES_HINT),
        "by_category": by_category,
        "trend": trend_chart(trend, fmt),
        "trend_covers_all": trend_covers_all,
        "broken": problems["broken"],
        "at_risk": problems["at_risk"],
        "others": others[:limit],
        "others_count": others_count,
        "others_more": more_text(others_count - len(others[:limit]), "other promise"),
        "documents": documents[:limit],
        "documents_count": documents_count,
        "documents_more": more_text(documents_count - len(documents[:limit]), "proposal",
                                    "narrow the report with --rep, --customer or --deal, or "
                                    "list them all with `promiseaudit documents`"),
        "unread": unread,
        "legend": legend(),
        "quiet": quiet[:limit],
        "quiet_count": quiet_count,
        "quiet_more": more_text(quiet_count - len(quiet[:limit]), "quiet deal",
                                "narrow the report with --rep, --customer or --deal"),
        "quiet_days": filters.quiet_days,
    }


NAMES_HINT = ("narrow the report with --rep or --customer, or see every deal's figures in "
              "`promiseaudit browse` (deal_summary)")


def _stored_items(src, ids, fmt: Callable) -> tuple[dict, dict]:
    """(promise id -> Item, promise id -> week digest) of the promises ``ids`` as the
    stored audit has them (no evidence or periods: for the rows of a table, not for
    cards)."""
    stored = src.stored(ids)
    return ({pid: Item(p, v, src.deals.get(p.deal_id), fmt, src.as_of, held=week.get("held"))
             for pid, (p, v, week) in stored.items()},
            {pid: week for pid, (_, _, week) in stored.items()})


def manager_context_stored(src, filters: ReportFilters, fmt: Callable,
                           limit: int = LIST_LIMIT, cards: int = CARD_LIMIT) -> dict:
    """``manager_context`` from a stored audit (``report.stored.StoredAudit``): the
    figures counted in SQL; only the promises given a card audited again."""
    check_filters(src.deals, filters)
    deal_ids = _chosen_deals(src.deals, filters)
    narrowed = any(v is not None for v in (filters.deal, filters.rep, filters.customer))
    src.select(deal_ids if narrowed else None, filters.since)
    tallies = src.tallies()
    lists = {}
    for s in PROBLEM_STATUSES:
        for cand in (0, 1):
            lists[s, cand] = src.first("status = ? AND cand = ?", [s, cand], cards)
    audited = src.audited({i for ids in lists.values() for i in ids})
    made = {pid: Item(p, v, src.deals.get(p.deal_id), fmt, src.as_of)
            for pid, (p, v) in audited.items()}
    others_ids = src.first("status NOT IN ('broken', 'at_risk')", (), limit)
    made.update(_stored_items(src, others_ids, fmt)[0])
    n = {}
    for status, cand, count in tallies:
        n[status, bool(cand)] = n.get((status, bool(cand)), 0) + count
    problems = {s: _review_groups([made[i] for i in lists[s, 0]], n.get((s, False), 0),
                                  [made[i] for i in lists[s, 1]], n.get((s, True), 0),
                                  cards, PROBLEM_NOUNS[s]) for s in PROBLEM_STATUSES}
    quiet, quiet_count = gone_quiet_stored(src, fmt, filters.quiet_days, deal_ids, limit)
    docs, documents_count, unread = src.documents(deal_ids if narrowed else None, limit)
    by_rep = src.by_name("rep", limit)
    by_customer = src.by_name("customer", limit)
    return _manager_view(
        fmt, src.as_of, filters, totals=tally_of(tallies), deal_count=len(deal_ids),
        by_rep=(breakdown_of(by_rep[0]), by_rep[1]),
        by_customer=(breakdown_of(by_customer[0]), by_customer[1]),
        by_category=breakdown_of((category_label(c), st, cd, k) for c, st, cd, k in src.by_category()),
        trend=(src.filtered_history() if filters.active and src.has_status_history
               else src.history),
        trend_covers_all=filters.active and not src.has_status_history,
        problems=problems, others=[made[i] for i in others_ids],
        others_count=sum(k for *_, k in tallies) - sum(problems[s]["count"] for s in PROBLEM_STATUSES),
        documents=document_rows(docs, None), documents_count=documents_count, unread=unread,
        quiet=quiet, quiet_count=quiet_count, limit=limit)


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
    for deal in _live_deals(data.deals, data.as_of, deal_ids):
        contact = contacts.get(deal.deal_id)
        if _silent(deal, contact.on if contact else None, data.as_of) > limit:
            touch = _touch_point([it for it in items if it.deal_id == deal.deal_id], data.as_of)
            out.append(_quiet_row(deal, contact, touch, fmt, data.as_of))
    out.sort(key=lambda q: (-q["days"], q["customer"].casefold()))
    return out


def _live_deals(deals: dict, as_of: date, deal_ids: Optional[set]) -> list:
    """The deals (of ``deal_ids``) live on ``as_of``: gone live, contract not ended."""
    out = []
    for deal_id, deal in sorted(deals.items()):
        if deal_ids is not None and deal_id not in deal_ids:
            continue
        live = deal.go_live_on
        if live is None or live > as_of or (deal.ends_on and deal.ends_on < as_of):
            continue
        out.append(deal)
    return out


def _silent(deal: Deal, contact_on: Optional[date], as_of: date) -> int:
    """Days without contact: since the last contact, or since go-live if that is later."""
    live = deal.go_live_on
    return (as_of - (max(live, contact_on) if contact_on else live)).days


def _touch_point(items: list, as_of: date) -> Optional[tuple]:
    """(day, item) of the next promised check-in among a deal's ``items``, or None."""
    touch = None
    for it in items:
        if it.category != "check_in" or it.status in ("waived", "superseded"):
            continue
        nxt = it.next_occurrence(as_of) if it.verdict.occurrences else None
        when = nxt.due if nxt is not None else (it.due if it.due and it.due >= as_of else None)
        if when is not None and (touch is None or when < touch[0]):
            touch = (when, it)
    return touch


def _quiet_row(deal: Deal, contact, touch: Optional[tuple], fmt: Callable, as_of: date) -> dict:
    """A quiet deal as the reports show it; touch: its next touch point (``_touch_point``)."""
    live = deal.go_live_on
    if contact is None:
        last = f"no contact recorded since go-live ({fmt(live)})"
    else:
        last = f"last contact {fmt(contact.on)} ({contact.how}: {contact.record.description.strip()})"
    return {
        "deal_id": deal.deal_id, "customer": deal.customer or deal.deal_id, "rep": deal.rep or "",
        "days": (as_of - (contact.on if contact else live)).days,
        "since_go_live": contact is None or contact.on < live,
        "last": last,
        "next": (f"{fmt(touch[0])}: {touch[1].short}" if touch else "no touch point promised"),
    }


def gone_quiet_stored(src, fmt: Callable, limit: int, deal_ids: Optional[set],
                      rows: int) -> tuple[list, int]:
    """``gone_quiet`` from a stored audit (``StoredAudit``, its promises selected): the
    first ``rows`` quiet deals and how many there are. Silence comes from the records
    in SQL, touch points from the stored audit; only the deals shown are read."""
    as_of = src.as_of
    live = _live_deals(src.deals, as_of, deal_ids)
    last = src.last_contact_days(d.deal_id for d in live)
    quiet = []
    for deal in live:
        on = last.get(deal.deal_id)
        if _silent(deal, on, as_of) > limit:
            quiet.append(((as_of - (on or deal.go_live_on)).days, deal))
    quiet.sort(key=lambda q: (-q[0], (q[1].customer or q[1].deal_id).casefold()))
    shown = [deal for _, deal in quiet[:rows]]
    checkins = src.touch_points(d.deal_id for d in shown)
    stored = src.stored(pid for ids in checkins.values() for pid in ids)
    out = []
    for deal in shown:
        touch = None
        for pid in checkins.get(deal.deal_id, ()):
            p, v, week = stored[pid]
            nxt = week.get("from") if week.get("occ") else None
            due = v.due or p.due
            when = date.fromisoformat(nxt) if nxt else (due if due and due >= as_of else None)
            if when is not None and (touch is None or when < touch[0]):
                touch = (when, pid)
        if touch is not None:
            p, v, week = stored[touch[1]]
            touch = (touch[0], Item(p, v, src.deals.get(p.deal_id), fmt, as_of))
        out.append(_quiet_row(deal, src.last_contact(deal.deal_id), touch, fmt, as_of))
    return out, len(quiet)


# --- weekly ---------------------------------------------------------------------------


def _in(day: Optional[date], start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def report_reps(data: AuditData) -> list[str]:
    """The reps who own audited promises, sorted by name; "" stands for deals with no
    rep recorded (listed last, when there are any)."""
    return _rep_names(data.deals.get(p.deal_id) for p in data.promises
                      if p.id in data.verdicts and p.review_state != "rejected")


def report_reps_stored(src) -> list[str]:
    """``report_reps`` from a stored audit (``report.stored.StoredAudit``): the reps of
    the deals whose promises it audited."""
    src.select(week=True)
    return _rep_names(src.deals.get(deal_id) for (deal_id,) in src.rows(
        "SELECT DISTINCT deal_id FROM report_rows ORDER BY deal_id"))


def _rep_names(deals: Iterable) -> list[str]:
    """The reps of ``deals`` (in order, None for a deal not known) as ``report_reps``
    gives them: each name as first written, compared regardless of case."""
    names: dict[str, str] = {}
    for deal in deals:
        rep = ((deal.rep if deal else None) or "").strip()
        names.setdefault(rep.casefold(), rep)
    return sorted(names.values(), key=lambda n: (n == "", n.casefold()))


def weekly_context(data: AuditData, start: date, end: date, fmt: Callable,
                   rep: Optional[str] = None, quiet_days: int = QUIET_DAYS,
                   limit: int = LIST_LIMIT, cards: int = CARD_LIMIT) -> dict:
    """What the weekly report shows. ``rep``: only that rep's deals ("" for the deals
    with no rep recorded); None for every deal. limit: rows each list shows at most;
    cards: rows of what broke (shown with their reason and figures)."""
    _check_week(start, end)
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
            upcoming.append((when or it.due, it, status))
    upcoming.sort(key=lambda p: (p[0] or FAR, p[1].customer.casefold(), p[1].id))

    kept = []
    for it in items:
        dates, status = [], it.status
        if it.status in ("kept", "late") and not it.verdict.occurrences and _in(
                it.done_on, start, end):
            dates = [it.done_on]
        if it.verdict.occurrences:
            dates, status = kept_in(it.verdict, start, end)
        changed = bool(prev) and it.status in ("kept", "late") and prev.get(it.id) not in (
            "kept", "late")
        if dates or changed:
            kept.append((max(dates) if dates else None, it, status))
    kept.sort(key=lambda p: (p[0] or FAR, p[1].customer.casefold(), p[1].id))

    changes, gone = [], 0
    if prev:
        changes = [(prev.get(it.id), it) for it in items if prev.get(it.id) != it.status]
        # A promise no longer audited has no deal to tell whose it was: counted only in
        # the report for everyone.
        current = {p.id for p in data.promises if p.id in data.verdicts
                   and p.review_state != "rejected"}
        gone = sum(1 for pid in prev if pid not in current) if rep is None else 0
    changes.sort(key=lambda c: (STATUS_ORDER.get(c[1].status, 99), c[1].customer.casefold(), c[1].id))
    quiet = gone_quiet(data, items, fmt, quiet_days,
                       None if rep is None else {d.deal_id for d in data.deals.values()
                                                 if _same(d.rep, rep)})
    return _weekly_view(
        fmt, start, end, data.as_of, data.previous_as_of, bool(prev), rep,
        broke=(broke, len(broke)), upcoming=(upcoming, len(upcoming)), kept=(kept, len(kept)),
        changes=(changes, len(changes)), gone=gone, totals=tally(items),
        quiet=(quiet, len(quiet)), quiet_days=quiet_days, limit=limit, cards=cards)


def _check_week(start: date, end: date) -> None:
    if end < start:
        raise PromiseAuditError(
            f"The week ends ({end.isoformat()}) before it starts ({start.isoformat()}); "
            "give the Monday first"
        )


def _weekly_view(fmt, start, end, as_of, previous_as_of, has_previous, rep, broke, upcoming,
                 kept, changes, gone, totals, quiet, quiet_days, limit, cards) -> dict:
    """The weekly report's context. broke, upcoming, kept, changes and quiet: (the list,
    or its first rows, in order; how many there are)."""
    iso = start.isocalendar()
    if rep is None:
        owner, scope = "", "Across all deals"
    elif rep:
        owner, scope = rep, f"Across {rep}'s deals"
    else:
        owner, scope = "deals with no rep recorded", "Across the deals with no rep recorded"
    cut = {}
    for name, (rows, count), noun in (
            ("broke", broke, "broken promise"), ("upcoming", upcoming, "promise due or at risk"),
            ("kept", kept, "kept promise"), ("changes", changes, "changed promise"),
            ("quiet", quiet, "quiet deal")):
        rows = rows[:cards if name == "broke" else limit]
        cut[name] = rows
        cut[f"{name}_count"] = count
        cut[f"{name}_more"] = more_text(count - len(rows), noun, WEEKLY_NARROW)
    return {
        "week_label": f"Week {iso.week}, {iso.year}",
        "owner": owner,
        "scope": scope,
        "for_email": False,
        "from_audit": "",
        "start": fmt(start), "end": fmt(end), "as_of": fmt(as_of),
        "horizon": fmt(end + timedelta(days=SOON_DAYS)),
        "previous_as_of": fmt(previous_as_of, "") if previous_as_of else "",
        "has_previous": has_previous,
        **cut,
        # One status per promise in every report: the badge is the promise's own; the
        # next period's state is said in words beside it.
        "upcoming": [{"item": it, "when": fmt(when) if when else it.due_text,
                      "status": it.status, "label": it.status_label,
                      "note": "" if status == it.status else f"next period: {status_label(status).lower()}"}
                     for when, it, status in cut["upcoming"]],
        "kept": [{"item": it, "when": fmt(when, "This week"), "status": it.status,
                  "label": it.status_label,
                  "note": "" if status == it.status else f"this period: {status_label(status).lower()}"}
                 for when, it, status in cut["kept"]],
        "changes": [{"item": it, "before": before,
                     "before_label": status_label(before) if before else "New",
                     "after_label": it.status_label} for before, it in cut["changes"]],
        "gone": gone,
        "totals": totals,
        "soon_days": SOON_DAYS,
        "quiet_days": quiet_days,
    }


WEEKLY_NARROW = ("see them all in `promiseaudit report` (by rep with --rep), or export them "
                 "with `promiseaudit export --format csv`")


def weekly_context_stored(src, start: date, end: date, fmt: Callable,
                          quiet_days: int = QUIET_DAYS, limit: int = LIST_LIMIT,
                          cards: int = CARD_LIMIT, rep: Optional[str] = None) -> dict:
    """``weekly_context`` from a stored audit of the week's as-of date
    (``report.stored.StoredAudit``): lists chosen in SQL with the week's digest of each
    verdict (``audit.week``); the rows from the stored verdicts, only the deals of what
    broke audited again. ``rep`` as in ``weekly_context``."""
    _check_week(start, end)
    if (start, end) != week_of(src.as_of):
        raise PromiseAuditError(
            f"A report made from the stored audit of {src.as_of.isoformat()} covers the week "
            f"of that day; leave out --from-audit for the week {start.isoformat()} to "
            f"{end.isoformat()}")
    deal_ids = None if rep is None else {d.deal_id for d in src.deals.values() if _same(d.rep, rep)}
    src.select(deal_ids, week=True)
    has_prev = bool(src.previous and src.previous["counts"])
    # ISO dates written into the SQL: they are made here, never typed by anyone.
    s, e = f"'{start.isoformat()}'", f"'{end.isoformat()}'"
    horizon = f"'{(end + timedelta(days=SOON_DAYS)).isoformat()}'"
    occ = "w_occ"
    changed_from = "(prev IS NULL OR prev != status)"
    broke_where = (f"status = 'broken' AND ((due BETWEEN {s} AND {e}) OR w_broke "
                   f"{'OR ' + changed_from if has_prev else ''})")
    when = (f"CASE WHEN {occ} THEN w_next "
            "WHEN status IN ('pending', 'at_risk', 'open') THEN due END")
    up_where = (f"status NOT IN ('kept', 'late', 'waived', 'superseded') AND "
                f"((({when}) > {e} AND ({when}) <= {horizon}) OR status = 'at_risk')")
    kept_day = (f"CASE WHEN {occ} THEN w_kept WHEN status IN "
                f"('kept', 'late') AND w_done BETWEEN {s} AND {e} "
                "THEN w_done END")
    changed = ("status IN ('kept', 'late') AND (prev IS NULL OR prev NOT IN ('kept', 'late'))"
               if has_prev else "0")
    kept_where = f"({kept_day}) IS NOT NULL OR ({changed})"
    lists = {
        "broke": (src.first(broke_where, (), cards), src.count(broke_where)),
        "upcoming": (src.first(up_where, (), limit,
                               f"coalesce({when}, due) IS NULL, coalesce({when}, due), crank, id"),
                     src.count(up_where)),
        "kept": (src.first(kept_where, (), limit, f"({kept_day}) IS NULL, ({kept_day}), crank, id"),
                 src.count(kept_where)),
        "changes": ((src.first(changed_from, (), limit, "srank, crank, id"), src.count(changed_from))
                    if has_prev else ([], 0)),
    }
    # What broke is shown with its figures, which need the verdict's evidence and periods.
    broke = {pid: Item(p, v, src.deals.get(p.deal_id), fmt, src.as_of)
             for pid, (p, v) in src.audited(lists["broke"][0]).items()}
    wanted = {pid for name, (ids, _) in lists.items() if name != "broke" for pid in ids}
    made, weeks = _stored_items(src, wanted, fmt)
    upcoming = []
    for pid in lists["upcoming"][0]:
        it, week, status, when = made[pid], weeks[pid], made[pid].status, None
        if week.get("occ"):
            if week["next"]:
                when, status = date.fromisoformat(week["next"][0]), week["next"][1]
        elif it.status in ("pending", "at_risk", "open"):
            when = it.due
        upcoming.append((when or it.due, it, status))
    kept = []
    for pid in lists["kept"][0]:
        it, week = made[pid], weeks[pid]
        when, status = None, it.status
        if week.get("occ"):
            if week["kept"]:
                when, status = date.fromisoformat(week["kept"][0]), week["kept"][1]
        elif it.status in ("kept", "late") and week.get("done") and _in(
                date.fromisoformat(week["done"]), start, end):
            when = date.fromisoformat(week["done"])
        kept.append((when, it, status))
    prev_of = dict(src.rows("SELECT id, prev FROM report_rows WHERE id IN ({})".format(
        ",".join("?" * len(lists["changes"][0]))), lists["changes"][0])) if lists["changes"][0] else {}
    quiet = gone_quiet_stored(src, fmt, quiet_days, deal_ids, limit)
    return _weekly_view(
        fmt, start, end, src.as_of,
        date.fromisoformat(src.previous["as_of"]) if src.previous else None, has_prev, rep,
        broke=([broke[i] for i in lists["broke"][0]], lists["broke"][1]),
        upcoming=(upcoming, lists["upcoming"][1]), kept=(kept, lists["kept"][1]),
        changes=([(prev_of.get(i), made[i]) for i in lists["changes"][0]], lists["changes"][1]),
        gone=src.gone_count() if has_prev and rep is None else 0,
        totals=tally_of(src.tallies()), quiet=quiet, quiet_days=quiet_days, limit=limit,
        cards=cards)


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


"""Matching delivery records to the promises they fulfil.

A record linked explicitly (its promise_id) always goes to that promise. Otherwise the
candidates are the promises of the same deal in the same or a related category; each
gets a score from 0 to 1:

    0.3 x category fit (1 same category, 0.5-0.7 related)
  + 0.5 x wording: shared words between the record and the promise, each word weighted
        by how few of the deal's candidate promises contain it (1 - 0.5 ** weight)
  + 0.2 x date fit: before or near the due date, inside a recurring promise's span
  +/- 0.15 when the record carries a measurement and the promise is (not) a measured one

The best candidate is taken when it reaches ``min_match_score`` and beats the runner-up
by ``min_match_lead``; otherwise the record is ambiguous (its candidates are listed and
nothing is guessed). Help-desk tickets with timestamps are shared: one ticket counts
toward every response or fix-time promise of its deal that it fits (priority, wording).
Work is grouped by deal, so the time grows with the number of records, not with
records x promises.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Mapping, Optional, Sequence

from ..models import Deal, Delivery, Promise
from .due import resolve_due
from .measure import is_timed
from .settings import AuditSettings
from .words import promise_priority, record_priority, stem, tokens

W_CATEGORY, W_TEXT, W_DATE, W_KIND = 0.3, 0.5, 0.2, 0.15
EARLY_GRACE_DAYS = 30
_RELATED = {
    frozenset(("service_level", "support")): 0.7,
    frozenset(("delivery", "training")): 0.5,
    frozenset(("delivery", "check_in")): 0.5,
    frozenset(("delivery", "warranty")): 0.5,
    frozenset(("support", "warranty")): 0.5,
    frozenset(("training", "check_in")): 0.5,
}
TICKET_CATEGORIES = ("support", "service_level", "warranty")
_GENERIC = frozenset(stem(w) for w in (
    "request", "incident", "ticket", "issue", "support", "problem", "case", "query",
    "question", "email", "enquiry", "defect", "bug", "error", "fault", "outage"))


@dataclass(frozen=True)
class Match:
    """Where one delivery record goes.

    promise_id: the promise it counts toward, or None (no candidate, or ambiguous).
    score (0-1) and reason: why, in words. ambiguous: several promises fit about
    equally well; candidates lists them (best first). A shared help-desk ticket lists in
    candidates every time promise it counts toward.
    """

    delivery_id: int
    promise_id: Optional[str]
    score: float
    reason: str
    ambiguous: bool = False
    candidates: tuple = ()


def affinity(record_category: str, promise_category: str) -> float:
    """How well a record's category fits a promise's: 1 same, 0.5-0.7 related, 0 not."""
    if record_category == promise_category:
        return 1.0
    return _RELATED.get(frozenset((record_category, promise_category)), 0.0)


@dataclass
class _Cand:
    promise: Promise
    pid: str
    tokens: dict
    due: Optional[date]
    recurring: bool
    timed: bool
    priority: Optional[int]
    generic: bool


class Matcher:
    """An index of the promises by deal and category, built once per audit."""

    def __init__(self, promises: Sequence[Promise], deals: Optional[Mapping] = None,
                 settings: Optional[AuditSettings] = None):
        self.settings = settings or AuditSettings()
        self.deals = deals or {}
        self.known = {p.id for p in promises if p.id is not None}
        by_deal: dict = {}
        for p in sorted((p for p in promises if p.review_state != "rejected"),
                        key=lambda p: p.id or ""):
            by_deal.setdefault(p.deal_id, []).append(p)
        self.by_deal = {d: self._index(d, ps) for d, ps in by_deal.items()}

    def _index(self, deal_id, promises) -> dict:
        deal = self.deals.get(deal_id)
        # The customer's name is in many promises and records: it says nothing about which.
        stop = frozenset(re.findall(r"[a-z0-9]+", (deal.customer or "").lower())
                         if deal else ())
        cands = []
        for p in promises:
            due, _ = resolve_due(p, deal, self.settings)
            toks = tokens(f"{p.text} {p.unit or ''}", stop)
            cands.append(_Cand(p, p.id or "", toks, due, bool(p.recurrence), is_timed(p),
                               promise_priority(p.text), bool(_GENERIC & toks.keys())))
        return {"deal": deal, "stop": stop, "cands": cands, "by_category": {}, "cache": {}}

    def _for_category(self, index: dict, category: str) -> tuple:
        """(candidates with their category fit, word weights) for a record category."""
        got = index["by_category"].get(category)
        if got is None:
            fits = [(c, affinity(category, c.promise.category)) for c in index["cands"]]
            fits = [(c, a) for c, a in fits if a > 0]
            df: dict = {}
            for c, _ in fits:
                for t in c.tokens:
                    df[t] = df.get(t, 0) + 1
            got = index["by_category"][category] = (fits, df)
        return got

    # --- shared help-desk tickets -------------------------------------------------------

    def timed_promises(self, d: Delivery) -> list:
        """Response/fix-time promises of the deal a ticket with timestamps counts toward."""
        if d.opened_at is None or d.value is not None:
            return []
        index = self.by_deal.get(d.deal_id)
        if index is None:
            return []
        level = record_priority(d.priority)
        words = None
        out = []
        for c in index["cands"]:
            if not c.timed or affinity(d.category, c.promise.category) == 0:
                continue
            if c.priority is not None and level is not None and c.priority != level:
                continue
            if not c.generic and c.priority is None:
                if words is None:
                    words = tokens(d.description, index["stop"])
                if not (words.keys() & c.tokens.keys()):
                    continue
            out.append(c)
        # Priority-specific promises first, then by id, so the primary link is stable.
        out.sort(key=lambda c: (c.priority is None, c.pid))
        return [c.pid for c in out]

    # --- one record -----------------------------------------------------------------------

    def match(self, d: Delivery, delivery_id: int) -> Match:
        if d.promise_id:
            return Match(delivery_id, d.promise_id, 1.0, "linked explicitly")
        index = self.by_deal.get(d.deal_id)
        if index is None:
            return Match(delivery_id, None, 0.0, f"no promises recorded for deal {d.deal_id}")
        shared = self.timed_promises(d)
        if shared:
            pri = f" ({d.priority})" if d.priority else ""
            return Match(delivery_id, shared[0], 0.9,
                         f"help-desk ticket{pri} with timestamps; counts toward every "
                         f"response or fix-time promise of deal {d.deal_id} it fits: "
                         f"{', '.join(shared)}", False, tuple(shared))
        deal = index["deal"]
        if (deal and deal.signed_on and d.delivered_on
                and d.delivered_on < deal.signed_on - timedelta(days=EARLY_GRACE_DAYS)):
            return Match(delivery_id, None, 0.0,
                         f"dated {d.delivered_on.isoformat()}, long before deal {d.deal_id} "
                         f"was signed ({deal.signed_on.isoformat()})")
        scored = self._score(index, d)
        if not scored:
            return Match(delivery_id, None, 0.0, f"no promise of deal {d.deal_id} in category "
                                                 f"{d.category} or a related one")
        return self._decide(scored, delivery_id)

    def _text_fits(self, index: dict, d: Delivery) -> list:
        key = (d.category, d.description)
        got = index["cache"].get(key)
        if got is None:
            fits, df = self._for_category(index, d.category)
            words = tokens(d.description, index["stop"])
            got = []
            for c, aff in fits:
                shared = [t for t in words if t in c.tokens]
                weight = sum(1.0 / df[t] for t in shared)
                got.append((c, aff, 1.0 - 0.5 ** weight, [words[t] for t in shared]))
            index["cache"][key] = got
        return got

    def _score(self, index: dict, d: Delivery) -> list:
        out = []
        for c, aff, text, shared in self._text_fits(index, d):
            fit, when = _date_fit(c, d.delivered_on)
            kind, kind_words = _kind_fit(c, d)
            score = W_CATEGORY * aff + W_TEXT * text + W_DATE * fit + kind
            score = round(min(1.0, max(0.0, score)), 3)
            out.append((score, c, aff, shared, when, kind_words))
        out.sort(key=lambda t: (-t[0], t[1].pid))
        return out

    def _decide(self, scored: list, delivery_id: int) -> Match:
        s = self.settings
        best, c, aff, shared, when, kind = scored[0]
        runner = scored[1][0] if len(scored) > 1 else 0.0
        if best >= s.min_match_score and best - runner >= s.min_match_lead - 1e-9:
            return Match(delivery_id, c.pid, best, _reason(c, aff, shared, when, kind))
        close = [t for t in scored if t[0] >= s.min_match_score and best - t[0] < s.min_match_lead]
        if best >= s.min_match_score:
            names = ", ".join(f"{t[1].pid} ({t[0]:.2f})" for t in close)
            return Match(delivery_id, None, best,
                         f"{len(close)} promises fit about equally well: {names}", True,
                         tuple(t[1].pid for t in close))
        top = tuple(t[1].pid for t in scored[:3] if t[0] > 0)
        return Match(delivery_id, None, best,
                     f"best guess {c.pid} scored {best:.2f}, below the "
                     f"{s.min_match_score:.2f} needed ({_reason(c, aff, shared, when, kind)})",
                     False, top)


def _date_fit(c: _Cand, day: Optional[date]) -> tuple:
    if day is None:
        return 0.5, ""
    if c.recurring:
        return 1.0, ""
    if c.due is None:
        return 0.6, ""
    gap = (day - c.due).days
    if gap <= 0:
        return (1.0 if gap >= -365 else 0.6), "on time"
    return max(0.2, 1.0 - gap / 90.0), f"{gap} days after the due date"


def _kind_fit(c: _Cand, d: Delivery) -> tuple:
    if d.value is None:
        return 0.0, ""
    p = c.promise
    if p.threshold is None:
        return -W_KIND, ""
    if p.threshold_unit == "%" and not 0 <= d.value <= 100:
        return 0.0, ""
    return W_KIND, "carries a measurement"


def _reason(c: _Cand, aff: float, shared: list, when: str, kind: str) -> str:
    cat = c.promise.category
    parts = ["same deal", f"category {cat}" if aff == 1.0 else f"related category {cat}"]
    if shared:
        quoted = ", ".join(f"'{w}'" for w in shared)
        parts.append(f"{len(shared)} shared word{'s' if len(shared) > 1 else ''}: {quoted}")
    else:
        parts.append("no shared words")
    if kind:
        parts.append(kind)
    if when:
        parts.append(when)
    return ", ".join(parts)


def match_deliveries(promises: Sequence[Promise], deliveries: Sequence[Delivery],
                     deals: Optional[Mapping] = None,
                     settings: Optional[AuditSettings] = None) -> list:
    """One Match per delivery record, sorted by delivery id.

    deals (dict): deal id -> Deal, for due dates and the customer's name (left out of
        the wording comparison). Without it only due dates stated in proposals are used.
    A record with no id gets its position in ``deliveries`` as delivery_id.
    """
    matcher = Matcher(promises, deals, settings)
    out = [matcher.match(d, d.id if d.id is not None else i) for i, d in enumerate(deliveries)]
    out.sort(key=lambda m: m.delivery_id)
    return out

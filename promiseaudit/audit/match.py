"""Matching delivery records to the promises they fulfil.

A dismissed record (a person said it fulfils no promise) goes nowhere. A record linked
explicitly (its promise_id) always goes to that promise. A record of the same shape as
one a person linked with ``--remember`` (a ``LinkRule``: same deal, export and category,
same description once numbers, dates and ids are generalised) goes to that rule's
promise. Otherwise the candidates are the promises of the same deal in the same or a
related category; each gets a score from 0 to 1:

    0.3 x category fit (1 same category, 0.5-0.7 related)
  + 0.5 x wording: 0.6 x (1 - 0.5 ** w), w = the shared words between record and
        promise, each weighted by 1 / the number of the deal's candidate promises that
        contain it; + 0.4 x the share of the record's words found in the promise
  + 0.2 x date fit: before or near the due date, inside a recurring promise's span
  +/- 0.15 when the record carries a measurement and the promise is (not) a measured one
        (+0.1 more when both measure the same thing: availability, response, resolution)
  + 0.15 when the record's priority tier is the one the promise names

A record measuring something else than the promise (reply minutes against an uptime
promise), or of another tier ("Low" against "Normal priority requests"), is ruled out.

The best candidate is taken when it reaches ``min_match_score`` and beats the runner-up
by ``min_match_lead``; otherwise the record is ambiguous (its candidates are listed and
nothing is guessed). Help-desk tickets with timestamps are shared: one ticket counts
toward every response or fix-time promise of its deal that it fits (priority, wording).
Work is grouped by deal, so the time grows with the number of records, not with
records x promises.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Mapping, Optional, Sequence

from ..models import Delivery, LinkRule, Promise
from .due import resolve_due
from ..tiers import is_request_not_incident
from .measure import is_timed, kind_of, tier_of, value_for
from .settings import AuditSettings
from .words import description_pattern, stem, tokens

W_CATEGORY, W_TEXT, W_DATE, W_KIND, W_TIER = 0.3, 0.5, 0.2, 0.15, 0.15
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
EXPLICIT = "linked explicitly"


@dataclass(frozen=True)
class Match:
    """Where one delivery record goes.

    promise_id: the promise it counts toward, or None (no candidate, or ambiguous).
    score (0-1) and reason: why, in words. ambiguous: several promises fit about
    equally well; candidates lists them (best first). A shared help-desk ticket lists in
    candidates every time promise it counts toward.
    kind: "manual" (linked by hand or in the imported file), "rule" (a remembered link,
    ``rule_id``), "auto", "ambiguous", "unmatched" or "dismissed"; worked out from the
    other fields when not given.
    """

    delivery_id: int
    promise_id: Optional[str]
    score: float
    reason: str
    ambiguous: bool = False
    candidates: tuple = ()
    kind: str = ""
    rule_id: Optional[int] = None

    def __post_init__(self):
        if not self.kind:
            kind = ("ambiguous" if self.ambiguous else "unmatched" if self.promise_id is None
                    else "manual" if self.reason == EXPLICIT else "auto")
            object.__setattr__(self, "kind", kind)


_new = object.__new__


def _made(delivery_id: int, promise_id: Optional[str], score: float, reason: str,
          ambiguous: bool = False, candidates: tuple = (), kind: str = "",
          rule_id: Optional[int] = None) -> Match:
    """Match(...) for the matcher's million records: the same object, its fields filled
    in directly rather than one by one through a frozen dataclass's __init__."""
    if not kind:
        kind = ("ambiguous" if ambiguous else "unmatched" if promise_id is None
                else "manual" if reason == EXPLICIT else "auto")
    m = _new(Match)
    m.__dict__.update(delivery_id=delivery_id, promise_id=promise_id, score=score,
                      reason=reason, ambiguous=ambiguous, candidates=candidates, kind=kind,
                      rule_id=rule_id)
    return m


def affinity(record_category: str, promise_category: str) -> float:
    """How well a record's category fits a promise's: 1 same, 0.5-0.7 related, 0 not."""
    if record_category == promise_category:
        return 1.0
    return _RELATED.get(frozenset((record_category, promise_category)), 0.0)


class _Cand:
    __slots__ = ("promise", "pid", "tokens", "due", "recurring", "timed", "priority",
                 "generic", "measured", "incidents", "availability")

    def __init__(self, promise: Promise, tokens_: dict, due: Optional[date]):
        self.promise = promise
        self.pid = promise.id or ""
        self.tokens = tokens_
        self.due = due
        self.recurring = bool(promise.recurrence)
        self.timed = is_timed(promise)
        self.priority = promise.tier
        self.generic = bool(_GENERIC & tokens_.keys())
        self.measured = promise.threshold is not None
        self.incidents = bool(promise.about_incidents)
        self.availability = promise.measures == "availability"


class _DealIndex:
    __slots__ = ("deal", "stop", "cands", "timed", "incidents", "by_category", "cache")

    def __init__(self, deal, stop, cands):
        self.deal, self.stop, self.cands = deal, stop, cands
        self.timed = [c for c in cands if c.timed]
        self.incidents = any(c.incidents for c in cands)
        self.by_category: dict = {}
        self.cache: dict = {}


class MatchCache:
    """What matching learns about wordings (their words, a record's priority tier,
    whether a ticket is a request rather than an incident), kept across the Matchers of
    one audit run deal by deal; ``trim`` bounds it."""

    __slots__ = ("words", "levels", "requests")

    def __init__(self):
        self.words: dict = {}
        self.levels: dict = {}
        self.requests: dict = {}

    def trim(self, limit: int = 200_000) -> None:
        """Forget everything once more than ``limit`` wordings are kept."""
        if len(self.words) + len(self.levels) + len(self.requests) > limit:
            self.words.clear()
            self.levels.clear()
            self.requests.clear()


class Matcher:
    """An index of the promises by deal and category, built once per audit (or once per
    deal, sharing a ``MatchCache``)."""

    def __init__(self, promises: Sequence[Promise], deals: Optional[Mapping] = None,
                 settings: Optional[AuditSettings] = None, rules: Sequence[LinkRule] = (),
                 cache: Optional["MatchCache"] = None):
        self.settings = settings or AuditSettings()
        self.deals = deals or {}
        cache = cache if cache is not None else MatchCache()
        self._words = cache.words
        self._levels = cache.levels
        self._requests = cache.requests
        by_deal: dict = {}
        for p in sorted((p for p in promises if p.review_state != "rejected"),
                        key=lambda p: p.id or ""):
            by_deal.setdefault(p.deal_id, []).append(p)
        self.by_deal = {d: self._index(d, ps) for d, ps in by_deal.items()}
        # A rule counts only for a promise being audited; the oldest rule of a shape wins.
        known = {p.id for p in promises if p.review_state != "rejected"}
        self.rules: dict = {}
        for r in sorted(rules, key=lambda r: r.id):
            if r.promise_id in known:
                self.rules.setdefault((r.deal_id, r.export_key, r.category, r.pattern), r)
        self._rule_sources = {k[:3] for k in self.rules}

    def _tokens(self, text: str, stop: frozenset) -> dict:
        got = self._words.get(text)
        if got is None:
            got = self._words[text] = tokens(text)
        if stop and not stop.isdisjoint(got):
            return {k: v for k, v in got.items() if k not in stop}
        return got

    def _index(self, deal_id, promises) -> _DealIndex:
        deal = self.deals.get(deal_id)
        # The customer's name is in many promises and records: it says nothing about which.
        stop = frozenset(tokens(deal.customer or "")) if deal else frozenset()
        cands = [_Cand(p, self._tokens(f"{p.text} {p.unit or ''}", stop),
                       resolve_due(p, deal, self.settings)[0]) for p in promises]
        return _DealIndex(deal, stop, cands)

    def _for_category(self, index: _DealIndex, category: str) -> tuple:
        """(candidates with their category fit, word weights) for a record category: a
        word weighs 1 / the number of those candidates that contain it."""
        got = index.by_category.get(category)
        if got is None:
            fits = [(c, affinity(category, c.promise.category)) for c in index.cands]
            fits = [(c, a) for c, a in fits if a > 0]
            df: dict = {}
            for c, _ in fits:
                for t in c.tokens:
                    df[t] = df.get(t, 0) + 1
            got = index.by_category[category] = (fits, {t: 1.0 / n for t, n in df.items()})
        return got

    def _level(self, d: Delivery):
        key = (d.priority, d.description)
        got = self._levels.get(key, -1)
        if got == -1:
            got = self._levels[key] = tier_of(d)
        return got

    def _request(self, d: Delivery) -> bool:
        """Whether a ticket is a question or a request, not an incident (by wording)."""
        key = (d.record_type, d.description)
        got = self._requests.get(key)
        if got is None:
            got = self._requests[key] = is_request_not_incident(d.record_type, d.description)
        return got

    # --- shared help-desk tickets -------------------------------------------------------

    def timed_promises(self, d: Delivery) -> list:
        """Response/fix-time promises of the deal a ticket with timestamps counts toward."""
        if d.opened_at is None or d.value is not None:
            return []
        index = self.by_deal.get(d.deal_id)
        if index is None or not index.timed:
            return []
        level = self._level(d)
        request = self._request(d)
        words = None
        out = []
        for c in index.timed:
            if affinity(d.category, c.promise.category) == 0:
                continue
            if c.priority is not None and level is not None and c.priority != level:
                continue
            if request and c.incidents:
                continue
            if not c.generic and c.priority is None:
                if words is None:
                    words = self._tokens(d.description, index.stop)
                if words.keys().isdisjoint(c.tokens):
                    continue
            out.append(c)
        # Priority-specific promises first, then by id, so the primary link is stable.
        out.sort(key=lambda c: (c.priority is None, c.pid))
        return [c.pid for c in out]

    # --- one record -----------------------------------------------------------------------

    def match(self, d: Delivery, delivery_id: int) -> Match:
        """Where record ``d`` goes (see the module docstring)."""
        if d.dismissed:
            return _made(delivery_id, None, 0.0, f"dismissed {d.dismissed}", kind="dismissed")
        if d.promise_id:
            return _made(delivery_id, d.promise_id, 1.0, EXPLICIT)
        if (d.deal_id, d.export_key, d.category) in self._rule_sources:
            rule = self.rules.get((d.deal_id, d.export_key, d.category, record_shape(d)))
            if rule is not None:
                return _made(delivery_id, rule.promise_id, 1.0,
                             f"linked like delivery {rule.learned_from} (rule {rule.id}, "
                             f"remembered by {rule.by} on {rule.on.isoformat()})",
                             kind="rule", rule_id=rule.id)
        index = self.by_deal.get(d.deal_id)
        if index is None:
            return _made(delivery_id, None, 0.0, f"no promises recorded for deal {d.deal_id}")
        shared = self.timed_promises(d)
        if shared:
            pri = f" ({d.priority})" if d.priority else ""
            # The promises are the match's candidates (stored beside the reason), not
            # repeated in it: the reason is stored once per promise the ticket counts for.
            which = ("the response or fix-time promise" if len(shared) == 1 else
                     f"each of the {len(shared)} response or fix-time promises")
            return _made(delivery_id, shared[0], 0.9,
                         f"help-desk ticket{pri} with timestamps; counts toward {which} of "
                         f"deal {d.deal_id} it fits", False, tuple(shared))
        deal = index.deal
        if (deal and deal.signed_on and d.delivered_on
                and d.delivered_on < deal.signed_on - timedelta(days=EARLY_GRACE_DAYS)):
            return _made(delivery_id, None, 0.0,
                         f"dated {d.delivered_on.isoformat()}, long before deal {d.deal_id} "
                         f"was signed ({deal.signed_on.isoformat()})")
        fits = self._text_fits(index, d)
        if not fits:
            return _made(delivery_id, None, 0.0, f"no promise of deal {d.deal_id} in category "
                                                 f"{d.category} or a related one")
        # Each candidate is scored once; only the best and the runner-up matter for a
        # clear match, and only then are the scores ranked.
        # The date fit and the other adjustments are worked out inline: this loop runs
        # for every candidate of millions of records.
        day, s, level = d.delivered_on, self.settings, self._level(d)
        request = self._request(d) if index.incidents else False
        measured_record = d.value is not None
        ticket = not measured_record and d.opened_at is not None
        best, runner, top = -1.0, 0.0, None
        scored = []
        for t in fits:
            c = t[0]
            # The date fit: 1 before the due date (or inside a recurring promise's span),
            # lower the later it is.
            if day is None:
                score = t[2] + W_DATE * 0.5
            elif c.recurring:
                score = t[2] + W_DATE
            elif c.due is None:
                score = t[2] + W_DATE * 0.6
            else:
                gap = (day - c.due).days
                if gap <= 0:
                    score = t[2] + W_DATE * (1.0 if gap >= -365 else 0.6)
                else:
                    score = t[2] + W_DATE * max(0.2, 1.0 - gap / 90.0)
            # What the measurement and the tier add: a question or service request is
            # not an incident or a repair, a ticket not an availability figure, and a
            # record of another tier than the promise names, or measuring something
            # else (``_kind_fit``), rules the promise out.
            if (request and c.incidents) or (ticket and c.availability):
                score -= 1.0
            else:
                adjust = _kind_fit(c, d) if measured_record else 0.0
                if level is not None and c.priority is not None:
                    adjust += W_TIER if level == c.priority else -1.0
                score += adjust
            score = 0.0 if score < 0.0 else 1.0 if score > 1.0 else score
            scored.append((score, c, t[1], t[3]))
            if score > best:
                best, runner, top = score, (best if best > runner else runner), scored[-1]
            elif score > runner:
                runner = score
        if best >= s.min_match_score and best - runner >= s.min_match_lead - 1e-9:
            _, c, aff, shared = top
            return _made(delivery_id, c.pid, round(best, 3), _reason(c, aff, shared, d))
        scored.sort(key=lambda t: (-t[0], t[1].pid))
        return self._decide(scored, d, delivery_id)

    def _text_fits(self, index: _DealIndex, d: Delivery) -> list:
        """[(candidate, category fit, wording score, shared words)], cached per wording."""
        key = (d.category, d.description)
        got = index.cache.get(key)
        if got is None:
            fits, weights = self._for_category(index, d.category)
            words = self._tokens(d.description, index.stop)
            got = []
            keys = words.keys()
            for c, aff in fits:
                if keys.isdisjoint(c.tokens):
                    got.append((c, aff, W_CATEGORY * aff, []))  # no shared word adds nothing
                    continue
                shared = [t for t in words if t in c.tokens]
                weight = sum(weights[t] for t in shared)
                text = 0.6 * (1.0 - 0.5 ** weight) + 0.4 * (len(shared) / len(words))
                got.append((c, aff, W_CATEGORY * aff + W_TEXT * text,
                            [words[t] for t in shared]))
            index.cache[key] = got
        return got

    def _decide(self, scored: list, d: Delivery, delivery_id: int) -> Match:
        """The match of a record with no clear best candidate: scored is [(score,
        candidate, category fit, shared words)], best first."""
        s = self.settings
        best, c, aff, shared = scored[0]
        runner = scored[1][0] if len(scored) > 1 else 0.0
        if best >= s.min_match_score and best - runner >= s.min_match_lead - 1e-9:
            return _made(delivery_id, c.pid, round(best, 3), _reason(c, aff, shared, d))
        if best >= s.min_match_score:
            close = [t for t in scored
                     if t[0] >= s.min_match_score and best - t[0] < s.min_match_lead]
            names = ", ".join(f"{t[1].pid} ({t[0]:.2f})" for t in close)
            return _made(delivery_id, None, round(best, 3),
                         f"{len(close)} promises fit about equally well: {names}", True,
                         tuple(t[1].pid for t in close))
        top = tuple(t[1].pid for t in scored[:3] if t[0] > 0)
        return _made(delivery_id, None, round(best, 3),
                     f"best guess {c.pid} scored {best:.2f}, below the "
                     f"{s.min_match_score:.2f} needed ({_reason(c, aff, shared, d)})",
                     False, top)


def record_shape(d: Delivery) -> str:
    """The description pattern a remembered rule compares (the reference when a record
    has no description)."""
    return description_pattern(d.description or d.reference)


def _kind_fit(c: _Cand, d: Delivery) -> float:
    """A record carrying a measurement suits a promise measuring the same thing in a unit
    it converts to; a different measurement (reply minutes for an uptime promise) rules
    the promise out, and a deliverable is a poor fit."""
    if not c.measured:
        return -W_KIND
    if value_for(c.promise, d) is None:
        return -1.0
    if kind_of(d) is not None and kind_of(d) == c.promise.measures:
        return W_KIND + 0.1
    return W_KIND


def _reason(c: _Cand, aff: float, shared: list, d: Delivery) -> str:
    cat = c.promise.category
    parts = ["same deal", f"category {cat}" if aff == 1.0 else f"related category {cat}"]
    if shared:
        quoted = ", ".join(f"'{w}'" for w in shared)
        parts.append(f"{len(shared)} shared word{'s' if len(shared) > 1 else ''}: {quoted}")
    else:
        parts.append("no shared words")
    if d.value is not None and c.measured:
        parts.append("carries a measurement")
    if d.delivered_on is not None and c.due is not None and not c.recurring:
        gap = (d.delivered_on - c.due).days
        parts.append("on time" if gap <= 0 else f"{gap} days after the due date")
    return ", ".join(parts)


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while millions of small acyclic objects are
    made: its full passes over every delivery record made large audits 40 % slower and
    worse than linear. The previous state is restored, even on error."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def match_deliveries(promises: Sequence[Promise], deliveries: Sequence[Delivery],
                     deals: Optional[Mapping] = None,
                     settings: Optional[AuditSettings] = None,
                     rules: Sequence[LinkRule] = ()) -> list:
    """One Match per delivery record, sorted by delivery id.

    deals (dict): deal id -> Deal, for due dates and the customer's name (left out of
        the wording comparison). Without it only due dates stated in proposals are used.
    rules: remembered links (``LinkRule``) to apply before automatic matching.
    A record with no id gets its position in ``deliveries`` as delivery_id.
    """
    with paused_gc():
        matcher = Matcher(promises, deals, settings, rules)
        out = [matcher.match(d, d.id if d.id is not None else i)
               for i, d in enumerate(deliveries)]
        out.sort(key=lambda m: m.delivery_id)
    return out

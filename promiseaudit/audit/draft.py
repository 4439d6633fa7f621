"""Checking a draft proposal before it is sent: ``check_draft`` weighs each promise the
extractor found in the draft against the ledger's audited history and flags absolute
language, promises nobody could check, missing touch points and missing customer duties.

Pure: the caller reads the draft (``extract.draft.read_draft``) and audits the ledger;
nothing is stored.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional, Sequence

from ..extract.draft import DUTY_KINDS, Draft
from ..models import Promise
from .recurrence import ADVERB, period_days
from .track import (Past, Shape, TrackRecord, anchor_words, fastest_delivered, shape_of,
                    span, strictest_kept, track_record)
from .words import level, num, plural

DEFAULT_MIN_KEPT = 0.6
SUGGESTIONS = {
    "delivery": "add a date (\"by 30 April 2027\" or \"within 30 days of signature\")",
    "service_level": "add a number (\"respond within 4 business hours\", \"99.9 % uptime "
                     "each month\")",
    "support": "add hours and a response time (\"9:00-17:00 on business days, answered "
               "within 4 business hours\")",
    "check_in": "add a cadence or a date (\"a call every month\", \"30 days after go-live\")",
    "training": "add how many and when (\"two remote sessions before go-live\")",
    "warranty": "add a period and a fix time (\"defects fixed within 5 business days for "
                "12 months\")",
    "pricing": "add an amount and how long it holds (\"prices held for 12 months\")",
}
DUTY_WORDS = {
    "access": "access (to sites, systems or accounts)",
    "data": "data (exports, files, current records)",
    "approvals": "approvals (sign-off of designs and milestones)",
}
_MEASURE_NOUNS = {"availability": "availability", "response": "response",
                  "resolution": "fix time"}


@dataclass(frozen=True)
class PromiseCheck:
    """One draft promise, checked.

    terms: what it promises, in words ("go-live 6 weeks after signature").
    record: similar promises in the chosen scope; wider: the whole ledger, given when the
        scope (a rep's or customer's deals) has too little history.
    absolutes: absolute words as written ("always", "100%").
    overreach: sentences saying it asks more than the ledger shows was ever done.
    unverifiable: advice when there is nothing to check it against, else "".
    weak: its similar promises were kept less than the minimum share.
    """

    promise: Promise
    terms: str
    record: TrackRecord
    wider: Optional[TrackRecord] = None
    absolutes: tuple = ()
    overreach: tuple = ()
    unverifiable: str = ""
    weak: bool = False

    @property
    def telling(self) -> TrackRecord:
        """The record to go by: the scope's, or the wider one when the scope has too
        little."""
        if not self.record.enough and self.wider is not None and self.wider.enough:
            return self.wider
        return self.record

    @property
    def fine(self) -> bool:
        return not (self.absolutes or self.overreach or self.unverifiable or self.weak)


@dataclass(frozen=True)
class Gap:
    """Something the draft leaves out. key: "after_go_live", "review_cadence",
    "training" or "duties" (for code, never shown); title and advice are shown."""

    key: str
    title: str
    advice: str


@dataclass(frozen=True)
class DraftCheck:
    """The whole check of one draft (see ``check_draft``)."""

    name: str
    as_of: date
    history: str
    scope: str
    promises: tuple
    vague: tuple
    duties: tuple
    gaps: tuple
    min_kept: float = DEFAULT_MIN_KEPT

    @property
    def absolute(self) -> list:
        return [c for c in self.promises if c.absolutes]

    @property
    def weak(self) -> list:
        return [c for c in self.promises if c.weak]

    @property
    def unverifiable(self) -> list:
        return [c for c in self.promises if c.unverifiable]

    @property
    def overreaching(self) -> list:
        return [c for c in self.promises if c.overreach]

    def strict_failures(self) -> list[str]:
        """Why ``check --strict`` fails: absolute language, or similar promises kept less
        than ``min_kept`` of the time. Empty when it passes."""
        out = []
        if self.absolute:
            n = len(self.absolute)
            out.append(f"{n} promise{'s use' if n != 1 else ' uses'} absolute language")
        if self.weak:
            n = len(self.weak)
            out.append(f"{n} promise{'s have' if n != 1 else ' has'} similar promises kept "
                       f"less than {round(100 * self.min_kept)} % of the time")
        return out

    def summary(self) -> str:
        """One line: how many promises and what needs attention."""
        n = len(self.promises)
        head = f"{n} promise{'s' if n != 1 else ''} checked"
        parts = []
        for items, words in ((self.absolute, "absolute language"),
                             (self.overreaching, "more than the ledger shows was ever done"),
                             (self.weak, f"a weak track record (kept less than "
                                         f"{round(100 * self.min_kept)} % of the time)"),
                             (self.unverifiable, "nothing to check")):
            if items:
                parts.append(f"{len(items)} with {words}")
        if self.vague:
            parts.append(f"{len(self.vague)} statement{'s' if len(self.vague) != 1 else ''} "
                         "with nothing to check")
        if self.gaps:
            parts.append("missing: " + ", ".join(g.title[0].lower() + g.title[1:]
                                                 for g in self.gaps))
        if not parts:
            return f"{head}: nothing to fix."
        return f"{head}: " + "; ".join(parts) + "."


def terms_of(p: Promise, reference: Optional[date] = None) -> str:
    """What a promise commits to, in words, from its stored fields."""
    if p.threshold is not None and p.direction:
        noun = _MEASURE_NOUNS.get(p.measures or "", "")
        tier = f"P{p.tier} " if p.tier is not None else ""
        what = f"{tier}{noun} {level(p.threshold, p.threshold_unit, p.direction)}".strip()
        return what + (f", {ADVERB[p.recurrence]}" if p.recurrence else "")
    thing = "go-live" if p.names_go_live and p.category == "delivery" else ""
    if p.quantity is not None and p.quantity > 1:
        thing = f"{num(p.quantity)} {plural(p.unit or 'item', p.quantity)}"
    if p.recurrence:
        return f"{thing or _CATEGORY_THING.get(p.category, 'this')} {ADVERB[p.recurrence]}"
    if p.within_days is not None:
        n = p.within_days
        unit = "business days" if p.business_days else None
        when = (f"{abs(n)} {unit}" if unit else exact_span(n)) if n else ""
        side = "before" if n < 0 else "after"
        event = anchor_words((p.anchor or "signature").replace("_", " "))
        return f"{thing or _CATEGORY_THING.get(p.category, 'this')} " \
            f"{when + ' ' + side if when else 'by'} {event}"
    if p.due is not None:
        lead = f" ({span((p.due - reference).days)} after the draft's date)" \
            if reference and p.due > reference else ""
        return f"{thing or _CATEGORY_THING.get(p.category, 'this')} by {p.due.isoformat()}{lead}"
    return thing


def exact_span(n: int) -> str:
    """A deadline as written: 42 -> "6 weeks", 90 -> "3 months", 20 -> "20 days"."""
    n = abs(n)
    if n % 7 == 0 and 14 <= n <= 112:
        return f"{n // 7} weeks"
    if n % 30 == 0 and n >= 60:
        return f"{n // 30} months"
    return "1 day" if n == 1 else f"{n} days"


_CATEGORY_THING = {"check_in": "a check-in", "training": "training", "delivery": "delivery",
                   "support": "support", "service_level": "a service level",
                   "warranty": "a warranty check", "pricing": "a price review"}


def _has_terms(p: Promise) -> bool:
    return any(v is not None for v in (p.due, p.within_days, p.recurrence, p.threshold,
                                       p.quantity))


def unverifiable_advice(p: Promise, vague_words: Sequence[str]) -> str:
    """Advice when a promise gives nothing to check it against, else ""."""
    if _has_terms(p):
        return ""
    suggestion = SUGGESTIONS.get(p.category, "add a date, a number or a cadence")
    if vague_words:
        quoted = " and ".join(f"\u201c{w}\u201d" for w in vague_words)
        return f"{quoted} cannot be checked; {suggestion}."
    if p.category in ("service_level", "check_in"):
        return f"Nothing to check it against; {suggestion}."
    return ""


def _matches(value: Optional[str], wanted: Optional[str]) -> bool:
    return wanted is None or (value or "").strip().casefold() == wanted.strip().casefold()


def scope_words(rep: Optional[str], customer: Optional[str]) -> str:
    if rep and customer:
        return f"{rep}'s deals with {customer}"
    if rep or customer:
        return f"{rep or customer}'s deals"
    return "the ledger"


def check_promise(p: Promise, wording, history: Sequence[Past], scoped: Sequence[Past],
                  scope: str, min_kept: float, reference: Optional[date]) -> PromiseCheck:
    """Check one draft promise against the history (all of it, and the chosen scope)."""
    shape: Shape = shape_of(p, reference=reference)
    record = track_record(shape, scoped, scope)
    wider = None
    if scope != "the ledger" and not record.enough:
        wider = track_record(shape, history, "the ledger")
        if wider.similar <= record.similar:
            wider = None  # the whole ledger knows no more than the scope
    absolutes = [c.words for c in wording.absolutes]
    if p.threshold is None:
        absolutes += [c.words for c in wording.round_the_clock]
    overreach = tuple(s for s in (strictest_kept(shape, history),
                                  fastest_delivered(shape, history)) if s)
    check = PromiseCheck(p, terms_of(p, reference), record, wider, tuple(absolutes), overreach,
                         unverifiable_advice(p, [c.words for c in wording.vague]))
    telling = check.telling
    weak = telling.enough and telling.rate < min_kept
    return PromiseCheck(check.promise, check.terms, record, wider, check.absolutes,
                        overreach, check.unverifiable, weak)


def touch_point_gaps(promises: Sequence[Promise]) -> list[Gap]:
    """Missing touch points: no check-in after go-live, no review cadence, no training."""
    checkins = [p for p in promises if p.category == "check_in"]
    ongoing = [p for p in checkins if p.recurrence and p.series_end not in
               ("go_live", "kickoff", "signature")]
    after = [p for p in checkins if (p.anchor == "go_live" and (p.within_days or 0) >= 0)
             or (p in ongoing and period_days(p.recurrence) <= 31)]
    gaps = []
    if not after:
        gaps.append(Gap("after_go_live", "A check-in after go-live",
                        "Promise a call soon after go-live (\"we will check in with you 30 "
                        "days after go-live\") so problems surface while they are small."))
    if not ongoing:
        gaps.append(Gap("review_cadence", "A review cadence",
                        "Promise regular reviews that carry on after go-live (\"a quarterly "
                        "business review\"), so the customer sees what was delivered."))
    if not any(p.category == "training" for p in promises):
        gaps.append(Gap("training", "Training",
                        "Say how the customer's team will learn the service (\"two remote "
                        "training sessions before go-live\")."))
    return gaps


def duty_gap(promises: Sequence[Promise], duties: Sequence) -> Optional[Gap]:
    """A gap when dated deliveries depend on the customer but the draft does not say what
    the customer must provide (access, data, approvals)."""
    dated = [p for p in promises if p.category in ("delivery", "training")
             and (p.due is not None or p.within_days is not None)]
    if not dated:
        return None
    covered = {k for d in duties for k in d.kinds}
    missing = [k for k in DUTY_KINDS if k not in covered]
    if not missing:
        return None
    words = ", ".join(DUTY_WORDS[k] for k in missing)
    if not duties:
        return Gap("duties", "What the customer must provide",
                   f"Your dates depend on the customer, but the draft never says what they "
                   f"must provide. Add it, with dates: {words}.")
    return Gap("duties", "Some of what the customer must provide",
               f"The customer's duties in the draft leave out {words}; your dates depend "
               "on them too.")


def check_draft(draft: Draft, history: Sequence[Past], as_of: date,
                rep: Optional[str] = None, customer: Optional[str] = None,
                min_kept: float = DEFAULT_MIN_KEPT, history_note: str = "") -> DraftCheck:
    """Check every promise of ``draft`` against ``history`` (audited promises of the
    ledger, see ``track.Past``).

    rep, customer: also give the record of that rep's (customer's) deals; the whole
        ledger is shown beside it when they have too little history.
    min_kept (float, 0-1): a promise whose similar promises were kept less often than
        this has a weak track record (what ``check --strict`` fails on, with absolutes).
    history_note: where the history came from, in words, shown with the result.
    """
    if not 0 <= min_kept <= 1:
        raise ValueError("min_kept is a share between 0 and 1")
    scoped = [h for h in history if h.deal is not None and _matches(h.deal.rep, rep)
              and _matches(h.deal.customer, customer)] if (rep or customer) else list(history)
    scope = scope_words(rep, customer)
    checks = tuple(check_promise(p, w, history, scoped, scope, min_kept, draft.document_date)
                   for p, w in zip(draft.promises, draft.wording))
    gaps = touch_point_gaps(draft.promises)
    duty = duty_gap(draft.promises, draft.duties)
    if duty is not None:
        gaps.append(duty)
    return DraftCheck(draft.document.name, as_of, history_note, scope, checks, draft.vague,
                      draft.duties, tuple(gaps), min_kept)

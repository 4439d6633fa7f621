"""Track records: how often promises like a new one were kept, from audited history.

A promise is compared on its stored fields only, never on its wording:

- **a deadline** ("go-live within 6 weeks of signature"): promises of the same category
  (and both about go-live, or both not), counted from the same event, whose deadline is
  within +/- 50 % of the new one's (6 weeks: 3 to 9 weeks). Business days count as 7/5
  calendar days. A stated date counts from signature (for a draft: from its own date).
- **a measured level** ("99.99 % uptime", "P1 response within 15 minutes"): promises that
  measure the same thing (availability, response, resolution), in the same direction,
  for the same priority tier, with a level at least as strict as the new one.
- **a cadence** ("quarterly reviews"): promises of the same category and cadence.
- **anything else**: promises of the same category with nothing to compare either
  (the same unit when it names a quantity, "sessions").

Only promises that have fallen due (kept, late or broken) give the rate; with fewer than
``MIN_HISTORY`` of them the record says there is too little history instead of a rate.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from typing import Optional, Sequence

from ..models import Deal, Promise, Verdict, event_key
from ..tiers import convert
from .due import anchor_date
from .measure import is_measured
from .recurrence import NOUN
from .words import level, plural

MIN_HISTORY = 3
LEAD_TOLERANCE = 0.5
FALLEN_DUE = ("kept", "late", "broken")
_ANCHOR_WORDS = {"signature": "signature", "kickoff": "kickoff", "go live": "go-live"}
_MEASURE_WORDS = {"availability": "availability", "response": "response time",
                  "resolution": "fix time", "count": "count"}


@dataclass(frozen=True)
class Past:
    """An audited promise of the ledger, with its verdict and deal."""

    promise: Promise
    verdict: Verdict
    deal: Optional[Deal]


@dataclass(frozen=True)
class Shape:
    """What a promise is compared on (see the module docstring)."""

    kind: str  # "deadline", "level", "cadence" or "plain"
    category: str
    anchor: str = ""
    lead: Optional[int] = None
    go_live: bool = False
    measures: Optional[str] = None
    direction: Optional[str] = None
    tier: Optional[int] = None
    threshold: Optional[float] = None
    unit: Optional[str] = None
    recurrence: Optional[str] = None
    quantity_unit: Optional[str] = None


@dataclass(frozen=True)
class TrackRecord:
    """How similar promises fared. similar: those fallen due; waiting: those not due
    yet; actual: what was achieved, in words ("median actual 9 weeks after signature")."""

    basis: str
    scope: str
    similar: int = 0
    kept: int = 0
    late: int = 0
    broken: int = 0
    waiting: int = 0
    deals: int = 0
    actual: str = ""

    @property
    def enough(self) -> bool:
        return self.similar >= MIN_HISTORY

    @property
    def rate(self) -> Optional[float]:
        return self.kept / self.similar if self.enough else None

    def sentence(self) -> str:
        """ "14 similar promises over 6 deals: 5 kept, 4 late, 5 broken (36 % kept);
        median actual 9 weeks after signature." or why there is no rate."""
        if not self.enough:
            have = ("no similar promises" if self.similar == 0 else
                    f"only {self.similar} similar promise{'' if self.similar == 1 else 's'}")
            verb = "has" if self.similar == 1 else "have"
            waiting = f" ({self.waiting} more not due yet)" if self.waiting else ""
            return (f"Too little history to give a rate: {have} in {self.scope} {verb} "
                    f"fallen due{waiting}; at least {MIN_HISTORY} are needed.")
        parts = [f"{self.kept} kept"]
        if self.late:
            parts.append(f"{self.late} late")
        if self.broken:
            parts.append(f"{self.broken} broken")
        deals = f" over {self.deals} deal{'s' if self.deals != 1 else ''}"
        text = (f"{self.similar} similar promises{deals} in {self.scope}: "
                f"{', '.join(parts)} ({round(100 * self.rate)} % kept)")
        return text + (f"; {self.actual}." if self.actual else ".")


def calendar_days(n: int, business: bool) -> int:
    return round(n * 7 / 5) if business else n


def shape_of(p: Promise, deal: Optional[Deal] = None,
             reference: Optional[date] = None) -> Shape:
    """The promise's shape. reference: the date a stated due date counts from when the
    deal's signature is not known (a draft's own date)."""
    if is_measured(p):
        return Shape("level", p.category, measures=p.measures, direction=p.direction,
                     tier=p.tier, threshold=p.threshold, unit=p.threshold_unit)
    if p.recurrence:
        return Shape("cadence", p.category, recurrence=p.recurrence)
    if p.within_days is not None:
        return Shape("deadline", p.category, anchor=event_key(p.anchor or "signature"),
                     lead=calendar_days(p.within_days, p.business_days),
                     go_live=_is_go_live(p))
    if p.due is not None:
        start = (deal.signed_on if deal and deal.signed_on else None) or reference
        if start is not None:
            return Shape("deadline", p.category, anchor="signature",
                         lead=(p.due - start).days, go_live=_is_go_live(p))
    return Shape("plain", p.category, quantity_unit=_singular(p.unit) if p.quantity else None)


def _is_go_live(p: Promise) -> bool:
    """A delivery promise about the go-live itself (stored at extraction)."""
    return p.names_go_live and p.category == "delivery"


def _singular(unit: Optional[str]) -> Optional[str]:
    if not unit:
        return None
    unit = unit.lower()
    return unit[:-1] if unit.endswith("s") and not unit.endswith("ss") else unit


def _in_unit(value: float, unit: Optional[str], to: Optional[str]) -> Optional[float]:
    return value if unit == to else convert(value, unit, to)


def strict_enough(past: Shape, new: Shape) -> bool:
    """Whether a past level is at least as strict as the new one."""
    value = _in_unit(past.threshold, past.unit, new.unit)
    if value is None:
        return False
    if new.direction == "at_most":
        return value <= new.threshold + 1e-9
    return value >= new.threshold - 1e-9


def same_measure(past: Shape, new: Shape) -> bool:
    """Same thing measured, same direction and tier, levels in units that convert."""
    if past.kind != "level" or new.kind != "level" or past.direction != new.direction:
        return False
    if past.tier != new.tier:
        return False
    if new.measures and past.measures != new.measures:
        return False
    return _in_unit(past.threshold, past.unit, new.unit) is not None


def lead_range(lead: int) -> tuple[int, int]:
    lo, hi = sorted((round(lead * (1 - LEAD_TOLERANCE)), round(lead * (1 + LEAD_TOLERANCE))))
    return lo, hi


def is_similar(past: Shape, new: Shape) -> bool:
    """Whether a past promise counts as similar to the new one (module docstring)."""
    if past.kind != new.kind:
        return False
    if new.kind == "level":
        return same_measure(past, new) and strict_enough(past, new)
    if past.category != new.category:
        return False
    if new.kind == "deadline":
        lo, hi = lead_range(new.lead)
        return (past.anchor == new.anchor and past.go_live == new.go_live
                and lo <= past.lead <= hi)
    if new.kind == "cadence":
        return past.recurrence == new.recurrence
    return past.quantity_unit == new.quantity_unit


def describe_similarity(new: Shape) -> str:
    """What "similar" meant for this promise, in words."""
    if new.kind == "level":
        what = _MEASURE_WORDS.get(new.measures or "", "level")
        tier = f"P{new.tier} " if new.tier is not None else ""
        return (f"{tier}{what} promises with a level of "
                f"{level(new.threshold, new.unit, new.direction)} or stricter")
    if new.kind == "deadline":
        lo, hi = lead_range(new.lead)
        what = "go-live promises" if new.go_live else f"{_category_words(new.category)} promises"
        if lo == hi == 0:
            return f"{what} due by {anchor_words(new.anchor)}"
        return f"{what} due {span_range(lo, hi)} {_side(new.lead)} {anchor_words(new.anchor)}"
    if new.kind == "cadence":
        return f"{_category_words(new.category)} promises {_every(new.recurrence)}"
    if new.quantity_unit:
        return f"{_category_words(new.category)} promises of {plural(new.quantity_unit)}"
    return f"other {_category_words(new.category)} promises without a date, level or cadence"


def _category_words(category: str) -> str:
    return category.replace("_", " ").replace("check in", "check-in")


def _every(recurrence: str) -> str:
    return {"biweekly": "every two weeks", "daily": "every day"}.get(
        recurrence, f"every {NOUN.get(recurrence, recurrence)}")


def _side(lead: int) -> str:
    return "before" if lead < 0 else "after"


def anchor_words(anchor: str) -> str:
    """ "signature", "go-live", or the event's own words ("commissioning")."""
    return _ANCHOR_WORDS.get(anchor, anchor)


def span(n: int) -> str:
    """A number of days as people say it: 5 days, 9 weeks, about 5 months."""
    n = abs(int(round(n)))
    if n < 28:
        return "1 day" if n == 1 else f"{n} days"
    if n < 120:
        weeks = round(n / 7)
        return f"{weeks} weeks" if n % 7 == 0 else f"about {weeks} weeks"
    return f"about {round(n / 30.4)} months"


def span_range(lo: int, hi: int) -> str:
    lo, hi = sorted((abs(lo), abs(hi)))
    if lo == hi:
        return "on the day" if lo == 0 else span(lo)
    if lo % 7 == 0 and hi % 7 == 0 and lo >= 14:
        return f"{lo // 7} to {hi // 7} weeks"
    return f"{lo} to {hi} days"


def done_on(v: Verdict) -> Optional[date]:
    """When a one-off promise was delivered: a quantity when its last part arrived,
    anything else with its first record."""
    dates = sorted(e.date for e in v.evidence if e.date)
    if not dates:
        return None
    return dates[-1] if "delivered" in v.figures else dates[0]


def actual_lead(item: Past) -> Optional[int]:
    """Days from the event a deadline counts from to the delivery, or None."""
    p, v, deal = item.promise, item.verdict, item.deal
    if v.status not in ("kept", "late"):
        return None
    done = done_on(v)
    if done is None:
        return None
    if p.within_days is None:
        start = deal.signed_on if deal else None
    else:
        start = anchor_date(deal, p.anchor or "signature")[0]
    return (done - start).days if start else None


def track_record(new: Shape, history: Sequence[Past], scope: str) -> TrackRecord:
    """The record of the promises in ``history`` similar to ``new``. scope: whose deals
    ``history`` holds, in words ("the ledger", "Dana Whitfield's deals")."""
    similar = [h for h in history if is_similar(shape_of(h.promise, h.deal), new)]
    due = [h for h in similar if h.verdict.status in FALLEN_DUE]
    waiting = sum(1 for h in similar if h.verdict.status in ("pending", "at_risk", "open"))
    counts = {s: sum(1 for h in due if h.verdict.status == s) for s in FALLEN_DUE}
    return TrackRecord(
        basis=describe_similarity(new), scope=scope, similar=len(due), kept=counts["kept"],
        late=counts["late"], broken=counts["broken"], waiting=waiting,
        deals=len({h.promise.deal_id for h in due}), actual=_actual(new, due))


def _actual(new: Shape, due: list) -> str:
    if not due:
        return ""
    if new.kind == "deadline":
        leads = [d for d in (actual_lead(h) for h in due) if d is not None]
        broken = [h for h in due if h.verdict.status == "broken"]
        missing = len(broken)
        partly = any(h.verdict.figures.get("delivered") for h in broken)
        text = ""
        if leads:
            median = statistics.median(leads)
            text = (f"median actual {span(median)} {_side(int(median))} "
                    f"{anchor_words(new.anchor)}")
        if missing:
            text += ((", " if text else "") + f"{missing} not delivered"
                     + (" in full" if partly else "") + " by the due date")
        return text
    if new.kind == "level":
        return _levels_met(due)
    if new.kind == "cadence":
        occ = [o for h in due for o in h.verdict.occurrences if o.status in FALLEN_DUE]
        if not occ:
            return ""
        noun = NOUN.get(new.recurrence, "period")
        held = sum(1 for o in occ if o.status == "kept")
        late = sum(1 for o in occ if o.status == "late")
        return (f"{held} of {len(occ)} {plural(noun, len(occ))} held on time"
                + (f", {late} late" if late else ""))
    shares = [h.verdict.figures["delivered"] / h.verdict.figures["promised"] for h in due
              if h.verdict.figures.get("promised")]
    if shares:
        return f"on average {round(100 * statistics.mean(shares))} % of the amount by the due date"
    return ""


def _levels_met(due: list) -> str:
    """ "9 of 10 months met the level": periods of promises measured per period (uptime
    each month), single measurements (tickets) of the others."""
    periods: dict = {}
    met = total = 0
    for h in due:
        occ = [o for o in h.verdict.occurrences if o.status in ("kept", "at_risk", "broken")]
        if occ:
            noun = NOUN.get(h.promise.recurrence or "", "period")
            counts = periods.setdefault(noun, [0, 0])
            counts[0] += sum(1 for o in occ if o.status != "broken")
            counts[1] += len(occ)
        else:
            met += int(h.verdict.figures.get("met", 0))
            total += int(h.verdict.figures.get("total", 0))
    parts = [f"{k} of {n} {plural(noun, n)}" for noun, (k, n) in sorted(periods.items())]
    if total:
        parts.append(f"{met} of {total} {plural('measurement', total)}")
    return " and ".join(parts) + " met the level" if parts else ""


def strictest_kept(new: Shape, history: Sequence[Past]) -> str:
    """A sentence when the new level is stricter than any the ledger shows kept (or no
    level of its kind was ever kept), else "". Only for measured levels."""
    if new.kind != "level":
        return ""
    same = [(h, shape_of(h.promise, h.deal)) for h in history]
    same = [(h, s) for h, s in same if same_measure(s, new) and h.verdict.status in FALLEN_DUE]
    if not same:
        return ""
    kept = [(h, s) for h, s in same if h.verdict.status == "kept"]
    what = _MEASURE_WORDS.get(new.measures or "", "level")
    tier = f"P{new.tier} " if new.tier is not None else ""
    if not kept:
        return (f"No {tier}{what} promise in the ledger was ever kept ({len(same)} fell due, "
                "none kept).")
    if any(strict_enough(s, new) for _, s in kept):
        return ""
    pick = min if new.direction == "at_most" else max
    best = pick((s for _, s in kept), key=lambda s: _in_unit(s.threshold, s.unit, new.unit))
    deals = len({h.promise.deal_id for h, _ in kept})
    return (f"Stricter than anything the ledger shows kept: the best {tier}{what} kept was "
            f"{level(best.threshold, best.unit, new.direction)} ({len(kept)} kept, {deals} "
            f"deal{'s' if deals != 1 else ''}).")


def fastest_delivered(new: Shape, history: Sequence[Past]) -> str:
    """A sentence when a deadline is shorter than anything of its kind the ledger shows
    delivered (with at least MIN_HISTORY deliveries to go by), else "". Only for
    go-live and for categories narrower than "delivery" (training, check-ins...): one
    delivery is too unlike another to compare their speed."""
    if new.kind != "deadline" or new.lead is None or new.lead <= 0:
        return ""
    if new.category == "delivery" and not new.go_live:
        return ""
    leads = []
    for h in history:
        s = shape_of(h.promise, h.deal)
        if (s.kind == "deadline" and s.category == new.category and s.anchor == new.anchor
                and s.go_live == new.go_live):
            d = actual_lead(h)
            if d is not None:
                leads.append(d)
    if len(leads) < MIN_HISTORY or new.lead >= min(leads):
        return ""
    what = "go-live" if new.go_live else f"{_category_words(new.category)}"
    return (f"Faster than the ledger has ever delivered: the quickest {what} came "
            f"{span(min(leads))} after {anchor_words(new.anchor)} ({len(leads)} delivered).")

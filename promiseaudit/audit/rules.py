"""Verdict rules: one pure function per kind of promise.

audit_promise(promise, deal, records, as_of) decides kept / late / broken / at_risk /
pending / open / waived / superseded from the records given, ignoring any record dated
after ``as_of`` so that an audit can be repeated as of any past date.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from calendar import monthrange
from datetime import date, timedelta
from typing import Mapping, Optional, Sequence

from ..models import Deal, Delivery, Evidence, Occurrence, Promise, Verdict
from .calendar import add_business_days
from .due import anchor_date, resolve_due, unknown_anchor
from .measure import admits_priority, is_measured, is_timed, measurements, near_limit, tier_of
from .recurrence import (ADVERB, NOUN, calendar_periods, period_days, periods_ending,
                         periods_from)
from .settings import AuditSettings, Waiver
from .words import amount, days, duration, level, num, plural

MAX_OCCURRENCES = 1000
# Worst first: a recurring promise takes the status of its worst due occurrence.
_SEVERITY = {"broken": 0, "late": 1, "at_risk": 2, "kept": 3, "pending": 4}
NO_FIGURE = "no_figure"  # a measured period nobody recorded a figure for
_FROM_GO_LIVE = ("service_level", "support")  # measured levels start at go-live


_new = object.__new__


@dataclass(frozen=True)
class _Ctx:
    promise: Promise
    deal: Optional[Deal]
    as_of: date
    settings: AuditSettings
    links: Mapping
    due: Optional[date]
    basis: str

    @property
    def pid(self) -> str:
        return self.promise.id or ""

    def verdict(self, status, rule, reason, records=(), **kw) -> Verdict:
        kw.setdefault("due", self.due)
        return Verdict(promise_id=self.pid, status=status, rule=rule, reason=reason,
                       due_basis=kw.pop("due_basis", self.basis),
                       evidence=tuple(self.evidence(r) for r in records), **kw)

    def evidence(self, r: Delivery) -> Evidence:
        link, score = self.links.get(r.id, (None, None)) if r.id is not None else (None, None)
        if link is None:
            explicit = r.promise_id is not None and r.promise_id == self.promise.id
            link, score = ("explicit", 1.0) if explicit else ("auto", None)
        source = ""
        if r.source_file:
            source = f"{r.source_file} row {r.source_row}" if r.source_row else r.source_file
        elif r.source_row:
            source = f"row {r.source_row}"
        # A frozen dataclass's __init__ sets each field through object.__setattr__, a
        # fifth of a large audit's rule time; filling __dict__ in field order gives the
        # same object.
        e = _new(Evidence)
        e.__dict__.update(delivery_id=r.id, date=r.delivered_on, description=r.description,
                          quantity=r.quantity, value=r.value, reference=r.reference,
                          link=link, score=score, source=source)
        return e


def record_key(r: Delivery) -> tuple:
    return (r.delivered_on or date.min, r.id if r.id is not None else -1, r.source_file,
            r.source_row, r.reference)


def ref(r: Delivery) -> str:
    """How a record is named in a sentence: its reference, else its description."""
    if r.reference:
        return r.reference
    text = r.description.strip() or "record"
    return f'"{text[:57]}..."' if len(text) > 60 else f'"{text}"'


def audit_promise(promise: Promise, deal: Optional[Deal], evidence: Sequence[Delivery],
                  as_of: date, settings: Optional[AuditSettings] = None,
                  waiver: Optional[Waiver] = None,
                  links: Optional[Mapping] = None) -> Optional[Verdict]:
    """The verdict on one promise as of ``as_of``, from the records matched to it.

    links (dict): delivery id -> (link text, score) for the evidence ("explicit",
        "auto: same deal, ..."); records not in it are "explicit" when their promise_id
        is this promise, else "auto".
    RETURNS (Verdict): or None for a rejected promise (it is never audited).
    """
    settings = settings or AuditSettings()
    if promise.review_state == "rejected":
        return None
    due, basis = resolve_due(promise, deal, settings)
    ctx = _Ctx(promise, deal, as_of, settings, links or {}, due, basis)
    records = sorted((r for r in evidence if _known_by(r, as_of)), key=record_key)
    if promise.review_state == "superseded":
        return ctx.verdict("superseded", "superseded",
                           "Replaced by a later version of the proposal, so it is no longer "
                           "audited.")
    if waiver is not None and waiver.on <= as_of:
        return ctx.verdict("waived", "waiver",
                           f'Waived on {waiver.on.isoformat()} by {waiver.by}: '
                           f'"{waiver.reason.strip().rstrip(".")}".', _dated(records, as_of))
    if promise.recurrence:
        return _recurring(ctx, records)
    if _is_hold(promise):
        return _hold(ctx, _dated(records, as_of))
    if is_measured(promise, records):
        return _measured(ctx, records)
    dated = _dated(records, as_of)
    if promise.quantity is not None and promise.quantity > 1:
        return _quantity(ctx, dated)
    return _delivery(ctx, dated)


_HOLD_UNITS = {"day": 1, "week": 7, "month": None, "year": None}


def _is_hold(p: Promise) -> bool:
    """A price hold ("prices held for 18 months"): a period the promise stays in force."""
    return (p.category == "pricing" and p.direction == "at_least" and p.threshold is not None
            and p.threshold_unit in _HOLD_UNITS and p.due is None)


def _hold_end(start: date, p: Promise) -> date:
    n = int(p.threshold)
    if p.threshold_unit in ("month", "year"):
        months = n * (12 if p.threshold_unit == "year" else 1)
        y, m = divmod(start.month - 1 + months, 12)
        day = min(start.day, monthrange(start.year + y, m + 1)[1])
        return date(start.year + y, m + 1, day)
    return start + timedelta(days=n * _HOLD_UNITS[p.threshold_unit])


def _hold(ctx: _Ctx, records: list) -> Verdict:
    """A price hold is in force from signature (or the event it names) for its period:
    "in force until DATE" while it runs, kept once it has run with nothing recorded
    against it; a pricing record dated inside it is shown as evidence."""
    p, deal = ctx.promise, ctx.deal
    anchor = p.anchor or "signature"
    start, label, note = anchor_date(deal, anchor)
    span = amount(p.threshold, p.threshold_unit)
    if start is None:
        return ctx.verdict("open", "hold.start_unknown",
                           f"Holds for {span}, but the {unknown_anchor(deal, anchor)}, so when it "
                           "ends cannot be worked out yet.", due=None)
    end = _hold_end(start, p)
    basis = f"{span} from {label} ({start.isoformat()}{note})"
    inside = [r for r in records if start <= r.delivered_on <= end]
    if ctx.as_of <= end:
        return ctx.verdict("pending", "hold.in_force", f"In force until {end.isoformat()} ({basis}).",
                           inside, due=end, due_basis=basis)
    seen = (f"{len(inside)} pricing record{'s' if len(inside) > 1 else ''} dated inside it, "
            "shown for review" if inside else "nothing recorded against it")
    return ctx.verdict("kept", "hold.ran", f"Held for {span} until {end.isoformat()} ({basis}); "
                       f"{seen}.", inside, due=end, due_basis=basis)


def _known_by(r: Delivery, as_of: date) -> bool:
    """Whether a record existed on ``as_of``: delivered by then, or a ticket opened by
    then (its later response or fix is ignored by the measurement)."""
    if r.delivered_on is not None and r.delivered_on <= as_of:
        return True
    return r.opened_at is not None and r.opened_at.date() <= as_of


def _dated(records, as_of: date) -> list:
    return [r for r in records if r.delivered_on is not None and r.delivered_on <= as_of]


def _no_due_reason(ctx: _Ctx) -> tuple:
    if ctx.promise.within_days is not None and ctx.due is None:
        return "anchor.unknown", f"no due date yet ({ctx.basis})"
    return "due.none", "the proposal gives no due date"


# --- one-off deliverables ---------------------------------------------------------------


def _delivery(ctx: _Ctx, records: list) -> Verdict:
    due, as_of = ctx.due, ctx.as_of
    window = ctx.settings.window_for(ctx.promise.category)
    first = records[0] if records else None
    if due is None:
        rule, why = _no_due_reason(ctx)
        if first:
            return ctx.verdict("kept", "delivery.kept",
                               f"Delivered on {first.delivered_on.isoformat()} "
                               f"({ref(first)}); {why}.", records)
        return ctx.verdict("open", rule, f"Nothing recorded against it yet and {why}.")
    if first and first.delivered_on <= due:
        return ctx.verdict("kept", "delivery.kept",
                           f"Delivered on {first.delivered_on.isoformat()} ({ref(first)}), "
                           f"on or before the due date {due.isoformat()}.", records)
    if first:
        late = (first.delivered_on - due).days
        return ctx.verdict("late", "delivery.late",
                           f"Delivered on {first.delivered_on.isoformat()} ({ref(first)}), "
                           f"{days(late)} after the due date {due.isoformat()}.", records,
                           days_late=late)
    left = (due - as_of).days
    if left < 0:
        return ctx.verdict("broken", "delivery.missed",
                           f"Not delivered; it was due on {due.isoformat()} "
                           f"({days(left)} ago).")
    if left <= window:
        when = "today" if left == 0 else f"in {days(left)}"
        return ctx.verdict("at_risk", "delivery.at_risk",
                           f"Not delivered yet and due {when} ({due.isoformat()}).")
    return ctx.verdict("pending", "delivery.pending",
                       f"Due on {due.isoformat()}, in {days(left)}; nothing delivered yet.")


# --- quantities ("all 340 gateways") -----------------------------------------------------


def _quantity(ctx: _Ctx, records: list) -> Verdict:
    """Quantities add up over the records; a record with no quantity counts as one."""
    p, due, as_of = ctx.promise, ctx.due, ctx.as_of
    promised = float(p.quantity)
    unit, verb = plural(p.unit, promised), p.action or "delivered"
    total, reached, by_due = 0.0, None, 0.0
    for r in records:
        qty = r.quantity if r.quantity is not None else 1.0
        total += qty
        if due is not None and r.delivered_on <= due:
            by_due = total
        if reached is None and total >= promised - 1e-9:
            reached = r
    so_far = f"{num(total)}/{num(promised)} {unit} {verb}"
    if due is None:
        rule, why = _no_due_reason(ctx)
        figures = {"delivered": _n(total), "promised": _n(promised)}
        if reached:
            return ctx.verdict("kept", "quantity.kept",
                               f"{_all(promised)} {unit} {verb}, the last on "
                               f"{reached.delivered_on.isoformat()}; {why}.", records,
                               figures=figures)
        return ctx.verdict("open", rule, f"{so_far} so far; {why}.", records, figures=figures)
    figures = {"delivered": _n(by_due), "promised": _n(promised)}
    if reached and reached.delivered_on <= due:
        return ctx.verdict("kept", "quantity.kept",
                           f"{_all(promised)} {unit} {verb} by {due.isoformat()} "
                           f"(the last on {reached.delivered_on.isoformat()}).", records,
                           figures=figures)
    if reached:
        late = (reached.delivered_on - due).days
        figures["delivered_to_date"] = _n(total)
        return ctx.verdict("late", "quantity.late",
                           f"{_all(promised)} {unit} {verb}, but the last on "
                           f"{reached.delivered_on.isoformat()}, {days(late)} after the due "
                           f"date {due.isoformat()} ({num(by_due)} by then).", records,
                           days_late=late, figures=figures)
    left = (due - as_of).days
    if left < 0:
        figures["delivered_to_date"] = _n(total)
        extra = f" ({num(total)} by {as_of.isoformat()})" if total > by_due else ""
        return ctx.verdict("broken", "quantity.short",
                           f"{num(by_due)}/{num(promised)} {unit} {verb} by "
                           f"{due.isoformat()}{extra}.", records, figures=figures)
    window = ctx.settings.window_for(p.category)
    if left <= window:
        when = "today" if left == 0 else f"in {days(left)}"
        return ctx.verdict("at_risk", "quantity.at_risk",
                           f"Only {so_far} and due {when} ({due.isoformat()}).", records,
                           figures=figures)
    return ctx.verdict("pending", "quantity.pending",
                       f"{so_far} so far; due on {due.isoformat()}, in {days(left)}.",
                       records, figures=figures)


def _all(n: float) -> str:
    return "Both" if n == 2 else f"All {num(n)}"


def _n(x: float):
    return int(x) if float(x).is_integer() else round(x, 2)


# --- measured levels (uptime, response times) ---------------------------------------------


_NOUNS = {"response": "responses", "resolution": "fixes", "measurement": "measurements"}


def _subject(p: Promise, ms: list, records) -> str:
    kinds = {m.kind for m in ms}
    noun = _NOUNS[kinds.pop()] if len(kinds) == 1 else "measurements"
    pri = p.tier
    if pri is not None and any(tier_of(r) is not None for r in records):
        noun = f"P{pri} {noun}"
    return f"{noun} {level(p.threshold, p.threshold_unit, p.direction)}"


def _describe(m, unit) -> str:
    if m.kind == "measurement":
        what = amount(round(m.value, 2), unit)
    else:
        what = duration(m.value, unit)
    if m.ongoing:
        return f"{ref(m.record)} had no {m.kind} after {what}"
    if m.kind == "measurement":
        return f"{ref(m.record)} measured {what}"
    return f"{ref(m.record)} took {what}"


def _worst(ms: list, direction: str):
    bad = [m for m in ms if not m.ok] or ms
    return (max if direction == "at_most" else min)(bad, key=lambda m: m.value)


def _measured(ctx: _Ctx, records: list) -> Verdict:
    p = ctx.promise
    keep = admits_priority(p, records)
    ms = measurements(p, [r for r in records if keep(r)], ctx.as_of, ctx.settings.holidays)
    used = [m.record for m in ms]
    if not ms:
        status = "open" if ctx.due is None else "pending"
        pri = p.tier
        what = f"P{pri} " if pri is not None and any(tier_of(r) is not None for r in records) else ""
        noun = "tickets" if is_timed(p) else "measurements"
        return ctx.verdict(status, "measure.none",
                           f"No {what}{noun} recorded yet to check against "
                           f"\"{level(p.threshold, p.threshold_unit, p.direction)}\".")
    met, total = sum(m.ok for m in ms), len(ms)
    figures = {"met": met, "total": total, "rate": round(met / total, 2)}
    head = f"{met} of {total} {_subject(p, ms, records)} ({round(100 * met / total)}%)"
    if met < total:
        worst = _worst(ms, p.direction)
        return ctx.verdict("broken", "measure.breach",
                           f"{head}; {_describe(worst, p.threshold_unit)}.", used,
                           figures=figures)
    latest = ms[-1]
    if near_limit(latest.value, p.threshold, p.direction, p.threshold_unit,
                  ctx.settings.measurement_margin):
        return ctx.verdict("at_risk", "measure.near",
                           f"{head}, but the latest is close to the limit: "
                           f"{_describe(latest, p.threshold_unit)}.", used, figures=figures)
    return ctx.verdict("kept", "measure.met", f"{head}.", used, figures=figures)


# --- recurring promises ("quarterly business review") -------------------------------------


def _series(ctx: _Ctx):
    """(first period generator or None, end of series or None, basis in words)."""
    p, deal, s = ctx.promise, ctx.deal, ctx.settings
    biz = p.business_days
    every = ADVERB[p.recurrence]
    end, end_words = (deal.ends_on if deal else None), ""
    if end:
        end_words = f" until the contract ends ({end.isoformat()})"
    if p.anchor is None and p.due is None:
        # "weekly status calls until go-live": the extractor leaves the anchor empty (a
        # bound on a schedule is not a deadline); the series still ends at that event.
        bound = p.series_end
        if bound in ("go_live", "kickoff", "signature"):
            p = replace(p, anchor=bound, within_days=0)
    if p.due is not None:
        gen = periods_ending(p.due, p.recurrence, biz, s.holidays)
        return gen, end, f"{every}, first due {p.due.isoformat()} (stated in the proposal)" \
            + end_words
    if p.series_start is not None:
        start, where = p.series_start, f"{p.series_start.isoformat()} (stated in the proposal)"
    elif p.anchor and p.series_end == p.anchor:
        stop, label, note = anchor_date(deal, p.anchor)
        if stop is not None:
            stop = _shift(stop, p, s.holidays)
            if end is None or stop < end:
                end = stop
                end_words = f" until {label} ({stop.isoformat()}{note})"
        else:
            end_words += f" until {label} (date not recorded yet)"
        start, where = _default_start(deal, p)
    elif p.anchor:
        start, label, note = anchor_date(deal, p.anchor)
        if start is not None:
            start = _shift(start, p, s.holidays)
        where = f"{label} ({start.isoformat()}{note})" if start else unknown_anchor(deal, p.anchor)
    else:
        start, where = _default_start(deal, p)
    if start is None:
        return None, end, where
    if (p.threshold is not None or p.period_due_days is not None) and period_days(p.recurrence) >= 30:
        gen = calendar_periods(start, p.recurrence)
        every = every.replace("every ", "every calendar ")
    else:
        gen = periods_from(start, p.recurrence, biz, s.holidays)
    return gen, end, f"{every} from {where}{end_words}{_period_due_words(p)}"


def _period_due_words(p: Promise) -> str:
    if p.period_due_days is None:
        return ""
    n, noun = p.period_due_days, NOUN[p.recurrence]
    unit = ("business day" if p.period_due_business else "day") + ("" if n == 1 else "s")
    if p.period_due_from == "end":
        return f", each due within {n} {unit} of the {noun}'s end"
    if p.period_due_business:
        return f", each due by business day {n} of its {noun}"
    return f", each due by day {n} of its {noun}"


def _deadline_windows(periods: list, p: Promise, holidays) -> list:
    """Periods as the windows a deadline inside each period makes: each runs from the
    day after the previous deadline to its own ("by the fifth working day of each month":
    a report on 3 March is March's; one on 10 March is late for March)."""
    n, out, prev = p.period_due_days, [], None
    if p.period_due_from != "end" and len(periods) > 1 and \
            (periods[0][1] - periods[0][0]).days + 1 < 0.9 * period_days(p.recurrence):
        # Started mid-month: the first report falls due in the first whole month.
        prev = periods[0][0] - timedelta(days=1)
        periods = periods[1:]
    for s, e in periods:
        if p.period_due_from == "end":
            due = add_business_days(e, n, holidays) if p.period_due_business else e + timedelta(days=n)
        elif p.period_due_business:
            due = min(add_business_days(s - timedelta(days=1), n, holidays), e)
        else:
            due = min(s + timedelta(days=n - 1), e)
        out.append((s if prev is None else prev + timedelta(days=1), due))
        prev = due
    return out


def _shift(day: date, p: Promise, holidays) -> date:
    n = p.within_days or 0
    return add_business_days(day, n, holidays) if p.business_days else day + timedelta(days=n)


def _default_start(deal, p: Promise):
    """Kickoff, else signature, else go-live; measured service levels start at go-live."""
    order = ("kickoff", "signature", "go_live")
    if p.category in _FROM_GO_LIVE and p.threshold is not None:
        order = ("go_live", "kickoff", "signature")
    for anchor in order:
        day, label, note = anchor_date(deal, anchor)
        if day is not None:
            return day, f"{label} ({day.isoformat()}{note})"
    return None, unknown_anchor(deal, order[0]).replace(" date", ", kickoff and signature dates")


def _periods(gen, end: Optional[date], as_of: date) -> list:
    """Periods up to the end of the series (or up to the one running on ``as_of``).

    A last period cut short by the end of the series (the final days of the contract,
    or of the weeks before go-live) is not owed, unless it is the only one.
    """
    out = []
    for s, e in gen:
        if end is not None and (s > end or (e > end and out)):
            break
        if end is None and s > as_of:
            break
        out.append((s, min(e, end) if end is not None else e))
        if len(out) >= MAX_OCCURRENCES:
            break
    return out


def _recurring(ctx: _Ctx, records: list) -> Verdict:
    p, as_of = ctx.promise, ctx.as_of
    gen, end, basis = _series(ctx)
    if gen is None:
        return ctx.verdict("open", "anchor.unknown",
                           f"Recurs {ADVERB[p.recurrence]}, but the {basis}, so its periods "
                           "cannot be set yet.", due=None, due_basis=basis)
    periods = _periods(gen, end, as_of)
    if p.period_due_days is not None:
        periods = _deadline_windows(periods, p, ctx.settings.holidays)
    noun = NOUN[p.recurrence]
    window = min(ctx.settings.window_for(p.category), period_days(p.recurrence) // 2)
    if is_measured(p, records):
        occurrences, used, ms = _measured_occurrences(ctx, records, periods, window, noun)
    else:
        occurrences, used = _event_occurrences(ctx, records, periods, window, noun)
        ms = []
    return _recurring_verdict(ctx, occurrences, used, ms, basis, noun)


def _event_occurrences(ctx: _Ctx, records: list, periods: list, window: int, noun: str):
    as_of = ctx.as_of
    dated = _dated(records, as_of)
    dates = [r.delivered_on for r in dated]
    used: set = set()
    found: dict = {}
    for i, (s, e) in enumerate(periods):
        for j in range(bisect_left(dates, s), bisect_right(dates, e)):
            if j not in used:
                used.add(j)
                found[i] = (j, "kept", 0)
                break
    # A period with none takes a spare record from the next period, as held late. The
    # earliest record of that period is the late one; the next period keeps another.
    for i, (s, e) in enumerate(periods):
        if i in found or s > as_of:
            continue
        nxt_e = periods[i + 1][1] if i + 1 < len(periods) else e + (e - s) + timedelta(days=1)
        nxt = range(bisect_left(dates, e + timedelta(days=1)), bisect_right(dates, nxt_e))
        spare = next((j for j in nxt if j not in used), None)
        if spare is None:
            continue
        used.add(spare)
        first = nxt[0]
        if first != spare and found.get(i + 1, (None,))[0] == first:
            found[i + 1] = (spare, "kept", 0)
            spare = first
        found[i] = (spare, "late", (dates[spare] - e).days)
    occurrences = []
    ended = "its deadline" if ctx.promise.period_due_days is not None else f"the {noun} ended"
    for i, (s, e) in enumerate(periods):
        if i in found:
            j, status, late = found[i]
            r = dated[j]
            detail = (f"held on {r.delivered_on.isoformat()} ({ref(r)})" if status == "kept"
                      else f"held on {r.delivered_on.isoformat()}, {days(late)} after "
                           f"{ended} ({ref(r)})")
            occurrences.append(Occurrence(e, status, (ctx.evidence(r),), detail))
        elif e < as_of:
            occurrences.append(Occurrence(e, "broken", (), f"nothing recorded between "
                                                            f"{s.isoformat()} and {e.isoformat()}"))
        elif s <= as_of and (e - as_of).days <= window:
            occurrences.append(Occurrence(e, "at_risk", (), f"nothing recorded yet; the {noun} "
                                                             f"ends on {e.isoformat()}"))
        else:
            occurrences.append(Occurrence(e, "pending", (), f"{s.isoformat()} to {e.isoformat()}"))
    return occurrences, [dated[j] for j in sorted(used)]


def _measured_occurrences(ctx: _Ctx, records: list, periods: list, window: int, noun: str):
    p, as_of = ctx.promise, ctx.as_of
    keep = admits_priority(p, records)
    ms = measurements(p, [r for r in records if keep(r)], as_of, ctx.settings.holidays)
    days_ = [m.when.date() for m in ms]
    occurrences, used = [], []
    for s, e in periods:
        inside = ms[bisect_left(days_, s):bisect_right(days_, e)]
        evidence = tuple(ctx.evidence(m.record) for m in inside)
        used.extend(m.record for m in inside)
        if inside:
            bad = [m for m in inside if not m.ok]
            if bad:
                worst = _worst(bad, p.direction)
                occurrences.append(Occurrence(e, "broken", evidence,
                                              _describe(worst, p.threshold_unit)))
            else:
                occurrences.append(Occurrence(e, "kept", evidence, "; ".join(
                    _describe(m, p.threshold_unit) for m in inside)))
        elif e < as_of:
            # A missing figure is not a breach: the period needs evidence, and the
            # promise's status follows the periods that were measured.
            occurrences.append(Occurrence(e, NO_FIGURE, (), f"no figure recorded for the {noun} "
                                                            f"{s.isoformat()} to {e.isoformat()}"))
        else:
            occurrences.append(Occurrence(e, "pending", (), f"{s.isoformat()} to {e.isoformat()}"))
    return occurrences, used, ms


def _recurring_verdict(ctx: _Ctx, occurrences: list, used: list, ms: list, basis: str,
                       noun: str) -> Verdict:
    p, as_of = ctx.promise, ctx.as_of
    occ = tuple(occurrences)
    decided = [o for o in occ if o.status not in ("pending", NO_FIGURE)]
    missing = [o for o in occ if o.status == NO_FIGURE]
    held = sum(o.status in ("kept", "late") for o in occ)
    due_n = sum(o.status in ("kept", "late", "broken") for o in occ)
    figures = {"held": held, "due": due_n}
    upcoming = next((o.due for o in occ if o.due >= as_of), occ[-1].due if occ else None)
    records = sorted({id(r): r for r in used}.values(), key=record_key)
    if missing:
        figures["no_figure"] = len(missing)
    kw = dict(due_basis=basis, figures=figures, occurrences=occ)
    if not decided and missing:
        return ctx.verdict("open", "measure.no_figures", _needs_evidence(missing, noun, "No")
                           + " Not a breach, but evidence is needed.",
                           records, due=upcoming, **kw)
    if not decided:
        first = f"; the first {noun} ends on {occ[0].due.isoformat()}" if occ else ""
        return ctx.verdict("pending", "recurring.pending", f"Nothing due yet{first}.", records,
                           due=upcoming, **kw)
    worst = min(decided, key=lambda o: (_SEVERITY[o.status], o.due))
    measured = bool(ms) or is_measured(p, used)
    what = (f"{held} of {due_n} {plural(noun)} {level(p.threshold, p.threshold_unit, p.direction)}"
            if measured else f"{held} of {due_n} held ({ADVERB[p.recurrence]})")
    if missing:
        what += f" ({len(missing)} {plural(noun, len(missing))} with no figure recorded: evidence needed)"
    count = sum(o.status == worst.status for o in decided)
    more = f" (and {count - 1} more)" if count > 1 else ""
    if worst.status == "broken":
        rule = "measure.breach" if measured and worst.evidence else "recurring.missed"
        return ctx.verdict("broken", rule, f"{what}; the {noun} ending "
                           f"{worst.due.isoformat()}: {worst.detail}{more}.", records,
                           due=worst.due, **kw)
    if worst.status == "late":
        days_late = max(_late_days(o, records) for o in decided if o.status == "late")
        return ctx.verdict("late", "recurring.late", f"{what}; the {noun} ending "
                           f"{worst.due.isoformat()} was {worst.detail}{more}.", records,
                           due=worst.due, days_late=days_late, **kw)
    if worst.status == "at_risk":
        return ctx.verdict("at_risk", "recurring.at_risk", f"{what}; {worst.detail}.", records,
                           due=worst.due, **kw)
    if ms and near_limit(ms[-1].value, p.threshold, p.direction, p.threshold_unit,
                         ctx.settings.measurement_margin):
        return ctx.verdict("at_risk", "measure.near", f"{what}, but the latest is close to the "
                           f"limit: {_describe(ms[-1], p.threshold_unit)}.", records,
                           due=upcoming, **kw)
    nxt = f"; next {noun} ends on {upcoming.isoformat()}" if upcoming and upcoming >= as_of else ""
    return ctx.verdict("kept", "measure.met" if measured else "recurring.kept", f"{what}{nxt}.",
                       records, due=upcoming, **kw)


def _needs_evidence(missing: list, noun: str, lead: str = "; no") -> str:
    n = len(missing)
    span = (f"the {noun} ending {missing[0].due.isoformat()}" if n == 1 else
            f"{n} {plural(noun)} ({missing[0].due.isoformat()} to {missing[-1].due.isoformat()})")
    return f"{lead} figure recorded for {span}."


def _late_days(o: Occurrence, records) -> int:
    return max(((e.date - o.due).days for e in o.evidence if e.date), default=0)

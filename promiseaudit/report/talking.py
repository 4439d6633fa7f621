"""Figures and talking points in plain words, worked out from a promise and its verdict.

``figure_lines`` turns ``Verdict.figures`` and occurrences into sentences such as
"310/340 gateways delivered (91%)", "2 of 3 P1 responses within 1 hour, 67%" or
"3 of 4 held". ``talking_points`` suggests what a rep says about each problem.
"""
from __future__ import annotations

from datetime import date
from typing import Callable, Optional

from ..audit.week import held_counts
from ..models import Occurrence, Promise, Verdict
from .formatting import (
    RECURRENCE_PERIODS,
    amount,
    humanise_key,
    number,
    percent,
    plural,
    priority_of,
    shorten,
    threshold_phrase,
)

# What a quote is about, for sentences like "the missed go-live of 15 April".
SUBJECT_WORDS = (
    ("go-live", "go-live"), ("go live", "go-live"), ("golive", "go-live"),
    ("cut-over", "cut-over"), ("cutover", "cut-over"), ("launch", "launch"),
    ("migration", "data migration"), ("migrat", "data migration"),
    ("site survey", "site survey"), ("survey", "survey"),
    ("install", "installation"), ("pilot", "pilot"), ("roll-out", "roll-out"),
    ("rollout", "roll-out"), ("workshop", "workshop"), ("training", "training"),
    ("health report", "health report"), ("documentation", "documentation"),
    ("report", "report"), ("handover", "handover"), ("design", "design"),
    ("configuration", "configuration"), ("upgrade", "upgrade"),
    ("integration", "integration"), ("onboarding", "onboarding"),
    ("business review", "business review"), ("status call", "status call"),
    ("review", "review"), ("audit", "audit"), ("hypercare", "hypercare period"),
    ("deep clean", "deep clean"), ("replace", "replacement"), ("repair", "repair"),
)
CATEGORY_SUBJECTS = {
    "delivery": "delivery",
    "service_level": "service level",
    "training": "training",
    "check_in": "check-in",
    "support": "support response",
    "warranty": "warranty repair",
    "pricing": "price commitment",
}
MEASURE_WORDS = (
    ("uptime", "Uptime"), ("availab", "Availability"), ("respon", "Response time"),
    ("resol", "Resolution time"), ("replac", "Replacement time"), ("latency", "Latency"),
    ("accuracy", "Accuracy"),
)
MEASURED_KEYS = ("measured", "actual", "worst", "value")
_QUANTITY_KEYS = {"delivered", "promised", "delivered_to_date"}
_COMPLIANCE_KEYS = {"met", "total", "rate", "priority", "what"}
_HELD_KEYS = {"held", "due", "scheduled", "total"}


def held_figures(f: dict) -> Optional[tuple]:
    """(held, fallen due) from a recurring verdict's figures ({"held": 3, "due": 4})."""
    if "held" not in f:
        return None
    total = next((f[k] for k in ("due", "scheduled", "total") if k in f), None)
    return None if total is None else (f["held"], total)
_LEVEL_KEYS = set(MEASURED_KEYS) | {"threshold", "promised_level", "period", "unit"}


def subject(promise: Promise) -> str:
    """A short name for what was promised ("go-live", "training", "site survey")."""
    text = promise.text.lower()
    # The word nearest the start names the thing promised; later ones are usually the
    # anchor ("a health report within 10 days after go-live").
    best = None
    for word, name in SUBJECT_WORDS:
        at = text.find(word)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, name)
    return best[1] if best else CATEGORY_SUBJECTS.get(promise.category, "promise")


def measure_name(promise: Promise) -> str:
    text = promise.text.lower()
    for word, name in MEASURE_WORDS:
        if word in text:
            return name
    return "The measured level"


def period_name(promise: Promise, due: date) -> str:
    """The period an occurrence covers: "March 2027", "Q1 2027", "the week ending ..."."""
    rec = promise.recurrence
    if rec == "monthly":
        return due.strftime("%B %Y")
    if rec == "quarterly":
        return f"Q{(due.month - 1) // 3 + 1} {due.year}"
    if rec == "annually":
        return str(due.year)
    return ""


def _compliance_line(promise: Promise, figures: dict) -> str:
    met, total = figures["met"], figures["total"]
    rate = figures.get("rate")
    if rate is None and total:
        rate = met / total
    pct = percent(rate, "")
    tail = f", {pct}" if pct else ""
    level = threshold_phrase(promise.threshold, promise.threshold_unit, promise.direction)
    if promise.category == "check_in" or (promise.recurrence and not level):
        return f"{number(met)} of {number(total)} held"
    if promise.category == "support":
        prio = str(figures.get("priority") or priority_of(promise.text))
        what = figures.get("what") or ((prio + " " if prio else "") + plural("response", total))
        return f"{number(met)} of {number(total)} {what} {level}{tail}".replace("  ", " ")
    if promise.recurrence:
        period = plural(RECURRENCE_PERIODS.get(promise.recurrence, "period"), total)
        level = level.replace("at least ", "at or above ").replace("at most ", "at or below ")
        return f"{number(met)} of {number(total)} {period} {level}{tail}"
    what = figures.get("what") or "measurements"
    return f"{number(met)} of {number(total)} {what} {level}{tail}".replace("  ", " ")


def measured_value(promise: Promise, verdict: Verdict) -> Optional[tuple[float, str]]:
    """The worst measured value of a level promise and the period it was in, if known."""
    for key in MEASURED_KEYS:
        value = verdict.figures.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value), str(verdict.figures.get("period") or "")
    worst: Optional[tuple[float, Occurrence]] = None
    pick_low = promise.direction != "at_most"
    for occ in verdict.occurrences:
        if occ.status != "broken":
            continue
        for ev in occ.evidence:
            if ev.value is None:
                continue
            if worst is None or (ev.value < worst[0] if pick_low else ev.value > worst[0]):
                worst = (ev.value, occ)
    if worst is None:
        return None
    return worst[0], period_name(promise, worst[1].due)


def figure_lines(promise: Promise, verdict: Verdict) -> list[str]:
    """The verdict's figures as short sentences; unknown keys are shown by name."""
    f = verdict.figures or {}
    # The promised level is already in the quote; only measurements need a line.
    lines, used = [], {"threshold", "promised_level", "unit", "period"}
    if "delivered" in f and "promised" in f:
        delivered, promised = f["delivered"], f["promised"]
        unit = plural(promise.unit, promised) or "delivered"
        share = percent(delivered / promised, "") if promised and delivered is not None else ""
        tail = f" ({share})" if share else ""
        verb = " delivered" if promise.unit else ""
        to_date = f.get("delivered_to_date")
        when = " by the due date" if to_date is not None and to_date != delivered else ""
        lines.append(f"{number(delivered)}/{number(promised)} {unit}{verb}{when}{tail}")
        if when:
            lines.append(f"{number(to_date)}/{number(promised)} delivered to date")
        used |= _QUANTITY_KEYS
    if "met" in f and "total" in f:
        lines.append(_compliance_line(promise, f))
        used |= _COMPLIANCE_KEYS
    held = held_figures(f)
    if held is not None and "met" not in f:
        if promise.threshold is not None and promise.recurrence:
            lines.append(_compliance_line(promise, {"met": held[0], "total": held[1]}))
        else:
            lines.append(f"{number(held[0])} of {number(held[1])} held")
        used |= _HELD_KEYS
    measured = measured_value(promise, verdict) if promise.threshold is not None else None
    if measured is not None:
        value, period = measured
        promised = threshold_phrase(promise.threshold, promise.threshold_unit, promise.direction)
        when = f" in {period}" if period else ""
        lines.append(f"Measured {amount(value, promise.threshold_unit)}{when}; "
                     f"promised {promised}")
        used |= _LEVEL_KEYS
    if not (used & ({"met", "held"})):
        counts = held_counts(verdict)
        if counts and promise.recurrence:
            lines.append(f"{counts[0]} of {counts[1]} held")
    for key in sorted(set(f) - used):
        value = f[key]
        if isinstance(value, (dict, list, tuple)):
            continue
        lines.append(f"{humanise_key(key)}: {number(value)}")
    return lines


def talking_points(promise: Promise, verdict: Verdict, as_of: date,
                   fmt: Callable[[Optional[date]], str]) -> list[str]:
    """What a rep could say about a broken, at-risk or late promise (empty otherwise)."""
    status = verdict.status
    if status not in ("broken", "at_risk", "late"):
        return []
    what = subject(promise)
    due = fmt(verdict.due, "the agreed date")
    points = []
    if status == "broken":
        points.append(_broken_point(promise, verdict, what, due))
    elif status == "at_risk" and promise.threshold is not None and (
            "met" in (verdict.figures or {}) or held_figures(verdict.figures or {})):
        level = threshold_phrase(promise.threshold, promise.threshold_unit, promise.direction)
        points.append(f"The latest figure is close to the promised limit ({level}); say what "
                      "is being done to stay within it before they notice.")
    elif status == "at_risk" and promise.recurrence and verdict.due is not None:
        points.append(f"The {what} due {due} is not recorded yet; confirm when it will "
                      "happen.")
    elif status == "at_risk":
        if verdict.due is not None:
            days = (verdict.due - as_of).days
            when = ("today" if days == 0 else
                    f"in {days} day{'s' if days != 1 else ''}" if days > 0 else "now")
            points.append(
                f"The {what} is due {due} ({when}) and nothing is recorded as delivered "
                "yet; confirm it is on track, or warn them now and agree a new date."
            )
        else:
            points.append(f"The {what} has nothing recorded as delivered yet; confirm "
                          "it is on track and agree a date.")
    else:
        late = (f" {verdict.days_late} day{'s' if verdict.days_late != 1 else ''} late"
                if verdict.days_late else " late")
        points.append(f"The {what} came{late} (due {due}); acknowledge it if they raise "
                      "it and confirm nothing else is outstanding.")
    if status != "late" and promise.condition:
        points.append(f"It depended on a condition ({shorten(promise.condition, 80)}); "
                      "check whether that was met before you apologise.")
    if status == "broken" and promise.strength == "soft":
        points.append("The proposal worded this as an aim, not a firm commitment; "
                      "still treat it as something they expect.")
    return points


def _broken_point(promise: Promise, verdict: Verdict, what: str, due: str) -> str:
    f = verdict.figures or {}
    if "delivered" in f and "promised" in f and f["promised"] and f["delivered"] is not None:
        so_far = f.get("delivered_to_date")
        so_far = so_far if so_far is not None and so_far != f["delivered"] else None
        missing = f["promised"] - (so_far if so_far is not None else f["delivered"])
        unit = plural(promise.unit, missing) or "items"
        since = f" ({number(so_far)} so far)" if so_far is not None else ""
        return (f"Only {number(f['delivered'])} of {number(f['promised'])} "
                f"{plural(promise.unit, f['promised']) or 'items'} were delivered by {due}"
                f"{since}; give a date for the remaining {number(missing)} {unit} and say what "
                "is holding them up.")
    level = threshold_phrase(promise.threshold, promise.threshold_unit, promise.direction)
    if promise.category == "support" and "met" in f and "total" in f:
        missed = f["total"] - f["met"]
        prio = str(f.get("priority") or priority_of(promise.text))
        noun = (prio + " " if prio else "") + plural("response", f["total"])
        return (f"{number(missed)} of {number(f['total'])} {noun} missed the promise "
                f"({level}); walk through those tickets and what changes to prevent a repeat.")
    if promise.threshold is not None:
        measured = measured_value(promise, verdict)
        credit = ("the service credit due" if "credit" in promise.text.lower()
                  else "any service credit the contract gives")
        if measured is not None:
            value, period = measured
            when = f" in {period}" if period else ""
            return (f"{measure_name(promise)} was {amount(value, promise.threshold_unit)}{when} "
                    f"against {amount(promise.threshold, promise.threshold_unit)} promised; "
                    f"explain the cause, what has changed, and {credit}.")
        return (f"{measure_name(promise)} fell short of the promised level ({level}); "
                f"explain the cause, what has changed, and {credit}.")
    if promise.recurrence or promise.category == "check_in":
        counts = held_figures(f) or held_counts(verdict)
        if "met" in f and "total" in f:
            counts = (f["met"], f["total"])
        if counts:
            missed = counts[1] - counts[0]
            noun = plural(what, counts[1])
            return (f"{number(missed)} of {number(counts[1])} scheduled {noun} did not "
                    f"happen ({number(counts[0])} of {number(counts[1])} held); apologise "
                    "and book the next one during this call.")
        return (f"The {what} did not happen as promised; apologise and book the next one "
                "during this call.")
    if promise.category == "pricing":
        return (f"The price commitment was not honoured (\u201c{shorten(promise.text, 70)}\u201d); "
                "check the invoices and offer a correction.")
    if promise.category == "warranty":
        return (f"The warranty promise was missed (\u201c{shorten(promise.text, 70)}\u201d); "
                "apologise and give a firm repair date.")
    return (f"Acknowledge the missed {what} of {due}; offer a new date and explain what is "
            "being done to deliver it.")

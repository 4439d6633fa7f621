"""Due dates: stated in the proposal, or counted from signature, kickoff or go-live."""
from __future__ import annotations

from datetime import timedelta
from typing import Optional

from ..models import Deal, Promise
from .calendar import add_business_days

_EVENT = {"signature": "signature", "kickoff": "kickoff", "go_live": "go-live"}


def anchor_date(deal: Optional[Deal], anchor: str) -> tuple:
    """(date or None, label, note) for an anchor event of a deal.

    The go-live date is the actual one when recorded, else the planned one from the
    proposal, with a note saying so.
    """
    label = _EVENT.get(anchor, anchor.replace("_", " "))
    if deal is None:
        return None, label, ""
    if anchor == "signature":
        return deal.signed_on, label, ""
    if anchor == "kickoff":
        return deal.kickoff_on, label, ""
    if anchor == "go_live":
        if deal.go_live_on:
            return deal.go_live_on, label, ""
        if deal.go_live_planned:
            return (deal.go_live_planned, "the planned go-live",
                    ", from the proposal; actual go-live not recorded yet")
        return None, label, ""
    known = deal.event(anchor)
    if known is not None:
        return known[0], label, f", {known[1]}"
    if anchor == "termination" and deal.ends_on is not None:
        # "return all data within 30 days of termination": the contract's recorded end
        return deal.ends_on, "the end of the contract", ", the deal's end date"
    return None, label, ""


def unknown_anchor(deal: Optional[Deal], anchor: str) -> str:
    """Why an anchor date is unknown, in words: "go-live date not recorded"."""
    label = _EVENT.get(anchor, anchor.replace("_", " "))
    if deal is None:
        return f"{label} date not recorded (the deal is not in the ledger)"
    if anchor == "termination":
        return (f"the contract's end is not recorded (record it with `promiseaudit deals set "
                f"{deal.deal_id} --ends YYYY-MM-DD`)")
    if anchor not in _EVENT:
        return (f"{label} date not recorded (record it with `promiseaudit deals set "
                f"{deal.deal_id} --event \"{label}=YYYY-MM-DD\"`)")
    return f"{label} date not recorded"


def resolve_due(promise: Promise, deal: Optional[Deal], settings=None) -> tuple:
    """(due date or None, how it was found, in words).

    "stated in the proposal"; "45 days after signature (2027-01-10)";
    "15 business days after kickoff (2027-01-25)"; "30 days after the planned go-live
    (2027-04-01, from the proposal; actual go-live not recorded yet)";
    (None, "go-live date not recorded") when the event has no date yet.
    A relative deadline with no named event counts from signature.
    """
    if promise.due is not None:
        return promise.due, "stated in the proposal"
    if promise.within_days is None:
        return None, "no due date in the proposal"
    anchor = promise.anchor or "signature"
    start, label, note = anchor_date(deal, anchor)
    if start is None:
        return None, unknown_anchor(deal, anchor)
    n = int(promise.within_days)
    holidays = settings.holidays if settings is not None else frozenset()
    if promise.business_days:
        due = add_business_days(start, n, holidays)
        unit = "business day" if abs(n) == 1 else "business days"
    else:
        due = start + timedelta(days=n)
        unit = "day" if abs(n) == 1 else "days"
    assumed = "" if promise.anchor else "; the proposal names no event, so signature is used"
    where = f"({start.isoformat()}{note}{assumed})"
    if n == 0:
        return due, f"by {label} {where}"
    side = "after" if n > 0 else "before"
    return due, f"{abs(n)} {unit} {side} {label} {where}"

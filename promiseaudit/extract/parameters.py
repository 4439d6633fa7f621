"""Which parameters a promise gets, by category, from the dates and quantities finders.

The finders (dates.py, quantities.py) read any sentence; this module decides which of
their answers make sense for a category and for which part of the unit:

- deadlines (due date, or days after signature/kickoff/go-live) for every category; a
  response or fix time is a threshold, so for support, service levels, warranties and
  pricing a threshold found on the same words wins over a relative deadline;
- recurrence for everything but warranties, and for pricing only when it is about
  increases ("annual increases are capped at 4 %");
- a quantity (how many of what) for deliveries, training and support;
- a threshold for everything but check-ins; warranty and price-hold periods
  ("36-month warranty", "held for 12 months") come from ``find_period``.

A list item that is only a fragment takes its due date from the lead-in when it has
none of its own ("... delivered by 19 March:" followed by the deliverables).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Optional

QUANTITY_CATEGORIES = ("delivery", "training", "support")
THRESHOLD_FIRST = ("support", "service_level", "warranty", "pricing")
_INCREASE = re.compile(r"\b(?:increase|increases|rise|rises|escalat\w*|uplift)\b", re.I)


@dataclass
class Parameters:
    due: Optional[date] = None
    within_days: Optional[int] = None
    business_days: bool = False
    anchor: Optional[str] = None
    recurrence: Optional[str] = None
    quantity: Optional[float] = None
    unit: Optional[str] = None
    threshold: Optional[float] = None
    threshold_unit: Optional[str] = None
    direction: Optional[str] = None


def _overlap(a, b) -> bool:
    return a is not None and b is not None and a.start < b.end and b.start < a.end


def parameters_for(text: str, category: str, lead_in: str = "", document_date: Optional[date] = None,
                   locale: Optional[str] = None, fragment: bool = False) -> Parameters:
    """Parameters of one promise.

    text (str): the promise's unit text (sentence, item or row).
    category (str): its category.
    lead_in (str): the lead-in sentence of a list item ("" otherwise).
    fragment (bool): the item has no verb of its own, so the lead-in's deadline applies.
    """
    from .dates import find_deadline
    from .quantities import find_period, find_quantity, find_recurrence, find_threshold

    out = Parameters()
    deadline = find_deadline(text, document_date, locale) if _maybe_dated(text) else None
    if deadline is None and fragment and lead_in and _maybe_dated(lead_in):
        lead = find_deadline(lead_in, document_date, locale)
        if lead is not None and lead.due is not None:
            deadline = lead
    threshold = None
    if category != "check_in" and re.search(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                                             r"twelve|fifteen|twenty|thirty|forty|sixty|ninety|hundred|"
                                             r"next|same)\b", text, re.I):
        if category in ("warranty", "pricing"):
            first, second = (find_period, find_threshold) if category == "pricing" else (find_threshold, find_period)
            threshold = first(text) or second(text)
        else:
            threshold = find_threshold(text)
            if threshold is None and category in ("support", "training"):
                threshold = find_period(text)
    if threshold is not None and deadline is not None and _overlap(threshold, deadline):
        if category in THRESHOLD_FIRST:
            deadline = None if deadline.due is None else deadline.__class__(
                deadline.due, None, False, None, deadline.start, deadline.end, deadline.text)
        else:
            threshold = None
    if deadline is not None:
        out.due = deadline.due
        out.within_days = deadline.within_days
        out.business_days = bool(deadline.business_days) and deadline.within_days is not None
        out.anchor = deadline.anchor if deadline.within_days is not None else None
    if threshold is not None:
        out.threshold = threshold.threshold
        out.threshold_unit = threshold.unit
        out.direction = threshold.direction
    if category != "warranty" and (category != "pricing" or _INCREASE.search(text)):
        out.recurrence = find_recurrence(text)
    if category in QUANTITY_CATEGORIES:
        quantity = find_quantity(text)
        if quantity is not None and not _overlap(quantity, threshold) and not _overlap(quantity, deadline):
            out.quantity = quantity.quantity
            out.unit = quantity.unit
    return out


_DATEISH = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|q[1-4]|quarter|week|weeks|month|months|day|days|"
    r"year|years|before|after|go-?live|launch|kick-?off|signature|signing|handover|end of|start of|"
    r"beginning of|mid|tomorrow|fortnight)", re.I)


def _maybe_dated(text: str) -> bool:
    return bool(_DATEISH.search(text))

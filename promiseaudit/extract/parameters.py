"""Which parameters a promise gets, by category, from the grammar's reading of the unit.

The grammar (``grammar.read_unit`` over dates.py, quantities.py, recurrence.py) reads
any sentence once; this module decides which of
their answers make sense for a category and for which part of the unit:

- deadlines (due date, or days after signature/kickoff/go-live) for every category,
  read from the main clause only: "provided you notify us within 30 days" is the
  customer's side of a condition, not a deadline of the promise;
- a threshold for everything but check-ins. Response and fix times are thresholds, so
  for support, service levels, warranties and pricing a threshold on the same words
  wins over a relative deadline; warranty and price-hold periods ("36-month warranty",
  "held for 12 months", "plants that die within 6 months") are ``at_least`` periods. A
  service credit or make-good takes its level from the condition ("if availability
  falls below 99.9 %");
- recurrence for everything but warranties, and for pricing only when it is about
  increases ("annual increases are capped at 4 %");
- a quantity (how many of what) for deliveries, training and support; the length of a
  session ("a 90-minute session") is not a threshold.

A list item that is only a fragment takes its due date and recurrence from the lead-in
when it has none of its own ("By 19 March you'll have:", "Every night our team will:").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Optional

from ..tiers import named_tier, promise_is_about_incidents, promise_measures, time_kind
from .grammar import read_unit
from .quantities import find_bare_level

QUANTITY_CATEGORIES = ("delivery", "training", "support", "check_in")
THRESHOLD_FIRST = ("support", "service_level", "warranty", "pricing")
# Money the seller pays out on a schedule ("remit 10% of the hosting fees monthly").
_PAID_OUT = re.compile(r"\b(?:remit\w*|paid\s+to|pay\s+to|refund\w*|rebate\w*)\b", re.I)
_INCREASE = re.compile(r"\b(?:increase|increases|rise|rises|escalat\w*|uplift)\b", re.I)
_NUMBERISH = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
                        r"thirty|forty|sixty|ninety|hundred|next|same)\b", re.I)
_PERIOD_IN = re.compile(r"(?P<n>\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                        r"eighteen|twenty-four|thirty-six)\s*(?:\(\d+\)\s*)?-?\s*(?P<unit>day|week|month|year)s?\b", re.I)
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24, "thirty-six": 36}
_HOURS = re.compile(r"\bh(?:ou)?rs?\b", re.I)
_DATEISH = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|q[1-4]|quarter|week|weeks|month|months|day|days|"
    r"year|years|before|after|go-?live|launch|kick-?off|signature|signing|handover|end of|start of|"
    r"beginning of|mid|tomorrow|fortnight|prior|upon|date|deadline|termination|expiration|expiry|"
    r"execution|hereof)", re.I)


_COUNT_TARGET = re.compile(
    r"\b(?P<dir>a\s+minimum\s+of|minimum\s+of|at\s+least|no\s+fewer\s+than|not\s+less\s+than|a\s+maximum\s+of|"
    r"no\s+more\s+than|at\s+most|not\s+more\s+than)\s+(?P<n>\d[\d,]*)\s+(?:[\w-]+\s+){0,3}?(?P<noun>[a-z][\w-]*s)\b"
    r"(?=\s+(?:over|per|each|every|a|an|in|within|during|across|from|for|on|by|at|and|or|a|this|that|delivered|"
    r"published|secured|achieved)\b|\s*[,.;:)\u2013\u2014-]|\s*$)", re.I)
_FAILS_WITHIN = re.compile(r"\b(?:fails?|failing|breaks?|breaking|dies?|dying|defect\w*|faulty|goes wrong|go wrong|"
                           r"stops? working|wears? out|leaks?)\b(?:\s+[\w'-]+){0,4}?\s+(?:within|in the first|during the first)\s",
                           re.I)
_MEASURE_UNITS = frozenset(("%", "ms", "second", "minute", "hour", "business_hour", "day", "business_day", "week",
                            "month", "year"))
_HOLD_WORDS = re.compile(r"\b(?:held|hold|holds|fixed|locked|frozen|capped|cap|guaranteed|unchanged|not (?:increase|rise|change))\b",
                         re.I)
_DISCOUNT_AFTER = re.compile(r"%\s*(?:off|discount|reduction|rebate)\b|(?:per\s?cent)\s+(?:off|discount)\b", re.I)


def _count_target(text: str) -> Optional["_Level"]:
    """'a minimum of 24 earned media placements over six months' -> 24 'placement' at_least."""
    from .quantities import singularise

    m = _COUNT_TARGET.search(text)
    if not m:
        return None
    direction = "at_most" if re.search(r"maximum|more|most", m.group("dir"), re.I) else "at_least"
    value = float(m.group("n").replace(",", ""))
    return _Level(value, singularise(m.group("noun").lower()), direction, m.start(), m.end())


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
    series_end: Optional[str] = None  # the event a recurring promise runs until ("until go-live")
    names_go_live: bool = False  # the unit names go-live, which the audit's anchors start from
    tier: Optional[int] = None  # the priority tier it is limited to ("P1 incidents")
    measures: Optional[str] = None  # what a measured promise measures (tiers.MEASURES)
    about_incidents: bool = False  # incidents, faults or repairs, not questions
    series_start: Optional[date] = None  # "From September 2027, monthly reviews"
    period_due_days: Optional[int] = None  # "by the fifth working day of each month" -> 5
    period_due_from: Optional[str] = None  # counted from the period's "start" or "end"
    period_due_business: bool = False  # ... in business days
    action: Optional[str] = None  # what is done to a counted quantity: "installed", "held"


@dataclass(frozen=True)
class _Level:
    threshold: float
    unit: str
    direction: str
    start: int
    end: int


def _overlap(a, b) -> bool:
    return a is not None and b is not None and a.start < b.end and b.start < a.end


def _blank(text: str, span: Optional[tuple[int, int]]) -> str:
    if not span:
        return text
    a, b = span
    return text[:a] + " " * (b - a) + text[b:]


def _period_from(deadline) -> Optional[_Level]:
    """'within 6 months of planting' read as a period of at least 6 months."""
    if not re.match(r"\s*(?:within|for|during|in the first)\b", deadline.text, re.I):
        return None  # "12 months after handover" is a date, not a window
    m = _PERIOD_IN.search(deadline.text)
    if not m:
        return None
    raw = m.group("n").lower()
    value = float(raw) if raw[0].isdigit() else float(_WORD_NUMBERS[raw])
    return _Level(value, m.group("unit").lower(), "at_least", deadline.start, deadline.end)


def parameters_for(text: str, category: str, lead_in: str = "", document_date: Optional[date] = None,
                   locale: Optional[str] = None, fragment: bool = False,
                   condition: Optional[tuple[int, int]] = None,
                   other_conditions: tuple = ()) -> Parameters:
    """Parameters of one promise.

    text (str): the promise's unit text (sentence, item or row).
    category (str): its category.
    lead_in (str): the lead-in sentence of a list item ("" otherwise).
    fragment (bool): the item has no verb of its own, so the lead-in's date applies.
    condition ((int, int) | None): span of the condition clause in ``text``.
    """
    whole = read_unit(text, document_date, locale)
    out = Parameters(names_go_live=whole.names_go_live)
    main_text = _blank(text, condition)
    for span in other_conditions:
        main_text = _blank(main_text, span)
    main = whole if main_text == text else read_unit(main_text, document_date, locale)
    lead = read_unit(lead_in, document_date, locale)
    deadline = main.deadline if _DATEISH.search(main_text) else None
    if deadline is None and category == "check_in" and _HOURS.search(main_text):
        deadline = main.notice_deadline  # notices have no response times
    if deadline is None and condition:
        # "If we miss the October 1 go-live date, ..." promises something about that date;
        # a relative period in a condition ("notify us within 30 days") is the customer's.
        found = read_unit(text[condition[0]:condition[1]], document_date, locale).deadline
        if found is not None and found.due is not None and found.within_days is None:
            deadline = found.__class__(found.due, None, False, None, found.start + condition[0],
                                       found.end + condition[0], found.text)
    lead_deadline = None
    if deadline is None and fragment and lead_in and _DATEISH.search(lead_in):
        found = lead.deadline
        if found is not None and found.due is not None:
            lead_deadline = found

    level = None
    if category != "check_in" and _NUMBERISH.search(text):
        cond_text = _blank(text, (0, condition[0])) if condition else ""
        cond_text = _blank(cond_text, (condition[1], len(text))) if condition else ""
        cond = read_unit(cond_text, document_date, locale)
        if category == "pricing":
            level = cond.threshold or main.period or main.threshold
        elif category == "warranty":
            level = main.threshold or main.period or cond.threshold
        else:
            level = main.threshold
            if level is None and category in ("support", "training"):
                level = main.period
            if level is None and condition and category in ("service_level", "support"):
                level = cond.threshold
    if category == "warranty" and level is not None and level.direction == "at_most" and \
            level.unit in ("day", "week", "month", "year") and _FAILS_WITHIN.search(main_text):
        # "any repair that fails within 90 days we'll redo": the cover lasts at least 90 days
        level = _Level(level.threshold, level.unit, "at_least", level.start, level.end)
    if category in ("warranty", "pricing") and level is None and deadline is not None \
            and deadline.within_days is not None and deadline.within_days > 0:
        level = _period_from(deadline)
        if level is not None:
            deadline = None
    if level is not None and deadline is not None and _overlap(level, deadline):
        if category in THRESHOLD_FIRST:
            deadline = None if deadline.due is None else deadline.__class__(
                deadline.due, None, False, None, deadline.start, deadline.end, deadline.text)
        else:
            level = None

    if level is None and category == "service_level" and deadline is not None and deadline.due is None \
            and deadline.within_days is not None and deadline.within_days > 0 \
            and deadline.anchor not in ("signature", "kickoff", "go_live"):
        # "complete each job within 14 days of receiving the files": a turnaround each
        # time the event happens, a measured level and not one deadline
        level = _Level(float(deadline.within_days), "business_day" if deadline.business_days else "day",
                       "at_most", deadline.start, deadline.end)
        deadline = None
    if level is None and category in _LEVEL_CATEGORIES:
        level = _field_level(main_text, category)
    if category == "service_level":
        counted = _count_target(main_text)
        if counted is not None and (level is None or level.unit not in _MEASURE_UNITS):
            level = counted
    if category == "pricing" and level is not None and _DISCOUNT_AFTER.search(text) and not _HOLD_WORDS.search(text):
        level = None  # "8% off the list prices": a discount, not a measured level or a price hold

    quantity = main.quantity if category in QUANTITY_CATEGORIES else None
    if quantity is not None and category == "check_in" and quantity.unit not in _CONTACTS:
        quantity = None  # "a review with 3 of your store managers": who attends, not how many reviews
    if quantity is not None and _overlap(quantity, level):
        if category == "support":
            quantity = None
        else:
            level = None  # "one 90-minute session": a session count, not a level

    deadline = deadline or lead_deadline
    if deadline is not None:
        out.due = deadline.due
        out.within_days = deadline.within_days
        out.business_days = bool(deadline.business_days) and deadline.within_days is not None
        out.anchor = deadline.anchor if deadline.within_days is not None else None
    if level is not None:
        out.threshold = level.threshold
        out.threshold_unit = level.unit
        out.direction = level.direction
    if category != "warranty" and (category != "pricing" or _INCREASE.search(text) or _PAID_OUT.search(text)):
        out.recurrence = main.recurrence
        if out.recurrence is None and fragment and lead_in:
            out.recurrence = lead.recurrence
        if out.recurrence is not None:
            out.series_end = whole.series_end
            _schedule(out, whole)
    if quantity is not None:
        out.quantity = quantity.quantity
        out.unit = quantity.unit
        out.action = whole.action
    out.tier = named_tier(text)
    out.measures = promise_measures(text, out.threshold_unit, out.direction)
    out.about_incidents = promise_is_about_incidents(text, category)
    return out


_ON_BUSINESS_DAYS = re.compile(r"\b(?:business|working|week) ?days?\b|\bweekdays?\b", re.I)


def _schedule(out: Parameters, whole) -> None:
    """Where a recurring promise starts and its deadline inside each period, as the text
    says; an in-period deadline replaces a relative deadline read from the same words."""
    day, event = whole.series_start
    found = whole.period_deadline
    if out.within_days is None and _ON_BUSINESS_DAYS.search(whole.text):
        out.business_days = True  # "every business day", "weekly on working days"
    if found is not None:
        out.period_due_days, out.period_due_business, out.period_due_from = found
        if out.due is None and out.anchor is not None and out.anchor not in ("signature", "kickoff", "go_live"):
            out.within_days, out.anchor, out.business_days = None, None, False
    if day is not None and out.due is None:
        out.series_start = day
    elif event is not None and out.due is None and out.anchor is None and out.within_days is None:
        out.anchor, out.within_days = event, 0


# What a check-in counts: "two site visits", "3 community calls", "one restore test".
_CONTACTS = frozenset(("call", "meeting", "visit", "review", "check-in", "checkin", "workshop", "session",
                       "demo", "demonstration", "briefing", "report", "presentation", "inspection",
                       "audit", "test", "survey", "update", "newsletter", "webinar"))
_LEVEL_CATEGORIES = ("service_level", "support", "warranty")
# What a column or field holding a bare time or level measures ("Response time", "Target
# resolution", "Uptime"), and a row or field named for a priority tier ("P1", "Severity 2").
_TARGET_HEADER = re.compile(
    r"\b(?:respon\w*|resol\w*|restor\w*|fix\w*|repair\w*|work-?arounds?|on-?site|arrival|"
    r"acknowledg\w*|turnaround|target\w*|times?|sla|availability|uptime|callback|call-back|"
    r"attend\w*|update\w*)\b", re.I)
_TIER_NAME = re.compile(r"\b(?:priority|severity|sev|p[0-5]|s[0-5]|level|critical|urgent|high|medium|"
                        r"normal|low|major|minor|emergency|standard)\b", re.I)
_FIELD = re.compile(r"^\s*(?P<key>[^:|\n]{2,60}?)\s*(?::|\s[-\u2013\u2014]\s)\s*(?P<value>[^:\n]{1,40})$")


def _field_level(text: str, category: str) -> Optional[_Level]:
    """'Response time: 4 business hours', 'Priority 1 incidents: 2 hours', 'Severity 1 -
    30 minutes': a field whose value is only a level, named for what it measures or for
    a priority tier."""
    m = _FIELD.match(text)
    if m is None or not (_TARGET_HEADER.search(m.group("key")) or _TIER_NAME.search(m.group("key"))):
        return None
    found = find_bare_level(m.group("value"))
    if found is None:
        return None
    offset = m.start("value")
    return _Level(found.threshold, found.unit, _bare_direction(found, category), offset + found.start,
                  offset + found.end)


def _bare_direction(found, category: str) -> str:
    """A warranty's bare months or years are how long it covers (at least), not a limit."""
    if category == "warranty" and found.unit in ("month", "year"):
        return "at_least"
    return found.direction


_QTY_HEADER = re.compile(r"^(?:qty|quantity|quantities|no\.?|number|count|units|#|amount)\b|\b(?:qty|quantity)$", re.I)
_COUNT_HEADER = re.compile(r"^(?:attendees|participants|delegates|learners|trainees|users|seats|licen[cs]es|sessions|"
                           r"visits|sites|devices|endpoints|locations|staff|people|places|hours)\b", re.I)
_FREQ_HEADER = re.compile(r"\b(?:frequency|how often|cadence|schedule|recurrence|interval)\b", re.I)
_LEAD_HEADER = re.compile(r"\b(?:lead time|delivery time|timing|when|due|timeline|deadline|turnaround)\b", re.I)
_CELL_NUMBER = re.compile(r"^\s*(?:up to\s+|max\.?\s+|approx\.?\s+)?(\d{1,3}(?:,\d{3})*|\d+)(?:\s*[x\u00d7])?\s*"
                          r"(?P<rest>[A-Za-z][\w-]*)?\s*$", re.I)


def _cell_level(header, cells, params: Parameters, category: str) -> None:
    """A matrix row ("P1 | 15 minutes | 4 hours" under "Priority | Response |
    Resolution"): the first cell that holds only a level, under a column named for what
    it measures (or in a row named for a priority tier), is the row's target; the
    column's name says what it measures."""
    tiered = bool(cells) and bool(_TIER_NAME.search(cells[0]))
    for i, h in enumerate(header[:len(cells)]):
        if i == 0 or not (_TARGET_HEADER.search(h) or tiered):
            continue
        found = find_bare_level(cells[i])
        if found is None:
            continue
        direction = _bare_direction(found, category)
        params.threshold, params.threshold_unit, params.direction = found.threshold, found.unit, direction
        params.measures = promise_measures(h, found.unit, direction) or time_kind(" ".join(cells)) \
            or params.measures
        return


def row_parameters(header, cells, params: Parameters, category: str, document_date=None, locale=None) -> Parameters:
    """Parameters a table row gives through its columns: a quantity column ("Qty",
    "Attendees"), a frequency column and a lead-time column fill what the row's text
    alone did not."""
    from .quantities import singularise

    header = [h.strip() for h in header]
    if params.threshold is None and category in _LEVEL_CATEGORIES:
        _cell_level(header, cells, params, category)
    for i, h in enumerate(header):
        if i >= len(cells):
            break
        cell = cells[i].strip()
        if not cell:
            continue
        if params.quantity is None and category in QUANTITY_CATEGORIES and i > 0:
            m = _CELL_NUMBER.match(cell)
            if m and (_QTY_HEADER.search(h) or _COUNT_HEADER.match(h)):
                value = float(m.group(1).replace(",", ""))
                if m.group("rest"):
                    unit = singularise(m.group("rest").lower())
                elif _COUNT_HEADER.match(h):
                    unit = singularise(_COUNT_HEADER.match(h).group(0).lower())
                else:
                    words = re.findall(r"[A-Za-z][\w-]*", cells[0])
                    unit = singularise(words[-1].lower()) if words else None
                if unit:
                    params.quantity, params.unit = value, unit
        if params.recurrence is None and category != "warranty" and _FREQ_HEADER.search(h):
            params.recurrence = read_unit(cell).recurrence
            if params.recurrence is not None:
                params.series_end = read_unit(" ".join(cells)).series_end
        if params.due is None and params.within_days is None and _LEAD_HEADER.search(h):
            found = read_unit(cell, document_date, locale).deadline
            if found is not None:
                params.due, params.within_days = found.due, found.within_days
                params.business_days = bool(found.business_days) and found.within_days is not None
                params.anchor = found.anchor if found.within_days is not None else None
    return params

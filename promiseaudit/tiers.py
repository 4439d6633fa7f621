"""Shared vocabulary of priority tiers and measurements.

Extraction reads a promise's tier ("P1 incidents", "Urgent tickets", "Severity 2") and
what it measures (availability, response time, resolution time) once and stores them;
imports read the same from a record's columns or description; the audit compares the
stored fields. One vocabulary, so "Urgent" in a proposal and in a help-desk export mean
the same tier.

Tiers are levels 1 (most urgent) to 5. The usual schemes map onto them:
P1-P5 / Priority 1-5 / Severity 1-5 / Sev-1 / S1 -> their number; Critical, Urgent,
Emergency -> 1; High, Major -> 2; Normal, Medium, Moderate, Minor -> 3; Low -> 4.
"""
from __future__ import annotations

import re
from typing import Optional

MEASURES = ("availability", "response", "resolution", "count")

# --- priority tiers ------------------------------------------------------------------------

_NUMBERED = re.compile(r"\b(?:p|priority|prio|severity|sev)[\s-]*([1-5])\b", re.I)
_RECORD_NUMBERED = re.compile(r"\b(?:p|priority|prio|severity|sev|s)[\s.:#-]*([1-5])\b", re.I)
_WORD_LEVELS = (
    ("critical", 1), ("urgent", 1), ("emergency", 1), ("blocker", 1),
    ("high", 2), ("major", 2),
    ("normal", 3), ("medium", 3), ("moderate", 3), ("minor", 3), ("standard", 3),
    ("low", 4), ("trivial", 4),
)
_WORD_RE = {word: re.compile(rf"\b{word}\b", re.I) for word, _ in _WORD_LEVELS}
# In a promise, a tier word names the tier only next to a priority noun ("Urgent
# tickets", "high-priority incidents", "Critical: 1 hour"), not in "critical systems".
_TIER_NOUN = (r"(?:[\s-]+(?:priority|severity|prio|sev|impact))?[\s-]*(?:\(?p[1-5]\)?[\s-]*)?"
              r"(?:[\s-]+(?:tickets?|incidents?|issues?|requests?|cases?|faults?|defects?|"
              r"problems?|calls?|errors?|bugs?|outages?))|[\s-]+(?:priority|severity)\b|\s*:")


def record_tier(value) -> Optional[int]:
    """A record's tier from a priority column or a description: "P1", "1", "Priority 1",
    "Sev 1", "Urgent", "Low" -> a level, else None."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"[1-5]", text):
        return int(text)
    m = _RECORD_NUMBERED.search(text)
    if m:
        return int(m.group(1))
    for word, level in _WORD_LEVELS:
        if _WORD_RE[word].search(text):
            return level
    return None


def named_tier(text: str) -> Optional[int]:
    """The tier a text names: a promise limited to one ("P1 incidents", "Priority 1",
    "Urgent tickets", "high-priority issues", "Severity 2: 4 hours") or a record whose
    description says it ("Priority 1 outage"); None for every tier ("critical systems"
    names none)."""
    text = text or ""
    m = _NUMBERED.search(text)
    if m:
        return int(m.group(1))
    if not _ANY_TIER_WORD.search(text):
        return None
    for pattern, level in _TIER_RE:
        if pattern.search(text):
            return level
    return None


_TIER_RE = tuple((re.compile(rf"\b{word}(?:{_TIER_NOUN})", re.I), level) for word, level in _WORD_LEVELS)
_ANY_TIER_WORD = re.compile(rf"\b(?:{'|'.join(word for word, _ in _WORD_LEVELS)})", re.I)


# --- what is measured ----------------------------------------------------------------------

_RESOLUTION = re.compile(r"\b(resolv|resolution|fix|restor|repair|replac|solv|clos|"
                         r"workaround|remed|full resolution)", re.I)
_RESPONSE = re.compile(r"\b(respon|acknowledg|answer|reply|repli|first reply|call(ed)? back|"
                       r"pick(ed)? up|react)", re.I)
_AVAILABILITY = re.compile(r"\b(uptime|up-time|availab|downtime|service level report|"
                           r"monthly availability)", re.I)

TIME_UNITS = frozenset({"ms", "second", "minute", "hour", "day", "week",
                        "business_hour", "business_day"})
_SECONDS = {"ms": 0.001, "second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0,
            "week": 604800.0}
_BUSINESS_HOURS = {"business_hour": 1.0, "business_day": 8.0}
_UNIT_WORDS = {
    "%": "%", "percent": "%", "per cent": "%", "pct": "%", "percentage": "%",
    "ms": "ms", "millisecond": "ms", "milliseconds": "ms",
    "s": "second", "sec": "second", "secs": "second", "second": "second", "seconds": "second",
    "min": "minute", "mins": "minute", "minute": "minute", "minutes": "minute",
    "h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
    "day": "day", "days": "day", "week": "week", "weeks": "week",
    "business hour": "business_hour", "business hours": "business_hour",
    "business_hour": "business_hour", "working hour": "business_hour",
    "working hours": "business_hour",
    "business day": "business_day", "business days": "business_day",
    "business_day": "business_day", "working day": "business_day", "working days": "business_day",
    "count": "count", "number": "count", "items": "count",
}


def canonical_unit(value) -> Optional[str]:
    """A unit as written in a mapping or export ("minutes", "hrs", "business hours", "%")
    in promiseaudit's terms, or None when it is not one it knows."""
    if value is None:
        return None
    text = " ".join(str(value).strip().lower().replace("_", " ").split())
    if text in _UNIT_WORDS:
        return _UNIT_WORDS[text]
    return _UNIT_WORDS.get(text.replace(" ", "_"))


def convert(value: float, unit: Optional[str], to: Optional[str]) -> Optional[float]:
    """``value`` in ``unit`` expressed in ``to``; None when they do not convert (calendar
    and business time, a percentage and a time)."""
    if unit == to:
        return value
    if unit in _SECONDS and to in _SECONDS:
        return value * _SECONDS[unit] / _SECONDS[to]
    if unit in _BUSINESS_HOURS and to in _BUSINESS_HOURS:
        return value * _BUSINESS_HOURS[unit] / _BUSINESS_HOURS[to]
    return None


def promise_measures(text: str, threshold_unit: Optional[str], direction: Optional[str]) -> Optional[str]:
    """What a measured promise measures: "availability" (a percentage), "response" or
    "resolution" (a time limit), "count" (a number of things), or None."""
    if threshold_unit is None:
        return None
    threshold_unit = canonical_unit(threshold_unit) or threshold_unit
    if threshold_unit == "%":
        return "availability" if _AVAILABILITY.search(text or "") or direction == "at_least" else None
    if threshold_unit in TIME_UNITS:
        return time_kind(text)
    return "count"


def time_kind(text: str) -> Optional[str]:
    """"response" or "resolution" from wording; the earlier word wins, else None."""
    res = _RESOLUTION.search(text or "")
    resp = _RESPONSE.search(text or "")
    if res and resp:
        return "response" if resp.start() < res.start() else "resolution"
    if res:
        return "resolution"
    if resp:
        return "response"
    return None


def record_measures(description: str, unit: Optional[str]) -> Optional[str]:
    """What a record's value measures, from its unit and description: a percentage is an
    availability reading; a time is a response or resolution time (from the wording)."""
    if unit == "%":
        return "availability"
    if unit in TIME_UNITS:
        return time_kind(description) or "response"
    if unit == "count":
        return "count"
    if _AVAILABILITY.search(description or ""):
        return "availability"
    return None


# --- records that are not incidents ------------------------------------------------------

_NOT_INCIDENT = re.compile(
    r"^\W*(?:request|please|can you|could you|new)\b|\b(?:question|how[\s-]to|quote|quotation|"
    r"pricing request|price request|feature request|change request|service request|enhancement|"
    r"information request|info request|inquiry|enquiry|training request|access request|"
    r"password reset)\b", re.I)
_INCIDENT_PROMISE = re.compile(
    r"\b(?:incident|outage|fault|faulty|defect|defective|failure|failed|fails|breakdown|"
    r"break-fix|down|repair|bug|error|malfunction|problem)s?\b", re.I)


def is_request_not_incident(record_type: Optional[str], description: str) -> bool:
    """A question, a quote request or a how-to: a ticket, but not an incident or a repair."""
    if record_type and re.search(r"\b(?:question|task|request)\b", record_type, re.I) \
            and not re.search(r"\b(?:incident|problem)\b", record_type, re.I):
        return True
    return bool(_NOT_INCIDENT.search(description or ""))


def promise_is_about_incidents(text: str, category: str) -> bool:
    """A promise about incidents, faults or repairs ("P1 incidents restored within 4 hours",
    warranty repairs), which questions and quote requests never count toward."""
    return category == "warranty" or bool(_INCIDENT_PROMISE.search(text or ""))

"""Measurements for measured promises: a record's value, or a ticket's response or
resolution time worked out from its timestamps, in the promise's unit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable, Optional

from ..models import Delivery, Promise
from .calendar import HOURS_PER_DAY, business_hours_between
from ..tiers import convert, is_request_not_incident, named_tier, record_measures, record_tier

MEASURED_CATEGORIES = ("service_level", "support")
_SECONDS = {"ms": 0.001, "millisecond": 0.001, "second": 1.0, "minute": 60.0,
            "hour": 3600.0, "day": 86400.0, "week": 604800.0}
TIMED_UNITS = frozenset(_SECONDS) | {"business_hour", "business_day"}
_EPS = 1e-9


@dataclass(frozen=True)
class Measurement:
    """One measured record. ``ongoing``: the ticket had no answer yet on the audit date
    (only kept when the time already exceeds the limit)."""

    record: Delivery
    value: float
    ok: bool
    when: datetime
    kind: str  # "response", "resolution" or "measurement"
    ongoing: bool = False


def is_timed(promise: Promise) -> bool:
    """A response/fix-time promise: a time limit, measured from ticket timestamps."""
    return (promise.threshold is not None and promise.direction == "at_most"
            and promise.threshold_unit in TIMED_UNITS)


def is_measured(promise: Promise, records=()) -> bool:
    """A promise judged by measurements: a threshold and direction, in a service-level or
    support category or with records that carry a value or ticket timestamps."""
    if promise.threshold is None or promise.direction not in ("at_least", "at_most"):
        return False
    if promise.category in MEASURED_CATEGORIES:
        return True
    return any(r.value is not None or r.opened_at is not None for r in records)


def meets(value: float, threshold: float, direction: str) -> bool:
    if direction == "at_most":
        return value <= threshold + _EPS
    return value >= threshold - _EPS


def near_limit(value: float, threshold: float, direction: str, unit, margin: float) -> bool:
    """True when a passing value used up most of its allowance (see AuditSettings)."""
    if direction == "at_most":
        return value >= threshold * (1 - margin) - _EPS
    room = 100.0 - threshold if unit == "%" and threshold < 100 else abs(threshold)
    return value - threshold <= margin * room + _EPS


def elapsed(start: datetime, end: datetime, unit: str, holidays) -> Optional[float]:
    """Time from start to end in ``unit``; business units count 09:00-17:00 Mon-Fri."""
    if unit == "business_hour":
        return business_hours_between(start, end, holidays)
    if unit == "business_day":
        return business_hours_between(start, end, holidays) / HOURS_PER_DAY
    factor = _SECONDS.get(unit)
    if factor is None:
        return None
    return max(0.0, (end - start).total_seconds()) / factor


def tier_of(record: Delivery):
    """A record's priority tier: its priority column, else a tier its description names
    ("Priority 1 - outage"), else None."""
    return record_tier(record.priority) if record.priority else named_tier(record.description)


def kind_of(record: Delivery):
    """What a record's value measures: declared at import, else read from its unit and
    description; None when nothing says."""
    return record.value_kind or record_measures(record.description, record.value_unit)


def admits_priority(promise: Promise, records) -> Callable:
    """A filter keeping the records a promise is about: of the tier it names ("P1
    incidents", "Urgent tickets"; a ticket of another tier never counts), and for a
    promise about incidents or repairs, not questions or quote requests.

    Records with no tier are kept only when none of the records carries one.
    """
    wanted = promise.tier
    incidents = promise.about_incidents

    def not_a_request(r) -> bool:
        return not (incidents and is_request_not_incident(r.record_type, r.description))

    if wanted is None or not any(tier_of(r) is not None for r in records):
        return not_a_request
    return lambda r: tier_of(r) == wanted and not_a_request(r)


def measurements(promise: Promise, records, as_of: date, holidays=frozenset()) -> list:
    """The measurements of ``records`` for ``promise`` as known at the end of ``as_of``,
    oldest first. Records without a usable figure are left out."""
    cutoff = datetime.combine(as_of + timedelta(days=1), time(0, 0))
    kind = promise.measures
    unit = promise.threshold_unit
    out = []
    for r in records:
        m = _measure(promise, r, kind, unit, as_of, cutoff, holidays)
        if m is not None:
            out.append(m)
    out.sort(key=lambda m: (m.when, m.record.id if m.record.id is not None else -1))
    return out


def _measure(promise, r, kind, unit, as_of, cutoff, holidays):
    if r.value is not None:
        if r.delivered_on is None or r.delivered_on > as_of:
            return None
        value = value_for(promise, r)
        if value is None:
            return None
        ok = meets(value, promise.threshold, promise.direction)
        return Measurement(r, value, ok, datetime.combine(r.delivered_on, time()),
                           "measurement")
    opened = _naive(r.opened_at)
    if opened is None or unit not in TIMED_UNITS or opened >= cutoff:
        return None
    responded, resolved = _naive(r.responded_at), _naive(r.resolved_at)
    if kind == "resolution" or (kind is None and responded is None and resolved is not None):
        end, what = resolved, "resolution"
    else:
        end, what = responded or resolved, "response"
    ongoing = end is None or end >= cutoff
    value = elapsed(opened, cutoff if ongoing else end, unit, holidays)
    if value is None:
        return None
    ok = meets(value, promise.threshold, promise.direction)
    if ongoing and ok:
        return None  # still open and within the limit: nothing to judge yet
    return Measurement(r, value, ok, opened, what, ongoing)


def value_for(promise: Promise, r: Delivery) -> Optional[float]:
    """A record's value in the promise's unit, or None when it measures something else
    (a ticket's reply minutes are never an uptime reading) or its unit does not convert
    (business hours and calendar hours)."""
    kind, wanted = kind_of(r), promise.measures
    if kind and wanted and kind != wanted:
        return None
    unit = r.value_unit
    if unit is None:
        if promise.threshold_unit == "%" and not 0 <= r.value <= 100:
            return None
        return float(r.value)
    if (unit == "%") != (promise.threshold_unit == "%"):
        return None
    got = convert(float(r.value), unit, promise.threshold_unit)
    if got is None and unit == "count" and promise.measures == "count":
        return float(r.value)
    return got


def _naive(stamp):
    if stamp is None:
        return None
    if isinstance(stamp, datetime):
        return stamp.replace(tzinfo=None) if stamp.tzinfo else stamp
    return datetime.combine(stamp, time())

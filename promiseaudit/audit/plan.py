"""The after-sale plan of a deal: the check-ins and reviews the proposal promised, each
occurrence of a recurring one over the contract term (periods as the audit counts them),
plus the team's own cadence (a thank-you call, a check-up after go-live, a review
before the contract ends). Each touch point lists the promises due around it."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Mapping, Optional, Sequence

from ..errors import PromiseAuditError
from ..models import Deal, Promise, Verdict
from .due import anchor_date, resolve_due
from .measure import is_measured
from .rules import audit_promise
from .settings import AuditSettings
from .words import level

HORIZON_DAYS = 366
REVIEW_BEFORE_DAYS = 30
REVIEW_AFTER_DAYS = 14
_ANCHORS = {"signature": "signature", "kickoff": "kickoff", "go_live": "go-live",
            "end": "the contract end"}
_SKIP = ("waived", "superseded")


@dataclass(frozen=True)
class Cadence:
    """A touch point the team sets: ``days`` after ``anchor`` ("signature", "kickoff",
    "go_live"), or before the contract end ("end", days counted back)."""

    name: str
    anchor: str
    days: int
    about: str = ""


DEFAULT_CADENCE = (
    Cadence("Thank-you call", "signature", 7,
            "Thank the customer for signing, confirm the kick-off date and who their "
            "contacts are."),
    Cadence("Check-up after go-live", "go_live", 30,
            "Ask how the first month went; go through what was delivered and anything "
            "still open."),
    Cadence("Renewal review", "end", 60,
            "Go through what was promised and what was kept over the term, before the "
            "contract comes up for renewal."),
)


@dataclass(frozen=True)
class TouchPoint:
    """One event of the plan.

    key: what it is, for a stable calendar id (the promise id or the cadence's name);
    repeats: one of a series, so its date is part of the id; review: (quote, when) of
    the promises due around it; source: where it comes from, in words.
    """

    day: date
    title: str
    key: str
    about: str
    source: str
    repeats: bool = False
    review: tuple = ()


@dataclass(frozen=True)
class Plan:
    """A deal's touch points from ``start`` on, by date, and the cadence points that
    could not be placed (their event has no date yet), as sentences."""

    deal: Deal
    start: date
    points: tuple
    unplaced: tuple = ()
    term_end: Optional[date] = None
    term_assumed: bool = False


def load_cadence(path) -> tuple:
    """A cadence from a small TOML file::

        [[touch_point]]
        name = "Thank-you call"
        after = "signature"        # signature, kickoff or go_live
        days = 7
        about = "Thank them for signing."

        [[touch_point]]
        name = "Renewal review"
        before = "end"             # days before the contract end
        days = 60

    RETURNS (tuple[Cadence]). PromiseAuditError names the file and what to fix.
    """
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise PromiseAuditError(f"Cadence file {path} not found") from None
    except tomllib.TOMLDecodeError as e:
        raise PromiseAuditError(f"{path}: not a valid TOML file ({e})") from None
    rows = data.get("touch_point")
    if not isinstance(rows, list) or not rows:
        raise PromiseAuditError(f"{path}: list the touch points as [[touch_point]] tables "
                                "with name, after (or before) and days")
    out = []
    for i, row in enumerate(rows, 1):
        where = f"{path}, touch point {i}"
        name, days = row.get("name"), row.get("days")
        if not isinstance(name, str) or not name.strip():
            raise PromiseAuditError(f"{where}: give it a name")
        if not isinstance(days, int) or days < 0:
            raise PromiseAuditError(f"{where} ({name}): days must be a whole number, 0 or more")
        if "before" in row:
            if row["before"] != "end":
                raise PromiseAuditError(f"{where} ({name}): before can only be \"end\" "
                                        "(the contract end)")
            anchor = "end"
        else:
            anchor = row.get("after")
            if anchor not in ("signature", "kickoff", "go_live"):
                raise PromiseAuditError(f"{where} ({name}): after must be signature, kickoff "
                                        "or go_live")
        out.append(Cadence(name.strip(), anchor, days, str(row.get("about", "")).strip()))
    return tuple(out)


def cadence_with(days: Mapping, base: Sequence[Cadence] = DEFAULT_CADENCE) -> tuple:
    """The cadence with some days changed: {"signature": 3, "go_live": 45, "end": 90}
    (by anchor); a value of None leaves it, and a negative value drops it."""
    out = []
    for c in base:
        n = days.get(c.anchor)
        if n is None:
            out.append(c)
        elif n >= 0:
            out.append(replace(c, days=n))
    return tuple(out)


def schedule(promise: Promise, deal: Optional[Deal], as_of: date,
             settings: Optional[AuditSettings] = None, horizon_days: int = HORIZON_DAYS) -> list:
    """Every due date of a recurring promise over the contract term, as the audit counts
    its periods; when the contract end is not recorded, up to ``horizon_days`` after
    ``as_of``. A schedule the proposal ends at an event ("until go-live") ends there."""
    if not promise.recurrence or deal is None:
        return []
    term = deal if deal.ends_on else replace(deal, ends_on=as_of + timedelta(days=horizon_days))
    v = audit_promise(replace(promise, review_state="confirmed"), term, (), as_of, settings)
    return [o.due for o in v.occurrences] if v is not None else []


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "touch-point"


def _due_dates(p: Promise, v: Optional[Verdict], deal: Deal, as_of: date, settings) -> list:
    if p.recurrence:
        return schedule(p, deal, as_of, settings)
    due = v.due if v is not None and v.due is not None else resolve_due(p, deal, settings)[0]
    return [due] if due is not None else []


def _review(day: date, dated: list, ongoing: list, with_ongoing: bool) -> tuple:
    lo, hi = day - timedelta(days=REVIEW_BEFORE_DAYS), day + timedelta(days=REVIEW_AFTER_DAYS)
    out, seen = [], set()
    for due, p in sorted(dated, key=lambda d: (d[0], d[1].id or "")):
        if lo <= due <= hi and (p.id, due) not in seen:
            seen.add((p.id, due))
            out.append((p.text, f"due {due.isoformat()}"))
    if with_ongoing:
        for p in ongoing:
            out.append((p.text, f"ongoing: {level(p.threshold, p.threshold_unit, p.direction)}"))
    return tuple(out)


def touch_points(deal: Deal, promises: Sequence[Promise], verdicts: Mapping, as_of: date,
                 cadence: Sequence[Cadence] = DEFAULT_CADENCE,
                 settings: Optional[AuditSettings] = None,
                 horizon_days: int = HORIZON_DAYS) -> Plan:
    """The plan of ``deal`` from ``as_of`` on.

    promises: the deal's promises (others are ignored); verdicts: promise id -> Verdict
        from an audit (waived and superseded promises are left out; rejected ones should
        not be passed). deal: with the event dates its deadlines count from.
    cadence: the team's own touch points (``DEFAULT_CADENCE``, ``load_cadence``).
    """
    settings = settings or AuditSettings()
    own = [p for p in promises if p.deal_id == deal.deal_id and p.review_state != "rejected"
           and (verdicts.get(p.id) is None or verdicts[p.id].status not in _SKIP)]
    dated, ongoing = [], []
    for p in sorted(own, key=lambda p: p.id or ""):
        if is_measured(p):
            ongoing.append(p)
            continue
        for due in _due_dates(p, verdicts.get(p.id), deal, as_of, settings):
            dated.append((due, p))
    points = []
    for p in sorted((p for p in own if p.category == "check_in"), key=lambda p: p.id or ""):
        where = f"Promised in {p.source}" + (f", page {p.page}" if p.page else "")
        for due in _due_dates(p, verdicts.get(p.id), deal, as_of, settings):
            if due >= as_of:
                points.append(TouchPoint(due, _title(p), p.id or _slug(p.text), p.text, where,
                                         repeats=bool(p.recurrence),
                                         review=_review(due, [d for d in dated if d[1] is not p],
                                                        ongoing, True)))
    unplaced = []
    for c in cadence:
        start, label = _cadence_start(deal, c.anchor)
        if start is None:
            unplaced.append(f"{c.name}: the {label} date is not recorded yet")
            continue
        day = start - timedelta(days=c.days) if c.anchor == "end" else start + timedelta(days=c.days)
        if day >= as_of:
            points.append(TouchPoint(day, c.name, _slug(c.name), c.about,
                                     f"Team cadence: {_cadence_words(c)}",
                                     review=_review(day, dated, ongoing, c.anchor != "signature")))
    points.sort(key=lambda t: (t.day, t.title, t.key))
    assumed = deal.ends_on is None
    return Plan(deal, as_of, tuple(points), tuple(unplaced),
                deal.ends_on or as_of + timedelta(days=horizon_days), assumed)


def _title(p: Promise) -> str:
    text = " ".join(p.text.split())
    return text if len(text) <= 60 else text[:59].rsplit(" ", 1)[0] + "\u2026"


def _cadence_start(deal: Deal, anchor: str) -> tuple:
    if anchor == "end":
        return deal.ends_on, "contract end"
    day, label, _ = anchor_date(deal, anchor)
    return day, _ANCHORS.get(anchor, label)


def _cadence_words(c: Cadence) -> str:
    n = f"{c.days} day{'s' if c.days != 1 else ''}"
    if c.anchor == "end":
        return f"{n} before {_ANCHORS['end']}"
    return f"{n} after {_ANCHORS.get(c.anchor, c.anchor)}"

"""audit_all: match the records, gather each promise's evidence, apply the rules."""
from __future__ import annotations

from datetime import date
from typing import Mapping, Optional, Sequence

from ..models import Delivery, Promise
from .match import Match, Matcher
from .rules import audit_promise
from .settings import AuditSettings


def audit_all(promises: Sequence[Promise], deals: Mapping, deliveries: Sequence[Delivery],
              as_of: date, settings: Optional[AuditSettings] = None,
              waivers: Optional[Mapping] = None,
              matches: Optional[Sequence[Match]] = None) -> tuple:
    """Audit every promise as of ``as_of``.

    promises: rejected ones are skipped (not in the result). deals: deal id -> Deal.
    deliveries: every record; those dated after ``as_of`` are ignored by the rules.
    waivers: promise id -> Waiver. matches: computed here when not given (one per
        delivery, delivery_id = the record's id, else its position in ``deliveries``).
    RETURNS (tuple): ({promise id: Verdict} in promise-id order, [Match] by delivery id).
    """
    settings = settings or AuditSettings()
    waivers = waivers or {}
    audited = sorted((p for p in promises if p.review_state != "rejected"),
                     key=lambda p: p.id or "")
    matcher = Matcher(audited, deals, settings)
    keyed = [(d.id if d.id is not None else i, d) for i, d in enumerate(deliveries)]
    if matches is None:
        matches = [matcher.match(d, key) for key, d in keyed]
        matches.sort(key=lambda m: m.delivery_id)
        by_key = {m.delivery_id: m for m in matches}
    else:
        matches = sorted(matches, key=lambda m: m.delivery_id)
        by_key = {m.delivery_id: m for m in matches}

    evidence: dict = {}
    links: dict = {}
    for key, d in keyed:
        m = by_key.get(key)
        if m is not None and m.promise_id and not m.ambiguous:
            link = ("explicit", 1.0) if m.reason == "linked explicitly" else \
                (f"auto: {m.reason}", m.score)
            _add(evidence, links, m.promise_id, d, link)
        if d.promise_id:
            continue  # linked by hand to one promise: not shared with others
        timed = matcher.timed_promises(d)
        for pid in timed:
            if m is None or pid != m.promise_id:
                _add(evidence, links, pid, d,
                     (f"auto: help-desk ticket of deal {d.deal_id} with timestamps", 0.9))

    verdicts = {}
    for p in audited:
        pid = p.id or ""
        v = audit_promise(p, deals.get(p.deal_id), evidence.get(pid, ()), as_of, settings,
                          waivers.get(pid), links.get(pid))
        if v is not None:
            verdicts[pid] = v
    return verdicts, list(matches)


def _add(evidence: dict, links: dict, pid: str, d: Delivery, link: tuple) -> None:
    bucket = evidence.setdefault(pid, [])
    if bucket and bucket[-1] is d:
        return
    bucket.append(d)
    if d.id is not None:
        links.setdefault(pid, {})[d.id] = link

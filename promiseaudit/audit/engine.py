"""audit_all: match the records, gather each promise's evidence, apply the rules."""
from __future__ import annotations

from datetime import date
from typing import Mapping, Optional, Sequence

from ..models import Promise
from .match import EXPLICIT, Match, Matcher, paused_gc
from .rules import audit_promise
from .settings import AuditSettings


def audit_all(promises: Sequence[Promise], deals: Mapping, deliveries: Sequence,
              as_of: date, settings: Optional[AuditSettings] = None,
              waivers: Optional[Mapping] = None,
              matches: Optional[Sequence[Match]] = None, rules: Sequence = ()) -> tuple:
    """Audit every promise as of ``as_of``.

    promises: rejected ones are skipped (not in the result). deals: deal id -> Deal.
    deliveries: every record; those dated after ``as_of`` are ignored by the rules.
    waivers: promise id -> Waiver (one dated after ``as_of`` does not count yet).
    matches: from ``match_deliveries``; computed here when not given. A match is tied
        to its record by delivery_id (the record's id, else its position).
    rules: remembered links (``LinkRule``), used when the matches are computed here.
    RETURNS (tuple): ({promise id: Verdict} in promise-id order, [Match] by delivery id).
    """
    settings = settings or AuditSettings()
    waivers = waivers or {}
    deals = deals or {}
    with paused_gc():
        audited = sorted((p for p in promises if p.review_state != "rejected"),
                         key=lambda p: p.id or "")
        if matches is None:
            matcher = Matcher(audited, deals, settings, rules)
            aligned = [matcher.match(d, d.id if d.id is not None else i)
                       for i, d in enumerate(deliveries)]
        else:
            by_id = {m.delivery_id: m for m in matches}
            aligned = [by_id.get(d.id if d.id is not None else i)
                       for i, d in enumerate(deliveries)]
        evidence, links = _gather(deliveries, aligned)
        verdicts = {}
        for p in audited:
            pid = p.id or ""
            v = audit_promise(p, deals.get(p.deal_id), evidence.get(pid, ()), as_of,
                              settings, waivers.get(pid), links.get(pid))
            if v is not None:
                verdicts[pid] = v
        out = sorted((m for m in aligned if m is not None), key=lambda m: m.delivery_id)
    return verdicts, out


def _gather(deliveries: Sequence, aligned: list) -> tuple:
    """Evidence by promise id, and (link, score) by promise id and delivery id.

    A clear match goes to its promise; a shared help-desk ticket (a clear match that
    lists candidates) to every promise listed; an ambiguous match to none.
    """
    evidence: dict = {}
    links: dict = {}
    for d, m in zip(deliveries, aligned):
        if m is None or m.promise_id is None or m.ambiguous:
            continue
        if m.reason == EXPLICIT:
            link = ("explicit", 1.0)
        elif m.kind == "rule":
            link = (f"rule: {m.reason}", m.score)
        else:
            link = (f"auto: {m.reason}", m.score)
        for pid in (m.candidates or (m.promise_id,)):
            evidence.setdefault(pid, []).append(d)
            if d.id is not None:
                links.setdefault(pid, {})[d.id] = link
    return evidence, links

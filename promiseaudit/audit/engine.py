"""audit_all: match the records, gather each promise's evidence, apply the rules."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Mapping, Optional, Sequence

from ..models import Promise, event_key
from .match import EXPLICIT, Match, MatchCache, Matcher, paused_gc
from .rules import audit_promise
from .settings import AuditSettings
from .words import tokens


def audit_all(promises: Sequence[Promise], deals: Mapping, deliveries: Sequence,
              as_of: date, settings: Optional[AuditSettings] = None,
              waivers: Optional[Mapping] = None,
              matches: Optional[Sequence[Match]] = None, rules: Sequence = (),
              cache: Optional[MatchCache] = None) -> tuple:
    """Audit every promise as of ``as_of``.

    promises: rejected ones are skipped (not in the result). deals: deal id -> Deal.
    deliveries: every record; those dated after ``as_of`` are ignored by the rules.
    waivers: promise id -> Waiver (one dated after ``as_of`` does not count yet).
    matches: from ``match_deliveries``; computed here when not given. A match is tied
        to its record by delivery_id (the record's id, else its position).
    rules: remembered links (``LinkRule``), used when the matches are computed here.
    cache: wordings already seen, shared by the calls of an audit run deal by deal.
    RETURNS (tuple): ({promise id: Verdict} in promise-id order, [Match] by delivery id).
    """
    settings = settings or AuditSettings()
    waivers = waivers or {}
    deals = deals or {}
    with paused_gc():
        audited = sorted((p for p in promises if p.review_state != "rejected"),
                         key=lambda p: p.id or "")
        deals = with_record_events(audited, deals, deliveries, as_of)
        if matches is None:
            matcher = Matcher(audited, deals, settings, rules, cache)
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


_OWN_EVENTS = ("signature", "kickoff", "go_live")


def with_record_events(promises: Sequence[Promise], deals: Mapping, deliveries: Sequence,
                       as_of: date) -> Mapping:
    """Deals with the events their deadlines count from that a delivery record
    establishes: "within 10 days of commissioning" and a completed "Installation &
    commissioning" job dated 2027-03-02 make commissioning 2027-03-02, shown as such. A
    date a person recorded (``deals set --event``) always wins; the earliest fitting
    record known on ``as_of`` is used."""
    wanted: dict = {}
    for p in promises:
        name = p.anchor or p.series_end
        if not name or name in _OWN_EVENTS:
            continue
        deal = deals.get(p.deal_id)
        if deal is None or deal.event(name) is not None:
            continue
        words = frozenset(tokens(name))
        if words:
            wanted.setdefault(p.deal_id, {})[event_key(name)] = (name, words)
    if not wanted:
        return deals
    found: dict = {}
    for d in deliveries:
        names = wanted.get(d.deal_id)
        if not names or d.delivered_on is None or d.delivered_on > as_of:
            continue
        have = None
        for key, (name, words) in names.items():
            best = found.get((d.deal_id, key))
            if best is not None and best[1] <= d.delivered_on:
                continue
            if have is None:
                have = frozenset(tokens(d.description))
            if words <= have:
                ref = f"delivery record {d.id}" if d.id is not None else "a delivery record"
                found[(d.deal_id, key)] = (name, d.delivered_on,
                                           f"from {ref}: '{d.description.strip()}'")
    if not found:
        return deals
    out = dict(deals)
    for (deal_id, _), event in sorted(found.items()):
        out[deal_id] = replace(out[deal_id], events=out[deal_id].events + (event,))
    return out


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

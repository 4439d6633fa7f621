"""Writes to the ledger. Callers wrap a whole import in ``db.atomic()``; every change to
an existing record is kept in the ``changes`` table (the audit trail), nothing is deleted.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ..errors import LedgerError
from ..models import (CATEGORIES, DIRECTIONS, RECURRENCES, REVIEW_STATES, STRENGTHS, Deal,
                      Delivery, Document, Promise)


def _one_of(choices, what):
    def check(value):
        value = str(value).strip().lower().replace("-", "_").replace(" ", "_")
        if value not in choices:
            raise ValueError(f"use one of {', '.join(choices)}")
        return value
    check.what = what
    return check


def _text(value):
    value = str(value).strip()
    if not value:
        raise ValueError("it is empty")
    return value.lower()

DEAL_DATE_FIELDS = ("signed_on", "kickoff_on", "go_live_on", "ends_on", "go_live_planned")
EDITABLE_PROMISE_FIELDS = {
    "category": _one_of(CATEGORIES, "category"),
    "due": date.fromisoformat,
    "within_days": int,
    "business_days": lambda v: str(v).lower() in ("1", "true", "yes", "y"),
    "anchor": _text,
    "recurrence": _one_of(RECURRENCES, "recurrence"),
    "quantity": float,
    "unit": _text,
    "threshold": float,
    "threshold_unit": _text,
    "direction": _one_of(DIRECTIONS, "direction"),
    "strength": _one_of(STRENGTHS, "strength"),
    "condition": str,
}


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def iso(value) -> Optional[str]:
    """A date or datetime as ISO text, as the ledger stores it (None stays None)."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


def record_change(db, who: str, action: str, entity: str, entity_id, field=None,
                  old=None, new=None, note=None) -> None:
    """Append one line to the audit trail."""
    db["changes"].insert(
        {
            "at": now(),
            "who": who,
            "action": action,
            "entity": entity,
            "entity_id": str(entity_id),
            "field": field,
            "old_value": iso(old),
            "new_value": iso(new),
            "note": note,
        }
    )


def upsert_deal(db, deal: Deal, who: str = "import") -> str:
    """Create the deal, or update the fields ``deal`` sets (None leaves a field alone).

    RETURNS (str): "created", "updated" or "unchanged".
    """
    existing = list(db["deals"].rows_where("deal_id = ?", [deal.deal_id]))
    values = {
        "customer": deal.customer,
        "rep": deal.rep,
        **{f: iso(getattr(deal, f)) for f in DEAL_DATE_FIELDS},
    }
    if not existing:
        db["deals"].insert({"deal_id": deal.deal_id, **values, "created_at": now()})
        record_change(db, who, "create", "deal", deal.deal_id)
        return "created"
    row = existing[0]
    updates = {k: v for k, v in values.items() if v is not None and row[k] != v}
    if not updates:
        return "unchanged"
    for key, value in updates.items():
        record_change(db, who, "update", "deal", deal.deal_id, key, row[key], value)
    db["deals"].update(deal.deal_id, updates)
    return "updated"


def _normal(quote: str) -> str:
    """The quote as ids see it: case, quotation marks and runs of spaces do not count."""
    norm = unicodedata.normalize("NFKC", quote).lower()
    norm = re.sub(r"[\u2018\u2019\u201c\u201d\"']", "", norm)
    return re.sub(r"\s+", " ", norm).strip()


def _hashed(deal_id: str, norm: str, occurrence: int) -> str:
    return hashlib.sha1(f"{deal_id}\x1f{norm}\x1f{occurrence}".encode()).hexdigest().upper()


def _digest(deal_id: str, quote: str, occurrence: int) -> str:
    return _hashed(deal_id, _normal(quote), occurrence)


def promise_id(deal_id: str, quote: str, occurrence: int = 0) -> str:
    """A stable id: the same quote in the same deal keeps its id across versions.
    64 bits of a hash, so ids do not collide in any ledger a team will have (32 bits
    collided at about 100,000 promises)."""
    return "P" + _digest(deal_id, quote, occurrence)[:16]


def legacy_promise_id(deal_id: str, quote: str, occurrence: int = 0) -> str:
    """The 32-bit id of ledgers written before ids were lengthened (still recognised)."""
    return "P" + _digest(deal_id, quote, occurrence)[:8]


def _candidate_ids(deal_id: str, promises: Sequence[Promise]) -> list[tuple[int, str, str]]:
    """(occurrence, id, legacy id) of each promise of one document, one hash each: a
    quote said twice in the document is told apart by its occurrence (0 for the first)."""
    seen: dict[str, int] = {}
    ids = []
    for p in promises:
        norm = _normal(p.text)
        n = seen.get(norm, 0)
        seen[norm] = n + 1
        digest = _hashed(deal_id, norm, n)
        ids.append((n, "P" + digest[:16], "P" + digest[:8]))
    return ids


def _stored_ids(db, ids: set) -> dict[str, tuple]:
    """{id: (review_state, deal_id)} of the promises stored under any of ``ids``,
    looked up a few hundred at a time."""
    found, ids = {}, sorted(ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ", ".join("?" * len(chunk))
        for pid, state, deal in db.execute(
                f"select id, review_state, deal_id from promises where id in ({marks})", chunk):
            found[pid] = (state, deal)
    return found


def _free_id(db, deal_id: str, quote: str, occurrence: int, ids: tuple[str, str],
             stored: dict, taken: set) -> tuple[str, Optional[str]]:
    """The id for this quote in this deal and the review state of the row already
    stored under it for this deal (None for a new promise). ``ids``: its id and legacy
    id; ``stored``: what ``_stored_ids`` found under them. An id held by another deal's
    promise, or in ``taken`` (given to a promise not yet written), is never reused: the
    next free variant is taken instead."""
    for candidate in ids:
        row = stored.get(candidate)
        if row is not None and row[1] == deal_id:
            return candidate, row[0]
    pid, salt = ids[0], 0
    while pid in taken or (pid in stored if salt == 0 else
                           db.execute("select 1 from promises where id = ?", [pid]).fetchone() is not None):
        salt += 1
        pid = promise_id(deal_id, f"{quote}\x1fcollision {salt}", occurrence)
    return pid, None


def version_key(name: str) -> str:
    """The file name without version markers, so 'Acme proposal v2 FINAL.pdf' and
    'acme-proposal-v1.docx' are versions of one proposal."""
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", name).lower()
    stem = re.sub(
        r"(\b|_)(v|ver|version|rev|revision|r)\s*\d+(\.\d+)*\b|\b(final|draft|updated|"
        r"revised|copy|clean)\b|\(\d+\)|\b\d{4}-\d{2}-\d{2}\b|\b\d{8}\b",
        " ",
        stem,
    )
    return re.sub(r"[\s_\-.]+", " ", stem).strip()


@dataclass
class IngestResult:
    """What storing one document did."""

    name: str
    document_id: Optional[int] = None
    duplicate: bool = False
    outcome: str = "parsed"
    added: int = 0
    kept: int = 0
    superseded: int = 0
    replaced: Optional[str] = None
    promise_ids: list = field(default_factory=list)


def add_document(
    db,
    document: Document,
    deal_id: str,
    promises: Sequence[Promise],
    who: str = "ingest",
    replaces: Optional[int] = None,
    document_date: Optional[date] = None,
    locale: Optional[str] = None,
) -> IngestResult:
    """Store a read document and its promises for ``deal_id``.

    A document already stored for the deal (same SHA-256) adds nothing. A later version
    of a proposal already stored for the deal (same name without version markers, or
    ``replaces``) takes over the promises it repeats and marks the ones it no longer
    makes as superseded.
    """
    result = IngestResult(name=document.name, outcome=document.outcome)
    dup = db.execute(
        "select id from documents where deal_id = ? and sha256 = ?", [deal_id, document.sha256]
    ).fetchone()
    if dup:
        result.duplicate = True
        result.document_id = dup[0]
        return result
    key = version_key(document.name)
    if replaces is None and document.outcome == "parsed":
        previous = db.execute(
            "select id from documents where deal_id = ? and version_key = ? "
            "and outcome = 'parsed' order by id desc limit 1",
            [deal_id, key],
        ).fetchone()
        replaces = previous[0] if previous else None
    doc_id = db["documents"].insert(
        {
            "deal_id": deal_id,
            "name": document.name,
            "path": document.path,
            "kind": document.kind,
            "sha256": document.sha256,
            "pages": len(document.pages),
            "outcome": document.outcome,
            "outcome_detail": document.outcome_detail,
            "document_date": iso(document_date),
            "locale": locale,
            "version_key": key,
            "supersedes": replaces,
            "ingested_at": now(),
        }
    ).last_pk
    result.document_id = doc_id
    record_change(db, who, "ingest", "document", doc_id, note=document.name)
    candidates = _candidate_ids(deal_id, promises)
    stored = _stored_ids(db, {pid for _, *pair in candidates for pid in pair})
    stamp = now()
    new_ids, new_rows = [], []
    updates: dict[tuple, list] = {}  # columns -> rows of values, for promises stored before
    taken: set = set()  # ids given to new promises of this document, not yet written
    for p, (n, *ids) in zip(promises, candidates):
        pid, state = _free_id(db, deal_id, p.text, n, tuple(ids), stored, taken)
        new_ids.append(pid)
        row = _promise_row(p, pid, deal_id, doc_id, stamp)
        if state is not None:
            # The same promise in a new version: keep its review state and history.
            keep = {k: v for k, v in row.items() if k not in ("id", "review_state", "created_at")}
            if state == "superseded":
                keep["review_state"] = "candidate"
                record_change(db, who, "restore", "promise", pid, "review_state",
                              "superseded", "candidate", note=f"repeated in {document.name}")
            updates.setdefault(tuple(keep), []).append([*keep.values(), pid])
            result.kept += 1
        else:
            taken.add(pid)
            new_rows.append(row)
            result.added += 1
    for columns, values in updates.items():
        db.conn.executemany(f"update promises set {', '.join(f'[{k}] = ?' for k in columns)} "
                            "where id = ?", values)
    if new_rows:
        columns = list(new_rows[0])
        db.conn.executemany(f"insert into promises ({', '.join(f'[{k}]' for k in columns)}) "
                            f"values ({', '.join('?' * len(columns))})",
                            [list(row.values()) for row in new_rows])
    result.promise_ids = new_ids
    if replaces is not None:
        old_name = db["documents"].get(replaces)["name"]
        result.replaced = old_name
        stale = db.execute(
            "select id from promises where document_id = ? and review_state != 'superseded'",
            [replaces],
        ).fetchall()
        repeated = set(new_ids)
        for (pid,) in stale:
            if pid in repeated:
                continue
            old_state = db["promises"].get(pid)["review_state"]
            db["promises"].update(pid, {"review_state": "superseded"})
            record_change(db, who, "supersede", "promise", pid, "review_state", old_state,
                          "superseded", note=f"not in {document.name}, which replaces {old_name}")
            result.superseded += 1
    return result


def _promise_row(p: Promise, pid: str, deal_id: str, doc_id: int, stamp: str) -> dict:
    return {
        "id": pid,
        "deal_id": deal_id,
        "document_id": doc_id,
        "page": p.page,
        "start": p.start,
        "end": p.end,
        "quote": p.text,
        "category": p.category,
        "due": iso(p.due),
        "within_days": p.within_days,
        "business_days": int(bool(p.business_days)),
        "anchor": p.anchor,
        "recurrence": p.recurrence,
        "quantity": p.quantity,
        "unit": p.unit,
        "threshold": p.threshold,
        "threshold_unit": p.threshold_unit,
        "direction": p.direction,
        "strength": p.strength,
        "condition": p.condition,
        "rule": p.rule,
        "confidence": p.confidence,
        "reason": p.reason,
        "extractor_version": p.extractor_version,
        "series_end": p.series_end,
        "names_go_live": int(bool(p.names_go_live)),
        "tier": p.tier,
        "measures": p.measures,
        "about_incidents": int(bool(p.about_incidents)),
        "series_start": iso(p.series_start),
        "period_due_days": p.period_due_days,
        "period_due_from": p.period_due_from,
        "period_due_business": int(bool(p.period_due_business)),
        "action": p.action,
        "review_state": "candidate",
        "created_at": stamp,
    }


_MONTHS = (r"jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|"
           r"sep|sept|september|oct|october|nov|november|dec|december")


def export_key(file_name: str, mapping: Optional[str] = None) -> str:
    """Which export a file is, so next month's file of the same export gets the same key:
    the mapping's name (none for the plain column layout) and the file name without its
    extension, dates, numbers, month names and copy markers. 'tickets-2027-03.csv' and
    'Tickets April (2).csv', both read with helpdesk-tickets, are 'helpdesk-tickets:
    tickets'."""
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", file_name or "").lower()
    words = [w for w in re.split(r"[\W_]+", stem)
             if w and not re.search(r"\d", w)
             and not re.fullmatch(_MONTHS + r"|copy|final|draft|new|latest", w)]
    stem = " ".join(words)
    if mapping in (None, "", "canonical"):
        return stem or "(no file name)"
    return f"{mapping}: {stem}" if stem else mapping


def add_import(db, file_name: str, sha256: Optional[str], mapping: Optional[str], who: str,
               records: int, skipped: int, duplicates: int) -> int:
    """Record one delivery import (the caller holds the transaction). RETURNS its id."""
    import_id = db["imports"].insert(
        {"file_name": file_name, "sha256": sha256, "mapping": mapping,
         "export_key": export_key(file_name, mapping), "imported_by": who,
         "imported_at": now(), "records": records, "skipped": skipped,
         "duplicates": duplicates, "note": ""}
    ).last_pk
    record_change(db, who, "import", "import", import_id, note=(
        f"{file_name}: {records} record(s) imported, {duplicates} already there, "
        f"{skipped} skipped"))
    return import_id


def undo_import(db, import_id: int, who: str, reason: str = "") -> None:
    """Mark an import undone: its records stay in the ledger but no longer count."""
    row = db["imports"].get(import_id)
    db["imports"].update(import_id, {"undone_at": now(), "undone_by": who,
                                     "undone_reason": reason or None})
    record_change(db, who, "undo", "import", import_id, note=(
        f"{row['file_name']}: its {row['records']} record(s) no longer count"
        + (f"; {reason}" if reason else "")))


def add_deliveries(db, deliveries: Iterable[Delivery], import_id: Optional[int] = None) -> int:
    """Insert delivery records (the caller validated them and holds the transaction)."""
    stamp = now()
    rows = [
        {
            "deal_id": d.deal_id,
            "category": d.category,
            "delivered_on": iso(d.delivered_on),
            "description": d.description,
            "quantity": d.quantity,
            "value": d.value,
            "reference": d.reference,
            "promise_id": d.promise_id,
            "priority": d.priority,
            "opened_at": iso(d.opened_at),
            "responded_at": iso(d.responded_at),
            "resolved_at": iso(d.resolved_at),
            "value_unit": d.value_unit,
            "value_kind": d.value_kind,
            "record_type": d.record_type,
            "deal_reason": d.deal_reason,
            "source_file": d.source_file,
            "source_row": d.source_row,
            "imported_at": stamp,
            "import_id": import_id,
        }
        for d in deliveries
    ]
    if rows:
        db["deliveries"].insert_all(rows, batch_size=5000)
    return len(rows)


def set_deal_event(db, deal_id: str, name: str, on: date, who: str) -> str:
    """Record the date of an event a deadline counts from ("commissioning"); the caller
    holds the transaction. RETURNS "recorded", "updated" or "unchanged"."""
    from ..models import event_key

    key = event_key(name)
    rows = [r for r in db.execute("SELECT name, on_date FROM deal_events WHERE deal_id = ?",
                                  [deal_id]).fetchall() if event_key(r[0]) == key]
    old = rows[0][1] if rows else None
    if old == on.isoformat():
        return "unchanged"
    if rows:
        db.execute("DELETE FROM deal_events WHERE deal_id = ? AND name = ?", [deal_id, rows[0][0]])
    db["deal_events"].insert({"deal_id": deal_id, "name": name.strip(), "on_date": on.isoformat(),
                              "set_by": who, "set_at": now()})
    record_change(db, who, "event", "deal", deal_id, f"event: {name.strip()}", old, on)
    return "updated" if rows else "recorded"


def link_delivery(db, delivery_id: int, promise_id_: str, who: str) -> None:
    """Link a delivery record to a promise explicitly (recorded in the audit trail)."""
    row = db["deliveries"].get(delivery_id)
    promise = db["promises"].get(promise_id_)
    if row["deal_id"] != promise["deal_id"]:
        raise LedgerError(
            f"Delivery {delivery_id} belongs to deal {row['deal_id']} but promise "
            f"{promise_id_} to deal {promise['deal_id']}; link records of the same deal"
        )
    db["deliveries"].update(delivery_id, {"promise_id": promise_id_})
    record_change(db, who, "link", "delivery", delivery_id, "promise_id", row["promise_id"],
                  promise_id_)
    record_change(db, who, "link", "promise", promise_id_, note=(
        f"delivery {delivery_id} ({row['delivered_on'] or 'no date'}: "
        f"{row['description'] or row['reference']}) counts toward it"))


def unlink_delivery(db, delivery_id: int, who: str) -> Optional[str]:
    """Remove a record's link to its promise, so automatic matching places it again.

    RETURNS (str | None): the promise it was linked to."""
    row = db["deliveries"].get(delivery_id)
    old = row["promise_id"]
    if old is None:
        return None
    db["deliveries"].update(delivery_id, {"promise_id": None})
    record_change(db, who, "unlink", "delivery", delivery_id, "promise_id", old, None)
    record_change(db, who, "unlink", "promise", old, note=(
        f"delivery {delivery_id} no longer counts toward it by hand"))
    return old


def dismiss_delivery(db, delivery_id: int, reason: str, who: str) -> None:
    """Mark a record as fulfilling no promise (kept and listed, never matched)."""
    db["deliveries"].update(delivery_id, {"dismissed_at": now(), "dismissed_by": who,
                                          "dismissed_reason": reason})
    record_change(db, who, "dismiss", "delivery", delivery_id, note=reason)


def undismiss_delivery(db, delivery_id: int, who: str, note: str = "") -> None:
    """Take back a dismissal: the record is matched again (the dismissal stays in the trail)."""
    row = db["deliveries"].get(delivery_id)
    db["deliveries"].update(delivery_id, {"dismissed_at": None, "dismissed_by": None,
                                          "dismissed_reason": None})
    record_change(db, who, "undismiss", "delivery", delivery_id, "dismissed_reason",
                  row["dismissed_reason"], None, note or None)


def add_link_rule(db, promise_id_: str, deal_id: str, export_key_: str, category: str,
                  pattern: str, learned_from: int, who: str) -> int:
    """Remember a link as a rule for later records of the same shape. RETURNS its id."""
    rule_id = db["link_rules"].insert(
        {"promise_id": promise_id_, "deal_id": deal_id, "export_key": export_key_,
         "category": category, "pattern": pattern, "learned_from": learned_from,
         "created_by": who, "created_at": now()}
    ).last_pk
    record_change(db, who, "remember", "rule", rule_id, note=(
        f"records from '{export_key_}' like '{pattern}' ({category}) go to promise "
        f"{promise_id_}, as delivery {learned_from} does"))
    return rule_id


def forget_link_rule(db, rule_id: int, who: str, reason: str = "") -> None:
    """Stop applying a remembered rule (kept, marked forgotten)."""
    db["link_rules"].update(rule_id, {"forgotten_at": now(), "forgotten_by": who,
                                      "forgotten_reason": reason or None})
    record_change(db, who, "forget", "rule", rule_id, note=reason or None)


def add_waiver(db, promise_id_: str, reason: str, by: str, on: date) -> int:
    """Record that the customer agreed to waive or change a promise."""
    wid = db["waivers"].insert(
        {"promise_id": promise_id_, "reason": reason, "waived_by": by,
         "waived_on": on.isoformat(), "recorded_at": now()}
    ).last_pk
    record_change(db, by, "waive", "promise", promise_id_, note=reason)
    return wid


def revoke_waiver(db, promise_id_: str, by: str, reason: str, on: date) -> int:
    """Revoke the promise's latest standing waiver (kept, marked revoked)."""
    row = db.execute(
        "select id from waivers where promise_id = ? and revoked_on is null "
        "order by waived_on desc, id desc limit 1", [promise_id_]).fetchone()
    if row is None:
        raise LedgerError(f"Promise {promise_id_} has no waiver to revoke")
    db["waivers"].update(row[0], {"revoked_on": on.isoformat(), "revoked_by": by,
                                  "revoked_reason": reason})
    record_change(db, by, "revoke", "promise", promise_id_, note=f"waiver revoked: {reason}")
    return row[0]


def clear_deal_field(db, deal_id: str, field_: str, who: str) -> None:
    """Clear a deal date or name entered by mistake (the old value stays in the trail)."""
    allowed = ("customer", "rep") + DEAL_DATE_FIELDS
    if field_ not in allowed:
        raise LedgerError(f"'{field_}' cannot be cleared; use one of {', '.join(allowed)}")
    row = db["deals"].get(deal_id)
    if row[field_] is None:
        return
    db["deals"].update(deal_id, {field_: None})
    record_change(db, who, "clear", "deal", deal_id, field_, row[field_], None)


def set_review_state(db, promise_id_: str, state: str, who: str, note: str = "") -> None:
    """Confirm or reject a candidate (or put it back to candidate)."""
    if state not in REVIEW_STATES:
        raise LedgerError(f"Unknown review state '{state}'; use one of {', '.join(REVIEW_STATES)}")
    old = db["promises"].get(promise_id_)["review_state"]
    if old == state:
        return
    db["promises"].update(promise_id_, {"review_state": state})
    record_change(db, who, "review", "promise", promise_id_, "review_state", old, state,
                  note or None)


def edit_promise(db, promise_id_: str, field_: str, value, who: str) -> None:
    """Correct one parameter of a promise; the old value stays in the audit trail."""
    if field_ not in EDITABLE_PROMISE_FIELDS:
        raise LedgerError(
            f"'{field_}' cannot be edited; editable fields: "
            + ", ".join(sorted(EDITABLE_PROMISE_FIELDS))
        )
    row = db["promises"].get(promise_id_)
    if value in ("", None):
        new = None
    else:
        try:
            new = EDITABLE_PROMISE_FIELDS[field_](value)
        except ValueError as e:
            hint = "write dates as YYYY-MM-DD" if field_ == "due" else str(e)
            raise LedgerError(
                f"Promise {promise_id_}: '{value}' is not a valid {field_}; {hint}"
            ) from None
    if field_ == "business_days":
        new = int(bool(new))
    new = iso(new)
    if row[field_] == new:
        return
    db["promises"].update(promise_id_, {field_: new})
    record_change(db, who, "edit", "promise", promise_id_, field_, row[field_], new)


# json.dumps with options builds an encoder per call, which a million verdicts notice.
_encode_snapshot = json.JSONEncoder(separators=(",", ":"), default=str).encode


def _snapshot_json(v) -> str:
    """What a snapshot keeps of a verdict: the decision and its figures. Evidence and
    per-period detail are not copied; the same ledger and as-of date recompute them."""
    return _encode_snapshot(
        {"reason": v.reason, "due_basis": v.due_basis, "days_late": v.days_late,
         "figures": v.figures, "evidence": [e.delivery_id for e in v.evidence]})


def ledger_version(db) -> int:
    """How many times the ledger changed in a way an audit could see (see migration
    0013): a stored audit is up to date while this equals the version it read."""
    return db.execute("SELECT version FROM ledger_state WHERE id = 1").fetchone()[0]


def start_audit(db) -> int:
    """Note that an audit is reading the ledger from now on, so the next change moves
    the version on. RETURNS the version the audit reads."""
    with db.atomic():
        db.execute("UPDATE ledger_state SET audited = 1 WHERE id = 1")
    return ledger_version(db)


def store_audit_run(db, as_of: date, settings: dict, verdicts: dict, matches=(),
                    weeks: Optional[dict] = None, version: Optional[int] = None,
                    confirmed_only: Optional[bool] = None, promises: Optional[dict] = None,
                    contacts: Sequence = ()) -> int:
    """Store one audit as a snapshot: counts by status, every verdict, and every match.

    matches: the audit's Match objects for stored delivery records. A help-desk ticket
    that counts toward several promises gives one row per promise; a record placed
    nowhere (ambiguous, unmatched, dismissed) one row with no promise.
    """
    counts: dict[str, int] = {}
    for v in verdicts.values():
        counts[v.status] = counts.get(v.status, 0) + 1
    run_id = _insert_run(db, as_of, settings, counts, version, confirmed_only)
    results, _ = snapshot_rows(dict(sorted(verdicts.items())), (), weeks, promises)
    db.conn.executemany(
        f"insert into audit_results (run_id, {RESULT_COLUMNS}) values (?{', ?' * 10})",
        ((run_id, *row) for row in results))
    db.conn.executemany("insert into audit_contacts values (?, ?, ?)",
                        ((run_id, *c) for c in contacts))
    _forget_earlier_matches(db)
    db.conn.executemany(
        "insert into matches (run_id, delivery_id, promise_id, kind, score, reason, rule_id, "
        "candidates) values (?, ?, ?, ?, ?, ?, ?, ?)",
        _match_rows(run_id, matches),
    )
    return run_id


def _forget_earlier_matches(db) -> None:
    """Only the newest audit's matches are kept (the browse views and nothing else read
    them); earlier audits keep their counts and verdicts, which the trend and "what
    changed" read. Without this every audit of a large ledger would add millions of rows
    that nobody reads (about 1.4 GB at 1,000,000 promises). Done before the new rows are
    written (no row of the new run exists yet, so every row goes, and SQLite frees
    whole pages instead of deleting rows one by one); the new rows reuse them."""
    db.execute("delete from matches")


def _insert_run(db, as_of: date, settings: dict, counts: dict, version: Optional[int],
                confirmed_only: Optional[bool]) -> int:
    return db["audit_runs"].insert(
        {"as_of": as_of.isoformat(), "run_at": now(),
         "settings": json.dumps(settings, sort_keys=True, default=str),
         "counts": json.dumps(dict(sorted(counts.items()))),
         "ledger_version": version,
         "confirmed_only": None if confirmed_only is None else int(confirmed_only)}
    ).last_pk


RESULT_COLUMNS = ("promise_id, status, due, rule, verdict, week, deal_id, category, "
                  "review_state, promise_due")


def snapshot_rows(verdicts: dict, matches=(), weeks: Optional[dict] = None,
                  promises: Optional[dict] = None) -> tuple:
    """(result rows, match rows) of a snapshot for some verdicts (promise id -> Verdict)
    and the matches of stored records, as ``SnapshotStage`` stages them. weeks: promise
    id -> the verdict's week digest (``audit.week.week_digest``); promises: promise id ->
    the Promise, whose deal, kind, review state and due date are kept beside it."""
    weeks, promises = weeks or {}, promises or {}
    results = []
    for pid, v in verdicts.items():
        p = promises.get(pid)
        results.append((pid, v.status, iso(v.due), v.rule, _snapshot_json(v), weeks.get(pid),
                        *((p.deal_id, p.category, p.review_state, iso(p.due)) if p
                          else (None, None, None, None))))
    return results, [row[1:] for row in _match_rows(None, matches)]


# The staging tables, keyed in the order the snapshot is stored in (matches by record,
# then in the order they were made; results by promise), so publishing reads them in
# that order instead of sorting millions of rows.
_STAGE_TABLES = (
    "CREATE TABLE {s}.results (promise_id TEXT PRIMARY KEY, status TEXT, due TEXT, rule TEXT, "
    "verdict TEXT, week TEXT, deal_id TEXT, category TEXT, review_state TEXT, promise_due TEXT"
    ") WITHOUT ROWID",
    "CREATE TABLE {s}.contacts (deal_id TEXT PRIMARY KEY, last_contact TEXT) WITHOUT ROWID",
    "CREATE TABLE {s}.matches (delivery_id INTEGER, seq INTEGER, promise_id TEXT, kind TEXT, "
    "score REAL, reason TEXT, rule_id INTEGER, candidates TEXT, PRIMARY KEY (delivery_id, seq)"
    ") WITHOUT ROWID",
)


@contextmanager
def _out_of_space(message: str):
    """A full disk or temporary folder during the work inside: LedgerError(message), which
    says where room is needed, instead of SQLite's own words."""
    try:
        yield
    except sqlite3.OperationalError as e:
        if "full" not in str(e).lower():
            raise
        raise LedgerError(message) from None


def _staging_space():
    """A full temporary folder while the snapshot is staged: said as such (the ledger
    itself is untouched), not as a full ledger disk."""
    return _out_of_space(
        f"The temporary folder {tempfile.gettempdir()} is full: the audit needs room "
        "there for its snapshot before storing it (about 2 GB for 1,000,000 promises); "
        "nothing was stored. Free some space, or point TMPDIR at a larger folder, and "
        "run the audit again")


def _stage_rows(con, schema: str, results: list, matches: list, contacts: Sequence,
                seq: int) -> None:
    """Insert one part's rows into the staging tables of ``schema``; matches are numbered
    from ``seq`` on."""
    with _staging_space():
        con.executemany(f"insert into {schema}.results values (?{', ?' * 9})", results)
        con.executemany(f"insert into {schema}.contacts values (?, ?)", contacts)
        con.executemany(f"insert into {schema}.matches values (?, ?, ?, ?, ?, ?, ?, ?)",
                        ((m[0], seq + i, *m[1:]) for i, m in enumerate(matches)))


class StageFile:
    """A worker process's own staging database (the tables of ``_STAGE_TABLES``) in the
    folder ``SnapshotStage.worker_dir`` gives: a worker of a parallel audit stores its
    snapshot rows there itself, a part at a time, and ``SnapshotStage.publish`` merges
    every worker's file into the ledger, so the process storing the snapshot neither
    receives nor stages them. No journal and no syncing: it is thrown away after the
    audit. Each ``add`` is committed before the part's counts are handed back."""

    def __init__(self, path):
        self.con = sqlite3.connect(str(path))
        # Larger pages than the ledger's: fewer splits for rows written once, read once.
        self.con.execute(f"PRAGMA page_size = {SnapshotStage.PAGE_SIZE}")
        self.con.execute("PRAGMA journal_mode = OFF")
        self.con.execute("PRAGMA synchronous = OFF")
        self.con.execute(f"PRAGMA cache_size = -{SnapshotStage.CACHE_KIB // 4}")
        for sql in _STAGE_TABLES:
            self.con.execute(sql.format(s="main"))
        self._seq = 0

    def add(self, results: list, matches: list, contacts: Sequence = ()) -> None:
        with self.con:
            _stage_rows(self.con, "main", results, matches, contacts, self._seq)
        self._seq += len(matches)

    def close(self) -> None:
        self.con.close()


_STAGE_PREFIX = "promiseaudit-audit-"


def _remove_orphan_stages() -> None:
    """Remove the worker folders of audits whose process is gone (killed before it could
    remove its own): the folder's name carries the process id of the audit it served."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_STAGE_PREFIX}*"):
        pid = folder.name[len(_STAGE_PREFIX):].partition("-")[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass  # another user's process, alive


class _LedgerMoved(Exception):
    """The ledger changed while an audit read it (see ``SnapshotStage.publish``)."""


class SnapshotStage:
    """An audit snapshot written a deal at a time, for ledgers too large to hold one in
    memory: ``add`` (or ``add_packed``) each part, then ``publish`` once, or ``discard``.

    Parts go to a private temporary database attached to the connection (no journal, no
    syncing: it is thrown away with the connection, also when the process is killed), so
    the ledger is not locked while the audit runs; ``publish`` moves them into the ledger
    in one transaction (a snapshot is stored whole or not at all, and nobody sees a run
    half written). Rows keep the order ``store_audit_run`` writes them in.
    """

    BATCH = 20_000
    SCHEMA = "snapshot_stage"
    # Pages SQLite may keep in memory (KiB, as ``PRAGMA cache_size`` takes it negative)
    # while staging and while publishing: the default 2 MB makes each index of the
    # ledger's match and result tables read and write the same pages again and again.
    CACHE_KIB = 262_144
    MERGED_FILES = 8
    PAGE_SIZE = 16_384

    def __init__(self, db):
        self.db = db
        self.counts: dict[str, int] = {}
        self._results: list = []
        self._matches: list = []
        self._contacts: list = []
        self._seq = 0
        self._dir: Optional[str] = None
        self._sources: list = [self.SCHEMA]
        self._detach()
        s = self.SCHEMA
        db.execute(f"ATTACH DATABASE '' AS {s}")  # '': a private file, deleted when closed
        db.execute(f"PRAGMA {s}.page_size = {self.PAGE_SIZE}")
        db.execute(f"PRAGMA {s}.journal_mode = OFF")
        db.execute(f"PRAGMA {s}.synchronous = OFF")
        db.execute(f"PRAGMA {s}.cache_size = -{self.CACHE_KIB // 4}")
        for sql in _STAGE_TABLES:
            db.execute(sql.format(s=s))

    def add(self, results: list, matches: list, contacts: Sequence = ()) -> None:
        """One part's rows, as ``snapshot_rows`` makes them from its verdicts and the
        matches of stored records; contacts: (deal id, day of its last contact)."""
        counts = self.counts
        for row in results:
            counts[row[1]] = counts.get(row[1], 0) + 1
        self._results.extend(results)
        self._matches.extend(matches)
        self._contacts.extend(contacts)
        if len(self._results) + len(self._matches) >= self.BATCH:
            self.flush()

    def worker_dir(self) -> str:
        """A new folder for the ``StageFile``s of a parallel audit's worker processes,
        removed with the stage (``discard``, also after ``publish``)."""
        if self._dir is None:
            _remove_orphan_stages()
            self._dir = tempfile.mkdtemp(prefix=f"{_STAGE_PREFIX}{os.getpid()}-")
        return self._dir

    def add_counts(self, counts: dict) -> None:
        """The verdicts by status of parts a worker stored in its ``StageFile``."""
        for status, n in counts.items():
            self.counts[status] = self.counts.get(status, 0) + n

    def _worker_files(self) -> list:
        if self._dir is None:
            return []
        return sorted(str(p) for p in Path(self._dir).glob("*.db"))

    def _absorb(self, path: str) -> None:
        """Copy a worker's staged rows into this stage, after the parts added before."""
        self.flush()
        db, s = self.db, self.SCHEMA
        db.execute("ATTACH DATABASE ? AS snapshot_part", [path])
        try:
            with _staging_space(), db.atomic():
                db.execute(f"insert into {s}.results select * from snapshot_part.results")
                db.execute(f"insert into {s}.contacts select * from snapshot_part.contacts")
                db.execute(f"insert into {s}.matches select delivery_id, seq + ?, promise_id, "
                           "kind, score, reason, rule_id, candidates from snapshot_part.matches",
                           [self._seq])
            self._seq += db.execute("select count(*) from snapshot_part.matches").fetchone()[0]
        finally:
            db.execute("DETACH DATABASE snapshot_part")

    def flush(self) -> None:
        if not (self._results or self._matches or self._contacts):
            return
        with self.db.atomic():
            _stage_rows(self.db.conn, self.SCHEMA, self._results, self._matches,
                        self._contacts, self._seq)
        self._seq += len(self._matches)
        self._results, self._matches, self._contacts = [], [], []

    def publish(self, as_of: date, settings: dict, version: Optional[int] = None,
                confirmed_only: bool = False) -> int:
        """Store the snapshot in the ledger. version: the ledger version the audit read
        (``start_audit``). RETURNS the run id."""
        self.flush()
        db = self.db
        files = self._worker_files()
        # SQLite attaches at most 10 databases at once: beyond MERGED_FILES worker files,
        # the rest are copied into this stage first.
        for path in files[self.MERGED_FILES:]:
            self._absorb(path)
        for i, path in enumerate(files[:self.MERGED_FILES]):
            db.execute("ATTACH DATABASE ? AS " + f"snapshot_worker{i}", [path])
            db.execute(f"PRAGMA snapshot_worker{i}.cache_size = -{self.CACHE_KIB // 4}")
            self._sources.append(f"snapshot_worker{i}")
        cache = db.execute("PRAGMA main.cache_size").fetchone()[0]
        keys = db.execute("PRAGMA foreign_keys").fetchone()[0]
        sync = db.execute("PRAGMA main.synchronous").fetchone()[0]
        db.execute(f"PRAGMA main.cache_size = -{self.CACHE_KIB}")
        if db.journal_mode == "wal":
            # In WAL mode a commit that is not synced to disk at once cannot damage the
            # ledger: a power cut just after it can lose the snapshot (the audit is run
            # again), never half of it. Syncing a snapshot of millions of rows took 7 %
            # of storing it.
            db.execute("PRAGMA main.synchronous = NORMAL")
        try:
            # Every record, promise and rule a snapshot names was read from the ledger by
            # the audit. While the ledger version is the one the audit read, none of them
            # has changed or gone since, so checking each row's foreign keys (most of the
            # cost of copying millions of matches) finds nothing; after any change they
            # are checked.
            run_id = None
            if keys and version is not None:
                db.execute("PRAGMA foreign_keys = OFF")
                run_id = self._copy(as_of, settings, version, confirmed_only, unchanged=True)
                db.execute(f"PRAGMA foreign_keys = {keys}")
            if run_id is None:
                run_id = self._copy(as_of, settings, version, confirmed_only, unchanged=False)
        finally:
            db.execute(f"PRAGMA main.cache_size = {cache}")
            db.execute(f"PRAGMA foreign_keys = {keys}")
            db.execute(f"PRAGMA main.synchronous = {sync}")
        self.discard()
        return run_id

    def _copy(self, as_of, settings, version, confirmed_only, unchanged: bool):
        """Copy the staged rows into the ledger in one transaction. RETURNS the run id,
        or None (nothing written) when ``unchanged`` and the ledger has changed."""
        db = self.db
        try:
            with db.atomic():
                run_id = _insert_run(db, as_of, settings, self.counts, version, confirmed_only)
                # Read after the first write, which holds the ledger's write lock.
                if unchanged and ledger_version(db) != version:
                    raise _LedgerMoved
                self._copy_rows(run_id)
        except _LedgerMoved:
            return None
        except sqlite3.IntegrityError:
            if unchanged:
                raise
            raise LedgerError("The ledger changed while the audit read it (a record, promise or "
                              "rule it used was deleted meanwhile); nothing was stored. Run the "
                              "audit again") from None
        return run_id

    def _copy_rows(self, run_id: int) -> None:
        """Each source (this stage and the worker files) is kept in the order the snapshot
        is stored in, and SQLite merges them in that order (a compound SELECT whose ORDER
        BY each side's key already gives) instead of sorting: rows of one record or deal
        are all in one source, so the merged order is that of an audit in one process."""
        db = self.db

        def merged(columns: str, table: str, order: str) -> str:
            return " union all ".join(f"select ? as run_id, {columns} from {s}.{table}"
                                      for s in self._sources) + f" order by {order}"

        n = len(self._sources)
        db.execute(f"insert into audit_results (run_id, {RESULT_COLUMNS}) "
                   + merged(RESULT_COLUMNS, "results", "promise_id"), [run_id] * n)
        db.execute("insert into audit_contacts " + merged("deal_id, last_contact", "contacts",
                                                          "deal_id"), [run_id] * n)
        _forget_earlier_matches(db)
        db.execute("insert into matches (run_id, delivery_id, promise_id, kind, score, "
                   "reason, rule_id, candidates) "
                   + merged("delivery_id, promise_id, kind, score, reason, rule_id, candidates",
                            "matches", "delivery_id"), [run_id] * n)

    def discard(self) -> None:
        """Drop what was staged (also after ``publish``), the worker files too."""
        self._results, self._matches, self._contacts = [], [], []
        self._detach()
        self._sources = [self.SCHEMA]
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def _detach(self) -> None:
        for name in self._attached():
            self.db.execute(f"DETACH DATABASE {name}")

    def _attached(self) -> list:
        names = [row[1] for row in self.db.execute("PRAGMA database_list").fetchall()]
        return [n for n in names if n in (self.SCHEMA, "snapshot_part")
                or n.startswith("snapshot_worker")]


def _match_rows(run_id: int, matches):
    for m in matches:
        others = ", ".join(m.candidates)
        shared = m.promise_id is not None and not m.ambiguous and m.candidates
        for pid in (m.candidates if shared else (m.promise_id,)):
            yield (run_id, m.delivery_id, pid, m.kind, m.score, m.reason, m.rule_id, others)


@dataclass(frozen=True)
class LedgerSpace:
    """How large a ledger file is and how much of it is unused (bytes): pages freed by
    what was deleted (an earlier audit's matches, an undone import) stay in the file and
    are reused by later writes; ``compact`` gives them back to the disk."""

    size: int
    unused: int


def ledger_space(db) -> LedgerSpace:
    """The ledger file's size and unused room, from SQLite's page counts."""
    page = db.execute("PRAGMA main.page_size").fetchone()[0]
    pages = db.execute("PRAGMA main.page_count").fetchone()[0]
    free = db.execute("PRAGMA main.freelist_count").fetchone()[0]
    return LedgerSpace(pages * page, free * page)


def compact(db, path: str) -> tuple[LedgerSpace, LedgerSpace]:
    """Rewrite the ledger file without its unused pages (SQLite's VACUUM, one
    transaction: on any failure the ledger is as it was). Nothing stored changes.
    path: the file, for messages. RETURNS (space before, space after)."""
    from . import is_read_only
    from ..read.limits import size_in_words

    if is_read_only(db):
        raise LedgerError(f"The ledger {path} is read-only, so it cannot be compacted; ask "
                          "for write access to the file and its folder")
    before = ledger_space(db)
    with _out_of_space(
            f"Not enough free disk space to compact the ledger {path}: it needs about "
            f"{size_in_words(before.size - before.unused)} in the temporary folder "
            f"{tempfile.gettempdir()} and as much again beside the ledger; nothing was "
            "changed. Free some space (or point TMPDIR at a larger folder) and run it again"):
        db.execute("VACUUM")
        if db.journal_mode == "wal":
            # The rewritten pages went through the write-ahead log; move them into the
            # file and empty the log, so the space is given back now.
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return before, ledger_space(db)

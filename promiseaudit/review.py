"""People confirm what the machine found: review decisions, one at a time or by CSV.

Extracted promises enter the ledger as ``candidate``. A reviewer confirms or rejects
each one and may correct a parameter; every decision and edit is kept in the audit trail
with who made it and when.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Optional

from .errors import RecordError
from .imports import read_rows, spreadsheet_cell
from .ledger import queries, store

DECISIONS = {
    "confirm": "confirmed", "confirmed": "confirmed", "yes": "confirmed", "y": "confirmed",
    "ok": "confirmed", "reject": "rejected", "rejected": "rejected", "no": "rejected",
    "n": "rejected", "candidate": "candidate", "": None,
}
REVIEW_COLUMNS = (
    "promise_id", "deal_id", "decision", "category", "due", "within_days", "business_days",
    "anchor", "recurrence", "quantity", "unit", "threshold", "threshold_unit", "direction",
    "strength", "condition", "review_state", "confidence", "quote", "source", "page", "reason",
)
EDITABLE = tuple(store.EDITABLE_PROMISE_FIELDS)


def candidates(db, deal_id: Optional[str] = None, include_reviewed: bool = False) -> list:
    """Promises waiting for review (or all live ones with ``include_reviewed``)."""
    states = ["candidate"] + (["confirmed", "rejected"] if include_reviewed else [])
    return queries.promises(db, deal_id=deal_id, states=states)


def decide(db, promise_id: str, decision: str, who: str, note: str = "") -> str:
    """Confirm, reject or reset one promise. RETURNS the new review state."""
    state = DECISIONS.get(decision.strip().lower(), "?")
    if state in (None, "?"):
        raise RecordError(
            f"Unknown decision '{decision}' for {promise_id}; use confirm, reject or candidate"
        )
    queries.get_promise(db, promise_id)
    with db.atomic():
        store.set_review_state(db, promise_id, state, who, note)
    return state


def edit(db, promise_id: str, field: str, value, who: str) -> None:
    """Correct one parameter of a promise (kept in the audit trail)."""
    queries.get_promise(db, promise_id)
    with db.atomic():
        store.edit_promise(db, promise_id, field, value, who)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def export_csv(db, deal_id: Optional[str] = None, include_reviewed: bool = False) -> str:
    """A review sheet: fill in ``decision`` (confirm/reject) and correct any parameter.
    Text that a spreadsheet would run as a formula gets an apostrophe in front."""
    out = io.StringIO()
    # CSV's own line ends: with "\n" alone, a cell holding a carriage return would not be
    # quoted and would break its row
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REVIEW_COLUMNS)
    for p in candidates(db, deal_id, include_reviewed):
        values = {
            "promise_id": p.id, "deal_id": p.deal_id, "decision": "",
            "review_state": p.review_state, "quote": p.text, "source": p.source,
        }
        row = [values[c] if c in values else _cell(getattr(p, c)) for c in REVIEW_COLUMNS]
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return out.getvalue()


def import_csv(db, path, who: str) -> dict:
    """Apply a filled-in review sheet, all rows or none.

    RETURNS (dict): counts of "confirmed", "rejected", "edited" fields and "unchanged" rows.
    """
    name = Path(path).name
    columns, rows = read_rows(path)
    if "promise_id" not in columns or "decision" not in columns:
        raise RecordError(
            f"{name}: missing column promise_id or decision; start from "
            "`promiseaudit review --export` and keep its header row"
        )
    plan = []
    for rownum, row in rows:
        where = f"{name} row {rownum}"
        pid = row.get("promise_id", "")
        try:
            current = queries.get_promise(db, pid)
        except Exception:
            raise RecordError(f"{where}: promise '{pid}' is not in the ledger; "
                              "do not change the promise_id column") from None
        decision = row.get("decision", "").strip().lower()
        if decision not in DECISIONS:
            raise RecordError(f"{where}: decision '{row['decision']}' not understood; "
                              "write confirm, reject or leave it empty")
        edits = {}
        for field in EDITABLE:
            if field not in row:
                continue
            new = row[field].strip()
            old = _cell(getattr(current, field))
            if field == "business_days":
                new = "yes" if new.lower() in ("1", "true", "yes", "y") else ("no" if new else "")
                old = old or "no"
                new = new or "no"
            if new != old and not (new == "" and old == ""):
                try:
                    store.EDITABLE_PROMISE_FIELDS[field](new) if new else None
                except ValueError as e:
                    raise RecordError(
                        f"{where}: {field} '{new}' is not valid; "
                        + ("write dates as YYYY-MM-DD" if field == "due" else str(e))
                    ) from None
                edits[field] = new
        plan.append((pid, DECISIONS[decision], edits))
    counts = {"confirmed": 0, "rejected": 0, "candidate": 0, "edited": 0, "unchanged": 0}
    with db.atomic():
        for pid, state, edits in plan:
            for field, value in edits.items():
                store.edit_promise(db, pid, field, value, who)
                counts["edited"] += 1
            if state:
                store.set_review_state(db, pid, state, who, note=f"review sheet {name}")
                counts[state] += 1
            elif not edits:
                counts["unchanged"] += 1
    return counts

"""Reads from the ledger, returned as models."""
from __future__ import annotations

import json
from dataclasses import fields, replace
from datetime import date, datetime
from typing import Iterable, Optional, Sequence

from ..errors import LedgerError
from ..models import Deal, Delivery, DocumentInfo, LinkRule, Promise


def _d(value) -> Optional[date]:
    return date.fromisoformat(value) if value else None


def _dt(value) -> Optional[datetime]:
    return datetime.fromisoformat(value) if value else None


def deal_from_row(row: dict) -> Deal:
    return Deal(
        deal_id=row["deal_id"],
        customer=row["customer"],
        rep=row["rep"],
        signed_on=_d(row["signed_on"]),
        kickoff_on=_d(row["kickoff_on"]),
        go_live_on=_d(row["go_live_on"]),
        ends_on=_d(row["ends_on"]),
        go_live_planned=_d(row["go_live_planned"]),
    )


# The columns a Promise is read from, in the order of its fields ("quote" is its text,
# the document's name its source), and the fields stored as text dates or 0/1 flags.
_PROMISE_COLUMNS = tuple((f.name, {"text": "quote", "source": "_source"}.get(f.name, f.name))
                         for f in fields(Promise))
_PROMISE_SQL = ", ".join(f'd.name AS _source' if col == "_source" else f'p."{col}"'
                         for _, col in _PROMISE_COLUMNS)
_PROMISE_FIELDS = tuple(name for name, _ in _PROMISE_COLUMNS)
_PROMISE_DATES = tuple(i for i, (name, _) in enumerate(_PROMISE_COLUMNS)
                       if name in ("due", "series_start"))
_PROMISE_FLAGS = tuple(i for i, (name, _) in enumerate(_PROMISE_COLUMNS)
                       if name in ("business_days", "names_go_live", "about_incidents",
                                   "period_due_business"))


def _promise(values) -> Promise:
    """The Promise of one row of ``_PROMISE_SQL``. A frozen dataclass's __init__ sets
    each of its 36 fields through object.__setattr__, most of the time of loading a
    large ledger's promises; filling __dict__ in field order gives the same object."""
    values = list(values)
    for i in _PROMISE_DATES:
        values[i] = _d(values[i])
    for i in _PROMISE_FLAGS:
        values[i] = bool(values[i])
    p = object.__new__(Promise)
    p.__dict__.update(zip(_PROMISE_FIELDS, values))
    return p


def _dismissal(at, by, reason) -> Optional[str]:
    return f"by {by} on {at[:10]}: {reason}" if at else None


def delivery_from_row(row: dict, export_keys: Optional[dict] = None) -> Delivery:
    return Delivery(
        id=row["id"],
        deal_id=row["deal_id"],
        category=row["category"],
        delivered_on=_d(row["delivered_on"]),
        description=row["description"],
        quantity=row["quantity"],
        value=row["value"],
        reference=row["reference"],
        promise_id=row["promise_id"],
        priority=row["priority"],
        opened_at=_dt(row["opened_at"]),
        responded_at=_dt(row["responded_at"]),
        resolved_at=_dt(row["resolved_at"]),
        value_unit=row["value_unit"],
        value_kind=row["value_kind"],
        record_type=row["record_type"],
        deal_reason=row.get("deal_reason"),
        source_file=row["source_file"],
        source_row=row["source_row"],
        import_id=row["import_id"],
        export_key=(export_keys or {}).get(row["import_id"], ""),
        dismissed=_dismissal(row["dismissed_at"], row["dismissed_by"], row["dismissed_reason"]),
    )


def get_deal(db, deal_id: str) -> Deal:
    """The deal ``deal_id``; LedgerError when the ledger does not know it."""
    rows = list(db["deals"].rows_where("deal_id = ?", [deal_id]))
    if not rows:
        raise LedgerError(
            f"No deal '{deal_id}' in the ledger; check the id with `promiseaudit deals list`"
        )
    return _with_events(db, [deal_from_row(rows[0])])[0]


# In the order of the fields of Deal (before its events).
_DEAL_COLUMNS = ("deal_id", "customer", "rep", "signed_on", "kickoff_on", "go_live_on",
                 "ends_on", "go_live_planned")


def deals(db) -> dict[str, Deal]:
    """All deals by id (read as row tuples: a large ledger has a hundred thousand)."""
    rows = db.execute(f"SELECT {', '.join(_DEAL_COLUMNS)} FROM deals ORDER BY deal_id")
    found = _with_events(db, [Deal(deal_id, customer, rep, _d(signed), _d(kickoff), _d(live),
                                   _d(ends), _d(planned))
                              for deal_id, customer, rep, signed, kickoff, live, ends, planned in rows])
    return {d.deal_id: d for d in found}


def _with_events(db, found: list) -> list:
    """Deals with the events recorded for them (``deals set --event``)."""
    events: dict = {}
    for r in db.execute("SELECT deal_id, name, on_date, set_by, set_at FROM deal_events "
                        "ORDER BY deal_id, on_date, name"):
        events.setdefault(r[0], []).append(
            (r[1], _d(r[2]), f"recorded by {r[3]} on {r[4][:10]}"))
    return [replace(d, events=tuple(events[d.deal_id])) if d.deal_id in events else d
            for d in found]


def deal_ids(db) -> list[str]:
    """Every deal id the ledger holds promises or records for (or knows), sorted."""
    return [r[0] for r in db.execute(
        "select deal_id from deals union select deal_id from promises "
        "union select deal_id from deliveries order by 1")]


def _deal_filter(column: str, deal_id: Optional[str], deal_range: Optional[tuple],
                 deal_ids: Optional[Sequence[str]] = None) -> tuple:
    if deal_id is not None:
        return [f"{column} = ?"], [deal_id]
    if deal_range is not None:
        return [f"{column} between ? and ?"], list(deal_range)
    if deal_ids is not None:
        return [f"{column} in ({','.join('?' * len(deal_ids))})"], list(deal_ids)
    return [], []


def promises(db, deal_id: Optional[str] = None, states: Optional[Iterable[str]] = None,
             deal_range: Optional[tuple] = None,
             deal_ids: Optional[Sequence[str]] = None) -> list[Promise]:
    """Promises in id order, with ``source`` set to the document's file name.

    deal_range (tuple): (first, last) deal id, both included, for reading a ledger a
        slice of deals at a time. deal_ids: only these deals' (a few, anywhere in it).
    """
    sql = f"select {_PROMISE_SQL} from promises p join documents d on d.id = p.document_id"
    where, params = _deal_filter("p.deal_id", deal_id, deal_range, deal_ids)
    if states is not None:
        states = list(states)
        where.append("p.review_state in ({})".format(",".join("?" * len(states))))
        params.extend(states)
    if where:
        sql += " where " + " and ".join(where)
    sql += " order by p.deal_id, p.document_id, p.page, p.start, p.id"
    return [_promise(values) for values in db.execute(sql, params)]


def get_promise(db, promise_id: str) -> Promise:
    """One promise by id; LedgerError with the way to find ids when unknown."""
    row = db.execute(
        f"select {_PROMISE_SQL} from promises p join documents d "
        "on d.id = p.document_id where p.id = ?",
        [promise_id],
    ).fetchone()
    if row is None:
        raise LedgerError(
            f"No promise '{promise_id}' in the ledger; "
            "find promise ids with `promiseaudit audit` or `promiseaudit export`"
        )
    return _promise(row)


_DELIVERY_COLUMNS = ("id", "deal_id", "category", "delivered_on", "description", "quantity",
                     "value", "reference", "promise_id", "priority", "opened_at",
                     "responded_at", "resolved_at", "source_file", "source_row", "import_id",
                     "dismissed_at", "dismissed_by", "dismissed_reason",
                     "value_unit", "value_kind", "record_type", "deal_reason")


def deliveries(db, deal_id: Optional[str] = None, include_undone: bool = False,
               deal_range: Optional[tuple] = None,
               deal_ids: Optional[Sequence[str]] = None) -> list[Delivery]:
    """Delivery records in id order (read as plain tuples: audits load millions).

    Records of an undone import are left out unless ``include_undone``; dismissed records
    are included (with ``dismissed`` set), since they are still listed.
    deal_range (tuple): (first, last) deal id, both included. deal_ids: only these deals'.
    """
    keys, undone = {}, []
    for import_id, key, undone_at in db.execute("select id, export_key, undone_at from imports"):
        keys[import_id] = key
        if undone_at:
            undone.append(import_id)
    sql = f"select {', '.join(_DELIVERY_COLUMNS)} from deliveries"
    where, params = _deal_filter("deal_id", deal_id, deal_range, deal_ids)
    if undone and not include_undone:
        where.append("(import_id is null or import_id not in ({}))".format(",".join("?" * len(undone))))
        params.extend(undone)
    if where:
        sql += " where " + " and ".join(where)
    sql += " order by id"
    day, stamp, new, why, fill = (date.fromisoformat, datetime.fromisoformat, object.__new__,
                                  _dismissal, object.__setattr__)
    out = []
    for r in db.execute(sql, params):
        # A frozen dataclass's __init__ sets each field through object.__setattr__, which
        # dominates loading a million records; giving it its fields as one dict makes the
        # same object.
        rec = new(Delivery)
        fill(rec, "__dict__", {
            "id": r[0], "deal_id": r[1], "category": r[2],
            "delivered_on": day(r[3]) if r[3] else None, "description": r[4],
            "quantity": r[5], "value": r[6], "reference": r[7], "promise_id": r[8],
            "priority": r[9], "opened_at": stamp(r[10]) if r[10] else None,
            "responded_at": stamp(r[11]) if r[11] else None,
            "resolved_at": stamp(r[12]) if r[12] else None,
            "source_file": r[13], "source_row": r[14], "import_id": r[15],
            "export_key": keys.get(r[15], ""),
            "dismissed": why(r[16], r[17], r[18]) if r[16] else None,
            "value_unit": r[19], "value_kind": r[20], "record_type": r[21],
            "deal_reason": r[22]})
        out.append(rec)
    return out


def get_delivery(db, delivery_id: int) -> Delivery:
    """One delivery record by id (also one of an undone import); LedgerError when unknown."""
    rows = list(db["deliveries"].rows_where("id = ?", [delivery_id]))
    if not rows:
        raise LedgerError(
            f"No delivery record {delivery_id} in the ledger; "
            "list them with `promiseaudit deliveries list`"
        )
    keys = {r[0]: r[1] for r in db.execute("select id, export_key from imports")}
    return delivery_from_row(rows[0], keys)


def imports(db) -> list[dict]:
    """Every delivery import, oldest first, undone ones included (``undone_at`` set)."""
    return list(db["imports"].rows_where(order_by="id"))


def get_import(db, import_id: int) -> dict:
    """One import by id; LedgerError with the way to find ids when unknown."""
    rows = list(db["imports"].rows_where("id = ?", [import_id]))
    if not rows:
        raise LedgerError(
            f"No import {import_id} in the ledger; list them with `promiseaudit deliveries imports`"
        )
    return rows[0]


def _rule_from_row(row: dict) -> LinkRule:
    return LinkRule(id=row["id"], promise_id=row["promise_id"], deal_id=row["deal_id"],
                    export_key=row["export_key"], category=row["category"],
                    pattern=row["pattern"], learned_from=row["learned_from"],
                    by=row["created_by"], on=date.fromisoformat(row["created_at"][:10]))


def link_rules(db) -> list[LinkRule]:
    """The remembered link rules in use (forgotten ones left out), oldest first."""
    return [_rule_from_row(r) for r in db["link_rules"].rows_where(
        "forgotten_at is null", order_by="id")]


def link_rule_rows(db, include_forgotten: bool = False) -> list[dict]:
    """Remembered rules as rows, for listing (with who forgot them and when)."""
    where = None if include_forgotten else "forgotten_at is null"
    return list(db["link_rules"].rows_where(where, order_by="id"))


def get_link_rule(db, rule_id: int) -> dict:
    """One rule row by id; LedgerError with the way to find ids when unknown."""
    rows = list(db["link_rules"].rows_where("id = ?", [rule_id]))
    if not rows:
        raise LedgerError(
            f"No remembered rule {rule_id} in the ledger; list them with `promiseaudit rules`"
        )
    return rows[0]


def matches(db, run_id: Optional[int] = None) -> list[dict]:
    """The matches stored with an audit run (default: the latest run), by delivery id."""
    if run_id is None:
        row = db.execute("select max(id) from audit_runs").fetchone()
        run_id = row[0]
        if run_id is None:
            return []
    return list(db["matches"].rows_where("run_id = ?", [run_id], order_by="delivery_id, id"))


def documents(db, deal_id: Optional[str] = None,
              deal_ids: Optional[Iterable[str]] = None) -> list[DocumentInfo]:
    """Every document the ledger has seen, with its read outcome and promise count.
    deal_ids: only the documents of these deals ("" for those of no deal)."""
    sql = (
        "select d.*, (select count(*) from promises p where p.document_id = d.id) as n, "
        "(select name from documents later where later.supersedes = d.id "
        " order by later.id desc limit 1) as replaced_by "
        "from documents d"
    )
    params: list = []
    if deal_id is not None:
        sql += " where d.deal_id = ?"
        params.append(deal_id)
    elif deal_ids is not None:
        ids = sorted(set(deal_ids))
        sql += " where (d.deal_id in ({}){})".format(
            ",".join("?" * len(ids)), " or d.deal_id is null" if "" in ids else "")
        params.extend(ids)
    sql += " order by d.id"
    cursor = db.execute(sql, params)
    cols = [c[0] for c in cursor.description]
    out = []
    for values in cursor:
        r = dict(zip(cols, values))
        out.append(
            DocumentInfo(
                id=r["id"], deal_id=r["deal_id"], name=r["name"], path=r["path"],
                kind=r["kind"], sha256=r["sha256"], pages=r["pages"], outcome=r["outcome"],
                outcome_detail="; ".join(filter(None, [r["outcome_detail"], (
                    f"replaced by {r['replaced_by']}" if r["replaced_by"] else "")])),
                ingested_at=r["ingested_at"],
                promise_count=r["n"],
            )
        )
    return out


def waivers(db) -> list[dict]:
    """Waiver rows (latest per promise wins when the caller builds a dict in order)."""
    return list(db["waivers"].rows_where(order_by="id"))


def changes(db, entity_id: Optional[str] = None) -> list[dict]:
    """The audit trail, oldest first."""
    if entity_id is None:
        return list(db["changes"].rows_where(order_by="id"))
    return list(db["changes"].rows_where("entity_id = ?", [entity_id], order_by="id"))


def audit_runs(db) -> list[dict]:
    """Stored audit snapshots, oldest as-of first; ``counts`` decoded."""
    rows = []
    for r in db["audit_runs"].rows_where(order_by="as_of, id"):
        r = dict(r)
        r["counts"] = json.loads(r["counts"])
        rows.append(r)
    return rows


def snapshot_statuses(db, run_id: int) -> dict[str, str]:
    """promise id -> status in one stored audit run."""
    return dict(db.execute("select promise_id, status from audit_results where run_id = ? "
                           "order by promise_id", [run_id]).fetchall())


# For readers that join more columns to a promise (a report from the stored audit):
# select PROMISE_SQL first, then build the Promise from the first len(PROMISE_FIELDS).
PROMISE_SQL = _PROMISE_SQL
PROMISE_FIELDS = _PROMISE_FIELDS
promise_from_values = _promise

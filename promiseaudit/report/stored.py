"""A report's figures read from a stored audit (``report --from-audit``), in SQL, so a
ledger of a million promises is never held in memory.

``StoredAudit`` answers what the views ask of a report's promises: counts by deal, kind,
status and review, the first promises of a list in the report's order, and the audits
of the few deals whose promises are shown (``audit_deals``, given by the caller: the
report stage does not audit).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Optional

from ..audit.contact import last_contact
from ..ledger import queries
from ..models import Verdict
from .formatting import NOT_RECORDED, STATUS_ORDER

ROWS = "temp.report_rows"
ALL_ROWS = "temp.report_all"  # the selection of every deal, kept while parts of it are used


@dataclass
class StoredAudit:
    """One stored audit run, as a report reads it.

    run: the audit_runs row (``counts`` decoded). previous: the run "what changed"
    compares with, or None. history: ((day, counts), ...) one point per as-of date up to
    this run's. earlier_runs: ((day, run id), ...) the latest run of each earlier date.
    audit_deals: deal ids -> their ``DealAudit``s, audited again as of the run's date.
    """

    db: object
    run: dict
    deals: dict
    audit_deals: Callable[[list], Iterable]
    previous: Optional[dict] = None
    history: tuple = ()
    earlier_runs: tuple = ()
    _scope: tuple = field(default=None, repr=False)
    _all_scope: tuple = field(default=None, repr=False)  # what ALL_ROWS holds
    _names: dict = field(default_factory=dict, repr=False)  # rep/customer names in order
    _by_category: Optional[list] = field(default=None, repr=False)

    @property
    def as_of(self) -> date:
        return date.fromisoformat(self.run["as_of"])

    @property
    def has_status_history(self) -> bool:
        """Whether any promise has a status in this run or an earlier one (the in-memory
        report's ``status_history`` is then not empty)."""
        return bool(self.run["counts"]) or any(c for _, c in self.history)

    def select(self, deal_ids: Optional[set] = None, since: Optional[date] = None,
               week: bool = False) -> None:
        """Gather the report's promises (of ``deal_ids`` when given, due on or after
        ``since`` when given) in a temporary table, with what orders them. week: with
        what the weekly report asks of each verdict's week digest (``audit.week``), read
        out of its JSON once: the columns w_occ, w_next, w_kept, w_done and w_broke.

        Every deal's promises, once gathered, are kept aside when some deals' are asked
        for: theirs are then taken from them, not from the stored audit again (the weekly
        e-mail, one message per rep, selects each rep's deals in turn)."""
        scope = (frozenset(deal_ids) if deal_ids is not None else None, since, week)
        if self._scope == scope:
            return
        db = self.db
        whole = (None, since, week)
        if self._scope == whole:
            db.execute(f"DROP TABLE IF EXISTS {ALL_ROWS}")
            db.execute(f"ALTER TABLE {ROWS} RENAME TO report_all")
            db.execute(f"CREATE INDEX temp.report_all_deal ON report_all (deal_id)")
            self._all_scope = whole
        self._scope = self._by_category = None
        keys = sorted({_key(d.customer) for d in self.deals.values()} | {_key(None)})
        rank = {k: i for i, k in enumerate(keys)}
        # The breakdowns group by the name shown and list names in their own order.
        for attr in ("rep", "customer"):
            names = sorted({_name(d, attr) for d in self.deals.values()} | {NOT_RECORDED},
                           key=lambda n: (n == NOT_RECORDED, n.casefold(), n))
            self._names[attr] = names
        order_of = {attr: {n: i for i, n in enumerate(names)} for attr, names in self._names.items()}
        db.execute("DROP TABLE IF EXISTS temp.report_deals")
        # WITHOUT ROWID: each promise's deal is then found in one lookup, not two (half
        # the time of gathering a million promises).
        db.execute("CREATE TEMP TABLE report_deals (deal_id TEXT PRIMARY KEY, crank INTEGER, "
                   "rep INTEGER, customer INTEGER, chosen INTEGER) WITHOUT ROWID")
        db.conn.executemany("INSERT INTO temp.report_deals VALUES (?, ?, ?, ?, ?)",
                            ((d.deal_id, rank[_key(d.customer)], order_of["rep"][_name(d, "rep")],
                              order_of["customer"][_name(d, "customer")],
                              int(deal_ids is None or d.deal_id in deal_ids))
                             for d in self.deals.values()))
        db.execute(f"DROP TABLE IF EXISTS {ROWS}")
        if self._all_scope == whole:
            chosen = "" if deal_ids is None else (
                " JOIN temp.report_deals t ON t.deal_id = a.deal_id WHERE t.chosen = 1")
            db.execute(f"CREATE TEMP TABLE report_rows AS SELECT a.* FROM {ALL_ROWS} a{chosen}")
            self._scope = scope
            return
        none = {attr: order_of[attr][NOT_RECORDED] for attr in order_of}
        order = " ".join(f"WHEN '{s}' THEN {n}" for s, n in STATUS_ORDER.items())
        where, params = ["r.run_id = ?", "r.review_state != 'rejected'"], [self.run["id"]]
        if deal_ids is not None:
            where.append("t.chosen = 1")
        if since is not None:
            where.append("coalesce(r.due, r.promise_due) >= ?")
            params.append(since.isoformat())
        prev = self.previous["id"] if self.previous else -1
        digest = "".join(f"json_extract(r.week, '{path}') AS {name}, " for name, path in (
            ("w_occ", "$.occ"), ("w_next", "$.next[0]"), ("w_kept", "$.kept[0]"),
            ("w_done", "$.done"), ("w_broke", "$.broke"))) if week else ""
        db.execute(
            f"CREATE TEMP TABLE report_rows AS SELECT r.promise_id AS id, r.deal_id AS deal_id, "
            f"r.status AS status, CASE r.status {order} ELSE 99 END AS srank, "
            f"coalesce(r.due, r.promise_due) AS due, coalesce(t.crank, {rank[_key(None)]}) AS crank, "
            f"coalesce(t.rep, {none['rep']}) AS rep, coalesce(t.customer, {none['customer']}) AS customer, "
            f"r.category AS category, r.review_state = 'candidate' AS cand, {digest}"
            f"pr.status AS prev "
            f"FROM audit_results r "
            f"LEFT JOIN temp.report_deals t ON t.deal_id = r.deal_id "
            f"LEFT JOIN audit_results pr ON pr.run_id = {int(prev)} AND pr.promise_id = r.promise_id "
            f"WHERE {' AND '.join(where)}", params)
        self._scope = scope

    def tallies(self) -> list:
        """(status, unreviewed, count) of the selected promises."""
        totals: dict = {}
        for _, status, cand, k in self.by_category():
            totals[status, cand] = totals.get((status, cand), 0) + k
        return [(status, cand, k) for (status, cand), k in sorted(totals.items())]

    def by_category(self) -> list:
        """(kind, status, unreviewed, count) of the selected promises (counted once per
        selection: the totals are summed from it)."""
        if self._by_category is None:
            self._by_category = self.db.execute(
                f"SELECT category, status, cand, count(*) FROM {ROWS} "
                "GROUP BY category, status, cand").fetchall()
        return self._by_category

    def by_name(self, attr: str, limit: int) -> tuple[list, int]:
        """((name, status, unreviewed, count) rows of the first ``limit`` reps or customers
        (``attr``) in the report's order; how many there are) among the selected promises."""
        first = [r[0] for r in self.db.execute(
            f"SELECT DISTINCT {attr} FROM {ROWS} ORDER BY 1 LIMIT ?", [limit])]
        count = self.db.execute(f"SELECT count(DISTINCT {attr}) FROM {ROWS}").fetchone()[0]
        if not first:
            return [], count
        names = self._names[attr]
        rows = self.db.execute(f"SELECT {attr}, status, cand, count(*) FROM {ROWS} WHERE {attr} <= ? "
                               f"GROUP BY {attr}, status, cand ORDER BY {attr}", [first[-1]])
        return [(names[n], status, cand, k) for n, status, cand, k in rows], count

    def stored(self, ids: Iterable[str]) -> dict:
        """promise id -> (Promise, Verdict, week digest) of the promises ``ids`` as the run
        stored them: the verdict without its evidence or periods (see ``audit.week``)."""
        ids = sorted(set(ids))
        out = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            cursor = self.db.execute(
                f"SELECT {queries.PROMISE_SQL}, p.id AS id, r.status AS _status, r.due AS _due, "
                "r.rule AS _rule, r.verdict AS _verdict, r.week AS _week FROM promises p "
                "JOIN documents d ON d.id = p.document_id JOIN audit_results r "
                f"ON r.promise_id = p.id AND r.run_id = ? WHERE p.id IN ({marks})",
                [self.run["id"], *chunk])
            cols = [c[0] for c in cursor.description]
            n = len(queries.PROMISE_FIELDS)
            for values in cursor:
                row = dict(zip(cols[n:], values[n:]))
                kept = json.loads(row["_verdict"])
                verdict = Verdict(row["id"], row["_status"],
                                  date.fromisoformat(row["_due"]) if row["_due"] else None,
                                  row["_rule"], kept["reason"], kept["due_basis"],
                                  days_late=kept["days_late"], figures=kept["figures"])
                out[row["id"]] = (queries.promise_from_values(values[:n]), verdict,
                                  json.loads(row["_week"]) if row["_week"] else {})
        return out

    def count(self, where: str = "1", params=()) -> int:
        return self.db.execute(f"SELECT count(*) FROM {ROWS} WHERE {where}", list(params)).fetchone()[0]

    def first(self, where: str, params=(), limit: int = 0, order: str = "") -> list:
        """The ids of the first ``limit`` selected promises matching ``where``, in the
        report's order (status, due date, customer, deal, id) unless ``order`` says."""
        order = order or "srank, due IS NULL, due, crank, deal_id, id"
        return [r[0] for r in self.db.execute(
            f"SELECT id FROM {ROWS} WHERE {where} ORDER BY {order} LIMIT ?",
            [*params, limit]).fetchall()]

    def rows(self, sql: str, params=()) -> list:
        """Any query over the selected promises (the table is ``report_rows``)."""
        return self.db.execute(sql.replace("report_rows", ROWS), list(params)).fetchall()

    def filtered_history(self) -> tuple:
        """Counts by status per audit date of the selected promises: the earlier runs'
        statuses of the promises selected now, then this run's."""
        out = []
        for day, run_id in self.earlier_runs:
            counts = dict(self.db.execute(
                f"SELECT h.status, count(*) FROM audit_results h JOIN {ROWS} c ON c.id = h.promise_id "
                "WHERE h.run_id = ? GROUP BY h.status ORDER BY h.status", [run_id]).fetchall())
            if counts:
                out.append((day, counts))
        now = dict(self.db.execute(f"SELECT status, count(*) FROM {ROWS} GROUP BY status "
                                   "ORDER BY status").fetchall())
        if now:
            out.append((self.as_of, now))
        return tuple(out)

    def audited(self, ids: Iterable[str]) -> dict:
        """promise id -> (Promise, Verdict) of the promises ``ids``, their deals audited
        again as of the run's date (the verdicts the stored ones were made from)."""
        wanted = set(ids)
        if not wanted:
            return {}
        deals = sorted({r[0] for r in self._deals_of(wanted)})
        out = {}
        for part in self.audit_deals(deals):
            for p in part.promises:
                if p.id in wanted and p.id in part.verdicts:
                    out[p.id] = (p, part.verdicts[p.id])
        return out

    def _deals_of(self, ids: set) -> list:
        found = []
        ids = sorted(ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            found += self.db.execute(f"SELECT DISTINCT deal_id FROM {ROWS} WHERE id IN "
                                     f"({','.join('?' * len(chunk))})", chunk).fetchall()
        return found

    def touch_points(self, deal_ids: Iterable[str]) -> dict:
        """deal id -> the ids of its selected check-in promises in the report's order."""
        deal_ids = sorted(set(deal_ids))
        out: dict = {}
        for i in range(0, len(deal_ids), 500):
            chunk = deal_ids[i:i + 500]
            for pid, deal_id in self.db.execute(
                    f"SELECT id, deal_id FROM {ROWS} WHERE category = 'check_in' AND status NOT IN "
                    f"('waived', 'superseded') AND deal_id IN ({','.join('?' * len(chunk))}) "
                    "ORDER BY srank, due IS NULL, due, crank, deal_id, id", chunk):
                out.setdefault(deal_id, []).append(pid)
        return out

    def documents(self, deal_ids: Optional[set], limit: int) -> tuple:
        """(the documents of the first deals, enough for ``limit`` rows in the report's
        order; how many documents; how many were not read) of ``deal_ids`` (None: all)."""
        where, params = "", []
        if deal_ids is not None:
            where = ("WHERE deal_id IN (SELECT deal_id FROM temp.report_deals WHERE chosen = 1)")
        per_deal = self.db.execute(
            f"SELECT coalesce(deal_id, ''), count(*), sum(outcome != 'parsed') FROM documents "
            f"{where} GROUP BY 1 ORDER BY 1", params).fetchall()
        total = sum(r[1] for r in per_deal)
        unread = sum(r[2] for r in per_deal)
        first, n = [], 0
        for deal_id, count, _ in per_deal:
            if n >= limit:
                break
            first.append(deal_id)
            n += count
        docs = queries.documents(self.db, deal_ids=first) if first else []
        return docs, total, unread

    def last_contact_days(self, deal_ids: Iterable[str]) -> dict:
        """deal id -> the day of its last recorded contact as of the run's date (see
        ``audit.contact``), as the audit stored it, for the deals ``deal_ids`` that have one."""
        wanted = set(deal_ids)
        return {deal_id: date.fromisoformat(day) for deal_id, day in self.db.execute(
            "SELECT deal_id, last_contact FROM audit_contacts WHERE run_id = ?", [self.run["id"]])
            if deal_id in wanted}

    def last_contact(self, deal_id: str):
        """``audit.contact.last_contact`` of one deal, from its records."""
        return last_contact(deal_id, queries.deliveries(self.db, deal_id=deal_id), self.as_of)

    def gone_count(self) -> int:
        """Promises of the previous run that this run no longer audits (or that were
        rejected since)."""
        if not self.previous:
            return 0
        return self.db.execute(
            "SELECT count(*) FROM audit_results pr WHERE pr.run_id = ? AND NOT EXISTS ("
            "SELECT 1 FROM audit_results r WHERE r.run_id = ? AND r.promise_id = pr.promise_id "
            "AND r.review_state != 'rejected')",
            [self.previous["id"], self.run["id"]]).fetchone()[0]


def _name(deal, attr: str) -> str:
    """A deal's rep or customer as the breakdowns show it."""
    return getattr(deal, attr) or NOT_RECORDED


def _key(customer: Optional[str]) -> str:
    """How the report sorts a customer's name."""
    return (customer or NOT_RECORDED).casefold()

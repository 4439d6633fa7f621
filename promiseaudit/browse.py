"""``promiseaudit browse``: the ledger in Datasette, read-only.

Datasette is an optional extra (``pip install 'promiseaudit[browse]'``). What it shows
about each table, view and column is generated here from ``TABLES``, so it cannot drift
from the schema: a test checks that every table and column of a freshly migrated ledger
is described.

Datasette serves a snapshot of the ledger, not the file itself: the ledger is in WAL
mode, and SQLite's immutable mode (the only mode in which nothing can be written) does
not read the WAL, so a live ledger would show up incomplete, and a checkpoint by another
promiseaudit command would change the file under a reader that assumes it never
changes. The snapshot is a consistent copy taken when browsing starts, opened immutable,
and removed when the server stops.
"""
from __future__ import annotations

import copy
import errno
import os
import shutil
import signal
import socket
import sqlite3
import tempfile
import threading
from pathlib import Path
from typing import Optional

from .errors import PromiseAuditError

DATABASE = "ledger"  # the name in Datasette's addresses: /ledger/promise_register
INSTALL_HINT = "install it with pip install 'promiseaudit[browse]'"

TITLE = "promiseaudit ledger"
DESCRIPTION = (
    "The promises in your proposals, your deals, what was delivered and how the latest "
    "audit judged each promise. Start with the views: promise_register (every promise "
    "and its status), deal_summary (each deal's kept rate), delivery_records and "
    "latest_matches (what each delivery record counted toward). Read-only: nothing here "
    "changes the ledger."
)

# The views first, in the order a person would open them; then the tables.
VIEWS = ("promise_register", "deal_summary", "delivery_records", "latest_matches")

TABLES: dict = {
    "promise_register": {
        "description": "Every promise with its deal, where it was written and its status "
                       "in the latest audit. A promise added since then shows \"not "
                       "audited yet\".",
        "facets": ["status", "rep", "category"],
        "columns": {
            "promise_id": "The promise's id, as promiseaudit commands use it",
            "deal_id": "The deal the promise belongs to",
            "customer": "The deal's customer",
            "rep": "The sales rep who owns the deal",
            "category": "Kind of promise: delivery, service level, training, check-in, "
                        "support, warranty or pricing",
            "quote": "The promise in the proposal's own words",
            "proposal": "The file the promise was found in",
            "page": "The page of that file",
            "due": "When it is due (as the latest audit worked it out; the proposal's "
                   "date when not audited yet)",
            "status": "kept, late, broken, at_risk, pending, open, waived or superseded "
                      "in the latest audit; or not audited yet",
            "reason": "Why the audit gave that status",
            "days_late": "For a late or broken promise: how many days past the due date",
            "evidence_count": "How many delivery records the audit counted toward it",
            "review_state": "candidate (found automatically, not yet reviewed), "
                            "confirmed, rejected or superseded",
            "audited_as_of": "The date the latest audit judged it as of",
            "audit_run": "The number of that audit",
        },
    },
    "deal_summary": {
        "description": "Each deal with how many of its promises have each status in the "
                       "latest audit, and its kept rate.",
        "units": {"kept_rate": "percent"},
        "columns": {
            "deal_id": "The deal",
            "customer": "The deal's customer",
            "rep": "The sales rep who owns the deal",
            "signed_on": "When the contract was signed",
            "go_live_on": "The actual go-live date, once recorded",
            "promises": "All promises stored for the deal",
            "kept": "Promises kept on time",
            "late": "Promises delivered after their due date",
            "broken": "Promises whose due date passed without (full) delivery",
            "at_risk": "Promises due soon and not delivered",
            "pending": "Promises due later",
            "open": "Promises with no due date yet",
            "waived": "Promises the customer agreed to drop or change",
            "superseded": "Promises a later version of the proposal no longer makes",
            "not_audited": "Promises the latest audit did not judge (added since, or "
                           "rejected in review)",
            "kept_rate": "Kept on time, out of the promises that have fallen due (kept, "
                         "late and broken); empty while none has",
            "audited_as_of": "The date the latest audit judged them as of",
        },
    },
    "delivery_records": {
        "description": "Every delivery record and the promise it counted toward in the "
                       "latest audit. Dismissed records and records of undone imports "
                       "are marked. A record that counted toward several promises has a "
                       "row for each.",
        "facets": ["match_kind"],
        "columns": {
            "record": "The record's number, as promiseaudit link and dismiss use it",
            "deal_id": "The deal the record is for",
            "customer": "The deal's customer",
            "category": "Kind of record (delivery, training, support...)",
            "delivered_on": "When it was delivered",
            "description": "What the export says was done",
            "quantity": "How many were delivered",
            "value": "A measured figure (uptime, response time...)",
            "value_unit": "The unit of that figure",
            "reference": "The export's own reference (ticket or task number)",
            "counts_toward": "The promise it counted toward in the latest audit",
            "promise_quote": "That promise in the proposal's own words",
            "match_kind": "How it was matched: manual (linked by hand), rule (a "
                          "remembered link), auto, ambiguous, unmatched, dismissed; or "
                          "import undone, or not audited yet",
            "score": "How well it fits the promise, from 0 to 1",
            "match_reason": "Why it was matched that way",
            "dismissed": "Who dismissed it, when and why (it counts toward no promise)",
            "import_undone": "The undone import it came with (it no longer counts)",
            "source_file": "The file it was imported from",
            "source_row": "Its row in that file",
            "import_id": "The import it came with (see promiseaudit deliveries imports)",
        },
    },
    "latest_matches": {
        "description": "Where the latest audit placed each delivery record: the promise, "
                       "the score and the reason, including records it could not place.",
        "facets": ["match_kind"],
        "columns": {
            "match_id": "The match's number",
            "audited_as_of": "The date the latest audit judged as of",
            "record": "The delivery record",
            "deal_id": "The record's deal",
            "delivered_on": "When it was delivered",
            "description": "What the export says was done",
            "promise_id": "The promise it counted toward (empty when none)",
            "promise_quote": "That promise in the proposal's own words",
            "match_kind": "manual, rule, auto, ambiguous, unmatched or dismissed",
            "score": "How well it fits, from 0 to 1",
            "reason": "Why",
            "rule_id": "The remembered rule that linked it, if any",
            "candidates": "Other promises it could have counted toward",
        },
    },
    "deals": {
        "description": "The deals: customer, rep and the dates deadlines count from.",
        "label_column": "customer",
        "columns": {
            "deal_id": "The deal's id in your CRM",
            "customer": "The customer",
            "rep": "The sales rep who owns the deal",
            "signed_on": "When the contract was signed",
            "kickoff_on": "The project kickoff",
            "go_live_on": "The actual go-live date, once recorded",
            "ends_on": "When the contract ends",
            "go_live_planned": "The go-live date the proposal states (used until the "
                               "actual one is recorded)",
            "created_at": "When the deal was first stored",
        },
    },
    "deal_events": {
        "description": "Other events a deal's deadlines count from (commissioning, "
                       "acceptance...), recorded with promiseaudit deals set --event.",
        "columns": {
            "deal_id": "The deal",
            "name": "The event",
            "on_date": "When it happened",
            "set_by": "Who recorded it",
            "set_at": "When it was recorded",
        },
    },
    "documents": {
        "description": "Every proposal file read, including ones that could not be read.",
        "label_column": "name",
        "columns": {
            "id": "The document's number",
            "deal_id": "The deal it belongs to",
            "name": "The file name",
            "path": "Where the file was when it was read",
            "kind": "File type (pdf, docx, txt, md)",
            "sha256": "Fingerprint of the file (the same file is never read twice)",
            "pages": "Number of pages",
            "outcome": "parsed, or why it could not be read: encrypted, scanned, malformed, too_large",
            "outcome_detail": "More about that",
            "document_date": "The date written in the proposal",
            "locale": "How the proposal writes dates and numbers",
            "version_key": "The file name without version markers, to recognise new "
                           "versions",
            "supersedes": "The earlier version this file replaces",
            "ingested_at": "When it was read",
        },
    },
    "promises": {
        "description": "Every promise found in the proposals, with the details read from "
                       "its wording. promise_register shows them with their status.",
        "label_column": "quote",
        "columns": {
            "id": "The promise's id",
            "deal_id": "The deal",
            "document_id": "The proposal it was found in",
            "page": "The page",
            "start": "Where the quote starts on the page (characters)",
            "end": "Where it ends",
            "quote": "The promise in the proposal's own words",
            "category": "delivery, service_level, training, check_in, support, warranty "
                        "or pricing",
            "due": "The due date the proposal states",
            "within_days": "A deadline counted from an event (\"within 30 days of "
                           "signature\" is 30)",
            "business_days": "1 when that deadline counts business days",
            "anchor": "The event the deadline counts from",
            "recurrence": "How often it repeats (weekly, monthly...)",
            "quantity": "How many are promised",
            "unit": "Of what",
            "threshold": "A promised level (99.9 for 99.9% uptime)",
            "threshold_unit": "The unit of that level",
            "direction": "at_least or at_most the level",
            "strength": "firm, or soft when hedged (\"we aim to\")",
            "condition": "A condition the promise depends on",
            "rule": "The rule that found it",
            "confidence": "How sure the extractor was, from 0 to 1",
            "reason": "Why the extractor took it for a promise",
            "extractor_version": "The extractor version that found it",
            "review_state": "candidate, confirmed, rejected or superseded",
            "created_at": "When it was stored",
            "series_end": "The event that ends a repeating promise (\"until go-live\")",
            "names_go_live": "1 when the promise is about go-live itself",
            "tier": "The priority it is limited to (1 for P1 incidents); empty for all",
            "measures": "What a measured promise measures: availability, response, "
                        "resolution or count",
            "about_incidents": "1 when it is about incidents, faults or repairs",
            "series_start": "When a repeating promise starts, when the proposal says",
            "period_due_days": "A deadline inside each period (\"by the fifth working "
                               "day of each month\" is 5)",
            "period_due_from": "Whether that counts from the start or the end of the "
                               "period",
            "period_due_business": "1 when it counts business days",
            "action": "What a counted promise does to its things (installed, held, shipped); empty reads as delivered",
        },
    },
    "deliveries": {
        "description": "Every delivery record imported from your CRM, project tool or "
                       "help desk. delivery_records shows what each counted toward.",
        "label_column": "description",
        "columns": {
            "id": "The record's number",
            "deal_id": "The deal",
            "category": "Kind of record",
            "delivered_on": "When it was delivered",
            "description": "What the export says was done",
            "quantity": "How many",
            "value": "A measured figure (uptime, response time...)",
            "reference": "The export's own reference",
            "promise_id": "The promise it was linked to by hand or in the file",
            "priority": "The ticket's priority",
            "opened_at": "When the ticket was opened",
            "responded_at": "When it was first answered",
            "resolved_at": "When it was resolved",
            "source_file": "The file it was imported from",
            "source_row": "Its row in that file",
            "imported_at": "When it was imported",
            "value_unit": "The unit of value",
            "value_kind": "What value measures: availability, response, resolution or "
                          "count",
            "record_type": "The export's own type (Question, Incident, Task)",
            "deal_reason": "Why the import gave the record its deal (\"company 'Harbor Logistics "
                           "Inc.' = customer 'Harbor Logistics'\"); empty when the file named the deal",
            "import_id": "The import it came with",
            "dismissed_at": "When it was dismissed (it counts toward no promise)",
            "dismissed_by": "Who dismissed it",
            "dismissed_reason": "Why",
        },
    },
    "imports": {
        "description": "Every delivery import: the file, who imported it, when, how many "
                       "records it added, and whether it was undone.",
        "label_column": "file_name",
        "columns": {
            "id": "The import's number (promiseaudit deliveries undo uses it)",
            "file_name": "The file imported",
            "sha256": "Fingerprint of the file",
            "mapping": "The mapping used to read it (--map)",
            "export_key": "Which export it is, the same for next month's file",
            "imported_by": "Who imported it",
            "imported_at": "When",
            "records": "Records it added",
            "skipped": "Rows left out",
            "duplicates": "Rows already in the ledger",
            "note": "A note",
            "undone_at": "When the import was undone",
            "undone_by": "Who undid it",
            "undone_reason": "Why",
        },
    },
    "link_rules": {
        "description": "Links remembered with promiseaudit link --remember: later records "
                       "like the one linked go to the same promise.",
        "label_column": "pattern",
        "columns": {
            "id": "The rule's number (promiseaudit rules forget uses it)",
            "promise_id": "The promise records go to",
            "deal_id": "The deal",
            "export_key": "The export the records come from",
            "category": "The records' category",
            "pattern": "The description the records share, apart from numbers, dates and "
                       "ids",
            "learned_from": "The record it was learned from",
            "created_by": "Who remembered it",
            "created_at": "When",
            "forgotten_at": "When it was forgotten",
            "forgotten_by": "Who forgot it",
            "forgotten_reason": "Why",
        },
    },
    "matches": {
        "description": "Where each stored audit placed every delivery record. "
                       "latest_matches shows the latest audit's.",
        "columns": {
            "id": "The match's number",
            "run_id": "The audit",
            "delivery_id": "The delivery record",
            "promise_id": "The promise it counted toward (empty when none)",
            "kind": "manual, rule, auto, ambiguous, unmatched or dismissed",
            "score": "How well it fits, from 0 to 1",
            "reason": "Why",
            "rule_id": "The remembered rule that linked it",
            "candidates": "Other promises it could have counted toward",
        },
    },
    "audit_runs": {
        "description": "Every stored audit, with its counts by status.",
        "label_column": "as_of",
        "columns": {
            "id": "The audit's number",
            "as_of": "The date it judged the promises as of",
            "run_at": "When it was run",
            "settings": "Its settings (at-risk window, holidays...)",
            "counts": "How many promises had each status",
            "ledger_version": "The ledger's version it read (see ledger_state); a report "
                              "made from it checks the ledger is still at that version",
            "confirmed_only": "1 when it left out promises nobody has confirmed yet",
        },
    },
    "ledger_state": {
        "description": "How many times the ledger changed since it was created, in a way an "
                       "audit would see: reports made from a stored audit check it.",
        "columns": {
            "id": "Always 1 (one row)",
            "version": "Moves on with the first change after each audit",
            "audited": "1 when an audit has read the ledger since its last change",
        },
    },
    "audit_results": {
        "description": "Each stored audit's verdict on each promise.",
        "columns": {
            "run_id": "The audit",
            "promise_id": "The promise",
            "status": "kept, late, broken, at_risk, pending, open, waived or superseded",
            "due": "The due date as the audit worked it out",
            "rule": "The audit rule that decided",
            "verdict": "The reason, figures and evidence, as JSON",
            "week": "What the weekly report of the audit's week needs beyond that, as JSON",
            "deal_id": "The promise's deal (copied, so reports read the snapshot alone)",
            "category": "The kind of promise (copied)",
            "review_state": "Its review state when audited (copied)",
            "promise_due": "The due date the proposal states (copied)",
        },
    },
    "audit_contacts": {
        "description": "Each stored audit's last recorded contact with each deal's customer "
                       "(for the reports' 'Gone quiet').",
        "columns": {
            "run_id": "The audit",
            "deal_id": "The deal",
            "last_contact": "The day of the last check-in, meeting, review, training or "
                            "ticket reply on record as of the audit",
        },
    },
    "waivers": {
        "description": "Promises the customer agreed to drop or change "
                       "(promiseaudit waive).",
        "columns": {
            "id": "The waiver's number",
            "promise_id": "The promise",
            "reason": "What the customer agreed to",
            "waived_by": "Who recorded it",
            "waived_on": "When the customer agreed",
            "recorded_at": "When it was recorded",
            "revoked_on": "When it was withdrawn (recorded by mistake)",
            "revoked_by": "Who withdrew it",
            "revoked_reason": "Why",
        },
    },
    "changes": {
        "description": "The history: every change anyone made, with who and when "
                       "(promiseaudit history).",
        "columns": {
            "id": "The change's number",
            "at": "When",
            "who": "Who made it",
            "action": "What was done (edit, confirm, link, waive, undo...)",
            "entity": "What kind of thing changed (deal, promise, delivery, import...)",
            "entity_id": "Which one",
            "field": "The field changed",
            "old_value": "Its value before",
            "new_value": "Its value after",
            "note": "More about the change",
        },
    },
    "_sqlite_migrations": {
        "description": "Internal: the ledger's schema versions.",
        "hidden": True,
        "columns": {
            "id": "Internal",
            "migration_set": "Internal",
            "name": "Internal",
            "applied_at": "Internal",
        },
    },
}


def metadata() -> dict:
    """The Datasette metadata for the ledger: title, description, and for each table and
    view its description, column descriptions, label column, units, facets, hidden."""
    tables = copy.deepcopy(TABLES)
    return {"title": TITLE, "description": DESCRIPTION,
            "databases": {DATABASE: {"description": DESCRIPTION, "tables": tables}}}


def _datasette():
    try:
        from datasette.app import Datasette
    except ImportError:
        raise PromiseAuditError(f"Browsing the ledger needs Datasette; {INSTALL_HINT}") from None
    return Datasette


def snapshot(db, target: Path) -> Path:
    """Copy the ledger ``db`` to the single file ``target`` (no WAL), consistently even
    while another command writes to it."""
    try:
        copy_ = sqlite3.connect(str(target))
        try:
            db.conn.backup(copy_)
            copy_.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy_.close()
    except (sqlite3.Error, OSError) as e:
        raise PromiseAuditError(f"Cannot copy the ledger to {target.parent} for browsing ({e}); "
                                "free some disk space there or point TMPDIR at another "
                                "folder") from None
    return target


class LedgerBrowser:
    """Datasette serving a read-only snapshot of the ledger on ``host``:``port``.

    Use it as a context manager: the port is taken and the snapshot made on entry, the
    snapshot removed on exit. ``url`` is the ledger's page; ``serve()`` blocks until the
    server is stopped (Ctrl+C, or SIGTERM).
    """

    def __init__(self, db, host: str = "127.0.0.1", port: int = 8001):
        self.db, self.host, self.port = db, host, port
        self.datasette = None
        self._socket: Optional[socket.socket] = None
        self._dir: Optional[str] = None
        self._rich = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/{DATABASE}"

    def __enter__(self) -> "LedgerBrowser":
        Datasette = _datasette()
        try:
            self._socket = _bind(self.host, self.port)
            self.port = self._socket.getsockname()[1]
            self._dir = tempfile.mkdtemp(prefix="promiseaudit-browse-")
            path = snapshot(self.db, Path(self._dir) / f"{DATABASE}.db")
            self._quiet_errors()
            self.datasette = Datasette(immutables=[str(path)], metadata=metadata())
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def serve(self) -> None:
        """Serve until stopped by Ctrl+C or SIGTERM."""
        import uvicorn

        # Datasette's app runs its own startup on the first request.
        config = uvicorn.Config(self.datasette.app(), log_level="warning", lifespan="on")
        server = uvicorn.Server(config)
        main = threading.current_thread() is threading.main_thread()
        if main:
            # uvicorn handles SIGTERM while serving, then hands it back to this handler:
            # stopping becomes an exception, so the snapshot is removed on the way out.
            previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            server.run(sockets=[self._socket])
        except KeyboardInterrupt:
            pass
        finally:
            if main:
                signal.signal(signal.SIGTERM, previous)

    def _quiet_errors(self) -> None:
        # Datasette 0.65 prints every error page's exception with rich when rich is
        # installed (spaCy brings it). For a page not found there is no exception being
        # handled, rich raises, and "not found" becomes a 500 with a traceback on the
        # terminal. Without rich Datasette answers 404; restored on exit.
        from datasette import handle_exception

        self._rich = getattr(handle_exception, "rich", None)
        if self._rich is not None:
            handle_exception.rich = None

    def __exit__(self, *exc) -> None:
        if self._rich is not None:
            from datasette import handle_exception

            handle_exception.rich, self._rich = self._rich, None
        if self.datasette is not None:
            for database in self.datasette.databases.values():
                database.close()
        if self._socket is not None:
            self._socket.close()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; a clear error when it is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    if os.name != "nt":  # lets a restart reuse a port just released; on Windows it
        # would let a second server take a port in use
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise PromiseAuditError(f"Port {port} on {host} is already in use (is browse "
                                    "already running?); choose another with --port N") from None
        raise PromiseAuditError(f"Cannot serve on {host} port {port}: {e.strerror}; "
                                "check --host and --port") from None
    sock.listen(128)
    return sock

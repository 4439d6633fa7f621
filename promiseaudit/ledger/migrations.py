"""The ledger's schema, as named migrations. Never edit an applied migration: add one."""
from sqlite_utils.migrations import Migrations

migrations = Migrations("promiseaudit")

SCHEMA_VERSION = 7

_INITIAL = """
CREATE TABLE deals (
    deal_id TEXT PRIMARY KEY,
    customer TEXT,
    rep TEXT,
    signed_on TEXT,
    kickoff_on TEXT,
    go_live_on TEXT,
    ends_on TEXT,
    go_live_planned TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    deal_id TEXT REFERENCES deals(deal_id),
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    pages INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    outcome_detail TEXT NOT NULL DEFAULT '',
    document_date TEXT,
    locale TEXT,
    version_key TEXT NOT NULL,
    supersedes INTEGER REFERENCES documents(id),
    ingested_at TEXT NOT NULL
);
CREATE UNIQUE INDEX idx_documents_deal_sha ON documents(deal_id, sha256);
CREATE INDEX idx_documents_deal ON documents(deal_id);
CREATE TABLE promises (
    id TEXT PRIMARY KEY,
    deal_id TEXT NOT NULL REFERENCES deals(deal_id),
    document_id INTEGER NOT NULL REFERENCES documents(id),
    page INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    quote TEXT NOT NULL,
    category TEXT NOT NULL,
    due TEXT,
    within_days INTEGER,
    business_days INTEGER NOT NULL DEFAULT 0,
    anchor TEXT,
    recurrence TEXT,
    quantity REAL,
    unit TEXT,
    threshold REAL,
    threshold_unit TEXT,
    direction TEXT,
    strength TEXT NOT NULL,
    condition TEXT,
    rule TEXT NOT NULL DEFAULT '',
    confidence REAL NOT NULL DEFAULT 1.0,
    reason TEXT NOT NULL DEFAULT '',
    extractor_version TEXT NOT NULL DEFAULT '',
    review_state TEXT NOT NULL DEFAULT 'candidate',
    created_at TEXT NOT NULL
);
CREATE INDEX idx_promises_deal ON promises(deal_id);
CREATE INDEX idx_promises_document ON promises(document_id);
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    deal_id TEXT NOT NULL REFERENCES deals(deal_id),
    category TEXT NOT NULL,
    delivered_on TEXT,
    description TEXT NOT NULL DEFAULT '',
    quantity REAL,
    value REAL,
    reference TEXT NOT NULL DEFAULT '',
    promise_id TEXT REFERENCES promises(id),
    priority TEXT,
    opened_at TEXT,
    responded_at TEXT,
    resolved_at TEXT,
    source_file TEXT NOT NULL DEFAULT '',
    source_row INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL
);
CREATE INDEX idx_deliveries_deal ON deliveries(deal_id);
CREATE INDEX idx_deliveries_promise ON deliveries(promise_id);
CREATE TABLE waivers (
    id INTEGER PRIMARY KEY,
    promise_id TEXT NOT NULL REFERENCES promises(id),
    reason TEXT NOT NULL,
    waived_by TEXT NOT NULL,
    waived_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX idx_waivers_promise ON waivers(promise_id);
CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field TEXT,
    old_value TEXT,
    new_value TEXT,
    note TEXT
);
CREATE INDEX idx_changes_entity ON changes(entity, entity_id);
CREATE TABLE audit_runs (
    id INTEGER PRIMARY KEY,
    as_of TEXT NOT NULL,
    run_at TEXT NOT NULL,
    settings TEXT NOT NULL,
    counts TEXT NOT NULL
);
CREATE INDEX idx_audit_runs_as_of ON audit_runs(as_of);
CREATE TABLE audit_results (
    run_id INTEGER NOT NULL REFERENCES audit_runs(id),
    promise_id TEXT NOT NULL REFERENCES promises(id),
    status TEXT NOT NULL,
    due TEXT,
    rule TEXT NOT NULL,
    verdict TEXT NOT NULL,
    PRIMARY KEY (run_id, promise_id)
);
CREATE INDEX idx_audit_results_promise ON audit_results(promise_id);
"""


@migrations(name="0001_initial")
def m0001_initial(db):
    # One statement at a time: executescript() would commit the migration's transaction.
    for statement in _INITIAL.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations(name="0002_wal", transactional=False)
def m0002_wal(db):
    # WAL cannot be switched on inside a transaction.
    db.enable_wal()


@migrations(name="0003_waiver_revocation")
def m0003_waiver_revocation(db):
    # A waiver recorded by mistake is revoked, never deleted.
    for column in ("revoked_on", "revoked_by", "revoked_reason"):
        db.execute(f"ALTER TABLE waivers ADD COLUMN {column} TEXT")


@migrations(name="0004_extracted_events")
def m0004_extracted_events(db):
    # What the audit needs from a promise's wording is read once, at extraction, and
    # stored; promises stored before are filled in from their quote here, once.
    from ..extract.dates import names_go_live, series_end_event

    db.execute("ALTER TABLE promises ADD COLUMN series_end TEXT")
    db.execute("ALTER TABLE promises ADD COLUMN names_go_live INTEGER NOT NULL DEFAULT 0")
    rows = db.execute("SELECT id, quote, recurrence FROM promises").fetchall()
    db.conn.executemany("UPDATE promises SET series_end = ?, names_go_live = ? WHERE id = ?",
                        [(series_end_event(q) if r else None, int(names_go_live(q)), i) for i, q, r in rows])


@migrations(name="0005_tiers_measures_events")
def m0005_tiers_and_measures(db):
    # A promise's priority tier and what it measures are read once, at extraction; a
    # record's value gets its unit and kind. Promises stored before are filled in from
    # their quote here, once.
    from ..tiers import named_tier, promise_is_about_incidents, promise_measures

    for column in ("tier INTEGER", "measures TEXT", "about_incidents INTEGER NOT NULL DEFAULT 0",
                   "series_start TEXT", "period_due_days INTEGER", "period_due_from TEXT",
                   "period_due_business INTEGER NOT NULL DEFAULT 0"):
        db.execute(f"ALTER TABLE promises ADD COLUMN {column}")
    for column in ("value_unit", "value_kind", "record_type"):
        db.execute(f"ALTER TABLE deliveries ADD COLUMN {column} TEXT")
    # Events other than signature, kickoff and go-live that deadlines count from.
    db.execute("""CREATE TABLE deal_events (
        deal_id TEXT NOT NULL REFERENCES deals(deal_id),
        name TEXT NOT NULL,
        on_date TEXT NOT NULL,
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL,
        PRIMARY KEY (deal_id, name)
    )""")
    from ..extract.dates import period_deadline

    rows = db.execute("SELECT id, quote, category, threshold_unit, direction, recurrence "
                      "FROM promises").fetchall()
    updates = []
    for i, q, c, u, d, r in rows:
        found = period_deadline(q) if r else None
        updates.append((named_tier(q), promise_measures(q, u, d), int(promise_is_about_incidents(q, c)),
                        found[0] if found else None, found[2] if found else None,
                        int(found[1]) if found else 0, i))
    db.conn.executemany(
        "UPDATE promises SET tier = ?, measures = ?, about_incidents = ?, period_due_days = ?, "
        "period_due_from = ?, period_due_business = ? WHERE id = ?", updates)


@migrations(name="0006_imports")
def m0006_imports(db):
    # Every delivery import is recorded so it can be listed and undone. Records imported
    # before were written in one go per import with one timestamp, so each (file,
    # timestamp) becomes one import; its file fingerprint and mapping were not kept.
    from .store import export_key

    db.execute("""
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            file_name TEXT NOT NULL,
            sha256 TEXT,
            mapping TEXT,
            export_key TEXT NOT NULL,
            imported_by TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            records INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0,
            duplicates INTEGER NOT NULL DEFAULT 0,
            note TEXT NOT NULL DEFAULT '',
            undone_at TEXT,
            undone_by TEXT,
            undone_reason TEXT
        )""")
    db.execute("ALTER TABLE deliveries ADD COLUMN import_id INTEGER REFERENCES imports(id)")
    db.execute("CREATE INDEX idx_deliveries_import ON deliveries(import_id)")
    groups = db.execute(
        "SELECT source_file, imported_at, count(*) FROM deliveries "
        "GROUP BY source_file, imported_at ORDER BY min(id)").fetchall()
    for source_file, imported_at, n in groups:
        cursor = db.execute(
            "INSERT INTO imports (file_name, sha256, mapping, export_key, imported_by, "
            "imported_at, records, note) VALUES (?, NULL, NULL, ?, 'unknown', ?, ?, ?)",
            [source_file, export_key(source_file, None), imported_at, n,
             "imported before imports were recorded"])
        db.execute("UPDATE deliveries SET import_id = ? WHERE source_file = ? AND imported_at = ?",
                   [cursor.lastrowid, source_file, imported_at])


@migrations(name="0007_dismissals")
def m0007_dismissals(db):
    # A record that fulfils no promise is dismissed (who, when, why), never deleted.
    for column in ("dismissed_at", "dismissed_by", "dismissed_reason"):
        db.execute(f"ALTER TABLE deliveries ADD COLUMN {column} TEXT")


@migrations(name="0008_link_rules")
def m0008_link_rules(db):
    # Links a person asked to remember; forgetting one marks it, the row stays.
    db.execute("""
        CREATE TABLE link_rules (
            id INTEGER PRIMARY KEY,
            promise_id TEXT NOT NULL REFERENCES promises(id),
            deal_id TEXT NOT NULL REFERENCES deals(deal_id),
            export_key TEXT NOT NULL,
            category TEXT NOT NULL,
            pattern TEXT NOT NULL,
            learned_from INTEGER NOT NULL REFERENCES deliveries(id),
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            forgotten_at TEXT,
            forgotten_by TEXT,
            forgotten_reason TEXT
        )""")
    db.execute("CREATE INDEX idx_link_rules_shape ON link_rules(deal_id, export_key, category, pattern)")


@migrations(name="0009_matches")
def m0009_matches(db):
    # Every match a stored audit made, also the records it could not place.
    db.execute("""
        CREATE TABLE matches (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES audit_runs(id),
            delivery_id INTEGER NOT NULL REFERENCES deliveries(id),
            promise_id TEXT REFERENCES promises(id),
            kind TEXT NOT NULL,
            score REAL NOT NULL,
            reason TEXT NOT NULL,
            rule_id INTEGER REFERENCES link_rules(id),
            candidates TEXT NOT NULL DEFAULT ''
        )""")
    db.execute("CREATE INDEX idx_matches_run ON matches(run_id)")
    db.execute("CREATE INDEX idx_matches_delivery ON matches(delivery_id)")
    db.execute("CREATE INDEX idx_matches_promise ON matches(promise_id)")


# The views a person opens first when browsing the ledger (``promiseaudit browse``). Each
# reads the latest stored audit: the run with the highest id, i.e. the one stored last.
# Like any migration this is never edited: a later change drops and recreates a view.
_VIEWS_0010 = {
    "promise_register": """
SELECT p.id AS promise_id, p.deal_id, d.customer, d.rep, p.category, p.quote,
       doc.name AS proposal, p.page, coalesce(r.due, p.due) AS due,
       CASE WHEN r.status IS NOT NULL THEN r.status
            WHEN p.review_state = 'rejected' THEN 'rejected, not audited'
            WHEN EXISTS (SELECT 1 FROM audit_results e WHERE e.promise_id = p.id)
                THEN 'not in the latest audit'
            ELSE 'not audited yet' END AS status,
       json_extract(r.verdict, '$.reason') AS reason,
       json_extract(r.verdict, '$.days_late') AS days_late,
       coalesce(json_array_length(r.verdict, '$.evidence'), 0) AS evidence_count,
       p.review_state, run.as_of AS audited_as_of, run.id AS audit_run
FROM promises p
LEFT JOIN deals d ON d.deal_id = p.deal_id
LEFT JOIN documents doc ON doc.id = p.document_id
LEFT JOIN audit_results r ON r.promise_id = p.id AND r.run_id = (SELECT max(id) FROM audit_runs)
LEFT JOIN audit_runs run ON run.id = r.run_id
""",
    "delivery_records": """
SELECT dl.id AS record, dl.deal_id, d.customer, dl.category, dl.delivered_on,
       dl.description, dl.quantity, dl.value, dl.value_unit, dl.reference,
       m.promise_id AS counts_toward, p.quote AS promise_quote,
       CASE WHEN i.undone_at IS NOT NULL THEN 'import undone'
            ELSE coalesce(m.kind, 'not audited yet') END AS match_kind,
       m.score, m.reason AS match_reason,
       CASE WHEN dl.dismissed_at IS NOT NULL THEN 'by ' || dl.dismissed_by || ' on '
            || substr(dl.dismissed_at, 1, 10) || ': ' || dl.dismissed_reason END AS dismissed,
       CASE WHEN i.undone_at IS NOT NULL THEN 'import ' || i.id || ' undone by ' || i.undone_by
            || ' on ' || substr(i.undone_at, 1, 10)
            || coalesce(': ' || nullif(i.undone_reason, ''), '') END AS import_undone,
       dl.source_file, dl.source_row, dl.import_id
FROM deliveries dl
LEFT JOIN deals d ON d.deal_id = dl.deal_id
LEFT JOIN imports i ON i.id = dl.import_id
LEFT JOIN matches m ON m.delivery_id = dl.id AND m.run_id = (SELECT max(id) FROM audit_runs)
LEFT JOIN promises p ON p.id = m.promise_id
""",
    "deal_summary": """
SELECT d.deal_id, d.customer, d.rep, d.signed_on, d.go_live_on,
       count(p.id) AS promises,
       count(CASE WHEN r.status = 'kept' THEN 1 END) AS kept,
       count(CASE WHEN r.status = 'late' THEN 1 END) AS late,
       count(CASE WHEN r.status = 'broken' THEN 1 END) AS broken,
       count(CASE WHEN r.status = 'at_risk' THEN 1 END) AS at_risk,
       count(CASE WHEN r.status = 'pending' THEN 1 END) AS pending,
       count(CASE WHEN r.status = 'open' THEN 1 END) AS open,
       count(CASE WHEN r.status = 'waived' THEN 1 END) AS waived,
       count(CASE WHEN r.status = 'superseded' THEN 1 END) AS superseded,
       count(p.id) - count(r.promise_id) AS not_audited,
       round(100.0 * count(CASE WHEN r.status = 'kept' THEN 1 END)
             / nullif(count(CASE WHEN r.status IN ('kept', 'late', 'broken') THEN 1 END), 0),
             1) AS kept_rate,
       (SELECT as_of FROM audit_runs WHERE id = (SELECT max(id) FROM audit_runs)) AS audited_as_of
FROM deals d
LEFT JOIN promises p ON p.deal_id = d.deal_id
LEFT JOIN audit_results r ON r.promise_id = p.id AND r.run_id = (SELECT max(id) FROM audit_runs)
GROUP BY d.deal_id
""",
    "latest_matches": """
SELECT m.id AS match_id, run.as_of AS audited_as_of, m.delivery_id AS record, dl.deal_id,
       dl.delivered_on, dl.description, m.promise_id, p.quote AS promise_quote,
       m.kind AS match_kind, m.score, m.reason, m.rule_id, m.candidates
FROM matches m
JOIN audit_runs run ON run.id = m.run_id
LEFT JOIN deliveries dl ON dl.id = m.delivery_id
LEFT JOIN promises p ON p.id = m.promise_id
WHERE m.run_id = (SELECT max(id) FROM audit_runs)
""",
}


@migrations(name="0010_views")
def m0010_views(db):
    for name, sql in _VIEWS_0010.items():
        db.execute(f"CREATE VIEW {name} AS {sql.strip()}")
    # The views look up one record's match in one run; with only the run's index and the
    # record's index SQLite may pick the run's and scan every match of the run per record.
    db.execute("CREATE INDEX idx_matches_run_delivery ON matches(run_id, delivery_id)")


@migrations(name="0011_record_deal_reason")
def m0011_record_deal_reason(db):
    # Why an import gave a delivery record its deal ("company 'Harbor Logistics Inc.' =
    # customer 'Harbor Logistics'"); records imported before keep none.
    db.execute("ALTER TABLE deliveries ADD COLUMN deal_reason TEXT")


@migrations(name="0012_promise_action")
def m0012_promise_action(db):
    # The verb for what a counted promise does ("installed", "held"), read at extraction
    # so the audit never re-reads the quote; promises stored before get it from their
    # quote here, once.
    from ..extract.quantities import find_action

    db.execute("ALTER TABLE promises ADD COLUMN action TEXT")
    rows = db.execute("SELECT id, quote FROM promises WHERE quantity IS NOT NULL").fetchall()
    db.conn.executemany("UPDATE promises SET action = ? WHERE id = ?", [(find_action(q), i) for i, q in rows])


# The tables an audit reads. A write to any of them makes the stored audits out of date;
# the snapshot's own tables (audit_runs, audit_results, matches) and the trail of
# changes are not among them.
AUDITED_TABLES = ("deals", "deal_events", "documents", "promises", "deliveries", "imports",
                  "waivers", "link_rules")


@migrations(name="0013_ledger_version")
def m0013_ledger_version(db):
    # ledger_state.version counts the changes an audit could see; a stored audit keeps
    # the version it read (audit_runs.ledger_version), so a report made from it can tell
    # the ledger has not changed since. Triggers catch every write, whatever makes it.
    # Only the first write after an audit moves the version on (``audited`` is set
    # again by the next audit), so a bulk import pays one read per row, not a write.
    db.execute("CREATE TABLE ledger_state (id INTEGER PRIMARY KEY CHECK (id = 1), "
               "version INTEGER NOT NULL, audited INTEGER NOT NULL)")
    db.execute("INSERT INTO ledger_state VALUES (1, 0, 0)")
    for table in AUDITED_TABLES:
        for op in ("INSERT", "UPDATE", "DELETE"):
            db.execute(f"CREATE TRIGGER ledger_changed_{table}_{op.lower()} AFTER {op} ON {table} "
                       "WHEN (SELECT audited FROM ledger_state WHERE id = 1) "
                       "BEGIN UPDATE ledger_state SET version = version + 1, audited = 0 "
                       "WHERE id = 1; END")
    # Runs stored before have no version: a report never takes them as up to date.
    db.execute("ALTER TABLE audit_runs ADD COLUMN ledger_version INTEGER")
    db.execute("ALTER TABLE audit_runs ADD COLUMN confirmed_only INTEGER")
    # What the weekly report of the audit's week needs of a verdict that the snapshot
    # does not keep otherwise (JSON; see ``audit.week.week_digest``).
    db.execute("ALTER TABLE audit_results ADD COLUMN week TEXT")
    # What reports count and sort the promises by, copied from the promise, so a report
    # made from the snapshot reads the snapshot alone (the ledger is unchanged since).
    for column in ("deal_id", "category", "review_state", "promise_due"):
        db.execute(f"ALTER TABLE audit_results ADD COLUMN {column} TEXT")
    # Each deal's last recorded contact as of the audit, for "gone quiet".
    db.execute("CREATE TABLE audit_contacts (run_id INTEGER NOT NULL REFERENCES audit_runs(id), "
               "deal_id TEXT NOT NULL, last_contact TEXT NOT NULL, PRIMARY KEY (run_id, deal_id))")
    # Listing documents looks up each one's newer version; without this index every
    # lookup read the whole table.
    db.execute("CREATE INDEX idx_documents_supersedes ON documents(supersedes)")


@migrations(name="0014_lean_match_indexes")
def m0014_lean_match_indexes(db):
    # Every stored audit writes one match row per delivery record (millions in a year of
    # a large team), and each index costs the audit time to keep up. idx_matches_run is
    # the first column of idx_matches_run_delivery, which serves the same lookups; and no
    # query looks matches up by promise alone (promises are never deleted, and the views
    # and reports go by run and record), while keeping that index in a random order was
    # the costliest part of storing a snapshot. Older promiseaudit reads the ledger as
    # before, so the ledger version is unchanged.
    db.execute("DROP INDEX IF EXISTS idx_matches_run")
    db.execute("DROP INDEX IF EXISTS idx_matches_promise")


@migrations(name="0015_no_match_index_by_record")
def m0015_no_match_index_by_record(db):
    # Like 0014: idx_matches_delivery served no query (the views and reports look a
    # record's match up by run and record, idx_matches_run_delivery) and no deletion
    # (records are never deleted; an undone import keeps them, marked), yet keeping it
    # up took about a quarter of storing a snapshot of 5,000,000 records. Older
    # promiseaudit reads the ledger as before, so the ledger version is unchanged.
    db.execute("DROP INDEX IF EXISTS idx_matches_delivery")

"""The ledger's schema, as named migrations. Never edit an applied migration: add one."""
from sqlite_utils.migrations import Migrations

migrations = Migrations("promiseaudit")

SCHEMA_VERSION = 5

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


@migrations(name="0009_record_deal_reason")
def m0009_record_deal_reason(db):
    # Why an import gave a delivery record its deal ("company 'Harbor Logistics Inc.' =
    # customer 'Harbor Logistics'"); records imported before keep none.
    db.execute("ALTER TABLE deliveries ADD COLUMN deal_reason TEXT")

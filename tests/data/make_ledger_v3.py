"""Writes tests/data/ledger-v3.db: a ledger as promiseaudit wrote it at schema version 3
(migrations up to 0004_extracted_events), with delivery records from three imports made
before imports were recorded, one of them linked by hand.

    python tests/data/make_ledger_v3.py

Only the committed migrations up to 0004 and plain SQL are used, so the file comes out
the same whatever the current code writes.
"""
from pathlib import Path

import sqlite_utils

from promiseaudit.ledger.migrations import migrations

OUT = Path(__file__).parent / "ledger-v3.db"
STAMP = "2027-01-04T09:00:00+00:00"


def build(path: Path) -> None:
    if path.exists():
        path.unlink()
    db = sqlite_utils.Database(str(path))
    migrations.apply(db, stop_before="0005_tiers_measures_events")
    db.execute("PRAGMA user_version = 3")
    with db.atomic():
        db.execute("INSERT INTO deals (deal_id, customer, rep, signed_on, created_at) "
                   "VALUES ('D-1', 'Acme', 'Dana', '2027-01-04', ?)", [STAMP])
        db.execute("INSERT INTO documents (id, deal_id, name, path, kind, sha256, pages, outcome, "
                   "version_key, ingested_at) VALUES (1, 'D-1', 'proposal.md', '/tmp/proposal.md', "
                   "'md', ?, 1, 'parsed', 'proposal', ?)", ["b" * 64, STAMP])
        for pid, quote, category, due, recurrence in (
                ("P00000000000000A1", "We will run three training sessions.", "training", None, None),
                ("P00000000000000A2", "A monthly service report will be sent to your operations team.",
                 "check_in", None, "monthly")):
            db.execute("INSERT INTO promises (id, deal_id, document_id, page, start, \"end\", quote, "
                       "category, due, recurrence, strength, created_at) VALUES "
                       "(?, 'D-1', 1, 1, 0, ?, ?, ?, ?, ?, 'firm', ?)",
                       [pid, len(quote), quote, category, due, recurrence, STAMP])
        rows = [
            # file, row, imported at, category, date, description, promise linked by hand
            ("deliveries.csv", 2, "2027-02-01T10:00:00+00:00", "training", "2027-01-20",
             "Training session 1", None),
            ("deliveries.csv", 3, "2027-02-01T10:00:00+00:00", "check_in", "2027-01-31",
             "Ops pack January 2027 (NOC-101)", "P00000000000000A2"),
            ("deliveries.csv", 2, "2027-03-01T10:00:00+00:00", "training", "2027-02-20",
             "Training session 2", None),
            ("noc-2027-02.csv", 2, "2027-03-02T10:00:00+00:00", "check_in", "2027-02-28",
             "Ops pack February 2027 (NOC-108)", None),
        ]
        for i, (f, row, at, cat, day, text, pid) in enumerate(rows, 1):
            db.execute("INSERT INTO deliveries (id, deal_id, category, delivered_on, description, "
                       "promise_id, source_file, source_row, imported_at) VALUES "
                       "(?, 'D-1', ?, ?, ?, ?, ?, ?, ?)", [i, cat, day, text, pid, f, row, at])
        db.execute("INSERT INTO changes (at, who, action, entity, entity_id, field, old_value, "
                   "new_value) VALUES ('2027-02-02T08:00:00+00:00', 'dana', 'link', 'delivery', "
                   "'2', 'promise_id', NULL, 'P00000000000000A2')")
    db.execute("PRAGMA journal_mode = delete")
    db.close()


if __name__ == "__main__":
    build(OUT)
    print(OUT)

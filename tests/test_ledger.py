"""The ledger: schema, idempotent documents, versions and supersession, audit trail."""
from datetime import date

import pytest

from promiseaudit.errors import LedgerError
from promiseaudit.ledger import SCHEMA_VERSION, open_ledger, queries, store
from promiseaudit.ledger.migrations import migrations
from promiseaudit.models import Deal, Verdict

from builders import make_document, make_promise


def test_new_ledger_has_schema_wal_and_foreign_keys(db_path):
    db = open_ledger(db_path)
    assert {"deals", "documents", "promises", "deliveries", "waivers", "changes",
            "audit_runs", "audit_results", "imports", "link_rules", "matches"} <= set(db.table_names())
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert [m.name for m in migrations.applied(db)] == [
        "0001_initial", "0002_wal", "0003_waiver_revocation", "0004_extracted_events",
        "0005_tiers_measures_events", "0006_imports", "0007_dismissals", "0008_link_rules",
        "0009_matches", "0010_views", "0011_record_deal_reason", "0012_promise_action",
            "0013_ledger_version", "0014_lean_match_indexes",
            "0015_no_match_index_by_record"]
    assert db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION


def test_reopening_applies_nothing_twice(db_path):
    open_ledger(db_path)
    db = open_ledger(db_path)
    assert len(migrations.applied(db)) == 15


def test_not_a_ledger_is_a_clear_error(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("this is not sqlite" * 100)
    with pytest.raises(LedgerError, match="is not a promiseaudit ledger"):
        open_ledger(bad)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(LedgerError, match="does not exist"):
        open_ledger(tmp_path / "nope" / "x.db")


def test_foreign_keys_refuse_orphans(fresh_db):
    import sqlite3

    with pytest.raises(sqlite3.IntegrityError):
        fresh_db["documents"].insert({"deal_id": "NOPE", "name": "x", "path": "x", "kind": "md",
                                      "sha256": "s", "pages": 1, "outcome": "parsed",
                                      "version_key": "x", "ingested_at": "now"})


def test_same_file_twice_adds_nothing(seeded_db):
    before = seeded_db["promises"].count
    result = store.add_document(seeded_db, make_document(), "D-1",
                                [make_promise("Something new will be delivered.")])
    assert result.duplicate
    assert seeded_db["promises"].count == before


def test_promise_ids_are_stable_and_distinct():
    a = store.promise_id("D-1", "We will  deliver \u201cX\u201d.")
    assert a == store.promise_id("D-1", 'we will deliver "X".')
    assert a != store.promise_id("D-2", "We will deliver X.")
    assert a != store.promise_id("D-1", "We will deliver X.", 1)


def test_duplicate_quotes_in_one_document_get_their_own_ids(fresh_db):
    store.upsert_deal(fresh_db, Deal("D-9"))
    r = store.add_document(fresh_db, make_document(), "D-9",
                           [make_promise("Monthly report."), make_promise("Monthly report.")])
    assert len(set(r.promise_ids)) == 2


@pytest.mark.parametrize("a,b", [
    ("Acme proposal v2 FINAL.pdf", "acme-proposal-v1.docx"),
    ("proposal_rev3.md", "Proposal.md"),
    ("Acme Proposal (2).pdf", "acme proposal.pdf"),
])
def test_version_key_ignores_version_markers(a, b):
    assert store.version_key(a) == store.version_key(b)


def test_new_version_supersedes_dropped_promises_and_keeps_review(seeded_db):
    db = seeded_db
    kept = next(p for p in queries.promises(db) if "training" in p.text)
    store.set_review_state(db, kept.id, "confirmed", "dana")
    v2 = make_document("proposal-v2.md", sha="b" * 64)
    result = store.add_document(db, v2, "D-1", [
        make_promise("We will run three training sessions.", "training"),
        make_promise("A new dashboard will be live by May 1, 2027.", due=date(2027, 5, 1)),
    ])
    assert (result.added, result.kept, result.superseded) == (1, 1, 2)
    assert result.replaced == "proposal.md"
    states = {p.text: p.review_state for p in queries.promises(db)}
    assert states["We will run three training sessions."] == "confirmed"
    assert states["All 340 gateways will be installed by March 31, 2027."] == "superseded"
    assert db["promises"].count == 4  # nothing deleted
    trail = [c for c in queries.changes(db) if c["action"] == "supersede"]
    assert len(trail) == 2 and "proposal-v2.md" in trail[0]["note"]


def test_deal_updates_are_recorded(fresh_db):
    store.upsert_deal(fresh_db, Deal("D-1", customer="Acme"))
    assert store.upsert_deal(fresh_db, Deal("D-1", go_live_on=date(2027, 4, 1)), "dana") == "updated"
    assert store.upsert_deal(fresh_db, Deal("D-1", go_live_on=date(2027, 4, 1))) == "unchanged"
    deal = queries.get_deal(fresh_db, "D-1")
    assert deal.customer == "Acme" and deal.go_live_on == date(2027, 4, 1)
    change = queries.changes(fresh_db, "D-1")[-1]
    assert (change["who"], change["field"], change["new_value"]) == ("dana", "go_live_on",
                                                                      "2027-04-01")


def test_unknown_deal_and_promise_say_what_to_do(fresh_db):
    with pytest.raises(LedgerError, match="promiseaudit deals list"):
        queries.get_deal(fresh_db, "D-404")
    with pytest.raises(LedgerError, match="No promise 'P404'"):
        queries.get_promise(fresh_db, "P404")


def test_edit_promise_keeps_old_value_in_trail(seeded_db):
    p = next(p for p in queries.promises(seeded_db) if p.due)
    store.edit_promise(seeded_db, p.id, "due", "2027-04-15", "dana")
    assert queries.get_promise(seeded_db, p.id).due == date(2027, 4, 15)
    c = queries.changes(seeded_db, p.id)[-1]
    assert (c["old_value"], c["new_value"], c["who"]) == ("2027-03-31", "2027-04-15", "dana")
    with pytest.raises(LedgerError, match="YYYY-MM-DD"):
        store.edit_promise(seeded_db, p.id, "due", "next week", "dana")
    with pytest.raises(LedgerError, match="cannot be edited"):
        store.edit_promise(seeded_db, p.id, "quote", "x", "dana")


def test_audit_runs_are_snapshots(seeded_db):
    ids = [p.id for p in queries.promises(seeded_db)]
    verdicts = {pid: Verdict(pid, "pending", None, "r", "why") for pid in ids}
    run = store.store_audit_run(seeded_db, date(2027, 2, 1), {"at_risk_days": 7}, verdicts)
    runs = queries.audit_runs(seeded_db)
    assert runs[0]["counts"] == {"pending": 3}
    assert queries.snapshot_statuses(seeded_db, run) == {pid: "pending" for pid in ids}


def test_foreign_database_is_refused(tmp_path):
    import sqlite3

    path = tmp_path / "crm.db"
    conn = sqlite3.connect(path)
    conn.execute("create table foo (x)")
    conn.commit()
    conn.close()
    with pytest.raises(LedgerError, match="another program's database"):
        open_ledger(path)
    assert sqlite3.connect(path).execute(
        "select name from sqlite_master").fetchall() == [("foo",)]


def test_newer_ledger_is_refused(db_path):
    db = open_ledger(db_path)
    db.execute("pragma user_version = 99")
    db.close()
    with pytest.raises(LedgerError, match="newer promiseaudit"):
        open_ledger(db_path)


def test_loaded_deliveries_equal_constructed_ones(seeded_db):
    from promiseaudit.models import Delivery

    store.add_deliveries(seeded_db, [Delivery("D-1", "delivery", date(2027, 3, 1), "Kit",
                                              quantity=2, reference="R-1",
                                              source_file="d.csv", source_row=2)])
    (loaded,) = queries.deliveries(seeded_db)
    assert loaded == Delivery("D-1", "delivery", date(2027, 3, 1), "Kit", quantity=2,
                              reference="R-1", source_file="d.csv", source_row=2, id=1)
    assert hash(loaded) == hash(Delivery("D-1", "delivery", date(2027, 3, 1), "Kit",
                                         quantity=2, reference="R-1", source_file="d.csv",
                                         source_row=2, id=1))


def test_issue_9_promise_ids_are_64_bit_and_a_collision_never_moves_another_deals_promise(fresh_db, monkeypatch):
    from builders import make_document, make_promise
    from promiseaudit.ledger import queries, store
    from promiseaudit.models import Deal

    assert len(store.promise_id("D-1", "We will deliver it.")) == 17
    db = fresh_db
    real = store._hashed
    # Seen: two deals' promises hashed to one 32-bit id and the second ingest moved the
    # first deal's promise. Force every quote onto one id to show it cannot happen now.
    monkeypatch.setattr(store, "_hashed",
                        lambda deal, norm, n=0: "SAME" * 10 if "collision" not in norm else real(deal, norm, n))
    with db.atomic():
        store.upsert_deal(db, Deal("D-1"))
        store.upsert_deal(db, Deal("D-2"))
        store.add_document(db, make_document("a.md", sha="a" * 64), "D-1", [make_promise("We will deliver the plan.")])
        store.add_document(db, make_document("b.md", sha="b" * 64), "D-2", [make_promise("We will train ten users.")])
    by_deal = {p.deal_id: p for p in queries.promises(db)}
    assert by_deal["D-1"].id == "PSAMESAMESAMESAME" and by_deal["D-1"].text == "We will deliver the plan."
    assert by_deal["D-2"].id != "PSAMESAMESAMESAME" and by_deal["D-2"].text == "We will train ten users."


def test_issue_9_a_ledger_with_short_ids_keeps_them_on_the_next_version(fresh_db):
    from builders import make_document, make_promise
    from promiseaudit.ledger import queries, store
    from promiseaudit.models import Deal

    db = fresh_db
    text = "We will deliver the plan by March 1, 2027."
    with db.atomic():
        store.upsert_deal(db, Deal("D-1"))
        store.add_document(db, make_document("v1.md", sha="a" * 64), "D-1", [make_promise(text)])
    (old,) = queries.promises(db)
    short = store.legacy_promise_id("D-1", text)
    db.execute("update promises set id = ? where id = ?", [short, old.id])  # as an old ledger has it
    with db.atomic():
        store.add_document(db, make_document("v2.md", sha="b" * 64), "D-1", [make_promise(text)])
    assert [p.id for p in queries.promises(db)] == [short]

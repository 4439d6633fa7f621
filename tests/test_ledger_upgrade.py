"""Ledgers made by an earlier promiseaudit open, upgrade and keep their data."""
import shutil
from datetime import date
from pathlib import Path

from promiseaudit import api
from promiseaudit.ledger import SCHEMA_VERSION, open_ledger, queries
from promiseaudit.ledger.migrations import migrations

V1 = Path(__file__).parent / "data" / "ledger-v1.db"


def test_version_1_ledger_upgrades(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(V1, path)
    db = open_ledger(path)
    assert [m.name for m in migrations.applied(db)][-1] == "0015_no_match_index_by_record"
    # Dropping indexes (0014, 0015) changes nothing older promiseaudit reads: version 7.
    assert db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION == 7
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                        "AND tbl_name = 'matches'")}
    assert "idx_matches_run_delivery" in indexes
    assert not indexes & {"idx_matches_run", "idx_matches_promise", "idx_matches_delivery"}
    assert "deal_reason" in db["deliveries"].columns_dict
    assert db.journal_mode == "wal"
    (p,) = queries.promises(db)
    assert p.text == "We will deliver the plan by March 1, 2027."
    assert api.run_audit(db, date(2027, 4, 1)).verdicts[p.id].status == "waived"


def test_revoked_waiver_no_longer_counts(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(V1, path)
    db = open_ledger(path)
    pid = queries.promises(db)[0].id
    api.revoke_waiver(db, pid, "dana", "recorded for the wrong promise", date(2027, 3, 15))
    assert api.run_audit(db, date(2027, 3, 10)).verdicts[pid].status == "waived"
    assert api.run_audit(db, date(2027, 4, 1)).verdicts[pid].status == "broken"
    assert queries.changes(db, pid)[-1]["action"] == "revoke"


def test_clear_a_wrong_go_live(runner, tmp_path):
    from promiseaudit.cli import main

    path = tmp_path / "old.db"
    shutil.copy(V1, path)
    r = runner.invoke(main, ["--db", str(path), "deals", "set", "D-1", "--go-live",
                             "2027-05-01", "--by", "dana"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["--db", str(path), "deals", "set", "D-1", "--clear", "go-live",
                             "--by", "dana"])
    assert r.exit_code == 0, r.output
    assert queries.get_deal(open_ledger(path), "D-1").go_live_on is None
    r = runner.invoke(main, ["--db", str(path), "history", "D-1"])
    assert "clear" in r.output and "2027-05-01 -> None" in r.output


def test_issue_8_upgrade_fills_in_what_extraction_now_stores(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(V1, path)
    db = open_ledger(path)
    (p,) = queries.promises(db)
    assert p.series_end is None and p.names_go_live is False
    cols = {c.name for c in db["promises"].columns}
    assert {"series_end", "names_go_live"} <= cols


def test_issue_9_upgrade_reads_tiers_and_measures_once(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(V1, path)
    db = open_ledger(path)
    cols = {c.name for c in db["promises"].columns}
    assert {"tier", "measures", "about_incidents"} <= cols
    assert {"value_unit", "value_kind", "record_type"} <= {c.name for c in db["deliveries"].columns}
    (p,) = queries.promises(db)
    assert (p.tier, p.measures, p.about_incidents) == (None, None, False)


V3 = Path(__file__).parent / "data" / "ledger-v3.db"


def test_issue_9_old_deliveries_get_one_import_per_file_and_time(tmp_path, runner):
    from promiseaudit.cli import main

    path = tmp_path / "old.db"
    shutil.copy(V3, path)
    db = open_ledger(path)
    assert db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
    assert [(i["id"], i["file_name"], i["records"], i["sha256"], i["mapping"], i["export_key"])
            for i in queries.imports(db)] == [
        (1, "deliveries.csv", 2, None, None, "deliveries"),
        (2, "deliveries.csv", 1, None, None, "deliveries"),
        (3, "noc-2027-02.csv", 1, None, None, "noc")]
    assert [d.import_id for d in queries.deliveries(db)] == [1, 1, 2, 3]
    assert queries.get_delivery(db, 2).promise_id == "P00000000000000A2"
    assert db.execute("pragma foreign_key_check").fetchall() == []
    r = runner.invoke(main, ["--db", str(path), "deliveries", "imports"])
    assert r.exit_code == 0 and "(imported before imports were recorded)" in r.output


def test_issue_9_an_old_import_can_be_undone_and_taught_from(tmp_path):
    from promiseaudit.imports import import_deliveries

    path = tmp_path / "old.db"
    shutil.copy(V3, path)
    db = open_ledger(path)
    api.undo_import(db, 2, "dana", "imported twice by mistake")
    assert [d.id for d in queries.deliveries(db)] == [1, 2, 4]
    api.link(db, 4, "P00000000000000A2", "dana", remember=True)
    new = tmp_path / "noc-2027-03.csv"
    new.write_text("deal_id,category,delivered_on,description\n"
                   "D-1,check_in,2027-03-31,Ops pack March 2027 (NOC-114)\n", encoding="utf-8")
    import_deliveries(db, new, who="dana")
    outcome = api.run_audit(db, date(2027, 4, 5))
    (m,) = [m for m in outcome.matches if m.delivery_id == 5]
    assert (m.kind, m.promise_id) == ("rule", "P00000000000000A2")
    kinds = {r["delivery_id"]: r["kind"] for r in queries.matches(db, outcome.run_id)}
    assert kinds[2] == kinds[4] == "manual" and kinds[5] == "rule" and 3 not in kinds


def test_issue_10_an_old_ledger_gets_the_browsing_views(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(V1, path)
    db = open_ledger(path)
    assert {"promise_register", "delivery_records", "deal_summary", "latest_matches"} <= set(
        db.view_names())
    pid = queries.promises(db)[0].id
    status = "select status from promise_register where promise_id = ?"
    assert db.execute(status, [pid]).fetchone() == ("not audited yet",)
    api.run_audit(db, date(2027, 4, 1))
    assert db.execute(status, [pid]).fetchone() == ("waived",)


def test_issue_8_upgrade_reads_what_a_counted_promise_does_once(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    shutil.copy(V3, path)
    with sqlite3.connect(path) as conn:  # an old ledger's counted promise
        conn.execute("UPDATE promises SET quantity = 3, unit = 'session' WHERE quote LIKE 'We will run%'")
    db = open_ledger(path)
    by_quote = {p.text: p for p in queries.promises(db)}
    assert by_quote["We will run three training sessions."].action == "held"
    assert by_quote["A monthly service report will be sent to your operations team."].action is None

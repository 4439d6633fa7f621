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
    assert [m.name for m in migrations.applied(db)][-1] == "0009_record_deal_reason"
    assert db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION == 5
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

"""Issue 11: no traceback on a locked, read-only, damaged or full ledger; read-only
commands work on a read-only ledger."""
import sqlite3
from datetime import date

import pytest

import promiseaudit.ledger as ledger_pkg
from promiseaudit.cli import main
from promiseaudit.ledger import open_ledger, store
from promiseaudit.models import Deal


@pytest.fixture
def ledger(db_path):
    db = open_ledger(db_path)
    with db.atomic():
        store.upsert_deal(db, Deal("D-1", "Acme", signed_on=date(2027, 1, 4)))
    db.conn.close()
    return db_path


def one_line_error(r, words):
    assert r.exit_code == 1, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], r.output
    assert "Traceback" not in r.output


def test_a_read_only_ledger_can_be_read_but_not_changed(ledger, runner, monkeypatch):
    monkeypatch.setattr(ledger_pkg, "_writable", lambda path: False)
    r = runner.invoke(main, ["--db", ledger, "deals", "list"])
    assert r.exit_code == 0 and "D-1" in r.output, r.output
    r = runner.invoke(main, ["--db", ledger, "audit", "--as-of", "2027-05-01"])
    assert r.exit_code == 0, r.output
    one_line_error(runner.invoke(main, ["--db", ledger, "deals", "set", "D-1", "--rep", "Sam"]),
                   "is read-only")
    monkeypatch.undo()
    db = open_ledger(ledger)
    assert db["deals"].get("D-1")["rep"] is None
    assert db["audit_runs"].count == 0  # the audit ran, but kept no snapshot


def test_a_busy_ledger_is_one_line(ledger, runner, monkeypatch):
    monkeypatch.setattr(ledger_pkg, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(ledger)
    holder.execute("BEGIN IMMEDIATE")
    try:
        r = runner.invoke(main, ["--db", ledger, "deals", "set", "D-1", "--rep", "Sam"])
    finally:
        holder.rollback()
        holder.close()
    one_line_error(r, "is busy")


def test_writers_wait_for_each_other_by_default():
    assert ledger_pkg.BUSY_TIMEOUT_MS >= 30_000


def test_a_damaged_ledger_is_one_line(ledger, runner):
    db = open_ledger(ledger)
    with db.atomic():
        for i in range(300):
            store.upsert_deal(db, Deal(f"D-{i + 2}", "Customer " * 20))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    with open(ledger, "r+b") as fh:
        fh.seek(4096 * 3)
        fh.write(b"\xff" * 4096 * 4)
    r = runner.invoke(main, ["--db", ledger, "deals", "list"])
    one_line_error(r, "is damaged")


def test_a_full_disk_is_one_line_and_changes_nothing(ledger, runner, monkeypatch):
    def full(*a, **k):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "record_change", full)
    one_line_error(runner.invoke(main, ["--db", ledger, "deals", "set", "D-1", "--rep", "Sam"]),
                   "is full")
    monkeypatch.undo()
    assert open_ledger(ledger)["deals"].get("D-1")["rep"] is None

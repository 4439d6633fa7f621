"""Issue 11: a ledger file gives back the room that deleted rows leave (`compact`), and an
audit says when there is much of it."""
from datetime import date, timedelta

import pytest
import sqlite_utils

import promiseaudit.ledger as ledger_pkg
from builders import make_document, make_promise
from promiseaudit import api, cli
from promiseaudit.cli import main
from promiseaudit.ledger import open_ledger, store
from promiseaudit.models import Deal, Delivery

AS_OF = date(2027, 6, 30)


@pytest.fixture
def bloated(db_path):
    """A ledger as older promiseaudit versions left it: the matches of many earlier
    audits kept, then dropped by the latest audit, their room left unused in the file."""
    db = open_ledger(db_path)
    with db.atomic():
        store.upsert_deal(db, Deal("D-1", "Acme", signed_on=date(2027, 1, 4),
                                   kickoff_on=date(2027, 1, 11)))
        store.add_document(db, make_document(), "D-1", [
            make_promise("We will hold a monthly status meeting.", "check_in",
                         recurrence="monthly"),
            make_promise("We will deliver the site survey report by 1 March 2027.",
                         due=date(2027, 3, 1))])
        store.add_deliveries(db, [
            Delivery("D-1", "check_in", date(2027, 1, 11) + timedelta(days=i % 170),
                     f"Monthly status meeting {i} held with the customer's project team")
            for i in range(3000)])
    first = api.run_audit(db, AS_OF, keep=False)
    for _ in range(5):  # what each earlier audit used to keep
        db.execute("insert into matches (run_id, delivery_id, promise_id, kind, score, reason, "
                   "rule_id, candidates) select run_id, delivery_id, promise_id, kind, score, "
                   "reason, rule_id, candidates from matches where run_id = ?", [first.run_id])
    db.conn.commit()
    api.run_audit(db, AS_OF, keep=False)
    db.conn.close()
    return db_path


def _contents(db) -> dict:
    return {t: db.execute(f"select * from [{t}] order by rowid").fetchall()
            for t in db.table_names() if t != "ledger_state"}


def test_compact_gives_the_unused_room_back_and_keeps_everything(bloated):
    db = open_ledger(bloated)
    kept = _contents(db)
    space = store.ledger_space(db)
    assert space.unused > space.size / 2
    before, after = store.compact(db, bloated)
    assert before == space
    assert after.unused == 0 and after.size <= before.size - before.unused
    assert _contents(db) == kept
    db.conn.close()
    db = open_ledger(bloated)
    assert _contents(db) == kept
    assert db.journal_mode == "wal"


def test_the_compact_command_says_what_it_gave_back(bloated, runner):
    r = runner.invoke(main, ["--db", bloated, "compact"])
    assert r.exit_code == 0, r.output
    assert "compacted" in r.output and "given back to the disk" in r.output, r.output
    r = runner.invoke(main, ["--db", bloated, "compact"])
    assert r.exit_code == 0 and "no unused space" in r.output, r.output


def test_an_audit_mentions_compact_when_much_of_the_file_is_unused(bloated, runner,
                                                                   monkeypatch):
    r = runner.invoke(main, ["--db", bloated, "audit", "--as-of", AS_OF.isoformat()])
    assert r.exit_code == 0 and "promiseaudit compact" not in r.output, r.output
    monkeypatch.setattr(cli, "COMPACT_HINT_BYTES", 1)
    r = runner.invoke(main, ["--db", bloated, "audit", "--as-of", AS_OF.isoformat()])
    assert r.exit_code == 0 and "`promiseaudit compact` gives it back" in r.output, r.output
    runner.invoke(main, ["--db", bloated, "compact"])
    r = runner.invoke(main, ["--db", bloated, "audit", "--as-of", AS_OF.isoformat()])
    assert r.exit_code == 0 and "promiseaudit compact" not in r.output, r.output


def test_a_read_only_ledger_is_not_compacted(bloated, runner, monkeypatch):
    monkeypatch.setattr(ledger_pkg, "_writable", lambda path: False)
    r = runner.invoke(main, ["--db", bloated, "compact"])
    assert r.exit_code == 1 and "read-only, so it cannot be compacted" in r.output, r.output
    assert len(r.output.strip().splitlines()) == 1


def test_no_room_to_compact_is_one_line_and_changes_nothing(bloated, runner, monkeypatch):
    import sqlite3

    db = open_ledger(bloated)
    kept, space = _contents(db), store.ledger_space(db)
    db.conn.close()
    execute = sqlite_utils.Database.execute

    def full(self, sql, *args, **kwargs):
        if sql == "VACUUM":
            raise sqlite3.OperationalError("database or disk is full")
        return execute(self, sql, *args, **kwargs)

    monkeypatch.setattr(sqlite_utils.Database, "execute", full)
    r = runner.invoke(main, ["--db", bloated, "compact"])
    assert r.exit_code == 1 and "Not enough free disk space to compact" in r.output, r.output
    assert len(r.output.strip().splitlines()) == 1 and "nothing was changed" in r.output
    monkeypatch.undo()
    db = open_ledger(bloated)
    assert _contents(db) == kept and store.ledger_space(db) == space


def test_a_missing_ledger_is_not_created_by_compact(tmp_path, runner):
    path = tmp_path / "none.db"
    r = runner.invoke(main, ["--db", str(path), "compact"])
    assert r.exit_code == 1 and "No ledger at" in r.output and not path.exists()

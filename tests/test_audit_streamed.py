"""The audit streams the ledger deal by deal (issue 11): the verdicts, the matches and the
stored snapshot are those of one audit of the whole ledger at once."""
import random
import sqlite3
from datetime import date, datetime, timedelta

import pytest

from builders import make_document, make_promise
from promiseaudit import api
from promiseaudit.audit import AuditSettings, audit_all
from promiseaudit.errors import LedgerError
from promiseaudit.ledger import queries, store
from promiseaudit.models import Deal, Delivery

AS_OF = date(2027, 6, 30)
TOPICS = ["site survey report", "network design document", "data migration",
          "handover pack", "security assessment"]


def _promises(rng, deal_id):
    topic, other = rng.sample(TOPICS, 2)
    return [
        make_promise(f"We will deliver the {topic} by 1 March 2027.", due=date(2027, 3, 1)),
        make_promise(f"The {other} will be completed within 20 business days of kickoff.",
                     within_days=20, business_days=True, anchor="kickoff"),
        make_promise("The system will go live no later than 15 April 2027.",
                     due=date(2027, 4, 15), names_go_live=True),
        make_promise("We will run three admin training sessions within 6 weeks of kickoff.",
                     "training", within_days=42, anchor="kickoff", quantity=3.0,
                     unit="session"),
        make_promise("Your account manager will hold a monthly status meeting.", "check_in",
                     recurrence="monthly"),
        make_promise("Priority 1 incidents will receive a response within 1 hour.", "support",
                     threshold=1.0, threshold_unit="hour", direction="at_most"),
        make_promise("The service will be available at least 99.9% of the time each month.",
                     "service_level", recurrence="monthly", threshold=99.9,
                     threshold_unit="%", direction="at_least"),
    ]


def _records(rng, deal_id, kickoff, n):
    out = []
    for k in range(n):
        day = kickoff + timedelta(days=rng.randrange(0, 200))
        roll = rng.random()
        if roll < 0.3:
            opened = datetime.combine(day, datetime.min.time()) + timedelta(hours=9)
            out.append(Delivery(deal_id, "support", day, "Ticket: VPN down", priority="P1",
                                opened_at=opened,
                                responded_at=opened + timedelta(minutes=rng.randrange(5, 90)),
                                resolved_at=opened + timedelta(hours=4), reference=f"HD-{k}"))
        elif roll < 0.45:
            out.append(Delivery(deal_id, "service_level", day, f"Monthly uptime {day:%B %Y}",
                                value=round(rng.uniform(99.7, 100.0), 2)))
        elif roll < 0.6:
            out.append(Delivery(deal_id, "check_in", day, "Monthly status meeting held"))
        elif roll < 0.7:
            out.append(Delivery(deal_id, "training", day, "Admin training session",
                                quantity=1.0))
        else:
            out.append(Delivery(deal_id, "delivery", day, f"{rng.choice(TOPICS).capitalize()} "
                                "sent", reference=f"PSA-{k}"))
    return out


@pytest.fixture
def ledger(fresh_db):
    """Twelve deals (one with records and no proposal), with explicit links, a remembered
    rule, dismissals, waivers, rejected and candidate promises and a recorded go-live."""
    rng = random.Random(11)
    db = fresh_db
    with db.atomic():
        for i in range(12):
            deal_id = f"D-{i:02d}"
            kickoff = date(2026, 11, 1) + timedelta(days=rng.randrange(0, 60))
            store.upsert_deal(db, Deal(deal_id, f"Customer {i}", rng.choice(["Ana", "Bo", None]),
                                       signed_on=kickoff - timedelta(days=10),
                                       kickoff_on=kickoff,
                                       go_live_on=date(2027, 4, 10) if i % 3 == 0 else None))
            if i != 7:
                ps = _promises(rng, deal_id)
                result = store.add_document(db, make_document(f"{deal_id}.md", sha=f"{i:064d}"),
                                            deal_id, ps)
                for pid in result.promise_ids[::2]:
                    store.set_review_state(db, pid, "confirmed", "test")
                store.set_review_state(db, result.promise_ids[3], "rejected", "test")
                if i % 4 == 1:
                    store.add_waiver(db, result.promise_ids[1], "customer agreed", "ops",
                                     date(2027, 2, 1))
            store.add_deliveries(db, _records(rng, deal_id, kickoff, 25))
    rows = db.execute("select id, deal_id from deliveries where category = 'delivery' "
                      "order by id").fetchall()
    for n, (rid, deal_id) in enumerate(rows[:12]):
        pid = db.execute("select id from promises where deal_id = ? and category = 'delivery' "
                         "order by id", [deal_id]).fetchone()
        if pid is None:
            continue
        if n % 3 == 2:
            api.dismiss(db, rid, "not ours")
        else:
            api.link(db, rid, pid[0], remember=n % 3 == 0)
    return db


def whole_ledger_audit(db, as_of):
    """The audit as it was before issue 11: everything loaded, then audited at once."""
    states = ["confirmed", "superseded", "candidate"]
    promises = queries.promises(db, states=states)
    deals = queries.deals(db)
    deliveries = queries.deliveries(db)
    evidence = deliveries + api.go_live_records(promises, deals, deliveries)
    verdicts, matches = audit_all(promises, deals, evidence, as_of, AuditSettings(),
                                  waivers=api.current_waivers(db, as_of),
                                  rules=queries.link_rules(db))
    return api.AuditOutcome(as_of, verdicts, matches, promises, deals, deliveries)


def _matches(ms):
    return [(m.delivery_id, m.promise_id, m.kind, m.score, m.reason, m.candidates, m.rule_id)
            for m in ms]


def _snapshot(db, run_id):
    results = db.execute("select promise_id, status, due, rule, verdict from audit_results "
                         "where run_id = ? order by rowid", [run_id]).fetchall()
    matches = db.execute("select delivery_id, promise_id, kind, score, reason, rule_id, "
                         "candidates from matches where run_id = ? order by id",
                         [run_id]).fetchall()
    counts = db.execute("select counts from audit_runs where id = ?", [run_id]).fetchone()[0]
    return results, matches, counts


def test_streamed_audit_gives_the_verdicts_of_a_whole_ledger_audit(ledger):
    before = whole_ledger_audit(ledger, AS_OF)
    after = api.run_audit(ledger, AS_OF, save=False)
    assert {k: v.to_dict() for k, v in after.verdicts.items()} == \
        {k: v.to_dict() for k, v in before.verdicts.items()}
    assert list(after.verdicts) == list(before.verdicts)
    assert [p.id for p in after.promises] == [p.id for p in before.promises]
    assert [d.id for d in after.deliveries] == [d.id for d in before.deliveries]
    assert _matches(api.record_matches(after)) == _matches(api.record_matches(before))
    # The ledger exercises what could differ: links, rules, dismissals, waivers, go-live.
    kinds = {m.kind for m in after.matches}
    assert {"manual", "rule", "dismissed", "auto"} <= kinds
    assert {"waived", "broken", "kept"} <= set(after.counts)
    assert any(v.rule == "waiver" for v in after.verdicts.values())


def test_stored_snapshot_is_the_one_a_whole_ledger_audit_stores(ledger):
    before = whole_ledger_audit(ledger, AS_OF)
    with ledger.atomic():
        old_run = store.store_audit_run(ledger, AS_OF, {}, before.verdicts,
                                        api.record_matches(before))
    old, old_statuses = _snapshot(ledger, old_run), queries.snapshot_statuses(ledger, old_run)
    new_run = api.run_audit(ledger, AS_OF, keep=False).run_id
    assert new_run == old_run + 1
    assert _snapshot(ledger, new_run) == old
    assert queries.snapshot_statuses(ledger, new_run) == old_statuses


@pytest.mark.parametrize("per_read", [1, 5, 1000])
def test_how_many_deals_are_read_at_a_time_changes_nothing(ledger, monkeypatch, per_read):
    expected = api.run_audit(ledger, AS_OF, save=False)
    monkeypatch.setattr(api, "DEALS_PER_READ", per_read)
    got = api.run_audit(ledger, AS_OF, save=False)
    assert {k: v.to_dict() for k, v in got.verdicts.items()} == \
        {k: v.to_dict() for k, v in expected.verdicts.items()}
    assert _matches(api.record_matches(got)) == _matches(api.record_matches(expected))


def test_iter_audit_yields_each_deal_once_in_order(ledger):
    parts = list(api.iter_audit(ledger, AS_OF))
    assert [p.deal_id for p in parts] == [f"D-{i:02d}" for i in range(12)]
    no_proposal = parts[7]
    assert no_proposal.promises == [] and no_proposal.verdicts == {}
    assert len(no_proposal.deliveries) == 25
    assert {m.kind for m in no_proposal.matches} == {"unmatched"}
    for part in parts:
        assert all(p.deal_id == part.deal_id for p in part.promises)
        assert all(d.deal_id == part.deal_id for d in part.deliveries)


def test_keep_false_holds_only_the_counts(ledger):
    full = api.run_audit(ledger, AS_OF, save=False)
    seen = []
    light = api.run_audit(ledger, AS_OF, keep=False, on_deal=lambda part: seen.append(
        len(part.verdicts)))
    assert light.verdicts == {} and light.promises == [] and light.deliveries == []
    assert light.counts == full.counts
    assert sum(seen) == sum(light.counts.values()) == len(full.verdicts)
    assert light.promise_count == len(full.promises)
    assert light.record_count == len(full.deliveries)
    assert light.run_id is not None


@pytest.mark.parametrize("jobs", [1, 2])
def test_only_the_newest_audit_keeps_its_matches(ledger_file, monkeypatch, temp_dir, jobs):
    """Nothing reads an earlier audit's matches, so a new audit replaces them: the ledger
    does not grow by millions of rows per audit. Earlier audits keep their verdicts."""
    from promiseaudit import parallel

    monkeypatch.setattr(parallel, "DEALS_PER_TASK", 3)
    first = api.run_audit(ledger_file, AS_OF, keep=False, jobs=jobs)
    n = ledger_file.execute("select count(*) from matches").fetchone()[0]
    assert n > 0
    second = api.run_audit(ledger_file, AS_OF, keep=False, jobs=jobs)
    per_run = dict(ledger_file.execute("select run_id, count(*) from matches group by run_id"))
    assert per_run == {second.run_id: n}
    statuses = queries.snapshot_statuses(ledger_file, first.run_id)
    assert statuses and statuses == queries.snapshot_statuses(ledger_file, second.run_id)
    assert queries.matches(ledger_file) == queries.matches(ledger_file, second.run_id)
    # A report's own audit stores its snapshot the same way.
    third = api.save_snapshot(ledger_file, api.load_audit_data(ledger_file, AS_OF, save=False))
    per_run = dict(ledger_file.execute("select run_id, count(*) from matches group by run_id"))
    assert per_run == {third: n}


def test_an_audit_that_fails_midway_stores_no_snapshot(ledger):
    runs = ledger.execute("select count(*) from audit_runs").fetchone()[0]

    def fail(part):
        if part.deal_id == "D-05":
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        api.run_audit(ledger, AS_OF, on_deal=fail)
    assert ledger.execute("select count(*) from audit_runs").fetchone()[0] == runs
    assert ledger.execute("select count(*) from audit_results").fetchone()[0] == 0
    assert ledger.execute("select count(*) from matches").fetchone()[0] == 0
    # The staging database went with the failed audit.
    assert "snapshot_stage" not in {r[1] for r in ledger.execute("PRAGMA database_list")}
    assert api.run_audit(ledger, AS_OF, keep=False).run_id is not None


def test_a_ledger_changed_during_the_audit_still_gets_its_snapshot_checked(ledger):
    """While the ledger is the one the audit read, the snapshot is copied without checking
    each row against the ledger; when it changed meanwhile, the rows are checked and the
    run keeps the version the audit read, so reports from it are refused as out of date."""
    quiet = api.run_audit(ledger, AS_OF, keep=False)
    quiet_rows = _snapshot(ledger, quiet.run_id)
    read = []

    def change(part):
        if part.deal_id == "D-03":
            read.append(store.ledger_version(ledger))
            store.upsert_deal(ledger, Deal("D-NEW", "Customer new", "Ana"))

    moved = api.run_audit(ledger, AS_OF, keep=False, on_deal=change)
    assert _snapshot(ledger, moved.run_id) == quiet_rows
    stored = ledger.execute("select ledger_version from audit_runs where id = ?",
                            [moved.run_id]).fetchone()[0]
    assert stored == read[0] != store.ledger_version(ledger)
    # Foreign keys are checked again afterwards, whichever way the snapshot was copied.
    assert ledger.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert ledger.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_snapshot_naming_a_record_deleted_during_the_audit_is_refused(ledger):
    """A record deleted while the audit ran is caught by the checks: no snapshot naming
    it is stored."""
    runs = ledger.execute("select count(*) from audit_runs").fetchone()[0]
    last = ledger.execute("select max(id) from deliveries where deal_id = 'D-00'").fetchone()[0]

    def delete(part):
        if part.deal_id == "D-05":
            ledger.execute("delete from deliveries where id = ?", [last])

    with pytest.raises(LedgerError, match="changed while the audit read it.*nothing was stored"):
        api.run_audit(ledger, AS_OF, keep=False, on_deal=delete)
    assert ledger.execute("select count(*) from audit_runs").fetchone()[0] == runs
    assert ledger.execute("PRAGMA foreign_keys").fetchone()[0] == 1


@pytest.fixture
def ledger_file(ledger, tmp_path):
    """The twelve-deal ledger as a file, as worker processes need it."""
    from promiseaudit.ledger import open_ledger

    path = tmp_path / "ledger.db"
    target = sqlite3.connect(path)
    ledger.conn.backup(target)
    target.close()
    return open_ledger(path)


@pytest.fixture
def temp_dir(tmp_path, monkeypatch):
    """A temporary folder of the test's own, where the workers' staging files go."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.parametrize("jobs,merged", [(2, 8), (3, 1)])
def test_a_parallel_audit_stores_the_snapshot_of_one_process(ledger_file, monkeypatch,
                                                             temp_dir, jobs, merged):
    """Each worker stores its rows in a file of its own; the files are merged into the
    ledger in one process's order (merged: how many are merged as they are, the rest
    copied into the stage first), and removed afterwards."""
    from promiseaudit import parallel

    monkeypatch.setattr(parallel, "DEALS_PER_TASK", 3)  # four tasks for the workers
    monkeypatch.setattr(store.SnapshotStage, "MERGED_FILES", merged)
    one_lines, two_lines = [], []
    one = api.run_audit(ledger_file, AS_OF, keep=False, on_lines=one_lines.extend, jobs=1)
    one_rows = _snapshot(ledger_file, one.run_id)
    two = api.run_audit(ledger_file, AS_OF, keep=False, on_lines=two_lines.extend, jobs=jobs)
    assert (two.counts, two.promise_count, two.record_count) == (one.counts, one.promise_count,
                                                                 one.record_count)
    assert two.run_id != one.run_id
    assert _snapshot(ledger_file, two.run_id) == one_rows
    contacts = "select deal_id, last_contact from audit_contacts where run_id = ? order by rowid"
    assert (ledger_file.execute(contacts, [two.run_id]).fetchall()
            == ledger_file.execute(contacts, [one.run_id]).fetchall() != [])
    assert two_lines == one_lines and len(one_lines) == one.promise_count
    assert list(temp_dir.glob("promiseaudit-*")) == []
    assert not [r for r in ledger_file.execute("PRAGMA database_list") if r[1] != "main"]


def test_a_parallel_audit_that_fails_leaves_no_snapshot_and_no_files(ledger_file, monkeypatch,
                                                                      temp_dir):
    from promiseaudit import parallel

    monkeypatch.setattr(parallel, "DEALS_PER_TASK", 3)

    def full_disk(self, run_id):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store.SnapshotStage, "_copy_rows", full_disk)
    with pytest.raises(sqlite3.OperationalError):
        api.run_audit(ledger_file, AS_OF, keep=False, jobs=2)
    assert ledger_file.execute("select count(*) from audit_runs").fetchone()[0] == 0
    assert list(temp_dir.glob("promiseaudit-*")) == []


def test_worker_files_left_by_a_killed_audit_are_removed_by_the_next(ledger_file, monkeypatch,
                                                                       temp_dir):
    """An audit killed before it could tidy up leaves its workers' folder behind; the next
    parallel audit removes the folders of audits whose process is gone, and no other."""
    import os

    from promiseaudit import parallel

    monkeypatch.setattr(parallel, "DEALS_PER_TASK", 3)
    gone = temp_dir / "promiseaudit-audit-99999999-abc"  # above Linux's highest process id
    alive = temp_dir / f"promiseaudit-audit-{os.getppid()}-def"
    for folder in (gone, alive):
        folder.mkdir()
        (folder / "worker-1.db").write_bytes(b"rows")
    assert api.run_audit(ledger_file, AS_OF, keep=False, jobs=2).run_id is not None
    assert list(temp_dir.glob("promiseaudit-*")) == [alive]


def test_a_small_ledger_is_audited_in_this_process(ledger_file, monkeypatch):
    from promiseaudit import parallel

    def no_workers(*args, **kwargs):
        raise AssertionError("worker processes started for twelve deals")

    monkeypatch.setattr(parallel, "audit_in_parallel", no_workers)
    assert api.run_audit(ledger_file, AS_OF, keep=False, jobs=2).promise_count > 0


def test_a_full_temporary_folder_is_named_as_such(tmp_path):
    """A worker's staging file that cannot grow (here: capped at a few pages) stops the
    audit with a message about the temporary folder, not about the ledger's disk."""
    stage = store.StageFile(tmp_path / "part.db")
    stage.con.execute("PRAGMA max_page_count = 4")
    rows = [(f"P{i:05d}", "kept", None, "rule", "{}" * 400, None, "D-1", "support",
             "confirmed", None) for i in range(200)]
    with pytest.raises(LedgerError, match="temporary folder .* is full.*nothing was stored"):
        stage.add(rows, [])
    stage.close()


def test_storing_a_snapshot_leaves_the_ledger_settings_as_they_were(ledger_file):
    """Storing a snapshot changes the page cache, the foreign-key checks and how often the
    ledger is synced to disk for its own transaction only: later writes are synced and
    checked as before."""
    def settings():
        return [ledger_file.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("main.synchronous", "main.cache_size", "foreign_keys")]

    before = settings()
    assert ledger_file.journal_mode == "wal" and before[2] == 1
    api.run_audit(ledger_file, AS_OF, keep=False)
    assert settings() == before

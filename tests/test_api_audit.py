"""The library API around the audit: snapshots, what changed, waivers, links, unmatched."""
import json
from datetime import date

import pytest

from promiseaudit import api
from promiseaudit.cli import main
from promiseaudit.errors import LedgerError
from promiseaudit.imports import import_deliveries
from promiseaudit.ledger import queries


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def gateway(db):
    return next(p for p in queries.promises(db) if "gateways" in p.text)


def test_quantity_shortfall_is_broken_with_figures(seeded_db, tmp_path):
    import_deliveries(seeded_db, write(tmp_path, "d.csv",
        "deal_id,category,delivered_on,description,quantity,promise_id\n"
        f"D-1,delivery,2027-03-20,Gateways installed,310,{gateway(seeded_db).id}\n"))
    out = api.run_audit(seeded_db, date(2027, 4, 10))
    v = out.verdicts[gateway(seeded_db).id]
    assert v.status == "broken"
    assert (v.figures.get("delivered"), v.figures.get("promised")) == (310, 340)
    assert v.evidence and v.evidence[0].link.startswith("explicit")


def test_snapshots_give_previous_and_history(seeded_db):
    api.run_audit(seeded_db, date(2027, 3, 1))
    api.run_audit(seeded_db, date(2027, 3, 27))
    data = api.load_audit_data(seeded_db, date(2027, 4, 2))
    assert data.previous_as_of == date(2027, 3, 27)
    pid = gateway(seeded_db).id
    assert data.previous[pid] == "at_risk"
    assert data.verdicts[pid].status == "broken"
    assert [h[0] for h in data.history] == [date(2027, 3, 1), date(2027, 3, 27), date(2027, 4, 2)]


def test_rejected_and_confirmed_only(seeded_db):
    from promiseaudit import review

    pid = gateway(seeded_db).id
    review.decide(seeded_db, pid, "reject", "dana")
    assert pid not in api.run_audit(seeded_db, date(2027, 4, 1)).verdicts
    other = next(p for p in queries.promises(seeded_db) if "training" in p.text)
    review.decide(seeded_db, other.id, "confirm", "dana")
    only = api.run_audit(seeded_db, date(2027, 4, 1), confirmed_only=True).verdicts
    assert set(only) == {other.id}


def test_waiver_is_kept_in_the_trail(seeded_db):
    pid = gateway(seeded_db).id
    api.waive(seeded_db, pid, "Customer moved the rollout to Q3", "dana", date(2027, 3, 1))
    assert api.run_audit(seeded_db, date(2027, 4, 10)).verdicts[pid].status == "waived"
    assert queries.changes(seeded_db, pid)[-1]["action"] == "waive"
    with pytest.raises(LedgerError, match="reason"):
        api.waive(seeded_db, pid, " ", "dana")


def test_link_and_unmatched_through_the_cli(seeded_db, tmp_path, runner):
    db_path = str(tmp_path / "l.db")
    # Copy the seeded ledger to a file so the CLI can open it.
    import sqlite3

    target = sqlite3.connect(db_path)
    seeded_db.conn.backup(target)
    target.close()
    dl = write(tmp_path, "d.csv", "deal_id,category,delivered_on,description\n"
               "D-1,delivery,2027-02-01,Kickoff pack sent\n")
    r = runner.invoke(main, ["--db", db_path, "deliveries", "import", str(dl)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["--db", db_path, "unmatched"])
    assert "Record 1 (D-1, 2027-02-01): Kickoff pack sent" in r.output
    assert "Link it with: promiseaudit link 1 PROMISE_ID" in r.output
    pid = gateway(seeded_db).id
    r = runner.invoke(main, ["--db", db_path, "link", "1", pid, "--by", "dana"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["--db", db_path, "unmatched"])
    assert "Every delivery record is matched" in r.output
    r = runner.invoke(main, ["--db", db_path, "link", "99", pid])
    assert r.exit_code == 1 and "No delivery record 99" in r.stderr
    r = runner.invoke(main, ["--db", db_path, "audit", "--as-of", "2027-04-10", "--json"])
    data = json.loads(r.output)
    mine = next(p for p in data["promises"] if p["id"] == pid)
    assert mine["status"] == "broken" and mine["evidence"][0]["link"].startswith("explicit")


def test_recorded_go_live_is_evidence_for_the_go_live_promise(fresh_db):
    from builders import make_document, make_promise
    from promiseaudit.ledger import store
    from promiseaudit.models import Deal

    db = fresh_db
    with db.atomic():
        store.upsert_deal(db, Deal("D-5", signed_on=date(2027, 1, 4)))
        store.add_document(db, make_document(), "D-5", [
            make_promise("Go-live will take place no later than April 15, 2027.", names_go_live=True,
                         due=date(2027, 4, 15)),
            make_promise("Hypercare ends 30 days after go-live.", within_days=30,
                         anchor="go_live")])
    pid = next(p.id for p in queries.promises(db) if p.due)
    assert api.run_audit(db, date(2027, 5, 1)).verdicts[pid].status == "broken"
    api.set_deal(db, "D-5", go_live_on=date(2027, 4, 22))
    v = api.run_audit(db, date(2027, 5, 1)).verdicts[pid]
    assert (v.status, v.days_late) == ("late", 7)
    assert v.evidence[0].description == "Go-live date recorded for the deal"


def test_filtered_report_trend_counts_only_its_promises(seeded_db):
    from promiseaudit.ledger import store
    from promiseaudit.models import Deal
    from promiseaudit.report import ReportFilters
    from promiseaudit.report.views import _history_for, build_items, apply_filters
    from promiseaudit.report.formatting import DateFormatter
    from builders import make_document, make_promise

    db = seeded_db
    with db.atomic():
        store.upsert_deal(db, Deal("D-2", customer="Zed", rep="Marco"))
        store.add_document(db, make_document(sha="c" * 64), "D-2",
                           [make_promise("We will send the plan by March 1, 2027.",
                                         due=date(2027, 3, 1))])
    api.run_audit(db, date(2027, 2, 1))
    data = api.load_audit_data(db, date(2027, 4, 2), save=False)
    assert len(data.status_history) == 4
    fmt = DateFormatter("%Y-%m-%d")
    items = apply_filters(build_items(data, fmt), data, ReportFilters(deal="D-2"))
    history = _history_for(items, data)
    assert [sum(c.values()) for _, c in history] == [1, 1]
    assert history[-1][1] == {"broken": 1}

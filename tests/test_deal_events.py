"""Issue 9: deadlines anchored to any event the proposal names; a person records the
date (`deals set --event`) or a delivery record that is the event establishes it."""
from datetime import date

from builders import as_extracted

from promiseaudit.audit import AuditSettings, audit_all
from promiseaudit.cli import main
from promiseaudit.ledger import queries, store
from promiseaudit.models import Deal, Delivery, Promise

DEAL = Deal("D-1", "Acme", signed_on=date(2027, 1, 4), kickoff_on=date(2027, 1, 11))
ACCEPT = as_extracted(Promise(
    text="We will complete acceptance testing within 10 days of commissioning.", source="p.md",
    page=1, start=0, end=70, category="delivery", within_days=10, anchor="commissioning",
    id="ACC", deal_id="D-1", review_state="confirmed"))


def test_an_unknown_event_says_how_to_record_it():
    verdicts, _ = audit_all([ACCEPT], {"D-1": DEAL}, [], date(2027, 5, 1), AuditSettings())
    v = verdicts["ACC"]
    assert v.status == "open"
    assert '--event "commissioning=YYYY-MM-DD"' in v.reason


def test_a_delivery_record_that_is_the_event_establishes_it():
    job = Delivery("D-1", "delivery", date(2027, 3, 2), "Installation & Commissioning completed",
                   id=7, reference="JOB-88")
    verdicts, _ = audit_all([ACCEPT], {"D-1": DEAL}, [job], date(2027, 3, 5), AuditSettings())
    v = verdicts["ACC"]
    assert v.due == date(2027, 3, 12)
    assert "commissioning (2027-03-02, from delivery record 7: 'Installation & Commissioning completed')" in v.due_basis
    before, _ = audit_all([ACCEPT], {"D-1": DEAL}, [job], date(2027, 3, 1), AuditSettings())
    assert before["ACC"].due is None  # not known before the job was done


def test_deals_set_event_records_it_and_wins_over_a_record(runner, db_path):
    from promiseaudit.ledger import open_ledger
    db = open_ledger(db_path)
    with db.atomic():
        store.upsert_deal(db, DEAL)
    r = runner.invoke(main, ["--db", db_path, "deals", "set", "D-1", "--event",
                             "Commissioning=2027-02-20", "--by", "dana"])
    assert r.exit_code == 0, r.output
    assert "commissioning on 2027-02-20 recorded" in r.output.lower()
    deal = queries.get_deal(open_ledger(db_path), "D-1")
    assert deal.event("commissioning")[0] == date(2027, 2, 20)
    job = Delivery("D-1", "delivery", date(2027, 3, 2), "Commissioning done", id=7)
    verdicts, _ = audit_all([ACCEPT], {"D-1": deal}, [job], date(2027, 3, 5), AuditSettings())
    assert verdicts["ACC"].due == date(2027, 3, 2)
    assert "recorded by dana" in verdicts["ACC"].due_basis
    changes = queries.changes(open_ledger(db_path), "D-1")
    assert changes[-1]["action"] == "event" and changes[-1]["who"] == "dana"


def test_deals_set_event_refuses_bad_input_in_one_line(runner, db_path):
    from promiseaudit.ledger import open_ledger
    db = open_ledger(db_path)
    with db.atomic():
        store.upsert_deal(db, DEAL)
    for args, words in ((["--event", "commissioning=next week"], "is not a date"),
                        (["--event", "go-live=2027-03-01"], "--go-live")):
        r = runner.invoke(main, ["--db", db_path, "deals", "set", "D-1", *args])
        assert r.exit_code == 1 and words in r.output, r.output
        assert len(r.output.strip().splitlines()) == 1
    assert not open_ledger(db_path)["deal_events"].count

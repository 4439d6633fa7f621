"""A report made from the stored audit is refused once the ledger has changed since that
audit, whatever the change (issue "large ledgers"): otherwise its figures would be
silently wrong. One test per kind of change, each through the function the command uses."""
from datetime import date

import pytest

from promiseaudit import api, review
from promiseaudit.audit import AuditSettings
from promiseaudit.errors import LedgerError
from promiseaudit.imports import import_deals, import_deliveries
from promiseaudit.ledger import open_ledger, queries
from report_data import AS_OF, build_sample_ledger

STALE = ("The ledger has changed since the audit as of 2027-05-16 was stored (")


@pytest.fixture
def db(tmp_path):
    db = open_ledger(str(tmp_path / "ledger.db"))
    build_sample_ledger(db)
    return db


def a_promise(db, fragment="network health report"):
    return next(p for p in queries.promises(db) if fragment in p.text)


def a_record(db, deal_id="D-1001", linked=False):
    return next(d for d in queries.deliveries(db)
                if d.deal_id == deal_id and bool(d.promise_id) == linked and not d.dismissed)


def csv_file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _ingest(db, tmp_path, nlp):
    path = csv_file(tmp_path, "addendum.txt", "Addendum\n\nWe will deliver a printed user "
                    "guide to every site by 30 June 2027.\n")
    api.ingest_files(db, [path], "D-1001", nlp=nlp)


def _linked_by_hand(db):
    record, promise = a_record(db), a_promise(db, "network health report")
    api.link(db, record.id, promise.id, remember=True)
    return record


CHANGES = {
    "a new proposal": (None, lambda db, tmp, nlp: _ingest(db, tmp, nlp)),
    "a promise rejected": (None, lambda db, tmp, nlp: review.decide(
        db, a_promise(db, "Priority 1").id, "reject", "Ana")),
    "a promise edited": (None, lambda db, tmp, nlp: review.edit(
        db, a_promise(db).id, "due", "2027-06-30", "Ana")),
    "records imported": (None, lambda db, tmp, nlp: import_deliveries(db, csv_file(
        tmp, "more.csv", "deal_id,category,delivered_on,description\n"
                         "D-1001,delivery,2027-05-12,Network health report sent\n"))),
    "an import undone": (None, lambda db, tmp, nlp: api.undo_import(
        db, queries.imports(db)[-1]["id"], "Ana", "wrong file")),
    "a waiver": (None, lambda db, tmp, nlp: api.waive(
        db, a_promise(db).id, "customer agreed", "Ana", date(2027, 5, 1))),
    "a waiver revoked": (None, lambda db, tmp, nlp: api.revoke_waiver(
        db, a_promise(db, "insurance-eligibility").id, "Ana", "recorded by mistake",
        date(2027, 5, 1))),
    "a record linked": (None, lambda db, tmp, nlp: api.link(
        db, a_record(db).id, a_promise(db).id)),
    "a link removed": (_linked_by_hand, lambda db, tmp, nlp: api.unlink(
        db, next(d for d in queries.deliveries(db) if d.promise_id == a_promise(db).id).id)),
    "a rule forgotten": (_linked_by_hand, lambda db, tmp, nlp: api.forget_rule(
        db, queries.link_rules(db)[0].id, "Ana")),
    "a record dismissed": (None, lambda db, tmp, nlp: api.dismiss(
        db, a_record(db).id, "not ours")),
    "a dismissal taken back": (lambda db: api.dismiss(db, a_record(db).id, "not ours"),
                               lambda db, tmp, nlp: api.undismiss(db, next(
                                   d for d in queries.deliveries(db) if d.dismissed).id)),
    "a deal's rep changed": (None, lambda db, tmp, nlp: api.set_deal(db, "D-1001", rep="Ana")),
    "a deal's event recorded": (None, lambda db, tmp, nlp: api.set_deal_events(
        db, "D-1001", {"commissioning": date(2027, 5, 2)})),
    "a deal's date cleared": (None, lambda db, tmp, nlp: api.clear_deal_fields(
        db, "D-1001", ["go_live_on"])),
    "deals imported": (None, lambda db, tmp, nlp: import_deals(db, csv_file(
        tmp, "deals.csv", "deal_id,customer,rep\nD-1004,Northwind,Ana\n"))),
}


@pytest.mark.parametrize("kind", list(CHANGES))
def test_a_change_after_the_audit_makes_it_out_of_date(db, tmp_path, nlp, kind):
    before, change = CHANGES[kind]
    if before:
        before(db)
    api.run_audit(db, AS_OF)
    api.load_stored_audit(db, AS_OF)  # up to date
    change(db, tmp_path, nlp)
    with pytest.raises(LedgerError) as e:
        api.load_stored_audit(db, AS_OF)
    assert str(e.value).startswith(STALE)
    assert str(e.value).endswith("; run `promiseaudit audit --as-of 2027-05-16` again, or "
                                 "leave out --from-audit")
    api.run_audit(db, AS_OF)
    api.load_stored_audit(db, AS_OF)  # a new audit is up to date again


def test_what_changes_nothing_keeps_the_audit_up_to_date(db):
    api.run_audit(db, AS_OF)
    api.set_deal(db, "D-1001", rep="Dana Whitfield")  # the rep it already has
    api.run_audit(db, date(2027, 5, 9))  # another day's audit
    api.save_snapshot(db, api.load_audit_data(db, AS_OF, save=False))  # a report's snapshot
    run = api.stored_run(db, AS_OF)
    assert run["as_of"] == "2027-05-16" and run["ledger_version"] is not None


def test_a_change_while_the_audit_runs_makes_it_out_of_date(db):
    """The audit keeps the version it started from: a change made meanwhile may not be in
    its verdicts."""
    def meanwhile(part):
        if part.deal_id == "D-1002":
            api.set_deal(db, "D-1001", rep="Ana")

    api.run_audit(db, AS_OF, keep=False, on_deal=meanwhile)
    with pytest.raises(LedgerError, match="has changed since"):
        api.load_stored_audit(db, AS_OF)


def test_no_stored_audit_for_the_day(db):
    with pytest.raises(LedgerError) as e:
        api.load_stored_audit(db, date(2027, 5, 17))
    assert str(e.value) == ("No audit is stored as of 2027-05-17; run `promiseaudit audit "
                            "--as-of 2027-05-17` first (each night, say), then make the report "
                            "again, or leave out --from-audit to audit now")


@pytest.mark.parametrize("settings,confirmed_only", [
    (AuditSettings(at_risk_days=3), False), (AuditSettings(), True)])
def test_an_audit_with_other_options_is_not_taken(db, settings, confirmed_only):
    api.run_audit(db, AS_OF)
    with pytest.raises(LedgerError) as e:
        api.load_stored_audit(db, AS_OF, settings, confirmed_only=confirmed_only)
    assert str(e.value).startswith("The audit stored as of 2027-05-16 was made with other "
                                   "options than this report")
    api.run_audit(db, AS_OF, settings, confirmed_only=confirmed_only)
    assert api.load_stored_audit(db, AS_OF, settings, confirmed_only=confirmed_only).run[
        "confirmed_only"] == int(confirmed_only)


def test_audits_stored_before_the_upgrade_are_never_taken(db):
    """An audit kept by a report (or by promiseaudit before ledger version 7) has no
    version, so it cannot be checked."""
    api.save_snapshot(db, api.load_audit_data(db, AS_OF, save=False))
    with pytest.raises(LedgerError) as e:
        api.load_stored_audit(db, AS_OF)
    assert str(e.value) == ("The audit stored as of 2027-05-16 was kept by a report or by an "
                            "older promiseaudit, so it cannot be checked against the ledger; run "
                            "`promiseaudit audit --as-of 2027-05-16` first, then make the report "
                            "again")

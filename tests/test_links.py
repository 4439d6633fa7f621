"""Issue 9, "People teach it": links remembered as rules, unlink, dismiss, recorded and
undoable imports, and every match of a stored audit in the ledger's matches table."""
import hashlib
import sqlite3
from datetime import date

import pytest

from builders import make_document, make_promise
from promiseaudit import api
from promiseaudit.audit.words import description_pattern
from promiseaudit.cli import main
from promiseaudit.errors import LedgerError
from promiseaudit.imports import import_deliveries, load_mapping
from promiseaudit.ledger import open_ledger, queries, store
from promiseaudit.models import Deal

AS_OF = date(2027, 4, 10)
HEADER = "deal_id,category,delivered_on,description,quantity\n"


@pytest.fixture
def db(tmp_path):
    """A ledger file with one deal and five promises, two of them alike on purpose."""
    db = open_ledger(tmp_path / "ledger.db")
    with db.atomic():
        store.upsert_deal(db, Deal("D-1", customer="Acme", rep="Dana", signed_on=date(2027, 1, 4)))
        store.add_document(db, make_document(), "D-1", [
            make_promise("All 340 gateways will be installed by March 31, 2027.",
                         due=date(2027, 3, 31), quantity=340, unit="gateway"),
            make_promise("We will run three training sessions.", "training", quantity=3,
                         unit="session"),
            make_promise("A monthly service report will be sent to your operations team.",
                         "check_in", recurrence="monthly"),
            make_promise("We will deliver the network design document by February 15, 2027.",
                         due=date(2027, 2, 15)),
            make_promise("We will deliver the security design document by February 15, 2027.",
                         due=date(2027, 2, 15)),
        ])
    return db


def pid(db, words):
    return next(p.id for p in queries.promises(db) if words in p.text)


def csv(tmp_path, name, *rows):
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"D-1,{r}\n" for r in rows), encoding="utf-8")
    return path


def verdict(db, words, as_of=AS_OF):
    return api.run_audit(db, as_of, save=False).verdicts[pid(db, words)]


def match_of(db, delivery_id, as_of=AS_OF):
    return next(m for m in api.run_audit(db, as_of, save=False).matches
                if m.delivery_id == delivery_id)


def actions(db, entity):
    return [(c["action"], c["who"]) for c in queries.changes(db) if c["entity"] == entity]


# --- the shapes a remembered rule compares ------------------------------------------


def test_description_pattern_generalises_numbers_dates_and_ids():
    assert description_pattern("Ops pack March 2027 (NOC-114)") == "ops pack <date> <id>"
    assert description_pattern("Ops pack April 2027 (NOC-131)") == "ops pack <date> <id>"
    assert description_pattern("Training session 3 - 2027-03-04") == "training session # <date>"
    assert description_pattern("P1 incident TKT-1234 resolved") == "p1 incident <id> resolved"
    assert description_pattern("P1 incident") != description_pattern("P2 incident")


def test_export_key_ignores_dates_numbers_and_copies_in_the_file_name():
    assert store.export_key("noc-2027-03.csv") == store.export_key("NOC_April (2).json") == "noc"
    assert store.export_key("tickets 2027-03.csv", "helpdesk-tickets") == "helpdesk-tickets: tickets"
    assert store.export_key("tickets.csv", "helpdesk-tickets") != store.export_key("tickets.csv")


def test_the_matcher_applies_rules_and_never_uses_a_dismissed_record():
    from promiseaudit.audit import match_deliveries
    from promiseaudit.models import Delivery, LinkRule, Promise

    report = Promise(text="A monthly service report will be sent.", source="p.md", page=1,
                     start=0, end=10, category="check_in", recurrence="monthly", id="PR",
                     deal_id="D-1")
    rule = LinkRule(id=3, promise_id="PR", deal_id="D-1", export_key="noc", category="check_in",
                    pattern="ops pack <date> <id>", learned_from=12, by="ana", on=date(2026, 11, 2))
    april = Delivery("D-1", "check_in", date(2027, 4, 30), "Ops pack April 2027 (NOC-131)",
                     id=20, export_key="noc")
    elsewhere = Delivery("D-1", "check_in", date(2027, 4, 30), "Ops pack April 2027 (NOC-131)",
                         id=21, export_key="crm")
    sent = Delivery("D-1", "check_in", date(2027, 4, 30), "Monthly service report sent", id=22,
                    dismissed="by bo on 2027-05-01: sent to the wrong customer")
    got = match_deliveries([report], [april, elsewhere, sent], rules=[rule])
    assert [(m.kind, m.promise_id) for m in got] == [("rule", "PR"), ("unmatched", None),
                                                      ("dismissed", None)]
    assert got[0].reason == "linked like delivery 12 (rule 3, remembered by ana on 2026-11-02)"
    assert got[2].reason == "dismissed by bo on 2027-05-01: sent to the wrong customer"
    # Without the dismissal the same record is matched automatically.
    (auto,) = match_deliveries([report], [Delivery("D-1", "check_in", date(2027, 4, 30),
                                                   "Monthly service report sent", id=22)])
    assert (auto.kind, auto.promise_id) == ("auto", "PR")


# --- imports are recorded and can be undone -------------------------------------------


def test_each_import_is_recorded_with_fingerprint_mapping_who_and_counts(db, tmp_path):
    path = csv(tmp_path, "deliveries.csv", "training,2027-01-20,Training session 1,",
               "training,2027-02-20,Training session 2,")
    counts = import_deliveries(db, path, who="ana")
    assert {k: counts[k] for k in ("imported", "skipped", "duplicates")} == {"imported": 2, "skipped": 0, "duplicates": 0}
    (imp,) = queries.imports(db)
    assert imp["id"] == counts.import_id
    assert (imp["file_name"], imp["sha256"], imp["mapping"], imp["imported_by"]) == (
        "deliveries.csv", hashlib.sha256(path.read_bytes()).hexdigest(), "canonical", "ana")
    assert (imp["records"], imp["duplicates"], imp["skipped"], imp["undone_at"]) == (2, 0, 0, None)
    assert {d.import_id for d in queries.deliveries(db)} == {imp["id"]}
    again = import_deliveries(db, path, who="ana")
    assert {k: again[k] for k in ("imported", "skipped", "duplicates")} == {"imported": 0, "skipped": 0, "duplicates": 2}
    assert queries.imports(db)[-1]["duplicates"] == 2
    assert actions(db, "import") == [("import", "ana"), ("import", "ana")]


def test_undo_stops_an_import_counting_keeps_its_records_and_is_listed(db, tmp_path):
    path = csv(tmp_path, "deliveries.csv", "training,2027-01-20,Training session 1,",
               "training,2027-02-20,Training session 2,", "training,2027-03-01,Training session 3,")
    import_id = import_deliveries(db, path, who="ana").import_id
    assert verdict(db, "training").status == "kept"
    out = api.undo_import(db, import_id, "bo", "wrong month")
    assert (out.records, out.linked, out.dismissed, out.rules) == (3, 0, 0, [])
    assert verdict(db, "training").status != "kept"
    assert queries.deliveries(db) == []
    assert len(queries.deliveries(db, include_undone=True)) == 3
    assert db["deliveries"].count == 3  # nothing deleted
    imp = queries.get_import(db, import_id)
    assert (imp["undone_by"], imp["undone_reason"]) == ("bo", "wrong month") and imp["undone_at"]
    assert db.execute("pragma foreign_key_check").fetchall() == []
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert actions(db, "import")[-1] == ("undo", "bo")
    with pytest.raises(LedgerError, match="already undone by bo"):
        api.undo_import(db, import_id, "bo")
    with pytest.raises(LedgerError, match="No import 99 in the ledger"):
        api.undo_import(db, 99, "bo")
    # A record of an undone import can no longer be linked or dismissed.
    record = queries.deliveries(db, include_undone=True)[0].id
    with pytest.raises(LedgerError, match=f"came with import {import_id}.*undone"):
        api.link(db, record, pid(db, "training"), "ana")
    with pytest.raises(LedgerError, match="undone"):
        api.dismiss(db, record, "test", "ana")


def test_the_same_file_can_be_imported_again_after_an_undo(db, tmp_path):
    path = csv(tmp_path, "deliveries.csv", "training,2027-01-20,Training session 1,",
               "training,2027-02-20,Training session 2,", "training,2027-03-01,Training session 3,")
    first = import_deliveries(db, path, who="ana").import_id
    api.undo_import(db, first, "ana")
    again = import_deliveries(db, path, who="ana")
    assert {k: again[k] for k in ("imported", "skipped", "duplicates")} == {"imported": 3, "skipped": 0, "duplicates": 0}
    assert again.import_id != first
    assert {d.import_id for d in queries.deliveries(db)} == {again.import_id}
    assert verdict(db, "training").status == "kept"
    assert [i["undone_at"] is not None for i in queries.imports(db)] == [True, False]


def test_undo_reports_links_dismissals_and_rules_on_its_records(db, tmp_path):
    import_id = import_deliveries(db, csv(tmp_path, "noc-2027-03.csv",
                                          "check_in,2027-03-31,Ops pack March 2027 (NOC-114),",
                                          "check_in,2027-03-31,Internal test record,"),
                                  who="ana").import_id
    pack, test = [d.id for d in queries.deliveries(db)]
    api.link(db, pack, pid(db, "monthly service report"), "ana", remember=True)
    api.dismiss(db, test, "internal test", "ana")
    out = api.undo_import(db, import_id, "ana")
    assert (out.records, out.linked, out.dismissed, out.rules) == (2, 1, 1, [1])
    # The rule is about the shape of records, so a corrected re-import is linked by it.
    api.undo_import(db, import_deliveries(db, csv(tmp_path, "noc-2027-03.csv",
                    "check_in,2027-03-31,Ops pack March 2027 (NOC-114),"), who="ana").import_id, "ana")
    later = import_deliveries(db, csv(tmp_path, "noc-2027-04.csv",
                              "check_in,2027-04-30,Ops pack April 2027 (NOC-131),"), who="ana")
    (record,) = queries.deliveries(db)
    assert record.import_id == later.import_id
    assert match_of(db, record.id, date(2027, 5, 5)).kind == "rule"


# --- dismissed records -------------------------------------------------------------------


def test_a_dismissed_record_never_counts_toward_a_promise(db, tmp_path):
    import_deliveries(db, csv(tmp_path, "d.csv", "delivery,2027-03-20,All 340 gateways installed,340"))
    (record,) = queries.deliveries(db)
    assert verdict(db, "gateways").status == "kept"
    api.dismiss(db, record.id, "installed for another customer", "bo")
    v = verdict(db, "gateways")
    assert v.status == "broken" and v.evidence == ()
    m = match_of(db, record.id)
    assert (m.kind, m.promise_id) == ("dismissed", None)
    assert "installed for another customer" in m.reason and "by bo on" in m.reason
    assert api.unmatched(db) == []
    (listed,) = queries.deliveries(db)
    assert listed.dismissed.startswith("by bo on ") and listed.dismissed.endswith(
        ": installed for another customer")
    with pytest.raises(LedgerError, match="already dismissed"):
        api.dismiss(db, record.id, "again", "bo")
    api.undismiss(db, record.id, "bo")
    assert verdict(db, "gateways").status == "kept"
    assert queries.get_delivery(db, record.id).dismissed is None
    with pytest.raises(LedgerError, match="not dismissed"):
        api.undismiss(db, record.id, "bo")
    assert actions(db, "delivery") == [("dismiss", "bo"), ("undismiss", "bo")]


def test_dismiss_needs_a_reason_and_an_unlinked_record(db, tmp_path):
    import_deliveries(db, csv(tmp_path, "d.csv", "delivery,2027-03-20,All 340 gateways installed,340"))
    (record,) = queries.deliveries(db)
    with pytest.raises(LedgerError, match="--reason"):
        api.dismiss(db, record.id, "  ", "bo")
    api.link(db, record.id, pid(db, "gateways"), "bo")
    with pytest.raises(LedgerError, match=f"unlink it first with `promiseaudit unlink {record.id}`"):
        api.dismiss(db, record.id, "duplicate", "bo")


# --- links, unlink, remembered rules ---------------------------------------------------


def test_unlink_puts_a_record_back_to_automatic_matching(db, tmp_path):
    import_deliveries(db, csv(tmp_path, "d.csv", "delivery,2027-03-20,All 340 gateways installed,340"))
    (record,) = queries.deliveries(db)
    api.link(db, record.id, pid(db, "network design"), "ana")
    m = match_of(db, record.id)
    assert (m.kind, m.promise_id) == ("manual", pid(db, "network design"))
    assert verdict(db, "gateways").status == "broken"
    out = api.unlink(db, record.id, "ana")
    assert (out.promise_id, out.forgotten_rules) == (pid(db, "network design"), [])
    assert queries.get_delivery(db, record.id).promise_id is None
    m = match_of(db, record.id)
    assert (m.kind, m.promise_id) == ("auto", pid(db, "gateways"))
    assert verdict(db, "gateways").status == "kept"
    assert [a for a in actions(db, "delivery")] == [("link", "ana"), ("unlink", "ana")]
    with pytest.raises(LedgerError, match="not linked to a promise by hand"):
        api.unlink(db, record.id, "ana")


def test_remember_links_a_later_import_of_the_same_shape(db, tmp_path):
    import_deliveries(db, csv(tmp_path, "noc-2027-03.csv",
                              "check_in,2027-03-31,Ops pack March 2027 (NOC-114),"), who="ana")
    (first,) = queries.deliveries(db)
    report = pid(db, "monthly service report")
    assert match_of(db, first.id).kind == "unmatched"
    out = api.link(db, first.id, report, "ana", remember=True)
    assert (out.rule_id, out.export_key, out.pattern) == (1, "noc", "ops pack <date> <id>")
    import_deliveries(db, csv(tmp_path, "noc-2027-04.csv",
                              "check_in,2027-04-30,Ops pack April 2027 (NOC-131),",
                              "check_in,2027-04-30,Quarterly roadmap call,"), who="ana")
    import_deliveries(db, csv(tmp_path, "crm.csv", "check_in,2027-04-29,Ops pack April 2027 (NOC-130),"))
    _, april, other_shape, other_export = queries.deliveries(db)
    outcome = api.run_audit(db, date(2027, 5, 5), save=False)
    by_id = {m.delivery_id: m for m in outcome.matches}
    today = date.today().isoformat()
    assert by_id[april.id].kind == "rule" and by_id[april.id].promise_id == report
    assert by_id[april.id].rule_id == 1
    assert by_id[april.id].reason == (
        f"linked like delivery {first.id} (rule 1, remembered by ana on {today})")
    assert by_id[other_shape.id].promise_id is None
    assert by_id[other_export.id].promise_id is None
    evidence = {e.delivery_id: e.link for e in outcome.verdicts[report].evidence}
    assert evidence[first.id] == "explicit" and evidence[april.id].startswith("rule: linked like")
    # Remembering the same shape again reuses the rule; for another promise it is refused.
    assert api.link(db, first.id, report, "ana", remember=True).rule_existed
    with pytest.raises(LedgerError, match="Rule 1 already sends records like this"):
        api.link(db, april.id, pid(db, "training"), "ana", remember=True)
    assert queries.get_delivery(db, april.id).promise_id is None  # all or nothing
    assert actions(db, "rule") == [("remember", "ana")]


def test_forgetting_a_rule_and_unlinking_its_source(db, tmp_path):
    import_deliveries(db, csv(tmp_path, "noc-2027-03.csv",
                              "check_in,2027-03-31,Ops pack March 2027 (NOC-114),"))
    import_deliveries(db, csv(tmp_path, "noc-2027-04.csv",
                              "check_in,2027-04-30,Ops pack April 2027 (NOC-131),"))
    first, april = queries.deliveries(db)
    report = pid(db, "monthly service report")
    rule = api.link(db, first.id, report, "ana", remember=True).rule_id
    with pytest.raises(LedgerError, match=f"remembered rule {rule} sends it to promise {report}"):
        api.unlink(db, april.id, "ana")
    api.forget_rule(db, rule, "bo", "too broad")
    assert match_of(db, april.id, date(2027, 5, 5)).kind == "unmatched"
    assert queries.link_rules(db) == []
    (row,) = queries.link_rule_rows(db, include_forgotten=True)
    assert (row["forgotten_by"], row["forgotten_reason"]) == ("bo", "too broad")
    with pytest.raises(LedgerError, match="already forgotten by bo"):
        api.forget_rule(db, rule, "bo")
    with pytest.raises(LedgerError, match="No remembered rule 9"):
        api.forget_rule(db, 9, "bo")
    # Unlinking the record a rule was learned from forgets that rule too.
    rule = api.link(db, april.id, report, "ana", remember=True).rule_id
    assert api.unlink(db, april.id, "ana").forgotten_rules == [rule]
    assert queries.link_rules(db) == []
    assert actions(db, "rule") == [("remember", "ana"), ("forget", "bo"), ("remember", "ana"),
                                   ("forget", "ana")]


# --- the matches table -----------------------------------------------------------------


def test_a_stored_audit_keeps_one_match_row_per_record_with_its_kind(db, tmp_path):
    import_deliveries(db, csv(tmp_path, "noc-2027-03.csv",
                              "check_in,2027-03-31,Ops pack March 2027 (NOC-114),"))
    import_deliveries(db, csv(tmp_path, "noc-2027-04.csv",
                              "check_in,2027-04-30,Ops pack April 2027 (NOC-131),",
                              "delivery,2027-03-20,All 340 gateways installed,340",
                              "delivery,2027-02-10,Design document delivered,",
                              "training,2027-01-20,Training session 1,",
                              "delivery,2027-02-01,Kickoff pack sent,"))
    march, april, gateways, design, training, kickoff = [d.id for d in queries.deliveries(db)]
    api.link(db, march, pid(db, "monthly service report"), "ana", remember=True)
    api.link(db, training, pid(db, "training"), "ana")
    api.dismiss(db, kickoff, "sent before the deal", "ana")
    run_id = api.run_audit(db, date(2027, 5, 5)).run_id
    rows = {r["delivery_id"]: r for r in queries.matches(db, run_id)}
    assert len(queries.matches(db, run_id)) == 6
    kinds = {k: rows[v]["kind"] for k, v in [("march", march), ("april", april),
             ("gateways", gateways), ("design", design), ("training", training),
             ("kickoff", kickoff)]}
    assert kinds == {"march": "manual", "april": "rule", "gateways": "auto",
                     "design": "ambiguous", "training": "manual", "kickoff": "dismissed"}
    assert rows[april]["rule_id"] == 1 and rows[april]["score"] == 1.0
    assert rows[gateways]["promise_id"] == pid(db, "gateways") and 0 < rows[gateways]["score"] < 1
    assert rows[design]["promise_id"] is None
    assert set(rows[design]["candidates"].split(", ")) == {pid(db, "network design"),
                                                           pid(db, "security design")}
    assert "fit about equally well" in rows[design]["reason"]
    assert rows[kickoff]["promise_id"] is None and "sent before the deal" in rows[kickoff]["reason"]
    # A report's snapshot stores them too.
    data = api.load_audit_data(db, date(2027, 5, 5), save=False)
    run2 = api.save_snapshot(db, data)
    assert [r["kind"] for r in queries.matches(db, run2)] == [
        rows[i]["kind"] for i in sorted(rows)]


def test_a_go_live_record_is_not_stored_as_a_match_of_a_real_record(db, tmp_path):
    with db.atomic():
        store.add_document(db, make_document(sha="c" * 64), "D-1", [make_promise(
            "Go-live will take place no later than April 15, 2027.", names_go_live=True,
            due=date(2027, 4, 15))])
    api.set_deal(db, "D-1", go_live_on=date(2027, 4, 12))
    import_deliveries(db, csv(tmp_path, "d.csv", "delivery,2027-03-20,All 340 gateways installed,340"))
    outcome = api.run_audit(db, date(2027, 5, 5))
    rows = queries.matches(db, outcome.run_id)
    assert [(r["delivery_id"], r["kind"]) for r in rows] == [(1, "auto")]
    assert outcome.verdicts[pid(db, "Go-live")].evidence[0].description == (
        "Go-live date recorded for the deal")


# --- the command line ------------------------------------------------------------------


def run(runner, db_path, *args):
    return runner.invoke(main, ["--db", str(db_path), *map(str, args)])


def test_commands_teach_undo_and_list(db, tmp_path, runner):
    path = tmp_path / "ledger.db"
    ok = lambda *a: _ok(run(runner, path, *a))  # noqa: E731
    march = csv(tmp_path, "noc-2027-03.csv", "check_in,2027-03-31,Ops pack March 2027 (NOC-114),",
                "delivery,2027-02-01,Kickoff pack sent,")
    assert "imported (import 1)" in ok("deliveries", "import", march, "--by", "ana")
    report = pid(db, "monthly service report")
    out = ok("link", 1, report, "--remember", "--by", "ana")
    assert out == (f"Delivery 1 now counts toward promise {report}\n"
                   f"Remembered as rule 1: records from 'noc' like 'ops pack <date> <id>' go to "
                   f"promise {report}\n")
    assert "Rule 1: records of deal D-1 from 'noc' (check_in) like 'ops pack <date> <id>'" in ok("rules")
    assert ok("dismiss", 2, "--reason", "sent before the deal", "--by", "bo") == (
        "Delivery 2 dismissed: sent before the deal\n")
    listed = ok("deliveries", "list")
    assert f"-> {report}" in listed and "[dismissed by bo on " in listed
    assert "sent before the deal]" in listed
    ok("deliveries", "import", csv(tmp_path, "noc-2027-04.csv",
                                   "check_in,2027-04-30,Ops pack April 2027 (NOC-131),"))
    assert "linked like delivery 1 (rule 1, remembered by ana on" in ok(
        "audit", "--as-of", "2027-05-05", "--json")
    out = ok("deliveries", "undo", 1, "--reason", "wrong file", "--by", "bo")
    assert out.startswith("Import 1 (noc-2027-03.csv) undone: its 2 record(s) no longer count\n")
    assert "rules forget 1" in out
    imports = ok("deliveries", "imports")
    assert "noc-2027-03.csv: 2 imported" in imports and "UNDONE by bo on" in imports
    assert "wrong file" in imports
    assert "Ops pack March" not in ok("deliveries", "list")
    assert "[import 1 undone]" in ok("deliveries", "list", "--all")
    assert ok("rules", "forget", 1, "--by", "bo").startswith("Rule 1 forgotten")
    assert "forgotten by bo on" in ok("rules", "--all")
    assert ok("rules").startswith("No remembered links")
    history = ok("history")
    for action in ("import", "link", "remember", "dismiss", "undo", "forget"):
        assert f" {action} " in history


def _ok(result):
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("args,message", [
    (["link", "999", "PX"], "No delivery record 999 in the ledger"),
    (["link", "1", "PX"], "No promise 'PX' in the ledger"),
    (["unlink", "999"], "No delivery record 999 in the ledger"),
    (["unlink", "1"], "Delivery 1 is not linked to a promise by hand"),
    (["dismiss", "999", "--reason", "x"], "No delivery record 999 in the ledger"),
    (["dismiss", "1", "--undo"], "Delivery 1 is not dismissed"),
    (["deliveries", "undo", "999"], "No import 999 in the ledger"),
    (["rules", "forget", "999"], "No remembered rule 999 in the ledger"),
])
def test_bad_ids_are_one_line_errors_with_exit_code_1(db, tmp_path, runner, args, message):
    import_deliveries(db, csv(tmp_path, "d.csv", "delivery,2027-02-01,Kickoff pack sent,"))
    r = run(runner, tmp_path / "ledger.db", *args)
    assert r.exit_code == 1, r.output
    assert r.stderr.startswith(f"Error: {message}") and r.stderr.count("\n") == 1


def test_dismiss_without_a_reason_is_a_usage_error(db, tmp_path, runner):
    r = run(runner, tmp_path / "ledger.db", "dismiss", "1")
    assert r.exit_code == 2 and "--reason" in r.stderr

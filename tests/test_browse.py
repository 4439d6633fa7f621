"""Issue 10, "The ledger in Datasette": the views a person opens first, metadata generated
from code, and ``promiseaudit browse`` serving a read-only snapshot."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date

import pytest

from builders import make_document, make_promise
from promiseaudit import api, browse
from promiseaudit.cli import main
from promiseaudit.imports import import_deliveries
from promiseaudit.ledger import open_ledger, queries, store
from promiseaudit.models import Deal

AS_OF = date(2027, 4, 10)
GATEWAYS = "All 340 gateways will be installed by March 31, 2027."
NETWORK = "We will deliver the network design document by February 15, 2027."
SECURITY = "We will deliver the security design document by February 15, 2027."
TRAINING = "We will run three training sessions."
HANDOVER = "We will hand over the runbook by June 30, 2027."
LATER = "We will send a monthly service report."


def build_ledger(path, tmp_path):
    """Two deals: D-1 has one promise kept, one late, one broken and one open (kept rate
    1/3); D-2 one pending promise and one stored after the audit. A dismissed record and
    a record of an undone import."""
    db = open_ledger(path)
    with db.atomic():
        store.upsert_deal(db, Deal("D-1", customer="Acme Freight", rep="Dana",
                                   signed_on=date(2027, 1, 4)))
        store.upsert_deal(db, Deal("D-2", customer="Beta Dental", rep="Marco",
                                   signed_on=date(2027, 2, 1)))
        store.add_document(db, make_document("acme.md"), "D-1", [
            make_promise(GATEWAYS, due=date(2027, 3, 31), quantity=340, unit="gateway"),
            make_promise(NETWORK, due=date(2027, 2, 15)),
            make_promise(SECURITY, due=date(2027, 2, 15)),
            make_promise(TRAINING, "training", quantity=3, unit="session"),
        ])
        store.add_document(db, make_document("beta.md", sha="b" * 64), "D-2", [
            make_promise(HANDOVER, due=date(2027, 6, 30))])
    ids = {p.text: p.id for p in queries.promises(db)}
    records = tmp_path / "deliveries.csv"
    records.write_text(
        "deal_id,category,delivered_on,description,quantity,promise_id\n"
        f"D-1,delivery,2027-03-20,Gateways installed,340,{ids[GATEWAYS]}\n"
        f"D-1,delivery,2027-02-20,Network design document sent,,{ids[NETWORK]}\n"
        "D-1,support,2027-03-02,Internal test ticket,,\n", encoding="utf-8")
    import_deliveries(db, records, who="dana")
    wrong = tmp_path / "wrong-month.csv"
    wrong.write_text("deal_id,category,delivered_on,description,quantity\n"
                     "D-1,delivery,2027-03-25,Security design document sent,\n",
                     encoding="utf-8")
    import_deliveries(db, wrong, who="dana")
    api.dismiss(db, 3, "internal test ticket", "dana")
    api.undo_import(db, 2, "dana", "wrong customer")
    api.run_audit(db, AS_OF)
    with db.atomic():
        store.add_document(db, make_document("beta-v2.md", sha="c" * 64), "D-2", [
            make_promise(HANDOVER, due=date(2027, 6, 30)), make_promise(LATER, "check_in")])
    return db, {p.text: p.id for p in queries.promises(db)}


@pytest.fixture
def ledger(tmp_path):
    path = tmp_path / "ledger.db"
    db, ids = build_ledger(path, tmp_path)
    return path, db, ids


def rows(db, view, **where):
    sql = f"select * from {view}"
    if where:
        sql += " where " + " and ".join(f"{k} = ?" for k in where)
    cursor = db.execute(sql, list(where.values()))
    cols = [c[0] for c in cursor.description]
    return [dict(zip(cols, r)) for r in cursor]


# --- the views ----------------------------------------------------------------------


def test_promise_register_shows_each_promise_with_its_latest_status(ledger):
    _, db, ids = ledger
    by_quote = {r["quote"]: r for r in rows(db, "promise_register")}
    assert {q: r["status"] for q, r in by_quote.items()} == {
        GATEWAYS: "kept", NETWORK: "late", SECURITY: "broken", TRAINING: "open",
        HANDOVER: "pending", LATER: "not audited yet"}
    kept = by_quote[GATEWAYS]
    assert (kept["promise_id"], kept["deal_id"], kept["customer"], kept["rep"], kept["category"],
            kept["proposal"], kept["page"], kept["due"]) == (
        ids[GATEWAYS], "D-1", "Acme Freight", "Dana", "delivery", "acme.md", 1, "2027-03-31")
    assert kept["evidence_count"] == 1 and kept["reason"] and kept["audited_as_of"] == "2027-04-10"
    assert by_quote[NETWORK]["days_late"] == 5
    assert by_quote[SECURITY]["evidence_count"] == 0
    assert by_quote[LATER]["reason"] is None and by_quote[LATER]["audit_run"] is None


def test_views_follow_the_latest_stored_audit(ledger):
    _, db, ids = ledger
    api.run_audit(db, date(2027, 2, 10))  # stored last, so it is the latest
    (r,) = rows(db, "promise_register", promise_id=ids[SECURITY])
    assert (r["status"], r["audited_as_of"]) == ("at_risk", "2027-02-10")
    (d1,) = rows(db, "deal_summary", deal_id="D-1")
    assert d1["kept_rate"] is None  # nothing had fallen due yet


def test_deal_summary_counts_statuses_and_the_kept_rate(ledger):
    _, db, _ = ledger
    d1, d2 = rows(db, "deal_summary")
    assert {k: d1[k] for k in ("deal_id", "customer", "rep", "promises", "kept", "late",
                               "broken", "open", "pending", "not_audited", "kept_rate")} == {
        "deal_id": "D-1", "customer": "Acme Freight", "rep": "Dana", "promises": 4, "kept": 1,
        "late": 1, "broken": 1, "open": 1, "pending": 0, "not_audited": 0, "kept_rate": 33.3}
    assert (d2["deal_id"], d2["promises"], d2["pending"], d2["not_audited"], d2["kept_rate"]) == (
        "D-2", 2, 1, 1, None)


def test_delivery_records_show_what_each_record_counted_toward(ledger):
    _, db, ids = ledger
    by_id = {r["record"]: r for r in rows(db, "delivery_records")}
    assert set(by_id) == {1, 2, 3, 4}
    assert (by_id[1]["counts_toward"], by_id[1]["promise_quote"], by_id[1]["match_kind"],
            by_id[1]["customer"]) == (ids[GATEWAYS], GATEWAYS, "manual", "Acme Freight")
    assert by_id[1]["score"] == 1.0 and by_id[1]["match_reason"]
    assert by_id[3]["match_kind"] == "dismissed" and by_id[3]["counts_toward"] is None
    assert by_id[3]["dismissed"].startswith("by dana on ")
    assert by_id[3]["dismissed"].endswith(": internal test ticket")
    assert by_id[4]["match_kind"] == "import undone" and by_id[4]["counts_toward"] is None
    assert by_id[4]["import_undone"].startswith("import 2 undone by dana on ")
    assert by_id[4]["import_undone"].endswith(": wrong customer")
    assert by_id[1]["dismissed"] is None and by_id[1]["import_undone"] is None


def test_latest_matches_are_the_latest_runs(ledger):
    _, db, ids = ledger
    api.run_audit(db, AS_OF)
    latest = rows(db, "latest_matches")
    run = db.execute("select max(id) from audit_runs").fetchone()[0]
    assert len(latest) == len(queries.matches(db, run)) == 3  # the undone record is not matched
    assert {r["record"]: r["match_kind"] for r in latest} == {1: "manual", 2: "manual", 3: "dismissed"}
    assert {r["audited_as_of"] for r in latest} == {"2027-04-10"}


def test_views_of_a_ledger_never_audited(db_path):
    db = open_ledger(db_path)
    with db.atomic():
        store.upsert_deal(db, Deal("D-9", customer="Gamma"))
        store.add_document(db, make_document(), "D-9", [make_promise(TRAINING, "training")])
    assert [r["status"] for r in rows(db, "promise_register")] == ["not audited yet"]
    (d,) = rows(db, "deal_summary")
    assert (d["promises"], d["not_audited"], d["kept"], d["kept_rate"]) == (1, 1, 0, None)
    assert rows(db, "latest_matches") == [] and rows(db, "delivery_records") == []


# --- metadata generated from code -------------------------------------------------------


def test_every_table_view_and_column_is_described(fresh_db):
    db = fresh_db
    names = db.table_names() + db.view_names()
    assert set(names) == set(browse.TABLES), "describe new tables in promiseaudit/browse.py"
    for name in names:
        info = browse.TABLES[name]
        assert info["description"].strip(), name
        columns = [c.name for c in db[name].columns]
        assert set(columns) == set(info["columns"]), f"{name}: columns and descriptions differ"
        assert all(d.strip() for d in info["columns"].values()), name
    assert set(browse.VIEWS) == set(db.view_names())


def test_metadata_has_title_labels_units_and_hides_internal_tables():
    meta = browse.metadata()
    assert meta["title"] and "promise_register" in meta["description"]
    tables = meta["databases"][browse.DATABASE]["tables"]
    assert tables["deals"]["label_column"] == "customer"
    assert tables["promises"]["label_column"] == "quote"
    assert tables["_sqlite_migrations"]["hidden"] is True
    assert not any(t.get("hidden") for n, t in tables.items() if n != "_sqlite_migrations")
    assert tables["deal_summary"]["units"] == {"kept_rate": "percent"}
    for name, t in tables.items():
        for column in list(t.get("units", {})) + t.get("facets", []) + [t.get("label_column")]:
            assert column is None or column in t["columns"], (name, column)
    tables["deals"]["label_column"] = "rep"
    assert browse.TABLES["deals"]["label_column"] == "customer"  # a copy each time


# --- the command --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, json.loads(r.read())


def wait_until_up(base, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"browse exited early: {process.communicate()}")
        try:
            return get(base + "/-/versions.json")[1]
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError("browse did not start serving in time")


def refused(url, data=None):
    """The HTTP status of a request that must fail."""
    try:
        urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=10)
    except urllib.error.HTTPError as e:
        return e.code
    raise AssertionError(f"{url} was accepted")


def test_browse_serves_the_views_read_only(ledger, tmp_path):
    pytest.importorskip("datasette")
    path, db, ids = ledger
    db.close()
    before = path.read_bytes()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp))
    process = subprocess.Popen(
        [sys.executable, "-m", "promiseaudit", "--db", str(path), "browse", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        versions = wait_until_up(base, process)
        assert versions["datasette"]["version"]
        assert [p.name for p in tmp.iterdir()]  # it serves a snapshot, not the ledger
        ledger_url = f"{base}/{browse.DATABASE}"
        _, register = get(f"{ledger_url}/promise_register.json?_shape=array&promise_id="
                          + ids[GATEWAYS])
        assert [(r["quote"], r["status"], r["customer"]) for r in register] == [
            (GATEWAYS, "kept", "Acme Freight")]
        _, never = get(f"{ledger_url}/promise_register.json?_shape=array&status="
                       + urllib.parse.quote("not audited yet"))
        assert [r["quote"] for r in never] == [LATER]
        _, summary = get(f"{ledger_url}/deal_summary.json?_shape=array")
        assert {r["deal_id"]: r["kept_rate"] for r in summary} == {"D-1": 33.3, "D-2": None}
        _, records = get(f"{ledger_url}/delivery_records.json?_shape=array&record=4")
        assert records[0]["match_kind"] == "import undone"
        _, labelled = get(f"{ledger_url}/documents.json?_shape=array&_labels=on&name=acme.md")
        assert labelled[0]["deal_id"] == {"value": "D-1", "label": "Acme Freight"}
        _, meta = get(f"{base}/-/metadata.json")
        assert meta["title"] == browse.TITLE
        _, tables = get(f"{ledger_url}.json")
        hidden = {t["name"] for t in tables["tables"] if t["hidden"]}
        assert hidden == {"_sqlite_migrations"}
        assert {"promise_register", "deal_summary", "delivery_records", "latest_matches"} <= {
            v["name"] for v in tables["views"]}
        # Writes are refused, whichever way they are tried.
        update = urllib.parse.quote("update deals set customer = 'Hacked' where deal_id = 'D-1'")
        assert refused(f"{ledger_url}.json?sql={update}") == 400
        assert refused(f"{ledger_url}/deals/-/insert",  # the write API of Datasette 1.0
                       json.dumps({"row": {"deal_id": "D-3"}}).encode()) == 404
        # Datasette 0.65 answers a POST to a table with an error ("You may only POST to a
        # canned query"); there are no canned queries.
        assert refused(f"{ledger_url}/deals", b"deal_id=D-3") >= 400
        _, deals = get(f"{ledger_url}/deals.json?_shape=array")
        assert [(d["deal_id"], d["customer"]) for d in deals] == [
            ("D-1", "Acme Freight"), ("D-2", "Beta Dental")]
    finally:
        process.terminate()
        try:
            out, err = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
    assert f"at {base}/ledger" in out and "/ledger/promise_register" in out, (out, err)
    assert "Stopped." in out, (out, err)
    assert list(tmp.iterdir()) == []  # the snapshot is removed when the server stops
    assert path.read_bytes() == before
    assert open_ledger(path)["deals"].get("D-1")["customer"] == "Acme Freight"


def test_browse_without_datasette_says_how_to_install_it(ledger, runner, monkeypatch):
    path, _, _ = ledger
    monkeypatch.setitem(sys.modules, "datasette.app", None)  # import fails as if not installed
    r = runner.invoke(main, ["--db", str(path), "browse", "--port", str(free_port())])
    assert r.exit_code == 1
    assert r.stderr == ("Error: Browsing the ledger needs Datasette; install it with "
                        "pip install 'promiseaudit[browse]'\n")


def test_browse_on_a_port_in_use_is_a_clear_error(ledger, runner):
    pytest.importorskip("datasette")
    path, _, _ = ledger
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        r = runner.invoke(main, ["--db", str(path), "browse", "--port", str(port)])
    assert r.exit_code == 1
    assert r.stderr == (f"Error: Port {port} on 127.0.0.1 is already in use (is browse already "
                        "running?); choose another with --port N\n")


def test_browse_without_a_ledger_creates_none(tmp_path, runner):
    path = tmp_path / "none.db"
    r = runner.invoke(main, ["--db", str(path), "browse"])
    assert r.exit_code == 1 and "No ledger at" in r.stderr
    assert not path.exists()

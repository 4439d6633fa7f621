"""Exports: the CSV register and its round trip through `deliveries import`, JSON, ics."""
import csv
import io
import json
from dataclasses import replace
from datetime import date, datetime

import icalendar
import pytest

from promiseaudit.export import (
    FILL_IN_COLUMNS,
    REGISTER_COLUMNS,
    export_csv,
    export_ics,
    export_json,
)
from promiseaudit.imports import DELIVERY_COLUMNS, DELIVERY_OPTIONAL
from report_data import AS_OF, promise_by_text, sample_audit_data, synthetic_audit_data


@pytest.fixture(scope="module")
def data():
    return sample_audit_data()


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


# --- CSV register ---------------------------------------------------------------------


def test_register_columns_and_rows(data):
    text = export_csv(data)
    header = next(csv.reader(io.StringIO(text)))
    assert tuple(header) == REGISTER_COLUMNS
    rows = read_csv(text)
    assert len(rows) == len(data.promises) == 26
    p = promise_by_text(data, "Priority 1 incidents")
    row = next(r for r in rows if r["promise_id"] == p.id)
    assert row["promise"] == p.text  # the quote, word for word
    assert (row["deal_id"], row["customer"], row["rep"], row["category"]) == (
        "D-1001", "Harbor Logistics", "Dana Whitfield", "support")
    assert (row["source"], row["page"], row["due"]) == ("harbor-sla-schedule.pdf", "3", "")
    assert (row["status"], row["review_state"]) == ("Broken", "Confirmed")
    assert all(row[c] == "" for c in FILL_IN_COLUMNS)
    health = next(r for r in rows if "health report" in r["promise"])
    assert health["due"] == "2027-05-06"
    candidate = next(r for r in rows if "Window cleaning" in r["promise"])
    assert candidate["review_state"] == "Not yet reviewed"


def test_register_holds_every_canonical_delivery_column():
    """So a filled register imports without a mapping."""
    assert set(DELIVERY_COLUMNS) <= set(REGISTER_COLUMNS)
    assert "promise_id" in DELIVERY_OPTIONAL and "promise_id" in REGISTER_COLUMNS


def test_register_leaves_out_rejected_promises(data):
    p = promise_by_text(data, "Window cleaning")
    promises = tuple(q.with_(review_state="rejected") if q.id == p.id else q for q in data.promises)
    rows = read_csv(export_csv(replace(data, promises=promises)))
    assert p.id not in {r["promise_id"] for r in rows}


def test_register_quotes_awkward_text(data):
    p = promise_by_text(data, "health report")
    text = 'Report "A", then B;\nsecond line, with commas'
    promises = tuple(q.with_(text=text) if q.id == p.id else q for q in data.promises)
    rows = read_csv(export_csv(replace(data, promises=promises)))
    assert next(r for r in rows if r["promise_id"] == p.id)["promise"] == text


def test_filled_register_imports_as_linked_deliveries(seeded_db, tmp_path):
    """The round trip: export, fill in, import with `deliveries import` (no mapping)."""
    from promiseaudit.api import load_audit_data
    from promiseaudit.imports import import_deliveries
    from promiseaudit.ledger import queries

    db = seeded_db
    data = load_audit_data(db, date(2027, 4, 15), save=False)
    rows = read_csv(export_csv(data))
    assert len(rows) == 3
    gateways = next(r for r in rows if "gateways" in r["promise"])
    training = next(r for r in rows if "training" in r["promise"])
    gateways.update(delivered_on="2027-03-20", quantity="300", reference="PSA-1",
                    description="Gateways installed, batch 1")
    second = dict(gateways, delivered_on="2027-03-28", quantity="40", reference="PSA-2",
                  description="Gateways installed, batch 2")
    training.update(delivered_on="2027-02-01", quantity="3", description="Training done")
    untouched = next(r for r in rows if r is not gateways and r is not training)
    # The row nobody filled in stays in the file and is skipped by the import.
    path = tmp_path / "register.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, REGISTER_COLUMNS)
        writer.writeheader()
        writer.writerows([gateways, second, training, untouched])
    counts = import_deliveries(db, path)
    assert (counts["imported"], counts["skipped"]) == (3, 1)
    records = queries.deliveries(db)
    assert [(r.promise_id, r.quantity, r.category) for r in records] == [
        (gateways["promise_id"], 300, "delivery"), (gateways["promise_id"], 40, "delivery"),
        (training["promise_id"], 3, "training")]
    after = load_audit_data(db, date(2027, 4, 15), save=False)
    assert after.verdicts[gateways["promise_id"]].status == "kept"
    assert {e.link for e in after.verdicts[gateways["promise_id"]].evidence} == {"explicit"}


# --- JSON -----------------------------------------------------------------------------


def test_json_export(data):
    text = export_json(data)
    payload = json.loads(text)
    assert payload["as_of"] == "2027-05-16"
    assert payload["counts"] == {"at_risk": 2, "broken": 6, "kept": 6, "late": 3, "open": 3,
                                 "pending": 4, "superseded": 1, "waived": 1}
    assert len(payload["promises"]) == 26
    first = payload["promises"][0]
    assert first["customer"] == "Harbor Logistics" and first["verdict"]["status"] == "kept"
    assert first["verdict"]["evidence"][0]["date"] == "2027-02-10"
    assert [d["deal_id"] for d in payload["deals"]] == ["D-1001", "D-1002", "D-1003"]
    assert {d["outcome"] for d in payload["documents"]} == {"parsed", "encrypted", "scanned",
                                                            "malformed"}
    assert export_json(data) == text
    # One promise per line keeps diffs readable.
    assert sum(line.startswith('    {"text": ') for line in text.splitlines()) == 26


# --- calendar -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def calendar(data):
    return icalendar.Calendar.from_ical(export_ics(data))


def events_for(calendar, promise_id):
    return [e for e in calendar.walk("VEVENT")
            if str(e["UID"]).split("@")[0].split("-")[0] == promise_id]


def test_ics_parses_back_with_stable_uids(calendar, data):
    events = calendar.walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)) == 31
    p = promise_by_text(data, "health report")
    (event,) = events_for(calendar, p.id)
    assert str(event["UID"]) == f"{p.id}@promiseaudit"  # moves, not duplicates, on re-import
    assert event.decoded("DTSTART") == date(2027, 5, 6)  # all-day
    assert event.decoded("DTEND") == date(2027, 5, 7)
    assert event.decoded("DTSTAMP") == datetime(2027, 5, 16, tzinfo=event.decoded("DTSTAMP").tzinfo)
    assert str(event["SUMMARY"]).startswith("Harbor Logistics: Northbeam will provide a written")
    description = str(event["DESCRIPTION"])
    assert f"\u201c{p.text}\u201d" in description
    assert "Status on 2027-05-16: Broken" in description
    assert "From northbeam-harbor-logistics.md, page 1" in description


def test_ics_is_deterministic(data):
    assert export_ics(data) == export_ics(data)
    assert export_ics(replace(data, promises=tuple(reversed(data.promises)))) == export_ics(data)


def test_ics_recurring_check_ins_get_every_future_date(calendar, data):
    qbr = promise_by_text(data, "quarterly business review")
    dates = [e.decoded("DTSTART") for e in events_for(calendar, qbr.id)]
    # The audit's next review, then every quarter to the contract end (2028-01-31).
    assert dates == [date(2027, 7, 31), date(2027, 10, 31), date(2028, 1, 31)]
    audits = promise_by_text(data, "quality audit report")
    dates = [e.decoded("DTSTART") for e in events_for(calendar, audits.id)]
    assert dates[0] == date(2027, 5, 31) and dates[-1] == date(2028, 2, 29)
    assert date(2027, 6, 30) in dates and len(dates) == 10
    assert all(d >= AS_OF for d in dates)


def test_ics_does_not_continue_a_series_the_quote_limits(calendar, data):
    calls = promise_by_text(data, "Weekly status calls")  # "until go-live"
    dates = [e.decoded("DTSTART") for e in events_for(calendar, calls.id)]
    assert dates == [date(2027, 5, 18), date(2027, 5, 25)]


def test_ics_leaves_out_waived_superseded_and_undated(calendar, data):
    for fragment in ("insurance-eligibility", "will start on 1 March", "hypercare"):
        assert events_for(calendar, promise_by_text(data, fragment).id) == []


def test_ics_dates_in_the_users_format(data):
    cal = icalendar.Calendar.from_ical(export_ics(data, date_format="%d %B %Y"))
    p = promise_by_text(data, "health report")
    (event,) = events_for(cal, p.id)
    assert "Due 06 May 2027" in str(event["DESCRIPTION"])


def test_ics_folds_long_lines_without_splitting_characters():
    data = synthetic_audit_data(200, seed=3)
    p = data.promises[0]
    long = "Délai garanti — " * 20
    data = replace(data, promises=(p.with_(text=long),) + data.promises[1:])
    raw = export_ics(data)
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    raw.decode("utf-8")  # no line split inside a character
    cal = icalendar.Calendar.from_ical(raw)
    (event,) = [e for e in cal.walk("VEVENT") if str(e["UID"]).split("@")[0].split("-")[0] == p.id]
    assert long in str(event["DESCRIPTION"])

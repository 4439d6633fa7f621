"""Deals and delivery imports: canonical files, mappings, and bad input (ledger unchanged)."""
from datetime import date, datetime

import pytest

from promiseaudit.errors import RecordError
from promiseaudit.imports import (Mapping, import_deals, import_deliveries, load_mapping,
                                  shipped_mappings)
from promiseaudit.ledger import queries

DEALS = """deal_id,customer,rep,signed_on,kickoff_on,go_live_on,ends_on
D-1,Acme Freight,Dana Whitfield,2027-01-15,2027-01-25,,2028-01-31
D-2,Crestview Dental,Marco Reyes,2027-03-01,,,
"""


def snapshot(db):
    return db.schema, {t: db[t].count for t in db.table_names()}


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def deals_db(fresh_db, tmp_path):
    import_deals(fresh_db, write(tmp_path, "deals.csv", DEALS))
    return fresh_db


def test_import_deals(deals_db, tmp_path):
    d = queries.get_deal(deals_db, "D-1")
    assert (d.customer, d.signed_on, d.go_live_on) == ("Acme Freight", date(2027, 1, 15), None)
    again = import_deals(deals_db, write(tmp_path, "deals2.csv",
                                         DEALS.replace(",,2028-01-31", ",2027-04-22,2028-01-31")))
    assert again == {"created": 0, "updated": 1, "unchanged": 1, "ignored": []}
    assert queries.get_deal(deals_db, "D-1").go_live_on == date(2027, 4, 22)


def test_import_deals_json(fresh_db, tmp_path):
    path = write(tmp_path, "deals.json", '{"deals": [{"deal_id": "D-7", "customer": "Zed", '
                 '"signed_on": "2027-02-02"}]}')
    assert import_deals(fresh_db, path)["created"] == 1
    assert queries.get_deal(fresh_db, "D-7").signed_on == date(2027, 2, 2)


@pytest.mark.parametrize("text,message", [
    ("customer,rep\nAcme,Dana\n", "deals.csv: missing column(s) deal_id"),
    ("deal_id,signed_on\nD-1,15/01/2027\n",
     "deals.csv row 2: signed_on '15/01/2027' is not a date; write dates as YYYY-MM-DD"),
    ("deal_id,customer\n,Acme\n", "deals.csv row 2: deal_id is empty"),
    ("deal_id,customer\nD-1,A\nD-1,B\n", "deals.csv row 3: deal 'D-1' appears twice"),
])
def test_bad_deals_file_changes_nothing(fresh_db, tmp_path, text, message):
    before = snapshot(fresh_db)
    with pytest.raises(RecordError) as e:
        import_deals(fresh_db, write(tmp_path, "deals.csv", text))
    assert str(e.value).startswith(message)
    assert snapshot(fresh_db) == before


def test_missing_and_unsupported_files(fresh_db, tmp_path):
    with pytest.raises(RecordError, match="file not found"):
        import_deals(fresh_db, tmp_path / "nope.csv")
    with pytest.raises(RecordError, match="unsupported file type '.xlsx'"):
        import_deals(fresh_db, write(tmp_path, "deals.xlsx", "x"))


DELIVERIES = """deal_id,category,delivered_on,description,quantity,value,reference
D-1,delivery,2027-03-30,Gateways installed (batch 1),310,,PSA-1
D-1,Training,2027-03-18,Remote training session 1,,,PSA-2
D-1,uptime,2027-04-30,Network availability April,,99.82%,NOC-APR
"""


def test_import_canonical_deliveries(deals_db, tmp_path):
    counts = import_deliveries(deals_db, write(tmp_path, "deliveries.csv", DELIVERIES))
    assert counts == {"imported": 3, "skipped": 0, "duplicates": 0}
    rows = queries.deliveries(deals_db)
    assert [r.category for r in rows] == ["delivery", "training", "service_level"]
    assert rows[0].quantity == 310 and rows[2].value == 99.82
    assert (rows[1].source_file, rows[1].source_row) == ("deliveries.csv", 3)


def test_reimporting_the_same_file_adds_nothing(deals_db, tmp_path):
    path = write(tmp_path, "deliveries.csv", DELIVERIES)
    import_deliveries(deals_db, path)
    assert import_deliveries(deals_db, path) == {"imported": 0, "skipped": 0, "duplicates": 3}


@pytest.mark.parametrize("text,message", [
    ("deal_id,delivered_on\nD-1,2027-01-01\n",
     "deliveries.csv: missing column(s) category"),
    ("deal_id,category,delivered_on\nD-1,delivery,2027-02-30\n",
     "deliveries.csv row 2: delivered_on '2027-02-30' is not a date"),
    ("deal_id,category,delivered_on\nD-1,delivery,2027-02-01\nD-404,delivery,2027-02-02\n",
     "deliveries.csv row 3: deal 'D-404' is not in the ledger; import it first"),
    ("deal_id,category,delivered_on\nD-1,gossip,2027-02-01\n",
     "deliveries.csv row 2: category 'gossip' is not one of"),
    ("deal_id,category,delivered_on,quantity\nD-1,delivery,2027-02-01,lots\n",
     "deliveries.csv row 2: quantity 'lots' is not a number"),
    ("deal_id,category,delivered_on,promise_id\nD-1,delivery,2027-02-01,P0000\n",
     "deliveries.csv row 2: promise 'P0000' is not in the ledger"),
    ("deal_id,category,delivered_on\nD-1,delivery,\n",
     "deliveries.csv row 2: delivered_on is empty"),
])
def test_bad_delivery_rows_leave_ledger_unchanged(deals_db, tmp_path, text, message):
    before = snapshot(deals_db)
    with pytest.raises(RecordError) as e:
        import_deliveries(deals_db, write(tmp_path, "deliveries.csv", text))
    assert str(e.value).startswith(message), str(e.value)
    assert snapshot(deals_db) == before


def test_shipped_mappings_are_valid():
    assert set(shipped_mappings()) >= {"helpdesk-tickets", "psa-tasks"}
    for name in shipped_mappings():
        m = load_mapping(name)
        assert m.columns


def test_helpdesk_ticket_export(deals_db, tmp_path):
    text = ("Ticket ID,Subject,Status,Priority,Company Name,Created time,Initial response time,"
            "Resolved time\n"
            "HD-1,Depot offline,Closed,P1,Acme Freight,2027-04-26 02:14:00,2027-04-26 02:49:00,"
            "2027-04-26 05:30:00\n")
    counts = import_deliveries(deals_db, write(tmp_path, "tickets.csv", text),
                               load_mapping("helpdesk-tickets"))
    assert counts["imported"] == 1
    t = queries.deliveries(deals_db)[0]
    assert (t.deal_id, t.category, t.priority, t.reference) == ("D-1", "support", "P1", "HD-1")
    assert t.opened_at == datetime(2027, 4, 26, 2, 14)
    assert t.responded_at == datetime(2027, 4, 26, 2, 49)
    assert t.delivered_on == date(2027, 4, 26)


def test_psa_task_export_skips_unfinished_tasks(deals_db, tmp_path):
    text = ("Task ID,Opportunity ID,Task,Type,Status,Date Completed,Qty\n"
            "T-1,D-1,Training session 1,Training,Completed,03/18/2027,1\n"
            "T-2,D-1,Pilot site,Milestone,Completed,04/02/2027,\n"
            "T-3,D-1,Data migration,Milestone,In progress,,\n")
    counts = import_deliveries(deals_db, write(tmp_path, "tasks.csv", text),
                               load_mapping("psa-tasks"))
    assert counts == {"imported": 2, "skipped": 1, "duplicates": 0}
    rows = queries.deliveries(deals_db)
    assert [(r.category, r.delivered_on) for r in rows] == [
        ("training", date(2027, 3, 18)), ("delivery", date(2027, 4, 2))]


def test_mapping_missing_source_column_names_it(deals_db, tmp_path):
    with pytest.raises(RecordError, match=r"missing column\(s\) Company Name \(for deal_id\)"):
        import_deliveries(deals_db, write(tmp_path, "t.csv", "Ticket ID,Subject\n1,x\n"),
                          load_mapping("helpdesk-tickets"))


def test_inline_mapping_options(deals_db, tmp_path):
    m = Mapping(name="options", columns={"deal_id": "Deal", "delivered_on": "Done"},
                values={"category": "check_in"}, dayfirst=True)
    import_deliveries(deals_db, write(tmp_path, "m.csv", "Deal,Done,description\nD-2,03/04/2027,QBR\n"), m)
    r = queries.deliveries(deals_db)[0]
    assert (r.deal_id, r.category, r.delivered_on) == ("D-2", "check_in", date(2027, 4, 3))


def test_bad_mapping_file(tmp_path):
    with pytest.raises(RecordError, match="unknown mapping key"):
        load_mapping(str(write(tmp_path, "m.toml", 'colums = {deal_id = "x"}\n')))
    with pytest.raises(RecordError, match="not found"):
        load_mapping("no-such-mapping")


def test_renamed_or_reordered_export_is_not_imported_twice(deals_db, tmp_path):
    import_deliveries(deals_db, write(tmp_path, "deliveries.csv", DELIVERIES))
    header, *rows = DELIVERIES.strip().splitlines()
    reordered = "\n".join([header] + rows[::-1]) + "\n"
    counts = import_deliveries(deals_db, write(tmp_path, "deliveries-may.csv", reordered))
    assert counts == {"imported": 0, "skipped": 0, "duplicates": 3}
    grown = reordered + "D-1,delivery,2027-04-02,Gateways installed (batch 2),30,,PSA-9\n"
    counts = import_deliveries(deals_db, write(tmp_path, "deliveries-june.csv", grown))
    assert counts["imported"] == 1 and counts["duplicates"] == 3


def test_response_before_ticket_opened_is_refused(deals_db, tmp_path):
    text = ("deal_id,category,opened_at,responded_at\n"
            "D-1,support,2027-04-26 02:14,2027-04-26 01:49\n")
    m = Mapping(name="tickets", columns={"opened_at": "opened_at"})
    with pytest.raises(RecordError, match=r"t.csv row 2: responded_at .* is before opened_at"):
        import_deliveries(deals_db, write(tmp_path, "t.csv", text), m)


def test_unclosed_quote_is_refused(fresh_db, tmp_path):
    with pytest.raises(RecordError, match=r"deals.csv row \d+: .*quote"):
        import_deals(fresh_db, write(tmp_path, "deals.csv", 'deal_id,customer\nD-4,"X\n'))


@pytest.mark.parametrize("toml,message", [
    ('[only]\nStatus = "Completed"\n', r"\[only\] must map a column to a list"),
    ('[columns]\ndeal_idd = "Deal"\n', r"\[columns\] names unknown field\(s\) deal_idd"),
    ('dayfirst = "yes"\n', "dayfirst must be true or false"),
])
def test_mapping_files_are_checked(tmp_path, toml, message):
    with pytest.raises(RecordError, match=message):
        load_mapping(str(write(tmp_path, "m.toml", toml)))


def test_set_value_applies_to_every_row(deals_db, tmp_path):
    m = load_mapping("psa-tasks")
    m.values["category"] = "training"
    text = ("Task ID,Opportunity ID,Task,Type,Status,Date Completed,Qty\n"
            "T-2,D-1,Pilot site,Milestone,Completed,04/02/2027,\n")
    import_deliveries(deals_db, write(tmp_path, "tasks.csv", text), m)
    assert queries.deliveries(deals_db)[0].category == "training"


def test_misspelt_deal_columns_are_reported(fresh_db, tmp_path):
    counts = import_deals(fresh_db, write(tmp_path, "deals.csv",
                                          "deal_id,costumer,sigend_on\nD-1,Acme,2027-01-01\n"))
    assert counts["ignored"] == ["costumer", "sigend_on"]

"""Deals and delivery imports: canonical files, mappings, and bad input (ledger unchanged)."""
from datetime import date, datetime

import pytest

from promiseaudit.cli import main
from promiseaudit.errors import RecordError
from promiseaudit.imports import (Mapping, import_deals, import_deliveries, load_mapping,
                                  shipped_mappings)
from promiseaudit.ledger import queries
from builders import write

DEALS = """deal_id,customer,rep,signed_on,kickoff_on,go_live_on,ends_on
D-1,Acme Freight,Dana Whitfield,2027-01-15,2027-01-25,,2028-01-31
D-2,Crestview Dental,Marco Reyes,2027-03-01,,,
"""


def snapshot(db):
    return db.schema, {t: db[t].count for t in db.table_names()}


def tally(counts):
    """The record counts of an import summary, without its notes."""
    return {k: counts[k] for k in ("imported", "skipped", "duplicates")}


@pytest.fixture
def deals_db(fresh_db, tmp_path):
    import_deals(fresh_db, write(tmp_path, "deals.csv", DEALS))
    return fresh_db


def test_import_deals(deals_db, tmp_path):
    d = queries.get_deal(deals_db, "D-1")
    assert (d.customer, d.signed_on, d.go_live_on) == ("Acme Freight", date(2027, 1, 15), None)
    again = import_deals(deals_db, write(tmp_path, "deals2.csv",
                                         DEALS.replace(",,2028-01-31", ",2027-04-22,2028-01-31")))
    assert again == {"created": 0, "updated": 1, "unchanged": 1, "skipped": 0,
                     "skip_reasons": {}, "dates_read": "", "ignored": [], "missing": [],
                     "suggestions": {}}
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
    assert counts == {"imported": 3, "skipped": 0, "skip_reasons": {}, "duplicates": 0,
                      "repeated": 0, "converted": 0, "timezone": "UTC", "dates_read": "",
                      "ignored": [], "missing": [], "suggestions": {}}
    rows = queries.deliveries(deals_db)
    assert [r.category for r in rows] == ["delivery", "training", "service_level"]
    assert rows[0].quantity == 310 and rows[2].value == 99.82
    assert (rows[1].source_file, rows[1].source_row) == ("deliveries.csv", 3)


def test_reimporting_the_same_file_adds_nothing(deals_db, tmp_path):
    path = write(tmp_path, "deliveries.csv", DELIVERIES)
    import_deliveries(deals_db, path)
    assert tally(import_deliveries(deals_db, path)) == {"imported": 0, "skipped": 0,
                                                        "duplicates": 3}


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
    assert tally(counts) == {"imported": 2, "skipped": 1, "duplicates": 0}
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
    assert tally(counts) == {"imported": 0, "skipped": 0, "duplicates": 3}
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
    assert counts["suggestions"] == {"costumer": "customer", "sigend_on": "signed_on"}


# --- issue 9, "Nothing silently wrong": numbers ----------------------------------------

def numbers(db):
    return {r.reference: (r.quantity, r.value) for r in queries.deliveries(db)}


def test_issue_9_decimal_commas_in_a_semicolon_file(deals_db, tmp_path):
    text = ("deal_id;category;delivered_on;description;quantity;value;reference\n"
            "D-1;uptime;2027-04-30;April;;99,71;NOC-4\n"
            "D-1;delivery;2027-03-30;Batch 1;1.234,5;;PSA-1\n"
            "D-1;uptime;2027-05-31;May;;99,82 %;NOC-5\n"
            "D-1;delivery;2027-04-02;Batch 2;1\u00a0234;;PSA-2\n")
    import_deliveries(deals_db, write(tmp_path, "deliveries.csv", text))
    assert numbers(deals_db) == {"NOC-4": (None, 99.71), "PSA-1": (1234.5, None),
                                 "NOC-5": (None, 99.82), "PSA-2": (1234, None)}


def test_issue_9_thousands_separators_in_a_dot_file(deals_db, tmp_path):
    text = ("deal_id,category,delivered_on,reference,quantity,value\n"
            'D-1,delivery,2027-03-30,PSA-1,"1,234",\n'
            'D-1,delivery,2027-03-31,PSA-2,"1,234.5",\n'
            "D-1,delivery,2027-04-01,PSA-3,1\u202f234,\n"
            "D-1,uptime,2027-04-30,NOC-4,,99.71 %\n")
    import_deliveries(deals_db, write(tmp_path, "deliveries.csv", text))
    assert numbers(deals_db) == {"PSA-1": (1234, None), "PSA-2": (1234.5, None),
                                 "PSA-3": (1234, None), "NOC-4": (None, 99.71)}


@pytest.mark.parametrize("text,message", [
    ('deal_id,category,delivered_on,value\nD-1,uptime,2027-04-30,"99,71"\n',
     "deliveries.csv row 2: value '99,71' does not read clearly as a number with a decimal "
     "point (like 1,234.5); fix the cell, or if the file writes decimals with a comma (99,71) "
     'import it with --decimal-comma (or decimal = "," in the mapping)'),
    ('deal_id,category,delivered_on,quantity\nD-1,delivery,2027-04-30,"1,2,3"\n',
     "deliveries.csv row 2: quantity '1,2,3' does not read clearly"),
    ('deal_id,category,delivered_on,quantity\nD-1,delivery,2027-04-30,"12.345,6"\n',
     "deliveries.csv row 2: quantity '12.345,6' does not read clearly as a number with a "
     "decimal point"),
    ("deal_id;category;delivered_on;value\nD-1;uptime;2027-04-30;99.71\n",
     "deliveries.csv row 2: value '99.71' does not read clearly as a number with a decimal "
     "comma (like 1.234,5, as the file is separated by semicolons); fix the cell, or if the "
     "file writes decimals with a point (99.71) import it with --decimal-point"),
    ("deal_id,category,delivered_on,value\nD-1,uptime,2027-04-30,nan\n",
     "deliveries.csv row 2: value 'nan' is not a number; fix that cell"),
])
def test_issue_9_number_that_does_not_fit_the_file_is_refused(deals_db, tmp_path, text,
                                                              message):
    before = snapshot(deals_db)
    sep = ";" if ";" in text.splitlines()[0] else ","
    good = sep.join(["D-1", "delivery", "2027-03-01", ""]) + "\n"  # not stored either
    with pytest.raises(RecordError) as e:
        import_deliveries(deals_db, write(tmp_path, "deliveries.csv", text + good))
    assert str(e.value).startswith(message), str(e.value)
    assert "\n" not in str(e.value)
    assert snapshot(deals_db) == before


def test_issue_9_decimal_mark_from_the_mapping(deals_db, tmp_path):
    comma = write(tmp_path, "c.csv", 'deal_id,category,delivered_on,value,reference\n'
                                     'D-1,uptime,2027-04-30,"99,71",C\n')
    import_deliveries(deals_db, comma, Mapping(decimal=","))
    point = write(tmp_path, "p.csv", "deal_id;category;delivered_on;value;reference\n"
                                     "D-1;uptime;2027-05-31;99.71;P\n")
    import_deliveries(deals_db, point, load_mapping(str(write(tmp_path, "m.toml",
                                                                 'decimal = "."\n'))))
    assert numbers(deals_db) == {"C": (None, 99.71), "P": (None, 99.71)}
    with pytest.raises(RecordError, match=r'm.toml: decimal must be "," \(decimal commas\)'):
        load_mapping(str(write(tmp_path, "m.toml", 'decimal = "comma"\n')))


def test_issue_9_json_numbers_are_never_reread(deals_db, tmp_path):
    path = write(tmp_path, "d.json", '[{"deal_id": "D-1", "category": "uptime", '
                 '"delivered_on": "2027-04-30", "value": 1.234, "reference": "A"}, '
                 '{"deal_id": "D-1", "category": "uptime", "delivered_on": "2027-05-31", '
                 '"value": "99,71", "reference": "B"}]')
    import_deliveries(deals_db, path, Mapping(decimal=","))
    assert numbers(deals_db) == {"A": (None, 1.234), "B": (None, 99.71)}


# --- identical rows --------------------------------------------------------------------

def test_issue_9_identical_rows_in_one_file_are_one_record(deals_db, tmp_path):
    row = "D-1,delivery,2027-03-30,Gateways installed (batch 1),310,,PSA-1\n"
    text = DELIVERIES.splitlines()[0] + "\n" + row + row + \
        "D-1,Training,2027-03-18,Remote training session 1,,,\n" * 2
    path = write(tmp_path, "deliveries.csv", text)
    counts = import_deliveries(deals_db, path)
    assert (counts["imported"], counts["duplicates"], counts["repeated"]) == (2, 2, 2)
    assert len(queries.deliveries(deals_db)) == 2
    again = import_deliveries(deals_db, path)
    assert (again["imported"], again["duplicates"], again["repeated"]) == (0, 4, 0)


# --- time zones ------------------------------------------------------------------------

TICKETS = "deal_id,category,reference,opened_at,responded_at,resolved_at\n"
TICKET_MAP = Mapping(name="tickets", columns={"opened_at": "opened_at"})


def test_issue_9_offsets_are_converted_to_utc_by_default(deals_db, tmp_path):
    text = TICKETS + ("D-1,support,HD-1,2027-03-01T09:00:00+02:00,2027-03-01 07:30,"
                      "2027-03-31T23:30:00-05:00\n")
    counts = import_deliveries(deals_db, write(tmp_path, "t.csv", text), TICKET_MAP)
    assert (counts["converted"], counts["timezone"]) == (2, "UTC")
    t = queries.deliveries(deals_db)[0]
    assert t.opened_at == datetime(2027, 3, 1, 7, 0)
    assert t.responded_at == datetime(2027, 3, 1, 7, 30)  # no offset: already UTC
    assert t.resolved_at == datetime(2027, 4, 1, 4, 30)
    assert t.delivered_on == date(2027, 4, 1)  # the day it was resolved, in UTC


def test_issue_9_offsets_are_converted_to_the_chosen_zone(deals_db, tmp_path):
    text = TICKETS + ("D-1,support,HD-1,2027-04-26T10:00:00+02:00,2027-04-26T09:30:00Z,\n"
                      "D-1,support,HD-2,2027-04-26 10:00,,\n")
    counts = import_deliveries(deals_db, write(tmp_path, "t.csv", text),
                               Mapping(name="tickets", columns={"opened_at": "opened_at"},
                                       timezone="Europe/Berlin"))
    assert (counts["converted"], counts["timezone"]) == (2, "Europe/Berlin")
    first, second = queries.deliveries(deals_db)
    # Dropping the offsets would have put the response (09:30) before the ticket (10:00).
    assert (first.opened_at, first.responded_at) == (datetime(2027, 4, 26, 10, 0),
                                                     datetime(2027, 4, 26, 11, 30))
    assert second.opened_at == datetime(2027, 4, 26, 10, 0)


def test_issue_9_dates_stay_dates(deals_db, tmp_path):
    counts = import_deliveries(deals_db, write(tmp_path, "d.csv", DELIVERIES),
                               Mapping(timezone="America/New_York"))
    assert counts["converted"] == 0
    assert queries.deliveries(deals_db)[0].delivered_on == date(2027, 3, 30)


def test_issue_9_unknown_time_zone_is_one_line(deals_db, tmp_path):
    before = snapshot(deals_db)
    with pytest.raises(RecordError) as e:
        import_deliveries(deals_db, write(tmp_path, "d.csv", DELIVERIES),
                          Mapping(timezone="Europe/Berlni"))
    assert str(e.value) == ("Time zone 'Europe/Berlni' is unknown (did you mean "
                            "Europe/Berlin?); use a name like Europe/Berlin, "
                            "America/New_York or UTC")
    assert snapshot(deals_db) == before
    with pytest.raises(RecordError, match="^m.toml: time zone 'Mars/Base' is unknown; "):
        load_mapping(str(write(tmp_path, "m.toml", 'timezone = "Mars/Base"\n')))


# --- columns ---------------------------------------------------------------------------

@pytest.mark.parametrize("name,text,message", [
    ("deliveries.csv", "deal_id,category,delivered_on,value,value\n"
                       "D-1,uptime,2027-04-30,99.9,98.1\n",
     "deliveries.csv row 1: column(s) value appear more than once; keep one column of each "
     "name (rename or delete the others) and import again"),
    ("deliveries.csv", "deal_id,category, delivered_on,delivered_on\n"
                       "D-1,delivery,2027-04-30,2027-05-30\n",
     "deliveries.csv row 1: column(s) delivered_on appear more than once"),
    ("deliveries.json", '[{"deal_id": "D-1", "category": "uptime", "delivered_on": '
                        '"2027-04-30", "value": 99.9, "value": 98.1}]',
     "deliveries.json: a record has the field(s) value more than once"),
])
def test_issue_9_duplicated_column_is_refused(deals_db, tmp_path, name, text, message):
    before = snapshot(deals_db)
    with pytest.raises(RecordError) as e:
        import_deliveries(deals_db, write(tmp_path, name, text))
    assert str(e.value).startswith(message), str(e.value)
    assert snapshot(deals_db) == before


def test_issue_9_misspelt_delivery_columns_are_reported(deals_db, tmp_path):
    text = ("deal_id,category,delivered_on,quantitiy,Notes,Reference,customer,promise,\n"
            "D-1,delivery,2027-03-30,310,first batch,PSA-1,Acme,All gateways,\n")
    counts = import_deliveries(deals_db, write(tmp_path, "d.csv", text))
    assert counts["imported"] == 1  # reported, not fatal
    assert counts["ignored"] == ["quantitiy", "Notes", "Reference"]
    assert counts["suggestions"] == {"quantitiy": "quantity", "Reference": "reference"}
    assert queries.deliveries(deals_db)[0].quantity is None


def test_issue_9_register_columns_are_known():
    from promiseaudit.export import REGISTER_COLUMNS
    from promiseaudit.imports import DELIVERY_COLUMNS, DELIVERY_KNOWN_EXTRAS, DELIVERY_OPTIONAL

    assert set(REGISTER_COLUMNS) <= set(DELIVERY_COLUMNS + DELIVERY_OPTIONAL
                                        + DELIVERY_KNOWN_EXTRAS)


def test_issue_9_mapped_exports_report_only_missing_mapped_columns(deals_db, tmp_path):
    text = ("Ticket ID,Subject,Status,Agent,Priority,Company Name,Created time,"
            "Initial response time,Resolved time\n"
            "HD-1,Depot offline,Closed,Sam,P1,Acme Freight,2027-04-26 02:14:00,,\n")
    counts = import_deliveries(deals_db, write(tmp_path, "tickets.csv", text),
                               load_mapping("helpdesk-tickets"))
    assert (counts["ignored"], counts["missing"]) == ([], [])
    m = Mapping(name="options", columns={"deal_id": "Deal", "quantity": "Qnty"},
                values={"category": "delivery"})
    counts = import_deliveries(deals_db, write(tmp_path, "e.csv", "Deal,Qty,delivered_on,Owner\n"
                                                                  "D-1,40,2027-03-30,Sam\n"), m)
    assert (counts["imported"], counts["ignored"], counts["missing"]) == (1, [], ["Qnty"])
    assert counts["suggestions"] == {"Qnty": "Qty"}


# --- command line ----------------------------------------------------------------------

@pytest.fixture
def cli_db(runner, tmp_path, db_path):
    r = runner.invoke(main, ["--db", db_path, "deals", "import",
                             str(write(tmp_path, "deals.csv", DEALS))])
    assert r.exit_code == 0, r.output
    return db_path


def deliveries_import(runner, db_path, path, *options):
    return runner.invoke(main, ["--db", db_path, "deliveries", "import", str(path), *options])


def test_issue_9_cli_decimal_comma_and_timezone(runner, tmp_path, cli_db):
    from promiseaudit.ledger import open_ledger

    text = ('deal_id,category,delivered_on,value,opened_at,reference\n'
            'D-1,uptime,2027-04-30,"99,71",,NOC-4\n'
            'D-1,support,,,2027-03-01T09:00:00+02:00,HD-1\n')
    r = deliveries_import(runner, cli_db, write(tmp_path, "d.csv", text), "--decimal-comma",
                          "--timezone", "Europe/Berlin", "--column", "opened_at=opened_at")
    assert r.exit_code == 0, r.output
    assert r.stdout == "d.csv: 2 record(s) imported (import 1); 1 time(s) converted to Europe/Berlin time\n"
    rows = queries.deliveries(open_ledger(cli_db))
    assert (rows[0].value, rows[1].opened_at) == (99.71, datetime(2027, 3, 1, 8, 0))
    point = write(tmp_path, "p.csv", "deal_id;category;delivered_on;value\n"
                                     "D-1;uptime;2027-05-31;99.71\n")
    assert deliveries_import(runner, cli_db, point, "--decimal-point").exit_code == 0


@pytest.mark.parametrize("text,options,error", [
    ('deal_id,category,delivered_on,value\nD-1,uptime,2027-04-30,"99,71"\n', [],
     "Error: d.csv row 2: value '99,71' does not read clearly as a number with a decimal "
     "point (like 1,234.5); fix the cell, or if the file writes decimals with a comma "
     '(99,71) import it with --decimal-comma (or decimal = "," in the mapping)\n'),
    (DELIVERIES, ["--timezone", "Mars/Base"],
     "Error: Time zone 'Mars/Base' is unknown; use a name like Europe/Berlin, "
     "America/New_York or UTC\n"),
    ("deal_id,category,delivered_on,value,value\nD-1,uptime,2027-04-30,99.9,98\n", [],
     "Error: d.csv row 1: column(s) value appear more than once; keep one column of each "
     "name (rename or delete the others) and import again\n"),
])
def test_issue_9_cli_bad_input_is_one_line(runner, tmp_path, cli_db, text, options, error):
    r = deliveries_import(runner, cli_db, write(tmp_path, "d.csv", text), *options)
    assert (r.exit_code, r.stderr) == (1, error)
    assert runner.invoke(main, ["--db", cli_db, "deliveries", "list"]).output == ""


def test_issue_9_cli_reports_repeats_and_ignored_columns(runner, tmp_path, cli_db):
    row = "D-1,delivery,2027-03-30,310,PSA-1\n"
    path = write(tmp_path, "d.csv", "deal_id,category,delivered_on,quantitiy,reference\n"
                 + row + row)
    r = deliveries_import(runner, cli_db, path)
    assert r.exit_code == 0, r.output
    assert r.stdout == "d.csv: 1 record(s) imported (import 1), 1 repeated in the file (imported once)\n"
    assert r.stderr == ("Ignored column(s) quantitiy (did you mean quantity?): not delivery "
                        "fields; check the spelling, or read one with --column FIELD=COLUMN\n")
    r = deliveries_import(runner, cli_db, path)
    assert r.stdout == "d.csv: 0 record(s) imported (import 2), 2 already imported\n"

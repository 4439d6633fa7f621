"""Issue 10, "Imports without editing a file": shipped presets read other tools' own
exports (tests/data/exports/, modelled on the real exports and documentation each
preset cites; see the comments at the top of promiseaudit/mappings/*.toml) with no
edits; the deal is found by the customer's name, loosely, and the reason is kept; rows
that are not evidence yet are skipped and counted, or stop the import with --strict."""
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from promiseaudit import api
from promiseaudit.cli import main
from promiseaudit.customers import name_key, names_customer, same_customer
from promiseaudit.errors import RecordError
from promiseaudit.imports import (Mapping, import_deals, import_deliveries, is_won_stage,
                                  load_mapping, mapping_catalogue, shipped_mappings)
from promiseaudit.ledger import open_ledger, queries, store

from builders import make_document, make_promise, write

EXPORTS = Path(__file__).parent / "data" / "exports"
AS_OF = date(2027, 5, 17)

DEALS = """deal_id,customer,rep,signed_on,kickoff_on,go_live_on,ends_on
D-1001,Harbor Logistics,Dana Whitfield,2027-01-15,2027-01-25,2027-04-22,2028-01-31
D-1002,Crestview Dental Group,Marco Reyes,2027-03-01,2027-03-15,,2028-02-28
D-1003,Ashford County Council,Dana Whitfield,2027-02-01,2027-03-01,2027-03-01,2028-02-29
"""


def snapshot(db):
    return db.schema, {t: db[t].count for t in db.table_names()}


@pytest.fixture
def deals_db(fresh_db, tmp_path):
    import_deals(fresh_db, write(tmp_path, "deals.csv", DEALS))
    return fresh_db


def reasons(counts):
    """reason -> (rows, values) of an import summary."""
    return {r: (v["count"], v["values"]) for r, v in counts["skip_reasons"].items()}


def by_ref(db):
    return {r.reference: r for r in queries.deliveries(db)}


# --- customer names -------------------------------------------------------------------

@pytest.mark.parametrize("a,b", [
    ("Harbor Logistics Inc.", "Harbor Logistics"),
    ("HARBOR LOGISTICS", "harbor logistics"),
    ("The Crestview Dental Group, LLC", "Crestview Dental Group"),
    ("Crestview Dental", "Crestview Dental Group"),
    ("Müller Logistik GmbH", "Muller Logistik"),
    ("Northwind Traders, Ltd.", "Northwind Traders"),
    ("Smith & Sons Co.", "Smith and Sons"),
    ("Acme S.A.", "ACME"),
])
def test_the_same_customer_written_differently(a, b):
    assert same_customer(a, b)


@pytest.mark.parametrize("a,b", [
    ("Harbor Logistics", "Harbor Marine"),
    ("Harborside Logistics", "Harbor Logistics"),
    ("", ""),
])
def test_different_customers(a, b):
    assert not same_customer(a, b)


def test_a_customer_named_in_a_subject():
    assert names_customer("QBR – Harbor Logistics", "Harbor Logistics Inc.")
    assert names_customer("Harbor Logistics: remote training session 2", "Harbor Logistics")
    assert not names_customer("Harborside QBR", "Harbor")
    assert not names_customer("Weekly sync", "The Co")  # too short to look for
    assert name_key("The Company") == "company"


# --- deals: CRM exports ------------------------------------------------------------------

def test_hubspot_deals_export_imports_won_deals_only(fresh_db):
    counts = import_deals(fresh_db, EXPORTS / "hubspot-deals.csv", load_mapping("hubspot-deals"))
    assert (counts["created"], counts["skipped"]) == (3, 3)
    assert reasons(counts) == {
        "not won": (3, ["Closed Lost", "Appointment Scheduled", "Contract Sent"])}
    # Amount, Deal Name, Pipeline... are simply not used, and not reported.
    assert (counts["ignored"], counts["missing"]) == ([], [])
    deals = queries.deals(fresh_db)
    assert set(deals) == {"9001", "9002", "9005"}  # "closedwon", HubSpot's internal name
    d = deals["9002"]
    assert (d.customer, d.rep, d.signed_on) == ("Crestview Dental Group", "Marco Reyes",
                                                date(2027, 3, 1))
    assert deals["9005"].customer == "Northwind Traders, Ltd."


def test_salesforce_opportunities_export_reads_us_dates(fresh_db):
    counts = import_deals(fresh_db, EXPORTS / "salesforce-opportunities.csv",
                          load_mapping("salesforce-opportunities"))
    assert (counts["created"], counts["skipped"]) == (3, 2)
    assert reasons(counts) == {"not won": (2, ["Closed Lost", "Negotiation/Review"])}
    d = queries.get_deal(fresh_db, "0065g00000HbrLgAAB")
    assert (d.customer, d.rep, d.signed_on) == ("Harbor Logistics", "Dana Whitfield",
                                                date(2027, 1, 15))


def test_stage_option_chooses_the_stages_that_count(fresh_db):
    counts = import_deals(fresh_db, EXPORTS / "hubspot-deals.csv", load_mapping("hubspot-deals"),
                          stages=["closed won", "Contract sent"])
    # Stages are compared loosely: "closedwon" is "closed won".
    assert set(queries.deals(fresh_db)) == {"9001", "9002", "9005", "9006"}
    assert reasons(counts) == {
        "not a chosen stage": (2, ["Closed Lost", "Appointment Scheduled"])}


@pytest.mark.parametrize("stage,won", [
    ("Closed Won", True), ("closedwon", True), ("Won", True), ("6 - Closed Won", True),
    ("Closed Lost", False), ("closedlost", False), ("Won't buy", False),
    ("Negotiation/Review", False), ("", False),
])
def test_won_stages(stage, won):
    assert is_won_stage(stage) is won


def test_strict_deals_import_stops_at_a_lost_deal(fresh_db):
    before = snapshot(fresh_db)
    with pytest.raises(RecordError) as e:
        import_deals(fresh_db, EXPORTS / "hubspot-deals.csv", load_mapping("hubspot-deals"),
                     strict=True)
    assert str(e.value) == (
        "hubspot-deals.csv row 4: stage 'Closed Lost' is not a won stage (count other stages "
        "with --stage NAME); fix or remove the row, or import without --strict to skip rows "
        "like it")
    assert snapshot(fresh_db) == before


def test_stage_needs_a_stage_column(fresh_db, tmp_path):
    with pytest.raises(RecordError, match=r"^deals.csv: --stage needs a column"):
        import_deals(fresh_db, write(tmp_path, "deals.csv", DEALS), stages=["Won"])


def test_deal_mapping_options_without_a_file(fresh_db, tmp_path):
    text = "Id,Company,Owner,Signed,Phase\nX-1,Acme,Dana,03/04/2027,Won\nX-2,Beta,Sam,,Lost\n"
    m = Mapping(name="options", kind="deals", dayfirst=True,
                columns={"deal_id": "Id", "customer": "Company", "rep": "Owner",
                         "signed_on": "Signed", "stage": "Phase"})
    counts = import_deals(fresh_db, write(tmp_path, "crm.csv", text), m)
    assert (counts["created"], counts["skipped"]) == (1, 1)
    assert queries.get_deal(fresh_db, "X-1").signed_on == date(2027, 4, 3)


def test_a_mapping_is_for_one_import():
    with pytest.raises(RecordError) as e:
        load_mapping("zendesk-tickets", "deals")
    assert str(e.value) == ("Mapping 'zendesk-tickets' is for deliveries, not deals; use it with "
                            "`promiseaudit deliveries import`")
    with pytest.raises(RecordError, match="is for deals, not deliveries"):
        load_mapping("hubspot-deals", "deliveries")


# --- deliveries: help desks ---------------------------------------------------------------

def test_zendesk_ticket_export(deals_db):
    counts = import_deliveries(deals_db, EXPORTS / "zendesk-tickets.csv",
                               load_mapping("zendesk-tickets"))
    assert (counts["imported"], counts["skipped"]) == (3, 4)
    assert reasons(counts) == {"not solved yet": (2, ["Open", "Pending"]),
                               "no deal found": (1, ["Other Corp"]),
                               "no customer named": (1, [])}
    assert (counts["ignored"], counts["missing"]) == ([], [])
    t = by_ref(deals_db)
    assert (t["40112"].deal_id, t["40112"].category, t["40112"].record_type,
            t["40112"].priority) == ("D-1001", "support", "Incident", "Urgent")
    # The reply is the ticket's creation plus Zendesk's "First reply time in minutes".
    assert t["40112"].opened_at == datetime(2027, 4, 26, 2, 14)
    assert t["40112"].responded_at == datetime(2027, 4, 26, 2, 49)
    assert t["40112"].resolved_at == datetime(2027, 4, 26, 5, 30)
    assert t["40112"].value is None  # times come from timestamps, so both can be measured
    assert t["40177"].deal_reason == ("organization 'HARBOR LOGISTICS' = customer "
                                      "'Harbor Logistics'")
    assert t["40250"].deal_id == "D-1002"
    assert t["40250"].deal_reason == ("organization 'The Crestview Dental Group, LLC' = "
                                      "customer 'Crestview Dental Group'")


def test_zendesk_reply_minutes_are_measured_by_the_audit(deals_db):
    with deals_db.atomic():
        store.add_document(deals_db, make_document(), "D-1001", [make_promise(
            "Urgent tickets will receive a first response within 2 hours.", "support",
            threshold=2, threshold_unit="hour", direction="at_most")])
    import_deliveries(deals_db, EXPORTS / "zendesk-tickets.csv", load_mapping("zendesk-tickets"))
    (pid,) = [p.id for p in queries.promises(deals_db)]
    verdict = api.run_audit(deals_db, AS_OF, save=False).verdicts[pid]
    assert verdict.status == "kept", verdict.reason
    assert sorted(e.reference for e in verdict.evidence) == ["40112", "40177"]


def test_freshdesk_ticket_export(deals_db):
    # The real export the columns were checked against writes 26/04/2027 2:14: the file
    # itself says its dates are day first, so no option is needed.
    counts = import_deliveries(deals_db, EXPORTS / "freshdesk-tickets.csv", load_mapping("freshdesk-tickets"))
    assert (counts["imported"], counts["skipped"]) == (3, 3)
    assert counts["dates_read"] == "day first, as row 2 (Created time '26/04/2027 2:14') shows"
    assert reasons(counts) == {"not resolved yet": (2, ["Open", "Pending"]),
                               "no deal found": (1, ["Other Corp"])}
    t = by_ref(deals_db)
    assert (t["3102"].deal_id, t["3102"].responded_at, t["3102"].record_type) == (
        "D-1001", datetime(2027, 5, 3, 13, 55), "Problem")
    assert t["3106"].deal_reason == ("company name 'Crestview Dental Group, LLC' = customer "
                                     "'Crestview Dental Group'")
    assert (t["3101"].opened_at, t["3101"].resolved_at) == (
        datetime(2027, 4, 26, 2, 14), datetime(2027, 4, 26, 5, 30))


def _only_ambiguous_dates(tmp_path, name="fd.csv"):
    """The Freshdesk export with every day of the month at 12 or below (03/05/2027)."""
    text = (EXPORTS / "freshdesk-tickets.csv").read_text(encoding="utf-8")
    return write(tmp_path, name, re.sub(r"\b(\d{2})/(\d{2})/(\d{4})",
                                        lambda m: f"{int(m.group(1)) % 12 + 1:02d}/{m.group(2)}/{m.group(3)}", text))


def test_freshdesk_dates_that_could_be_either_order_are_not_guessed(deals_db, tmp_path):
    """Freshdesk writes dates in the account's format; when every date in the file could
    be day or month first, the import stops and asks."""
    with pytest.raises(RecordError) as e:
        import_deliveries(deals_db, _only_ambiguous_dates(tmp_path), load_mapping("freshdesk-tickets"))
    assert str(e.value).startswith("fd.csv row 2: opened_at '")
    assert str(e.value).endswith("is not a date; write dates as YYYY-MM-DD (or import with "
                                 "--dayfirst or --monthfirst to read dates like 03/04/2027)")
    assert queries.deliveries(deals_db) == []
    m = load_mapping("freshdesk-tickets")
    m.dayfirst = True
    assert import_deliveries(deals_db, _only_ambiguous_dates(tmp_path), m)["imported"] == 3


def test_a_file_with_dates_in_both_orders_is_refused(deals_db, tmp_path):
    text = (EXPORTS / "freshdesk-tickets.csv").read_text(encoding="utf-8")
    mixed = write(tmp_path, "mixed.csv", text.replace("26/04/2027 5:30", "04/26/2027 5:30", 1))
    assert "04/26/2027 5:30" in mixed.read_text(encoding="utf-8")
    with pytest.raises(RecordError, match=r"^mixed.csv: the dates are written both day first \(row 2, "
                                          r"Created time '26/04/2027 2:14'\) and month first \(row 2, "
                                          r"Resolved time '04/26/2027 5:30'\); export them in one "
                                          r"format and import again$"):
        import_deliveries(deals_db, mixed, load_mapping("freshdesk-tickets"))
    assert queries.deliveries(deals_db) == []


def test_column_names_are_found_whatever_their_case(deals_db, tmp_path):
    text = (EXPORTS / "zendesk-tickets.csv").read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    upper = write(tmp_path, "zd.csv", header.replace("Id,", "ID,", 1).upper() + "\n" + rest)
    assert import_deliveries(deals_db, upper, load_mapping("zendesk-tickets"))["imported"] == 3


# --- deliveries: project tools ---------------------------------------------------------------

def test_jira_issue_export(deals_db):
    counts = import_deliveries(deals_db, EXPORTS / "jira-issues.csv", load_mapping("jira-issues"))
    # Jira repeats columns (Labels, Labels): they are not read, so that is fine.
    assert (counts["imported"], counts["skipped"]) == (4, 3)
    assert reasons(counts) == {"not finished yet": (1, []),
                               "type not recognised": (1, ["Spike"]),
                               "no deal found": (1, ["Internal Tools"])}
    t = by_ref(deals_db)
    # Jira's own date format: 22/Jun/27 3:30 PM.
    assert t["HLX-12"].resolved_at == datetime(2027, 6, 22, 15, 30)
    assert t["HLX-12"].delivered_on == date(2027, 6, 22)
    assert t["HLX-12"].opened_at == datetime(2027, 3, 3, 9, 5)
    assert [(t[k].category, t[k].record_type) for k in ("HLX-3", "HLX-12", "HLX-19")] == [
        ("delivery", "Task"), ("delivery", "Story"), ("warranty", "Bug")]
    assert t["HLX-19"].deal_reason == ("project name 'Harbor Logistics SD-WAN rollout' names "
                                       "customer 'Harbor Logistics'")
    # No customer in the project's name: the summary names one.
    assert (t["CDX-4"].deal_id, t["CDX-4"].deal_reason) == (
        "D-1002", "summary 'Crestview Dental data migration' names customer "
                  "'Crestview Dental Group'")


def test_a_repeated_column_that_is_read_is_refused(deals_db, tmp_path):
    text = "Summary,Issue key,Issue Type,Created,Resolved,Summary\nA,X-1,Task,,,B\n"
    with pytest.raises(RecordError) as e:
        import_deliveries(deals_db, write(tmp_path, "j.csv", text), load_mapping("jira-issues"))
    assert str(e.value).startswith("j.csv row 1: column(s) Summary appear more than once")


def test_asana_task_export(deals_db):
    counts = import_deliveries(deals_db, EXPORTS / "asana-tasks.csv", load_mapping("asana-tasks"))
    assert (counts["imported"], counts["skipped"]) == (4, 3)
    assert reasons(counts) == {
        "not finished yet": (1, []),
        "names more than one customer": (1, ["Harbor Logistics rollout,Crestview Dental "
                                             "onboarding"]),
        "no deal found": (1, ["Internal"])}
    t = by_ref(deals_db)
    assert (t["1204518830000002"].delivered_on, t["1204518830000002"].category) == (
        date(2027, 3, 12), "delivery")
    # The project names no customer ("Marketing"); the task's name does.
    assert t["1204518830000005"].deal_reason == (
        "name 'Crestview Dental Group welcome pack sent' names customer "
        "'Crestview Dental Group'")


# --- deliveries: calendars ---------------------------------------------------------------------

def test_outlook_calendar_export_categories_from_the_subject(deals_db):
    counts = import_deliveries(deals_db, EXPORTS / "outlook-calendar.csv",
                               load_mapping("outlook-calendar"), today=AS_OF)
    assert (counts["imported"], counts["skipped"]) == (4, 4)
    assert reasons(counts) == {
        "cancelled": (1, ["Canceled: Harbor Logistics steering committee"]),
        "not a check-in, review or training": (1, ["Lunch with Marco"]),
        "no deal found": (1, ["Team sync"]),
        "not held yet": (1, ["2027-06-15"])}
    got = {(r.description, r.delivered_on, r.deal_id, r.category)
           for r in queries.deliveries(deals_db)}
    assert got == {
        ("Harbor Logistics: remote training session 2", date(2027, 3, 25), "D-1001", "training"),
        ("Weekly status call", date(2027, 3, 22), "D-1001", "check_in"),
        ("QBR – Harbor Logistics", date(2027, 4, 14), "D-1001", "check_in"),
        ("Crestview Dental Group – onboarding workshop 1", date(2027, 4, 1), "D-1002",
         "training"),
    }
    weekly = next(r for r in queries.deliveries(deals_db) if r.description == "Weekly status call")
    assert weekly.deal_reason == "categories 'Harbor Logistics' names customer 'Harbor Logistics'"


def test_ics_calendar_needs_no_mapping(deals_db):
    counts = import_deliveries(deals_db, EXPORTS / "meetings.ics", today=AS_OF)
    assert (counts["imported"], counts["skipped"]) == (14, 3)
    assert reasons(counts) == {"cancelled": (1, ["Crestview Dental Group check-in"]),
                               "not held yet": (1, ["2027-06-10"]),
                               "no deal found": (1, ["Sales team sync"])}
    rows = queries.deliveries(deals_db)
    weekly = sorted(r.delivered_on for r in rows if r.description.startswith("Weekly status"))
    # Mondays from 1 March to today; 29 March was cancelled (EXDATE), 12 April moved to
    # Tuesday 13 April (RECURRENCE-ID).
    assert weekly == [date(2027, 3, d) for d in (1, 8, 15, 22)] + [
        date(2027, 4, d) for d in (5, 13, 19, 26)] + [date(2027, 5, d) for d in (3, 10, 17)]
    qbr = next(r for r in rows if r.description.startswith("QBR"))
    assert (qbr.category, qbr.delivered_on, qbr.deal_id) == ("check_in", date(2027, 4, 14),
                                                             "D-1001")
    day = next(r for r in rows if r.description == "Crestview Dental Group training day")
    assert (day.category, day.delivered_on, day.deal_id) == ("training", date(2027, 4, 9),
                                                             "D-1002")
    assert counts["converted"] == 15  # times with a time zone, converted to UTC
    # The same calendar again, or a later copy, adds nothing.
    assert import_deliveries(deals_db, EXPORTS / "meetings.ics", today=AS_OF)["imported"] == 0


def test_a_broken_calendar_file_is_one_line(deals_db, tmp_path):
    with pytest.raises(RecordError, match=r"^bad.ics: not a readable calendar file .*; export "
                                          r"the calendar again as .ics$"):
        import_deliveries(deals_db, write(tmp_path, "bad.ics", "this is no calendar"))


# --- deliveries: uptime monitor ------------------------------------------------------------------

def test_monthly_uptime_report_values(deals_db):
    counts = import_deliveries(deals_db, EXPORTS / "uptime-report.csv",
                               load_mapping("uptime-report"))
    assert (counts["imported"], counts["skipped"]) == (4, 1)
    assert reasons(counts) == {"no deal found": (1, ["Internal status page"])}
    got = [(r.deal_id, r.category, r.delivered_on, r.value, r.value_unit, r.value_kind)
           for r in queries.deliveries(deals_db)]
    assert got == [
        ("D-1001", "service_level", date(2027, 3, 31), 99.95, "%", "availability"),
        ("D-1001", "service_level", date(2027, 4, 30), 99.71, "%", "availability"),
        ("D-1001", "service_level", date(2027, 4, 30), 100.0, "%", "availability"),
        ("D-1002", "service_level", date(2027, 4, 30), 99.2, "%", "availability"),
    ]


def test_uptime_figures_are_audited(deals_db):
    with deals_db.atomic():
        store.add_document(deals_db, make_document(), "D-1001", [make_promise(
            "Network availability will be at least 99.9% each month.", "service_level",
            threshold=99.9, threshold_unit="%", direction="at_least", recurrence="monthly")])
    import_deliveries(deals_db, EXPORTS / "uptime-report.csv", load_mapping("uptime-report"))
    (pid,) = [p.id for p in queries.promises(deals_db)]
    assert api.run_audit(deals_db, AS_OF, save=False).verdicts[pid].status == "broken"


def test_nagios_availability_report_of_a_month(runner, cli_db):
    """Nagios Core's availability CSV (cgi/avail.c: ", "-separated, quoted host names,
    99.711% figures) has no month column: the month is given with --set."""
    with open_ledger(cli_db) as db:
        with db.atomic():
            store.add_document(db, make_document(), "D-1001", [make_promise(
                "Portal availability will be at least 99.9% each month.", "service_level",
                threshold=99.9, threshold_unit="%", direction="at_least", recurrence="monthly")])
    r = runner.invoke(main, ["--db", cli_db, "deliveries", "import", str(EXPORTS / "nagios-hosts.csv"),
                             "--map", "nagios-availability", "--set", "delivered_on=2027-04"])
    assert r.exit_code == 0, r.output
    assert r.stdout == ("nagios-hosts.csv: 3 record(s) imported (import 1), 1 skipped: 1 no deal "
                        "found (noc-monitoring01)\n")
    db = open_ledger(cli_db)
    got = [(d.deal_id, d.delivered_on, d.value, d.value_unit, d.value_kind, d.description)
           for d in queries.deliveries(db)]
    assert got == [
        ("D-1001", date(2027, 4, 30), 99.711, "%", "availability", "harbor-logistics-portal"),
        ("D-1001", date(2027, 4, 30), 100.0, "%", "availability", "harbor-logistics-api"),
        ("D-1002", date(2027, 4, 30), 99.2, "%", "availability", "crestview-dental-booking"),
    ]
    (pid,) = [p.id for p in queries.promises(db)]
    assert api.run_audit(db, AS_OF, save=False).verdicts[pid].status == "broken"


# --- skipping, strictness, several deals -----------------------------------------------------------

@pytest.mark.parametrize("preset,file,message", [
    ("zendesk-tickets", "zendesk-tickets.csv",
     "zendesk-tickets.csv row 4: Status is 'Open' (not solved yet); fix or remove the row, or "
     "import without --strict to skip rows like it"),
    ("jira-issues", "jira-issues.csv",
     "jira-issues.csv row 5: Resolved is empty, so it is not finished yet; fix or remove the "
     "row, or import without --strict to skip rows like it"),
    ("outlook-calendar", "outlook-calendar.csv",
     "outlook-calendar.csv row 5: the meeting 'Canceled: Harbor Logistics steering committee' "
     "was cancelled; fix or remove the row, or import without --strict to skip rows like it"),
])
def test_strict_makes_a_skipped_row_fatal(deals_db, preset, file, message):
    before = snapshot(deals_db)
    with pytest.raises(RecordError) as e:
        import_deliveries(deals_db, EXPORTS / file, load_mapping(preset), strict=True,
                          today=AS_OF)
    assert str(e.value) == message
    assert snapshot(deals_db) == before


def test_a_customer_with_two_deals_gets_the_one_running(fresh_db, tmp_path):
    import_deals(fresh_db, write(tmp_path, "deals.csv",
                                 "deal_id,customer,signed_on,ends_on\n"
                                 "D-1,Harbor Logistics,2026-01-01,2026-12-31\n"
                                 "D-2,Harbor Logistics Inc.,2027-01-15,2028-01-31\n"))
    counts = import_deliveries(fresh_db, EXPORTS / "zendesk-tickets.csv",
                               load_mapping("zendesk-tickets"))
    t = by_ref(fresh_db)
    assert t["40112"].deal_id == "D-2"
    assert t["40112"].deal_reason == ("organization 'Harbor Logistics Inc.' = customer "
                                      "'Harbor Logistics Inc.' (the deal running on 2027-04-26)")
    assert counts["imported"] == 2


def test_two_deals_running_at_once_is_a_question_for_the_user(fresh_db, tmp_path):
    import_deals(fresh_db, write(tmp_path, "deals.csv",
                                 "deal_id,customer,signed_on\nD-1,Harbor Logistics,2027-01-01\n"
                                 "D-2,Harbor Logistics,2027-02-01\n"))
    before = snapshot(fresh_db)
    with pytest.raises(RecordError) as e:
        import_deliveries(fresh_db, EXPORTS / "zendesk-tickets.csv", load_mapping("zendesk-tickets"))
    assert str(e.value) == (
        "zendesk-tickets.csv row 2: organization 'Harbor Logistics Inc.' is the customer of 2 "
        "deals (D-1, D-2); import this customer's rows with --set deal_id=ID, or add a column "
        "with the deal id")
    assert snapshot(fresh_db) == before
    m = load_mapping("zendesk-tickets")
    m.values["deal_id"] = "D-2"
    import_deliveries(fresh_db, EXPORTS / "zendesk-tickets.csv", m)
    assert {r.deal_reason for r in queries.deliveries(fresh_db)} == {
        "set for every row (deal_id=D-2)"}


def test_records_keep_their_unit_kind_type_and_reason(deals_db, tmp_path):
    # The audit reads records back from the ledger; what the import read must survive.
    text = ("deal_id,category,delivered_on,value,value_unit,value_kind,record_type\n"
            "D-1001,support,2027-04-30,90,minutes,response,Incident\n")
    import_deliveries(deals_db, write(tmp_path, "d.csv", text))
    (r,) = queries.deliveries(deals_db)
    assert (r.value_unit, r.value_kind, r.record_type, r.deal_reason) == (
        "minute", "response", "Incident", None)


def test_every_shipped_mapping_says_where_its_columns_come_from():
    names = set(shipped_mappings())
    assert names >= {"hubspot-deals", "salesforce-opportunities", "zendesk-tickets",
                     "freshdesk-tickets", "jira-issues", "asana-tasks", "outlook-calendar",
                     "calendar-ics", "uptime-report", "nagios-availability", "helpdesk-tickets",
                     "psa-tasks"}
    for m in mapping_catalogue():
        assert m.title and m.description, m.name
        if m.name not in ("helpdesk-tickets", "psa-tasks"):
            assert any(w in m.description for w in ("checked against", "Not confirmed",
                                                    "RFC 5545")), m.name


# --- command line ------------------------------------------------------------------------------

@pytest.fixture
def cli_db(runner, tmp_path, db_path):
    r = runner.invoke(main, ["--db", db_path, "deals", "import",
                             str(write(tmp_path, "deals.csv", DEALS))])
    assert r.exit_code == 0, r.output
    return db_path


@pytest.mark.parametrize("preset,file,summary", [
    ("hubspot-deals", "hubspot-deals.csv",
     "hubspot-deals.csv: 3 deal(s) added, 0 updated, 0 unchanged, 3 skipped: 3 not won "
     "(Closed Lost, Appointment Scheduled, Contract Sent)\n"),
    ("salesforce-opportunities", "salesforce-opportunities.csv",
     "salesforce-opportunities.csv: 3 deal(s) added, 0 updated, 0 unchanged, 2 skipped: "
     "2 not won (Closed Lost, Negotiation/Review)\n"),
])
def test_cli_deal_presets(runner, db_path, preset, file, summary):
    r = runner.invoke(main, ["--db", db_path, "deals", "import", str(EXPORTS / file),
                             "--map", preset], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert (r.stdout, r.stderr) == (summary, "")


@pytest.mark.parametrize("preset,file,summary", [
    ("zendesk-tickets", "zendesk-tickets.csv",
     "zendesk-tickets.csv: 3 record(s) imported (import 1), 4 skipped: 2 not solved yet (Open, Pending); "
     "1 no deal found (Other Corp); 1 no customer named\n"),
    ("freshdesk-tickets", "freshdesk-tickets.csv",
     "freshdesk-tickets.csv: 3 record(s) imported (import 1), 3 skipped: 2 not resolved yet (Open, "
     "Pending); 1 no deal found (Other Corp); dates like 03/04/2027 read day first, as row 2 (Created time '26/04/2027 2:14') shows (override with --dayfirst/--monthfirst)\n"),
    ("jira-issues", "jira-issues.csv",
     "jira-issues.csv: 4 record(s) imported (import 1), 3 skipped: 1 not finished yet; 1 type not "
     "recognised (Spike); 1 no deal found (Internal Tools)\n"),
    ("asana-tasks", "asana-tasks.csv",
     "asana-tasks.csv: 4 record(s) imported (import 1), 3 skipped: 1 not finished yet; 1 names more than "
     "one customer (Harbor Logistics rollout,Crestview Dental onboarding); 1 no deal found "
     "(Internal)\n"),
    ("outlook-calendar", "outlook-calendar.csv",
     "outlook-calendar.csv: 4 record(s) imported (import 1), 4 skipped: 1 cancelled (Canceled: Harbor "
     "Logistics steering committee); 1 not a check-in, review or training (Lunch with Marco); "
     "1 no deal found (Team sync); 1 not held yet (2027-06-15)\n"),
    (None, "meetings.ics",
     "meetings.ics: 14 record(s) imported (import 1), 3 skipped: 1 cancelled (Crestview Dental Group "
     "check-in); 1 not held yet (2027-06-10); 1 no deal found (Sales team sync); 15 time(s) "
     "converted to UTC time\n"),
    ("uptime-report", "uptime-report.csv",
     "uptime-report.csv: 4 record(s) imported (import 1), 1 skipped: 1 no deal found (Internal status "
     "page)\n"),
    ("helpdesk-tickets", "freshdesk-tickets.csv",
     "freshdesk-tickets.csv: 5 record(s) imported (import 1), 1 skipped: 1 no deal found (Other Corp)"
     "; dates like 03/04/2027 read day first, as row 2 (Created time '26/04/2027 2:14') shows (override with --dayfirst/--monthfirst)\n"),
])
def test_cli_delivery_presets(runner, cli_db, preset, file, summary):
    options = ["--map", preset] if preset else []
    r = runner.invoke(main, ["--db", cli_db, "deliveries", "import", str(EXPORTS / file),
                             *options, "--as-of", "2027-05-17"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert (r.stdout, r.stderr) == (summary, "")


def test_cli_list_shows_why_a_record_has_its_deal(runner, cli_db):
    runner.invoke(main, ["--db", cli_db, "deliveries", "import",
                         str(EXPORTS / "zendesk-tickets.csv"), "--map", "zendesk-tickets"])
    out = runner.invoke(main, ["--db", cli_db, "deliveries", "list"]).stdout
    line = next(x for x in out.splitlines() if "Tacoma gateway" in x)
    assert line.endswith("[deal: organization 'HARBOR LOGISTICS' = customer 'Harbor Logistics']")


def test_cli_strict_is_one_line_and_changes_nothing(runner, cli_db):
    r = runner.invoke(main, ["--db", cli_db, "deliveries", "import",
                             str(EXPORTS / "freshdesk-tickets.csv"), "--map", "freshdesk-tickets",
                             "--dayfirst", "--strict"])
    assert (r.exit_code, r.stderr) == (
        1, "Error: freshdesk-tickets.csv row 4: Status is 'Open' (not resolved yet); fix or "
           "remove the row, or import without --strict to skip rows like it\n")
    assert runner.invoke(main, ["--db", cli_db, "deliveries", "list"]).output == ""


def test_cli_stage_option(runner, db_path):
    r = runner.invoke(main, ["--db", db_path, "deals", "import",
                             str(EXPORTS / "salesforce-opportunities.csv"),
                             "--map", "salesforce-opportunities", "--stage", "Closed Won",
                             "--stage", "negotiation / review"], catch_exceptions=False)
    assert r.stdout.startswith("salesforce-opportunities.csv: 4 deal(s) added, 0 updated, "
                               "0 unchanged, 1 skipped: 1 not a chosen stage (Closed Lost)")


def test_cli_deals_from_options(runner, db_path, tmp_path):
    path = write(tmp_path, "crm.csv", "Id,Company,Signed,Phase,Amount\n"
                                      "X-1,Acme,03/04/2027,Won,100\nX-2,Beta,,Lost,5\n")
    r = runner.invoke(main, ["--db", db_path, "deals", "import", str(path), "--column",
                             "deal_id=Id", "--column", "customer=Company", "--column",
                             "signed_on=Signed", "--column", "stage=Phase", "--dayfirst",
                             "--set", "rep=Dana"], catch_exceptions=False)
    assert r.stdout == "crm.csv: 1 deal(s) added, 0 updated, 0 unchanged, 1 skipped: 1 not won (Lost)\n"
    d = queries.get_deal(open_ledger(db_path), "X-1")
    assert (d.customer, d.rep, d.signed_on) == ("Acme", "Dana", date(2027, 4, 3))


def test_cli_wrong_kind_of_mapping(runner, db_path):
    r = runner.invoke(main, ["--db", db_path, "deals", "import",
                             str(EXPORTS / "zendesk-tickets.csv"), "--map", "zendesk-tickets"])
    assert (r.exit_code, r.stderr) == (
        1, "Error: Mapping 'zendesk-tickets' is for deliveries, not deals; use it with "
           "`promiseaudit deliveries import`\n")


def test_cli_mappings_lists_the_shipped_mappings(runner):
    r = runner.invoke(main, ["mappings"], catch_exceptions=False)
    assert r.exit_code == 0
    heads = [line.split()[0] for line in r.stdout.splitlines() if not line.startswith(" ")]
    assert heads[:2] == ["hubspot-deals", "salesforce-opportunities"]
    assert set(heads) == set(shipped_mappings())
    assert "zendesk-tickets  (deliveries import --map zendesk-tickets): Zendesk tickets" in r.stdout


def test_repeat_rules_written_either_way_are_read(deals_db, tmp_path):
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n"
            "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Harbor Logistics check-in\r\n"
            "DTSTART:20270301T100000\r\nRRULE:FREQ=WEEKLY;UNTIL=20270322T100000Z\r\n"
            "END:VEVENT\r\n"
            "BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:Harbor Logistics QBR\r\n"
            "DTSTART:20270301T100000Z\r\nRRULE:FREQ=MONTHLY;UNTIL=20270501\r\nEND:VEVENT\r\n"
            "BEGIN:VEVENT\r\nUID:c\r\nSUMMARY:Harbor Logistics QBR\r\n"
            "DTSTART;VALUE=DATE:20270301\r\nRRULE:FREQ=MONTHLY;COUNT=2\r\nEND:VEVENT\r\n"
            "END:VCALENDAR\r\n")
    counts = import_deliveries(deals_db, write(tmp_path, "cal.ics", text), today=AS_OF)
    assert counts["imported"] == 4 + 3 + 2
    assert {r.category for r in queries.deliveries(deals_db)} == {"check_in"}


def test_an_order_chosen_for_the_import_that_the_file_contradicts_is_refused(runner, cli_db):
    # 26/04/2027 read month first would be a silently wrong date (dateutil swaps it).
    r = runner.invoke(main, ["--db", cli_db, "deliveries", "import", str(EXPORTS / "freshdesk-tickets.csv"),
                             "--map", "freshdesk-tickets", "--monthfirst"])
    assert r.exit_code == 1
    assert r.stderr == ("Error: freshdesk-tickets.csv row 2: Created time '26/04/2027 2:14' is written "
                        "day first, but the import reads dates month first; import again with "
                        "--dayfirst\n")

"""Issue 10, "Reports people read and send": the manager-facing HTML (manager report,
weekly report, pre-call brief) is in plain words. No rule codes ("rule: measure.breach")
and no stored values ("business_day", "at_least", "service_level") in the text a person
reads; the rule may sit in a tooltip (a title attribute) and stays in the JSON output.
Quotes broken by PDF line ends are joined when shown, never in the ledger."""
import json
import re
from datetime import date

import pytest
from bs4 import BeautifulSoup

from builders import as_extracted
from promiseaudit.api import load_audit_data
from promiseaudit.export import export_json
from promiseaudit.imports import import_deliveries
from promiseaudit.ledger import open_ledger, store
from promiseaudit.models import Deal, Document, Page, Promise
from promiseaudit.report import brief_html, manager_report, weekly_report
from promiseaudit.report.formatting import display_quote, threshold_phrase
from report_data import AS_OF, WEEK_START, build_sample_ledger, sample_audit_data

# Stored values that must never reach a reader as they are stored.
RAW_VALUES = ("business_day", "business_hour", "at_least", "at_most", "service_level",
              "check_in", "at_risk", "no_figure", "go_live", "rule:")
SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def visible_text(html: str) -> str:
    """The words a reader sees: element text only (no attributes, styles or tooltips)."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["style", "script", "title"]):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


def codes_in(html: str, rules) -> list[str]:
    text = visible_text(html)
    found = [v for v in RAW_VALUES if v in text]
    found += SNAKE_CASE.findall(text)
    # Rule ids that are codes ("measure.breach"); plain ones ("waived") are words.
    rules = [r for r in rules if r and ("." in r or "_" in r)]
    found += [r for r in rules if re.search(rf"(?<![\w-]){re.escape(r)}\b", text)]
    return sorted(set(found))


def all_reports(data, deal_id):
    return {
        "manager": manager_report(data),
        "weekly": weekly_report(data, WEEK_START, AS_OF),
        "brief": brief_html(data, deal_id=deal_id),
    }


# --- a small ledger through the real audit engine, with the awkward cases -----------

PDF_QUOTES = {
    "sla": "Any failed gateway will be replaced within 2 business\ndays of the fault report.",
    "go-live": "The new portal will be delivered by 1\nMarch 2027, with full imple-\nmentation "
               "of the booking module and follow-\nup training.",
    "uptime": "Availability of at least 99.5% will be\nmaintained each month.",
    "review": "We will hold monthly check-in calls with your\noperations lead.",
}


@pytest.fixture(scope="module")
def engine_data(tmp_path_factory):
    db = open_ledger(":memory:")
    with db.atomic():
        store.upsert_deal(db, Deal("D-77", customer="Lakeside Clinics", rep="Priya Shah",
                                   signed_on=date(2027, 1, 4), kickoff_on=date(2027, 1, 11),
                                   go_live_on=date(2027, 3, 1), ends_on=date(2028, 1, 31)))
        promises = [
            Promise(text=PDF_QUOTES["sla"], source="lakeside.pdf", page=3, start=0, end=1,
                    category="warranty", threshold=2, threshold_unit="business_day",
                    direction="at_most", rule="warranty.within"),
            Promise(text=PDF_QUOTES["go-live"], source="lakeside.pdf", page=1, start=0, end=1,
                    category="delivery", due=date(2027, 3, 1), rule="delivery.date"),
            Promise(text=PDF_QUOTES["uptime"], source="lakeside.pdf", page=4, start=0, end=1,
                    category="service_level", threshold=99.5, threshold_unit="%",
                    direction="at_least", recurrence="monthly", rule="sla.level"),
            Promise(text=PDF_QUOTES["review"], source="lakeside.pdf", page=5, start=0, end=1,
                    category="check_in", recurrence="monthly", rule="checkin.recurring"),
        ]
        text = "\n".join(PDF_QUOTES.values())
        store.add_document(db, Document(path="/p/lakeside.pdf", name="lakeside.pdf", kind="pdf",
                                        sha256="7" * 64, pages=(Page(1, text),)), "D-77",
                           [as_extracted(p) for p in promises], who="test")
    csv = tmp_path_factory.mktemp("deliveries") / "deliveries.csv"
    csv.write_text(
        "deal_id,category,delivered_on,description,value,value_unit,value_kind,reference\n"
        "D-77,warranty,2027-03-10,Failed gateway replaced (Clinic 4),5,business days,"
        "resolution,RMA-1\n"
        "D-77,service_level,2027-03-31,Portal uptime March,99.1,%,availability,UP-03\n"
        "D-77,service_level,2027-04-30,Portal uptime April,99.8,%,availability,UP-04\n"
        "D-77,check_in,2027-03-15,Monthly check-in call,,,,CRM-1\n",
        encoding="utf-8")
    import_deliveries(db, csv)
    for day in (date(2027, 5, 2), date(2027, 5, 9)):
        load_audit_data(db, day)
    return load_audit_data(db, AS_OF)


def test_reports_on_the_sample_data_show_no_codes():
    data = sample_audit_data()
    rules = {v.rule for v in data.verdicts.values()}
    for name, html in all_reports(data, "D-1001").items():
        assert codes_in(html, rules) == [], name


def test_reports_on_real_verdicts_show_no_codes():
    db = open_ledger(":memory:")
    build_sample_ledger(db)
    data = load_audit_data(db, AS_OF)
    rules = {v.rule for v in data.verdicts.values()}
    assert "measure.breach" in rules or "recurring.missed" in rules  # the codes exist
    for name, html in all_reports(data, "D-1001").items():
        assert codes_in(html, rules) == [], name


def test_business_units_and_levels_are_in_words(engine_data):
    rules = {v.rule for v in engine_data.verdicts.values()}
    reports = all_reports(engine_data, "D-77")
    for name, html in reports.items():
        assert codes_in(html, rules) == [], name
    text = visible_text(reports["manager"])
    assert "business days" in text
    assert threshold_phrase(2, "business_day", "at_most") == "within 2 business days"
    assert threshold_phrase(1, "business_hour", "at_most") == "within 1 business hour"


def test_the_rule_stays_in_a_tooltip_and_in_json(engine_data):
    soup = BeautifulSoup(manager_report(engine_data), "html.parser")
    titles = [t["title"] for t in soup.find_all(title=re.compile("audit rule"))]
    rules = {v.rule for v in engine_data.verdicts.values()}
    assert titles and all(any(r in t for r in rules) for t in titles)
    register = json.loads(export_json(engine_data))
    assert {p["rule"] for p in register["promises"]} >= {"warranty.within"} or \
        any("rule" in p for p in register["promises"])


# --- quotes broken by PDF line ends ---------------------------------------------------


@pytest.mark.parametrize("stored,shown", [
    ("delivered by 1\nMarch", "delivered by 1 March"),
    ("full imple-\nmentation of", "full implementation of"),
    ("the go-\nlive date", "the go-live date"),        # a real compound keeps its hyphen
    ("follow-\nup calls", "follow-up calls"),
    ("a 24-\nhour line", "a 24-hour line"),            # numbers keep it
    ("by e-\nmail", "by e-mail"),                      # short prefixes keep it
    ("Northbeam-\nSupport", "Northbeam-Support"),      # a capital after the break keeps it
    ("within 2 business\r\n  days", "within 2 business days"),
    ("One line already.", "One line already."),
])
def test_display_quote_joins_line_ends(stored, shown):
    assert display_quote(stored) == shown


def test_a_compound_written_whole_elsewhere_in_the_quote_is_joined_whole():
    assert display_quote("self-service and self-\nservice portals") == \
        "self-service and self-service portals"
    assert display_quote("the onboarding and the on-\nboarding") == \
        "the onboarding and the onboarding"


def test_quotes_are_joined_in_every_report_but_not_in_the_ledger(engine_data):
    reports = all_reports(engine_data, "D-77")
    manager = visible_text(reports["manager"])
    brief = visible_text(reports["brief"])
    assert "delivered by 1 March 2027, with full implementation of the booking module and " \
           "follow-up training." in manager
    assert "within 2 business days of the fault report" in manager
    assert "within 2 business days of the fault report" in brief
    for html in reports.values():
        soup = BeautifulSoup(html, "html.parser")
        for tag in soup.find_all(["blockquote", "p", "td", "li"]):
            text = tag.get_text()
            assert "business\ndays" not in text and "imple-\nmentation" not in text
    stored = {p.text for p in engine_data.promises}
    assert set(PDF_QUOTES.values()) <= stored
    exported = {p["text"] for p in json.loads(export_json(engine_data))["promises"]}
    assert PDF_QUOTES["go-live"] in exported

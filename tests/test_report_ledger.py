"""Reports and exports on data from the real ledger and audit engine (the bundled sample
with hand-extracted promises), so the templates meet real verdicts, reasons and figures."""
from datetime import date, timedelta

import icalendar
import pytest
from bs4 import BeautifulSoup

from promiseaudit.api import load_audit_data
from promiseaudit.export import export_csv, export_ics, export_json
from promiseaudit.ledger import open_ledger
from promiseaudit.report import brief_html, brief_text, manager_report, weekly_report
from report_data import build_sample_ledger

AS_OF = date(2027, 5, 16)


@pytest.fixture(scope="module")
def data():
    db = open_ledger(":memory:")
    build_sample_ledger(db)
    return load_audit_data(db, AS_OF)


def status_of(data, fragment):
    (p,) = [p for p in data.promises if fragment in p.text]
    return data.verdicts[p.id].status


def test_the_engine_gives_the_statuses_the_reports_expect(data):
    assert status_of(data, "network health report") == "broken"
    assert status_of(data, "Priority 1 incidents") == "broken"
    assert status_of(data, "insurance-eligibility") == "waived"
    assert len(data.history) == 5 and data.previous


def test_manager_report_on_real_verdicts(data):
    soup = BeautifulSoup(manager_report(data), "html.parser")
    broken = " ".join(soup.find("section", id="broken").get_text(" ").split())
    assert "network health report" in broken
    assert "P1 responses within 1 hour" in broken
    assert "northbeam-harbor-logistics.md, page 1" in broken
    rows = soup.find("section", id="proposals").select("tbody tr")
    assert any("locked with a password" in r.get_text() for r in rows)
    assert soup.find("svg", class_="trend") is not None
    text = soup.get_text(" ")
    assert "None" not in text.split() and "null" not in text.split()


def test_weekly_brief_and_exports_on_real_verdicts(data):
    start = AS_OF - timedelta(days=6)
    weekly = weekly_report(data, start, AS_OF)
    assert weekly == weekly_report(data, start, AS_OF)
    assert "Week 19, 2027" in weekly
    text = brief_text(data, deal_id="D-1001")
    assert "TALK ABOUT THESE FIRST" in text and "> " in text
    assert all(len(line) <= 78 for line in text.splitlines())
    soup = BeautifulSoup(brief_html(data, customer="Harbor Logistics"), "html.parser")
    assert soup.select("p.say")
    assert len(export_csv(data).splitlines()) == 1 + len(data.promises)
    assert export_json(data).startswith("{")
    cal = icalendar.Calendar.from_ical(export_ics(data))
    assert cal.walk("VEVENT")

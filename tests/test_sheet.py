"""`promiseaudit sheet`: the customer's one page, "What you will receive and when"."""
from datetime import date

import pytest
from bs4 import BeautifulSoup

from promiseaudit import api, review
from promiseaudit.cli import main
from promiseaudit.errors import LedgerError
from promiseaudit.ledger import open_ledger, queries
from promiseaudit.report.sheet import sheet_html
from after_sale import LEFT_UNREVIEWED, build_deal, deal_ledger

AS_OF = date(2027, 5, 17)


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory, nlp):
    return deal_ledger(tmp_path_factory.mktemp("sheet"), nlp)


@pytest.fixture(scope="module")
def db(ledger_path):
    return open_ledger(ledger_path)


@pytest.fixture(scope="module")
def soup(db):
    return BeautifulSoup(sheet_html(api.sheet_data(db, "D-1001", AS_OF), "%d %B %Y"),
                         "html.parser")


def rows(soup):
    """{quote: when} for every promise row."""
    out = {}
    for tr in soup.select("table.receive tbody tr"):
        cells = tr.find_all("td")
        if cells:
            out[cells[1].get_text(strip=True)] = cells[0].get_text(strip=True)
    return out


def row(soup, words):
    return next(when for what, when in rows(soup).items() if words in what)


def test_structure_and_sections(soup):
    assert soup.h1.get_text() == "What you will receive and when"
    assert "For Harbor Logistics, prepared on 17 May 2027." in soup.select_one(".subtitle").get_text()
    sections = [th.get_text() for th in soup.select("th.section")]
    assert sections == ["What we deliver", "Training", "Meetings and reviews",
                        "Service levels", "Warranty", "Prices"]


def test_only_confirmed_promises_in_the_proposals_words(soup, db):
    quotes = set(rows(soup))
    confirmed = {" ".join(p.text.split()) for p in queries.promises(db, deal_id="D-1001")
                 if p.review_state == "confirmed"}
    assert quotes == confirmed
    assert LEFT_UNREVIEWED not in quotes


def test_dates_are_resolved_from_signature_go_live_and_events(soup):
    assert row(soup, "site survey report") == "By 14 February 2027 (30 days after signature)"
    assert row(soup, "network health report") == \
        "By 06 May 2027 (10 business days after go-live)"
    assert row(soup, "as-built drawings") == "By 12 March 2027 (10 days after commissioning)"
    assert row(soup, "no later than March 31, 2027") == "By 31 March 2027"
    assert row(soup, "three remote training sessions") == "By 22 April 2027, at go-live"
    assert row(soup, "Prices for additional sites") == "Until 15 July 2028"
    assert row(soup, "Priority 1") == "Throughout the service"


def test_recurring_promises_list_their_dates_over_the_term(soup):
    assert row(soup, "quarterly business review") == (
        "Every quarter: 24 April 2027, 24 July 2027, 24 October 2027, 24 January 2028")
    monthly = row(soup, "monthly service review call")
    assert monthly.startswith("Every month: 21 May 2027, 21 June 2027, 21 July 2027, "
                              "21 August 2027 and 5 more, the last on 21 January 2028")


def test_no_internal_statuses_or_codes(soup, db):
    text = soup.get_text()
    for word in ("Kept", "Broken", "Late", "At risk", "Pending", "Not yet reviewed",
                 "Confirmed", "go_live", "service_level", "business_day", "rule"):
        assert word not in text
    assert not soup.select(".badge")
    assert not any(p.id in str(soup) for p in queries.promises(db))  # no promise ids


def test_prints_on_one_page_css(soup):
    css = " ".join(s.get_text() for s in soup.find_all("style"))
    assert "@page" in css and "size: A4" in css
    assert "break-inside: avoid" in css
    assert not soup.find_all("script")


def test_refused_when_nothing_is_confirmed(db, tmp_path, nlp):
    other = open_ledger(str(tmp_path / "l.db"))
    build_deal(other, tmp_path, nlp)
    for p in queries.promises(other, deal_id="D-1001"):
        review.decide(other, p.id, "candidate", "dana")
    with pytest.raises(LedgerError, match=r"^No promise of deal D-1001 is confirmed yet \(\d+ "
                       r"found automatically are waiting for review\); confirm them with "
                       r"`promiseaudit review --deal D-1001`"):
        api.sheet_data(other, "D-1001", AS_OF)
    data = api.sheet_data(other, "D-1001", AS_OF, include_unreviewed=True)
    assert LEFT_UNREVIEWED in {p.text for p in data.promises}


def test_waived_promises_are_left_out(tmp_path, nlp):
    other = open_ledger(str(tmp_path / "l.db"))
    build_deal(other, tmp_path, nlp)
    drawings = next(p for p in queries.promises(other) if "as-built" in p.text)
    api.waive(other, drawings.id, "Customer has its own drawings", "dana", date(2027, 3, 1))
    data = api.sheet_data(other, "D-1001", AS_OF)
    assert drawings.id not in {p.id for p in data.promises}


def test_cli_sheet(runner, ledger_path, tmp_path):
    out = tmp_path / "sheet.html"
    r = runner.invoke(main, ["--db", ledger_path, "sheet", "--deal", "D-1001", "--as-of",
                             "2027-05-17", "-o", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "Sheet written to" in r.stderr
    assert "What you will receive and when" in out.read_text(encoding="utf-8")
    r = runner.invoke(main, ["--db", ledger_path, "sheet", "--deal", "D-9", "-o", str(out)])
    assert r.exit_code == 1
    assert r.stderr == ("Error: No deal 'D-9' in the ledger; check the id with "
                        "`promiseaudit deals list`\n")

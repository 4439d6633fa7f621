"""The weekly report: sections, owners, changes since last week, determinism, e-mail form."""
import random
import re
from dataclasses import replace
from datetime import date

import pytest
from bs4 import BeautifulSoup

from promiseaudit.errors import PromiseAuditError
from promiseaudit.report import iso_week_bounds, weekly_report
from report_data import AS_OF, WEEK_START, promise_by_text, sample_audit_data


@pytest.fixture(scope="module")
def data():
    return sample_audit_data()


@pytest.fixture(scope="module")
def html(data):
    return weekly_report(data, WEEK_START, AS_OF)


@pytest.fixture(scope="module")
def sections(html):
    """Section title -> list of row texts, in order."""
    soup = BeautifulSoup(html, "html.parser")
    out = {}
    for h2 in soup.find_all("h2"):
        title = h2.contents[0].strip()
        table = h2.find_parent("tr").find_next_sibling("tr").find("table")
        rows = [" ".join(tr.get_text(" ").split()) for tr in table.find_all("tr")
                if not tr.find("th")]
        out[title] = rows
    return out


def rows_with(rows, fragment):
    return [r for r in rows if fragment in r]


def test_header_names_the_week_and_the_snapshot(html):
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text() == "Week 19, 2027: 2027-05-10 to 2027-05-16"
    assert "Compared with the audit of 2027-05-09." in soup.get_text()


def test_what_broke_this_week(sections):
    rows = sections["What broke this week"]
    # Due in the week and broken; or turned broken since last week's snapshot.
    assert len(rows) == 2
    assert rows_with(rows, "as-built network documentation")
    assert rows_with(rows, "Priority 1 incidents")
    # Broken before and due before the week: not news this week.
    assert not rows_with(rows, "network health report")
    assert not rows_with(rows, "on-site workshops")


def test_due_or_at_risk_in_the_next_two_weeks_with_owners(sections):
    rows = sections["Due or at risk in the next two weeks"]
    assert len(rows) == 3
    # next weekly call: the promise's own status, the next period's in words (issue 9)
    assert rows[0].startswith("Broken 2027-05-18 next period: pending Crestview Dental Group")
    assert rows[0].endswith("Marco Reyes")
    assert rows[1].startswith("At risk Not yet reviewed 2027-05-20 Ashford County Council")
    assert rows[1].endswith("Dana Whitfield")
    assert rows[2].startswith("At risk 2027-05-21 Crestview Dental Group")
    assert not rows_with(rows, "June 1, 2027")  # due after the two weeks


def test_kept_this_week(sections):
    rows = sections["Kept this week"]
    assert len(rows) == 2
    assert rows[0].startswith("Broken 2027-05-11 this period: kept") and "Weekly status calls" in rows[0]
    assert rows[1].startswith("Kept 2027-05-13") and "washroom dispensers" in rows[1]


def test_what_changed_since_last_week(sections):
    rows = sections["What changed since last week"]
    changes = [r for r in rows if not r.startswith("1 promise")]
    assert len(changes) == 5
    assert rows_with(changes, "Kept Broken Harbor Logistics")[0].count("Priority 1") == 1
    assert rows_with(changes, "At risk Broken Harbor Logistics")
    assert rows_with(changes, "New At risk Ashford County Council")
    assert rows_with(changes, "Pending At risk Crestview Dental Group")
    assert rows_with(changes, "At risk Kept Ashford County Council")
    assert rows[-1] == ("1 promise from last week's audit is no longer checked "
                        "(rejected in review or removed).")


def test_without_a_previous_snapshot(data):
    html = weekly_report(replace(data, previous={}, previous_as_of=None), WEEK_START, AS_OF)
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert "No earlier audit was stored, so there is nothing to compare with yet." in text
    assert "Compared with the audit" not in text
    # Only what fell due in the week counts as broken this week.
    assert "as-built network documentation" in text


def test_two_runs_are_byte_identical_and_order_free(data, html):
    assert weekly_report(data, WEEK_START, AS_OF) == html
    shuffled = list(data.promises)
    random.Random(7).shuffle(shuffled)
    verdicts = dict(reversed(list(data.verdicts.items())))
    previous = dict(reversed(list(data.previous.items())))
    again = replace(data, promises=tuple(shuffled), verdicts=verdicts, previous=previous,
                    deals=dict(reversed(list(data.deals.items()))))
    assert weekly_report(again, WEEK_START, AS_OF) == html


def test_no_timestamps(html):
    today = date.today()
    assert today.isoformat() not in html
    assert not re.search(r"\d{2}:\d{2}:\d{2}", html)


def test_styles_are_inline_for_mail_clients(html):
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(["td", "th", "h1", "h2"]):
        assert tag.get("style"), f"no inline style on {tag.name}: {str(tag)[:80]}"
    for badge in soup.find_all("span", string=re.compile("^(Broken|Kept|At risk|Pending)$")):
        assert "background-color" in badge["style"]
    # Layout is tables (mail clients ignore CSS grid and flex).
    assert soup.find("table", attrs={"role": "presentation"})
    assert "display:grid" not in html and "display:flex" not in html
    assert soup.find("script") is None


def test_owner_falls_back_to_plain_words(data):
    deals = dict(data.deals)
    deals["D-1002"] = replace(deals["D-1002"], rep=None)
    html = weekly_report(replace(data, deals=deals), WEEK_START, AS_OF)
    assert "Not recorded yet" in html
    assert "None" not in BeautifulSoup(html, "html.parser").get_text()


def test_week_end_before_start_is_an_error(data):
    with pytest.raises(PromiseAuditError, match="before it starts"):
        weekly_report(data, AS_OF, WEEK_START)


@pytest.mark.parametrize("week,bounds", [
    ("2027-W28", (date(2027, 7, 12), date(2027, 7, 18))),
    ("2027-w01", (date(2027, 1, 4), date(2027, 1, 10))),
    ("2026-W53", (date(2026, 12, 28), date(2027, 1, 3))),
    ("2027W19", (WEEK_START, AS_OF)),
])
def test_iso_week_bounds(week, bounds):
    assert iso_week_bounds(week) == bounds


@pytest.mark.parametrize("week,message", [
    ("2027-28", "'2027-28' is not a week; write it as YEAR-Wnn, for example 2027-W28"),
    ("last week", "'last week' is not a week"),
    ("2027-W53", "'2027-W53': 2027 has weeks 1 to 52; pick a week in that range"),
    ("2027-W00", "2027 has weeks 1 to 52"),
])
def test_iso_week_bounds_rejects_bad_weeks(week, message):
    with pytest.raises(PromiseAuditError, match=re.escape(message)):
        iso_week_bounds(week)


def test_seen_one_status_per_promise_with_the_period_in_words(data, sections):
    # Issue 9, seen: a weekly status call "Kept" in the weekly report and "Broken" in the
    # manager report. The badge is the promise's status everywhere; the week's call is
    # described beside it.
    calls = promise_by_text(data, "Weekly status calls")
    assert data.verdicts[calls.id].status == "broken"
    assert rows_with(sections["Kept this week"], "Weekly status calls")[0].startswith(
        "Broken 2027-05-11 this period: kept")
    assert rows_with(sections["Due or at risk in the next two weeks"],
                     "Weekly status calls")[0].startswith("Broken 2027-05-18 next period: pending")


def test_week_bounds_runs_monday_to_sunday():
    from datetime import date

    from promiseaudit.report import week_bounds

    assert week_bounds(date(2027, 5, 19)) == (date(2027, 5, 17), date(2027, 5, 23))
    assert week_bounds(date(2027, 5, 23)) == (date(2027, 5, 17), date(2027, 5, 23))

"""The manager's audit report: the right promises in the right sections, figures, filters."""
import re
from dataclasses import replace
from datetime import date

import pytest
from bs4 import BeautifulSoup

from promiseaudit.errors import PromiseAuditError
from promiseaudit.report import ReportFilters, manager_report
from report_data import promise_by_text, sample_audit_data

JARGON = re.compile(r"\b(None|null|nan|NaN|promise_id|deal_id|review_state|at_risk|True|False)\b")


@pytest.fixture(scope="module")
def data():
    return sample_audit_data()


@pytest.fixture(scope="module")
def soup(data):
    return BeautifulSoup(manager_report(data), "html.parser")


def visible_text(soup) -> str:
    soup = BeautifulSoup(str(soup), "html.parser")
    for tag in soup(["style", "script"]):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


def section_quotes(soup, section_id, group=None):
    section = soup.find("section", id=section_id)
    return [q.get_text() for q in section.find_all("blockquote")]


def stat(soup, css_class) -> str:
    return soup.select_one(f"#headline .{css_class} .num").get_text(strip=True)


def test_headline_counts_and_kept_rate(soup):
    assert stat(soup, "stat-kept") == "6"
    assert stat(soup, "stat-late") == "3"
    assert stat(soup, "stat-broken") == "6"
    assert stat(soup, "stat-at_risk") == "2"
    # 6 kept on time of 15 fallen due (6 kept + 3 late + 6 broken); late counts against.
    assert stat(soup, "stat-rate") == "40%"
    rate_label = soup.select_one("#headline .stat-rate .lbl").get_text(" ", strip=True)
    assert "6 of 15" in rate_label


def test_report_says_how_the_rate_is_counted(soup):
    note = visible_text(soup.find("section", id="headline"))
    assert "A late delivery counts against the rate" in note
    assert "Pending, open, waived and superseded promises are not counted" in note


def test_unreviewed_candidates_are_counted_and_set_apart(soup, data):
    assert stat(soup, "stat-review") == "4"
    assert "4 not yet reviewed" in visible_text(soup.header)
    broken = soup.find("section", id="broken")
    title = broken.find("h3", class_="group-title")
    assert title and "Not yet reviewed (1)" in title.get_text()
    # The workshop promise (a candidate) comes after the heading, with the badge.
    card = soup.find("article", id=f"p-{promise_by_text(data, 'two on-site workshops').id}")
    assert card.find_previous("h3", class_="group-title") is title
    assert card.select_one(".badge-review").get_text() == "Not yet reviewed"
    confirmed = promise_by_text(data, "network health report")
    card = soup.find("article", id=f"p-{confirmed.id}")
    assert card.select_one(".badge-review") is None
    assert card.find_previous("h3", class_="group-title") is None


def test_every_broken_and_at_risk_promise_is_listed(soup, data):
    broken = {p.text for p in data.promises if data.verdicts[p.id].status == "broken"}
    at_risk = {p.text for p in data.promises if data.verdicts[p.id].status == "at_risk"}
    assert set(section_quotes(soup, "broken")) == broken
    assert set(section_quotes(soup, "at-risk")) == at_risk
    assert len(broken) == 6 and len(at_risk) == 2


def test_problem_card_shows_source_due_evidence_and_reason(soup, data):
    p = promise_by_text(data, "Priority 1 incidents")
    card = soup.find("article", id=f"p-{p.id}")
    text = visible_text(card)
    assert "harbor-sla-schedule.pdf, page 3" in text
    assert "Ongoing (every P1 ticket)" in text
    item = next(li for li in card.select("dd li") if "HD-40230" in li.get_text())
    assert item.get_text().startswith(
        "2027-05-09: Spokane depot cannot reach warehouse system (2.17 hours) ref. HD-40230")
    assert item.select_one(".rule").get_text() == "From helpdesk-tickets.csv row 4; Linked by hand"
    assert "From helpdesk-tickets.csv row 4" in text
    assert "2 of 3 P1 responses within 1 hour, 67%" in text
    assert "HD-40230 took 2 hours 10 minutes" in text
    # Issue 10: the rule is a tooltip for whoever asks, not text a manager reads.
    assert "compliance_below_promise" not in text
    assert card.find("dd", title="Decided by audit rule compliance_below_promise")


def test_due_basis_and_figures_are_shown(soup, data):
    card = soup.find("article", id=f"p-{promise_by_text(data, 'health report').id}")
    assert "2027-05-06 (10 business days after go-live (2027-04-22))" in visible_text(card)
    assert "Nothing recorded as delivered yet." in visible_text(card)
    card = soup.find("article", id=f"p-{promise_by_text(data, 'on-site workshops').id}")
    assert "1/2 workshops delivered (50%)" in visible_text(card)
    card = soup.find("article", id=f"p-{promise_by_text(data, 'Weekly status calls').id}")
    text = visible_text(card)
    assert "7 of 8 held" in text
    assert "2027-04-13 Broken No status call recorded that week" in text
    card = soup.find("article", id=f"p-{promise_by_text(data, 'available at least').id}")
    text = visible_text(card)
    assert "0 of 1 month at or above 99.9%, 0%" in text
    assert "Measured 99.82% in April 2027; promised at least 99.9%" in text


def test_other_promises_table_has_the_rest(soup, data):
    rows = soup.find("section", id="all").select("tbody tr")
    others = [p for p in data.promises
              if data.verdicts[p.id].status not in ("broken", "at_risk")]
    assert len(rows) == len(others) == 18
    labels = [r.select_one(".badge").get_text() for r in rows]
    assert labels == sorted(labels, key=["Late", "Open", "Pending", "Kept", "Waived",
                                         "Superseded"].index)
    assert "1 of 1 held" in visible_text(soup.find("section", id="all"))


def test_every_proposal_is_listed_with_its_outcome(soup, data):
    rows = soup.find("section", id="proposals").select("tbody tr")
    by_name = {r.find("td").get_text(): visible_text(r) for r in rows}
    assert set(by_name) == {d.name for d in data.documents}
    assert "Not read: locked with a password" in by_name["harbor-sow-signed.pdf"]
    assert "--password" in by_name["harbor-sow-signed.pdf"]
    assert "Not read: scanned image without text" in by_name["crestview-pricing-scan.pdf"]
    assert "Not read: damaged or unreadable file" in by_name["ashford-annex-b.pdf"]
    for name in ("harbor-sow-signed.pdf", "crestview-pricing-scan.pdf", "ashford-annex-b.pdf"):
        assert "Not read, so not checked" in by_name[name]
        assert "No promises found" not in by_name[name]
    assert "No promises found" in by_name["crestview-cover-letter.txt"]
    assert "8 promises" in by_name["northbeam-harbor-logistics.md"]
    assert "3 proposals were not read" in visible_text(soup.find("section", id="headline"))


def test_breakdowns_by_rep_customer_and_kind(soup):
    tables = soup.find("section", id="rates").find_all("table")
    reps = {r.find("td").get_text(): [td.get_text(" ", strip=True) for td in r.find_all("td")]
            for r in tables[0].select("tbody tr")}
    # Dana: kept 6, late 3, broken 4 -> 13 due, 46%. Marco: 0 kept of 2 broken.
    assert reps["Dana Whitfield"][1:5] == ["6", "3", "4", "13"]
    assert reps["Dana Whitfield"][-1].endswith("46%")
    assert reps["Marco Reyes"][-1].endswith("0%")
    customers = [r.find("td").get_text() for r in tables[1].select("tbody tr")]
    assert customers == ["Ashford County Council", "Crestview Dental Group", "Harbor Logistics"]
    kinds = {r.find("td").get_text(): r.select("td")[-1].get_text(" ", strip=True)
             for r in tables[2].select("tbody tr")}
    assert kinds["Pricing"].endswith("Nothing due yet")
    assert kinds["Delivery"].endswith("44%")  # 4 kept of 9 due


def test_trend_chart_is_inline_svg_from_history(soup, data):
    svg = soup.find("section", id="rates").find("svg", attrs={"role": "img"})
    assert svg is not None and svg.find("polyline") is not None
    assert len(svg.find_all("circle")) == len(data.history) == 5
    caption = soup.find("figcaption").get_text()
    assert caption == "Kept on time: 86% on 2027-04-19, 40% on 2027-05-16 (5 audits)."


def test_without_history_the_report_explains_the_missing_trend(data):
    html = manager_report(replace(data, history=data.history[-1:]))
    rates = BeautifulSoup(html, "html.parser").find("section", id="rates")
    assert rates.find("polyline") is None
    assert "The trend appears once two audits" in rates.get_text()


def test_filters_by_rep_customer_deal_and_since(data):
    def quotes(filters):
        soup = BeautifulSoup(manager_report(data, filters), "html.parser")
        return soup, set(section_quotes(soup, "broken")) | set(section_quotes(soup, "at-risk"))

    soup, q = quotes(ReportFilters(rep="marco reyes"))
    assert q == {p.text for p in data.promises if p.deal_id == "D-1002"
                 and data.verdicts[p.id].status in ("broken", "at_risk")}
    assert [li.get_text() for li in soup.select("ul.filters li")] == ["Rep: marco reyes"]
    rows = soup.find("section", id="proposals").select("tbody tr")
    names = {r.find("td").get_text() for r in rows}
    assert names == {"clinicflow-crestview-dental.md", "crestview-pricing-scan.pdf",
                     "crestview-cover-letter.txt"}
    assert "The trend covers all deals" in soup.find("section", id="rates").get_text()
    _, q = quotes(ReportFilters(customer="Ashford County Council"))
    assert q == {promise_by_text(data, "Window cleaning").text}
    _, q = quotes(ReportFilters(deal="D-1001"))
    assert all(promise_by_text(data, t[:40]).deal_id == "D-1001" for t in q) and len(q) == 4
    soup, q = quotes(ReportFilters(since=date(2027, 5, 1)))
    assert promise_by_text(data, "health report").text in q
    assert promise_by_text(data, "on-site workshops").text not in q  # due 5 April
    assert promise_by_text(data, "Priority 1").text not in q  # no due date
    assert "Promises due on or after 2027-05-01" in visible_text(soup.header)


@pytest.mark.parametrize("filters,message", [
    (ReportFilters(deal="D-9"), "No deal 'D-9' in the ledger; run `promiseaudit deals list`"),
    (ReportFilters(rep="Nobody"), "No rep 'Nobody' on any deal in the ledger"),
    (ReportFilters(customer="Acme"), "No customer 'Acme' in the ledger"),
])
def test_unknown_filter_values_say_what_to_do(data, filters, message):
    with pytest.raises(PromiseAuditError, match=re.escape(message)):
        manager_report(data, filters)


def test_dates_follow_the_users_format(data):
    soup = BeautifulSoup(manager_report(data, date_format="%d %b %Y"), "html.parser")
    assert "16 May 2027" in soup.header.get_text()
    card = soup.find("article", id=f"p-{promise_by_text(data, 'health report').id}")
    assert "06 May 2027" in visible_text(card)
    assert "2027-05-16" not in soup.header.get_text()


def test_bad_date_format_is_a_clear_error(data):
    with pytest.raises(PromiseAuditError, match="Date format 'dd/mm' has no date codes"):
        manager_report(data, date_format="dd/mm")


def test_visible_text_has_no_programmer_jargon(soup):
    text = visible_text(soup)
    assert not JARGON.search(text), JARGON.search(text)


def test_status_badges_carry_text_labels(soup):
    for badge in soup.select(".badge"):
        assert badge.get_text(strip=True), badge


def test_no_external_assets_and_no_script(soup):
    assert soup.find("script") is None
    assert not soup.find("link", rel="stylesheet")
    for tag in soup.find_all(src=True):
        raise AssertionError(f"external asset: {tag}")
    for tag in soup.find_all(href=True):
        assert tag["href"].startswith(("#", "data:")), tag


def test_an_empty_ledger_still_renders(data):
    html = manager_report(replace(data, promises=(), verdicts={}, documents=(), history=()))
    soup = BeautifulSoup(html, "html.parser")
    assert "No promises have fallen due yet" in visible_text(soup.find("section", id="headline"))
    assert "No proposals have been added" in visible_text(soup.find("section", id="proposals"))


def test_a_long_series_shows_the_latest_occurrences_and_sums_up_the_rest(data):
    from datetime import timedelta

    from promiseaudit.models import Occurrence

    p = promise_by_text(data, "Weekly status calls")
    days = [date(2027, 1, 4) + timedelta(days=i) for i in range(40)]
    occurrences = tuple(Occurrence(d, "kept" if i % 10 == 0 else "broken")
                        for i, d in enumerate(days)) + (Occurrence(date(2027, 5, 20), "pending"),
                                                        Occurrence(date(2027, 5, 21), "pending"))
    verdicts = dict(data.verdicts)
    verdicts[p.id] = replace(verdicts[p.id], occurrences=occurrences)
    soup = BeautifulSoup(manager_report(replace(data, verdicts=verdicts)), "html.parser")
    items = [visible_text(li) for li in soup.find("article", id=f"p-{p.id}").select("dd ul li")]
    assert items[0] == "32 earlier: 28 broken, 4 kept"
    assert len(items) == 1 + 8 + 1 + 1
    assert items[1].startswith("2027-02-05") and items[8].startswith("2027-02-12")
    assert items[9].startswith("2027-05-20 Pending")
    assert items[10] == "and 1 more to come, the last on 2027-05-21"

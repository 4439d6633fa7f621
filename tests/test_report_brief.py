"""The pre-call brief (HTML and terminal text) and the talking points behind it."""
import re
from dataclasses import replace
from datetime import date
from builders import as_extracted

import pytest
from bs4 import BeautifulSoup

from promiseaudit.errors import PromiseAuditError
from promiseaudit.models import Evidence, Occurrence, Promise, Verdict
from promiseaudit.report import brief_html, brief_text
from promiseaudit.report.formatting import DateFormatter
from promiseaudit.report.talking import figure_lines, subject, talking_points
from report_data import AS_OF, sample_audit_data


@pytest.fixture(scope="module")
def data():
    return sample_audit_data()


@pytest.fixture(scope="module")
def harbor(data):
    return BeautifulSoup(brief_html(data, deal_id="D-1001"), "html.parser")


def text_of(tag) -> str:
    return " ".join(tag.get_text(" ").split())


def test_brief_lists_problems_with_talking_points(harbor):
    talk = harbor.find("section", id="talk")
    # The worst three get a card with what to say (the page must hold one printed page);
    # the rest of the problems one line each, late ones with how late they were.
    cards = talk.find_all("article")
    labels = [c.select_one(".badge").get_text() for c in cards]
    assert labels == ["Broken"] * 3
    says = [text_of(p) for p in harbor.select("p.say")]
    assert ("Say: Availability was 99.82% in April 2027 against 99.9% promised; explain the "
            "cause, what has changed, and any service credit the contract gives.") in says
    assert ("Say: Acknowledge the missed health report of 2027-05-06; offer a new date and "
            "explain what is being done to deliver it.") in says
    lines = [text_of(li) for li in talk.select("ul.lines li")]
    assert len(lines) == 3
    assert lines[0].startswith("Broken Ongoing Priority 1 incidents will receive a response")
    assert "2 of 3 P1 tickets had a response within 1 hour" in lines[0]
    assert lines[2] == ("Late 2027-04-15 Go-live of the managed network will take place no "
                        "later than April 15, 2027. (7 days late)")
    assert talk.select_one("p.more") is None  # nothing left out


def test_brief_shows_deal_facts_next_check_in_and_done(harbor):
    facts = [text_of(td) for td in harbor.select("table.deal-facts td")]
    assert facts == ["D-1001", "Dana Whitfield", "2027-01-15", "2027-01-25", "2027-04-22",
                     "2028-01-31"]
    sections = {text_of(h): h.find_parent("section") for h in harbor.find_all("h2")}
    checkin = text_of(sections["Next check-in"])
    assert "2027-07-31 (in 76 days)" in checkin and "quarterly business review" in checkin
    assert "So far: 1 of 1 held." in checkin
    done = text_of(sections["Done (3)"])
    assert "site survey report" in done and "delivered 2027-02-10" in done
    later = [text_of(li) for li in sections["Still to come (2)"].select("li")]
    assert later[0].startswith("Pending Not yet reviewed 2028-07-15 Prices for additional")
    assert later[1].startswith("Open Not yet reviewed No date yet We aim to replace")
    note = text_of(harbor.select_one(".note"))
    assert "harbor-sow-signed.pdf: Not read: locked with a password" in note


def test_customer_brief_matches_names_loosely_and_shows_the_next_call(data):
    soup = BeautifulSoup(brief_html(data, customer="  crestview dental GROUP "), "html.parser")
    assert soup.h1.get_text() == "Pre-call brief: Crestview Dental Group"
    sections = {text_of(h): h.find_parent("section") for h in soup.find_all("h2")}
    assert "2027-05-18 (in 2 days)" in text_of(sections["Next check-in"])
    talk = text_of(sections["Talk about these first (3)"])
    assert "Not yet reviewed" in talk  # the workshop promise
    assert ("Only 1 of 2 workshops were delivered by 2027-04-05; give a date for the "
            "remaining 1 workshop") in talk
    assert ("1 of 8 scheduled status calls did not happen (7 of 8 held); apologise and book "
            "the next one during this call.") in talk
    assert "The data migration is due 2027-05-21 (in 5 days)" in talk
    assert "Changed by agreement" in soup.get_text()


def test_due_soon_lists_upcoming_promises(data):
    later = replace(data, as_of=date(2027, 5, 20))
    soup = BeautifulSoup(brief_html(later, deal_id="D-1002"), "html.parser")
    sections = {text_of(h): h.find_parent("section") for h in soup.find_all("h2")}
    soon = sections["Due in the next 14 days"].select("li")
    assert [text_of(li) for li in soon] == [
        "2027-06-01 Pending ClinicFlow will go live for all 14 clinics on June 1, 2027."]
    soup = BeautifulSoup(brief_html(later, deal_id="D-1003"), "html.parser")
    sections = {text_of(h): h.find_parent("section") for h in soup.find_all("h2")}
    soon = [text_of(li) for li in sections["Due in the next 14 days"].select("li")]
    # The monthly audit's next occurrence is due soon; the at-risk window cleaning is a
    # problem to talk about, so it is not repeated here.
    assert soon == ["2027-05-31 Pending A quality audit report will be shared with your "
                    "facilities manager every month."]
    assert "2027-05-31 (in 11 days)" in text_of(sections["Next check-in"])


@pytest.mark.parametrize("kwargs,message", [
    (dict(deal_id="D-9"), "No deal 'D-9' in the ledger; run `promiseaudit deals list` to see "
                          "the deal ids"),
    (dict(customer="Acme"), "No customer 'Acme' in the ledger; run `promiseaudit deals list`"),
    (dict(), "give a deal id (--deal) or a customer name (--customer)"),
    (dict(deal_id="D-1001", customer="Crestview Dental Group"),
     "Deal D-1001 belongs to Harbor Logistics, not 'Crestview Dental Group'"),
])
def test_unknown_deal_or_customer(data, kwargs, message):
    with pytest.raises(PromiseAuditError, match=re.escape(message)):
        brief_html(data, **kwargs)
    with pytest.raises(PromiseAuditError, match=re.escape(message)):
        brief_text(data, **kwargs)


def test_brief_text_is_a_fixed_width_plain_table(data):
    text = brief_text(data, deal_id="D-1001", date_format="%d %b %Y")
    lines = text.splitlines()
    assert lines[0] == "PRE-CALL BRIEF: Harbor Logistics"
    assert lines[1] == "As of 16 May 2027"
    assert all(len(line) <= 78 for line in lines), max(lines, key=len)
    assert "\x1b" not in text and "<" not in text
    for heading in ("TALK ABOUT THESE FIRST", "NEXT CHECK-IN", "DUE IN THE NEXT 14 DAYS", "DONE",
                    "PROPOSALS NOT READ"):
        assert heading in lines
    row = next(line for line in lines if line.startswith("BROKEN"))
    assert row.startswith("BROKEN     30 Apr 2027  \u201cThe network will be available")
    assert any(line.strip().startswith("> Availability was 99.82%") for line in lines)
    assert "12 promises: 3 kept, 2 late, 4 broken, 0 at risk, 3 still to come." in " ".join(lines)


def test_brief_text_when_all_is_well(data):
    calm = {pid: replace(v, status="kept") for pid, v in data.verdicts.items()}
    text = brief_text(replace(data, verdicts=calm), deal_id="D-1003")
    assert "Nothing is broken, late or at risk." in text


# --- talking points and figures, one rule at a time ---------------------------------


FMT = DateFormatter("%d %B %Y")


def promise(text, category="delivery", **kw):
    return as_extracted(Promise(text=text, source="p.pdf", page=2, start=0, end=len(text), category=category,
                   id="P1", deal_id="D-1", **kw))


def verdict(status, **kw):
    kw.setdefault("due", None)
    return Verdict(promise_id="P1", status=status, rule="r", reason="because", **kw)


def test_broken_go_live_talking_point():
    p = promise("Go-live will take place no later than 15 April 2027.", due=date(2027, 4, 15))
    points = talking_points(p, verdict("broken", due=date(2027, 4, 15)), AS_OF, FMT)
    assert points == ["Acknowledge the missed go-live of 15 April 2027; offer a new date and "
                      "explain what is being done to deliver it."]


def test_quantity_figures_and_talking_point():
    p = promise("All 340 gateways will be installed by March 31, 2027.", quantity=340,
                unit="gateway")
    v = verdict("broken", due=date(2027, 3, 31),
                figures={"delivered": 310, "promised": 340, "delivered_to_date": 325})
    assert figure_lines(p, v) == ["310/340 gateways delivered by the due date (91%)",
                                  "325/340 delivered to date"]
    assert talking_points(p, v, AS_OF, FMT)[0].startswith(
        "Only 310 of 340 gateways were delivered by 31 March 2027 (325 so far); give a date "
        "for the remaining 15 gateways")
    v = replace(v, figures={"delivered": 310, "promised": 340})
    assert figure_lines(p, v) == ["310/340 gateways delivered (91%)"]
    assert "remaining 30 gateways" in talking_points(p, v, AS_OF, FMT)[0]


def test_measured_and_recurring_at_risk_points():
    p = promise("Re-cleans within 24 hours.", "support", threshold=24, threshold_unit="hour",
                direction="at_most")
    v = verdict("at_risk", figures={"met": 2, "total": 2, "rate": 1.0})
    assert talking_points(p, v, AS_OF, FMT) == [
        "The latest figure is close to the promised limit (within 24 hours); say what is being "
        "done to stay within it before they notice."]
    p = promise("Monthly quality audits will be shared.", "check_in", recurrence="monthly")
    v = verdict("at_risk", due=date(2027, 5, 31), figures={"held": 2, "due": 2})
    assert talking_points(p, v, AS_OF, FMT) == [
        "The audit due 31 May 2027 is not recorded yet; confirm when it will happen."]


def test_measured_breach_uses_the_worst_month():
    p = promise("Uptime will be at least 99.9% each month.", "service_level", threshold=99.9,
                threshold_unit="%", direction="at_least", recurrence="monthly")
    occ = (Occurrence(date(2027, 3, 31), "broken", (Evidence(1, date(2027, 3, 31), "March",
                                                             value=99.2),)),
           Occurrence(date(2027, 4, 30), "kept", (Evidence(2, date(2027, 4, 30), "April",
                                                           value=99.95),)))
    v = verdict("broken", due=date(2027, 3, 31), figures={"held": 1, "due": 2}, occurrences=occ)
    assert figure_lines(p, v) == ["1 of 2 months at or above 99.9%, 50%",
                                  "Measured 99.2% in March 2027; promised at least 99.9%"]
    assert talking_points(p, v, AS_OF, FMT) == [
        "Uptime was 99.2% in March 2027 against 99.9% promised; explain the cause, what has "
        "changed, and any service credit the contract gives."]


def test_compliance_figures():
    p = promise("Priority 1 tickets get a response within 1 hour.", "support", threshold=1,
                threshold_unit="hour", direction="at_most")
    v = verdict("broken", figures={"met": 2, "total": 3, "rate": 0.67})
    assert figure_lines(p, v) == ["2 of 3 P1 responses within 1 hour, 67%"]


def test_recurring_held_figures_and_missed_check_in():
    p = promise("We will hold a quarterly business review.", "check_in", recurrence="quarterly")
    v = verdict("broken", figures={"held": 3, "due": 4})
    assert figure_lines(p, v) == ["3 of 4 held"]
    assert talking_points(p, v, AS_OF, FMT)[0].startswith(
        "1 of 4 scheduled business reviews did not happen (3 of 4 held)")


def test_at_risk_late_and_conditions():
    p = promise("The data migration will be completed by 21 May 2027.",
                condition="provided the customer sends the export")
    v = verdict("at_risk", due=date(2027, 5, 21))
    points = talking_points(p, v, AS_OF, FMT)
    assert points[0].startswith("The data migration is due 21 May 2027 (in 5 days)")
    assert points[1].startswith("It depended on a condition (provided the customer sends")
    late = talking_points(p, verdict("late", due=date(2027, 5, 1), days_late=1), AS_OF, FMT)
    assert late[0].startswith("The data migration came 1 day late (due 01 May 2027)")
    assert talking_points(p, verdict("kept"), AS_OF, FMT) == []


def test_subject_prefers_the_thing_promised_over_the_anchor():
    assert subject(promise("A health report within 10 days after go-live.")) == "health report"
    assert subject(promise("Go-live of the network by 15 April.")) == "go-live"
    assert subject(promise("We will do it.", "training")) == "training"


def test_unknown_figures_are_shown_in_words():
    p = promise("Something measurable.")
    assert figure_lines(p, verdict("broken", figures={"credits_owed": 2, "note": None})) == [
        "Credits owed: 2", "Note: Not recorded yet"]


def test_a_long_brief_says_what_it_left_out():
    """Issue 10: the brief is one printed page, so long lists end in "and N more"."""
    from collections import Counter

    from report_data import synthetic_audit_data

    data = synthetic_audit_data(400, seed=11)
    customer, deals = Counter(d.customer for d in data.deals.values()).most_common(1)[0]
    soup = BeautifulSoup(brief_html(data, customer=customer), "html.parser")
    talk = soup.find("section", id="talk")
    shown = len(talk.find_all("article")) + len(talk.select("ul.lines li"))
    problems = int(re.search(r"\((\d+)\)", text_of(talk.h2)).group(1))
    assert (len(talk.find_all("article")), len(talk.select("ul.lines li"))) == (3, 3)
    assert text_of(talk.select_one("p.more")) == (
        f"and {problems - shown} more promises to raise; the audit report for these deals "
        "lists them all.")
    assert text_of(soup.select("table.deal-facts tbody tr")[-1]) == f"and {deals - 3} more deal"
    for section in ("done", "later"):
        part = soup.find("section", id=section)
        assert len(part.select("li")) == 3
        assert text_of(part.select_one("p.more")).startswith("and ")


def test_brief_quotes_are_cut_at_a_word_not_lost():
    long = ("We will deliver the fully configured fleet telematics platform, including every "
            "gateway, dashboard, driver app, maintenance module, fuel card integration and "
            "reporting pack described in sections 3 to 9, no later than 30 April 2027, and we "
            "will train every depot supervisor before that date.")
    data = sample_audit_data()
    p = next(p for p in data.promises if "as-built network documentation" in p.text)
    promises = tuple(x.with_(text=long) if x.id == p.id else x for x in data.promises)
    soup = BeautifulSoup(brief_html(replace(data, promises=promises), deal_id="D-1001"),
                         "html.parser")
    quotes = [text_of(q) for q in soup.select("section#talk p.quote")]
    cut = next(q for q in quotes if q.startswith("\u201cWe will deliver the fully"))
    assert cut.endswith("\u2026\u201d") and len(cut) <= 204

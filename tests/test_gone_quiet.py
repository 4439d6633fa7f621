"""Issue 12: deals gone quiet: the days since the last contact with a live customer, in
the manager report, the weekly report and the brief."""
from dataclasses import replace
from datetime import date, datetime

from bs4 import BeautifulSoup

from promiseaudit.models import Deal, Delivery
from promiseaudit.report import ReportFilters, brief_html, manager_report, weekly_report
from promiseaudit.report.formatting import DateFormatter
from promiseaudit.report.views import build_items, gone_quiet
from report_data import AS_OF, WEEK_START, sample_audit_data



def quiet_of(data, limit=30):
    fmt = DateFormatter("%Y-%m-%d")
    return gone_quiet(data, build_items(data, fmt), fmt, limit)


def data_with(deals, deliveries):
    base = sample_audit_data()
    return replace(base, deals={d.deal_id: d for d in deals}, deliveries=tuple(deliveries),
                   promises=(), verdicts={})


LIVE = Deal("Q-1", "Quiet Co", "Sam Patel", signed_on=date(2027, 1, 4), go_live_on=date(2027, 3, 1),
            ends_on=date(2028, 2, 28))


def test_a_live_deal_with_no_contact_for_a_month_has_gone_quiet():
    call = Delivery("Q-1", "check_in", date(2027, 4, 1), "Monthly service review", id=1)
    (q,) = quiet_of(data_with([LIVE], [call]))
    assert (q["deal_id"], q["days"], q["rep"]) == ("Q-1", (AS_OF - date(2027, 4, 1)).days, "Sam Patel")
    assert q["last"] == "last contact 2027-04-01 (check-in: Monthly service review)"
    assert q["next"] == "no touch point promised"


def test_a_ticket_reply_is_contact_and_so_is_a_recent_go_live():
    reply = Delivery("Q-1", "support", date(2027, 5, 10), "VPN down", id=2,
                     opened_at=datetime(2027, 5, 10, 9), responded_at=datetime(2027, 5, 10, 9, 30))
    assert quiet_of(data_with([LIVE], [reply])) == []
    fresh = replace(LIVE, go_live_on=AS_OF.replace(day=1))
    assert quiet_of(data_with([fresh], [])) == []


def test_not_live_yet_or_contract_over_is_not_quiet():
    not_live = replace(LIVE, go_live_on=None)
    ended = replace(LIVE, ends_on=date(2027, 4, 30))
    assert quiet_of(data_with([not_live, replace(ended, deal_id="Q-2")], [])) == []


def test_the_silence_limit_is_configurable():
    call = Delivery("Q-1", "check_in", date(2027, 4, 20), "Review", id=1)
    data = data_with([LIVE], [call])
    assert quiet_of(data, 30) == [] and len(quiet_of(data, 14)) == 1


def test_every_report_shows_the_deals_gone_quiet():
    data = sample_audit_data()
    manager = BeautifulSoup(manager_report(data), "html.parser").get_text(" ")
    assert "Gone quiet (1)" in manager and "Ashford County Council" in manager
    weekly = BeautifulSoup(weekly_report(data, WEEK_START, AS_OF), "html.parser").get_text(" ")
    assert "Gone quiet" in weekly and "76 days" in weekly
    brief = BeautifulSoup(brief_html(data, "D-1003"), "html.parser").get_text(" ")
    assert "Gone quiet: 76 days since last contact" in brief
    assert "Gone quiet (0)" in BeautifulSoup(manager_report(data, ReportFilters(quiet_days=90)),
                                              "html.parser").get_text(" ")

"""Due dates: stated, or counted from signature, kickoff or go-live (actual or planned)."""
from datetime import date
from builders import as_extracted

from promiseaudit.audit import AuditSettings, resolve_due
from promiseaudit.models import Deal, Promise

DEAL = Deal("D-1001", "Harbor Logistics", "Dana Whitfield", signed_on=date(2027, 1, 15),
            kickoff_on=date(2027, 1, 25), go_live_on=None, ends_on=date(2028, 1, 31),
            go_live_planned=date(2027, 4, 15))


def promise(text, **kw):
    return as_extracted(Promise(text=text, source="northbeam-harbor-logistics.md", page=1, start=0,
                   end=len(text), category=kw.pop("category", "delivery"), id="P1",
                   deal_id="D-1001", **kw))


def test_stated_date():
    p = promise("All 120 gateways installed no later than March 31, 2027.",
                due=date(2027, 3, 31))
    assert resolve_due(p, DEAL, AuditSettings()) == (date(2027, 3, 31), "stated in the proposal")


def test_days_after_signature():
    p = promise("Site survey report within 30 days of contract signature.", within_days=30,
                anchor="signature")
    assert resolve_due(p, DEAL, AuditSettings()) == (
        date(2027, 2, 14), "30 days after signature (2027-01-15)")


def test_business_days_after_kickoff_over_a_weekend_and_a_holiday():
    # Kickoff Monday 2027-01-25; 15 business days is Monday 2027-02-15 ...
    p = promise("Design document within 15 business days after kickoff.", within_days=15,
                business_days=True, anchor="kickoff")
    assert resolve_due(p, DEAL, AuditSettings()) == (
        date(2027, 2, 15), "15 business days after kickoff (2027-01-25)")
    # ... and Tuesday 2027-02-16 when Presidents' Day (2027-02-15) is a holiday.
    holidays = AuditSettings(holidays=frozenset({date(2027, 2, 15)}))
    assert resolve_due(p, DEAL, holidays)[0] == date(2027, 2, 16)


def test_planned_go_live_until_the_actual_one_is_recorded():
    p = promise("Network health report within 10 business days after go-live.",
                within_days=10, business_days=True, anchor="go_live")
    assert resolve_due(p, DEAL, AuditSettings()) == (
        date(2027, 4, 29), "10 business days after the planned go-live (2027-04-15, from the "
        "proposal; actual go-live not recorded yet)")
    actual = Deal(**{**DEAL.__dict__, "go_live_on": date(2027, 4, 22)})
    assert resolve_due(p, actual, AuditSettings()) == (
        date(2027, 5, 6), "10 business days after go-live (2027-04-22)")


def test_before_go_live():
    three = promise("Three remote training sessions before go-live.", within_days=0,
                    anchor="go_live", category="training")
    assert resolve_due(three, DEAL, AuditSettings()) == (
        date(2027, 4, 15), "by the planned go-live (2027-04-15, from the proposal; actual "
        "go-live not recorded yet)")
    early = promise("User list two weeks before go-live.", within_days=-14, anchor="go_live")
    assert resolve_due(early, DEAL, AuditSettings())[0] == date(2027, 4, 1)
    assert resolve_due(early, DEAL, AuditSettings())[1].startswith("14 days before the planned")


def test_unknown_anchor_dates():
    no_go_live = Deal("D-1002", signed_on=date(2027, 3, 1))
    p = promise("Hypercare report 30 days after go-live.", within_days=30, anchor="go_live")
    assert resolve_due(p, no_go_live, AuditSettings()) == (None, "go-live date not recorded")
    k = promise("Workshops within 3 weeks after kickoff.", within_days=21, anchor="kickoff")
    assert resolve_due(k, no_go_live, AuditSettings()) == (None, "kickoff date not recorded")
    other = promise("Report 10 days after the site survey.", within_days=10,
                    anchor="site survey")
    assert resolve_due(other, DEAL, AuditSettings()) == (
        None, 'site survey date not recorded (record it with `promiseaudit deals set D-1001 '
              '--event "site survey=YYYY-MM-DD"`)')
    assert resolve_due(k, None, AuditSettings()) == (
        None, "kickoff date not recorded (the deal is not in the ledger)")


def test_no_due_date_and_no_named_event():
    assert resolve_due(promise("A named account manager."), DEAL, AuditSettings()) == (
        None, "no due date in the proposal")
    p = promise("Delivered within 30 days.", within_days=30)
    due, basis = resolve_due(p, DEAL, AuditSettings())
    assert due == date(2027, 2, 14)
    assert basis == ("30 days after signature (2027-01-15; the proposal names no event, so "
                     "signature is used)")


def test_days_after_termination_count_from_the_contracts_recorded_end():
    p = promise("Provider shall return all data within 30 days of the Termination Date.", within_days=30,
                anchor="termination")
    assert resolve_due(p, DEAL, AuditSettings()) == (
        date(2028, 3, 1), "30 days after the end of the contract (2028-01-31, the deal's end date)")
    open_ended = Deal("D-1002", "Acme", "Dana Whitfield", signed_on=date(2027, 1, 15))
    due, why = resolve_due(p, open_ended, AuditSettings())
    assert due is None and "--ends YYYY-MM-DD" in why

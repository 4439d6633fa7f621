"""A recurring promise bounded by an event ("weekly calls until go-live") stops there."""
from datetime import date

from builders import as_extracted
from promiseaudit.audit import AuditSettings, audit_promise
from promiseaudit.models import Deal, Delivery, Promise


def calls(text, series_end=None):
    """A weekly check-in as extraction stores it: the event that ends the series is read
    from the wording once, at extraction (issue 8), not by the audit."""
    return as_extracted(Promise(text=text, source="p.md", page=1, start=0, end=len(text),
                   category="check_in", recurrence="weekly", id="P1", deal_id="D-1",
                   series_end=series_end))


def test_weekly_calls_until_go_live_stop_at_planned_go_live():
    deal = Deal("D-1", kickoff_on=date(2027, 3, 1), go_live_planned=date(2027, 3, 29),
                ends_on=date(2028, 2, 28))
    records = [Delivery("D-1", "check_in", date(2027, 3, d), "Weekly status call", id=i)
               for i, d in enumerate((3, 10, 17, 24), 1)]
    v = audit_promise(calls("Weekly status calls will be held until go-live.", "go_live"), deal, records,
                      date(2027, 6, 1), AuditSettings())
    assert v.status == "kept", v.reason
    assert v.figures["due"] == 4 and v.figures["held"] == 4
    assert "go-live" in v.due_basis


def test_without_a_bound_the_series_runs_to_the_contract_end():
    deal = Deal("D-1", kickoff_on=date(2027, 3, 1), go_live_planned=date(2027, 3, 29),
                ends_on=date(2028, 2, 28))
    records = [Delivery("D-1", "check_in", date(2027, 3, d), "Weekly status call", id=i)
               for i, d in enumerate((3, 10, 17, 24), 1)]
    v = audit_promise(calls("Weekly status calls will be held."), deal, records,
                      date(2027, 6, 1), AuditSettings())
    assert v.status == "broken"


def test_issue_8_extraction_stores_the_series_end_and_the_go_live_flag(nlp):
    from builders import text_document
    from promiseaudit.extract import extract

    found = extract(text_document("We will hold weekly status calls until go-live.\n"
                                  "The portal will go live by 1 March 2027.\n"), nlp)
    calls_, live = found
    assert calls_.recurrence == "weekly" and calls_.series_end == "go_live"
    assert live.names_go_live and live.series_end is None

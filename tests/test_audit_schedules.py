"""Issue 9: recurring promises start where the text says, and a deadline inside each
period ("by the fifth working day of each month") is judged per period."""
from datetime import date

import pytest
from builders import as_extracted, text_document

from promiseaudit.audit import AuditSettings, audit_promise
from promiseaudit.extract import extract
from promiseaudit.models import Deal, Delivery, Promise

DEAL = Deal("D-1", "Acme", signed_on=date(2027, 1, 4), kickoff_on=date(2027, 1, 11),
            go_live_on=date(2027, 3, 1), ends_on=date(2027, 12, 31))


def promise(text, category="check_in", **kw):
    return as_extracted(Promise(text=text, source="p.md", page=1, start=0, end=len(text),
                                category=category, id="P1", deal_id="D-1",
                                review_state="confirmed", **kw))


def sent(*days):
    return [Delivery("D-1", "check_in", d, "Monthly service report", id=i)
            for i, d in enumerate(days, 1)]


HEADER = "Proposal for Acme\n\nPrepared by: Northbeam Ltd\nDate: 5 January 2027\n\n## Our proposal\n\n"


@pytest.mark.parametrize("sentence, fields", [
    ("We will send the monthly service report by the fifth working day of each month.",
     {"recurrence": "monthly", "period_due_days": 5, "period_due_from": "start", "period_due_business": True}),
    ("A QBR pack will be sent within 10 business days of the end of each quarter.",
     {"recurrence": "quarterly", "period_due_days": 10, "period_due_from": "end"}),
    ("From September 2027, we will hold monthly account reviews with your team.",
     {"recurrence": "monthly", "series_start": date(2027, 9, 1)}),
    ("After go-live, we will hold quarterly business reviews.",
     {"recurrence": "quarterly", "anchor": "go_live", "within_days": 0}),
])
def test_extraction_stores_where_a_schedule_starts_and_its_deadline(nlp, sentence, fields):
    (p,) = [p for p in extract(text_document(HEADER + sentence + "\n"), nlp) if sentence[:20] in p.text]
    assert {k: getattr(p, k) for k in fields} == fields


REPORT = promise("We will send the monthly service report by the fifth working day of each month.",
                 recurrence="monthly", period_due_days=5, period_due_from="start", period_due_business=True)


def test_seen_reports_sent_on_time_inside_each_month_are_kept():
    # Seen: a brief told a rep to apologise for two reports that were sent on time.
    # 5th working day: Feb 5, Mar 5, Apr 7 2027. Kickoff 11 Jan: the first report is February's.
    v = audit_promise(REPORT, DEAL, sent(date(2027, 2, 3), date(2027, 3, 4), date(2027, 4, 6)),
                      date(2027, 4, 20), AuditSettings())
    assert v.status == "kept", v.reason
    assert [(o.due, o.status) for o in v.occurrences][:3] == [
        (date(2027, 2, 5), "kept"), (date(2027, 3, 5), "kept"), (date(2027, 4, 7), "kept")]
    assert "each due by business day 5 of its month" in v.due_basis


def test_a_report_after_the_deadline_is_late_for_its_month():
    v = audit_promise(REPORT, DEAL, sent(date(2027, 2, 3), date(2027, 3, 10), date(2027, 4, 6)),
                      date(2027, 4, 20), AuditSettings())
    assert v.status == "late", v.reason
    march = [o for o in v.occurrences if o.due == date(2027, 3, 5)][0]
    assert march.status == "late" and "after its deadline" in march.detail


def test_a_schedule_starts_on_the_date_the_text_gives():
    reviews = promise("From September 2027, we will hold monthly account reviews.", recurrence="monthly",
                      series_start=date(2027, 9, 1))
    v = audit_promise(reviews, DEAL, [], date(2027, 8, 15), AuditSettings())
    assert v.status == "pending" and "2027-09-01 (stated in the proposal)" in v.due_basis
    v = audit_promise(reviews, DEAL, sent(date(2027, 9, 20)), date(2027, 10, 5), AuditSettings())
    assert v.occurrences[0].status == "kept"


def test_a_schedule_after_go_live_starts_at_go_live():
    qbr = promise("After go-live, we will hold quarterly business reviews.", recurrence="quarterly",
                  anchor="go_live", within_days=0)
    v = audit_promise(qbr, DEAL, [], date(2027, 5, 1), AuditSettings())
    assert "go-live (2027-03-01)" in v.due_basis
    assert v.occurrences[0].due == date(2027, 5, 31)


def test_a_deadline_after_each_period_ends():
    pack = promise("A QBR pack will be sent within 10 business days of the end of each quarter.",
                   recurrence="quarterly", period_due_days=10, period_due_from="end",
                   period_due_business=True, anchor="go_live", within_days=0)
    # Go-live 1 March: the first quarter ends 31 March, its pack is due 14 April.
    v = audit_promise(pack, DEAL, sent(date(2027, 4, 9)), date(2027, 4, 20), AuditSettings())
    assert (v.occurrences[0].due, v.occurrences[0].status) == (date(2027, 4, 14), "kept")
    v = audit_promise(pack, DEAL, [], date(2027, 4, 20), AuditSettings())
    assert v.occurrences[0].status in ("broken", "at_risk")

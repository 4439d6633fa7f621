"""Issue 9: a record counts only toward a promise of its tier that measures the same
thing, converted to the promise's unit; questions are not incidents."""
from datetime import date, datetime

import pytest
from builders import as_extracted

from promiseaudit import imports
from promiseaudit.audit import AuditSettings, audit_promise, match_deliveries
from promiseaudit.models import Deal, Delivery, Promise
from promiseaudit.tiers import canonical_unit, convert, named_tier, promise_measures, record_tier

DEAL = Deal("D-1", "Acme", signed_on=date(2027, 1, 4), kickoff_on=date(2027, 1, 11),
            go_live_on=date(2027, 2, 1), ends_on=date(2028, 1, 31))


def promise(pid, text, category, **kw):
    return as_extracted(Promise(text=text, source="p.md", page=1, start=0, end=len(text),
                                category=category, id=pid, deal_id="D-1",
                                review_state="confirmed", **kw))


def ticket(rid, priority, opened, responded, subject="Ticket", **kw):
    return Delivery("D-1", "support", opened.date(), subject, id=rid, priority=priority,
                    opened_at=opened, responded_at=responded, **kw)


UPTIME = promise("UP", "The portal will be available 99.9% of the time each month.", "service_level",
                 recurrence="monthly", threshold=99.9, threshold_unit="%", direction="at_least")
NORMAL = promise("NORM", "Normal priority requests will be answered within 8 hours.", "support",
                 threshold=8, threshold_unit="hour", direction="at_most")
URGENT = promise("URG", "Urgent tickets will be answered within 1 hour.", "support",
                 threshold=1, threshold_unit="hour", direction="at_most")
P1 = promise("P1", "Priority 1 incidents: response within 30 minutes.", "support",
             threshold=30, threshold_unit="minute", direction="at_most")
P2 = promise("P2", "Priority 2 incidents: response within 2 hours.", "support",
             threshold=2, threshold_unit="hour", direction="at_most")
FIX = promise("FIX", "We will repair any faulty terminal within 2 business days.", "warranty",
              threshold=2, threshold_unit="business_day", direction="at_most")


@pytest.mark.parametrize("text, tier", [
    ("P1 incidents will be answered within 1 hour", 1), ("Priority 2 tickets", 2),
    ("Severity 3: next business day", 3), ("Urgent tickets: 1 hour", 1),
    ("High-priority issues within 4 hours", 2), ("Normal priority requests", 3),
    ("Low: next business day", 4), ("Critical systems will be 99.9% available", None),
    ("Level 1 support answers within 2 hours", None),
])
def test_a_promise_names_its_tier(text, tier):
    assert named_tier(text) == tier


@pytest.mark.parametrize("value, tier", [("P1", 1), ("1", 1), ("Sev 2", 2), ("Urgent", 1),
                                         ("High", 2), ("Normal", 3), ("Low", 4), ("", None)])
def test_a_record_priority_on_every_scheme(value, tier):
    assert record_tier(value) == tier


def test_units_convert_only_where_they_mean_the_same_time():
    assert convert(90, "minute", "hour") == 1.5
    assert convert(2, "business_day", "business_hour") == 16
    assert convert(1, "day", "business_day") is None
    assert canonical_unit("Minutes") == "minute" and canonical_unit("business hours") == "business_hour"
    assert canonical_unit("furlongs") is None


def test_what_a_promise_measures():
    assert UPTIME.measures == "availability"
    assert NORMAL.measures == "response" and FIX.measures == "resolution"
    assert promise_measures("A minimum of 24 placements", "placement", "at_least") == "count"


def test_seen_a_ticket_reply_time_is_never_an_uptime_reading():
    # Seen: a ticket's 12 reply minutes read as an uptime of 12 %.
    reply = Delivery("D-1", "support", date(2027, 3, 2), "Ticket #4411 printer offline", id=1,
                     value=12, value_unit="minute", value_kind="response")
    (m,) = match_deliveries([UPTIME, NORMAL], [reply], {"D-1": DEAL})
    assert m.promise_id == "NORM"
    v = audit_promise(UPTIME, DEAL, [reply], date(2027, 4, 1), AuditSettings())
    assert v.status != "broken" and not v.evidence


def test_a_value_in_minutes_is_converted_to_the_promise_unit():
    reply = Delivery("D-1", "support", date(2027, 3, 2), "First reply", id=1, value=90,
                     value_unit="minute", value_kind="response")
    v = audit_promise(NORMAL, DEAL, [reply], date(2027, 4, 1), AuditSettings())
    assert v.status == "kept", v.reason
    slow = Delivery("D-1", "support", date(2027, 3, 2), "First reply", id=2, value=600,
                    value_unit="minute", value_kind="response")
    v = audit_promise(NORMAL, DEAL, [reply, slow], date(2027, 4, 1), AuditSettings())
    assert v.status == "broken" and "10 hours" in v.reason, v.reason


def test_seen_a_low_ticket_never_counts_toward_the_normal_promise():
    low = ticket(1, "Low", datetime(2027, 3, 2, 9), datetime(2027, 3, 2, 20))
    normal = ticket(2, "Normal", datetime(2027, 3, 3, 9), datetime(2027, 3, 3, 10))
    v = audit_promise(NORMAL, DEAL, [low, normal], date(2027, 4, 1), AuditSettings())
    assert v.status == "kept" and [e.delivery_id for e in v.evidence] == [2]
    (m_low, _) = match_deliveries([NORMAL, URGENT], [low, normal], {"D-1": DEAL})
    assert m_low.promise_id is None


def test_seen_priority_in_the_description_is_not_ambiguous_between_tiers():
    # Seen: "Priority 1 ... response time" records ambiguous between the P1 and P2 promises.
    records = [Delivery("D-1", "support", date(2027, 3, 31), "Priority 1 response time, March",
                        id=1, value=25, value_unit="minute", value_kind="response"),
               ticket(2, None, datetime(2027, 3, 2, 9), datetime(2027, 3, 2, 9, 20),
                      "Priority 2 - VPN down")]
    m1, m2 = match_deliveries([P1, P2], records, {"D-1": DEAL})
    assert (m1.promise_id, m1.ambiguous) == ("P1", False)
    assert m2.promise_id == "P2"


def test_a_question_is_not_an_incident_or_a_repair():
    question = ticket(1, "P1", datetime(2027, 3, 2, 9), datetime(2027, 3, 2, 14),
                      "How to export invoices?", record_type="Question")
    quote = Delivery("D-1", "warranty", date(2027, 3, 5), "Quote request for two more terminals",
                     id=2, opened_at=datetime(2027, 3, 2, 9), resolved_at=datetime(2027, 3, 12, 9))
    v = audit_promise(P1, DEAL, [question], date(2027, 4, 1), AuditSettings())
    assert v.status != "broken" and not v.evidence
    v = audit_promise(FIX, DEAL, [quote], date(2027, 4, 1), AuditSettings())
    assert v.status != "broken" and not v.evidence
    (m,) = match_deliveries([P1, P2], [question], {"D-1": DEAL})
    assert m.promise_id is None


def test_imports_read_value_unit_kind_and_type(fresh_db, tmp_path):
    db = fresh_db
    from promiseaudit.ledger import store
    store.upsert_deal(db, DEAL)
    path = tmp_path / "replies.csv"
    path.write_text("deal_id,category,delivered_on,description,value,value_unit,value_kind,record_type\n"
                    "D-1,support,2027-03-02,First reply,90,minutes,first reply,Incident\n"
                    "D-1,service_level,2027-03-31,Availability March,99.95%,,,\n", encoding="utf-8")
    records, _ = imports.parse_deliveries(db, path)
    assert [(r.value, r.value_unit, r.value_kind, r.record_type) for r in records] == [
        (90.0, "minute", "response", "Incident"), (99.95, "%", None, None)]


@pytest.mark.parametrize("column, value, words", [
    ("value_unit", "furlongs", "not a unit"), ("value_kind", "happiness", "not one of")])
def test_imports_refuse_an_unknown_unit_or_kind(fresh_db, tmp_path, column, value, words):
    db = fresh_db
    from promiseaudit.errors import RecordError
    from promiseaudit.ledger import store
    store.upsert_deal(db, DEAL)
    path = tmp_path / "bad.csv"
    path.write_text(f"deal_id,category,delivered_on,value,{column}\nD-1,support,2027-03-02,5,{value}\n",
                    encoding="utf-8")
    with pytest.raises(RecordError, match=f"bad.csv row 2: {column} '{value}' is {words}"):
        imports.parse_deliveries(db, path)


def test_seen_a_price_hold_is_in_force_until_a_date_not_open():
    hold = promise("HOLD", "Prices for additional sites will be held for 18 months.", "pricing",
                   threshold=18, threshold_unit="month", direction="at_least")
    v = audit_promise(hold, DEAL, [], date(2027, 6, 1), AuditSettings())
    assert (v.status, v.due) == ("pending", date(2028, 7, 4))
    assert v.reason == "In force until 2028-07-04 (18 months from signature (2027-01-04))."
    v = audit_promise(hold, DEAL, [], date(2028, 8, 1), AuditSettings())
    assert (v.status, v.rule) == ("kept", "hold.ran")
    v = audit_promise(hold, Deal("D-1"), [], date(2027, 6, 1), AuditSettings())
    assert v.status == "open" and "signature date not recorded" in v.reason


def test_seen_a_service_request_is_not_ambiguous_between_uptime_and_repairs():
    # Seen in the demo: "Request new VLAN for scanners" (P3) listed as fitting both the
    # monthly uptime promise and the gateway-replacement promise.
    spares = promise("SPR", "We aim to replace any failed gateway within 2 business days.", "support",
                     threshold=2, threshold_unit="business_day", direction="at_most")
    req = ticket(1, "P3", datetime(2027, 5, 10, 9), datetime(2027, 5, 10, 15, 20),
                 "Request new VLAN for scanners")
    (m,) = match_deliveries([UPTIME, spares], [req], {"D-1": DEAL})
    assert (m.promise_id, m.ambiguous) == (None, False)


def test_obvious_wording_lands_on_the_obvious_promise():
    live = promise("LIVE", "The portal will be live by 1 March 2027.", "delivery", due=date(2027, 3, 1))
    report = promise("RPT", "We will send a monthly availability report.", "check_in", recurrence="monthly")
    went = Delivery("D-1", "delivery", date(2027, 2, 27), "Portal went live", id=1)
    march = Delivery("D-1", "service_level", date(2027, 3, 31), "Availability report, March", id=2,
                     value=99.95, value_unit="%")
    m1, m2 = match_deliveries([live, report, UPTIME, NORMAL], [went, march], {"D-1": DEAL})
    assert m1.promise_id == "LIVE"
    assert m2.promise_id == "UP"

"""Matching delivery records to promises: explicit links, scores, reasons, ambiguity."""
import random
from datetime import date, datetime
from builders import as_extracted

from promiseaudit.audit import AuditSettings, Match, match_deliveries
from promiseaudit.models import Deal, Delivery, Promise

DEALS = {
    "D-1001": Deal("D-1001", "Harbor Logistics", signed_on=date(2027, 1, 15),
                   kickoff_on=date(2027, 1, 25), go_live_on=date(2027, 4, 22),
                   ends_on=date(2028, 1, 31)),
    "D-1002": Deal("D-1002", "Crestview Dental Group", signed_on=date(2027, 3, 1),
                   kickoff_on=date(2027, 3, 15), go_live_planned=date(2027, 6, 1)),
}


def promise(pid, text, category, deal="D-1001", **kw):
    return as_extracted(Promise(text=text, source="proposal.md", page=1, start=0, end=len(text),
                   category=category, id=pid, deal_id=deal, review_state="confirmed", **kw))


def rec(rid, day, text, category, deal="D-1001", **kw):
    return Delivery(deal_id=deal, category=category, delivered_on=day, description=text,
                    id=rid, source_file="psa-tasks.csv", source_row=(rid or 0) + 1, **kw)


ADMIN = promise("N-ADM", "We will run two admin training sessions within 6 weeks of kickoff.",
                "training", within_days=42, anchor="kickoff", quantity=2, unit="session")
USERS = promise("N-USR", "We will run four end-user training sessions before go-live.",
                "training", within_days=0, anchor="go_live", quantity=4, unit="session")
GATEWAYS = promise("N-GW", "Northbeam will install SD-WAN gateways at all 120 Harbor Logistics "
                   "sites no later than March 31, 2027.", "delivery", due=date(2027, 3, 31),
                   quantity=120, unit="gateway")
SURVEY = promise("N-SRV", "We will complete a site survey report for every location within 30 "
                 "days of contract signature.", "delivery", within_days=30, anchor="signature")
P1 = promise("N-P1", "Priority 1 incidents will receive a response within 1 hour.", "support",
             threshold=1, threshold_unit="hour", direction="at_most")
REQUESTS = promise("N-REQ", "Support requests will be resolved within 2 business days.",
                   "support", threshold=2, threshold_unit="business_day", direction="at_most")
SPARES = promise("N-SPR", "We aim to replace any failed gateway within 2 business days.",
                 "support", threshold=2, threshold_unit="business_day", direction="at_most")
SLA = promise("N-SLA", "The network will be available at least 99.9% of the time each month.",
              "service_level", recurrence="monthly", threshold=99.9, threshold_unit="%",
              direction="at_least")
REPORT = promise("N-RPT", "A monthly service report will be sent to your operations team.",
                 "check_in", recurrence="monthly")
PROMISES = [ADMIN, USERS, GATEWAYS, SURVEY, P1, REQUESTS, SPARES, SLA, REPORT]


def one(record, promises=PROMISES, **kw) -> Match:
    (m,) = match_deliveries(promises, [record], DEALS, **kw)
    return m


def test_explicit_link_wins():
    r = rec(1, date(2027, 2, 1), "Admin training session 1", "training", promise_id="N-USR")
    assert one(r) == Match(1, "N-USR", 1.0, "linked explicitly")


def test_auto_match_with_score_and_reason():
    m = one(rec(2, date(2027, 2, 10), "Admin training session 1", "training"))
    assert (m.promise_id, m.ambiguous) == ("N-ADM", False)
    assert m.reason == ("same deal, category training, 3 shared words: 'admin', 'training', "
                        "'session', on time")
    assert 0.55 <= m.score <= 1.0


def test_ambiguous_when_two_promises_fit_equally():
    m = one(rec(3, date(2027, 2, 10), "Training session held", "training"))
    assert (m.promise_id, m.ambiguous) == (None, True)
    assert m.candidates == ("N-ADM", "N-USR")
    assert m.reason.startswith("2 promises fit about equally well: N-ADM (")


def test_installs_and_survey_are_told_apart():
    m = one(rec(4, date(2027, 3, 30), "SD-WAN gateways installed at sites (batch 1-5)",
                "delivery", quantity=100))
    assert m.promise_id == "N-GW"
    assert "'gateways', 'installed', 'sites'" in m.reason
    m = one(rec(5, date(2027, 2, 10), "Site survey report delivered for every location",
                "delivery"))
    assert m.promise_id == "N-SRV"


def test_customer_name_is_not_evidence():
    m = one(rec(6, date(2027, 3, 1), "Harbor Logistics steering committee", "delivery"))
    assert m.promise_id is None and not m.ambiguous
    assert m.reason.startswith("best guess")
    assert "harbor" not in m.reason.lower()


def test_other_deals_and_unrelated_categories_are_never_candidates():
    m = one(rec(7, date(2027, 4, 1), "Admin training session 1", "training", deal="D-1002"))
    assert m == Match(7, None, 0.0, "no promises recorded for deal D-1002")
    m = one(rec(8, date(2027, 4, 1), "Price hold letter", "pricing"))
    assert m.reason == "no promise of deal D-1001 in category pricing or a related one"


def test_records_long_before_signature_are_not_matched():
    m = one(rec(9, date(2026, 10, 1), "Site survey report delivered for every location",
                "delivery"))
    assert (m.promise_id, m.reason) == (
        None, "dated 2026-10-01, long before deal D-1001 was signed (2027-01-15)")


def test_uptime_figure_goes_to_the_measured_promise():
    r = Delivery("D-1001", "service_level", date(2027, 5, 31),
                 "Network availability May 2027 (monthly uptime)", value=99.95,
                 reference="NOC-MAY", id=10)
    m = one(r)
    assert m.promise_id == "N-SLA"
    assert "carries a measurement" in m.reason


def ticket(rid, priority, subject):
    opened = datetime(2027, 5, 3, 13, 5)
    return Delivery("D-1001", "support", date(2027, 5, 3), subject, reference=f"HD-{rid}",
                    priority=priority, opened_at=opened,
                    responded_at=datetime(2027, 5, 3, 13, 55),
                    resolved_at=datetime(2027, 5, 3, 16, 0), id=rid)


def test_tickets_are_shared_by_every_time_promise_they_fit():
    m = one(ticket(11, "P1", "Tacoma gateway rebooting"))
    # P1 promise first; generic support promise; gateway promise because of the wording.
    assert (m.promise_id, m.candidates, m.ambiguous) == ("N-P1", ("N-P1", "N-REQ", "N-SPR"),
                                                         False)
    m = one(ticket(12, "P3", "Request new VLAN for scanners"))
    assert m.candidates == ("N-REQ",)
    assert m.reason.startswith("help-desk ticket (P3) with timestamps")


def test_position_is_the_id_of_records_without_one_and_order_is_stable():
    records = [rec(None, date(2027, 2, 10), "Admin training session 1", "training"),
               rec(None, date(2027, 3, 30), "SD-WAN gateways installed", "delivery")]
    assert [m.delivery_id for m in match_deliveries(PROMISES, records, DEALS)] == [0, 1]


def test_deterministic_whatever_the_input_order():
    records = [rec(20 + i, date(2027, 2, 1 + i), text, cat) for i, (text, cat) in enumerate([
        ("Admin training session 1", "training"), ("Training session held", "training"),
        ("SD-WAN gateways installed", "delivery"), ("Monthly service report sent", "check_in"),
        ("Site survey report", "delivery")])]
    first = match_deliveries(PROMISES, records, DEALS)
    rng = random.Random(7)
    for _ in range(3):
        ps, rs = PROMISES[:], records[:]
        rng.shuffle(ps)
        rng.shuffle(rs)
        assert match_deliveries(ps, rs, DEALS) == first


def test_stricter_settings_leave_more_unmatched():
    r = rec(30, date(2027, 2, 10), "Admin session", "training")
    assert one(r).promise_id == "N-ADM"
    strict = AuditSettings(min_match_score=0.95)
    assert one(r, settings=strict).promise_id is None


def test_a_shared_cache_tells_requests_from_incidents_by_record_type():
    """The cache of an audit run deal by deal keeps whether a wording is a request; the
    same words with another record type are judged on their own."""
    from promiseaudit.audit.match import MatchCache, Matcher

    opened = datetime(2027, 5, 3, 9, 0)
    records = [rec(i, date(2027, 5, 3), "Gateway at site 4 not working", "support",
                   record_type=kind, opened_at=opened, resolved_at=datetime(2027, 5, 4, 9, 0))
               for i, kind in enumerate(["Service request", "Incident", "Service request"])]
    fresh = [Matcher(PROMISES, DEALS).match(r, r.id) for r in records]
    cache = MatchCache()
    shared = [Matcher(PROMISES, DEALS, cache=cache).match(r, r.id) for r in records]
    assert shared == fresh
    assert fresh[0].candidates != fresh[1].candidates  # a request is not a failed gateway
    assert len(cache.requests) == 2
    cache.trim(limit=0)
    assert cache.requests == {} and cache.words == {} and cache.levels == {}

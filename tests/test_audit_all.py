"""audit_all on one realistic deal: CRM, PSA, help-desk and NOC exports together."""
import random
from datetime import date, datetime
from builders import as_extracted

from promiseaudit.audit import AuditSettings, Waiver, audit_all, match_deliveries
from promiseaudit.models import Deal, Delivery, Promise

HARBOR = Deal("D-1001", "Harbor Logistics", "Dana Whitfield", signed_on=date(2027, 1, 15),
              kickoff_on=date(2027, 1, 25), go_live_on=date(2027, 4, 22),
              ends_on=date(2028, 1, 31), go_live_planned=date(2027, 4, 15))
DEALS = {"D-1001": HARBOR}


def promise(pid, text, category, **kw):
    return as_extracted(Promise(text=text, source="northbeam-harbor-logistics.md", page=1, start=0,
                   end=len(text), category=category, id=pid, deal_id="D-1001",
                   review_state=kw.pop("review_state", "confirmed"), **kw))


PROMISES = [
    promise("N-01", "We will complete a site survey report for every location within 30 days "
            "of contract signature.", "delivery", within_days=30, anchor="signature"),
    promise("N-02", "Northbeam will install SD-WAN gateways at all 120 Harbor Logistics sites "
            "no later than March 31, 2027.", "delivery", due=date(2027, 3, 31), quantity=120,
            unit="gateway"),
    promise("N-03", "Go-live of the managed network will take place no later than April 15, "
            "2027.", "delivery", due=date(2027, 4, 15)),
    promise("N-04", "Northbeam will provide a written network health report within 10 "
            "business days after go-live.", "delivery", within_days=10, business_days=True,
            anchor="go_live"),
    promise("N-05", "We will deliver three remote training sessions for your IT staff before "
            "go-live.", "training", within_days=0, anchor="go_live", quantity=3,
            unit="session"),
    promise("N-06", "The network will be available at least 99.9% of the time each month.",
            "service_level", recurrence="monthly", threshold=99.9, threshold_unit="%",
            direction="at_least"),
    promise("N-07", "Priority 1 incidents will receive a response within 1 hour, 24 hours a "
            "day, 7 days a week.", "support", threshold=1, threshold_unit="hour",
            direction="at_most"),
    promise("N-08", "Your account manager will hold a quarterly business review with your "
            "operations team.", "check_in", recurrence="quarterly"),
    promise("N-09", "Prices for additional sites will be held for 18 months from contract "
            "signature.", "pricing", threshold=18, threshold_unit="month",
            direction="at_least"),
    promise("N-10", "Pilot at the Tacoma depot | Northbeam | March 5, 2027", "delivery",
            due=date(2027, 3, 5)),
    promise("N-11", "Design sign-off workshop | Northbeam | February 19, 2027", "delivery",
            due=date(2027, 2, 19), review_state="superseded"),
    promise("N-12", "Free on-site training for every depot manager.", "training",
            review_state="rejected"),
]


def row(rid, day, text, category, source="deliveries.csv", **kw):
    return Delivery("D-1001", category, day, text, id=rid, source_file=source,
                    source_row=rid + 1, **kw)


def ticket(rid, priority, opened, responded, resolved, subject):
    return Delivery("D-1001", "support", resolved.date(), subject, reference=f"HD-{rid}",
                    priority=priority, opened_at=opened, responded_at=responded,
                    resolved_at=resolved, id=rid, source_file="helpdesk-tickets.csv",
                    source_row=rid - 39)


RECORDS = [
    row(1, date(2027, 2, 10), "Site survey report delivered for every location", "delivery",
        reference="PSA-1181"),
    row(2, date(2027, 3, 12), "Pilot live at the Tacoma depot", "delivery", reference="PSA-1204"),
    row(3, date(2027, 3, 30), "SD-WAN gateways installed at sites (batch 1-5)", "delivery",
        quantity=100, reference="PSA-1230"),
    row(4, date(2027, 4, 9), "SD-WAN gateways installed at sites (final batch)", "delivery",
        quantity=20, reference="PSA-1241"),
    row(5, date(2027, 4, 22), "Managed network go-live completed", "delivery",
        reference="PSA-1250"),
    row(6, date(2027, 4, 30), "Network availability April 2027 (monthly uptime)",
        "service_level", value=99.95, reference="NOC-APR"),
    row(7, date(2027, 4, 20), "Quarterly business review with operations team", "check_in",
        reference="CRM-QBR-1"),
    row(8, date(2027, 3, 18), "Remote training session 1 - IT staff", "training",
        source="psa-tasks.csv", quantity=1, reference="T-9001"),
    row(9, date(2027, 3, 25), "Remote training session 2 - IT staff", "training",
        source="psa-tasks.csv", quantity=1, reference="T-9002"),
    row(10, date(2027, 4, 8), "Remote training session 3 - IT staff", "training",
        source="psa-tasks.csv", quantity=1, reference="T-9003"),
    row(11, date(2027, 5, 31), "Network availability May 2027 (monthly uptime)",
        "service_level", value=99.82, reference="NOC-MAY"),
    row(12, date(2027, 5, 4), "Health report", "delivery", reference="PSA-1262",
        promise_id="N-04"),
    row(13, date(2027, 5, 5), "Steering committee minutes", "check_in",
        reference="CRM-7781"),
    ticket(40, "P1", datetime(2027, 4, 24, 2, 14), datetime(2027, 4, 24, 2, 49),
           datetime(2027, 4, 24, 5, 30), "Depot 14 offline - both links down"),
    ticket(41, "P1", datetime(2027, 5, 3, 13, 5), datetime(2027, 5, 3, 13, 55),
           datetime(2027, 5, 3, 16, 0), "Tacoma gateway rebooting"),
    ticket(42, "P1", datetime(2027, 5, 9, 21, 40), datetime(2027, 5, 9, 23, 50),
           datetime(2027, 5, 10, 3, 15), "Spokane depot cannot reach warehouse system"),
    ticket(43, "P3", datetime(2027, 5, 10, 9, 0), datetime(2027, 5, 10, 15, 20),
           datetime(2027, 5, 12, 11, 0), "Request new VLAN for scanners"),
]
AS_OF = date(2027, 5, 17)


def statuses(verdicts):
    return {pid: v.status for pid, v in verdicts.items()}


def test_one_deal_end_to_end():
    verdicts, matches = audit_all(PROMISES, DEALS, RECORDS, AS_OF, AuditSettings())
    assert statuses(verdicts) == {
        "N-01": "kept", "N-02": "late", "N-03": "late", "N-04": "kept", "N-05": "kept",
        "N-06": "kept", "N-07": "broken", "N-08": "kept", "N-09": "pending", "N-10": "late",
        "N-11": "superseded",
    }
    assert list(verdicts) == sorted(verdicts)  # rejected N-12 left out, ids in order
    assert verdicts["N-07"].figures == {"met": 2, "total": 3, "rate": 0.67}
    assert verdicts["N-02"].reason == ("All 120 gateways installed, but the last on "
                                       "2027-04-09, 9 days after the due date 2027-03-31 "
                                       "(100 by then).")
    assert verdicts["N-03"].days_late == 7
    uptime = verdicts["N-06"]
    assert [(o.due, o.status) for o in uptime.occurrences[:2]] == [
        (date(2027, 4, 30), "kept"), (date(2027, 5, 31), "pending")]
    assert uptime.due_basis.startswith("every calendar month from go-live (2027-04-22)")
    health = verdicts["N-04"]
    assert health.evidence[0].link == "explicit" and health.evidence[0].score == 1.0
    survey = verdicts["N-01"].evidence[0]
    assert survey.link.startswith("auto: same deal, category delivery, 4 shared words")
    assert survey.source == "deliveries.csv row 2"
    assert [m.delivery_id for m in matches] == sorted(m.delivery_id for m in matches)
    assert len(matches) == len(RECORDS)


def test_ambiguous_and_unmatched_records_count_for_nothing():
    _, matches = audit_all(PROMISES, DEALS, RECORDS, AS_OF, AuditSettings())
    by_id = {m.delivery_id: m for m in matches}
    assert by_id[13].promise_id is None  # "Steering committee minutes"
    assert by_id[13].reason.startswith("best guess N-08 scored")
    # The P3 ticket: the only time promise is for P1 incidents, so it is left unmatched.
    assert by_id[43].promise_id is None and by_id[43].reason.startswith("best guess")
    verdicts, _ = audit_all(PROMISES, DEALS, RECORDS, AS_OF, AuditSettings())
    used = [e.delivery_id for v in verdicts.values() for e in v.evidence]
    assert 13 not in used and 43 not in used


def test_waivers_by_promise_id():
    w = Waiver("N-07", "Harbor accepted the May outage report instead", "Dana Whitfield",
               date(2027, 5, 12))
    verdicts, _ = audit_all(PROMISES, DEALS, RECORDS, AS_OF, AuditSettings(), {"N-07": w})
    assert (verdicts["N-07"].status, verdicts["N-07"].rule) == ("waived", "waiver")
    earlier, _ = audit_all(PROMISES, DEALS, RECORDS, date(2027, 5, 11), AuditSettings(),
                           {"N-07": w})
    assert earlier["N-07"].status == "broken"


def test_audit_as_of_a_past_date_ignores_what_came_later():
    as_of = date(2027, 4, 8)
    now, _ = audit_all(PROMISES, DEALS, RECORDS, as_of, AuditSettings())
    known = [r for r in RECORDS if r.delivered_on <= as_of]
    then, _ = audit_all(PROMISES, DEALS, known, as_of, AuditSettings())
    assert now == then
    assert statuses(now)["N-03"] == "at_risk"  # go-live due 04-15, not recorded by 04-08
    assert statuses(now)["N-02"] == "broken"  # 100/120 by 03-31


def test_matches_can_be_given_and_are_used():
    matches = match_deliveries(PROMISES, RECORDS, DEALS)
    fixed = [m if m.delivery_id != 13 else m.__class__(13, "N-08", 1.0, "linked explicitly")
             for m in matches]
    verdicts, out = audit_all(PROMISES, DEALS, RECORDS, AS_OF, AuditSettings(), matches=fixed)
    assert out == fixed
    assert 13 in [e.delivery_id for e in verdicts["N-08"].evidence]


def test_identical_output_whatever_the_input_order():
    first = audit_all(PROMISES, DEALS, RECORDS, AS_OF, AuditSettings())
    rng = random.Random(42)
    for _ in range(3):
        ps, rs = PROMISES[:], RECORDS[:]
        rng.shuffle(ps)
        rng.shuffle(rs)
        verdicts, matches = audit_all(ps, DEALS, rs, AS_OF, AuditSettings())
        assert [v.to_dict() for v in verdicts.values()] == \
            [v.to_dict() for v in first[0].values()]
        assert matches == first[1]


def test_settings_serialise_for_the_ledger():
    import json

    s = AuditSettings(at_risk_days_by_category={"training": 14},
                      holidays=frozenset({date(2027, 5, 31)}))
    as_dict = {k: (sorted(v) if isinstance(v, frozenset) else v) for k, v in s.__dict__.items()}
    assert json.loads(json.dumps(as_dict, default=str))["at_risk_days_by_category"] == {
        "training": 14}
    assert s.window_for("training") == 14 and s.window_for("delivery") == 7

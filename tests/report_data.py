"""Realistic ``AuditData`` for report and export tests, built by hand from models only.

``sample_audit_data()`` mirrors the bundled sample (three deals, seven proposals of
which three could not be read) with every status, unreviewed candidates, quantity,
compliance and recurring figures. ``synthetic_audit_data(n, seed)`` builds a large,
seeded ledger for benchmarks and scale tests.
"""
from __future__ import annotations
from builders import as_extracted

import hashlib
import random
from datetime import date, timedelta

from promiseaudit.models import (
    AuditData,
    Deal,
    DocumentInfo,
    Evidence,
    Occurrence,
    Promise,
    Verdict,
)

AS_OF = date(2027, 5, 16)  # a Sunday: the end of ISO week 2027-W19
WEEK_START = date(2027, 5, 10)
PREVIOUS_AS_OF = date(2027, 5, 9)


def pid(deal_id: str, quote: str) -> str:
    return "P" + hashlib.sha1(f"{deal_id}\x1f{quote}".encode()).hexdigest()[:8].upper()


def ev(day, description, reference="", row=0, quantity=None, value=None, link="explicit",
       source_file="deliveries.csv"):
    return Evidence(delivery_id=row or None, date=day, description=description,
                    quantity=quantity, value=value, reference=reference, link=link,
                    source=f"{source_file} row {row}" if row else "")


DEALS = {
    "D-1001": Deal("D-1001", customer="Harbor Logistics", rep="Dana Whitfield",
                   signed_on=date(2027, 1, 15), kickoff_on=date(2027, 1, 25),
                   go_live_on=date(2027, 4, 22), ends_on=date(2028, 1, 31),
                   go_live_planned=date(2027, 4, 15)),
    "D-1002": Deal("D-1002", customer="Crestview Dental Group", rep="Marco Reyes",
                   signed_on=date(2027, 3, 1), kickoff_on=date(2027, 3, 15),
                   ends_on=date(2028, 2, 28), go_live_planned=date(2027, 6, 1)),
    "D-1003": Deal("D-1003", customer="Ashford County Council", rep="Dana Whitfield",
                   signed_on=date(2027, 2, 1), kickoff_on=date(2027, 2, 8),
                   go_live_on=date(2027, 3, 1), ends_on=date(2028, 2, 29)),
}

DOCUMENTS = (
    DocumentInfo(1, "D-1001", "northbeam-harbor-logistics.md",
                 "/proposals/northbeam-harbor-logistics.md", "md", "a" * 64, 1, "parsed",
                 promise_count=8),
    DocumentInfo(2, "D-1001", "harbor-sla-schedule.pdf", "/proposals/harbor-sla-schedule.pdf",
                 "pdf", "b" * 64, 4, "parsed", promise_count=4),
    DocumentInfo(3, "D-1001", "harbor-sow-signed.pdf", "/proposals/harbor-sow-signed.pdf",
                 "pdf", "c" * 64, 0, "encrypted",
                 outcome_detail="The PDF is protected with a password"),
    DocumentInfo(4, "D-1002", "clinicflow-crestview-dental.md",
                 "/proposals/clinicflow-crestview-dental.md", "md", "d" * 64, 1, "parsed",
                 promise_count=7),
    DocumentInfo(5, "D-1002", "crestview-pricing-scan.pdf", "/proposals/crestview-pricing-scan.pdf",
                 "pdf", "e" * 64, 2, "scanned",
                 outcome_detail="No page has a text layer (2 pages of images)"),
    DocumentInfo(6, "D-1003", "keystone-ashford-council.txt",
                 "/proposals/keystone-ashford-council.txt", "txt", "f" * 64, 1, "parsed",
                 promise_count=1),
    DocumentInfo(7, "D-1003", "keystone-ashford-council-v2.txt",
                 "/proposals/keystone-ashford-council-v2.txt", "txt", "0" * 64, 1, "parsed",
                 promise_count=6),
    DocumentInfo(8, "D-1003", "ashford-annex-b.pdf", "/proposals/ashford-annex-b.pdf", "pdf",
                 "1" * 64, 0, "malformed",
                 outcome_detail="The file ends early; it may be a broken download"),
    DocumentInfo(9, "D-1002", "crestview-cover-letter.txt", "/proposals/crestview-cover-letter.txt",
                 "txt", "2" * 64, 1, "parsed", promise_count=0),
)
DOC_NAMES = {d.id: d.name for d in DOCUMENTS}


def _promise(deal_id, doc_id, page, text, category, review="confirmed", **kw):
    return as_extracted(Promise(text=text, source=DOC_NAMES[doc_id], page=page, start=0, end=len(text),
                   category=category, rule=kw.pop("rule", f"{category}.rule"),
                   id=pid(deal_id, text), deal_id=deal_id, document_id=doc_id,
                   review_state=review, **kw))


def _weekly_calls():
    out = []
    day = date(2027, 3, 23)
    refs = iter(range(5501, 5520))
    while day <= date(2027, 5, 25):
        if day == date(2027, 4, 13):
            out.append(Occurrence(day, "broken", (), "No status call recorded that week"))
        elif day < AS_OF:
            ref = next(refs)
            out.append(Occurrence(day, "kept", (ev(day, "Weekly status call with practice "
                                                      "manager", f"CRM-{ref}", row=ref - 5490,
                                                   link="auto: same category and week"),)))
        else:
            out.append(Occurrence(day, "pending"))
        day += timedelta(days=7)
    return tuple(out)


def _entries():
    """(promise, verdict fields, status at the previous snapshot or None if new)."""
    e = []
    add = e.append
    # --- D-1001 Harbor Logistics --------------------------------------------------
    add((_promise("D-1001", 1, 1, "We will complete a site survey report for every location "
                  "within 30 days of contract signature.", "delivery", within_days=30,
                  anchor="signature"),
         dict(status="kept", due=date(2027, 2, 14), rule="delivered_on_time",
              reason="Delivered on 2027-02-10, 4 days before the due date.",
              due_basis="30 days after signature (2027-01-15)",
              evidence=(ev(date(2027, 2, 10), "Site survey report delivered for every "
                           "location", "PSA-1181", 2, link="auto: description matches "
                           "'site survey'"),)), "kept"))
    add((_promise("D-1001", 1, 1, "Northbeam will install SD-WAN gateways at all 120 Harbor "
                  "Logistics sites no later than March 31, 2027.", "delivery",
                  due=date(2027, 3, 31), quantity=120, unit="site"),
         dict(status="late", due=date(2027, 3, 31), rule="delivered_late",
              reason="All 120 sites were done on 2027-04-09, 9 days after the due date.",
              due_basis="stated in the proposal", days_late=9,
              figures={"delivered": 120, "promised": 120},
              evidence=(ev(date(2027, 3, 30), "SD-WAN gateways installed at sites (batch 1-5)",
                           "PSA-1230", 5, quantity=100),
                        ev(date(2027, 4, 9), "SD-WAN gateways installed at sites (final batch)",
                           "PSA-1241", 6, quantity=20))), "late"))
    add((_promise("D-1001", 1, 1, "Go-live of the managed network will take place no later "
                  "than April 15, 2027.", "delivery", due=date(2027, 4, 15)),
         dict(status="late", due=date(2027, 4, 15), rule="delivered_late",
              reason="Go-live happened on 2027-04-22, 7 days late.",
              due_basis="stated in the proposal", days_late=7,
              evidence=(ev(date(2027, 4, 22), "Managed network go-live completed", "PSA-1250",
                           7),)), "late"))
    add((_promise("D-1001", 1, 1, "Northbeam will provide a written network health report "
                  "within 10 business days after go-live.", "delivery", within_days=10,
                  business_days=True, anchor="go_live"),
         dict(status="broken", due=date(2027, 5, 6), rule="not_delivered_by_due",
              reason="Nothing was recorded as delivered by the due date (2027-05-06).",
              due_basis="10 business days after go-live (2027-04-22)"), "broken"))
    add((_promise("D-1001", 1, 1, "Design sign-off workshop | Northbeam | February 19, 2027",
                  "delivery", due=date(2027, 2, 19)),
         dict(status="kept", due=date(2027, 2, 19), rule="delivered_on_time",
              reason="Delivered on 2027-02-18, 1 day before the due date.",
              due_basis="stated in the proposal",
              evidence=(ev(date(2027, 2, 18), "Design sign-off workshop held with Harbor IT",
                           "PSA-1190", 3),)), "kept"))
    add((_promise("D-1001", 1, 1, "We will deliver three remote training sessions for your IT "
                  "staff before go-live.", "training", quantity=3, unit="session",
                  within_days=0, anchor="go_live"),
         dict(status="kept", due=date(2027, 4, 22), rule="quantity_met",
              reason="3 of 3 sessions were held before go-live.",
              due_basis="before go-live (2027-04-22)", figures={"delivered": 3, "promised": 3},
              evidence=tuple(ev(d, f"Remote training session {i} - IT staff", f"T-900{i}", i + 1,
                                quantity=1, source_file="psa-tasks.csv")
                             for i, d in enumerate((date(2027, 3, 18), date(2027, 3, 25),
                                                    date(2027, 4, 8)), start=1))), "kept"))
    add((_promise("D-1001", 1, 1, "Northbeam will send the as-built network documentation by "
                  "May 14, 2027.", "delivery", due=date(2027, 5, 14)),
         dict(status="broken", due=date(2027, 5, 14), rule="not_delivered_by_due",
              reason="Nothing was recorded as delivered by the due date (2027-05-14).",
              due_basis="stated in the proposal"), "at_risk"))
    add((_promise("D-1001", 1, 1, "Prices for additional sites will be held for 18 months "
                  "from contract signature.", "pricing", review="candidate"),
         dict(status="pending", due=date(2028, 7, 15), rule="not_due_yet",
              reason="The price hold runs until 2028-07-15; nothing to check yet.",
              due_basis="18 months after signature (2027-01-15)"), "pending"))
    add((_promise("D-1001", 2, 3, "The network will be available at least 99.9% of the time "
                  "each month.", "service_level", threshold=99.9, threshold_unit="%",
                  direction="at_least", recurrence="monthly"),
         dict(status="broken", due=date(2027, 4, 30), rule="level_missed",
              reason="Availability in April 2027 was 99.82%, below the promised 99.9%.",
              due_basis="each month from go-live (2027-04-22)",
              figures={"held": 0, "due": 1},
              occurrences=(Occurrence(date(2027, 4, 30), "broken",
                                      (ev(date(2027, 4, 30), "Network availability April 2027 "
                                          "(monthly uptime)", "NOC-APR", 8, value=99.82),),
                                      "99.82% against at least 99.9%"),
                           Occurrence(date(2027, 5, 31), "pending"))), "broken"))
    add((_promise("D-1001", 2, 3, "Priority 1 incidents will receive a response within 1 "
                  "hour, 24 hours a day, 7 days a week.", "support", threshold=1,
                  threshold_unit="hour", direction="at_most"),
         dict(status="broken", due=None, rule="compliance_below_promise",
              reason="2 of 3 P1 tickets had a response within 1 hour; HD-40230 took 2 hours "
                     "10 minutes.",
              due_basis="every P1 ticket", figures={"met": 2, "total": 3, "rate": 0.67},
              evidence=(ev(date(2027, 4, 26), "Depot 14 offline - both links down",
                           "HD-40112", 2, value=0.58, source_file="helpdesk-tickets.csv"),
                        ev(date(2027, 5, 3), "Tacoma gateway rebooting", "HD-40177", 3,
                           value=0.83, source_file="helpdesk-tickets.csv"),
                        ev(date(2027, 5, 9), "Spokane depot cannot reach warehouse system",
                           "HD-40230", 4, value=2.17, source_file="helpdesk-tickets.csv"))),
         "kept"))
    add((_promise("D-1001", 2, 3, "We aim to replace any failed gateway within 2 business "
                  "days.", "warranty", threshold=2, threshold_unit="business day",
                  direction="at_most", strength="soft", review="candidate"),
         dict(status="open", due=None, rule="nothing_to_measure",
              reason="No failed gateway has been recorded, so there is nothing to check yet.",
              due_basis="each failed gateway"), "open"))
    add((_promise("D-1001", 2, 4, "Your account manager will hold a quarterly business review "
                  "with your operations team.", "check_in", recurrence="quarterly"),
         dict(status="pending", due=date(2027, 7, 31), rule="recurring_on_track",
              reason="1 of 1 business reviews held so far; the next is due 2027-07-31.",
              due_basis="each quarter from go-live (2027-04-22)", figures={"held": 1, "due": 1},
              occurrences=(Occurrence(date(2027, 4, 30), "kept",
                                      (ev(date(2027, 4, 20), "Quarterly business review with "
                                          "operations team", "CRM-QBR-1", 9),)),
                           Occurrence(date(2027, 7, 31), "pending"))), "pending"))
    # --- D-1002 Crestview Dental -------------------------------------------------
    add((_promise("D-1002", 4, 1, "Data migration from your current system will be completed "
                  "by May 21, 2027.", "delivery", due=date(2027, 5, 21)),
         dict(status="at_risk", due=date(2027, 5, 21), rule="due_soon_nothing_delivered",
              reason="Due in 5 days and nothing is recorded as delivered.",
              due_basis="stated in the proposal"), "pending"))
    add((_promise("D-1002", 4, 1, "ClinicFlow will go live for all 14 clinics on June 1, 2027.",
                  "delivery", due=date(2027, 6, 1)),
         dict(status="pending", due=date(2027, 6, 1), rule="not_due_yet",
              reason="Not due until 2027-06-01.", due_basis="stated in the proposal"),
         "pending"))
    add((_promise("D-1002", 4, 1, "The custom insurance-eligibility report will be delivered "
                  "within 45 days of contract signature.", "delivery", within_days=45,
                  anchor="signature"),
         dict(status="waived", due=date(2027, 4, 15), rule="waived",
              reason="Waived on 2027-04-12 by Marco Reyes: Crestview agreed to drop the "
                     "custom report; the standard eligibility check covers their needs.",
              due_basis="45 days after signature (2027-03-01)"), "waived"))
    add((_promise("D-1002", 4, 1, "ClinicFlow will provide a hypercare period with a named "
                  "engineer for 30 days after go-live.", "support", within_days=30,
                  anchor="go_live"),
         dict(status="open", due=None, rule="anchor_unknown",
              reason="Go-live has not been recorded, so the due date cannot be worked out.",
              due_basis="30 days after go-live (not recorded yet)"), "open"))
    add((_promise("D-1002", 4, 1, "We will run two on-site workshops for up to 40 front-desk "
                  "staff within 3 weeks after kickoff.", "training", quantity=2,
                  unit="workshop", within_days=21, anchor="kickoff", review="candidate"),
         dict(status="broken", due=date(2027, 4, 5), rule="quantity_short",
              reason="Only 1 of 2 workshops was held by the due date (2027-04-05).",
              due_basis="3 weeks after kickoff (2027-03-15)",
              figures={"delivered": 1, "promised": 2},
              evidence=(ev(date(2027, 4, 1), "On-site workshop 1 - front-desk staff", "T-9010",
                           5, quantity=1, source_file="psa-tasks.csv"),)), "broken"))
    add((_promise("D-1002", 4, 1, "Weekly status calls will be held with your practice manager "
                  "until go-live.", "check_in", recurrence="weekly"),
         dict(status="broken", due=date(2027, 4, 13), rule="recurring_missed",
              reason="The status call in the week of 2027-04-13 did not happen.",
              due_basis="every week from kickoff (2027-03-15) until go-live",
              figures={"held": 7, "due": 8}, occurrences=_weekly_calls()), "broken"))
    add((_promise("D-1002", 4, 1, "Support requests will be answered within 4 business hours.",
                  "support", threshold=4, threshold_unit="business hour", direction="at_most"),
         dict(status="open", due=None, rule="nothing_to_measure",
              reason="No support requests have been recorded yet, so there is nothing to "
                     "measure.", due_basis="each support request"), "open"))
    # --- D-1003 Ashford County Council ------------------------------------------
    add((_promise("D-1003", 6, 1, "Nightly cleaning of all council offices will start on "
                  "1 March 2027.", "delivery", due=date(2027, 3, 1), review="superseded"),
         dict(status="superseded", due=date(2027, 3, 1), rule="superseded",
              reason="Replaced by keystone-ashford-council-v2.txt.",
              due_basis="stated in the proposal"), "superseded"))
    add((_promise("D-1003", 7, 1, "Nightly cleaning of all council offices will start by "
                  "1 March 2027.", "delivery", due=date(2027, 3, 1)),
         dict(status="kept", due=date(2027, 3, 1), rule="delivered_on_time",
              reason="Started on 2027-03-01, on the due date.",
              due_basis="stated in the proposal",
              evidence=(ev(date(2027, 3, 1), "Nightly cleaning service started in all council "
                           "offices", "KF-001", 17),)), "kept"))
    add((_promise("D-1003", 7, 1, "A quality audit report will be shared with your facilities "
                  "manager every month.", "check_in", recurrence="monthly"),
         dict(status="pending", due=date(2027, 5, 31), rule="recurring_on_track",
              reason="2 of 2 monthly audits shared so far; the next is due 2027-05-31.",
              due_basis="each month from go-live (2027-03-01)", figures={"held": 2, "due": 2},
              occurrences=(Occurrence(date(2027, 3, 31), "kept",
                                      (ev(date(2027, 3, 31), "Monthly quality audit shared",
                                          "KF-QA-03", 18),)),
                           Occurrence(date(2027, 4, 30), "kept",
                                      (ev(date(2027, 4, 30), "Monthly quality audit shared",
                                          "KF-QA-04", 19),)),
                           Occurrence(date(2027, 5, 31), "pending"))), "pending"))
    add((_promise("D-1003", 7, 1, "A carpet deep clean of all floors will be completed by "
                  "15 April 2027.", "delivery", due=date(2027, 4, 15)),
         dict(status="late", due=date(2027, 4, 15), rule="delivered_late",
              reason="Completed on 2027-04-17, 2 days late.", due_basis="stated in the proposal",
              days_late=2, evidence=(ev(date(2027, 4, 17), "Carpet deep clean completed (all "
                                        "floors)", "KF-DC-1", 20),)), "late"))
    add((_promise("D-1003", 7, 1, "Any area reported as unsatisfactory will be re-cleaned "
                  "within 24 hours.", "support", threshold=24, threshold_unit="hour",
                  direction="at_most"),
         dict(status="kept", due=None, rule="compliance_met",
              reason="2 of 2 re-cleans were done within 24 hours.", due_basis="each complaint",
              figures={"met": 2, "total": 2, "rate": 1.0},
              evidence=(ev(date(2027, 4, 6), "Re-clean of meeting room 2 after complaint",
                           "KF-RC-11", 21, value=6),
                        ev(date(2027, 5, 3), "Re-clean of reception after complaint",
                           "KF-RC-12", 22, value=20))), "kept"))
    add((_promise("D-1003", 7, 1, "All washroom dispensers will be replaced by 14 May 2027.",
                  "delivery", due=date(2027, 5, 14)),
         dict(status="kept", due=date(2027, 5, 14), rule="delivered_on_time",
              reason="Delivered on 2027-05-13, 1 day before the due date.",
              due_basis="stated in the proposal",
              evidence=(ev(date(2027, 5, 13), "Washroom dispensers replaced in all offices",
                           "KF-WD-1", 23),)), "at_risk"))
    add((_promise("D-1003", 7, 1, "Window cleaning of all council sites will be completed by "
                  "20 May 2027.", "delivery", due=date(2027, 5, 20), review="candidate"),
         dict(status="at_risk", due=date(2027, 5, 20), rule="due_soon_nothing_delivered",
              reason="Due in 4 days and nothing is recorded as delivered.",
              due_basis="stated in the proposal"), None))
    return e


def _counts(statuses) -> dict:
    out: dict = {}
    for s in statuses:
        out[s] = out.get(s, 0) + 1
    return dict(sorted(out.items()))


def sample_audit_data(as_of: date = AS_OF) -> AuditData:
    """The sample ledger audited as of Sunday 16 May 2027 (end of week 2027-W19)."""
    promises, verdicts, previous = [], {}, {}
    for promise, fields, before in _entries():
        promises.append(promise)
        verdicts[promise.id] = Verdict(promise_id=promise.id, **fields)
        if before is not None:
            previous[promise.id] = before
    previous["P0DEAD001"] = "pending"  # a promise rejected in review since last week
    history = (
        (date(2027, 4, 19), {"kept": 6, "late": 1, "pending": 12, "open": 3}),
        (date(2027, 4, 26), {"kept": 7, "late": 3, "broken": 1, "pending": 10, "open": 3}),
        (date(2027, 5, 3), {"kept": 8, "late": 3, "broken": 3, "pending": 8, "open": 3,
                            "at_risk": 1}),
        (PREVIOUS_AS_OF, _counts(previous.values())),
        (as_of, _counts(v.status for v in verdicts.values())),
    )
    return AuditData(as_of=as_of, deals=dict(DEALS), promises=tuple(promises),
                     verdicts=verdicts, documents=DOCUMENTS, previous=previous,
                     previous_as_of=PREVIOUS_AS_OF, history=history)


def promise_by_text(data: AuditData, fragment: str) -> Promise:
    """The one promise whose quote contains ``fragment``."""
    found = [p for p in data.promises if fragment.lower() in p.text.lower()]
    assert len(found) == 1, (fragment, [p.text for p in found])
    return found[0]


# --- large synthetic data ---------------------------------------------------------------

QUOTES = {
    "delivery": "We will deliver the {thing} for site {n} no later than {day}.",
    "training": "We will run {q} training sessions for the {team} team.",
    "service_level": "Availability will be at least 99.{n9}% each month.",
    "check_in": "We will hold a {rec} review with your {team} team.",
    "support": "Priority {p} tickets will receive a response within {h} hours.",
    "warranty": "Any failed {thing} will be replaced within {h} business days.",
    "pricing": "Prices for additional {thing}s will be held for {q} months.",
}
THINGS = ("gateway", "router", "scanner", "kiosk", "workstation", "access point", "report")
TEAMS = ("operations", "finance", "front-desk", "IT", "warehouse", "facilities")


def synthetic_audit_data(n: int = 10_000, seed: int = 42, as_of: date = AS_OF) -> AuditData:
    """``n`` promises over ``n // 20`` deals with seeded statuses, evidence and history."""
    rng = random.Random(seed)
    reps = [f"Rep {i:02d}" for i in range(1, 41)]
    customers = [f"Customer {i:04d}" for i in range(1, max(2, n // 40) + 1)]
    deals = {}
    for i in range(max(1, n // 20)):
        deal_id = f"D-{i + 1:05d}"
        signed = as_of - timedelta(days=rng.randint(30, 400))
        deals[deal_id] = Deal(deal_id, customer=rng.choice(customers), rep=rng.choice(reps),
                              signed_on=signed, kickoff_on=signed + timedelta(days=10),
                              go_live_on=signed + timedelta(days=90) if rng.random() < .7 else None,
                              ends_on=signed + timedelta(days=730))
    deal_ids = sorted(deals)
    documents = []
    for i, deal_id in enumerate(deal_ids, start=1):
        outcome = rng.choices(("parsed", "encrypted", "scanned", "malformed"), (94, 2, 3, 1))[0]
        documents.append(DocumentInfo(i, deal_id, f"proposal-{deal_id}.pdf", f"/p/{deal_id}.pdf",
                                      "pdf", f"{i:064x}", rng.randint(2, 30) if outcome == "parsed"
                                      else 0, outcome, promise_count=20))
    weights = {"kept": 40, "late": 8, "broken": 8, "at_risk": 6, "pending": 25, "open": 7,
               "waived": 3, "superseded": 3}
    promises, verdicts, previous = [], {}, {}
    for i in range(n):
        deal_id = deal_ids[i % len(deal_ids)]
        category = rng.choice(list(QUOTES))
        quote = QUOTES[category].format(
            thing=rng.choice(THINGS), n=i, day=(as_of + timedelta(days=rng.randint(-200, 200))
                                              ).strftime("%B %d, %Y"),
            q=rng.randint(2, 9), team=rng.choice(TEAMS), n9=rng.randint(0, 9),
            rec=rng.choice(("monthly", "quarterly")), p=rng.randint(1, 3), h=rng.randint(1, 8))
        status = rng.choices(list(weights), list(weights.values()))[0]
        due = as_of + timedelta(days=rng.randint(-200, -1) if status in ("kept", "late", "broken")
                                else rng.randint(1, 10) if status == "at_risk"
                                else rng.randint(1, 300))
        if status == "open":
            due = None
        p = Promise(text=quote, source=f"proposal-{deal_id}.pdf", page=rng.randint(1, 20),
                    start=0, end=len(quote), category=category, due=due,
                    quantity=3 if category == "training" else None,
                    recurrence="monthly" if category == "check_in" else None,
                    unit="session" if category == "training" else None,
                    id=f"P{i:08X}", deal_id=deal_id, document_id=deal_ids.index(deal_id) + 1
                    if i < 50 else 1, review_state="candidate" if rng.random() < .15
                    else "confirmed", rule=f"{category}.synthetic")
        p = as_extracted(p)
        evidence = ()
        if status in ("kept", "late"):
            shift = rng.randint(1, 20) if status == "late" else -rng.randint(0, 9)
            day = due + timedelta(days=shift)
            evidence = (Evidence(i, day, f"Delivered item {i}", reference=f"REF-{i}",
                                 link="auto: same category", source=f"deliveries.csv row {i + 2}"),)
        figures = {"delivered": 2, "promised": 3} if category == "training" and status == "broken" \
            else {}
        occurrences = ()
        if category == "check_in" and due is not None:
            # A monthly series around the due date: past months kept or missed.
            occurrences = tuple(
                Occurrence(day, ("kept" if rng.random() < .85 else "broken") if day < as_of
                           else "pending",
                           (Evidence(None, day, "Monthly review held", reference=f"CRM-{i}-{k}"),)
                           if day < as_of else ())
                for k in range(-6, 6) for day in [due + timedelta(days=30 * k)])
            held = sum(o.status == "kept" for o in occurrences)
            figures = {"held": held, "due": sum(o.status != "pending" for o in occurrences)}
        verdicts[p.id] = Verdict(p.id, status, due, rule=f"{status}.synthetic",
                                 reason=f"Synthetic verdict: {status}.",
                                 due_basis="stated in the proposal" if due else "",
                                 evidence=evidence, figures=figures, occurrences=occurrences,
                                 days_late=(evidence[0].date - due).days
                                 if status == "late" else None)
        promises.append(p)
        previous[p.id] = rng.choices(list(weights), list(weights.values()))[0] \
            if rng.random() < .1 else status
    history = []
    for w in range(12, 0, -1):
        kept = rng.randint(n // 3, n // 2)
        history.append((as_of - timedelta(weeks=w),
                        {"kept": kept, "late": n // 12, "broken": rng.randint(n // 20, n // 8),
                         "pending": n // 4}))
    history.append((as_of, _counts(v.status for v in verdicts.values())))
    return AuditData(as_of=as_of, deals=deals, promises=tuple(promises), verdicts=verdicts,
                     documents=tuple(documents), previous=previous,
                     previous_as_of=as_of - timedelta(days=7), history=tuple(history))



# --- the bundled sample, through the real ledger and audit engine ----------------------

SAMPLE_PROMISES = {
    # deal: (proposal name, [(quote, category, fields)])
    "D-1001": ("northbeam-harbor-logistics.md", [
        ("We will complete a site survey report for every location within 30 days of "
         "contract signature.", "delivery", dict(within_days=30, anchor="signature")),
        ("Northbeam will install SD-WAN gateways at all 120 Harbor Logistics sites no later "
         "than March 31, 2027.", "delivery", dict(due=date(2027, 3, 31), quantity=120,
                                                  unit="site")),
        ("Go-live of the managed network will take place no later than April 15, 2027.",
         "delivery", dict(due=date(2027, 4, 15))),
        ("Northbeam will provide a written network health report within 10 business days "
         "after go-live.", "delivery", dict(within_days=10, business_days=True,
                                            anchor="go_live")),
        ("We will deliver three remote training sessions for your IT staff before go-live.",
         "training", dict(quantity=3, unit="session", within_days=0, anchor="go_live")),
        ("The network will be available at least 99.9% of the time each month.",
         "service_level", dict(threshold=99.9, threshold_unit="%", direction="at_least",
                               recurrence="monthly")),
        ("Priority 1 incidents will receive a response within 1 hour, 24 hours a day, 7 days "
         "a week.", "support", dict(threshold=1, threshold_unit="hour", direction="at_most")),
        ("Your account manager will hold a quarterly business review with your operations "
         "team.", "check_in", dict(recurrence="quarterly")),
    ]),
    "D-1002": ("clinicflow-crestview-dental.md", [
        ("Data migration from your current system will be completed by May 21, 2027.",
         "delivery", dict(due=date(2027, 5, 21))),
        ("The custom insurance-eligibility report will be delivered within 45 days of "
         "contract signature.", "delivery", dict(within_days=45, anchor="signature")),
        ("We will run two on-site workshops for up to 40 front-desk staff within 3 weeks "
         "after kickoff.", "training", dict(quantity=2, unit="workshop", within_days=21,
                                            anchor="kickoff")),
        ("Weekly status calls will be held with your practice manager until go-live.",
         "check_in", dict(recurrence="weekly", anchor="go_live")),
    ]),
    "D-1003": ("keystone-ashford-council-v2.txt", [
        ("Keystone will start the nightly cleaning service for all council offices on "
         "1 March 2027.", "delivery", dict(due=date(2027, 3, 1))),
        ("Monthly quality audits will be carried out and shared with the facilities manager.",
         "check_in", dict(recurrence="monthly")),
        ("Any area reported as unsatisfactory will be re-cleaned within 24 hours.", "support",
         dict(threshold=24, threshold_unit="hour", direction="at_most")),
    ]),
}


def build_sample_ledger(db) -> None:
    """Fill ``db`` with the bundled sample: deals, hand-extracted promises, the three
    delivery exports, the waiver and four earlier weekly audits."""
    from pathlib import Path

    from promiseaudit import api
    from promiseaudit.imports import import_deals, import_deliveries, load_mapping
    from promiseaudit.ledger import store
    from promiseaudit.models import Document, Page

    sample = Path(api.__file__).parent / "sample"
    import_deals(db, sample / "data" / "deals.csv")
    with db.atomic():
        for deal_id, (name, items) in SAMPLE_PROMISES.items():
            promises = [as_extracted(Promise(text=q, source=name, page=1, start=0, end=len(q), category=c,
                                             rule=f"{c}.sample", **f)) for q, c, f in items]
            text = (sample / "proposals" / name).read_text(encoding="utf-8")
            doc = Document(path=str(sample / "proposals" / name), name=name,
                           kind=name.rsplit(".", 1)[1], sha256=hashlib.sha256(
                               text.encode()).hexdigest(), pages=(Page(1, text),))
            store.add_document(db, doc, deal_id, promises, who="test")
        store.add_document(db, Document(path="/p/harbor-sow-signed.pdf",
                                        name="harbor-sow-signed.pdf", kind="pdf",
                                        sha256="9" * 64, pages=(), outcome="encrypted",
                                        outcome_detail="The PDF needs a password"),
                           "D-1001", [], who="test")
    import_deliveries(db, sample / "data" / "deliveries.csv")
    import_deliveries(db, sample / "data" / "helpdesk-tickets.csv",
                      load_mapping("helpdesk-tickets"))
    import_deliveries(db, sample / "data" / "psa-tasks.csv", load_mapping("psa-tasks"))
    waived = next(p for p in api.queries.promises(db, deal_id="D-1002")
                  if "insurance-eligibility" in p.text)
    api.waive(db, waived.id, "Crestview dropped the custom report", "Marco Reyes",
              date(2027, 4, 12))
    for day in (date(2027, 4, 19), date(2027, 4, 26), date(2027, 5, 3), date(2027, 5, 10)):
        api.run_audit(db, day)

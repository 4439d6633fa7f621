"""Verdict rules on realistic records: PSA task exports, CRM activities, help-desk
tickets and monthly uptime figures."""
from datetime import date, datetime
from builders import as_extracted

import pytest

from promiseaudit.audit import AuditSettings, Waiver, audit_promise
from promiseaudit.models import Deal, Delivery, Promise

S = AuditSettings()
HARBOR = Deal("D-1001", "Harbor Logistics", "Dana Whitfield", signed_on=date(2027, 1, 15),
              kickoff_on=date(2027, 1, 25), go_live_on=date(2027, 4, 1),
              ends_on=date(2028, 1, 24), go_live_planned=date(2027, 3, 29))


def promise(text, category="delivery", pid="P-1", **kw):
    return as_extracted(Promise(text=text, source="northbeam-harbor-logistics.md", page=2, start=0,
                   end=len(text), category=category, id=pid, deal_id="D-1001",
                   review_state=kw.pop("review_state", "confirmed"), **kw))


def task(rid, day, text, category="delivery", qty=None, ref=None, **kw):
    """A row of a PSA task export ("Completed" tasks)."""
    return Delivery(deal_id="D-1001", category=category, delivered_on=day, description=text,
                    quantity=qty, reference=ref or f"T-{9000 + rid}", id=rid,
                    source_file="psa-tasks.csv", source_row=rid + 1, **kw)


def ticket(rid, priority, opened, responded, resolved, subject="Depot offline"):
    """A row of a help-desk ticket export."""
    return Delivery(deal_id="D-1001", category="support", delivered_on=resolved.date(),
                    description=subject, reference=f"HD-{40100 + rid}", priority=priority,
                    opened_at=opened, responded_at=responded, resolved_at=resolved, id=rid,
                    source_file="helpdesk-tickets.csv", source_row=rid + 1)


def uptime(rid, day, value):
    return Delivery(deal_id="D-1001", category="service_level", delivered_on=day,
                    description=f"Network availability {day:%B %Y} (monthly uptime)",
                    value=value, reference=f"NOC-{day:%b}".upper(), id=rid,
                    source_file="noc-uptime.csv", source_row=rid + 1)


def audit(p, records, as_of, settings=S, deal=HARBOR, **kw):
    return audit_promise(p, deal, records, as_of, settings, **kw)


# --- one-off deliverables ----------------------------------------------------------------

SURVEY = promise("We will complete a site survey report for every location within 30 days "
                 "of contract signature.", within_days=30, anchor="signature")
SURVEY_DONE = task(1, date(2027, 2, 10), "Site survey report delivered for every location",
                   ref="PSA-1181")


def test_kept_on_or_before_the_due_date():
    v = audit(SURVEY, [SURVEY_DONE], date(2027, 3, 1))
    assert (v.status, v.rule, v.due) == ("kept", "delivery.kept", date(2027, 2, 14))
    assert v.due_basis == "30 days after signature (2027-01-15)"
    assert v.reason == ("Delivered on 2027-02-10 (PSA-1181), on or before the due date "
                        "2027-02-14.")
    (e,) = v.evidence
    assert (e.delivery_id, e.reference, e.source, e.link) == (
        1, "PSA-1181", "psa-tasks.csv row 2", "auto")


def test_late_keeps_the_original_due_date():
    late = task(2, date(2027, 2, 19), "Site survey report delivered", ref="PSA-1188")
    v = audit(SURVEY, [late], date(2027, 3, 1), links={2: ("auto: same deal", 0.8)})
    assert (v.status, v.rule, v.due, v.days_late) == ("late", "delivery.late",
                                                      date(2027, 2, 14), 5)
    assert v.reason == "Delivered on 2027-02-19 (PSA-1188), 5 days after the due date 2027-02-14."
    assert (v.evidence[0].link, v.evidence[0].score) == ("auto: same deal", 0.8)


def test_broken_at_risk_and_pending_when_nothing_is_delivered():
    assert audit(SURVEY, [], date(2027, 2, 15)).status == "broken"
    v = audit(SURVEY, [], date(2027, 2, 20))
    assert (v.rule, v.reason) == ("delivery.missed",
                                  "Not delivered; it was due on 2027-02-14 (6 days ago).")
    v = audit(SURVEY, [], date(2027, 2, 10))
    assert (v.status, v.reason) == ("at_risk",
                                    "Not delivered yet and due in 4 days (2027-02-14).")
    assert audit(SURVEY, [], date(2027, 2, 14)).reason.startswith("Not delivered yet and due today")
    v = audit(SURVEY, [], date(2027, 2, 1))
    assert (v.status, v.reason) == ("pending",
                                    "Due on 2027-02-14, in 13 days; nothing delivered yet.")


def test_category_window_overrides_the_default():
    wide = AuditSettings(at_risk_days_by_category={"delivery": 21})
    assert audit(SURVEY, [], date(2027, 2, 1), wide).status == "at_risk"
    assert audit(SURVEY, [], date(2027, 2, 1)).status == "pending"


def test_anchor_unknown_is_open_and_evidence_without_a_due_date_is_kept():
    report = promise("ClinicFlow will provide a hypercare report within 30 days after "
                     "go-live.", within_days=30, anchor="go_live")
    no_go_live = Deal("D-1002", "Crestview Dental Group", signed_on=date(2027, 3, 1))
    v = audit(report, [], date(2027, 5, 17), deal=no_go_live)
    assert (v.status, v.rule, v.due) == ("open", "anchor.unknown", None)
    assert v.reason == ("Nothing recorded against it yet and no due date yet (go-live date "
                        "not recorded).")
    done = task(3, date(2027, 5, 2), "Hypercare report sent")
    v = audit(report, [done], date(2027, 5, 17), deal=no_go_live)
    assert (v.status, v.rule) == ("kept", "delivery.kept")
    named = promise("A named account manager for the whole contract.", category="support")
    v = audit(named, [], date(2027, 5, 17))
    assert (v.status, v.rule) == ("open", "due.none")


def test_planned_go_live_is_used_and_said_so():
    three = promise("We will deliver the cut-over runbook before go-live.", within_days=0,
                    anchor="go_live")
    planned_only = Deal("D-1001", signed_on=date(2027, 1, 15), go_live_planned=date(2027, 4, 15))
    v = audit(three, [], date(2027, 4, 20), deal=planned_only)
    assert (v.status, v.due) == ("broken", date(2027, 4, 15))
    assert "planned go-live" in v.due_basis and "actual go-live not recorded yet" in v.due_basis
    actual = Deal(**{**planned_only.__dict__, "go_live_on": date(2027, 5, 3)})
    v = audit(three, [], date(2027, 4, 20), deal=actual)
    assert (v.status, v.due, v.due_basis) == ("pending", date(2027, 5, 3),
                                              "by go-live (2027-05-03)")


def test_records_after_as_of_are_ignored():
    v = audit(SURVEY, [SURVEY_DONE], date(2027, 2, 9))
    assert (v.status, v.evidence) == ("at_risk", ())
    assert audit(SURVEY, [SURVEY_DONE], date(2027, 2, 10)).status == "kept"


# --- quantities --------------------------------------------------------------------------

GATEWAYS = promise("All 340 gateways will be installed no later than March 31, 2027.",
                   due=date(2027, 3, 31), quantity=340, unit="gateway")
BATCHES = [
    task(11, date(2027, 2, 26), "SD-WAN gateways installed (batch 1)", qty=120),
    task(12, date(2027, 3, 19), "SD-WAN gateways installed (batch 2)", qty=150),
    task(13, date(2027, 3, 30), "SD-WAN gateways installed (batch 3)", qty=40),
    task(14, date(2027, 4, 12), "SD-WAN gateways installed (final batch)", qty=30),
]


def test_310_of_340_by_the_due_date_is_broken():
    v = audit(GATEWAYS, BATCHES, date(2027, 4, 5))
    assert (v.status, v.rule) == ("broken", "quantity.short")
    assert v.figures == {"delivered": 310, "promised": 340, "delivered_to_date": 310}
    assert v.reason == "310/340 gateways installed by 2027-03-31."
    assert [e.delivery_id for e in v.evidence] == [11, 12, 13]


def test_all_delivered_but_the_last_after_the_due_date_is_late():
    v = audit(GATEWAYS, BATCHES, date(2027, 4, 20))
    assert (v.status, v.rule, v.days_late) == ("late", "quantity.late", 12)
    assert v.figures == {"delivered": 310, "promised": 340, "delivered_to_date": 340}
    assert v.reason == ("All 340 gateways installed, but the last on 2027-04-12, 12 days "
                        "after the due date 2027-03-31 (310 by then).")


def test_partial_close_to_the_due_date_is_at_risk_and_earlier_pending():
    v = audit(GATEWAYS, BATCHES, date(2027, 3, 27))
    assert (v.status, v.figures) == ("at_risk", {"delivered": 270, "promised": 340})
    assert v.reason == "Only 270/340 gateways installed and due in 4 days (2027-03-31)."
    v = audit(GATEWAYS, BATCHES, date(2027, 3, 1))
    assert (v.status, v.rule) == ("pending", "quantity.pending")


def test_quantity_kept_and_rows_without_quantity_count_as_one():
    sessions = promise("We will deliver three remote training sessions for your IT staff "
                       "before go-live.", category="training", within_days=0,
                       anchor="go_live", quantity=3, unit="session")
    rows = [task(20 + i, date(2027, 3, 4 + 7 * i), f"Remote training session {i + 1} - IT "
                 "staff", category="training") for i in range(3)]
    v = audit(sessions, rows, date(2027, 4, 10))
    assert (v.status, v.figures) == ("kept", {"delivered": 3, "promised": 3})
    assert v.reason == "All 3 sessions delivered by 2027-04-01 (the last on 2027-03-18)."


# --- measured levels ----------------------------------------------------------------------

P1_RESPONSE = promise("Priority 1 incidents will receive a response within 1 hour, 24 hours "
                      "a day, 7 days a week.", category="support", threshold=1,
                      threshold_unit="hour", direction="at_most")
TICKETS = [
    ticket(31, "P1", datetime(2027, 4, 24, 2, 14), datetime(2027, 4, 24, 2, 49),
           datetime(2027, 4, 24, 5, 30)),
    ticket(32, "P1", datetime(2027, 5, 3, 13, 5), datetime(2027, 5, 3, 13, 55),
           datetime(2027, 5, 3, 16, 0), "Tacoma gateway rebooting"),
    ticket(33, "P1", datetime(2027, 5, 9, 21, 40), datetime(2027, 5, 9, 23, 50),
           datetime(2027, 5, 10, 3, 15), "Spokane depot cannot reach warehouse system"),
    ticket(34, "P3", datetime(2027, 5, 10, 9, 0), datetime(2027, 5, 10, 15, 20),
           datetime(2027, 5, 12, 11, 0), "Request new VLAN for scanners"),
]


def test_two_of_three_p1_responses_is_broken():
    v = audit(P1_RESPONSE, TICKETS, date(2027, 5, 17))
    assert (v.status, v.rule, v.due) == ("broken", "measure.breach", None)
    assert v.figures == {"met": 2, "total": 3, "rate": 0.67}
    assert v.reason == ("2 of 3 P1 responses within 1 hour (67%); HD-40133 took 2 hours 10 minutes.")
    assert [e.delivery_id for e in v.evidence] == [31, 32, 33]  # the P3 ticket is left out


def test_latest_measurement_close_to_the_limit_is_at_risk():
    # 35 min then 50 min: both within the hour, but 50 min used 83 % of it.
    v = audit(P1_RESPONSE, TICKETS[:2], date(2027, 5, 5))
    assert (v.status, v.rule, v.figures["rate"]) == ("at_risk", "measure.near", 1.0)
    assert v.reason == ("2 of 2 P1 responses within 1 hour (100%), but the latest is close "
                        "to the limit: HD-40132 took 50 minutes.")
    loose = AuditSettings(measurement_margin=0.1)
    assert audit(P1_RESPONSE, TICKETS[:2], date(2027, 5, 5), loose).status == "kept"


def test_resolution_time_in_business_days_and_hours():
    fix = promise("We aim to replace any failed gateway within 2 business days.",
                  category="support", threshold=2, threshold_unit="business_day",
                  direction="at_most", strength="soft")
    # Opened Friday 16:00, resolved Tuesday 16:00: 1 + 8 + 7 = 16 business hours = 2 days.
    t = ticket(40, "P2", datetime(2027, 5, 28, 16, 0), datetime(2027, 5, 28, 16, 20),
               datetime(2027, 6, 1, 16, 0), "Failed gateway at Yakima depot")
    assert audit(fix, [t], date(2027, 6, 7)).status == "at_risk"  # used all of it
    # With Memorial Day (Monday 31 May) off it took 1 business day: comfortably kept.
    holiday = AuditSettings(holidays=frozenset({date(2027, 5, 31)}))
    v = audit(fix, [t], date(2027, 6, 7), holiday)
    assert (v.status, v.reason) == ("kept", "1 of 1 fixes within 2 business days (100%).")
    answer = promise("Support requests will be answered within 4 business hours.",
                     category="support", threshold=4, threshold_unit="business_hour",
                     direction="at_most")
    # Opened Friday 16:00, first response Monday 11:30: 3.5 business hours.
    late_answer = ticket(41, "P3", datetime(2027, 5, 28, 16, 0), datetime(2027, 5, 31, 11, 30),
                         datetime(2027, 5, 31, 15, 0), "Printer queue stuck")
    assert audit(answer, [late_answer], date(2027, 6, 7)).status == "at_risk"
    assert audit(answer, [late_answer], date(2027, 6, 7), holiday).status == "kept"


def test_ticket_still_unanswered_on_the_audit_date_counts_once_over_the_limit():
    t = ticket(42, "P1", datetime(2027, 5, 16, 20, 0), datetime(2027, 5, 18, 9, 0),
               datetime(2027, 5, 18, 12, 0), "Core switch down at HQ")
    v = audit(P1_RESPONSE, [t], date(2027, 5, 16))
    assert (v.status, v.figures) == ("broken", {"met": 0, "total": 1, "rate": 0.0})
    assert v.reason.endswith("HD-40142 had no response after 4 hours.")
    early = ticket(43, "P1", datetime(2027, 5, 16, 23, 30), datetime(2027, 5, 17, 9, 0),
                   datetime(2027, 5, 17, 12, 0))
    assert audit(P1_RESPONSE, [early], date(2027, 5, 16)).status == "open"


def test_no_measurements_yet_is_open():
    answer = promise("Support requests will be answered within 4 business hours.",
                     category="support", threshold=4, threshold_unit="business_hour",
                     direction="at_most")
    v = audit(answer, [], date(2027, 5, 17))
    assert (v.status, v.rule) == ("open", "measure.none")
    assert v.reason == ('No tickets recorded yet to check against "within 4 business '
                        'hours".')


# --- recurring promises -------------------------------------------------------------------

QBR = promise("Your account manager will hold a quarterly business review with your "
              "operations team.", category="check_in", recurrence="quarterly")


def crm(rid, day, text="Quarterly business review with operations team"):
    return Delivery(deal_id="D-1001", category="check_in", delivered_on=day, description=text,
                    reference=f"CRM-QBR-{rid}", id=rid, source_file="crm-activities.csv",
                    source_row=rid + 1)


def test_quarterly_business_reviews_three_of_four_held():
    reviews = [crm(51, date(2027, 4, 20)), crm(52, date(2027, 10, 1)), crm(53, date(2027, 12, 15))]
    v = audit(QBR, reviews, date(2028, 1, 28))
    assert (v.status, v.rule) == ("broken", "recurring.missed")
    assert v.figures == {"held": 3, "due": 4}
    assert [(o.due, o.status) for o in v.occurrences] == [
        (date(2027, 4, 24), "kept"), (date(2027, 7, 24), "broken"),
        (date(2027, 10, 24), "kept"), (date(2028, 1, 24), "kept")]
    assert v.due == date(2027, 7, 24)
    assert v.reason == ("3 of 4 held (every quarter); the quarter ending 2027-07-24: nothing "
                        "recorded between 2027-04-25 and 2027-07-24.")
    assert v.due_basis == ("every quarter from kickoff (2027-01-25) until the contract ends "
                           "(2028-01-24)")
    assert v.occurrences[0].detail == "held on 2027-04-20 (CRM-QBR-51)"


def test_recurring_late_at_risk_kept_and_future_pending():
    reviews = [crm(51, date(2027, 4, 20)), crm(52, date(2027, 7, 30)), crm(53, date(2027, 8, 2))]
    # Q2 (ending 07-24) has none; 07-30 falls in Q3 and Q3 has a second review: Q2 is late.
    v = audit(QBR, reviews, date(2027, 9, 1))
    assert (v.status, v.rule, v.days_late) == ("late", "recurring.late", 6)
    assert [o.status for o in v.occurrences] == ["kept", "late", "kept", "pending"]
    assert v.figures == {"held": 3, "due": 3}
    # Future quarters up to the end of the contract are listed as pending.
    assert v.occurrences[-1].due == date(2028, 1, 24)
    # Nothing yet for Q1 a week before it ends: at risk.
    v = audit(QBR, [], date(2027, 4, 20))
    assert (v.status, v.rule, v.due) == ("at_risk", "recurring.at_risk", date(2027, 4, 24))
    v = audit(QBR, [crm(51, date(2027, 4, 20))], date(2027, 5, 1))
    assert (v.status, v.rule, v.due) == ("kept", "recurring.kept", date(2027, 7, 24))
    assert v.reason == "1 of 1 held (every quarter); next quarter ends on 2027-07-24."


def test_weekly_calls_until_go_live():
    calls = promise("Weekly status calls will be held with your practice manager until "
                    "go-live.", category="check_in", recurrence="weekly", anchor="go_live",
                    within_days=0)
    held = [crm(60 + i, date(2027, 1, 27) + (date(2027, 2, 3) - date(2027, 1, 27)) * i,
                "Weekly status call with practice manager") for i in range(9) if i != 4]
    v = audit(calls, held, date(2027, 5, 17))
    # Kickoff 2027-01-25 to go-live 2027-04-01: 9 full weeks; the week from 02-22 is missed.
    assert v.figures == {"held": 8, "due": 9}
    assert v.status == "broken"
    assert "until go-live (2027-04-01)" in v.due_basis
    assert v.due == date(2027, 2, 28)


def test_monthly_uptime_is_judged_month_by_month():
    sla = promise("The network will be available at least 99.9% of the time each month.",
                  category="service_level", recurrence="monthly", threshold=99.9,
                  threshold_unit="%", direction="at_least")
    figures = [uptime(70, date(2027, 4, 30), 99.95), uptime(71, date(2027, 5, 31), 99.97),
               uptime(72, date(2027, 6, 30), 99.85), uptime(73, date(2027, 7, 31), 99.96)]
    v = audit(sla, figures, date(2027, 8, 5))
    assert (v.status, v.rule, v.figures) == ("broken", "measure.breach", {"held": 3, "due": 4})
    assert v.reason == ("3 of 4 months at least 99.9%; the month ending 2027-06-30: NOC-JUN "
                        "measured 99.85%.")
    assert v.due_basis == ("every calendar month from go-live (2027-04-01) until the contract "
                           "ends (2028-01-24)")
    assert v.occurrences[-1].due == date(2027, 12, 31)  # January is cut short: not owed
    good = [uptime(70, date(2027, 4, 30), 99.95), uptime(71, date(2027, 5, 31), 99.92)]
    v = audit(sla, good, date(2027, 6, 3))
    assert (v.status, v.rule) == ("at_risk", "measure.near")  # 99.92: 80 % of the allowance used
    v = audit(sla, good[:1], date(2027, 6, 20))
    # Issue 9: no May figure three weeks after May ended is not a breach; the month
    # needs evidence and the status follows the measured month (April, kept).
    assert v.status == "kept" and v.figures == {"held": 1, "due": 1, "no_figure": 1}
    assert (v.occurrences[1].status, v.occurrences[1].detail[:32]) == ("no_figure", "no figure recorded for the month")
    assert "1 month with no figure recorded: evidence needed" in v.reason
    v = audit(sla, [], date(2027, 6, 20))
    assert (v.status, v.rule) == ("open", "measure.no_figures")
    assert v.reason.startswith("No figure recorded for 2 months (2027-04-30 to 2027-05-31).")


def test_recurring_with_unknown_start_is_open():
    no_dates = Deal("D-1001", "Harbor Logistics")
    v = audit(QBR, [], date(2027, 5, 17), deal=no_dates)
    assert (v.status, v.rule, v.occurrences) == ("open", "anchor.unknown", ())


# --- waivers, superseded, rejected --------------------------------------------------------


def test_waiver_from_its_date_on():
    w = Waiver("P-1", "Harbor agreed to skip the survey report for the pilot site",
               "Dana Whitfield", date(2027, 2, 12))
    v = audit(SURVEY, [], date(2027, 2, 20), waiver=w)
    assert (v.status, v.rule, v.due) == ("waived", "waiver", date(2027, 2, 14))
    assert v.reason == ('Waived on 2027-02-12 by Dana Whitfield: "Harbor agreed to skip the '
                        'survey report for the pilot site".')
    # Audited as of a date before the waiver, the promise was still owed.
    assert audit(SURVEY, [], date(2027, 2, 11), waiver=w).status == "at_risk"


def test_superseded_and_rejected():
    old = SURVEY.with_(review_state="superseded")
    v = audit(old, [SURVEY_DONE], date(2027, 3, 1))
    assert (v.status, v.rule) == ("superseded", "superseded")
    assert audit(SURVEY.with_(review_state="rejected"), [], date(2027, 3, 1)) is None


def test_same_inputs_same_verdict_in_any_order():
    a = audit(GATEWAYS, BATCHES, date(2027, 4, 20))
    b = audit(GATEWAYS, list(reversed(BATCHES)), date(2027, 4, 20))
    assert a == b and a.to_dict() == b.to_dict()


@pytest.mark.parametrize("as_of", [date(2027, 3, 1), date(2027, 3, 31), date(2027, 4, 5),
                                   date(2027, 4, 20)])
def test_as_of_reproducible_whatever_came_later(as_of):
    later = [r for r in BATCHES if r.delivered_on <= as_of]
    assert audit(GATEWAYS, BATCHES, as_of) == audit(GATEWAYS, later, as_of)


def test_daily_on_business_days_skips_weekends_and_holidays():
    backups = promise("We will send a backup report every business day.", category="check_in",
                      recurrence="daily", anchor="go_live")
    # Go-live Thursday 2027-04-01; Friday 04-02 is a holiday (Good Friday) in this test.
    days_sent = [date(2027, 4, 1), date(2027, 4, 5), date(2027, 4, 6), date(2027, 4, 8)]
    rows = [crm(80 + i, d, "Backup report sent") for i, d in enumerate(days_sent)]
    settings = AuditSettings(holidays=frozenset({date(2027, 4, 2)}))
    v = audit(backups, rows, date(2027, 4, 9), settings)
    assert [o.due for o in v.occurrences[:6]] == [date(2027, 4, 1), date(2027, 4, 5),
                                              date(2027, 4, 6), date(2027, 4, 7),
                                              date(2027, 4, 8), date(2027, 4, 9)]
    # Wednesday 04-07 had no report; Thursday's report went to Thursday, so 04-07 is missed.
    assert [o.status for o in v.occurrences[:7]] == ["kept", "kept", "kept", "broken",
                                                     "kept", "at_risk", "pending"]
    assert (v.status, v.figures) == ("broken", {"held": 4, "due": 5})

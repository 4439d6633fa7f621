"""Which parameters each category gets, and from which part of the unit."""
from datetime import date

from builders import text_document

from promiseaudit.extract import extract

HEADER = "Prepared for: Bolt Retail Group\nPrepared by: Acme Networks Ltd\nDate: 12 January 2027\n\n## Details\n\n"


def run(nlp, text):
    doc = text_document(HEADER + text, "p.md")
    return extract(doc, nlp)


def one(nlp, text):
    found = run(nlp, text)
    assert len(found) == 1, [p.text for p in found]
    return found[0]


def level(p):
    return (p.threshold, p.threshold_unit, p.direction)


def test_response_time_is_a_threshold_not_a_deadline(nlp):
    p = one(nlp, "Priority 1 incidents will receive a response within 30 minutes.")
    assert p.category == "service_level" and level(p) == (30, "minute", "at_most") and p.within_days is None


def test_support_time_after_an_event_is_still_a_threshold(nlp):
    p = one(nlp, "We will notify you of any fault within one business day of detection.")
    assert level(p) == (1, "business_day", "at_most")
    assert p.within_days is None and p.anchor is None


def test_delivery_deadline_after_signature(nlp):
    p = one(nlp, "We will complete the site survey within 10 business days of contract signature.")
    assert (p.within_days, p.business_days, p.anchor) == (10, True, "signature")
    assert p.threshold is None


def test_warranty_period(nlp):
    p = one(nlp, "All hardware is warranted for 24 months from installation.")
    assert p.category == "warranty" and level(p) == (24, "month", "at_least")


def test_warranty_window_is_a_period_not_a_deadline(nlp):
    p = one(nlp, "Any plants that die within 6 months of planting will be replaced free of charge.")
    assert level(p) == (6, "month", "at_least") and p.within_days is None


def test_price_hold_period(nlp):
    p = one(nlp, "Prices will be held for 12 months from contract signature.")
    assert p.category == "pricing" and level(p) == (12, "month", "at_least") and p.within_days is None


def test_service_credit_takes_its_level_from_the_condition(nlp):
    p = one(nlp, "If availability falls below 99.5% in any month, we will credit 10% of the monthly fee.")
    assert p.category == "pricing" and level(p) == (99.5, "%", "at_least")
    assert p.recurrence is None


def test_capped_increases_keep_their_recurrence(nlp):
    p = one(nlp, "Annual price increases will be capped at 3%.")
    assert p.recurrence == "annually" and level(p) == (3, "%", "at_most")


def test_check_ins_get_recurrence_but_no_quantity_or_level(nlp):
    p = one(nlp, "We will hold a quarterly review meeting with 3 of your store managers.")
    assert p.category == "check_in" and p.recurrence == "quarterly"
    assert p.quantity is None and p.threshold is None


def test_session_length_is_not_a_threshold(nlp):
    p = one(nlp, "We will run one 90-minute training session for your store managers.")
    assert (p.quantity, p.unit) == (1, "session") and p.threshold is None


def test_customer_notice_period_in_a_condition_is_not_a_deadline(nlp):
    p = one(nlp, "Defects will be fixed at no cost, provided you report them within 30 days of handover.")
    assert p.category == "warranty" and p.within_days is None and p.condition


def test_absolute_date_in_a_condition_is_kept(nlp):
    p = one(nlp, "If we miss the 1 June 2027 launch date, we will waive the first month's fee.")
    assert p.category == "pricing" and p.due == date(2027, 6, 1)


def test_fragment_items_take_the_lead_in_date(nlp):
    found = run(nlp, "By 19 March 2027 you will have:\n\n- two concept boards;\n- 24 social media assets.\n")
    assert [p.due for p in found] == [date(2027, 3, 19)] * 2
    assert [(p.quantity, p.unit) for p in found] == [(2, "board"), (24, "asset")]


def test_fragment_items_take_the_lead_in_recurrence(nlp):
    found = run(nlp, "Every night, our cleaning team will:\n\n- empty all bins;\n- vacuum all carpeted floors.\n")
    assert [p.recurrence for p in found] == ["daily", "daily"]


# --- levels written as a bare value (issue 8: SLA fields and matrices) ---------------------

import pytest  # noqa: E402

from promiseaudit.extract.parameters import Parameters, parameters_for, row_parameters  # noqa: E402
from promiseaudit.extract.quantities import find_bare_level  # noqa: E402


@pytest.mark.parametrize("cell, level", [
    ("15 minutes", (15, "minute", "at_most")),
    ("< 4 business hours", (4, "business_hour", "at_most")),
    ("1 business day", (1, "business_day", "at_most")),
    ("NBD", (1, "business_day", "at_most")),
    ("4 (four) hours", (4, "hour", "at_most")),
    ("99.9%", (99.9, "%", "at_least")),
    ("The account team", None),
    ("2 hours per month", None),
    ("24x7", None),
])
def test_a_value_that_is_only_a_level(cell, level):
    found = find_bare_level(cell)
    assert (found and (found.threshold, found.unit, found.direction)) == level


@pytest.mark.parametrize("text, level", [
    ("Response time: 4 business hours", (4, "business_hour", "at_most")),
    ("Priority 1 incidents: 2 hours", (2, "hour", "at_most")),
    ("Severity 1 - 30 minutes", (30, "minute", "at_most")),
    ("Account manager: Dana Whitfield", None),
    ("Term: 12 months", None),  # neither a measure nor a tier
])
def test_a_field_whose_value_is_a_level(text, level):
    p = parameters_for(text, "service_level")
    assert ((p.threshold, p.threshold_unit, p.direction) if p.threshold is not None else None) == level


def test_a_matrix_row_takes_the_first_target_column_and_says_what_it_measures():
    header = ["Priority", "Response", "Resolution"]
    p = row_parameters(header, ["P1", "15 minutes", "4 hours"], Parameters(), "service_level")
    assert (p.threshold, p.threshold_unit, p.direction, p.measures) == (15, "minute", "at_most", "response")
    p = row_parameters(["Severity", "Target resolution"], ["Sev 2", "1 business day"], Parameters(),
                       "service_level")
    assert (p.threshold, p.threshold_unit, p.measures) == (1, "business_day", "resolution")
    # A row that is neither named for a tier nor under a target column sets no level.
    p = row_parameters(["Item", "Duration"], ["Workshop", "2 hours"], Parameters(), "service_level")
    assert p.threshold is None


def test_a_warranty_field_in_months_is_how_long_it_covers():
    p = parameters_for("Repair warranty: 12 months", "warranty")
    assert (p.threshold, p.threshold_unit, p.direction) == (12, "month", "at_least")
    p = parameters_for("Defect fix time: 2 business days", "warranty")
    assert (p.threshold, p.threshold_unit, p.direction) == (2, "business_day", "at_most")


def test_a_notice_within_whole_days_of_hours_after_an_event_is_a_deadline():
    p = parameters_for("We will inform you within 48 hours of the notification of any inspection.", "check_in")
    assert (p.within_days, p.anchor) == (2, "notification of any inspection")
    # the same words are a response time in a service level, and 4 hours is no whole day
    assert parameters_for("We will respond within 48 hours of the notification of any fault.",
                          "service_level").within_days is None
    assert parameters_for("We will notify you within 4 hours of any outage.", "check_in").within_days is None


def test_a_service_level_counted_from_each_event_is_a_turnaround_not_a_deadline():
    p = parameters_for("Provider shall repair each returned unit within ten (10) days of receipt of the RMA.",
                       "service_level")
    assert (p.threshold, p.threshold_unit, p.direction, p.within_days) == (10, "day", "at_most", None)
    # a delivery on the same words keeps its deadline
    p = parameters_for("Provider shall ship the unit within ten (10) days of receipt of the order form.",
                       "delivery")
    assert p.within_days == 10 and p.threshold is None


def test_money_paid_out_on_a_schedule_recurs_but_a_discount_does_not():
    assert parameters_for("Provider shall remit 10% of the referral fees to Partner each calendar month.",
                          "pricing").recurrence == "monthly"
    assert parameters_for("A late fee of 5% shall be paid to the Customer each month until the fault is fixed.",
                          "pricing").recurrence == "monthly"
    assert parameters_for("Annual licences are discounted by 10%.", "pricing").recurrence is None


def test_a_check_in_counts_its_contacts_not_who_attends():
    p = parameters_for("Our engineer will make three site visits before go-live.", "check_in")
    assert (p.quantity, p.unit) == (3, "visit")
    assert parameters_for("We will hold a review with 3 of your store managers.", "check_in").quantity is None

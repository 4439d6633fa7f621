"""How proposals are written in general, beyond the styles the rules were first built on.

Slide decks with verbless bullets, tables of deliverables with no date column, e-mails
in an informal voice, RFP answers that restate the requirement, phase labels before a
commitment, negations and limits, and the parameters such documents use ("by Day 45",
"w/c 3 May", "12 weeks ARO"). Every sentence is written for these tests; none is copied
from the gold fixtures. The seller is Acme Networks Ltd and the customer Bolt Retail
Group.
"""
from datetime import date

import pytest
from builders import text_document

from promiseaudit.extract import extract
from promiseaudit.extract.dates import detect_document_date, find_deadline


HEADER = (
    "Proposal for Bolt Retail Group\n\n"
    "Prepared for: Maria Lopez, Head of IT, Bolt Retail Group\n"
    "Prepared by: Sam Patel, Account Director, Acme Networks Ltd\n"
    "Date: 12 January 2027\n\n"
)


def run(nlp, body, header=HEADER):
    text = header + body + "\n"
    doc = text_document(text, "g.md")
    return extract(doc, nlp)


def found(nlp, body, header=HEADER):
    return {p.text: p for p in run(nlp, body, header)}


# --------------------------------------------------------------------------- slide bullets

def test_verbless_bullets_under_an_offer_heading_are_promises(nlp):
    body = ("## Your package\n\n- Round-the-clock network monitoring\n- Dedicated service manager + deputy\n"
            "- Monthly capacity report\n- Firmware kept current on all 310 switches\n")
    got = found(nlp, body)
    assert set(got) == {"Round-the-clock network monitoring", "Dedicated service manager + deputy",
                        "Monthly capacity report", "Firmware kept current on all 310 switches"}
    assert got["Monthly capacity report"].recurrence == "monthly"
    assert got["Firmware kept current on all 310 switches"].quantity == 310


@pytest.mark.parametrize("heading", ["Assumptions", "Client responsibilities", "Out of scope", "About Acme",
                                     "Bolt owns", "Where Bolt is today"])
def test_verbless_bullets_under_other_headings_are_not(nlp, heading):
    body = f"## {heading}\n\n- Wi-Fi survey of every store\n- Firewall rule changes\n- 14 regional offices\n"
    assert found(nlp, body) == {}


def test_pricing_heading_keeps_price_promises_and_drops_prices(nlp):
    body = ("## Commercials\n\n- $12,400 per month for all sites\n- Set-up fee: $9,000, one-off\n"
            "- Rates frozen for 24 months\n- 10% credit on the monthly fee for any missed response target\n"
            "- Net 45\n- Quote valid until 30 April 2027\n")
    got = found(nlp, body)
    assert set(got) == {"Rates frozen for 24 months",
                        "10% credit on the monthly fee for any missed response target"}
    assert all(p.category == "pricing" for p in got.values())


def test_day_n_plan_items(nlp):
    body = "## Rollout plan\n\n- Core network cut over by Day 60\n- Staff portal live by Week 6\n"
    got = found(nlp, body)
    assert got["Core network cut over by Day 60"].within_days == 60
    assert got["Core network cut over by Day 60"].anchor == "signature"
    assert got["Staff portal live by Week 6"].within_days == 42


def test_named_owner_before_a_colon(nlp):
    body = "## Next steps\n\n- Bolt Retail: security questionnaire back to us\n- Acme Networks: revised quote by 3 February\n"
    got = found(nlp, body)
    assert list(got) == ["Acme Networks: revised quote by 3 February"]
    assert got["Acme Networks: revised quote by 3 February"].due == date(2027, 2, 3)


def test_target_signature_label_is_not_a_promise(nlp):
    assert found(nlp, "## Timing\n\n- Target contract signature: 14 February\n") == {}


# --------------------------------------------------------------------------- tables

def test_deliverable_tables_without_a_date_column(nlp):
    body = ("## Hardware we supply\n\n| Item | Site | Qty |\n|---|---|---|\n| Ceiling access points | Leeds store | 18 |\n"
            "| Core switches | Data room | 2 |\n| Total | | 20 |\n\n"
            "## Courses\n\n| Course | Attendees | Duration | Location |\n|---|---|---|---|\n"
            "| Network basics for store managers | 30 | 1 day | Online |\n\n"
            "## Managed service\n\n| Deliverable | Quantity | Frequency |\n|---|---|---|\n"
            "| Vulnerability scan report | 1 | Weekly |\n")
    got = found(nlp, body)
    assert set(got) == {"Ceiling access points | Leeds store | 18", "Core switches | Data room | 2",
                        "Network basics for store managers | 30 | 1 day | Online",
                        "Vulnerability scan report | 1 | Weekly"}
    assert got["Ceiling access points | Leeds store | 18"].quantity == 18
    assert got["Ceiling access points | Leeds store | 18"].unit == "point"
    course = got["Network basics for store managers | 30 | 1 day | Online"]
    assert (course.category, course.quantity, course.unit) == ("training", 30, "attendee")
    assert got["Vulnerability scan report | 1 | Weekly"].recurrence == "weekly"


def test_item_detail_table_keeps_service_keys_only(nlp):
    body = ("## Key terms\n\n| Item | Detail |\n|---|---|\n| Lead time | 10–12 weeks ARO |\n"
            "| Payment | 30% deposit, balance on delivery |\n| Offer validity | 60 days |\n")
    got = found(nlp, body)
    assert list(got) == ["Lead time | 10–12 weeks ARO"]
    assert got["Lead time | 10–12 weeks ARO"].within_days == 84
    assert got["Lead time | 10–12 weeks ARO"].anchor == "signature"


def test_customer_owned_and_assumption_tables_are_not_promises(nlp):
    body = ("## Dependencies\n\n| Dependency | Detail |\n|---|---|\n| Store access | Keys for each store |\n\n"
            "## Preparation\n\n| Task | Owner |\n|---|---|\n| Clear the comms cupboard | Bolt Retail |\n")
    assert found(nlp, body) == {}


# --------------------------------------------------------------------------- informal voice

@pytest.mark.parametrize("sentence,strength", [
    ("We'd restock every store twice a week, on Tuesdays and Fridays.", "firm"),
    ("We can have a replacement router with you within 4 hours.", "firm"),
    ("We're happy to swap any faulty handset the same day.", "firm"),
    ("We should be able to add the two new stores by the end of April.", "soft"),
    ("We'll always confirm any extra charges with you in writing before we start.", "firm"),
])
def test_informal_commitments(nlp, sentence, strength):
    got = found(nlp, "## Hi Maria\n\n" + sentence + "\n")
    assert list(got) == [sentence]
    assert got[sentence].strength == strength


@pytest.mark.parametrize("sentence", [
    "We'd be happy to discuss any questions you have.",
    "We're confident we can halve your outage minutes.",
    "We can also offer optional weekend cover at extra cost.",
    "We're pleased to submit this proposal.",
    "It would help to have one person per store we can phone if the van is late.",
])
def test_informal_non_commitments(nlp, sentence):
    assert found(nlp, "## Hi Maria\n\n" + sentence + "\n") == {}


def test_a_customer_not_being_charged_is_a_pricing_promise(nlp):
    sentence = "If the engineer misses the slot, you won't pay the call-out fee."
    got = found(nlp, sentence)
    assert got[sentence].category == "pricing"


def test_contraction_does_not_end_a_sentence(nlp):
    body = "We'll check what's working and what isn't. After that we'll review the set-up every month.\n"
    got = found(nlp, body)
    assert "After that we'll review the set-up every month." in got


# --------------------------------------------------------------------------- labels, negations

@pytest.mark.parametrize("sentence", [
    "Weeks 5-8 (Rollout): Acme will install the access points in the northern stores.",
    "Stage 3 – Handover (September): we will transfer the runbooks to your team.",
    "Month 2: our engineers will complete the wireless survey.",
])
def test_phase_labels_do_not_hide_the_commitment(nlp, sentence):
    got = found(nlp, sentence)
    assert list(got) == [sentence]


def test_weeks_label_without_a_known_start_gives_no_date(nlp):
    sentence = "Weeks 5-8 (Rollout): Acme will install the access points in the northern stores."
    p = found(nlp, sentence)[sentence]
    assert p.due is None and p.within_days is None


@pytest.mark.parametrize("sentence", [
    "We cannot guarantee delivery dates for third-party carrier circuits.",
    "No provider can guarantee zero downtime.",
    "The extended guarantee is conditional on Bolt Retail replacing batteries every two years.",
    "The warranty does not cover damage from power surges.",
    "We have reviewed your network and came away with three quick wins for the support desk.",
])
def test_negations_limits_and_past_narrative(nlp, sentence):
    assert found(nlp, sentence) == {}


@pytest.mark.parametrize("sentence,strength", [
    ("Every spring we will send you a renewal reminder.", "firm"),
    ("We are aiming for a first-call resolution rate of at least 75 per cent.", "soft"),
    ("Planned maintenance downtime is targeted at under 2 hours per month.", "soft"),
])
def test_recurring_and_soft_levels(nlp, sentence, strength):
    got = found(nlp, sentence)
    assert got[sentence].strength == strength


# --------------------------------------------------------------------------- RFP answers

def test_restated_requirements_are_not_promises_but_answers_are(nlp):
    body = ("Requirement 2.3: The supplier must provide a named account manager.\n"
            "Answer: Compliant. Acme will assign a named account manager from day one.\n\n"
            "Req. 2.4 The bidder shall report monthly on uptime.\n"
            "Response: We will send an uptime report by the third working day of each month.\n")
    got = found(nlp, body)
    assert not any(t.startswith(("Requirement", "Req.")) for t in got)
    assert "Acme will assign a named account manager from day one." in got
    assert any(t.endswith("We will send an uptime report by the third working day of each month.") for t in got)


# --------------------------------------------------------------------------- categories

@pytest.mark.parametrize("sentence,category", [
    ("We guarantee no fewer than 40 qualified sales leads per quarter.", "service_level"),
    ("If a store phones before noon, we will ring you back within 2 hours.", "support"),
    ("All transaction data will be stored within the EU.", "service_level"),
    ("We will notify you of any personal data breach within 48 hours.", "service_level"),
    ("Quarterly tabletop exercises with your store managers.", "training"),
    ("Weekly delivery sync with your IT lead.", "check_in"),
])
def test_categories(nlp, sentence, category):
    body = sentence if " " in sentence.split(",")[0][:40] and sentence.split()[0] in ("We", "If", "All") \
        else "## What you get\n\n- " + sentence
    got = {p.text: p for p in run(nlp, body + "\n")}
    assert got[sentence].category == category


def test_count_over_a_period_is_a_threshold(nlp):
    sentence = "We guarantee no fewer than 40 qualified sales leads per quarter."
    p = found(nlp, sentence)[sentence]
    assert (p.threshold, p.threshold_unit, p.direction) == (40, "lead", "at_least")
    assert p.quantity is None


def test_discount_percentage_is_not_a_threshold(nlp):
    sentence = "Because you are renewing for three years, we will take 15% off the list price."
    p = found(nlp, sentence)[sentence]
    assert p.category == "pricing" and p.threshold is None


# --------------------------------------------------------------------------- parameters

@pytest.mark.parametrize("text,within,anchor", [
    ("on-site support for 14 days after go-live", 14, "go_live"),
    ("hypercare of 4 weeks following cutover", 28, "go_live"),
    ("shipped 6-8 weeks after receipt of order", 56, "signature"),
    ("delivered 20 working days ARO", 20, "signature"),
    ("report due Kickoff + 3 weeks", 21, "kickoff"),
    ("closure pack at Go-live + 10 business days", 10, "go_live"),
])
def test_relative_deadlines(text, within, anchor):
    d = find_deadline(text, date(2027, 1, 12), "en-GB")
    assert (d.within_days, d.anchor) == (within, anchor)


def test_week_commencing_is_due_at_the_end_of_that_week():
    d = find_deadline("Workshop w/c 8 March", date(2027, 1, 12), "en-GB")
    assert d.due == date(2027, 3, 14)
    d = find_deadline("Training in the week commencing 5 April", date(2027, 1, 12), "en-GB")
    assert d.due == date(2027, 4, 11)


@pytest.mark.parametrize("text", [
    "ready before the summer sales season",
    "live ahead of the holiday rush period",
    "within five days of the due date",
])
def test_vague_phrases_are_not_anchors(text):
    d = find_deadline(text, date(2027, 1, 12), "en-GB")
    assert d is None or d.anchor is None


def test_no_later_than_a_date_has_no_within_days():
    d = find_deadline("no later than April 9", date(2027, 1, 12), "en-US")
    assert d.due == date(2027, 4, 9) and d.within_days is None


# --------------------------------------------------------------------------- document date

@pytest.mark.parametrize("head,expected", [
    ("| | |\n|---|---|\n| **Framework agreement** | Agreement dated March 3, 2025 |\n"
     "| **SOW date** | October 2, 2027 |\n", date(2027, 10, 2)),
    ("Revision history: v1 issued to procurement in draft\n"
     "Contract start: 1 July 2027\nIssued: 14 May 2027\n", date(2027, 5, 14)),
    ("Statement of Work\nThis SOW is governed by the MSA dated 4 June 2024.\n"
     "Submitted: 20 September 2027\n", date(2027, 9, 20)),
    ("Acme Networks Ltd\nLeeds, 9 February 2027\n\nDear Maria,\n"
     "Your current contract ends on 31 March 2026.\n", date(2027, 2, 9)),
])
def test_document_date_prefers_its_own_label(head, expected):
    assert detect_document_date(head) == expected


# --------------------------------------------------------------------------- layout and parties

def test_numbered_slide_titles_with_a_bar_are_headings(nlp):
    body = "02 | Included in the service\n\n- Patch management for all 85 servers\n- Quarterly disaster-recovery test\n"
    got = found(nlp, body)
    assert set(got) == {"Patch management for all 85 servers", "Quarterly disaster-recovery test"}


def test_responsibility_lines_follow_the_party_that_does_the_work(nlp):
    body = ("## Roles\n\n- Cabling audit – R: Acme Networks; A: Bolt Retail IT manager\n"
            "- Store opening hours list – R: Bolt Retail; A: Acme Networks\n")
    assert list(found(nlp, body)) == ["Cabling audit – R: Acme Networks; A: Bolt Retail IT manager"]


@pytest.mark.parametrize("sentence,is_promise", [
    ("Bolt Retail's data will be hosted only in the UK.", True),
    ("Bolt Retail's store managers will be available to sign off each site.", False),
    ("Store owners will be available to open the premises for our engineers.", False),
    ("Service credits are deducted from the next invoice automatically, so you don't need to ask for them.", True),
    ("No store will be switched over without a rollback plan agreed with you.", True),
])
def test_subjects_owned_by_the_customer_and_lifted_duties(nlp, sentence, is_promise):
    assert (sentence in found(nlp, sentence)) is is_promise


def test_engineer_on_site_within_minutes_of_a_call_is_a_service_level(nlp):
    # LABELLING.md: on-site arrival times are service levels, not support.
    sentence = "An Acme engineer will be on site within 45 minutes of a call, day or night."
    p = found(nlp, sentence)[sentence]
    assert p.category == "service_level"
    assert (p.threshold, p.threshold_unit, p.direction) == (45, "minute", "at_most")


def test_milestone_rows_with_relative_dates_and_cover_rows(nlp):
    body = ("| | |\n|---|---|\n| **Framework agreement** | Framework Agreement dated 3 March 2025 |\n"
            "| **Proposal date** | 12 January 2027 |\n\n## Milestones\n\n"
            "| Ref | Deliverable | Acceptance | Due |\n|---|---|---|---|\n"
            "| M1 | Store network design | Approved by Bolt IT | Kickoff + 3 weeks |\n"
            "| M2 | Support handover pack | Accepted at handover | Go-live + 5 business days |\n")
    got = found(nlp, body)
    assert set(got) == {"M1 | Store network design | Approved by Bolt IT | Kickoff + 3 weeks",
                        "M2 | Support handover pack | Accepted at handover | Go-live + 5 business days"}
    m2 = got["M2 | Support handover pack | Accepted at handover | Go-live + 5 business days"]
    assert (m2.category, m2.within_days, m2.business_days, m2.anchor) == ("delivery", 5, True, "go_live")


def test_service_credit_table_rows_are_pricing(nlp):
    body = ("If we miss the availability target you receive a credit:\n\n| Availability in the month | Credit |\n"
            "|---|---|\n| 99.5% to 99.9% | 5% of the monthly fee |\n")
    got = found(nlp, body)
    assert got["99.5% to 99.9% | 5% of the monthly fee"].category == "pricing"


def test_party_short_names_and_definitions():
    from promiseaudit.extract.components import load_lexicon
    from promiseaudit.extract.parties import detect_parties

    lex = load_lexicon()["parties"]
    text = ('**Prepared for:** Jo King, Head of Operations, Marlow Building Society ("MBS")\n'
            "**Prepared by:** Ana Ruiz, Account Manager, Tessellate Systems Ltd\n")
    assert "MBS" in detect_parties(text, lex).customer_names
    text = ("Bidder:   Northgate Facilities Ltd\n\n"
            'In this submission "the Contractor" means Northgate Facilities Ltd and "the Trust" means '
            "Riverside Hospitals NHS Trust.\n")
    parties = detect_parties(text, lex)
    assert "Northgate Facilities Ltd" in parties.seller_names
    assert "Riverside Hospitals NHS Trust" in parties.customer_names


def test_requirement_quoted_before_an_answer_label_is_not_a_promise(nlp):
    body = ("5.2 The Contractor shall keep a log of every site visit.\n\n"
            "Acme response: Comply. Our engineers will log each visit in the portal on the same day.\n")
    got = found(nlp, body)
    assert not any("shall keep a log" in t for t in got)
    assert any(t.endswith("Our engineers will log each visit in the portal on the same day.") for t in got)


def test_compliance_rows_answered_partially_are_not_promises(nlp):
    body = ("| Ref | Requirement | Compliance | Response |\n|---|---|---|---|\n"
            "| 7.1 | Supplier shall staff a help desk 24/7 | Partial | Help desk staffed 8am-8pm on weekdays |\n"
            "| 7.2 | Supplier shall report monthly | Comply | Acme will send a report by the 5th of each month |\n")
    got = found(nlp, body)
    assert [t[:3] for t in got] == ["7.2"]


def test_phase_label_with_a_participle_is_a_promise(nlp):
    sentence = "Stage 2 – Fit-out (October 2027): switches racked and patched in every store."
    p = found(nlp, "## Plan\n\n" + sentence)[sentence]
    assert p.due == date(2027, 10, 31)


@pytest.mark.parametrize("sentence", [
    "We can't promise next-day delivery on special-order parts.",
    "Acme does not guarantee third-party app compatibility.",
])
def test_negated_commitments_without_a_modal(nlp, sentence):
    assert found(nlp, sentence) == {}


def test_keeping_a_rate_is_a_pricing_promise(nlp):
    sentence = "We'd keep our hourly rate at £85 for the first 18 months."
    p = found(nlp, sentence)[sentence]
    assert p.category == "pricing"
    assert (p.threshold, p.threshold_unit, p.direction) == (18, "month", "at_least")


def test_a_repair_that_fails_within_a_period_sets_a_warranty_period(nlp):
    sentence = "Any fitting that fails within 6 months we will replace free of charge."
    p = found(nlp, sentence)[sentence]
    assert p.category == "warranty"
    assert (p.threshold, p.threshold_unit, p.direction) == (6, "month", "at_least")


def test_we_wont_lists_are_exclusions(nlp):
    body = ("## How we work\n\nWe will:\n\n- brief 30 trade journalists every month\n\n"
            "We won't:\n\n- guarantee front-page coverage\n- pay for reviews\n")
    got = found(nlp, body)
    assert list(got) == ["brief 30 trade journalists every month"]


def test_data_residency_sentence_under_a_data_heading(nlp):
    sentence = "All customer records will be kept in Canadian data centres."
    got = found(nlp, "## Data protection\n\n" + sentence)
    assert got[sentence].category == "service_level"


def test_rows_owned_by_the_seller_under_a_responsibilities_heading(nlp):
    body = ("## Responsibilities\n\n| Activity | Responsible |\n|---|---|\n| Clean the customer list | Bolt Retail |\n"
            "| Migrate loyalty accounts | Acme Networks |\n")
    assert list(found(nlp, body)) == ["Migrate loyalty accounts | Acme Networks"]


def test_customer_steps_in_a_key_dates_list_are_not_promises(nlp):
    body = "## Timeline\n\nKey dates:\n\n- Contract signature: 1 March\n- Award decision – 20 February\n- Go-live: 1 June\n"
    got = found(nlp, body)
    assert list(got) == ["Go-live: 1 June"]
    assert got["Go-live: 1 June"].due == date(2027, 6, 1)


@pytest.mark.parametrize("sentence,category", [
    ("We target a 48-hour turnaround on all artwork amendments.", "service_level"),
    ("Product feeds will be up to date by 7:30 am every weekday.", "service_level"),
    ("Survey reports will be returned within 3 working days of each request.", "service_level"),
])
def test_measured_turnarounds(nlp, sentence, category):
    assert found(nlp, sentence)[sentence].category == category


def test_routine_repairs_are_the_service_not_a_warranty(nlp):
    sentence = "Our fitters will complete routine repairs within 2 days of the report."
    assert found(nlp, sentence)[sentence].category != "warranty"


def test_regex_cue_with_a_required_lead(tmp_path):
    import json

    import spacy

    from promiseaudit.extract.components import RegexCues, load_regex_cues

    path = tmp_path / "cues.jsonl"
    path.write_text(json.dumps({"label": "CAT_WARRANTY", "id": "t.redo", "regex": r"\bfree of charge\b",
                                "after": r"\bredo\b[^.;]{0,50}$"}) + "\n", encoding="utf-8")
    cues = RegexCues("t", load_regex_cues(str(path)), "pa_cues")
    doc = cues(spacy.blank("en").make_doc("We will redo the work free of charge. Delivery is free of charge."))
    assert [s.text for s in doc.spans["pa_cues"]] == ["redo the work free of charge"]
    path.write_text(json.dumps({"label": "X", "id": "t.x", "regex": "a", "before": "b"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        load_regex_cues(str(path))


def test_inclusion_table_rows_marked_no_are_not_promises(nlp):
    body = ("## Services included\n\n| Service | Included |\n|---|---|\n| Packing crates (300) | Yes |\n"
            "| Archive storage | No |\n| Weekend removals crew | Optional |\n")
    assert list(found(nlp, body)) == ["Packing crates (300) | Yes"]


@pytest.mark.parametrize("heading", ["Our services", "Our capabilities", "Our values", "Case study: a regional bank",
                                     "Project team"])
def test_company_capability_lists_are_not_promises(nlp, heading):
    body = f"## {heading}\n\n- Crate hire\n- IT reconnection\n- Furniture installation\n"
    assert found(nlp, body) == {}

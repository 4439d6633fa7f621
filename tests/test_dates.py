"""Table-driven tests of the deadline grammar (promiseaudit/extract/dates.py)."""
from datetime import date

import pytest

from promiseaudit.extract.dates import (
    detect_document_date,
    detect_locale,
    find_dates,
    find_deadline,
    series_start,
)

DOC = date(2027, 1, 12)

# sentence, locale, expected due
ABSOLUTE = [
    ("All 340 gateways will be installed no later than March 31, 2027.", None, date(2027, 3, 31)),
    ("Hardware delivery by Mar. 31 2027 at the latest.", None, date(2027, 3, 31)),
    ("The portal will go live on 31 March 2027.", "en-GB", date(2027, 3, 31)),
    ("Phase 1 will be complete by 31st March 2027.", "en-GB", date(2027, 3, 31)),
    ("We will hand over the keys on the 31st of March, 2027.", "en-GB", date(2027, 3, 31)),
    ("Final report due 31/03/2027.", "en-GB", date(2027, 3, 31)),
    ("Final report due 03/31/2027.", "en-US", date(2027, 3, 31)),
    ("Site survey on 04/03/2027.", "en-US", date(2027, 4, 3)),
    ("Site survey on 04/03/2027.", "en-GB", date(2027, 3, 4)),
    ("Site survey on 04/03/2027.", None, date(2027, 4, 3)),
    ("Die Schulung endet am 31.03.2027.", None, date(2027, 3, 31)),
    ("Milestone M2: 2027-03-31.", None, date(2027, 3, 31)),
    ("Go-live is planned for March 2027.", None, date(2027, 3, 31)),
    ("Recruitment will close by the end of June.", None, date(2027, 6, 30)),
    ("All crews mobilised by the end of June 2027.", None, date(2027, 6, 30)),
    ("Planting will finish in late June.", None, date(2027, 6, 30)),
    ("The pilot will conclude by mid-May.", None, date(2027, 5, 15)),
    ("Draft designs will be shared in early May.", None, date(2027, 5, 10)),
    ("Menus will be agreed by the beginning of May 2027.", None, date(2027, 5, 1)),
    ("Rollout completes in Q2 2027.", None, date(2027, 6, 30)),
    ("Rollout completes by the second quarter of 2027.", None, date(2027, 6, 30)),
    ("Migration will be finished in Q3.", None, date(2027, 9, 30)),
    ("Data cleansing done by the end of Q1 2027.", None, date(2027, 3, 31)),
    ("The new fleet will be on the road in H1 2027.", None, date(2027, 6, 30)),
    ("All sites connected by the end of 2027.", None, date(2027, 12, 31)),
    ("Certification will be achieved by year-end.", None, date(2027, 12, 31)),
    ("Submittals will be returned by 15 April.", None, date(2027, 4, 15)),
    ("Training materials ready April 15th.", None, date(2027, 4, 15)),
    ("Installation will take place between 5 and 30 October.", None, date(2027, 10, 30)),
    ("Crews will be on site 5-30 October.", None, date(2027, 10, 30)),
    ("The festival runs October 5 - 30, 2027.", None, date(2027, 10, 30)),
    ("Workshops will run from 1 to 14 March.", None, date(2027, 3, 14)),
    ("The launch event will be held on Friday, 14 May 2027.", None, date(2027, 5, 14)),
    ("Training starts 1 March and will be complete by 30 April 2027.", None, date(2027, 4, 30)),
    ("The kickoff meeting will be held on 3 May.", None, date(2027, 5, 3)),
    ("Starting 1 March 2027, we will clean all floors.", None, date(2027, 3, 1)),
    ("Works run from 5 October to 2 November 2027.", None, date(2027, 11, 2)),
    ("The second phase will be delivered on or before 1 September 2027.", None, date(2027, 9, 1)),
    ("Delivery no later than Dec 15, 2027, even if the order is placed after 1 June 2027.",
     None, date(2027, 12, 15)),
    ("Year-less date after the document date rolls over: by 5 January.", None, date(2028, 1, 5)),
    ("The kitchen refit will be finished in the first half of 2027.", None, date(2027, 6, 30)),
    ("Snagging will close by mid-2027.", None, date(2027, 6, 30)),
    ("The upgrade happens on Sept. 3, 2027.", None, date(2027, 9, 3)),
    ("Report delivered 12-Mar-27.", None, date(2027, 3, 12)),
]


@pytest.mark.parametrize("sentence, locale, due", ABSOLUTE)
def test_absolute_deadlines(sentence, locale, due):
    found = find_deadline(sentence, DOC, locale)
    assert found is not None, sentence
    assert found.due == due
    assert found.within_days is None
    assert found.text == sentence[found.start:found.end]


# sentence, within_days, business_days, anchor
RELATIVE = [
    ("We will deploy the platform within 45 days of contract signature.", 45, False, "signature"),
    ("Delivery within forty-five (45) days of signing.", 45, False, "signature"),
    ("The design workshop will take place 3 weeks after the kickoff meeting.", 21, False, "kickoff"),
    ("Equipment ships 15 business days after receipt of the purchase order.", 15, True, "signature"),
    ("A health check will follow one month after launch.", 30, False, "go_live"),
    ("We will run a lessons-learned review 90 days after handover.", 90, False, "go_live"),
    ("Final documentation no later than 10 days following go-live.", 10, False, "go_live"),
    ("All users will be trained before go-live.", 0, False, "go_live"),
    ("Content will be migrated prior to launch.", 0, False, "go_live"),
    ("Dress rehearsal two weeks before launch.", -14, False, "go_live"),
    ("Final numbers are confirmed at least 5 business days before the event.", -5, True, "event"),
    ("Mobilisation within 30 days of award.", 30, False, "signature"),
    ("The discovery phase will finish within six weeks from project start.", 42, False, "kickoff"),
    ("We will begin within 10 working days of your purchase order.", 10, True, "signature"),
    ("Design freeze within 2 weeks of the site survey.", 14, False, "site survey"),
    ("Commissioning within 14 days of installation.", 14, False, "installation"),
    ("Hypercare ends 30 days post go-live.", 30, False, "go_live"),
    ("The project plan will be issued within 5 business days of kick-off.", 5, True, "kickoff"),
    ("We will complete the handover within one year of commencement.", 365, False, "go_live"),
    ("Workshops start within 2 weeks of the project start date.", 14, False, "kickoff"),
    ("Staff will be inducted before the first shift.", 0, False, "go_live"),
    ("We will send a data request the day you sign.", 0, False, "signature"),
    ("A structural check will be done before any permit application is filed.", 0, False, "permit application"),
    ("Two briefings will run in the first month of service.", 30, False, "go_live"),
    ("A project manager will be named within 48 hours of signing.", 2, False, "signature"),
    ("Draft findings two weeks after fieldwork ends.", 14, False, "fieldwork ends"),
    ("Implementation within 90 calendar days from the Effective Date.", 90, False, "signature"),
    ("The as-built drawings will be issued within 4 weeks of practical completion.", 28, False, "go_live"),
    ("Access badges will be issued within 3 days of acceptance of this proposal.", 3, False, "signature"),
    ("A customer survey is sent a fortnight after go-live.", 14, False, "go_live"),
    ("We will complete the audit within 60 calendar days of system acceptance.", 60, False, "go_live"),
    ("Engineers on site within 2-3 weeks of order.", 21, False, "signature"),
    ("All kit will be configured on signature.", 0, False, "signature"),
    ("Floor walkers will be available at go-live.", 0, False, "go_live"),
    ("Licences will be provisioned within 48 business days of the contract being signed.", 48, True, "signature"),
    ("Final invoice within 30 days of the end of the pilot.", 30, False, "end of the pilot"),
    # Contract language (issue 8): figures echoed in words, the event's own words kept
    # ("receipt of ..."), "the time of delivery", the service start under other names,
    # project timelines by week.
    ("SAP shall deliver the software within 4 (four) weeks from the effective date.", 28, False, "signature"),
    ("Operator shall provide Owner within 10 days of receipt of such Liability Claim a copy of "
     "any demand letter.", 10, False, "receipt of such liability claim"),
    ("At least one (1) year before the expiration of the Initial Term, we agree to give you "
     "written notice.", -365, False, "expiration of the initial term"),
    ("The Sellers shall, 3 days before the time of delivery, inform the Buyers by cable.", -3, False, "delivery"),
    ("On or prior to the Conversion Date, M&I shall deliver the Change Control Procedures.", 0, False, "go_live"),
    ("Segments shall be provided in time for operation by the RFS Date.", 0, False, "go_live"),
    ("Week 4 -> UI Design - 75% of the UX flow completed", 28, False, "kickoff"),
    ("Weeks 3-4: user acceptance testing", 28, False, "kickoff"),
    ("Month 2 | Go-live of the portal", 60, False, "kickoff"),
    # A contract's defined dates are events; notice periods count back from the event.
    ("The Supplier shall hand over the test plan prior to the Site Readiness Date.", 0, False,
     "site readiness date"),
    ("Licensor shall deliver the manuals on or before the Final Handback Date to the customer.", 0,
     False, "final handback date"),
    ("Ten (10) days before the Cable Landing Date the Contractor shall submit a method statement.",
     -10, False, "cable landing date"),
    ("Provider shall return all data within five (5) days of the Termination Date.", 5, False,
     "termination"),
    ("Provider will give Client at least sixty (60) days' prior written notice of any fee increase.",
     -60, False, "fee increase"),
    ("We will tell you two months in advance regarding any planned migration.", -60, False,
     "planned migration"),
    # The event is the phrase's head: a task order's conclusion is no order; plural
    # changes and "of this Agreement" are trimmed from the event's own words.
    ("Two weeks prior to task order conclusion, we will provide a transition plan.", -14, False,
     "task order conclusion"),
    ("Training will run two weeks before the first wave cut-over.", -14, False, "go_live"),
    ("Provider will give 30 days' written notice of any tariff changes.", -30, False, "tariff change"),
    ("Within ten (10) days following the termination of this Agreement, Provider shall return all "
     "records.", 10, False, "termination"),
    ("The portal will be live within three (3) months of the date hereof.", 90, False, "signature"),
]


@pytest.mark.parametrize("sentence, days, business, anchor", RELATIVE)
def test_relative_deadlines(sentence, days, business, anchor):
    found = find_deadline(sentence, DOC, "en-GB")
    assert found is not None, sentence
    assert (found.within_days, found.business_days, found.anchor) == (days, business, anchor)
    assert found.text == sentence[found.start:found.end]


NO_DEADLINE = [
    "The cooling units are warranted for 24 months from commissioning.",
    "Rates are guaranteed for 12 months from the date of order.",
    "A Defects Liability Period of 12 months from Practical Completion applies.",
    "Our coordinator will call every month for the first three months after launch.",
    "The project lead will meet you every two weeks from kickoff until handover.",
    "From 1 July 2027 we will send a weekly report until the end of the pilot.",
    "Guards attend within 24 hours of an alarm.",
    "We will respond to P1 incidents within 2 business days.",
    "Resolve critical faults within 2 business days of the ticket being logged.",
    "Engineers will be on site within 4 hours of a call being logged.",
    "Our service desk is open 24/7 with 99.9% availability.",
    "We are certified to ISO 9001:2015 and ISO 27001.",
    "Version 2.1.3 of the app will be used.",
    "The monthly fee is $31.03 per user.",
    "Calls are answered from 9:00 to 17:30.",
    "The price includes 30 days of hypercare.",
    "We may 5 times revise the plan.",
    "We have delivered more than 300 projects since 2015.",
    "Deliveries will be made within 30 days.",
    "Support 24x7x365 for all sites.",
    "We will march 3 teams onto site.",
    "The warranty lasts 24 months.",
    "Our team has 25 years of experience.",
    "Up to 3 revisions are included at the end of the design phase.",
    "We will do this before the end of the launch campaign.",
    "Provider may raise its fees on thirty (30) days' written notice.",
    "The test plan will be issued by the due date.",
]


@pytest.mark.parametrize("text", [
    "Windows will be cleaned once a month.",
    "The site lead is on site from 7:00 am every weekday.",
    "You will get a summary from us every Friday.",
])
def test_a_schedule_with_no_event_has_no_start_event(text):
    assert series_start(text)[1] is None


def test_a_schedule_after_an_event_starts_at_it():
    assert series_start("Once deployment is complete, we will hold quarterly reviews.")[1] == "deployment"


@pytest.mark.parametrize("sentence", NO_DEADLINE)
def test_no_deadline(sentence):
    assert find_deadline(sentence, DOC, "en-US") is None


def test_for_the_first_days_after_an_event_is_a_deadline_without_a_schedule():
    found = find_deadline("For the first 30 days after go-live, an analyst will check every "
                          "payroll run.", DOC)
    assert (found.within_days, found.anchor) == (30, "go_live")


def test_a_date_bounding_a_schedule_is_no_due_date_but_a_lone_end_date_is():
    assert find_deadline("Weekly site meetings until 30 June 2027.", DOC) is None
    assert find_deadline("Support is included until 30 June 2027.", DOC).due == date(2027, 6, 30)


def test_fiscal_quarter_is_not_a_calendar_quarter():
    found = find_deadline("Go-live on 1 October 2027, the start of your fiscal Q4.", DOC)
    assert found.due == date(2027, 10, 1)


def test_yearless_date_needs_document_date():
    assert find_deadline("Submittals will be returned by 15 April.") is None
    assert find_deadline("Rollout completes in Q2.") is None
    assert find_deadline("Submittals by 15 April 2027.").due == date(2027, 4, 15)


def test_relative_and_absolute_together():
    found = find_deadline("Phase 2 will be delivered 30 days after signing and no later than "
                          "30 June 2027.", DOC)
    assert (found.due, found.within_days, found.anchor) == (date(2027, 6, 30), 30, "signature")


def test_deadline_span_covers_the_cue():
    sentence = "All 340 gateways will be installed no later than March 31, 2027."
    found = find_deadline(sentence, DOC)
    assert found.text == "no later than March 31, 2027"


def test_smart_punctuation_and_nbsp():
    found = find_deadline("Go\u2011live two\u00a0weeks before launch \u2013 or 31\u00a0March\u00a02027.",
                          DOC)
    assert found.within_days == -14
    found = find_deadline("Installation 5\u201330 October 2027.", DOC)
    assert found.due == date(2027, 10, 30)


FIND_DATES = [
    ("Kickoff 3 May 2027, go-live 1 June 2027.", [date(2027, 5, 3), date(2027, 6, 1)]),
    ("between 5 and 30 October 2027", [date(2027, 10, 5), date(2027, 10, 30)]),
    ("24/7 support, 99.9% uptime, ISO 9001:2015, 9:00-17:00, v2.1.3, $31.03", []),
    ("Invoices are payable within 30 days of receipt.", []),
    ("Report 1: 2027-02-01; report 2: 01/03/2027.", [date(2027, 2, 1), date(2027, 1, 3)]),
    ("We may revise it; may 5 is not a date but May 5 is.", [date(2027, 5, 5)]),
]


@pytest.mark.parametrize("text, dates", FIND_DATES)
def test_find_dates(text, dates):
    assert [d for d, _, _ in find_dates(text, DOC, "en-US")] == dates


def test_find_dates_spans():
    text = "Go-live on 1 June 2027."
    (value, start, end), = find_dates(text)
    assert text[start:end] == "1 June 2027" and value == date(2027, 6, 1)


DOCUMENT_DATES = [
    ("Proposal for Acme\nDate: 12 January 2027\n\nDelivery by 31 March 2027.", date(2027, 1, 12)),
    ("# Proposal\n\n**Date:** January 12, 2027\n\nGo-live June 1, 2027.", date(2027, 1, 12)),
    ("Northwind Telecom\nSeattle, January 12, 2027\n\nInstall by March 31, 2027.", date(2027, 1, 12)),
    ("Proposal\nIssued: 2027-01-12\nValid until 2027-03-12", date(2027, 1, 12)),
    ("Harbourside Ltd\n12/01/2027\nProgramme start 01/03/2027, organisation colour", date(2027, 1, 12)),
    ("Cover page\n\nWe will finish by 30 June 2027 and start on 2 February 2027.", date(2027, 2, 2)),
    ("No dates here at all.", None),
    ("Go-live | 1 June 2027\nKickoff | 3 May 2027", date(2027, 5, 3)),
]


@pytest.mark.parametrize("text, expected", DOCUMENT_DATES)
def test_detect_document_date(text, expected):
    assert detect_document_date(text) == expected


LOCALES = [
    ("Delivery on 31/03/2027.", "en-GB"),
    ("Delivery on 03/31/2027.", "en-US"),
    ("Our organisation will deliver the programme; colour schemes agreed.", "en-GB"),
    ("Our organization will deliver the program; color schemes agreed.", "en-US"),
    ("Total £12,000 plus VAT.", "en-GB"),
    ("Sunridge Solar Pty Ltd, ABN 12 345 678 901, A$15,000 incl. GST.", "en-GB"),
    ("Contoso Inc. will invoice USD 12,000.", "en-US"),
    ("Go-live 31 March 2027; review 30 April 2027.", "en-GB"),
    ("Go-live March 31, 2027; review April 30, 2027.", "en-US"),
    ("We will deliver three workshops.", None),
    ("", None),
]


@pytest.mark.parametrize("text, locale", LOCALES)
def test_detect_locale(text, locale):
    assert detect_locale(text) == locale


@pytest.mark.parametrize("sentence,event", [
    ("Weekly status calls will be held with your practice manager until go-live.", "go_live"),
    ("We will meet every Tuesday until the kick-off meeting.", "kickoff"),
    ("Fortnightly check-ins up to handover.", "go_live"),
    ("Monthly reports will be sent to the operations lead.", None),
])
def test_series_end_event(sentence, event):
    from promiseaudit.extract.dates import series_end_event

    assert series_end_event(sentence) == event


@pytest.mark.parametrize("sentence, category, deadline, level", [
    # A clock of days after a request, notice or detection is a deadline relative to that
    # event (LABELLING.md: "the event's own words"); for service levels and warranties the
    # time limit on the same words wins, as before.
    ("Upon request, Vendor shall, within thirty (30) days of such request, furnish a FOSS Disclosure.",
     "delivery", (30, "request"), None),
    ("Provider shall remedy the breach within thirty (30) days after written notice.",
     "warranty", None, (30, "day")),
    ("We will replace any failed unit within 10 business days of notice.",
     "warranty", None, (10, "business_day")),
    ("Inverter faults are reported within one business day of detection.",
     "check_in", (1, "detection"), None),
    ("Inverter faults are reported within one business day of detection.",
     "service_level", None, (1, "business_day")),
    ("We will respond within 4 hours of a request.", "service_level", None, (4, "hour")),
])
def test_clocks_after_requests_and_notices(sentence, category, deadline, level):
    from promiseaudit.extract.parameters import parameters_for

    p = parameters_for(sentence, category)
    assert ((p.within_days, p.anchor) if p.within_days is not None else None) == deadline
    assert ((p.threshold, p.threshold_unit) if p.threshold is not None else None) == level

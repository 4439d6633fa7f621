"""Commitment detection, category, strength and condition on single sentences.

The sentences are written in many proposal styles (RFP responses, SOWs, agency pitches,
facilities tenders); none is copied from the gold fixtures. Each is placed in a small
document whose cover page names the seller (Acme Networks Ltd) and the customer
(Bolt Retail Group), as real proposals do.
"""
import pytest
from builders import text_document

from promiseaudit.extract import extract


HEADER = (
    "Proposal for Bolt Retail Group\n\n"
    "Prepared for: Maria Lopez, Head of IT, Bolt Retail Group\n"
    "Prepared by: Sam Patel, Account Director, Acme Networks Ltd\n"
    "Date: 12 January 2027\n\n"
    "## Our proposal\n\n"
)


def run(nlp, sentence, header=HEADER):
    text = header + sentence + "\n"
    doc = text_document(text, "t.md")
    return extract(doc, nlp)


def the_promise(nlp, sentence):
    found = [p for p in run(nlp, sentence) if p.text.strip() and p.text in sentence or sentence in p.text]
    assert len(found) == 1, f"expected one promise for {sentence!r}, got {[p.text for p in found]}"
    return found[0]


# (sentence, category, strength, has_condition)
PROMISES = [
    # delivery
    ("We will install 120 wireless access points across your three warehouses by 30 June 2027.", "delivery", "firm", False),
    ("Acme will complete the data migration within 30 days of contract signature.", "delivery", "firm", False),
    ("All 45 stores will be live on the new platform no later than March 31, 2027.", "delivery", "firm", False),
    ("The Supplier shall deliver the final design document within two weeks of kickoff.", "delivery", "firm", False),
    ("Our engineers will configure and test every firewall before handover.", "delivery", "firm", False),
    ("We'll ship all 500 laptops, imaged and asset-tagged, by the end of May.", "delivery", "firm", False),
    ("The new website will be launched on 1 September 2027.", "delivery", "firm", False),
    ("Phase 1 will be completed by Q3 2027.", "delivery", "firm", False),
    ("We commit to delivering the pilot within 6 weeks of project start.", "delivery", "firm", False),
    ("The Contractor will supply and fit 24 replacement windows to the east elevation.", "delivery", "firm", False),
    ("A site survey report will be provided within 10 business days of the site visit.", "delivery", "firm", False),
    ("We will be responsible for the removal and disposal of all old equipment.", "delivery", "firm", False),
    ("Acme undertakes to hand over the completed fit-out by 1 December 2027.", "delivery", "firm", False),
    ("We plan to migrate all mailboxes over two weekends in May.", "delivery", "soft", False),
    ("Our consultants will document every configuration change in a runbook delivered at handover.", "delivery", "firm", False),
    ("Acme proposes to replace the existing phone system with a hosted contact centre for all 300 agents.", "delivery", "firm", False),
    ("The Vendor agrees to deliver 60 point-of-sale terminals to your distribution centre within 45 days of purchase order.", "delivery", "firm", False),
    ("Our crews mow and edge all lawns every week from October to March.", "delivery", "firm", False),
    ("Cleaning of all common areas is carried out every weekday evening.", "delivery", "firm", False),
    # service levels
    ("The hosted platform will be available 99.9% of the time, measured monthly.", "service_level", "firm", False),
    ("We guarantee 99.95% uptime for the production environment.", "service_level", "firm", False),
    ("Average page load time will be under 2 seconds for all customer-facing pages.", "service_level", "firm", False),
    ("Picking accuracy will be at least 99.5% in every quarter.", "service_level", "firm", False),
    ("Scanning accuracy shall not fall below 98%.", "service_level", "firm", False),
    ("We aim to maintain a customer satisfaction score above 90%.", "service_level", "soft", False),
    ("At least 97% of deliveries will arrive within the booked time slot each month.", "service_level", "firm", False),
    ("Acme is committed to answering 90% of calls within 20 seconds.", "service_level", "firm", False),
    # support
    ("Our service desk will be available from 8am to 6pm, Monday to Friday.", "support", "firm", False),
    ("Severity 1 incidents will receive a response within 30 minutes.", "service_level", "firm", False),
    ("We will resolve Severity 2 issues within 8 business hours.", "service_level", "firm", False),
    ("You will have a dedicated account manager, Sarah Lee, as your single point of contact.", "support", "firm", False),
    ("Support is provided by phone, email and chat, 24 hours a day, 7 days a week.", "support", "firm", False),
    ("Critical faults will typically be fixed within 4 hours.", "service_level", "soft", False),
    ("An engineer will be on site within 4 hours if a fault cannot be resolved remotely.", "service_level", "firm", True),
    ("We provide 24/7 phone support with a one-hour response time.", "support", "firm", False),
    ("A named technical lead will remain assigned to your account for the full term.", "support", "firm", False),
    ("Acme will use commercially reasonable efforts to restore service within 2 hours.", "service_level", "soft", False),
    ("Tickets raised through the portal are acknowledged within 15 minutes.", "service_level", "firm", False),
    ("Users will be able to log tickets through the self-service portal at any time.", "support", "firm", False),
    # training
    ("We will run four half-day training workshops for your finance team.", "training", "firm", False),
    ("Training for up to 30 users will be delivered on site before go-live.", "training", "firm", False),
    ("Acme will provide a train-the-trainer course for six of your super users.", "training", "firm", False),
    ("All new store staff will receive onboarding training within their first week.", "training", "firm", False),
    ("We will record every training session and share the videos with your team.", "training", "firm", False),
    ("Refresher training will be offered every six months at no extra cost.", "training", "firm", False),
    ("Each trainer assigned to the programme will hold a current teaching qualification.", "training", "firm", False),
    # check-ins
    ("Your project manager will hold weekly status calls until go-live.", "check_in", "firm", False),
    ("We will meet with your leadership team every quarter to review performance.", "check_in", "firm", False),
    ("A monthly performance report will be sent to your operations director.", "check_in", "firm", False),
    ("Quarterly business reviews will be held with your executive sponsor.", "check_in", "firm", False),
    ("We will send fortnightly progress reports throughout the project.", "check_in", "firm", False),
    ("The Consultant shall attend monthly steering committee meetings.", "check_in", "firm", False),
    ("Your account manager will visit each store at least once a quarter.", "check_in", "firm", False),
    ("We'll call you 30 days after go-live to check that everything is working as expected.", "check_in", "firm", False),
    # warranty
    ("All workmanship is guaranteed for 12 months from completion.", "warranty", "firm", False),
    ("We offer a 24-month warranty on all hardware supplied.", "warranty", "firm", False),
    ("Any defects reported within 90 days will be fixed free of charge.", "warranty", "firm", False),
    ("If any area is not cleaned to standard, we will re-clean it within 24 hours at no cost.", "warranty", "firm", True),
    ("The roof will carry a 10-year manufacturer's warranty.", "warranty", "firm", False),
    ("The Contractor warrants that all materials will be new and free from defects.", "warranty", "firm", False),
    ("Should the software fail to perform as specified, we will correct the defect at our own expense.", "warranty", "firm", True),
    ("A faulty handset will be swapped within one business day of your call.", "warranty", "firm", False),
    # pricing
    ("Prices will be held for 12 months from contract signature.", "pricing", "firm", False),
    ("We will apply a 10% discount to all orders placed before 31 March 2027.", "pricing", "firm", False),
    ("If monthly availability falls below 99.9%, you will receive a service credit of 5% of the monthly fee.", "pricing", "firm", True),
    ("Annual price increases will be capped at 3%.", "pricing", "firm", False),
    ("Your subscription price is locked for the full 36-month term.", "pricing", "firm", False),
    ("We will not increase the hourly rate during the first two years.", "pricing", "firm", False),
    ("Travel expenses will not exceed $2,000 per month.", "pricing", "firm", False),
    ("If we miss the agreed launch date through our own fault, Acme will waive the first month's fee.", "pricing", "firm", True),
    # hedges and conditions
    ("We will endeavour to complete the installation within 5 days.", "delivery", "soft", False),
    ("Where possible, we will schedule installations outside trading hours.", "delivery", "soft", False),
    ("We expect to go live by the end of June.", "delivery", "soft", False),
    ("Subject to receipt of your purchase order by 15 May, equipment will be delivered by 30 June.", "delivery", "firm", True),
    ("Provided that site access is granted, the survey will be completed within five working days.", "delivery", "firm", True),
    ("Response times should not exceed 15 minutes for critical alerts.", "support", "soft", False),
    ("Our target is to resolve 80% of requests at the first point of contact.", "service_level", "soft", False),
    ("Bolt Retail will receive a written handover pack at the end of the project.", "delivery", "firm", False),
    ("You get unlimited access to our online knowledge base for the life of the contract.", "support", "firm", False),
]

NON_PROMISES = [
    "The Client will provide site access for all installation crews.",
    "We have installed more than 12,000 access points since 2015.",
    "Founded in 1998, Acme employs 250 engineers across the UK.",
    "Our platform is used by over 3,000 retailers worldwide.",
    "Fee: $12,500",
    "Invoices are payable within 30 days of the invoice date.",
    "This proposal is valid for 90 days.",
    "Hardware is not included in the monthly fee.",
    "This proposal assumes that all sites have existing network cabling.",
    "We provide world-class, industry-leading service.",
    "You will need to nominate a project sponsor before kickoff.",
    "The customer is responsible for obtaining any building permits.",
    "Customer shall ensure that a power outlet is available within 2 metres of each device.",
    "Bolt Retail will make staff available for user acceptance testing.",
    "We will invoice the setup fee on contract signature.",
    "Travel is billed at cost.",
    "Annual subscription: £24,000, payable annually in advance.",
    "Prices exclude VAT.",
    "We look forward to working with you.",
    "We would welcome the opportunity to discuss this proposal further.",
    "Additional training days can be purchased at £950 per day.",
    "We will need remote access to your servers during the migration.",
    "Our team has over 20 years of experience in retail IT.",
    "Acme was named Partner of the Year in 2025.",
    "Site access will be provided by the client's facilities team.",
    "Out-of-hours work is excluded from this quote.",
    "The timeline depends on timely approval of the designs by your team.",
    "We are a family-owned business based in Leeds.",
    "Acme will not be liable for indirect or consequential losses.",
    "This quotation is valid until 31 March 2027.",
    "Payment is due within 14 days of invoice.",
    "The project fee is $48,000, invoiced in three instalments.",
    "Any additional work will be charged at our standard day rate of £850.",
    "Your IT team will be responsible for user acceptance testing.",
    "It is assumed that the client will provide parking for engineers.",
    "We will be happy to answer any questions you may have.",
    "Last year we trained over 9,000 people in 14 countries.",
    "Our cutting-edge platform delivers a seamless experience.",
    "The client must provide a named contact for each site.",
    "Third-party licences are out of scope.",
    "Exclusions: asbestos removal, structural repairs and planning fees.",
    "Service credits do not apply to outages caused by the customer's own equipment.",
    "Our engineers hold Cisco and Microsoft certifications.",
    "We can also provide optional on-site support at additional cost.",
    "Bolt Retail's stores currently run on a mix of legacy tills and consumer broadband.",
    "Rates will be reviewed each January in line with inflation.",
    "Your staff must complete the pre-course questionnaire before the first session.",
    "Delivery dates depend on receipt of a signed order.",
    "Our fee is $95,000, fixed, for the full engagement.",
    "Acme holds a current ISO 27001 certificate.",
    "Cancellations with less than 48 hours' notice will be charged in full.",
    "Store opening hours provided by Bolt Retail are assumed to be accurate.",
    "The Buyer will sign off each milestone within five business days.",
]


@pytest.mark.parametrize("sentence,category,strength,conditional", PROMISES, ids=[p[0][:50] for p in PROMISES])
def test_promise(nlp, sentence, category, strength, conditional):
    promise = the_promise(nlp, sentence)
    assert promise.category == category
    assert promise.strength == strength
    assert bool(promise.condition) == conditional, promise.condition


@pytest.mark.parametrize("sentence", NON_PROMISES, ids=[s[:50] for s in NON_PROMISES])
def test_non_promise(nlp, sentence):
    found = [p.text for p in run(nlp, sentence) if p.text in sentence or sentence in p.text]
    assert found == []


def test_condition_text_is_the_clause(nlp):
    p = the_promise(nlp, "If availability falls below 99.5% in any month, we will credit 10% of the monthly fee.")
    assert p.condition == "If availability falls below 99.5% in any month"


def test_provided_condition_at_the_end(nlp):
    p = the_promise(nlp, "Plants that fail within 6 months will be replaced at no cost, provided they have been watered as we advise.")
    assert p.condition.startswith("provided they have been watered")


def test_if_possible_is_a_hedge_not_a_condition(nlp):
    p = the_promise(nlp, "If possible, we will complete the cut-over in a single weekend.")
    assert p.strength == "soft"
    assert p.condition is None


@pytest.mark.parametrize("sentence", [
    "Subject to this Agreement, the Provider will deliver the Software within 30 days of the Effective Date.",
    "Subject to Force Majeure, the Provider will restore the Service within 4 hours.",
    "Unless otherwise agreed by the parties, the Provider will hold a review meeting every quarter.",
])
def test_boilerplate_that_points_at_the_rest_of_the_contract_is_not_a_condition(nlp, sentence):
    assert the_promise(nlp, sentence).condition is None


def test_subject_to_a_real_condition_is_kept(nlp):
    p = the_promise(nlp, "Subject to the Customer's written approval of the design, we will deliver the portal by 1 June 2027.")
    assert p.condition is not None


def test_temporal_once_is_not_a_condition(nlp):
    p = the_promise(nlp, "Once the pilot is signed off, we will hold monthly review meetings with your team.")
    assert p.condition is None
    assert p.category == "check_in"


def test_reason_rule_and_confidence_are_filled(nlp):
    p = the_promise(nlp, "We will install 40 cameras by 30 June 2027.")
    assert p.rule.startswith("seller_modal/")
    assert "seller" in p.reason and "'will'" in p.reason
    assert 0.5 < p.confidence <= 1
    soft = the_promise(nlp, "We aim to install 40 cameras by 30 June 2027.")
    assert soft.confidence < p.confidence


def test_customer_name_duties_are_not_promises(nlp):
    text = "Bolt will provide a secure storage room. Acme will provide all cleaning materials."
    found = [p.text for p in run(nlp, text)]
    assert found == ["Acme will provide all cleaning materials."]


def test_defined_roles_are_read_from_the_document(nlp):
    header = ('Northfield Systems Limited (the "Contractor") submits this tender to Wexley Borough '
              'Council (the "Authority").\n\n')
    text = "The Authority will provide parking for two vans. Northfield will install 12 CCTV cameras by 1 May 2027."
    found = [p.text for p in run(nlp, text, header=header)]
    assert found == ["Northfield will install 12 CCTV cameras by 1 May 2027."]


def test_background_section_present_tense_is_not_a_promise(nlp):
    header = "Prepared by: Acme Networks Ltd\nPrepared for: Bolt Retail Group\n\n## Executive summary\n\n"
    assert run(nlp, "Your warehouse runs around the clock and ships 4,000 orders every day.", header=header) == []


# A second batch, written after the rules, in yet other wordings: (sentence, category).
MORE_PROMISES = [
("We will endeavor to respond to all non-urgent emails by the next business day.", "service_level"),
("Our guarantee: if you're not satisfied with any clean, we'll come back and redo it free of charge within 48 hours.", "warranty"),
("Should demand exceed forecast, we will add a second shift within two weeks.", "delivery"),
("Unless otherwise agreed, reports will be delivered by the fifth working day of each month.", "check_in"),
("Acme will, where practicable, use local subcontractors.", "delivery"),
("Commissioning should be complete by the end of week 12.", "delivery"),
("Your data will be hosted in UK data centres.", "service_level"),  # a data-protection undertaking
("We'll keep you updated every Friday by email.", "check_in"),
("Customer-facing kiosks will be available at least 99.5% of opening hours.", "service_level"),
("Every order placed before 2 pm ships the same day.", "delivery"),
("Acme guarantees that every technician assigned to your sites holds a valid DBS check.", "delivery"),
("Within 30 days of go-live, we will run a health check and share the findings with you.", "check_in"),

("Our crew will arrive on site no later than 7:30 am on installation days.", "service_level"),
("We shall complete commissioning of the chiller plant within 8 weeks of receiving the deposit.", "delivery"),
("Acme's implementation team will configure all 14 locations in the new POS system.", "delivery"),
("Your new phone system will be live across all offices by the end of Q1 2027.", "delivery"),
("Final artwork files will be handed over in print-ready PDF and editable formats.", "delivery"),
("Each sprint will end with a demo of working software to your product owner.", "check_in"),
("We'll send you a written summary after every site visit.", "check_in"),
("A dedicated onboarding specialist will guide your team through the first 90 days.", "support"),
("Our helpline is staffed 24/7 by qualified engineers.", "support"),
("Emergency call-outs will be attended within two hours, day or night.", "service_level"),
("Password resets are handled within 15 minutes during business hours.", "support"),
("The booking system will respond to 95% of searches in under one second.", "service_level"),
("We commit to a first-time fix rate of at least 85%.", "service_level"),
("Guest satisfaction will be measured after every event and will average at least 4.5 out of 5.", "service_level"),
("All new hires on your account will complete our 3-day induction course.", "training"),
("Your managers will receive a half-day briefing on the new rota tool before launch.", "training"),
("We will hold a lessons-learned workshop with your team at the end of the project.", "check_in"),
("Roof membranes are guaranteed against leaks for 15 years.", "warranty"),
("If a repaired item fails again within 30 days, we will repair it again at no charge.", "warranty"),
("Replacement parts for the first 12 months are included in the price.", "warranty"),
("We will match any lower written quote for the same specification.", "pricing"),
("Your licence fees will stay at today's rate until your renewal in 2029.", "pricing"),
("If a delivery arrives more than 2 hours late, the delivery charge will be refunded.", "pricing"),
("A 5% loyalty discount applies to all orders in the second year.", "pricing"),
("We aim to have the first draft with you within 10 working days of the briefing.", "delivery"),
("Ideally, the migration should take place over a single weekend.", "delivery"),
("Subject to planning approval, construction will start on 3 May 2027.", "delivery"),
("In the event of a power cut, backup generators will restore supply within 30 seconds.", "service_level"),
("Unless you tell us otherwise, meals will be served from 12:00 to 14:00 every weekday.", "delivery"),
]
MORE_NON_PROMISES = [
"We would recommend upgrading the firewall firmware before the migration.",
"It is recommended that the customer nominate a project sponsor.",
"Should you require additional licences, these can be provided at list price.",
"Our team is passionate about great service.",
"Acme reserves the right to substitute equivalent hardware.",
"The customer will be invoiced monthly in arrears.",
"We will not be responsible for delays caused by third parties.",
"Work outside these hours is available at our standard overtime rates.",
"Clients typically see a 30% reduction in downtime within the first year.",
"We may subcontract specialist works to approved partners.",
"Bolt Retail agrees to pay all invoices within 30 days.",
"The warranty does not cover consumables.",
"A 50% deposit is required to secure your installation date.",
"We're confident we can cut your energy bill by 20%.",

"Bolt Retail will appoint a single point of contact for the project.",
"You are responsible for backing up your data before the migration.",
"We have been serving the retail sector for over 30 years.",
"Acme was founded in Manchester in 1985.",
"Our customers include three of the UK's top ten retailers.",
"A deposit of 30% is payable on acceptance of this quote.",
"All prices are quoted in pounds sterling.",
"This quote excludes any structural work.",
"Delivery times may vary depending on stock availability.",
"We believe our approach offers the best value for money.",
"Our engineers are the best in the business.",
"Please do not hesitate to contact me with any questions.",
"The quote is valid for 30 days.",
"Any extra visits will be charged at £120 per hour.",
"Bolt Retail must give us at least two weeks' notice of any change to store opening hours.",
"These figures are based on your current usage.",
"Acme can also supply furniture if required.",
"Our previous projects have all been delivered on time.",
"Last year our help desk handled 48,000 calls.",
"Weekend working, if required, is charged at time and a half.",
"We will require a purchase order before ordering any equipment.",
"The programme assumes that all sites are available from 1 March.",
"Bolt Retail's IT team will install the software on all staff laptops.",
"Scaffolding is not included in our price.",
"The figures in this proposal are estimates only.",
]


@pytest.mark.parametrize("sentence,category", MORE_PROMISES, ids=[p[0][:50] for p in MORE_PROMISES])
def test_more_promises(nlp, sentence, category):
    assert the_promise(nlp, sentence).category == category


@pytest.mark.parametrize("sentence", MORE_NON_PROMISES, ids=[s[:50] for s in MORE_NON_PROMISES])
def test_more_non_promises(nlp, sentence):
    assert [p.text for p in run(nlp, sentence) if p.text in sentence or sentence in p.text] == []


@pytest.mark.parametrize("sentence,strength", [
    # issue 8: a hedge softens its own clause only (ConText-style scope).
    ("We will deliver the audit report by 1 May 2027; where possible we will also include a summary.", "firm"),
    ("We will deliver the audit report by 1 May 2027, but we aim to add a summary.", "firm"),
    ("Where possible, we will deliver the audit report by 1 May 2027.", "soft"),
    ("We aim to deliver the audit report by 1 May 2027.", "soft"),
])
def test_issue_8_hedge_scope_is_its_clause(nlp, sentence, strength):
    found = [p for p in run(nlp, sentence) if p.text.startswith(sentence[:20])]
    assert found and found[0].strength == strength, [(p.text, p.strength) for p in found]


@pytest.mark.parametrize("sentence,promised", [
    # issue 8: a negation takes away its own clause only (ConText-style scope).
    ("The service does not include third-party licences; the service includes 24/7 monitoring of all servers.", True),
    ("We do not guarantee third-party uptime, but patching of all servers is included.", True),
    ("We do not guarantee that the service will be uninterrupted or error-free.", False),
    ("The fee does not include travel expenses.", False),
])
def test_issue_8_negation_scope_is_its_clause(nlp, sentence, promised):
    found = [p for p in run(nlp, sentence) if sentence[:20] in p.text]
    assert bool(found) == promised, [(p.text, p.rule) for p in found]


def test_list_items_are_under_their_lead_ins_condition(nlp):
    body = ("## Managed hosting\n\nIf your plan includes managed hosting, we will provide:\n\n"
            "- Weekly installation of security patches\n- Monthly backup restore tests\n")
    items = [p for p in run(nlp, body) if "patches" in p.text or "restore tests" in p.text]
    assert len(items) == 2
    assert {p.condition for p in items} == {"If your plan includes managed hosting"}

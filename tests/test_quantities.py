"""Table-driven tests of recurrences, quantities, thresholds and periods
(promiseaudit/extract/quantities.py)."""
import pytest

from promiseaudit.extract.quantities import (
    find_period,
    find_quantity,
    find_recurrence,
    find_threshold,
    parse_number,
    singularise,
)

NUMBERS = [
    ("three", 3), ("Twenty-four", 24), ("twenty four", 24), ("1,200", 1200), ("1.5", 1.5),
    ("a dozen", 12), ("half a dozen", 6), ("two dozen", 24), ("two and a half", 2.5),
    ("one hundred and twenty", 120), ("forty-five (45)", 45), ("½", 0.5), ("1½", 1.5),
    ("two thousand five hundred", 2500), ("ninety\u2011nine", 99), ("a hundred", 100),
    ("hello", None), ("a", None), ("", None), ("one and two", None), ("first", None),
]


@pytest.mark.parametrize("text, value", NUMBERS)
def test_parse_number(text, value):
    assert parse_number(text) == value


RECURRENCES = [
    ("We will hold weekly status calls with your project lead.", "weekly"),
    ("A progress report will be emailed every week.", "weekly"),
    ("Site walks once a week during construction.", "weekly"),
    ("Our account manager will call you every Friday.", "weekly"),
    ("Bi-weekly sprint demos will be held.", "biweekly"),
    ("We will send fortnightly newsletters.", "biweekly"),
    ("Steering meetings every two weeks.", "biweekly"),
    ("Steering meetings every other week.", "biweekly"),
    ("We guarantee 99.95% monthly uptime.", "monthly"),
    ("A usage report is provided each month.", "monthly"),
    ("Service visits once a month.", "monthly"),
    ("Quarterly business reviews with your leadership team.", "quarterly"),
    ("Filters are replaced every three months.", "quarterly"),
    ("We will meet each quarter to review KPIs.", "quarterly"),
    ("Deep cleans twice a year.", "semiannually"),
    ("Semi-annual fire drills are included.", "semiannually"),
    ("Generators are serviced every six months.", "semiannually"),
    ("An annual inspection of every panel.", "annually"),
    ("We review the plan annually.", "annually"),
    ("Penetration tests once a year.", "annually"),
    ("Backups run nightly.", "daily"),
    ("Offices are cleaned every working day.", "daily"),
    ("A daily stand-up is held with your team.", "daily"),
    ("Bins are emptied each business day.", "daily"),
    ("Two inspections a week during the warranty period.", "weekly"),
]


@pytest.mark.parametrize("sentence, recurrence", RECURRENCES)
def test_find_recurrence(sentence, recurrence):
    assert find_recurrence(sentence) == recurrence


NO_RECURRENCE = [
    "The subscription costs $500 per month.",
    "Hosting is £1,200 per month plus VAT.",
    "The monthly fee includes hosting.",
    "All equipment has a 24 months warranty.",
    "The annual subscription fee is fixed.",
    "Support is available 24x7.",
    "The help desk is staffed 8 hours a day, 5 days a week.",
    "We will deliver the report within a week.",
    "All prices are billed monthly in advance.",
    "We will complete the project in 12 months.",
    "Licences cost €40 per user per month.",
    "A bi-monthly magazine is not a schedule we promise.",
    "If monthly uptime drops below 99.9%, we will credit 5% of the fee.",
    "Should weekly volumes exceed 500 parcels, a surcharge applies.",
    "The line is monitored twenty-four (24) hours a day, seven (7) days a week.",
]


RECURRENCES_MORE = [
    ("Annual price increases will be capped at 3%.", "annually"),
    ("Uptime is measured over each contract quarter.", "quarterly"),
    ("Six coaching sessions for each manager, one a month.", "monthly"),
    ("Reports should be sent weekly.", "weekly"),
    ("Where possible, we will meet fortnightly.", "biweekly"),
    ("A 45-minute call every other Tuesday.", "biweekly"),
    ("Cleaning checks three times a week.", "weekly"),
    # contract wording: a period written as a length (issue 8)
    ("HealthGate will deposit a replacement copy in any 6 month period.", "semiannually"),
    ("D2 shall release at least 1 Update during each 12 month calendar year.", "annually"),
    ("We will review the service levels every 3-month period.", "quarterly"),
    ("The warranty runs for a 12 month period.", None),
]


@pytest.mark.parametrize("sentence, recurrence", RECURRENCES_MORE)
def test_find_recurrence_more(sentence, recurrence):
    assert find_recurrence(sentence) == recurrence


@pytest.mark.parametrize("sentence", NO_RECURRENCE)
def test_no_recurrence(sentence):
    assert find_recurrence(sentence) is None


QUANTITIES = [
    ("We will deliver three remote training sessions for your staff.", 3, "session"),
    ("All 340 vehicles will be fitted with trackers.", 340, "vehicle"),
    ("Training is provided for up to 24 staff.", 24, "staff"),
    ("Our designers will present 2 concepts.", 2, "concept"),
    ("We will run twelve (12) workshops across the region.", 12, "workshop"),
    ("One dedicated account manager will be assigned.", 1, "manager"),
    ("We will install 120 Windows 11 laptops.", 120, "laptop"),
    ("Five (5) half-day workshops are included.", 5, "workshop"),
    ("Two on-site workshops will be held.", 2, "workshop"),
    ("We will run 3 x 2-hour sessions.", 3, "session"),
    ("We will produce 4 KPIs each month.", 4, "kpi"),
    ("Includes 10 consulting days.", 10, "day"),
    ("Two business analysts will join the team.", 2, "analyst"),
    ("We will provide 2 status reports.", 2, "report"),
    ("We deliver 3 deliveries per week.", 3, "delivery"),
    ("Two analyses of your spend.", 2, "analysis"),
    ("We will supply 1,200 meals per day.", 1200, "meal"),
    ("A dozen banners will be printed.", 12, "banner"),
    ("The crew will plant 250 native trees.", 250, "tree"),
    ("We will place four security guards at the gate.", 4, "guard"),
    ("Our team will create 30 social media posts.", 30, "post"),
    ("We will fit twenty-four (24) CCTV cameras.", 24, "camera"),
    ("Two follow-up calls after go-live.", 2, "call"),
    ("We will ship 50 infusion pumps by March 31, 2027.", 50, "pump"),
    ("Provision of 15 person-days of consultancy.", 15, "person-day"),
    ("\u2022 6 site visits", 6, "visit"),
    ("We will deliver 8 e-learning modules.", 8, "module"),
    ("Our crew of 6 cleaners will attend nightly.", 6, "cleaner"),
    ("We will host 3 webinars for 200 attendees.", 3, "webinar"),
    ("We will deliver 500 people to the event.", 500, "person"),
    ("We will coach up to 6 of your team leaders.", 6, "leader"),
    ("Each class is open to up to 15 of the Client's warehouse and transport supervisors.", 15,
     "supervisor"),
    ("We will install three 5 kW heat pumps.", 3, "pump"),
    ("Migration of approx. 25.000 customer records.", 25000, "record"),
    ("Our crew will refurbish 18 HR and finance workstations.", 18, "workstation"),
    ("We will provide 1.5 FTE analysts.", 1.5, "analyst"),
    ("We will deliver One Platform licences to 3 sites.", 3, "site"),
    # a number in words after a party's name is a count, not a model number
    ("Vendor shall provide to ACME two copies of the manuals.", 2, "copy"),
    ("We will run two (2) restore tests annually.", 2, "test"),
]


@pytest.mark.parametrize("sentence, quantity, unit", QUANTITIES)
def test_find_quantity(sentence, quantity, unit):
    found = find_quantity(sentence)
    assert found is not None, sentence
    assert (found.quantity, found.unit) == (quantity, unit)
    assert found.text == sentence[found.start:found.end]


NO_QUANTITY = [
    "A dedicated account manager will be assigned.",
    "Sessions are two-hour sessions held on site.",
    "We will finish within 3 weeks.",
    "All equipment comes with a 24 months warranty.",
    "Phase 2 will include the warehouse.",
    "24/7 support is included.",
    "We guarantee 99.9% uptime.",
    "The fee is $5,000 per month.",
    "ISO 9001:2015 certified processes.",
    "Delivery by 31 March 2027.",
    "Calls between 9:00 and 17:00.",
    "One of our engineers will attend.",
    "Respond within 4 business hours.",
    "We offer 24x7 monitoring.",
    "Training takes 3 days.",
    "We score 4.5/5 on customer satisfaction.",
    "See section 4.2 for details.",
    "Priority 1 incidents are escalated.",
    "Our Microsoft 365 tenant will be configured.",
    "Load times under 2 seconds.",
    "The team has 25 years of experience.",
    "Warranty claims are handled in 10 business days.",
    "We will credit one month's fee for each breach.",
    "No site will have more than 4 staff absent on any shift.",
    "Each hub gets one router per floor.",
    "The system was used for the 2025 conference.",
    "4.4 First-fix services shall be completed by May.",
    "2.2 Garden beds",
    "Fit-out of Level 4, One Wapping Wharf, Bristol.",
    "The Commerce One product manager shall be named.",
    "We will upgrade to Windows 11 next year.",
]


@pytest.mark.parametrize("sentence", NO_QUANTITY)
def test_no_quantity(sentence):
    assert find_quantity(sentence) is None


THRESHOLDS = [
    ("We guarantee uptime of at least 99.9%.", 99.9, "%", "at_least"),
    ("We commit to 99.95% monthly uptime.", 99.95, "%", "at_least"),
    ("Availability of 99.9 per cent each month.", 99.9, "%", "at_least"),
    ("We will respond within 1 hour.", 1, "hour", "at_most"),
    ("Critical calls answered within four (4) business hours.", 4, "business_hour", "at_most"),
    ("We will resolve P1 incidents within 2 business days.", 2, "business_day", "at_most"),
    ("Pages load in under 2 seconds.", 2, "second", "at_most"),
    ("API latency less than 250 ms.", 250, "ms", "at_most"),
    ("Search returns results in no more than 3 seconds.", 3, "second", "at_most"),
    ("Scanning with a minimum of 95% accuracy.", 95, "%", "at_least"),
    ("A satisfaction score of 90% or higher.", 90, "%", "at_least"),
    ("An engineer on-site within 24 hours.", 24, "hour", "at_most"),
    ("Guards attend within 20 minutes of an alarm.", 20, "minute", "at_most"),
    ("95% of calls answered within 30 seconds.", 30, "second", "at_most"),
    ("A 4-hour response time for severity 1.", 4, "hour", "at_most"),
    ("Next-business-day replacement of failed parts.", 1, "business_day", "at_most"),
    ("Downtime below 0.1% per quarter.", 0.1, "%", "at_most"),
    ("Response time of 2 hours for P2.", 2, "hour", "at_most"),
    ("Recovery time objective (RTO) of 4 hours.", 4, "hour", "at_most"),
    ("Our team will respond in 15 minutes.", 15, "minute", "at_most"),
    ("Connections of at least 100 Mbps at every site.", 100, "mbps", "at_least"),
    ("Fixes within one working day.", 1, "business_day", "at_most"),
    ("Prices will not increase by more than 3% per year.", 3, "%", "at_most"),
    ("Defect rate no higher than 2%.", 2, "%", "at_most"),
    ("Error rate under 0.5% of transactions.", 0.5, "%", "at_most"),
    ("We respond within half an hour.", 0.5, "hour", "at_most"),
    ("Orders dispatched within 48 hours.", 48, "hour", "at_most"),
    ("Reports are returned in 2 days or less.", 2, "day", "at_most"),
    ("Sub-second search across all records.", 1, "second", "at_most"),
    ("Accuracy of 98 % or more.", 98, "%", "at_least"),
    ("Uptime \u2265 99.5%.", 99.5, "%", "at_least"),
    ("We will replace faulty units within 5 business days of the fault being reported.",
     5, "business_day", "at_most"),
    ("If availability falls below 99.5% in any month, we credit 10% of the fee.", 99.5, "%",
     "at_least"),
    ("If fewer than 85% of learners pass, we will run the course again.", 85, "%", "at_least"),
    ("Where a callout takes more than 45 minutes, the fee is waived.", 45, "minute", "at_most"),
    ("System availability of 99.8% or better every month.", 99.8, "%", "at_least"),
    ("Meter readings are uploaded every 15 minutes.", 15, "minute", "at_most"),
    ("Positioning accurate to within 5 metres.", 5, "meter", "at_most"),
    ("Gravel laid to a depth of 50 mm.", 50, "mm", "at_least"),
    ("No branch will have more than 3 tills closed at once.", 3, "till", "at_most"),
    ("We expect to reach at least 2.5 million listeners.", 2500000, "listener", "at_least"),
    ("The ticket backlog is kept below 50 open tickets.", 50, "ticket", "at_most"),
    ("A project manager will be named within 36 hours of signing.", 36, "hour", "at_most"),
    # a measured time stated with a copula or a range, and a time given to cure
    ("Standard turnaround is three to five business days.", 5, "business_day", "at_most"),
    ("Replacement time shall be 7 days from receipt of the unit.", 7, "day", "at_most"),
    ("Provider shall have fifteen (15) days to correct the defect.", 15, "day", "at_most"),
]


@pytest.mark.parametrize("sentence, value, unit, direction", THRESHOLDS)
def test_find_threshold(sentence, value, unit, direction):
    found = find_threshold(sentence)
    assert found is not None, sentence
    assert (found.threshold, found.unit, found.direction) == (value, unit, direction)
    assert found.text == sentence[found.start:found.end]


NO_THRESHOLD = [
    "We will deploy within 45 days of contract signature.",
    "Dress rehearsal at least 5 business days before the event.",
    "We will deliver three training sessions.",
    "Support is available during business hours.",
    "Our office is open 9am to 5pm.",
    "The team has worked together for many years.",
    "Support 24/7 for all users.",
    "We will hold a workshop in March.",
    "Training for up to 30 of your staff.",
    "The venue is within 10 miles of your office.",
    "Progress is reviewed over the eight-week campaign.",
    "A minimum of three menu choices every day.",
    "A project manager will be named within 48 hours of signing.",
]


@pytest.mark.parametrize("sentence", NO_THRESHOLD)
def test_no_threshold(sentence):
    assert find_threshold(sentence) is None


PERIODS = [
    ("All panels carry a 12-month warranty.", 12, "month"),
    ("Panels are warranted for 25 years.", 25, "year"),
    ("Prices are held for 24 months.", 24, "month"),
    ("Rates are fixed for two years from signature.", 2, "year"),
    ("A warranty period of three (3) years applies.", 3, "year"),
    ("We offer a 5 year parts and labour warranty.", 5, "year"),
    ("Prices are fixed for the first 12 months.", 12, "month"),
    ("Workmanship is guaranteed for a period of 10 years.", 10, "year"),
    ("Support is included for 90 days after go-live.", 90, "day"),
    ("The inverter comes with a ten-year manufacturer's warranty.", 10, "year"),
    ("Our quote is valid for 60 days.", 60, "day"),
    ("Every guard receives 12 hours of site induction training.", 12, "hour"),
    ("You will have 30 days of post-launch support.", 30, "day"),
    ("a 15-year roof membrane and labour warranty;", 15, "year"),
]


@pytest.mark.parametrize("sentence, value, unit", PERIODS)
def test_find_period(sentence, value, unit):
    found = find_period(sentence)
    assert found is not None, sentence
    assert (found.threshold, found.unit, found.direction) == (value, unit, "at_least")
    assert found.text == sentence[found.start:found.end]


@pytest.mark.parametrize("sentence", [
    "All parts carry a lifetime warranty.",
    "The campaign will run for eight weeks.",
    "We will mobilise within 30 days of contract signature.",
    "We respond within 4 hours.",
    "Warranty claims are logged on our portal.",
])
def test_no_period(sentence):
    assert find_period(sentence) is None


@pytest.mark.parametrize("word, singular", [
    ("sessions", "session"), ("deliveries", "delivery"), ("analyses", "analysis"),
    ("staff", "staff"), ("people", "person"), ("boxes", "box"), ("switches", "switch"),
    ("status", "status"), ("KPIs", "kpi"), ("series", "series"), ("licences", "licence"),
    ("drives", "drive"), ("shelves", "shelf"), ("classes", "class"), ("on-site visits", "on-site visit"),
    ("person-days", "person-day"), ("buses", "bus"), ("courses", "course"),
])
def test_singularise(word, singular):
    assert singularise(word) == singular

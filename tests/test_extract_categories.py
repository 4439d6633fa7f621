"""Category decisions that generalise: verb/object frames and words used in another sense.

Every sentence here is written for these tests in a wording of its own (none is copied
from the gold fixtures). The seller is Acme Networks Ltd and the customer Bolt Retail
Group. Each case names the rule it exercises.
"""
import pytest
from builders import text_document

from promiseaudit.extract import extract

HEADER = (
    "Proposal for Bolt Retail Group\n\n"
    "Prepared for: Maria Lopez, Head of IT, Bolt Retail Group\n"
    "Prepared by: Sam Patel, Account Director, Acme Networks Ltd\n"
    "Date: 12 January 2027\n\n"
)


def category(nlp, sentence):
    text = HEADER + sentence + "\n"
    doc = text_document(text, "c.md")
    promises = extract(doc, nlp)
    assert promises, f"no promise found in {sentence!r}"
    return promises[0].category


CASES = [
    # Session words are training only when someone is taught.
    ("We will run three focus-group sessions with your frontline staff to gather feedback.", "delivery"),
    ("During the handover phase we will hold knowledge-transfer sessions so our engineers learn your existing setup.",
     "delivery"),
    ("Each attendee will receive a certificate of attendance by post within 10 days.", "delivery"),
    ("We will run two knowledge-sharing workshops for your warehouse supervisors before go-live.", "training"),
    ("We will train your warehouse supervisors on the new scanners in two half-day courses.", "training"),
    # A credential the seller's people hold is not teaching.
    ("Every driver we send will hold a valid forklift licence and a current first-aid certificate.", "delivery"),
    # Data protection and privacy undertakings are service levels.
    ("We will obtain written consent from every interviewee before each session.", "service_level"),
    ("Only two named analysts will have access to personal data collected during the study.", "service_level"),
    ("We will tell you about any security breach affecting your data within 48 hours of discovering it.",
     "service_level"),
    # Free of charge: a make-good is warranty, a scheduled service is delivery, units per N bought is pricing.
    ("If any part we install proves faulty within the first year, we will return and fix it free of charge.",
     "warranty"),
    ("We will perform the first yearly boiler service free of charge in March 2027.", "delivery"),
    ("For every ten licences bought, we will supply one more at no charge.", "pricing"),
    ("We will keep the hourly rate at 95 GBP until the end of 2027.", "pricing"),
    ("We will still honour the group rate for bookings made after the cut-off date.", "pricing"),
    ("If you find the same unit cheaper elsewhere we will match that price.", "pricing"),
    # Telling the customer ahead, reminding on a schedule, reviewing with them: check-ins.
    ("We will give you written notice of the outage date at least 5 working days beforehand.", "check_in"),
    ("A specialist will visit 60 days after go-live to go through the results with your managers.", "check_in"),
    ("We will send you a reminder each spring when the inspection falls due.", "check_in"),
    # A test whose results are reported is the work itself; a contracted report is a deliverable.
    ("We will perform a backup recovery test every month and report the outcome.", "delivery"),
    ("The final evaluation report will be delivered by 31 March 2027.", "delivery"),
    # Help available to the customer: staff on hand during set hours, spare parts sent fast.
    ("Floor-walking technicians will be on site from 6am to 8pm during the first week.", "support"),
    ("Replacement parts ordered before 2 p.m. will be shipped the same day.", "support"),
    ("Learners can email their tutor between lessons, and tutors answer within one working day.", "service_level"),
    # Measured performance of what is delivered.
    ("Cycle time will stay under 45 seconds per unit.", "service_level"),
    ("Tenants will be without heating for no more than one day during the works.", "service_level"),
    # A verification with its certificate travelling with the goods is delivery.
    ("Flatness will be checked on a granite table and the signed certificate will ship with each unit.", "delivery"),
    # A hotel check-in is not a progress check-in.
    ("We will reserve a block of 40 rooms at the venue hotel for your guests.", "delivery"),
    ("Guests will be offered early check-in from 11am on the arrival day.", "delivery"),
]


@pytest.mark.parametrize("sentence,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_category(nlp, sentence, expected):
    assert category(nlp, sentence) == expected

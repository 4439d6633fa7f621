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
    ("We will keep the hourly rate at 95 GBP until the end of 2027.", "pricing"),
    ("The final evaluation report will be delivered by 31 March 2027.", "delivery"),
    ("Learners can email their tutor between lessons, and tutors answer within one working day.", "service_level"),
    # Measured performance of what is delivered.
    ("Cycle time will stay under 45 seconds per unit.", "service_level"),
    # A hotel check-in is not a progress check-in.
    ("We will reserve a block of 40 rooms at the venue hotel for your guests.", "delivery"),
]


@pytest.mark.parametrize("sentence,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_category(nlp, sentence, expected):
    assert category(nlp, sentence) == expected

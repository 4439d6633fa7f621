"""Whole proposals in styles unlike the gold fixtures: a UK council tender with lettered
clauses, a US statement of work, an RFP response with a compliance matrix, and plain text with no
blank lines (as a PDF often reads).

Each expectation is (start of the quote, category); every other extracted quote is a
failure, and so is a missing one.
"""
from pathlib import Path

import pytest

from promiseaudit.extract import extract
from promiseaudit.read import read_document

SAMPLES = Path(__file__).parent / "extract_samples"

EXPECTED = {
    "plain.txt": [  # PDF-like text: no blank lines between headings and paragraphs
        ("Bluewater will service both pools and the spa three times per week", "delivery"),
        ("Water chemistry will be tested at every visit", "delivery"),
        ("If the pool is closed by the health department", None),
        ("Equipment failures reported by the building manager will be inspected", "support"),
        ("A monthly service summary will be e-mailed", "check_in"),
        ("Our owner, Luis Ortega, will attend the Association's annual meeting if invited.", "check_in"),
        ("Chemicals are included in the monthly fee.", "pricing"),
        ("Our rates will not change before January 1, 2029.", "pricing"),
    ],
    "waste.txt": [
        ("Riverton will mobilise the service on 1 August 2027", "delivery"),
        ("General waste will be collected twice a week", "delivery"),
        ("Food waste caddies will be supplied to all 38 sites", "delivery"),
        ("Missed collections reported before 12:00 will be rectified", "warranty"),
        ("Our contact centre is open 07:00 to 19:00", "support"),
        ("The Service Provider shall achieve a recycling rate", "service_level"),
        ("Riverton shall provide the Council with a monthly tonnage report", "check_in"),
        ("A contract review meeting will be held", "check_in"),
        ("All drivers and loaders will complete manual handling and customer care training", "training"),
        ("Should any bin be damaged by our crews", "warranty"),
        ("Collection rates are fixed for the first two years", "pricing"),
        ("Where a collection is missed twice in any month", "pricing"),
    ],
    "sow.md": [
        ("Quillon Digital will implement Salesforce Health Cloud", "delivery"),
        ("A discovery report and solution design", "delivery"),
        ("Configuration of Health Cloud for up to 150 users", "delivery"),
        ("Migration of 5 years of referral history", "delivery"),
        ("Integration with the Epic EHR", "delivery"),
        ("UAT support and a go-live runbook", "support"),
        ("Discovery and design | Quillon | October 15, 2027", "delivery"),
        ("Build and configuration | Quillon | December 10, 2027", "delivery"),
        ("Go-live | Quillon | February 1, 2028", "delivery"),
        ("Quillon anticipates go-live in the first week of February 2028", "delivery"),
        ("Quillon will train 12 Orbis administrators", "training"),
        ("End users will get self-paced e-learning modules", "training"),
        ("A Quillon consultant will provide floor support", "support"),
        ("After go-live, Quillon provides Tier 2 support", "support"),
        ("Severity 1 defects are acknowledged within 1 hour", "service_level"),
        ("We typically close Severity 3 requests within 5 business days", "support"),
        ("Quillon's engagement manager, Devon Price, will run a 30-minute status meeting", "check_in"),
        ("Orbis and Quillon will hold a steering committee meeting monthly", "check_in"),
        ("Quillon warrants that the configured solution", "warranty"),
        ("Nonconformities reported in that period will be corrected", "warranty"),
        ("Quillon's blended rate of $185/hour", "pricing"),
        ("Expenses will be billed at cost and will not exceed 8% of fees", "pricing"),
    ],
    "rfp.md": [
        ("3.1 | Vendor shall replace all 212 devices", "delivery"),
        ("3.2 | Vendor shall provide on-site service response within 4 hours", "service_level"),
        ("3.3 | Vendor shall provide toner automatically", "delivery"),
        ("**Automatic supplies:** toner ships", None),
        ("**Quarterly reviews:** your account manager will meet district IT", "check_in"),
        ("**Uptime:** we guarantee 98% device uptime", "service_level"),
        ("These rates are locked for the full 48-month term", "pricing"),
        ("Our team will then schedule a kickoff call", "delivery"),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_proposal(nlp, name):
    found = extract(read_document(SAMPLES / name), nlp)
    got = [(p.text, p.category) for p in found]
    expected = EXPECTED[name]
    assert len(got) == len(expected), "\n".join(text for text, _ in got)
    for (text, category), (prefix, want) in zip(got, expected):
        assert " ".join(text.split()).startswith(prefix), (text, prefix)
        if want is not None:
            assert category == want, (text, category)

"""Lists, lead-ins, tables, fields and page breaks through the real pipeline."""
from datetime import date


from promiseaudit.extract import extract
from promiseaudit.models import Document, Page, Table, TableRow

HEADER = "Prepared for: Bolt Retail Group\nPrepared by: Acme Networks Ltd\nDate: 12 January 2027\n\n"


def doc_of(*pages, kind="md"):
    return Document(path=f"/tmp/t.{kind}", name=f"t.{kind}", kind=kind, sha256="0" * 64,
                    pages=tuple(p if isinstance(p, Page) else Page(i + 1, p) for i, p in enumerate(pages)))


def quotes(nlp, text):
    return [p.text for p in extract(doc_of(HEADER + text), nlp)]


def test_items_finishing_a_seller_lead_in_are_promises(nlp):
    found = extract(doc_of(HEADER + "As part of the rollout we will:\n\n- install 40 cameras by 30 June 2027;\n"
                           "- train up to 12 security staff;\n- hold a monthly review meeting with your team.\n"), nlp)
    assert [p.text for p in found] == ["install 40 cameras by 30 June 2027;", "train up to 12 security staff;",
                                       "hold a monthly review meeting with your team."]
    assert [p.category for p in found] == ["delivery", "training", "check_in"]
    assert found[0].rule == "list_item/lead_in"


def test_items_under_a_customer_lead_in_are_not_promises(nlp):
    text = ("To keep to this timetable we will need from you:\n\n- a named project sponsor;\n"
            "- site access for our engineers by 1 March 2027;\n- sign-off of each stage within five days.\n")
    assert quotes(nlp, text) == []


def test_items_under_an_exclusions_lead_in_are_not_promises(nlp):
    assert quotes(nlp, "The following are not included:\n\n- asbestos removal;\n- out-of-hours working.\n") == []


def test_noun_phrase_items_under_a_scope_lead_in(nlp):
    text = "The service includes:\n\n* 24/7 monitoring of all firewalls\n* quarterly vulnerability scans\n"
    found = extract(doc_of(HEADER + text), nlp)
    assert [p.text for p in found] == ["24/7 monitoring of all firewalls", "quarterly vulnerability scans"]
    assert found[0].category == "support"


def test_hedged_lead_in_makes_its_items_soft(nlp):
    text = "Where possible, we will also:\n\n- reuse the existing cabling;\n- recycle the old handsets.\n"
    found = extract(doc_of(HEADER + text), nlp)
    assert [p.strength for p in found] == ["soft", "soft"]


def test_full_sentence_items_are_judged_on_their_own(nlp):
    text = ("Key dates:\n\n- Data migration will be completed by May 21, 2027.\n"
            "- Bolt Retail will provide a list of users two weeks before migration.\n")
    assert quotes(nlp, text) == ["Data migration will be completed by May 21, 2027."]


def test_lead_in_line_itself_is_not_a_promise(nlp):
    assert "We will deliver the following:" not in quotes(nlp, "We will deliver the following:\n\n- a design pack;\n")


def test_milestone_table_rows_are_dated_promises_except_customer_owned(nlp):
    text = ("| Milestone | Owner | Date |\n|---|---|---|\n| Design approved | Acme | 26 February 2027 |\n"
            "| Purchase order issued | Bolt Retail | 1 March 2027 |\n| Pilot live at 10 stores | Acme | 19 March 2027 |\n")
    found = extract(doc_of(HEADER + text), nlp)
    assert [p.text for p in found] == ["Design approved | Acme | 26 February 2027",
                                       "Pilot live at 10 stores | Acme | 19 March 2027"]
    assert found[0].due == date(2027, 2, 26)
    assert found[1].quantity == 10 and found[0].category == "delivery"


def test_service_level_table_rows_are_threshold_promises(nlp):
    text = ("| Measure | Target | Period |\n|---|---|---|\n| Portal availability | 99.8% | Monthly |\n"
            "| P1 response | within 30 minutes | Per incident |\n")
    found = extract(doc_of(HEADER + text), nlp)
    assert [p.category for p in found] == ["service_level", "service_level"]
    assert (found[0].threshold, found[0].threshold_unit, found[0].direction) == (99.8, "%", "at_least")
    assert found[0].recurrence == "monthly"
    assert (found[1].threshold, found[1].threshold_unit) == (30, "minute")


def test_price_tables_are_not_promises(nlp):
    text = "| Item | Qty | Price |\n|---|---|---|\n| Gateway | 120 | $425.00 |\n| Installation | 120 | $150.00 |\n"
    assert quotes(nlp, text) == []


def test_pdf_table_from_page_tables(nlp):
    page_text = HEADER + "Deliverable | Due\nNetwork design | 26 February 2027\nPilot | 19 March 2027\n"
    first = page_text.index("Network design")
    second = page_text.index("Pilot |")
    table = Table(header=("Deliverable", "Due"), rows=(
        TableRow(("Network design", "26 February 2027"), first, page_text.index("\n", first)),
        TableRow(("Pilot", "19 March 2027"), second, page_text.index("\n", second))))
    found = extract(doc_of(Page(1, page_text, (table,)), kind="pdf"), nlp)
    assert [p.text for p in found] == ["Network design | 26 February 2027", "Pilot | 19 March 2027"]


def test_cover_fields_are_not_promises_but_category_fields_are(nlp):
    text = "Proposal date: 12 January 2027\nWarranty: 24 months on all parts and labour.\n"
    found = extract(doc_of(HEADER + text), nlp)
    assert [p.text for p in found] == ["Warranty: 24 months on all parts and labour."]
    assert found[0].category == "warranty"


def test_quote_crossing_a_page_is_clipped_and_span_is_exact(nlp):
    page1 = HEADER + "## Delivery\n\nWe will deliver the final network design"
    page2 = "pack to your IT team by 30 June 2027.\n\nThe Client will provide access."
    document = doc_of(page1, page2)
    found = extract(document, nlp)
    assert len(found) == 1
    promise = found[0]
    assert promise.page == 1
    assert promise.text == "We will deliver the final network design"
    assert document.pages[0].text[promise.start:promise.end] == promise.text
    assert promise.due == date(2027, 6, 30)
    assert "continues on page 2" in promise.reason


def test_every_quote_is_an_exact_substring_of_its_page(nlp):
    text = ("## Scope\n\nWe will:\n  1. survey every site within 30 days of signature;\n"
            "  2. install 240 gateways.\n\n**Support** is available 24/7.\nTraining will be delivered on site.\n")
    document = doc_of(HEADER + text, "Page two: quarterly reviews will be held with your team.")
    found = extract(document, nlp)
    assert len(found) == 5
    for p in found:
        page = document.pages[p.page - 1]
        assert page.text[p.start:p.end] == p.text


def test_documents_that_were_not_parsed_have_no_promises(nlp):
    document = Document(path="/tmp/x.pdf", name="x.pdf", kind="pdf", sha256="0" * 64, pages=(),
                        outcome="encrypted")
    assert extract(document, nlp) == []


def test_year_less_dates_use_the_detected_document_date(nlp):
    found = extract(doc_of("Date: 3 November 2026\n\nWe will complete the design by 31 January.\n"), nlp)
    assert found[0].due == date(2027, 1, 31)
    given = extract(doc_of("We will complete the design by 31 January.\n"), nlp, document_date=date(2027, 6, 1))
    assert given[0].due == date(2028, 1, 31)

"""Layout-aware sentence splitting (pure string work, no spaCy)."""
from promiseaudit.extract.segment import segment, split_sentences


def texts(text, **kw):
    return [(u.kind, u.text) for u in segment(text, **kw)]


def test_headings_are_not_units_but_label_what_follows():
    units = segment("## 4. Training\n\nWe will run three sessions.\n")
    assert [u.text for u in units] == ["We will run three sessions."]
    assert units[0].heading == "Training"


def test_plain_and_numbered_headings():
    text = "2. SCOPE OF SERVICES\n\nSupport\nWe answer calls from 8am to 6pm.\n"
    units = segment(text)
    assert [u.text for u in units] == ["We answer calls from 8am to 6pm."]
    assert units[0].heading == "Support"


def test_line_wraps_and_blank_line_mid_sentence_are_joined():
    text = "We will install the gateways at all 120\nsites by March 31, 2027.\n\nThe second\n\nsentence is here.\n"
    assert [u.text for u in segment(text)] == [
        "We will install the gateways at all 120 sites by March 31, 2027.",
        "The second  sentence is here.",
    ]


def test_abbreviations_and_initials_do_not_split():
    text = ("Acme Ltd. will ship approx. 40 units, e.g. routers, to the U.S. office by 5 p.m. Friday. "
            "Daniel R. Okafor will lead. Site No. 5 goes live in May.")
    assert [u.text for u in segment(text)] == [
        "Acme Ltd. will ship approx. 40 units, e.g. routers, to the U.S. office by 5 p.m. Friday.",
        "Daniel R. Okafor will lead.",
        "Site No. 5 goes live in May.",
    ]


def test_split_sentences_keeps_decimals():
    text = "Uptime will be 99.9% each month. Credits apply."
    spans = split_sentences(text, 0, len(text))
    assert [text[a:b] for a, b in spans] == ["Uptime will be 99.9% each month.", "Credits apply."]


def test_bullets_lose_their_marker_and_get_the_lead_in():
    text = "We will:\n\n- install 40 cameras by 30 June 2027;\n* train up to 12 guards;\n• hold a monthly review.\n"
    units = segment(text)
    assert [u.kind for u in units] == ["sentence", "item", "item", "item"]
    assert [u.text for u in units[1:]] == ["install 40 cameras by 30 June 2027;", "train up to 12 guards;",
                                           "hold a monthly review."]
    assert all(u.lead_in == 0 for u in units[1:])
    assert units[0].is_lead_in


def test_lettered_and_numbered_items_with_wrapped_lines():
    text = ("The Supplier shall:\n   (a) deliver the design by 1 May 2027;\n   (b) install all 30 units\n"
            "       before go-live; and\n   (c) train the staff.\n")
    units = segment(text)
    assert [u.text for u in units[1:]] == ["deliver the design by 1 May 2027;",
                                           "install all 30 units        before go-live; and",
                                           "train the staff."]


def test_numbered_clauses_drop_their_number():
    units = segment("3.1 The Provider shall monitor all servers 24/7.\n3.2 Backups run nightly.\n")
    assert [u.text for u in units] == ["The Provider shall monitor all servers 24/7.", "Backups run nightly."]


def test_numbered_heading_after_a_bullet_list_is_a_heading():
    text = ("You'll have:\n\n• one film;\n• three posters.\n\n4. Launch and run (weeks 10-18)\n\n"
            "Launch day is 6 April 2027.\n")
    units = segment(text)
    assert [u.text for u in units][-1] == "Launch day is 6 April 2027."
    assert units[-1].heading.startswith("Launch and run")
    assert units[-1].kind == "sentence"


def test_wrapped_line_ending_in_a_small_word_is_not_a_heading():
    text = "Next steps follow.\n\nPriya will be your day-to-day contact, with\nTom overseeing all creative.\n"
    assert [u.text for u in segment(text)][-1] == "Priya will be your day-to-day contact, with Tom overseeing all creative."


def test_table_rows_are_units_with_their_header():
    text = "| Milestone | Owner | Due date |\n|---|---|---|\n| Pilot live | Acme | 1 May 2027 |\n"
    units = segment(text)
    assert len(units) == 1
    row = units[0]
    assert row.kind == "row" and row.text == "Pilot live | Acme | 1 May 2027"
    assert row.table.header == ("Milestone", "Owner", "Due date")
    assert row.table.cells == ("Pilot live", "Acme", "1 May 2027")


def test_pdf_style_rows_use_the_known_table_header():
    text = "Milestone | Due\nDesign approved | 26 Feb 2027\n"
    units = segment(text, tables=[(("Milestone", "Due"), {len("Milestone | Due\n")})])
    assert [u.text for u in units] == ["Design approved | 26 Feb 2027"]
    assert units[0].table.header == ("Milestone", "Due")


def test_sentence_crossing_a_page_break_is_one_unit():
    page1 = "Intro line.\n\nWe will deliver the final"
    page2 = "report by 30 June 2027. Other text."
    text = page1 + "\n\n" + page2
    units = segment(text, page_starts=[0, len(page1) + 2])
    assert units[1].text == "We will deliver the final  report by 30 June 2027."
    assert units[1].start < len(page1) < units[1].end


def test_cover_fields_are_separate_units():
    text = "Prepared for: Bolt Retail\nPrepared by: Acme Ltd\nDate: 1 May 2027\n\nWe will do it.\n"
    assert [u.text for u in segment(text)][:3] == ["Prepared for: Bolt Retail", "Prepared by: Acme Ltd",
                                                  "Date: 1 May 2027"]


def test_parenthesised_number_continuing_a_sentence_is_not_an_item():
    text = "Patches will be applied within seventy-two\n(72) hours of release.\n"
    assert [u.text for u in segment(text)] == ["Patches will be applied within seventy-two (72) hours of release."]


def test_issue_8_flattened_contract_clauses_are_units_of_their_own():
    # Filed contracts: one line per page, line breaks flattened into runs of spaces.
    text = ("SEV shall:     2.4 advise DCL in writing of any missed service;     2.5 provide a defect "
            "reporting book for each Site;     2.6 provide a freefone number for breakdowns.")
    texts = [u.text for u in segment(text)]
    assert "advise DCL in writing of any missed service;" in texts
    assert "provide a defect reporting book for each Site;" in texts
    assert "provide a freefone number for breakdowns." in texts


def test_issue_8_run_on_subclauses_and_inline_bullets_split():
    text = ("The Provider shall (a) install the servers by 1 May; (b) train ten users; and (c) deliver the "
            "manuals.\n\nIncludes: \u25cf Welcome Email \u25cf Order Confirmation \u25cf Forgot Password\n")
    texts = [u.text for u in segment(text)]
    assert "train ten users; and" in texts and "deliver the manuals." in texts
    assert "Order Confirmation" in texts and "Forgot Password" in texts


def test_issue_8_html_list_items_in_markdown_are_items_and_quotes_keep_offsets():
    text = "<h2>What it includes</h2>\n<ol>\n\t<li>Origin-Pull CDN for static content</li>\n\t<li><span>Daily backups</span></li>\n</ol>\n"
    units = segment(text)
    quotes = [text[u.start:u.end] for u in units]
    assert "Origin-Pull CDN for static content" in quotes and "Daily backups" in quotes
    assert all(u.kind == "item" for u in units if text[u.start:u.end] in ("Daily backups",))


def test_issue_8_cut_markers_end_a_paragraph():
    text = "The Supplier shall repair faults within 4 hours\n[...]\nThe Supplier shall ship within 5 days.\n"
    texts = [u.text for u in segment(text)]
    assert texts == ["The Supplier shall repair faults within 4 hours", "The Supplier shall ship within 5 days."]


def test_an_enumeration_run_on_in_a_sentence_gives_one_item_per_commitment():
    text = ("Vendor warrants that (a) the Software will perform substantially in accordance with the "
            "documentation, (b) the Services will be performed in a workmanlike manner, and (c) it will "
            "replace any defective media within thirty (30) days.")
    units = segment(text)
    assert [(u.kind, u.text) for u in units] == [
        ("sentence", "Vendor warrants that"),
        ("item", "the Software will perform substantially in accordance with the documentation"),
        ("item", "the Services will be performed in a workmanlike manner"),
        ("item", "it will replace any defective media within thirty (30) days."),
    ]
    assert units[0].is_lead_in and all(u.lead_in == 0 for u in units[1:])


def test_roman_numerals_and_a_nested_enumeration():
    text = ("Supplier shall (a) with regard to the Equipment, (i) deliver it to each site by 1 May and "
            "(ii) install it within ten days of delivery, and (b) train two of the Customer's staff members.")
    got = [(u.kind, u.text, u.lead_in) for u in segment(text)]
    assert got == [
        ("sentence", "Supplier shall", None),
        ("item", "with regard to the Equipment,", 0),
        ("item", "deliver it to each site by 1 May", 1),
        ("item", "install it within ten days of delivery", 1),
        ("item", "train two of the Customer's staff members.", 0),
    ]


def test_numbers_in_brackets_and_references_to_items_are_not_enumerations():
    for text in ("We will provide thirty (30) days of support and two (2) training sessions to your team.",
                 "If either party breaches Section 4(a) or Section 4(b) of this Agreement, the other may end it."):
        assert [u.text for u in segment(text)] == [text]
    text = ("If any Party discovers (a) a breach of the rules or (b) a leak of data (each of (a) and (b), "
            "an Incident), it shall tell the other.")
    assert [u.text for u in segment(text)] == [text]  # a condition's cases, not a list of promises
    text = ("Supplier shall notify the Customer if it discovers (a) a breach of the rules or (b) a leak of "
            "data (each of (a) and (b), an Incident).")
    assert [u.text for u in segment(text)][1:] == [
        "a breach of the rules", "a leak of data (each of (a) and (b), an Incident)."]


def test_a_sentence_with_two_clocks_gives_two_units():
    units = segment("An engineer will respond within 15 minutes and be on site within 4 hours of the call.")
    assert [(u.text, u.subject_unit, u.part) for u in units] == [
        ("An engineer will respond within 15 minutes", None, "clause"),
        ("be on site within 4 hours of the call.", 0, "clause")]
    units = segment("We will answer within 2 hours, and our engineer will fix the fault within 2 business days.")
    assert [(u.text, u.subject_unit) for u in units] == [
        ("We will answer within 2 hours", None), ("our engineer will fix the fault within 2 business days.", None)]


def test_one_clock_or_coordinated_verbs_stay_one_unit():
    for text in ("Expenses will be billed at cost and will not exceed 8% of fees.",
                 "Guest satisfaction will be measured after every event and will average at least 4.5 out of 5.",
                 "The Developer will develop the application to the Client's specifications, will assist the "
                 "Client in finding sponsors and will host the games.",
                 "Customer will pay the fees monthly and Supplier will deliver the goods within 5 days.",
                 "We will ship the parts within 5 days and install them on the same visit.",
                 "The contact shall be available during business hours; if the contact is away, a back-up "
                 "contact shall be assigned."):
        assert [u.text for u in segment(text)] == [text]


def test_typographic_spaces_and_inline_dashes_still_mark_bullets():
    text = ("Services include:\u2002\u2022\u2003Disaster recovery for all systems \u2022\u2003Help desk services "
            "for all staff\n\nFeatures include:   - Access to the download repository   - Database access to solutions")
    assert [(u.kind, u.text) for u in segment(text)] == [
        ("sentence", "Services include:"), ("item", "Disaster recovery for all systems"),
        ("item", "Help desk services for all staff"), ("sentence", "Features include:"),
        ("item", "Access to the download repository"), ("item", "Database access to solutions")]

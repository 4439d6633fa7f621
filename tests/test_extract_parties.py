"""Seller and customer names found in the proposal itself."""
import pytest

from promiseaudit.extract.components import load_lexicon
from promiseaudit.extract.parties import detect_parties, short_forms


@pytest.fixture(scope="module")
def lex():
    return load_lexicon()["parties"]


def test_cover_fields_with_people_and_titles(lex):
    text = ("PROPOSAL FOR OFFICE CLEANING\n\nPrepared for:  Jo Banks, Head of Facilities, Wexley Insurance Group\n"
            "Prepared by:   Amir Khan, Sales Director, Brightclean Services Ltd\nDate: 3 March 2027\n")
    p = detect_parties(text, lex)
    assert "Wexley" in p.customer_names and "Wexley Insurance" in p.customer_names
    assert "Brightclean" in p.seller_names
    assert "Jo Banks" in p.customer_people and "Amir" in p.seller_people
    assert "Office Cleaning" not in " ".join(p.customer_names)


def test_letterhead_and_definitions(lex):
    text = ("NORTHFIELD SYSTEMS LIMITED\n12 High Street, Leeds\n\nTENDER RESPONSE\n\n"
            'Northfield Systems Limited ("Northfield" or "the Contractor") submits this tender to Wexley '
            'Borough Council (the "Authority").\n')
    p = detect_parties(text, lex)
    assert "Northfield" in p.seller_names
    assert "Wexley Borough Council" in p.customer_names or "Wexley" in p.customer_names
    assert "contractor" in p.seller_roles and "authority" in p.customer_roles


def test_markdown_table_cover_and_about_heading(lex):
    text = ("# Solar proposal\n\n| | |\n|---|---|\n| Client | Delta Farms Co-op |\n| Prepared by | Sam Ortiz |\n\n"
            "## About Helios Energy\n\nHelios has installed 40 MW since 2012.\n")
    p = detect_parties(text, lex)
    assert "Delta Farms" in p.customer_names or "Delta" in p.customer_names
    assert "Helios Energy" in p.seller_names and "Helios" in p.seller_names


def test_short_forms_strip_legal_suffixes_and_generic_first_words(lex):
    assert short_forms("Harlan Farm & Home Supply, Inc.", lex)[:3] == ["Harlan Farm & Home Supply, Inc", "Harlan Farm & Home Supply", "Harlan"]
    forms = short_forms("St. Aldric Regional Medical Center", lex)
    assert "St. Aldric" in forms and "St." not in forms


def test_a_name_on_both_sides_is_dropped(lex):
    text = "Prepared for: Apex Retail Ltd\nPrepared by: Apex Consulting Ltd\n"
    p = detect_parties(text, lex)
    assert "Apex" not in p.seller_names and "Apex" not in p.customer_names
    assert "Apex Retail" in p.customer_names and "Apex Consulting" in p.seller_names


def test_contract_parties_without_role_words_are_placed_by_their_duties(lex):
    # issue 8: 'XACCT Technologies, Inc. ("XACCT")' has no role word; the party that
    # shall provide is the seller, the one that shall pay the customer.
    text = ('This Agreement is made by and between Orrin Data Systems, Inc., a Delaware corporation ("ODS") '
            'and Pellworth Mills Corp. ("Pellworth").\n\n'
            "ODS shall provide the Support Services described in Exhibit A. ODS will respond to each "
            "Incident within four (4) hours. Pellworth shall pay all fees within thirty (30) days. "
            "ODS shall deliver each Release to Pellworth.\n")
    p = detect_parties(text, lex)
    assert "ODS" in p.seller_names and "Pellworth" in p.customer_names


def test_a_role_word_that_can_mean_either_side_follows_the_duties(lex):
    text = ('This Agreement is between Harcourt Capital (the "Company") and Lindqvist Consulting LLC '
            '(the "Contractor").\n\nContractor shall perform the Services. Contractor shall deliver '
            "the reports. Contractor will provide qualified staff. Company shall pay each invoice.\n")
    p = detect_parties(text, lex)
    assert "company" in p.customer_roles and "company" not in p.seller_roles
    assert "contractor" in p.seller_roles


def test_role_words_win_when_the_duty_count_disagrees(lex):
    text = ('Northfield Systems Limited (the "Contractor") submits this tender to Wexley Borough Council '
            '(the "Authority").\n\nThe Authority will provide parking for two vans.\n')
    p = detect_parties(text, lex)
    assert "authority" in p.customer_roles and "Authority" not in p.seller_names


def test_contract_role_words_place_resellers_franchisees_and_franchisors(lex):
    text = ('RESELLER AGREEMENT\n\nThis agreement is made between Lumen Access Corp. ("Lumen") and '
            'Harbour Data Limited (the "Reseller").\n\nLumen will provide second-line support. The '
            'Franchisor shall train the Franchisee.\n')
    p = detect_parties(text, lex)
    assert "reseller" in p.customer_roles and "franchisee" in p.customer_roles
    assert "franchisor" in p.seller_roles


def test_the_other_party_of_a_two_party_contract_takes_the_other_side(lex):
    # "Rivet" is named nowhere else; the "Distributor" is a customer's role word, so Rivet
    # is the seller.
    text = ('DISTRIBUTION AGREEMENT\n\nThis agreement is entered into between Rivet Industrial GmbH '
            '("Rivet") and Tolland Supply Co. (the "Distributor").\n\nWHEREAS the parties wish to '
            'cooperate.\n')
    p = detect_parties(text, lex)
    assert "Rivet" in p.seller_names
    assert "Rivet" not in p.customer_names


def test_a_vendor_policy_names_its_publisher_as_the_seller(lex):
    text = ("Quillstack Support Policy\n\nThis policy describes the support Quillstack offers to its "
            "customers.\n\nQuillstack will respond to urgent tickets within one hour. Quillstack will "
            "publish a status page. The Customer must report incidents through the portal. Zendesk "
            "will send the ticket number.\n")
    p = detect_parties(text, lex)
    assert "Quillstack" in p.seller_names
    assert "Zendesk" not in p.seller_names


def test_no_publisher_is_guessed_when_two_names_commit_alike(lex):
    text = ("Joint service note\n\nAlder and Birch describe their shared service.\n\nAlder will host the "
            "site. Birch will host the mail. Alder will patch. Birch will patch.\n")
    p = detect_parties(text, lex)
    assert p.seller_names == []


def test_a_heading_run_into_the_clause_does_not_hide_its_subject(lex):
    from promiseaudit.extract import classify
    from promiseaudit.extract.components import load_lexicon

    full = load_lexicon()
    classify.compile_lexicon(full)
    text = ('SUPPLY AGREEMENT\n\nThis agreement is made between Norvale Chemicals LLC (the "Seller") and '
            'Pinecrest Plastics Inc. (the "Buyer").\n')
    ctx = classify.Context.build(full, detect_parties(text, lex))
    assert classify.classify_party("CARS, TRUCKS AND BARGES Buyer", ctx) == "customer"
    assert classify.classify_party("7.2 WARRANTY PERIOD The Seller", ctx) == "seller"
    assert classify.classify_party("Delivery. Buyer", ctx) == "customer"
    assert classify.classify_party("In the event of a failure", ctx) == "neutral"

"""Reading Word proposals (promiseaudit.read.docx)."""
import json
import re
from pathlib import Path

import pytest

from promiseaudit.read import read_document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def squash(text):
    return re.sub(r"\s+", " ", text.translate(str.maketrans("‘’“”", "''\"\""))).strip()


def build(path, steps):
    """A .docx written with python-docx; ``steps`` adds content to the Document."""
    import docx

    document = docx.Document()
    steps(document)
    document.save(str(path))
    return path


def test_sample_docx_structure():
    document = read_document(FIXTURES / "docx" / "marketing_loudhouse.docx")
    assert (document.kind, document.outcome, len(document.pages)) == ("docx", "parsed", 1)
    page = document.pages[0]
    assert page.number == 1
    assert page.text.startswith("Orchard Dry: spring launch campaign\n\n"
                                "Loudhouse Creative × Fenwick & Hale Cider Co.\n\n"
                                "• Prepared for: Hannah Fenwick, Marketing Director, Fenwick & Hale Cider Co.\n"
                                "• Prepared by: ")
    assert "\n• three 6-second cut-downs for paid social;\n" in page.text
    (table,) = page.tables
    assert table.header == ("Phase", "Fee")
    assert table.rows[0].cells == ("Discover", "£6,500")
    assert table.rows[-1].cells == ("Total agency fee", "£48,000")
    for row in table.rows:
        assert page.text[row.start:row.end] == " | ".join(row.cells)
    # the table sits where it was in the document, between its neighbours
    source = (FIXTURES / "proposals" / "marketing_loudhouse.md").read_text(encoding="utf-8")
    before = source.split("| Phase")[0].strip().splitlines()[-1].lstrip("# ")
    after = next(line for line in source.split("Total agency fee")[1].splitlines()[1:] if line.strip())
    assert page.text.index(before) < table.rows[0].start
    assert page.text.index(after) > table.rows[-1].end


@pytest.mark.parametrize("stem", ["hrsoftware_peoplegrid", "marketing_loudhouse"])
def test_sample_docx_keeps_gold_quotes(stem):
    gold = FIXTURES / "gold" / f"{stem}.json"
    docx_path = FIXTURES / "docx" / f"{stem}.docx"
    if not gold.exists() or not docx_path.exists():
        pytest.skip("sample not there")
    source = squash(read_document(FIXTURES / "proposals" / f"{stem}.md").text)
    text = squash(read_document(docx_path).text)
    quotes = [squash(p["text"]) for p in json.loads(gold.read_text(encoding="utf-8"))["promises"]]
    assert [q for q in quotes if q in source and q not in text] == []


def test_paragraphs_lists_and_tables_in_order(tmp_path):
    def steps(doc):
        doc.add_heading("Proposal", level=0)
        doc.add_paragraph("We will install ﬁve gateways.\u00a0Promise.")
        doc.add_paragraph("First step", style="List Number")
        doc.add_paragraph("Second step", style="List Number")
        doc.add_paragraph("A bullet", style="List Bullet")
        doc.add_paragraph("")
        table = doc.add_table(rows=3, cols=3)
        for r, row in enumerate([("Milestone", "Owner", "Due date"),
                                 ("Pilot live", "Northwind", "March 19, 2027"),
                                 ("Wave 1", "Northwind", "Q2 2027")]):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        doc.add_paragraph("After the table.")

    page = read_document(build(tmp_path / "order.docx", steps)).pages[0]
    assert page.text == (
        "Proposal\n\nWe will install five gateways. Promise.\n\n1. First step\n2. Second step\n• A bullet"
        "\n\nMilestone | Owner | Due date\nPilot live | Northwind | March 19, 2027\n"
        "Wave 1 | Northwind | Q2 2027\n\nAfter the table."
    )
    (table,) = page.tables
    assert table.header == ("Milestone", "Owner", "Due date")
    assert [page.text[r.start:r.end] for r in table.rows] == [
        "Pilot live | Northwind | March 19, 2027", "Wave 1 | Northwind | Q2 2027"]


def test_merged_cells_once_and_multiline_cells_flattened(tmp_path):
    def steps(doc):
        table = doc.add_table(rows=2, cols=3)
        table.cell(0, 0).merge(table.cell(0, 1)).text = "Installation of all stores"
        table.cell(0, 2).text = "2027"
        table.cell(1, 0).text = "Line one"
        table.cell(1, 0).add_paragraph("line two")
        table.cell(1, 1).text = "x"
        table.cell(1, 2).text = "2028"

    (table,) = read_document(build(tmp_path / "merged.docx", steps)).pages[0].tables
    assert table.header == ()
    assert [r.cells for r in table.rows] == [("Installation of all stores", "2027"),
                                              ("Line one line two", "x", "2028")]


def test_word_header_row_flag_wins(tmp_path):
    from docx.oxml import OxmlElement

    def steps(doc):
        table = doc.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "2026", "2027"
        table.cell(1, 0).text, table.cell(1, 1).text = "$4", "$5"
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))

    (table,) = read_document(build(tmp_path / "flag.docx", steps)).pages[0].tables
    assert table.header == ("2026", "2027")
    assert [r.cells for r in table.rows] == [("$4", "$5")]

"""Reading PDFs: text, tables, page furniture, hyphenation, columns (promiseaudit.read.pdf).

Small PDFs are drawn with fpdf2 in tmp_path; the sample proposals rendered by
fixtures/make_pdfs.py check the whole reader against their sources.
"""
import difflib
import hashlib
import importlib.util
import json
import re
import subprocess
import sys
import textwrap
from itertools import zip_longest
from pathlib import Path

import pytest

from promiseaudit.read import read_document, sha256_file

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
FONT = Path("/usr/share/fonts/truetype/dejavu")


def new_pdf():
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT / "DejaVuSans-Bold.ttf"))
    pdf.set_font("DejaVu", size=10)
    pdf.set_auto_page_break(False)
    return pdf


def write_lines(pdf, lines, x=20, y=30, step=5):
    for i, line in enumerate(lines):
        pdf.set_xy(x, y + i * step)
        pdf.cell(0, step, line)


def save(pdf, path):
    pdf.output(str(path))
    return path


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


# --- sample proposals ------------------------------------------------------------------


def sample_pdfs():
    return sorted(p for p in (FIXTURES / "pdf").glob("*.pdf"))


def source_of(pdf_path):
    return next((FIXTURES / "proposals").glob(pdf_path.stem + ".*"), None)


def load_make_pdfs():
    spec = importlib.util.spec_from_file_location("make_pdfs", FIXTURES / "make_pdfs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def words(text):
    return re.findall(r"[\w’'.,:;%$€£/&()-]+", text.replace("|", " ").replace("•", " "))


@pytest.mark.parametrize("pdf_path", sample_pdfs(), ids=lambda p: p.stem)
def test_sample_pdf_reads_like_its_source(pdf_path):
    """Every word of the proposal comes back, in order, once, and nothing else does
    (bar table headers repeated on continuation pages)."""
    source = source_of(pdf_path)
    if source is None:
        pytest.skip("no source proposal")
    make_pdfs = load_make_pdfs()
    raw = source.read_text(encoding="utf-8")
    expected = [w for w in words(make_pdfs.inline(raw) if source.suffix == ".md" else raw)
                if not re.fullmatch(r"[-*_#]+", w)]
    document = read_document(pdf_path)
    got = [w for w in words(document.text) if not re.fullmatch(r"[-*_#]+", w)]
    ratio = difflib.SequenceMatcher(None, expected, got, autojunk=False).ratio()
    assert ratio > 0.98, (pdf_path.name, ratio)
    assert not re.search(r"Page \d+ of \d+", document.text)
    assert "\ufffe" not in document.text and "\u00ad" not in document.text


@pytest.mark.parametrize("pdf_path", sample_pdfs(), ids=lambda p: p.stem)
def test_sample_gold_quotes_found_in_pdf_text(pdf_path):
    """A quote labelled in the source proposal can be found in the PDF made from it."""
    gold = FIXTURES / "gold" / f"{pdf_path.stem}.json"
    source = source_of(pdf_path)
    if not gold.exists() or source is None:
        pytest.skip("no gold labels")

    def norm(text):
        return squash(text.translate(str.maketrans("‘’“”", "''\"\"")))

    source_text = norm(read_document(source).text)
    pdf_text = norm(read_document(pdf_path).text)
    quotes = [norm(p["text"]) for p in json.loads(gold.read_text(encoding="utf-8"))["promises"]]
    missing = [q for q in quotes if q in source_text and q not in pdf_text]
    assert not missing


def test_sample_running_header_and_footer_removed():
    document = read_document(FIXTURES / "pdf" / "telecom_northwind.pdf")
    assert [p.number for p in document.pages] == [1, 2, 3]
    for page in document.pages:
        assert "Proposal for Harlan Farm" not in page.text
        assert not re.search(r"Page \d of 3", page.text)
    assert document.pages[0].text.startswith("Managed SD-WAN Proposal\n")


def test_sample_tables_replace_their_text():
    document = read_document(FIXTURES / "pdf" / "telecom_northwind.pdf")
    pricing = [t for p in document.pages for t in p.tables if t.header == ("Item", "Price")]
    assert len(pricing) == 1
    assert [r.cells for r in pricing[0].rows] == [
        ("Managed SD-WAN service, per branch per month", "$189.00"),
        ("One-time installation and staging, per branch", "$425.00"),
        ("LTE backup data plan, per branch per month", "$22.00"),
    ]
    for page in document.pages:
        for table in page.tables:
            for row in table.rows:
                assert page.text[row.start:row.end] == " | ".join(row.cells)
    # table text is not repeated as prose
    assert document.text.count("One-time installation and staging, per branch") == 1
    timeline = document.pages[0].tables[0]
    assert timeline.header == ("Milestone", "Owner", "Due date")
    assert timeline.rows[1].cells == ("Pilot live at 10 branches", "Northwind", "03/19/2027")


def test_sample_table_with_blank_header_row_has_no_header():
    document = read_document(FIXTURES / "pdf" / "security_sentinel.pdf")
    first = document.pages[0].tables[0]
    assert first.header == ()
    assert first.rows[0].cells == ("Client", "Northgate Distribution Ltd")


def test_sample_hyphenated_pdf_words_joined():
    """telecom_northwind.pdf breaks words at line ends, one across a page break."""
    import pypdfium2 as pdfium

    path = FIXTURES / "pdf" / "telecom_northwind.pdf"
    pdf = pdfium.PdfDocument(str(path))
    try:
        raw = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    assert "\ufffe" in raw  # the fixture really has broken words
    document = read_document(path)
    assert document.pages[1].text.endswith("Under that warranty,")
    assert document.pages[2].text.startswith("a failed gateway will be replaced")
    for word in ("managers", "signature", "installation"):
        assert word in document.text


def test_sample_two_column_pdf_in_reading_order():
    document = read_document(FIXTURES / "pdf" / "marketing_loudhouse.pdf")
    text = squash(document.text)
    order = [
        "The short version",
        "You’ve made a properly good low-sugar cider",
        "How it’ll work",
        "We’ll run a half-day kickoff workshop at your cider barn in Taunton no later than 29 January.",
        "Once you’ve picked a route, the fun part starts. By 19 March you’ll have:",
        "Keeping you in the loop",
    ]
    positions = [text.index(phrase) for phrase in order]
    assert positions == sorted(positions)


def test_ligature_fixture_expanded():
    document = read_document(FIXTURES / "pdf" / "special" / "ligatures.pdf")
    text = document.text
    assert "We will finish the final configuration of the office network and floor plans." in text
    assert "Our staff will affirm the effluent readings; the first flight is on us." in text
    assert not re.search("[\ufb00-\ufb06]", text)
    (table,) = document.pages[0].tables
    assert table.header == ("Item", "Commitment")
    assert table.rows[1].cells == ("Office fit-out", "effective from go-live")


# --- small PDFs made here --------------------------------------------------------------


def test_two_columns_written_line_by_line_come_out_column_by_column(tmp_path):
    left = textwrap.wrap(" ".join(f"Left sentence {i} is about the rollout of gateways." for i in range(12)), 44)
    right = textwrap.wrap(" ".join(f"Right sentence {i} is about the support desk." for i in range(12)), 44)
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_xy(20, 15)
    pdf.cell(0, 6, "A title across the whole page")
    for i, (a, b) in enumerate(zip_longest(left, right, fillvalue="")):
        # row by row: pdfium alone would join each left line with its right neighbour
        pdf.set_xy(20, 30 + i * 5)
        pdf.cell(80, 5, a)
        pdf.set_xy(110, 30 + i * 5)
        pdf.cell(80, 5, b)
    document = read_document(save(pdf, tmp_path / "columns.pdf"))
    text = squash(document.text)
    assert text.startswith("A title across the whole page Left sentence 0")
    assert "Left sentence 11 is about the rollout of gateways." in text
    assert text.index("Left sentence 11") < text.index("Right sentence 0")
    assert "gateways. Right" not in text.split("Left sentence 11")[0]


def test_label_value_lines_are_not_taken_for_columns(tmp_path):
    pdf = new_pdf()
    pdf.add_page()
    for i, (label, value) in enumerate([("Prepared for:", "Mercer Valley Credit Union"),
                                        ("Prepared by:", "CoreBridge Technology Services"),
                                        ("Date:", "February 8, 2027"), ("Reference:", "CB-2027-0142"),
                                        ("Account lead:", "Dana Okafor"), ("Valid until:", "April 9, 2027")]):
        pdf.set_xy(20, 30 + i * 6)
        pdf.cell(50, 6, label)
        pdf.set_xy(130, 30 + i * 6)
        pdf.cell(60, 6, value)
    text = read_document(save(pdf, tmp_path / "labels.pdf")).pages[0].text
    assert text.splitlines()[:2] == ["Prepared for: Mercer Valley Credit Union",
                                     "Prepared by: CoreBridge Technology Services"]


def test_line_end_hyphenation_joined_and_real_hyphens_kept(tmp_path):
    pdf = new_pdf()
    pdf.add_page()
    write_lines(pdf, ["We will complete the imple-", "mentation of the go-", "live plan with 24-",
                      "hour support and a follow-", "up call every month."])
    text = read_document(save(pdf, tmp_path / "hyphens.pdf")).pages[0].text
    assert squash(text) == ("We will complete the implementation of the go-live plan with "
                            "24-hour support and a follow-up call every month.")


def test_word_broken_across_pages_completed_on_first_page(tmp_path):
    pdf = new_pdf()
    pdf.add_page()
    write_lines(pdf, ["The hardware is covered by our warr-"])
    pdf.add_page()
    write_lines(pdf, ["anty, which runs for 36 months."])
    document = read_document(save(pdf, tmp_path / "across.pdf"))
    assert document.pages[0].text == "The hardware is covered by our warranty,"
    assert document.pages[1].text == "which runs for 36 months."


def test_running_header_footer_and_page_numbers_removed(tmp_path):
    names = ["alpha", "bravo", "charlie", "delta"]
    pdf = new_pdf()
    for n, name in enumerate(names, start=1):
        pdf.add_page()
        pdf.set_font("DejaVu", size=8)
        pdf.set_xy(20, 8)
        pdf.cell(0, 5, f"Acme Networks Ltd · Proposal for Contoso · {n * 7} March 2027")
        pdf.set_font("DejaVu", size=10)
        # the header's words in the body (lower on the page) are not furniture
        second = "Acme Networks Ltd · Proposal for Contoso · 7 March 2027" if n == 1 else "More text."
        write_lines(pdf, [f"The {name} section starts here.", second], y=40)
        pdf.set_xy(20, 285)
        pdf.cell(0, 5, f"- {n} -", align="C")
    document = read_document(save(pdf, tmp_path / "furniture.pdf"))
    assert [p.text for p in document.pages] == [
        "The alpha section starts here.\nAcme Networks Ltd · Proposal for Contoso · 7 March 2027",
        "The bravo section starts here.\nMore text.",
        "The charlie section starts here.\nMore text.",
        "The delta section starts here.\nMore text.",
    ]


def test_single_page_page_number_removed(tmp_path):
    pdf = new_pdf()
    pdf.add_page()
    write_lines(pdf, ["We will deliver 12 printers by 1 March 2027."], y=40)
    pdf.set_xy(20, 285)
    pdf.cell(0, 5, "Page 1 of 1", align="C")
    assert read_document(save(pdf, tmp_path / "one.pdf")).pages[0].text == (
        "We will deliver 12 printers by 1 March 2027.")


def test_paragraphs_separated_by_blank_line(tmp_path):
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_xy(20, 30)
    pdf.multi_cell(80, 5, "First paragraph that wraps over more than one line of the page.")
    pdf.ln(6)
    pdf.set_x(20)
    pdf.multi_cell(80, 5, "Second paragraph.")
    text = read_document(save(pdf, tmp_path / "paras.pdf")).pages[0].text
    assert text == "First paragraph that wraps over more than\none line of the page.\n\nSecond paragraph."


def ruled_table(pdf, rows, headings=True):
    from fpdf.enums import TableBordersLayout

    with pdf.table(borders_layout=TableBordersLayout.ALL, first_row_as_headings=headings) as table:
        for row in rows:
            cells = table.row()
            for text in row:
                cells.cell(text)


def test_ruled_table_found_and_placed_in_text(tmp_path):
    pdf = new_pdf()
    pdf.add_page()
    pdf.multi_cell(0, 5, "Service levels are below.")
    pdf.ln(3)
    ruled_table(pdf, [("Service", "Target"), ("Uptime", "99.9% monthly"),
                      ("Response to Priority 1", "within 1 hour")])
    pdf.ln(3)
    pdf.multi_cell(0, 5, "Credits apply when a target is missed.")
    page = read_document(save(pdf, tmp_path / "table.pdf")).pages[0]
    assert page.text == ("Service levels are below.\n\nService | Target\nUptime | 99.9% monthly\n"
                         "Response to Priority 1 | within 1 hour\n\nCredits apply when a target is missed.")
    (table,) = page.tables
    assert table.header == ("Service", "Target")
    assert [r.cells for r in table.rows] == [("Uptime", "99.9% monthly"),
                                              ("Response to Priority 1", "within 1 hour")]
    assert [page.text[r.start:r.end] for r in table.rows] == [
        "Uptime | 99.9% monthly", "Response to Priority 1 | within 1 hour"]


def test_table_without_header_row(tmp_path):
    pdf = new_pdf()
    pdf.add_page()
    ruled_table(pdf, [("Pilot live at 10 branches", "March 19, 2027"),
                      ("Wave 1 cut over", "June 30, 2027")], headings=False)
    (table,) = read_document(save(pdf, tmp_path / "plain.pdf")).pages[0].tables
    assert table.header == ()
    assert len(table.rows) == 2


def test_wrapped_cell_text_joined_in_its_row(tmp_path):
    pdf = new_pdf()
    pdf.add_page()
    ruled_table(pdf, [("Deliverable", "Due"),
                      ("Installation and configuration of every gateway in all stores", "Q2 2027")])
    (table,) = read_document(save(pdf, tmp_path / "wrap.pdf")).pages[0].tables
    assert table.rows[0].cells == ("Installation and configuration of every gateway in all stores", "Q2 2027")


def test_boxed_paragraph_is_not_a_table(tmp_path):
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_xy(20, 30)
    pdf.multi_cell(120, 6, "Key commitment: we will respond within 1 hour.", border=1)
    page = read_document(save(pdf, tmp_path / "box.pdf")).pages[0]
    assert page.tables == ()
    assert page.text == "Key commitment: we will respond within 1 hour."


def test_partly_scanned_pdf(tmp_path):
    from PIL import Image

    pdf = new_pdf()
    pdf.add_page()
    write_lines(pdf, ["Typed page."])
    pdf.add_page()
    pdf.image(Image.new("L", (200, 280), 200), x=0, y=0, w=210, h=297)
    path = save(pdf, tmp_path / "mixed.pdf")
    from promiseaudit.errors import ReadError

    with pytest.raises(ReadError) as error:
        read_document(path)
    assert str(error.value) == ("mixed.pdf: page 2 has no text layer (scanned image?); "
                                "run it through OCR first or use the original document, "
                                "or pass --keep-going to read the other pages")
    document = read_document(path, strict=False)
    assert document.outcome == "parsed"
    assert [p.text for p in document.pages] == ["Typed page.", ""]
    assert document.outcome_detail == "mixed.pdf: page 2 has no text layer and was left out"


def test_blank_page_is_fine(tmp_path):
    pdf = new_pdf()
    pdf.add_page()
    write_lines(pdf, ["Only page with words."])
    pdf.add_page()
    document = read_document(save(pdf, tmp_path / "blank.pdf"))
    assert [p.text for p in document.pages] == ["Only page with words.", ""]
    assert document.outcome == "parsed" and document.outcome_detail == ""


def test_document_identity(tmp_path):
    pdf = new_pdf()
    pdf.add_page()
    write_lines(pdf, ["Hello."])
    path = save(pdf, tmp_path / "Hello Proposal.PDF")
    first, second = read_document(path), read_document(str(path))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert first.sha256 == second.sha256 == digest == sha256_file(path)
    assert (first.name, first.kind, first.path) == ("Hello Proposal.PDF", "pdf", str(path))


def test_fixture_sha256_is_stable():
    path = FIXTURES / "bad" / "encrypted.pdf"
    assert read_document(path, password="open-sesame").sha256 == sha256_file(path)


def test_heavy_libraries_load_only_when_needed(tmp_path):
    pdf = new_pdf()
    pdf.add_page()
    write_lines(pdf, ["No tables here."])
    path = save(pdf, tmp_path / "plain.pdf")
    code = (
        "import sys\nimport promiseaudit.read as r\n"
        "assert not {'pypdfium2', 'pdfplumber', 'docx'} & set(sys.modules), 'import'\n"
        f"r.read_document({str(path)!r})\n"
        "assert 'pypdfium2' in sys.modules\n"
        "assert 'pdfplumber' not in sys.modules, 'pdfplumber for a page without rulings'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

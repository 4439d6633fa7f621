"""Reading .txt and .md proposals (promiseaudit.read.text)."""
from pathlib import Path

import pytest

from promiseaudit.read import read_document

PROPOSALS = Path(__file__).resolve().parents[1] / "fixtures" / "proposals"

TABLE_MD = """# Proposal

## Service levels

| Service | Target  | Measured |
|:--------|--------:|:--------:|
| Uptime  | 99.9%   | Monthly  |
|  Response to P1 |within 1 hour| per incident |

We will credit 10% if uptime falls below target.
"""


def write(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize("source", sorted(p for p in PROPOSALS.glob("*") if p.suffix in (".md", ".txt")),
                         ids=lambda p: p.name)
def test_sample_text_kept_exactly(source):
    document = read_document(source)
    raw = source.read_text(encoding="utf-8").replace("\r\n", "\n")
    assert document.kind == source.suffix[1:]
    pages = [chunk.strip("\n").rstrip() for chunk in raw.split("\f")]
    while len(pages) > 1 and not pages[-1]:
        pages.pop()
    assert [p.text for p in document.pages] == pages
    assert [p.number for p in document.pages] == list(range(1, len(pages) + 1))
    for page in document.pages:
        for table in page.tables:
            for row in table.rows:
                line = page.text[row.start:row.end]
                assert line.strip().startswith("|") and "\n" not in line


def test_markdown_pipe_table(tmp_path):
    document = read_document(write(tmp_path, "levels.md", TABLE_MD))
    (page,) = document.pages
    assert page.text == TABLE_MD.strip()
    (table,) = page.tables
    assert table.header == ("Service", "Target", "Measured")
    assert [r.cells for r in table.rows] == [("Uptime", "99.9%", "Monthly"),
                                              ("Response to P1", "within 1 hour", "per incident")]
    assert [page.text[r.start:r.end] for r in table.rows] == [
        "| Uptime  | 99.9%   | Monthly  |", "|  Response to P1 |within 1 hour| per incident |"]


def test_table_with_blank_header_and_escaped_bar(tmp_path):
    text = "| | |\n|---|---|\n| Client | Northgate \\| Daventry |\n| Site | DC1 |\n"
    (table,) = read_document(write(tmp_path, "kv.md", text)).pages[0].tables
    assert table.header == ()
    assert [r.cells for r in table.rows] == [("Client", "Northgate | Daventry"), ("Site", "DC1")]


def test_table_without_outer_bars(tmp_path):
    text = "Item | Price\n--- | ---\nInstall | $425\n\nAfter the table.\n"
    (table,) = read_document(write(tmp_path, "bare.md", text)).pages[0].tables
    assert table.header == ("Item", "Price")
    assert [r.cells for r in table.rows] == [("Install", "$425")]


def test_bars_without_separator_are_not_a_table(tmp_path):
    text = "Options: A | B | C\nChoose one | or two\n"
    assert read_document(write(tmp_path, "bars.txt", text)).pages[0].tables == ()


def test_pipe_table_in_txt(tmp_path):
    page = read_document(write(tmp_path, "plain.txt", TABLE_MD)).pages[0]
    assert len(page.tables) == 1 and len(page.tables[0].rows) == 2


def test_form_feed_splits_pages(tmp_path):
    text = "Page one text.\n\fPage two text.\nMore.\n\f\n"
    document = read_document(write(tmp_path, "ff.txt", text))
    assert [(p.number, p.text) for p in document.pages] == [(1, "Page one text."), (2, "Page two text.\nMore.")]


def test_tables_found_per_page(tmp_path):
    text = "Intro\n\f| A | B |\n|---|---|\n| 1 | 2 |\n"
    document = read_document(write(tmp_path, "two.md", text))
    assert document.pages[0].tables == ()
    (table,) = document.pages[1].tables
    assert document.pages[1].text[table.rows[0].start:table.rows[0].end] == "| 1 | 2 |"


def test_line_endings_bom_and_invisible_characters(tmp_path):
    raw = "\ufeffWe’ll “finish” the ﬁt-out\u00a0by 1 March –\r\nsoft\u00adhyphen\r\n"
    document = read_document(write(tmp_path, "chars.txt", raw))
    assert document.text == "We’ll “finish” the fit-out by 1 March –\nsofthyphen"


def test_windows_1252_and_utf16(tmp_path):
    text = "We’ll deliver for €500 – promise."
    assert read_document(write(tmp_path, "cp.txt", text, "cp1252")).text == text
    assert read_document(write(tmp_path, "u16.txt", text, "utf-16")).text == text


def test_markdown_suffixes_and_empty_file(tmp_path):
    document = read_document(write(tmp_path, "notes.markdown", "# Hi\n"))
    assert (document.kind, document.text) == ("md", "# Hi")
    empty = read_document(write(tmp_path, "empty.txt", ""))
    assert [(p.number, p.text) for p in empty.pages] == [(1, "")]
    assert empty.outcome == "parsed"


def test_upper_case_suffix(tmp_path):
    document = read_document(write(tmp_path, "LOUD.TXT", "Hello"))
    assert (document.kind, document.name) == ("txt", "LOUD.TXT")

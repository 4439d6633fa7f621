"""Pure text clean-up used by the readers (promiseaudit.read.normalize)."""
import pytest

from promiseaudit.read import normalize


def test_ligatures_expanded_and_invisible_characters_dropped():
    raw = "\ufb01nal \ufb02oor sta\ufb00 o\ufb03ce e\ufb04uent 24\u00a0hours re\u00adport\u200b"
    assert normalize.normalize_chars(raw) == "final floor staff office effluent 24 hours report"


def test_smart_quotes_dashes_and_currency_kept():
    raw = "“We’ll deliver” – by 1 March — for €500 and £4"
    assert normalize.normalize_chars(raw) == raw


@pytest.mark.parametrize(
    "lines, expected",
    [
        (["We will finish the imple-", "mentation in May."], ["We will finish the implementation", "in May."]),
        (["the go-", "live date"], ["the go-live", "date"]),
        (["round-the-clock 24-", "hour support"], ["round-the-clock 24-hour", "support"]),
        (["a follow-", "up call"], ["a follow-up", "call"]),
        (["third-", "party software"], ["third-party", "software"]),
        (["an on-", "site visit"], ["an on-site", "visit"]),
        (["the pro-", "cess."], ["the process."]),
        (["the Anglo-", "American team"], ["the Anglo-American", "team"]),
        (["fix within 2 business days -", "every time"], ["fix within 2 business days -", "every time"]),
        (["the warr-", "anty, which"], ["the warranty,", "which"]),
    ],
)
def test_line_end_hyphenation(lines, expected):
    assert normalize.join_hyphenated_lines(lines, set()) == expected


def test_document_vocabulary_decides_unknown_compounds():
    broken = ["our hand-", "over plan"]
    assert normalize.join_hyphenated_lines(broken, normalize.vocabulary(["the handover"])) == [
        "our handover", "plan"]
    assert normalize.join_hyphenated_lines(broken, normalize.vocabulary(["a hand-over"])) == [
        "our hand-over", "plan"]


def test_pdfium_line_hyphen_marker_resolved():
    marker = normalize.PDFIUM_LINE_HYPHEN
    lines = [f"the imple{marker}mentation and go{marker}live"]
    assert normalize.join_hyphenated_lines(lines, set()) == ["the implementation and go-live"]


def test_vocabulary_ignores_line_end_hyphens():
    vocab = normalize.vocabulary(["imple-\nmentation of the go-live"])
    assert "go-live" in vocab
    assert "imple-mentation" not in vocab


@pytest.mark.parametrize("text", ["Page 3 of 7", "page 12", "- 3 -", "– 14 –", "3", "3/7", "[4]", "PAGE 2 OF 9"])
def test_page_numbers_recognised(text):
    assert normalize.is_page_number(text)


@pytest.mark.parametrize("text", ["Phase 3", "3 sessions", "Page layout review", "99.9%"])
def test_other_lines_are_not_page_numbers(text):
    assert not normalize.is_page_number(text)


def test_repeated_keys_need_most_pages():
    pages = [{"acme", "a"}, {"acme", "b"}, {"acme"}, {"x"}]
    assert normalize.repeated_keys(pages) == {"acme"}
    assert normalize.repeated_keys([{"only"}]) == set()


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([["Milestone", "Owner", "Due date"], ["Pilot live", "Northwind", "March 19, 2027"]], True),
        ([["Pilot live", "Northwind", "2027"], ["Wave 1", "Northwind", "2027"]], False),
        ([["Pilot live at 10 branches", "Northwind"], ["Wave 1", "Northwind"]], False),
        ([["Service", "Target (monthly)"], ["Uptime", "99.9%"]], True),
        ([["2026", "2027"], ["$4", "$5"]], False),
        ([["We will deliver the whole thing.", "Yes"], ["a", "b"]], False),
        ([["", "Price"], ["Item", "$4"]], False),
        ([["Item", "Price"]], False),
    ],
)
def test_looks_like_header(rows, expected):
    assert normalize.looks_like_header(rows) is expected

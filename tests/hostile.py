"""The hostile-input corpus (issue 11): generators that write each hostile file into a
test's tmp_path, so nothing big is committed or downloaded.

Every generator is seeded or fully determined by its arguments and cheap to run: the
"zip bombs" are a few hundred kilobytes on disk however much they claim to unpack to.
"""
from __future__ import annotations

import io
import random
import struct
import zipfile
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)

# Sentences with no promise in them: cheap for the extractor, long enough to fill pages.
FILLER = ("The site survey describes the existing network and the rooms in scope. "
          "Background information about the company is given in the appendix. ")


def docx_bytes(body: str) -> bytes:
    """A minimal Word file whose body is the given WordprocessingML (paragraphs...)."""
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", document)
    return out.getvalue()


def paragraph(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def docx_bomb(path: Path, megabytes: int = 8) -> Path:
    """A .docx of empty paragraphs that unpacks to about 1,000 times its size on disk (the
    probe's was 52 million paragraphs; this one has the same shape, a few MB of it)."""
    path.write_bytes(docx_bytes(paragraph("We will deliver the report.") + "<w:p/>" * (megabytes * 2**20 // 6)))
    return path


def declared_bomb(path: Path, declared: int = 0xF000_0000) -> Path:
    """A small, valid .docx whose zip directory says word/document.xml unpacks to
    ``declared`` bytes (3.75 GB by default): only the declared size is hostile."""
    data = bytearray(docx_bytes(paragraph("We will deliver the report by 30 June 2027.")))
    name = b"word/document.xml"
    # central directory entry: uncompressed size at offset 24; local header: at 22
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_len = struct.unpack_from("<H", data, start + (28 if size_at == 24 else 26))[0]
            header = 46 if size_at == 24 else 30
            if bytes(data[start + header:start + header + name_len]) == name:
                struct.pack_into("<I", data, start + size_at, declared)
            start += 4
    path.write_bytes(bytes(data))
    return path


def many_paragraphs(path: Path, count: int, seed: int = 11) -> Path:
    """A .docx with ``count`` short paragraphs of varied words (so it does not compress
    like a bomb: only the paragraph count is hostile)."""
    rng = random.Random(seed)
    words = ["site", "survey", "room", "cable", "rack", "floor", "north", "south", "door", "unit"]
    body = "".join(paragraph(" ".join(rng.choices(words, k=3)) + f" {rng.randrange(10**6)}")
                   for _ in range(count))
    path.write_bytes(docx_bytes(body))
    return path


def tracked_changes(path: Path) -> Path:
    """A .docx with tracked changes: an inserted date, an inserted sentence, deleted text."""
    body = (
        '<w:p><w:r><w:t xml:space="preserve">We will deliver the report by </w:t></w:r>'
        '<w:ins w:id="1" w:author="Dana" w:date="2027-01-04T09:00:00Z"><w:r>'
        '<w:t>30 June 2027</w:t></w:r></w:ins><w:r><w:t>.</w:t></w:r></w:p>'
        '<w:p><w:ins w:id="2" w:author="Dana" w:date="2027-01-04T09:00:00Z"><w:r>'
        '<w:t>We will run three training sessions before go-live.</w:t></w:r></w:ins></w:p>'
        '<w:p><w:r><w:t xml:space="preserve">Support is available </w:t></w:r>'
        '<w:del w:id="3" w:author="Dana" w:date="2027-01-04T09:00:00Z"><w:r>'
        '<w:delText xml:space="preserve">around the clock </w:delText></w:r></w:del>'
        '<w:r><w:t>on working days.</w:t></w:r></w:p>'
    )
    path.write_bytes(docx_bytes(body))
    return path


def long_text(path: Path, chars: int = 1_050_000) -> tuple[Path, list[str]]:
    """A single-page .txt of ``chars`` characters: filler paragraphs with a promise at the
    start, in the middle and at the end. RETURNS the path and the three promises."""
    promises = ["We will install the 40 gateways by 31 March 2027.",
                "We will run three training sessions before go-live.",
                "We will deliver the final report within 10 days of go-live."]
    paragraphs = max(3, chars // (len(FILLER) * 4 + 2))
    block = (FILLER * 4).strip()
    body = [block] * paragraphs
    body[0], body[paragraphs // 2], body[-1] = (promises[0] + " " + block, promises[1] + " " + block,
                                                block + " " + promises[2])
    path.write_text("\n\n".join(body) + "\n", encoding="utf-8")
    return path, promises


def long_pdf(path: Path, pages: int = 1000) -> Path:
    """A PDF of ``pages`` pages of filler text (over a million characters in all), with a
    dated promise on the first and the last page."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=9)
    pdf.set_auto_page_break(False)
    lines = [FILLER[i:i + 100].strip() for i in range(0, len(FILLER), 100)] * 10
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_xy(15, 15)
        if number in (1, pages):
            pdf.cell(0, 5, f"We will deliver the page {number} report by 30 June 2027.",
                     new_x="LMARGIN", new_y="NEXT")
        for line in lines:
            pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def _random_words(rng: random.Random, words: list, chars: int) -> str:
    """``chars`` characters of words drawn from ``words``, joined by spaces."""
    out, length = [], 0
    while length < chars:
        word = rng.choice(words)
        out.append(word)
        length += len(word) + 1
    return " ".join(out)[:chars]


def run_on_text(chars: int, seed: int = 5) -> str:
    """Numbers, modals and units with no sentence punctuation at all (the probe's 105 KB
    text that took 50 s)."""
    rng = random.Random(seed)
    words = ["we", "will", "shall", "must", "12", "30", "days", "99.9", "%", "hours", "may",
             "the", "supplier", "deliver", "3", "within", "by", "2027", "each", "month"]
    return _random_words(rng, words, chars)


def semicolon_text(chars: int = 34_000) -> str:
    """One 'sentence' of promises joined by semicolons, with no full stop."""
    clause = "we will provide one more report on the first working day of the month; "
    return (clause * (chars // len(clause) + 1))[:chars]


def fuzzed_page(chars: int, seed: int) -> str:
    """Random text built from the characters and words the grammars react to."""
    rng = random.Random(seed)
    pieces = ["will", "shall", "must", "within", "days", "business", "hours", "by", "on",
              "31", "March", "2027", "99.9%", "every", "month", "quarterly", "until", "go-live",
              "(", ")", ";", ":", ",", ".", "|", "-", "•", "1.", "a)", "\n", "\n\n", "e.g.",
              "No.", "...", "'", '"', "£", "$", "10,000", "1/2", "12:00", "x", "We", "You"]
    return _random_words(rng, pieces, chars)

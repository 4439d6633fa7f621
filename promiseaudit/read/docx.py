"""Word (.docx) reader: paragraphs, list items and tables in document order, one page.

Word files have no reliable page breaks, so the whole body is page 1. Paragraphs are
separated by a blank line, list items are one line each ("• " or "1. " in front), and
each table row is one line with its cells joined by " | ". Tracked changes read as if
accepted: inserted text is in, deleted text is out.

A .docx is a zip file: its declared sizes, compression ratios and paragraph count are
checked against the ``Limits`` before any XML is parsed, so a "zip bomb" is refused
without being unpacked into memory.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Optional

from ..errors import LimitError, ReadError
from ..models import Document, Page, Table, TableRow
from . import normalize
from .limits import DEFAULT_LIMITS, MB, Limits, size_in_words

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The runs of a paragraph as it reads with tracked changes accepted: inserted runs (w:ins)
# and moved-here runs count, deleted ones (w:del, w:moveFrom) do not.
_RUNS = ("w:r | w:hyperlink/w:r | w:ins/w:r | w:ins/w:hyperlink/w:r | w:hyperlink/w:ins/w:r"
         " | w:moveTo/w:r | w:smartTag/w:r | w:sdt/w:sdtContent/w:r")
# The start tag of a paragraph in any namespace prefix: <w:p>, <w:p w:rsidR=...>, <w:p/>.
_PARAGRAPH_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?p[\s/>]")


class _Failure(Exception):
    def __init__(self, outcome: str, message: str):
        super().__init__(message)
        self.outcome = outcome
        self.message = message


def read_docx(path: str, data: bytes, name: str, sha256: str, strict: bool = True,
              limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a .docx file's bytes into a Document with a single page.

    Raises LimitError for a file over ``limits`` (see ``check_package``)."""
    try:
        page = _read_page(data, name, limits)
    except _Failure as failure:
        if strict:
            raise ReadError(failure.message) from None
        return Document(path=path, name=name, kind="docx", sha256=sha256, pages=(),
                        outcome=failure.outcome, outcome_detail=failure.message)
    return Document(path=path, name=name, kind="docx", sha256=sha256, pages=(page,))


def check_package(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a .docx whose zip would unpack to more than ``limits`` allow: the sizes the
    zip declares (which is all zipfile will ever unpack), the ratio of unpacked to packed
    size of each part over a megabyte, and the paragraphs, counted in the XML as it is
    streamed, before anything is parsed. RAISES LimitError; a damaged zip is left to
    python-docx to report."""
    from . import too_large

    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    with package:
        parts = package.infolist()
        unpacked = sum(part.file_size for part in parts)
        if unpacked > limits.max_unpacked_bytes:
            raise LimitError(f"{name}: the Word file would unpack to {size_in_words(unpacked)}, more "
                             f"than the {size_in_words(limits.max_unpacked_bytes)} promiseaudit "
                             "unpacks from one document; save it again from Word, or export "
                             "it as PDF")
        for part in parts:
            ratio = part.file_size / max(part.compress_size, 1)
            if part.file_size > MB and ratio > limits.max_ratio:
                raise LimitError(f"{name}: {part.filename} inside the Word file would unpack to "
                                 f"{ratio:,.0f} times its packed size, which only a damaged or "
                                 "hostile file does; save it again from Word or export it as PDF")
        paragraphs = 0
        for part in parts:
            if part.filename.startswith("word/") and part.filename.endswith(".xml"):
                paragraphs += _count_paragraphs(package, part, limits.max_paragraphs - paragraphs)
                if paragraphs > limits.max_paragraphs:
                    raise LimitError(too_large(
                        name, f"the Word file has more than {limits.max_paragraphs:,} paragraphs",
                        f"{limits.max_paragraphs:,} paragraphs"))


def _count_paragraphs(package: zipfile.ZipFile, part: zipfile.ZipInfo, enough: int) -> int:
    """Paragraph start tags in one XML part, streamed; stops once past ``enough``."""
    count, tail = 0, b""
    try:
        with package.open(part) as stream:
            for chunk in iter(lambda: stream.read(MB), b""):
                buffer = tail + chunk
                # a tag cut by the chunk boundary is counted in the next buffer only
                count += sum(1 for m in _PARAGRAPH_TAG.finditer(buffer) if m.end() > len(tail))
                if count > enough:
                    break
                tail = buffer[-40:]
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, RuntimeError,
            ValueError):
        pass  # damaged: python-docx reports it
    return count


def _open(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS):
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    if data.startswith(_OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise _Failure("encrypted", f"{name}: password-protected Word file; "
                           "save an unprotected copy from Word")
        raise _Failure("malformed", f"{name}: an old-format Word file (.doc), not .docx; "
                       "open it in Word and save it as .docx")
    check_package(data, name, limits)
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, XMLSyntaxError, KeyError, ValueError, OSError):
        raise _Failure("malformed", f"{name}: damaged or not a Word document; "
                       "open it in Word and save it again as .docx") from None


def _read_page(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> Page:
    from docx.table import Table as DocxTable

    document = _open(data, name, limits)
    formats = _list_formats(document)
    parts: list[str] = []
    tables: list[Table] = []
    offset = 0
    previous_list = False
    counters: dict = {}
    for block in document.iter_inner_content():
        if isinstance(block, DocxTable):
            rows = _table_rows(block)
            if not rows:
                continue
            separator = "\n\n" if parts else ""
            parts.append(separator)
            offset += len(separator)
            table_rows = []
            for i, cells in enumerate(rows):
                if i:
                    parts.append("\n")
                    offset += 1
                line = " | ".join(cells)
                table_rows.append(TableRow(cells=tuple(cells), start=offset, end=offset + len(line)))
                parts.append(line)
                offset += len(line)
            if _marked_header(block) or normalize.looks_like_header(rows):
                tables.append(Table(header=table_rows[0].cells, rows=tuple(table_rows[1:])))
            else:
                tables.append(Table(header=(), rows=tuple(table_rows)))
            previous_list = False
            counters.clear()
            continue
        text = normalize.normalize_chars(paragraph_text(block._p)).strip()
        if not text:
            continue
        marker = _list_marker(block, formats, counters)
        if marker is None:
            counters.clear()
        else:
            text = marker + text
        separator = "" if not parts else ("\n" if previous_list and marker is not None else "\n\n")
        parts.append(separator + text)
        offset += len(separator) + len(text)
        previous_list = marker is not None
    return Page(number=1, text="".join(parts), tables=tuple(tables))


def paragraph_text(p) -> str:
    """A paragraph's text with tracked changes accepted (``p`` is a w:p element)."""
    return "".join(run.text for run in p.xpath(_RUNS))


def _table_rows(table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a cell merged across columns repeats
                continue
            seen.add(id(cell._tc))
            text = "\n".join(paragraph_text(p) for p in cell._tc.p_lst)
            cells.append(re.sub(r"\s+", " ", normalize.normalize_chars(text)).strip())
        if any(cells):
            rows.append(cells)
    return rows


def _marked_header(table) -> bool:
    """Whether Word marks the first row as a header row ("repeat as header row")."""
    rows = table._tbl.tr_lst
    return bool(rows) and rows[0].find(f"{_W}trPr/{_W}tblHeader") is not None


def _list_formats(document) -> dict:
    """numId -> {level: number format ("bullet", "decimal", ...)} from the numbering part."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    abstract = {}
    for node in numbering.findall(f"{_W}abstractNum"):
        levels = {}
        for lvl in node.findall(f"{_W}lvl"):
            fmt = lvl.find(f"{_W}numFmt")
            levels[lvl.get(f"{_W}ilvl")] = fmt.get(f"{_W}val") if fmt is not None else "bullet"
        abstract[node.get(f"{_W}abstractNumId")] = levels
    formats = {}
    for num in numbering.findall(f"{_W}num"):
        ref = num.find(f"{_W}abstractNumId")
        if ref is not None:
            formats[num.get(f"{_W}numId")] = abstract.get(ref.get(f"{_W}val"), {})
    return formats


def _list_marker(paragraph, formats: dict, counters: dict) -> Optional[str]:
    """"• " or "N. " for a list item (numbering or a List style), else None."""
    num_pr = paragraph._p.find(f"{_W}pPr/{_W}numPr")
    style = (paragraph.style.name or "") if paragraph.style is not None else ""
    if num_pr is None and not style.startswith("List"):
        return None
    fmt = "bullet"
    key = style
    if num_pr is not None:
        num_id = num_pr.find(f"{_W}numId")
        ilvl = num_pr.find(f"{_W}ilvl")
        num = num_id.get(f"{_W}val") if num_id is not None else ""
        level = ilvl.get(f"{_W}val") if ilvl is not None else "0"
        if num == "0":  # numbering switched off
            return None
        fmt = formats.get(num, {}).get(level, "bullet")
        key = (num, level)
    elif "Number" in style:
        fmt = "decimal"
    if fmt in ("bullet", "none"):
        return "• "
    counters[key] = counters.get(key, 0) + 1
    return f"{counters[key]}. "

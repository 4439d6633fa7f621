"""Plain-text and Markdown reader.

The text is kept as written (the quotes extracted from it must be exact): only line
endings, invisible characters and ligatures are normalised. A form feed starts a new
page. Pipe tables (``| a | b |`` lines under a ``|---|`` separator) are reported as
tables while their lines stay in the page text.
"""
from __future__ import annotations

import re

from ..errors import LimitError
from ..models import Document, Page, Table, TableRow
from . import normalize
from .limits import DEFAULT_LIMITS, Limits

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_text(path: str, data: bytes, name: str, sha256: str, kind: str,
              limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a .txt or .md file's bytes into a Document (one page per form feed)."""
    from . import too_large

    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > limits.max_chars:
        raise LimitError(too_large(name, f"the text has {len(text):,} characters",
                                   f"{limits.max_chars:,} characters"))
    if text.count("\f") >= limits.max_pages:
        raise LimitError(too_large(name, f"the text has {text.count(chr(12)) + 1:,} pages",
                                   f"{limits.max_pages:,} pages", "--max-pages"))
    chunks = [normalize.normalize_chars(chunk) for chunk in text.split("\f")]
    while len(chunks) > 1 and not chunks[-1].strip():
        chunks.pop()
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        chunk = chunk.strip("\n").rstrip()
        pages.append(Page(number=number, text=chunk, tables=find_pipe_tables(chunk)))
    return Document(path=path, name=name, kind=kind, sha256=sha256, pages=tuple(pages))


def find_pipe_tables(text: str) -> tuple[Table, ...]:
    """Pipe tables in ``text``: a header line, a ``|---|`` separator, then row lines.

    Each TableRow's span is its raw line in ``text``; the separator is skipped and the
    header line goes to ``Table.header``.
    """
    lines = _lines(text)
    tables = []
    i = 0
    while i < len(lines) - 1:
        start, line = lines[i]
        if "|" in line and _SEPARATOR.match(lines[i + 1][1]) and "|" in lines[i + 1][1]:
            header = tuple(split_cells(line))
            rows = []
            j = i + 2
            while j < len(lines) and "|" in lines[j][1] and lines[j][1].strip():
                row_start, row_line = lines[j]
                rows.append(TableRow(cells=tuple(split_cells(row_line)), start=row_start,
                                     end=row_start + len(row_line)))
                j += 1
            if not any(header):
                header = ()
            tables.append(Table(header=header, rows=tuple(rows)))
            i = j
        else:
            i += 1
    return tuple(tables)


def _lines(text: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for line in text.split("\n"):
        out.append((start, line))
        start += len(line) + 1
    return out


def split_cells(line: str) -> list[str]:
    """The trimmed cells of a pipe-table line; ``\\|`` is a literal bar inside a cell."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [cell.strip().replace("\\|", "|") for cell in cells]

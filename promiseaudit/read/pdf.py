"""PDF reader: pypdfium2 for text and rulings, pdfplumber's table finder for ruled tables.

Each page becomes a list of positioned text pieces ("items"). Pieces that sit in a
table's box are replaced by the table; running headers, footers and page numbers are
dropped; two-column pages are put back in reading order; then the text is assembled
and normalised. pypdfium2 and pdfplumber are imported inside the functions that use
them so that importing promiseaudit stays fast.
"""
from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass, field
from typing import Optional

from ..errors import LimitError, ReadError
from ..models import Document, Page, Table, TableRow
from . import normalize
from .limits import DEFAULT_LIMITS, Limits

ENCRYPTED_HINT = "export an unprotected copy or pass --password"
SCANNED_HINT = "run it through OCR first or use the original document"
DAMAGED_HINT = "re-export it from the original"

# pdfium error codes (fpdfview.h)
_ERR_PASSWORD = 4

# A wide horizontal gap inside a line of text means two columns (or table cells) that
# pdfium joined into one line: split there. Measured in multiples of the line height.
_GAP_SPLIT = 1.2
# A path with more segments than this is a drawing (logo, chart), not table rulings.
_MAX_SEGMENTS = 2000
# A page whose text-free images cover this share of it is a scanned page.
_SCAN_COVERAGE = 0.3


class _Failure(Exception):
    """A PDF that cannot be read: carries the outcome and the user-facing message."""

    def __init__(self, outcome: str, message: str):
        super().__init__(message)
        self.outcome = outcome
        self.message = message


@dataclass
class _Item:
    """A piece of a page in top-down coordinates (points from the top-left corner)."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str = ""
    rows: Optional[list] = None  # a table's cell texts, row by row
    header: bool = False
    index: int = -1  # pdfium index of the first character

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def is_table(self) -> bool:
        return self.rows is not None


@dataclass
class _RawPage:
    number: int
    width: float
    height: float
    items: list = field(default_factory=list)
    scanned: bool = False


def read_pdf(path: str, data: bytes, name: str, sha256: str,
             password: Optional[str] = None, strict: bool = True,
             limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a PDF's bytes into a Document (see ``promiseaudit.read.read_document``)."""
    try:
        pages = _read_pages(data, name, password, strict, limits)
    except _Failure as failure:
        if strict:
            raise ReadError(failure.message) from None
        return Document(path=path, name=name, kind="pdf", sha256=sha256, pages=(),
                        outcome=failure.outcome, outcome_detail=failure.message)
    detail = ""
    skipped = [p.number for p in pages if p.scanned]
    if skipped:
        verb = "was" if len(skipped) == 1 else "were"
        detail = f"{name}: {_page_list(skipped)} no text layer and {verb} left out"
    return Document(path=path, name=name, kind="pdf", sha256=sha256,
                    pages=tuple(_build_pages(pages)), outcome="parsed", outcome_detail=detail)


def _read_pages(data: bytes, name: str, password: Optional[str], strict: bool,
                limits: Limits = DEFAULT_LIMITS) -> list[_RawPage]:
    import pypdfium2 as pdfium

    from . import too_large

    if not data:
        raise _Failure("malformed", f"{name}: the file is empty; {DAMAGED_HINT}")
    if b"%PDF-" not in data[:1024]:
        raise _Failure("malformed", f"{name}: the file is damaged or not a PDF; {DAMAGED_HINT}")
    if b"%%EOF" not in data[-8192:]:
        raise _Failure("malformed", f"{name}: the PDF is cut short (damaged); {DAMAGED_HINT}")
    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == _ERR_PASSWORD:
            if password:
                raise _Failure("encrypted", f"{name}: the password does not open this PDF; "
                               "check it or export an unprotected copy") from None
            raise _Failure("encrypted", f"{name}: the PDF is password-protected; {ENCRYPTED_HINT}") from None
        raise _Failure("malformed", f"{name}: the file is damaged or not a PDF; {DAMAGED_HINT}") from None
    try:
        if len(pdf) == 0:
            raise _Failure("malformed", f"{name}: the PDF has no pages; {DAMAGED_HINT}")
        if len(pdf) > limits.max_pages:
            raise LimitError(too_large(name, f"the PDF has {len(pdf):,} pages",
                                       f"{limits.max_pages:,} pages", "--max-pages"))
        pages = []
        for index in range(len(pdf)):
            started = time.monotonic()
            pages.append(_read_page(pdf, index, name))
            if time.monotonic() - started > limits.seconds_per_page:
                raise LimitError(f"{name}: page {index + 1} took more than "
                                 f"{limits.seconds_per_page:g} seconds to read (damaged, or made "
                                 f"to be slow?); {DAMAGED_HINT}")
    finally:
        pdf.close()

    scanned = [p.number for p in pages if p.scanned]
    # no text anywhere (scans, or text drawn as outlines): nothing to read without OCR
    if not any(p.items for p in pages):
        raise _Failure("scanned", f"{name}: the PDF has no text layer (scanned image?); {SCANNED_HINT}")
    if scanned and strict:
        raise _Failure("scanned", f"{name}: {_page_list(scanned)} no text layer (scanned image?); "
                       f"{SCANNED_HINT}, or pass --keep-going to read the other pages")
    return pages


def _page_list(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"page {numbers[0]} has"
    return "pages " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]} have"


def _read_page(pdf, index: int, name: str) -> _RawPage:
    import pypdfium2 as pdfium

    try:
        page = pdf[index]
    except pdfium.PdfiumError:
        raise _Failure("malformed", f"{name}: page {index + 1} is damaged; {DAMAGED_HINT}") from None
    try:
        # get_bbox resolves an inherited MediaBox (get_mediabox would not)
        left, bottom, right, top = page.get_bbox()
        raw = _RawPage(number=index + 1, width=right - left, height=top - bottom)
        paths, image_area = _scan_objects(page.raw)
        textpage = page.get_textpage()
        try:
            raw.items = _text_items(textpage, left, top)
            if raw.items and _may_hold_table(paths):
                for bbox, cells, bold in _find_tables(paths, textpage, left, top, raw):
                    rows = _clean_rows(cells)
                    # a boxed paragraph is not a table
                    if len(rows) >= 2 and len(rows[0]) >= 2:
                        _place_table(raw, bbox, rows, _has_header(cells, bold, rows))
        finally:
            textpage.close()
        if not raw.items and image_area >= _SCAN_COVERAGE * raw.width * raw.height:
            raw.scanned = True
        return raw
    finally:
        page.close()


def _text_items(textpage, left: float, top: float) -> list[_Item]:
    """Positioned pieces of text, in pdfium's order: one per line, split at wide gaps."""
    text = textpage.get_text_range()
    if not text.strip():
        return []
    cuts = {m.start() for m in re.finditer(r"\r\n|\r|\n", text)}
    # pdfium drops the line break after a line-end hyphen (marked U+FFFE): restore it
    cuts |= {m.end() for m in re.finditer(normalize.PDFIUM_LINE_HYPHEN, text)}
    cuts |= _gap_cuts(textpage)
    items = []
    bounds = sorted(cuts | {len(text)})
    start = 0
    for end in bounds:
        piece = text[start:end]
        stripped = piece.strip("\r\n \t")
        if stripped.endswith(normalize.PDFIUM_LINE_HYPHEN):
            stripped = stripped[:-1] + "-"
        if stripped:
            first = start + piece.index(stripped[0])
            last = first + len(stripped) - 1
            box = _box(textpage, first, last)
            if box:
                l, b, r, t = box
                items.append(_Item(l - left, top - t, r - left, top - b, stripped, index=first))
            else:  # no position: keep the text, just below the previous piece
                prev = items[-1] if items else _Item(0.0, 0.0, 0.0, 0.0)
                items.append(_Item(prev.x0, prev.bottom, prev.x1, prev.bottom + prev.height, stripped))
        start = end
    return items


def _box(textpage, first: int, last: int):
    """(left, bottom, right, top) around two characters: the font box, else the glyph box."""
    import pypdfium2 as pdfium

    for loose in (True, False):
        try:
            l1, b1, r1, t1 = textpage.get_charbox(first, loose=loose)
            l2, b2, r2, t2 = textpage.get_charbox(last, loose=loose)
        except pdfium.PdfiumError:
            continue
        return min(l1, l2), min(b1, b2), max(r1, r2), max(t1, t2)
    return None


def _gap_cuts(textpage) -> set[int]:
    """Character indexes where a line must be split because of a wide horizontal gap.

    pdfium joins text that shares a baseline ("left column line | right column line");
    its text rectangles keep the pieces apart, so a wide gap between two rectangles of
    one row marks a split.
    """
    count = textpage.count_rects()
    rects = sorted((textpage.get_rect(i) for i in range(count)),
                   key=lambda r: ((r[1] + r[3]) / 2, r[0]))
    cuts: set[int] = set()
    row: list = []
    for rect in rects + [None]:
        if rect is not None and row:
            height = max(row[0][3] - row[0][1], 1.0)
            if abs((rect[1] + rect[3]) / 2 - (row[0][1] + row[0][3]) / 2) < 0.4 * height:
                row.append(rect)
                continue
        if len(row) > 1:
            row.sort(key=lambda r: r[0])
            for a, b in zip(row, row[1:]):
                height = max(a[3] - a[1], b[3] - b[1], 1.0)
                if b[0] - a[2] > _GAP_SPLIT * height:
                    index = textpage.get_index(b[0] + 0.5, (b[1] + b[3]) / 2, 1.0, 1.0)
                    if index is not None and index > 0:
                        cuts.add(index)
        row = [rect] if rect is not None else []
    return cuts


def _scan_objects(page_raw) -> tuple[list, float]:
    """The page's path objects (candidate table rulings) and the area its images cover."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    paths = []
    image_area = 0.0
    l, b, r, t = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    for k in range(pdfium_c.FPDFPage_CountObjects(page_raw)):
        obj = pdfium_c.FPDFPage_GetObject(page_raw, k)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            if pdfium_c.FPDFPageObj_GetBounds(obj, l, b, r, t):
                paths.append((obj, r.value - l.value, t.value - b.value))
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            if pdfium_c.FPDFPageObj_GetBounds(obj, l, b, r, t):
                image_area += max(r.value - l.value, 0) * max(t.value - b.value, 0)
    return paths, image_area


def _may_hold_table(paths: list) -> bool:
    """At least two horizontal and two vertical rulings (a box counts as both)."""
    horizontal = vertical = 0
    for _, width, height in paths:
        if height <= 3 and width >= 8:
            horizontal += 1
        elif width <= 3 and height >= 8:
            vertical += 1
        elif width >= 8 and height >= 8:
            horizontal += 2
            vertical += 2
    return horizontal >= 2 and vertical >= 2


# --- ruled tables: pdfium's rulings fed to pdfplumber's table finder ---------------------


class _EdgePage:
    """What pdfplumber's TableFinder reads from a page with the "lines" strategies."""

    def __init__(self, edges: list, bbox: tuple):
        self.edges = edges
        self.bbox = bbox


def _find_tables(paths: list, textpage, left: float, top: float, raw: _RawPage) -> list:
    """(bbox, rows of raw cell texts) for each ruled table on the page.

    pdfplumber's finder does the geometry (snapping, joining, intersections, cells);
    the rulings come from pdfium's path objects and the cell text from pdfium's text
    page, so the slow pdfminer parse of the whole page is never needed.
    """
    from pdfplumber.table import TableFinder

    # too small to rule a table, or a drawing rather than rulings
    edges = [e for obj, width, height in paths if max(width, height) >= 8
             for e in _path_edges(obj, left, top)]
    if not edges:
        return []
    finder = TableFinder(_EdgePage(edges, (0, 0, raw.width, raw.height)),
                         {"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    found = []
    for table in finder.tables:
        rows, bold = [], []
        for row in table.rows:
            rows.append([_cell_text(textpage, cell, left, top) for cell in row.cells])
            bold.append(_row_is_bold(textpage, row.bbox, raw.items))
        found.append((table.bbox, rows, bold))
    return found


def _row_is_bold(textpage, bbox, items: list[_Item]) -> Optional[bool]:
    """Whether all the text in a table row is bold (None when the row has no text)."""
    import pypdfium2.raw as pdfium_c

    x0, top, x1, bottom = bbox
    weights = [
        pdfium_c.FPDFText_GetFontWeight(textpage.raw, it.index)
        for it in items
        if it.index >= 0 and x0 <= (it.x0 + it.x1) / 2 <= x1 and top <= (it.top + it.bottom) / 2 <= bottom
    ]
    if not weights or -1 in weights:
        return None
    return all(w >= 600 for w in weights)


def _has_header(cells: list, bold: list, rows: list) -> bool:
    """Whether the table's first row names its columns: an empty first row means no
    header; a bold first row over plain rows means one; otherwise judge by the words."""
    if not any(c.strip() for c in cells[0]):
        return False
    if len(bold) > 1 and bold[0] is True and bold[1] is False:
        return True
    return normalize.looks_like_header([[c.replace("\n", " ") for c in row] for row in rows])


def _cell_text(textpage, cell, left: float, top: float) -> str:
    if cell is None:
        return ""
    x0, cell_top, x1, bottom = cell
    text = textpage.get_text_bounded(left + x0, top - bottom, left + x1, top - cell_top)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _path_edges(obj, left: float, top: float) -> list[dict]:
    """Horizontal and vertical straight segments of a path object, as pdfplumber edges."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
        return []
    x, y = ctypes.c_float(), ctypes.c_float()
    edges: list[dict] = []
    start = previous = None

    def point(px: float, py: float) -> tuple[float, float]:
        # page coordinates, then top-down like pdfplumber
        return (matrix.a * px + matrix.c * py + matrix.e - left,
                top - (matrix.b * px + matrix.d * py + matrix.f))

    def add(p: tuple, q: tuple) -> None:
        (x0, y0), (x1, y1) = sorted([p, q])
        if abs(y0 - y1) < 0.5 and abs(x1 - x0) >= 1:
            edges.append({"object_type": "line", "orientation": "h", "x0": x0, "x1": x1,
                          "top": y0, "bottom": y0, "doctop": y0, "width": x1 - x0, "height": 0})
        elif abs(x0 - x1) < 0.5:
            t, b = min(y0, y1), max(y0, y1)
            if b - t >= 1:
                edges.append({"object_type": "line", "orientation": "v", "x0": x0, "x1": x0,
                              "top": t, "bottom": b, "doctop": t, "width": 0, "height": b - t})

    count = pdfium_c.FPDFPath_CountSegments(obj)
    if count > _MAX_SEGMENTS:
        return []
    for i in range(count):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        if not pdfium_c.FPDFPathSegment_GetPoint(segment, x, y):
            continue
        current = point(x.value, y.value)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = current
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO and previous is not None:
            add(previous, current)
        previous = current
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            add(previous, start)
            previous = start
    return edges


def _clean_rows(cells: list) -> list[list[str]]:
    """Cell texts with normalised characters and spacing (line breaks kept, for joining
    hyphenated words later); empty rows and columns dropped."""
    rows = []
    for row in cells:
        clean = []
        for cell in row:
            lines = normalize.normalize_chars(cell or "").split("\n")
            lines = (re.sub(r"[ \t]+", " ", line).strip() for line in lines)
            clean.append("\n".join(line for line in lines if line))
        rows.append(clean)
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    keep = [c for c in range(width) if any(r[c] for r in rows)]
    rows = [[r[c] for c in keep] for r in rows]
    return [r for r in rows if any(r)]


def _place_table(raw: _RawPage, bbox, rows: list[list[str]], header: bool) -> None:
    x0, top, x1, bottom = bbox
    inside = []
    for item in raw.items:
        cx, cy = (item.x0 + item.x1) / 2, (item.top + item.bottom) / 2
        if not item.is_table and x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1:
            inside.append(item)
    table = _Item(x0, top, x1, bottom, rows=rows, header=header)
    covered = {id(it) for it in inside}
    # the table takes the place of the first text it covered (pdfium's reading order)
    items, placed = [], False
    for item in raw.items:
        if id(item) in covered:
            if not placed:
                items.append(table)
                placed = True
            continue
        items.append(item)
    if not placed:
        position = next((i for i, it in enumerate(items) if it.top >= top), len(items))
        items.insert(position, table)
    raw.items = items


# --- page furniture, reading order, assembly ------------------------------------------


def _build_pages(pages: list[_RawPage]) -> list[Page]:
    _drop_furniture(pages)
    texts = ["\n".join(cell for row in it.rows for cell in row) if it.is_table else it.text
             for p in pages for it in p.items]
    # the vocabulary only settles words broken at line ends: skip it when there are none
    broken = any(t.endswith("-") or "-\n" in t or normalize.PDFIUM_LINE_HYPHEN in t for t in texts)
    vocab = normalize.vocabulary(map(normalize.normalize_chars, texts)) if broken else set()
    blocks = [_blocks(_reading_order(p), vocab) for p in pages]
    for before, after in zip(blocks, blocks[1:]):
        _join_across_pages(before, after, vocab)
    return [_render(p.number, b) for p, b in zip(pages, blocks)]


def _join_across_pages(before: list, after: list, vocab: set[str]) -> None:
    """A word hyphenated at the foot of a page is completed there ("warr-" + "anty,")."""
    if not before or not after or before[-1][0] != "prose" or after[0][0] != "prose":
        return
    last, first = before[-1][1], after[0][1]
    if not last or not first or not last[-1].endswith("-"):
        return
    joined = normalize.join_hyphenated_lines([last[-1], first[0]], vocab)
    if len(joined) == 2 and joined[1] == first[0]:
        return
    last[-1] = joined[0]
    if len(joined) == 2:
        first[0] = joined[1]
    else:
        del first[0]
        if not first:
            del after[0]


def _edge_rows(items: list[_Item], height: float) -> tuple[list[_Item], list[_Item]]:
    """Prose items on the first two and last two rows of a page, within its outer bands."""
    prose = sorted((it for it in items if not it.is_table), key=lambda it: it.top)
    if not prose:
        return [], []

    def rows(ordered):
        found, seen = [], []
        for it in ordered:
            centre = (it.top + it.bottom) / 2
            if not any(abs(centre - s) < 0.5 * it.height for s in seen):
                if len(seen) == 2:
                    break
                seen.append(centre)
            found.append(it)
        return found

    top = [it for it in rows(prose) if it.bottom <= 0.2 * height]
    bottom = [it for it in rows(prose[::-1]) if it.top >= 0.8 * height]
    return top, bottom


def _drop_furniture(pages: list[_RawPage]) -> None:
    """Remove running headers/footers (repeated at the same height on most pages) and
    page numbers."""
    edges = [_edge_rows(p.items, p.height) for p in pages]

    def key(it: _Item) -> tuple:
        return normalize.furniture_key(it.text), round(it.top / 4)

    def keys(zone: list[_Item]) -> set:
        # a repeat must have words: "4." atop two pages is two section numbers
        return {key(it) for it in zone if sum(c.isalpha() for c in key(it)[0]) >= 2}

    repeated_top = normalize.repeated_keys([keys(top) for top, _ in edges])
    repeated_bottom = normalize.repeated_keys([keys(bottom) for _, bottom in edges])
    for page, (top, bottom) in zip(pages, edges):
        drop = set()
        for zone, repeated in ((top, repeated_top), (bottom, repeated_bottom)):
            for it in zone:
                if key(it) in repeated or normalize.is_page_number(it.text):
                    drop.add(id(it))
        if drop:
            page.items = [it for it in page.items if id(it) not in drop]


def _reading_order(page: _RawPage) -> list[_Item]:
    """pdfium's order, except on multi-column pages: column by column, and full-width
    pieces (titles, wide tables) between the column blocks."""
    items = page.items
    gutter = _find_gutter(items, page.width)
    if gutter is None:
        return items
    ordered, left, right = [], [], []

    def flush():
        ordered.extend(sorted(left, key=lambda it: it.top))
        ordered.extend(sorted(right, key=lambda it: it.top))
        left.clear()
        right.clear()

    for it in sorted(items, key=lambda it: it.top):
        if it.x1 <= gutter:
            left.append(it)
        elif it.x0 >= gutter:
            right.append(it)
        else:
            flush()
            ordered.append(it)
    flush()
    return ordered


def _find_gutter(items: list[_Item], width: float) -> Optional[float]:
    """The x of the gap between two text columns, or None for a single-column page.

    Candidates are the left edges of text in the middle of the page; a candidate counts
    when at least three lines on each side sit side by side and both sides hold running
    text (not short labels and values). The one crossed by the fewest lines wins.
    """
    if len(items) < 6:
        return None
    best, best_score = None, None
    starts = sorted({round(it.x0) for it in items if 0.3 * width <= it.x0 <= 0.75 * width})
    for start in starts:
        gutter = start - 0.5
        left = [it for it in items if it.x1 <= gutter]
        right = [it for it in items if it.x0 >= gutter]
        if len(left) < 3 or len(right) < 3:
            continue
        if statistics.median(it.x1 - it.x0 for it in left) < 0.2 * width:
            continue
        if statistics.median(it.x1 - it.x0 for it in right) < 0.2 * width:
            continue
        side_by_side = sum(
            1 for a in right if any(b.top < a.bottom and a.top < b.bottom for b in left)
        )
        if side_by_side < 3:
            continue
        score = (len(items) - len(left) - len(right), -side_by_side)
        if best_score is None or score < best_score:
            best, best_score = gutter, score
    return best


def _blocks(items: list[_Item], vocab: set[str]) -> list:
    """Group the ordered items into paragraphs of lines and tables:
    ("prose", [line, ...]) or ("table", item)."""
    blocks: list = []
    gap = _paragraph_gap(items)
    prev: Optional[_Item] = None
    for it in items:
        if it.is_table:
            blocks.append(("table", it))
            prev = None
            continue
        text = normalize.normalize_chars(it.text)
        if prev is None or not blocks or blocks[-1][0] != "prose":
            blocks.append(("prose", [text]))
        elif _same_row(prev, it):
            blocks[-1][1][-1] += " " + text
        elif _new_paragraph(prev, it, gap):
            blocks.append(("prose", [text]))
        else:
            blocks[-1][1].append(text)
        prev = it
    for kind, block in blocks:
        if kind == "prose":
            lines = normalize.join_hyphenated_lines(block, vocab)
            block[:] = [line for line in (re.sub(r"[ \t]{2,}", " ", ln).strip() for ln in lines) if line]
        else:
            block.rows = [[re.sub(r"\s+", " ", " ".join(normalize.join_hyphenated_lines(
                cell.split("\n"), vocab))).strip() for cell in row] for row in block.rows]
    return [b for b in blocks if b[0] == "table" or b[1]]


def _render(number: int, blocks: list) -> Page:
    """Page text from blocks: a blank line between blocks, one " | " line per table row."""
    parts: list[str] = []
    tables: list[Table] = []
    offset = 0
    for kind, block in blocks:
        if kind == "prose" and not block:
            continue
        if parts:
            parts.append("\n\n")
            offset += 2
        if kind == "prose":
            text = "\n".join(block)
            parts.append(text)
            offset += len(text)
            continue
        rows = []
        for i, cells in enumerate(block.rows):
            if i:
                parts.append("\n")
                offset += 1
            line = " | ".join(cells)
            parts.append(line)
            rows.append(TableRow(cells=tuple(cells), start=offset, end=offset + len(line)))
            offset += len(line)
        if block.header:
            tables.append(Table(header=rows[0].cells, rows=tuple(rows[1:])))
        else:
            tables.append(Table(header=(), rows=tuple(rows)))
    return Page(number=number, text="".join(parts), tables=tuple(tables))


def _same_row(prev: _Item, it: _Item) -> bool:
    overlap = min(prev.bottom, it.bottom) - max(prev.top, it.top)
    return overlap > 0.5 * min(prev.height, it.height) and it.x0 >= prev.x1 - 1


def _new_paragraph(prev: _Item, it: _Item, gap: float) -> bool:
    if it.top < prev.top - 1:
        # back up the page: a new column, which may go on with the same sentence
        return bool(re.search(r"[.!?:;)\]”\"]$", prev.text.rstrip()))
    if abs(it.height - prev.height) > 0.15 * min(it.height, prev.height):  # font size change
        return True
    return it.top - prev.bottom > gap


def _paragraph_gap(items: list[_Item]) -> float:
    """The vertical gap above which two lines belong to different paragraphs."""
    gaps, heights = [], []
    prose = [it for it in items if not it.is_table]
    for a, b in zip(prose, prose[1:]):
        space = b.top - a.bottom
        if -0.5 * a.height < space < a.height:
            gaps.append(max(space, 0.0))
        heights.append(a.height)
    if not heights:
        return 5.0
    height = statistics.median(heights)
    line_gap = statistics.median(gaps) if gaps else 0.0
    return line_gap + 0.35 * height

"""Layout-aware sentence splitting for proposals.

Proposals are not prose: they have headings, cover-page fields, bullet lists that finish
a lead-in sentence, numbered clauses and tables. ``segment`` turns the text of a whole
document (pages joined with a blank line, as ``Document.text``) into ``Unit``s, the
pieces a promise is judged on:

- headings are not units; they are remembered as the ``heading`` of what follows;
- a bullet or numbered item is a unit (or several, one per sentence); its quote leaves
  out the marker; items that follow a line ending in ":" get that line as ``lead_in``;
- a table row is one unit; its quote runs from the first to the last cell, so it reads
  "cell | cell | cell"; the table's header goes with it;
- line wraps, and blank lines or page breaks in the middle of a sentence, are not
  boundaries; abbreviations ("e.g.", "approx.", "No.", "Ltd.", "U.S.") do not split;
- a unit longer than ``max_unit`` characters (a run-on text without full stops) is cut
  at its semicolons, then between words (``cap_span``), so no unit is longer.

Everything here is plain string work, so it is cheap and testable without spaCy. The
work is linear in the length of the text: only the tail of a growing paragraph is
looked at, and the regexes never rescan what they have passed.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from ..read.limits import DEFAULT_LIMITS
from .patterns.quantities_numbers import number_grammar

MAX_UNIT_CHARS = DEFAULT_LIMITS.max_unit_chars
# How much of the end of a paragraph tells whether it ends a sentence.
_TAIL = 300

# Words that end with a period without ending a sentence (lower-cased, without the dot).
DEFAULT_ABBREVIATIONS = frozenset(
    """e.g i.e approx appr ca etc vs cf incl excl esp no nos nr ltd inc co corp plc llc
    pty bros dept est fig figs st mr mrs ms dr prof sr jr rev gen hon u.s u.k a.m p.m
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat
    sun min max avg ref refs tel ph p pp para sec art vol ed eds al viz resp qty pcs
    dept mt ft ave blvd rd hr hrs wk wks mo mos yr yrs req reqs""".split()
)

_BULLET = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>[-*+\u2022\u25cf\u25aa\u25e6\u2023\u00b7\u2013\u2014\u25a0\u25a1\u2713\u2714>]"
    r"|o(?=[ \t]+[A-Z0-9])|\(?\d{1,2}[.)](?!\d)|\(?[a-zA-Z][.)]|\((?:[ivxlc]{1,5}|[a-z]{1,2}|\d{1,2})\)|[ivx]{1,4}\.)[ \t]+(?=\S)"
)
_NUMBERED_CLAUSE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>\d{1,2}(?:\.\d{1,3})+\.?|[A-Z]\.?\d{1,2}(?:\.\d{1,3})*\.?)[ \t]+(?=\S)")
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+")
_NUMBERED_BAR_HEADING = re.compile(r"^[ \t]*\d{1,3}[ \t]*\|[ \t]*[A-Z][^|]{1,60}$")
_RULE = re.compile(r"^[ \t]*(?:[-*_=][ \t]*){3,}$")
_TABLE_SEPARATOR = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_FIELD = re.compile(
    r"^[ \t]*(?:[-*][ \t]+)?(?:\*\*|__)?(?P<key>[A-Z][\w .&/'’()#-]{0,40}?)[ \t]*(?:\*\*|__)?:(?:\*\*|__)?[ \t]+\S"
)
_TERMINAL = re.compile(r"[.!?:;][\"'”’)\]*_]*$")
_SENTENCE_END = re.compile(r"(?<![.!?])[.!?]++[\"'”’)\]]*+(?=\s)")
_NEXT_CHAR = re.compile(r"\s*+(\S)")
_WORD_BEFORE = re.compile(r"([\w.&]+)$")
_NUMBER_LABEL = re.compile(r"\b(?:no|nr|section|clause|item|step)\.?\s*$", re.I)
_LEAD_IN_END = re.compile(r":[\"'”’)\]*_]*\s*$")
_FUNCTION_END = re.compile(
    r"\b(?:a|an|the|and|or|but|of|to|for|with|in|on|at|by|from|into|your|our|their|its|his|her|"
    r"will|shall|would|can|could|may|must|is|are|be|been|that|which|who|as|than|per|via|up|no)$", re.I)
_MODAL_IN_LINE = re.compile(r"\b(?:will|shall|must|we['’]ll|you['’]ll|guarantees?|warrants?|commits?|agrees?|"
                            r"provides?|delivers?|ensures?|includes?|offers?)\b", re.I)
_FLAT = str.maketrans({"\n": " ", "\t": " ", "\r": " ", "\f": " "})
# Typographic spaces (no-break, en, em, thin, hair...) read as plain spaces for layout.
_SPACES = str.maketrans({c: " " for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                         "\u2008\u2009\u200a\u202f\u205f\u3000"})


@dataclass(frozen=True)
class TableInfo:
    """What a table row unit knows about its table."""

    header: tuple[str, ...]
    cells: tuple[str, ...]


@dataclass
class Unit:
    """A piece of a proposal judged on its own: a sentence, a list item or a table row.

    start, end (int): span of the quote in the combined text.
    kind (str): "sentence", "item" (from a bullet or numbered list) or "row".
    block (int): index of the paragraph, item or row it comes from.
    first (bool): the first sentence of its block.
    lead_in (int | None): index of the unit introducing the list this item belongs to.
    heading (str): the nearest heading above it.
    table (TableInfo | None): header and cells, for table rows.
    is_lead_in (bool): the unit ends with ":" and introduces a list.
    subject_unit (int | None): for the second clock of a sentence without its own subject
        ("... and be on site within 4 hours"), the index of the unit that names the subject.
    part (str): "enumerated" for an item of a list run on inside a sentence, "clause" for
        one of the clocks of a sentence with two, "" otherwise.
    text (str): the unit's text with line breaks as spaces (same length as the span).
    """

    start: int
    end: int
    kind: str
    block: int
    first: bool = True
    lead_in: Optional[int] = None
    heading: str = ""
    table: Optional[TableInfo] = None
    is_lead_in: bool = False
    text: str = ""
    subject_unit: Optional[int] = None
    part: str = ""


@dataclass
class _Line:
    start: int
    end: int
    raw: str
    kind: str  # blank, rule, heading, row, separator, bullet, clause, field, text
    body_start: int  # where the text after a marker starts
    indent: int = 0
    page_first: bool = False


@dataclass
class _Block:
    kind: str  # para, item, heading, row
    start: int
    end: int
    lines: list = field(default_factory=list)
    heading: str = ""
    list_level: int = 0


def _classify_line(text: str, start: int) -> _Line:
    stripped = text.strip()
    end = start + len(text)
    indent = len(text) - len(text.lstrip(" \t"))
    if not stripped:
        return _Line(start, end, text, "blank", end, indent)
    if _TABLE_SEPARATOR.match(text) and ("|" in text or stripped.startswith("-")) and "|" in text:
        return _Line(start, end, text, "separator", end, indent)
    if _RULE.match(text) or stripped in ("[...]", "[\u2026]", "[***]", "* * *"):
        return _Line(start, end, text, "rule", end, indent)  # a rule, or a cut marked in the text
    if _MD_HEADING.match(text):
        return _Line(start, end, text, "heading", start + _MD_HEADING.match(text).end(), indent)
    if _NUMBERED_BAR_HEADING.match(text):
        return _Line(start, end, text, "heading", start + indent, indent)  # "02 | What you get" on a slide
    if stripped.count("|") >= 2 or " | " in stripped:
        return _Line(start, end, text, "row", start + indent, indent)
    m = _NUMBERED_CLAUSE.match(text)
    if m:
        return _Line(start, end, text, "clause", start + m.end(), indent)
    m = _BULLET.match(text)
    if m:
        return _Line(start, end, text, "bullet", start + m.end(), indent)
    if _FIELD.match(text) and len(_FIELD.match(text).group("key").split()) <= 5:
        return _Line(start, end, text, "field", start + indent, indent)
    return _Line(start, end, text, "text", start + indent, indent)


def _split_lines(text: str, page_starts: Sequence[int]) -> list[_Line]:
    lines = []
    page_set = set(page_starts)
    pos = 0
    for raw in text.split("\n"):
        line = _classify_line(raw, pos)
        line.page_first = pos in page_set
        lines.append(line)
        pos += len(raw) + 1
    return lines


def _ends_sentence(text: str) -> bool:
    return bool(_TERMINAL.search(text.rstrip()))


def _continues(text: str) -> bool:
    """The text stops mid-sentence (no closing punctuation, colon or semicolon)."""
    return not re.search(r"[.!?:;][\"'”’)\]*_]*\s*$", text)


def _is_upper_line(body: str) -> bool:
    letters = [c for c in body if c.isalpha()]
    return len(letters) >= 3 and not any(c.islower() for c in letters)


def _heading_shaped(body: str) -> bool:
    """Short, starts with a capital or number, no sentence punctuation at the end, and
    not cut off after a little word ("... contact, with" is a wrapped line)."""
    body = body.strip().strip("*_").strip()
    if not body or _ends_sentence(body) or body.endswith((",", "-", "–", "—", "&", "/")) or "=" in body:
        return False
    if _FUNCTION_END.search(body):
        return False
    words = body.split()
    if _is_upper_line(body) and len(words) <= 16:
        return True
    return len(words) <= 9 and len(body) <= 72 and (body[0].isupper() or body[0].isdigit())


def _starts_lower(body: str) -> bool:
    """Whether a line reads as the continuation of the previous one."""
    stripped = body.lstrip(" \t")
    if stripped[:1] in ("%", ")", ",", ";", ":", ".", "/", "&"):
        return True
    body = stripped.lstrip("*_\"'“‘(")
    return bool(body) and body[0].islower()


def _line_body(line: _Line, text: str) -> str:
    return text[line.body_start:line.end]


class _Layout:
    """Turns lines into blocks: headings, paragraphs, list items and table rows."""

    def __init__(self, text: str, lines: list[_Line]):
        self.text = text
        self.lines = lines
        self.blocks: list[_Block] = []
        self.last_number: Optional[int] = None
        self.skip_next = False

    def next_content(self, i: int) -> Optional[_Line]:
        for j in range(i + 1, len(self.lines)):
            if self.lines[j].kind != "blank":
                return self.lines[j]
        return None

    def prev_content(self, i: int) -> Optional[_Line]:
        for j in range(i - 1, -1, -1):
            if self.lines[j].kind != "blank":
                return self.lines[j]
        return None

    def tail(self, block: _Block) -> str:
        """The end of a block's text: enough to tell how it ends, however long it is."""
        return self.text[max(block.start, block.end - _TAIL):block.end]

    def is_plain_heading(self, i: int, current: Optional[_Block], gap: bool) -> bool:
        line = self.lines[i]
        body = _line_body(line, self.text)
        if not _heading_shaped(body):
            return False
        if _is_upper_line(body):
            return True
        if current is not None and not gap and current.kind in ("para", "item"):
            if not _ends_sentence(self.tail(current)):
                return False
        nxt = self.next_content(i)
        if re.search(r"\b(?:shall|will|must)\b", body, re.I) and len(body.split()) >= 5 \
                and (nxt is None or nxt.kind in ("rule", "separator", "heading")):
            return False  # "The Supplier shall repair faults within 4 hours" before a cut
        if nxt is None:
            return True
        if nxt.kind in ("text", "field", "clause") and _starts_lower(_line_body(nxt, self.text)):
            return False
        wraps_on = nxt.kind in ("text", "field") or (nxt.kind == "bullet" and nxt.raw.lstrip().startswith("("))
        if _MODAL_IN_LINE.search(body) and wraps_on and i + 1 < len(self.lines) and self.lines[i + 1] is nxt:
            return False  # "Priya will be your contact" wrapped onto the next line
        return True

    def can_join(self, current: Optional[_Block], line: _Line, gap: bool) -> bool:
        """Whether a text line continues the current paragraph or item."""
        if current is None or current.kind not in ("para", "item"):
            return False
        body = _line_body(line, self.text)
        so_far = self.tail(current).rstrip()
        if not gap:
            if current.kind == "item":
                # A wrapped item continues on an indented line or mid-sentence.
                return (line.indent > 0 or not _ends_sentence(so_far) or _starts_lower(body))
            return True
        # Across a blank line or a page break only a sentence cut in half is joined.
        if _ends_sentence(so_far) or so_far.endswith("*"):
            return False
        if _starts_lower(body):
            return True
        if current.kind == "item":
            return False
        last_line = so_far.rsplit("\n", 1)[-1].strip()
        return len(last_line) >= 60 or so_far.endswith((",", "(", "-", "–", "&"))

    def build(self) -> list[_Block]:
        current: Optional[_Block] = None
        gap = False
        for i, line in enumerate(self.lines):
            if self.skip_next:
                self.skip_next = False
                continue
            kind = line.kind
            if line.page_first and i > 0:
                gap = True
            if kind == "blank":
                gap = True
                continue
            if kind in ("rule", "separator"):
                current, gap = None, True
                continue
            if kind == "heading":
                current = self._add("heading", line)
                current, gap = None, True
                continue
            if kind == "row":
                current = self._add("row", line)
                current, gap = None, False
                continue
            if kind == "bullet" and current is not None and current.kind == "para" and not gap \
                    and re.match(r"^[ \t]*\(", line.raw) and _continues(self.tail(current)):
                self._extend(current, line)  # "... within seventy-two\n(72) hours": a wrap, not an item
                continue
            if kind in ("bullet", "clause"):
                body = _line_body(line, self.text)
                number = _marker_number(line.raw)
                if number is not None and self._numbered_heading(kind, number, body, i):
                    # "2. SCOPE OF SERVICES" or "3.1 Training" are headings, not items.
                    heading_block = self._add("heading", line)
                    if self.skip_next:
                        self._extend(heading_block, self.lines[i + 1])
                    current, gap = None, True
                    self.last_number = None
                    continue
                current = self._add("item" if kind == "bullet" else "para", line)
                current.list_level = line.indent
                if kind == "bullet":
                    self.last_number = number
                gap = False
                continue
            if kind == "field":
                if self.can_join(current, line, gap) and _starts_lower(_line_body(line, self.text)):
                    self._extend(current, line)
                else:
                    current = self._add("para", line)
                    current.kind = "field"
                gap = False
                continue
            # plain text
            if current is not None and current.kind == "field" and not gap \
                    and line.indent > 0 and _starts_lower(_line_body(line, self.text)):
                self._extend(current, line)
                continue
            ended = current is None or current.kind not in ("para", "item") or \
                _ends_sentence(self.tail(current))
            if ended and self.is_plain_heading(i, current, gap):
                # PDFs often have no blank line between a heading and its paragraph.
                self._add("heading", line)
                current = None
                self.last_number = None
            elif self.can_join(current, line, gap):
                self._extend(current, line)
            elif self.is_plain_heading(i, current, gap):
                self._add("heading", line)
                current = None
                self.last_number = None
            else:
                current = self._add("para", line)
                self.last_number = None
            gap = False
        return self.blocks

    def _numbered_heading(self, kind: str, number: int, body: str, i: int = -1) -> bool:
        if not _heading_shaped(body):
            # "3. Project Phases and" + "Milestones": a heading wrapped onto a second line
            nxt = self.lines[i + 1] if 0 <= i < len(self.lines) - 1 else None
            if not (nxt is not None and nxt.kind == "text" and _FUNCTION_END.search(body.strip())
                    and len(nxt.raw.split()) <= 4 and _heading_shaped(body + " " + nxt.raw.strip())):
                return False
            self.skip_next = True
        if kind == "clause":
            return _is_upper_line(body) or len(body.split()) <= 6
        continues = self.last_number is not None and number == self.last_number + 1
        starts_list = number == 1 and self._after_lead_in()
        if continues or starts_list:
            return False
        return _is_upper_line(body) or len(body.split()) <= 8

    def _after_lead_in(self) -> bool:
        for block in reversed(self.blocks):
            if block.kind == "heading":
                return False
            if block.kind == "item":
                return True
            return bool(_LEAD_IN_END.search(self.tail(block)))
        return False

    def _add(self, kind: str, line: _Line) -> _Block:
        body_end = line.end
        block = _Block(kind, line.body_start, body_end, [line])
        self.blocks.append(block)
        return block

    def _extend(self, block: _Block, line: _Line) -> None:
        block.lines.append(line)
        block.end = line.end


def _marker_number(raw: str) -> Optional[int]:
    m = re.match(r"^[ \t]*\(?[A-Z]?\.?(\d{1,3})(?:[.)]|\.\d|[ \t])", raw)
    return int(m.group(1)) if m else None


def split_sentences(text: str, start: int, end: int,
                    abbreviations: Iterable[str] = DEFAULT_ABBREVIATIONS) -> list[tuple[int, int]]:
    """Sentence spans in ``text[start:end]`` (absolute offsets, whitespace trimmed)."""
    abbreviations = abbreviations if isinstance(abbreviations, (set, frozenset)) else set(abbreviations)
    spans = []
    chunk = text[start:end]
    cut = 0
    for m in _SENTENCE_END.finditer(chunk):
        following = _NEXT_CHAR.match(chunk, m.end())
        if not following:
            continue
        nxt = following.group(1)
        if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘(•[-–"):
            continue
        if m.group(0).startswith(".") and len(m.group(0).rstrip("\"'”’)]")) == 1:
            # only the word before the stop matters: look back a bounded stretch
            word_m = _WORD_BEFORE.search(chunk, max(cut, m.start() - 60), m.start())
            word = word_m.group(1).lower() if word_m else ""
            if cut < m.start() - len(word) and chunk[m.start() - len(word) - 1] in "'’":
                word = ""  # "isn't." / "don't.": a contraction, not an initial
            if word in abbreviations or (len(word) == 1 and word.isalpha()):
                continue
            if re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):  # u.s, e.g, a.m
                continue
            if word.isdigit() and len(word) <= 2 and _NUMBER_LABEL.search(
                    chunk, max(cut, m.start() - len(word) - 30), m.start() - len(word)):
                continue
        spans.append((cut, m.end()))
        cut = m.end()
    spans.append((cut, len(chunk)))
    out = []
    for a, b in spans:
        piece = chunk[a:b]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        if piece.strip():
            out.append((start + a + lead, start + b - trail))
    return out


_SEMICOLON = re.compile(r";[\"'”’)\]]*+\s++")


def cap_span(text: str, start: int, end: int, limit: int = MAX_UNIT_CHARS) -> list[tuple[int, int]]:
    """``text[start:end]`` as spans of at most ``limit`` characters (whitespace trimmed).

    A span within the limit is kept whole. A longer one (a run-on list joined with
    semicolons, a text without full stops) is cut after each semicolon, and a piece still
    too long at the last space before the limit (at the limit itself when there is none).
    """
    if end - start <= limit:
        return [(start, end)]
    pieces, a = [], start
    for m in _SEMICOLON.finditer(text, start, end):
        pieces.append((a, m.start() + 1))
        a = m.end()
    pieces.append((a, end))
    out = []
    for a, b in pieces:
        while b - a > limit:
            lo, hi = a + limit // 2, a + limit
            cut = max(text.rfind(" ", lo, hi), text.rfind("\n", lo, hi), text.rfind("\t", lo, hi))
            cut = cut if cut > a else hi
            out.append((a, cut))
            a = cut
        out.append((a, b))
    trimmed = []
    for a, b in out:
        piece = text[a:b]
        lead, trail = len(piece) - len(piece.lstrip()), len(piece) - len(piece.rstrip())
        if a + lead < b - trail:
            trimmed.append((a + lead, b - trail))
    return trimmed


# Enumerations run on inside one sentence: "The Supplier shall (a) provide X, (b) do Y and
# (c) report Z", "warrants that (i) ... and (ii) ...", "... the following: 1) ...; 2) ...".
# Each item is a checkable commitment of its own (LABELLING.md: one entry per commitment).
# A sentence is cut only when the words before its list commit to something or end with
# ":" ("If either party discovers (a) ... or (b) ..." lists the cases of a condition).
_ENUM_MARKER = re.compile(
    r"(?:(?<=\s)|^)\((?P<p>[a-zA-Z]|[ivxIVX]{1,5}|\d{1,2})\)(?=\s+\S)"
    r"|(?:(?<=[:;,]\s)|^)(?P<b>[a-z]|[ivx]{1,5}|\d{1,2})[).](?=\s+\S)")
# The number words of the shared number grammar (quantities_numbers.json).
_NUMBER_WORD = "|".join(sorted((*number_grammar().units, *number_grammar().tens, *number_grammar().scales),
                               key=len, reverse=True))
_NUMBER_WORD_BEFORE = re.compile(rf"\b(?:{_NUMBER_WORD}|percent|dollars?|days?|hours?)\W*$|\d\s*$", re.I)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
          "xi": 11, "xii": 12}
_ITEM_JOINERS = ("and/or", "and", "or")
_LEAD_COMMITS = re.compile(r"\b(?:shall|will|must|agrees?|undertakes?|commits?|warrants?|guarantees?|represents?|"
                           r"provides?|includes?|offers?|ensures?|we['’]ll)\b|:\s*$", re.I)
_MIN_ENUM_SPAN = 60


def _item_end(piece: str) -> int:
    """Length of an enumerated item without the ", and" / "; or" that joins it to the next."""
    end = len(piece.rstrip(" \t\n\r\f,;\u00a0"))
    low = piece[:end].lower()
    for word in _ITEM_JOINERS:
        if low.endswith(word) and (end == len(word) or not low[end - len(word) - 1].isalnum()):
            return len(piece[:end - len(word)].rstrip(" \t\n\r\f,;\u00a0"))
    return end


def _marker_values(token: str) -> list[tuple[str, int]]:
    """The (style, position) readings of a marker: "b" -> letter 2; "i" -> letter 9 or roman 1."""
    out = []
    if token.isdigit():
        out.append(("digit", int(token)))
    else:
        low = token.lower()
        case = "upper" if token.isupper() else "lower"
        if low in _ROMAN:
            out.append((f"roman-{case}", _ROMAN[low]))
        if len(low) == 1:
            out.append((f"letter-{case}", ord(low) - 96))
    return out


def enumeration(text: str, start: int, end: int, lead_must_commit: bool = False) -> list[tuple[int, int]]:
    """Spans of the items of an enumeration run on in ``text[start:end]``, after its lead-in.

    lead_must_commit: only when the words before the list commit to something or end
        with ":" (see ``_LEAD_COMMITS``).

    RETURNS [] when the span holds no enumeration of at least two items in order (a, b…;
    i, ii…; A, B…; 1, 2…), else [(lead-in start, lead-in end), (item start, item end), ...]
    with the lead-in span empty (start == end) when the enumeration opens the sentence.
    Item spans leave out their marker and a trailing ", and" / "; or". Markers inside an
    item that do not continue the sequence (a nested "(i)" inside "(a)") stay in the item.
    """
    if end - start < _MIN_ENUM_SPAN or "(" not in text[start:end] and ")" not in text[start:end] \
            and "." not in text[start:end]:
        return []
    markers = []
    for m in _ENUM_MARKER.finditer(text, start, end):
        token = m.group("p") or m.group("b")
        if token.isdigit() and _NUMBER_WORD_BEFORE.search(text, max(start, m.start() - 20), m.start()):
            continue  # "thirty (30) days", "five (5)": a number spelt twice, not an item
        markers.append((m.start(), m.end(), "p" if m.group("p") else "b", _marker_values(token)))
    best: list = []
    for i, (_, _, shape, values) in enumerate(markers):
        for style, value in values:
            if value != 1:
                continue
            chain, want = [markers[i]], 2
            for other in markers[i + 1:]:
                if other[2] == shape and (style, want) in other[3]:
                    chain.append(other)
                    want += 1
            if len(chain) >= 2 and (not best or chain[0][0] < best[0][0] or
                                    chain[0][0] == best[0][0] and len(chain) > len(best)):
                best = chain
    if not best:
        return []
    spans = [(start, best[0][0])]
    for n, (_, body, _, _) in enumerate(best):
        stop = best[n + 1][0] if n + 1 < len(best) else end
        piece = text[body:stop]
        stop = body + (_item_end(piece) if n + 1 < len(best) else len(piece.rstrip()))
        lead = len(piece) - len(piece.lstrip())
        if len(text[body + lead:stop].split()) < 2:
            return []  # "each of (a) and (b)": a reference to items, not items
        spans.append((body + lead, stop))
    lead_piece = text[start:best[0][0]]
    if lead_must_commit and not _LEAD_COMMITS.search(lead_piece.rstrip()):
        return []  # "If either party discovers (a) ... or (b) ...": a condition, not a list of promises
    spans[0] = (start, start + len(lead_piece.rstrip())) if lead_piece.strip() else (start, start)
    return spans


# A sentence with two clocks gives two promises (LABELLING.md): "An engineer will respond
# within 15 minutes and be on site within 4 hours". It is cut before the "and" / "or" that
# joins a stretch with a clock ("within 15 minutes") to the next one. (Cutting at every
# coordinated verb, "will build the app, will assist the Client and will host it", and at
# semicolons was tried and scored lower on the corpus; see README, 8 December.)
_CLOCK_NUMBER = rf"(?:\d|an?\b|{_NUMBER_WORD})"
_CLOCK_JOIN = re.compile(r"(?:,\s*|\s+)(?:and|or)\s+(?=(?:[\w-]+\s+){1,8}?within\s+" + _CLOCK_NUMBER + ")")
_CLOCK = re.compile(r"\bwithin\s+" + _CLOCK_NUMBER, re.I)
_OWN_SUBJECT = re.compile(r"(?:[\w'’-]+\s+){1,4}?(?:shall|will|must)\b", re.I)
_MIN_CLAUSE_WORDS = 3


def clauses(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """``text[start:end]`` cut between its clocks (see ``_CLOCK_JOIN``): (start, end,
    shares the first part's subject) for each part; one part when there is no second
    clock. A part shorter than three words is not cut off."""
    if end - start < 40 or "within" not in text[start:end]:
        return [(start, end, False)]
    spans, a = [], start
    for m in _CLOCK_JOIN.finditer(text, start, end):
        head = text[a:m.start()]
        if _CLOCK.search(head) and len(head.split()) >= _MIN_CLAUSE_WORDS \
                and len(text[m.end():end].split()) >= _MIN_CLAUSE_WORDS:
            spans.append((a, a + len(head.rstrip(" \t\n,")), a != start))
            a = m.end()
    if not spans:
        return [(start, end, False)]
    spans.append((a, end, True))
    # a part that names its own subject ("... and our engineer will be on site within 4 hours")
    # does not share the first part's
    return [(c, d, shares and not _OWN_SUBJECT.match(text, c, d)) for c, d, shares in spans]


def _row_quote(text: str, line: _Line) -> tuple[int, int, tuple[str, ...]]:
    raw = text[line.start:line.end]
    left = len(raw) - len(raw.lstrip(" \t|"))
    right = len(raw.rstrip(" \t|"))
    inner = raw[left:right]
    cells = tuple(c.strip() for c in inner.split("|"))
    return line.start + left, line.start + right, cells


def _clean_heading(text: str) -> str:
    text = _MD_HEADING.sub("", text)
    text = re.sub(r"^\s*(?:\d{1,2}(?:\.\d{1,3})*\.?|[A-Z]\.|[ivx]+\.)\s+", "", text)
    text = re.sub(r"^\s*\d{1,3}\s*[|:\u2013\u2014-]\s*", "", text)  # "02 | What you get"
    return text.strip().strip("*_#: ").strip()


def _header_for(row_start: int, cells: tuple[str, ...], tables: Sequence[tuple[tuple[str, ...], set]]):
    """The known table header for a row; None when the row is itself a known header."""
    for header, starts in tables:
        if row_start in starts:
            return header
    for header, _ in tables:
        if header and tuple(c.strip() for c in header) == cells:
            return None
    return ()


# Filed contracts often come as one long line per page, the line breaks flattened into
# runs of spaces: "...;     2.5 provide a defect book;     2.6 provide a hotline". A run of
# 3+ spaces before a clause number, or 4+ after the end of a sentence or a bracket, was
# a line break. Sub-clauses run on after a semicolon ("(a) ...; (b) ...") are items too.
_FLAT_CLAUSE = re.compile(r"(?<=\S)[ \t]{3,}(?=(?:\d{1,2}(?:\.\d{1,3})+\.?|\(?[a-z]\)|\([ivx]{1,4}\)|\d{1,2}\.)[ \t]+\S)")
_FLAT_BREAK = re.compile(r"(?<=[.;:)\]])[ \t]{4,}(?=[A-Z(\[\d])")
_INLINE_BULLET = re.compile(r"(?<=\S)[ \t]+(?=[\u25cf\u2022\u25aa\u25e6\u00b7][ \t]+\S)"
                            r"|(?<=\S)[ \t]{2,}(?=-[ \t]+[A-Z])")  # "Features include:   - Access ..."
_RUN_ON_SUBCLAUSE = re.compile(r"(?<=;)[ \t]+(?:and[ \t]+|or[ \t]+)?(?=\((?:[a-z]|[ivx]{1,4})\)[ \t]+\S)")
# HTML inside Markdown: block tags end a line, <li> starts a list item; tags are blanked.
_HTML_TAG = re.compile(r"</?(?:li|p|br|div|h[1-6]|ul|ol|tr|td|th|table|span|strong|b|em|i|a|u|section)\b[^<>\n]{0,200}?/?>",
                       re.I)


def _with_breaks(text: str) -> str:
    """The text with flattened line breaks and HTML tags turned back into layout, and
    typographic spaces as plain ones, character for character (same length), so offsets
    into the original still hold."""
    text = text.translate(_SPACES)
    chars = None

    def put(pos: int, piece: str) -> None:
        nonlocal chars
        if chars is None:
            chars = list(text)
        chars[pos:pos + len(piece)] = piece

    if "<" in text:
        for m in _HTML_TAG.finditer(text):
            tag = m.group(0)
            name = re.match(r"</?(\w+)", tag).group(1).lower()
            if name == "li" and not tag.startswith("</") and len(tag) >= 3:
                put(m.start(), "\n-" + " " * (len(tag) - 2))
            elif name in ("li", "p", "br", "div", "ul", "ol", "tr", "table", "section") or name[0] == "h" and name[1:].isdigit():
                put(m.start(), "\n" + " " * (len(tag) - 1))
            else:
                put(m.start(), " " * len(tag))
    for pattern in (_FLAT_CLAUSE, _FLAT_BREAK, _INLINE_BULLET):
        for m in pattern.finditer(text):
            put(m.end() - 1, "\n")
    for m in _RUN_ON_SUBCLAUSE.finditer(text):
        put(m.end() - 1, "\n")
    return "".join(chars) if chars is not None else text


def segment(text: str, page_starts: Sequence[int] = (0,),
            tables: Sequence[tuple[tuple[str, ...], set]] = (),
            abbreviations: Iterable[str] = DEFAULT_ABBREVIATIONS,
            max_unit: int = MAX_UNIT_CHARS) -> list[Unit]:
    """Split a proposal's text into units.

    text (str): the whole document text (pages joined with "\\n\\n").
    page_starts (list[int]): offset of each page in ``text``; a page break mid-sentence
        is joined like a line wrap.
    tables (list): known tables as (header cells, set of row start offsets);
        rows of other pipe-table lines take the group's first row as header when it
        holds no digits.
    max_unit (int): the longest unit; longer ones are cut (see ``cap_span``).
    RETURNS (list[Unit]): in document order.
    """
    text = _with_breaks(text)
    lines = _split_lines(text, page_starts)
    blocks = _Layout(text, lines).build()
    units: list[Unit] = []
    heading = ""
    lead_in: Optional[int] = None
    pipe_header: Optional[tuple[str, ...]] = None
    prev_kind = None
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            heading = _clean_heading(text[block.start:block.end])
            lead_in = None
            prev_kind = "heading"
            continue
        if block.kind == "row" and block.end - block.start > max_unit:
            block.kind = "para"  # not a table row but a long text with bars in it
        if block.kind == "row":
            line = block.lines[0]
            start, end, cells = _row_quote(text, line)
            known = _header_for(line.start, cells, tables)
            if known is None:  # the header line of a known table
                pipe_header = cells
                prev_kind = "row"
                continue
            if known:
                header = known
            else:
                if prev_kind != "row":
                    pipe_header = None
                    if not any(ch.isdigit() for ch in "".join(cells)) and all(len(c) < 40 for c in cells):
                        pipe_header = cells
                        prev_kind = "row"
                        continue
                header = pipe_header or ()
            if start < end:
                units.append(Unit(start, end, "row", index, heading=heading,
                                  table=TableInfo(tuple(header), cells), text=flat(text[start:end])))
            prev_kind = "row"
            continue
        kind = "item" if block.kind == "item" else "sentence"
        if block.kind != "item":
            lead_in = None
        first_index = len(units)
        for a, b in split_sentences(text, block.start, block.end, abbreviations):
            _add_units(units, text, a, b, kind, index, heading, lead_in if kind == "item" else None,
                       first_index, max_unit)
        if block.kind != "item" and units and len(units) > first_index:
            last = units[-1]
            if _LEAD_IN_END.search(last.text):
                lead_in = len(units) - 1
        prev_kind = block.kind
    _mark_lead_ins(units, blocks)
    return units


def _add_units(units: list, text: str, a: int, b: int, kind: str, block: int, heading: str,
               lead_in: Optional[int], first_index: int, max_unit: int, depth: int = 0,
               subject_unit: Optional[int] = None, part: str = "") -> None:
    """Append the units of the sentence ``text[a:b]``: itself (cut to ``max_unit``), or,
    when it runs on an enumeration, its lead-in and one item per enumerated commitment
    (enumerations nested in items are split too, two levels deep), or, when it has two
    clocks, one unit per clock (see ``clauses``); a part without its own subject ("... and
    be on site within 4 hours") points to the first part."""
    def add(c: int, d: int, subject: Optional[int] = None) -> None:
        for e, f in cap_span(text, c, d, max_unit):
            units.append(Unit(e, f, kind, block, first=len(units) == first_index, lead_in=lead_in,
                              heading=heading, text=flat(text[e:f]), subject_unit=subject, part=part))

    # a sentence of its own, or an item of a bulleted list, lists promises only after a
    # commitment; an item inside an enumeration may hold a list of its own
    under_lead_in = depth > 0 or (lead_in is not None and kind == "item")
    parts = enumeration(text, a, b, lead_must_commit=not under_lead_in) if depth < 3 else []
    if not parts:
        pieces = clauses(text, a, b) if depth < 3 else [(a, b, False)]
        if len(pieces) > 1:
            head = len(units)
            for c, d, shares in pieces:
                _add_units(units, text, c, d, kind, block, heading, lead_in, first_index, max_unit, 3,
                           head if shares else subject_unit, part or "clause")
            return
        add(a, b, subject_unit)
        return
    (la, lb), items = parts[0], parts[1:]
    if lb > la:
        add(la, lb)
        lead_in = len(units) - 1
    for ia, ib in items:
        _add_units(units, text, ia, ib, "item", block, heading, lead_in, first_index, max_unit, depth + 1,
                   part="enumerated")


def _mark_lead_ins(units: list[Unit], blocks: list[_Block]) -> None:
    for unit in units:
        if unit.lead_in is not None:
            units[unit.lead_in].is_lead_in = True
    # "The following service levels apply:" followed by a table introduces it too.
    for i, unit in enumerate(units[:-1]):
        if units[i + 1].kind == "row" and unit.kind != "row" and _LEAD_IN_END.search(unit.text):
            unit.is_lead_in = True


def flat(text: str) -> str:
    """The text with line breaks and tabs as spaces (same length, so offsets still hold)."""
    return text.translate(_FLAT)


def page_of(offset: int, page_starts: Sequence[int]) -> int:
    """0-based index of the page holding ``offset``."""
    return max(0, bisect.bisect_right(page_starts, offset) - 1)

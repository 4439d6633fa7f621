"""Run the pipeline over Documents and turn candidates into ``Promise`` objects."""
from __future__ import annotations

import bisect
import time
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

from ..errors import LimitError
from ..models import Document, Promise
from ..read.limits import DEFAULT_LIMITS, Limits
from . import segment
from .components import DOC_TEXT, Context

HEAD_CHARS = 20000
PAGE_CHARS = 3000  # a dense page, for the time limit on a long page of a text or Word file


def _normalise_item(item):
    if isinstance(item, Document):
        return item, None, None
    document, *rest = item
    rest = list(rest) + [None, None]
    return document, rest[0], rest[1]


@dataclass(frozen=True)
class Piece:
    """A stretch of one page read in a chunk: ``text`` is ``page.text[offset:offset +
    len(text)]`` of ``document.pages[page]``."""

    page: int
    offset: int
    text: str


@dataclass(frozen=True)
class Chunk:
    """Pieces of pages read as one spaCy Doc, joined with a blank line like
    ``Document.text``; ``starts`` are the pieces' offsets in that text."""

    pieces: tuple[Piece, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(piece.text for piece in self.pieces)

    @property
    def starts(self) -> list[int]:
        out, pos = [], 0
        for piece in self.pieces:
            out.append(pos)
            pos += len(piece.text) + 2
        return out

    @property
    def pages(self) -> list[int]:
        return sorted({piece.page for piece in self.pieces})


def whole(document: Document) -> Chunk:
    """The whole document as one chunk (every page from its start)."""
    return Chunk(tuple(Piece(i, 0, page.text) for i, page in enumerate(document.pages)))


def chunks(document: Document, size: int) -> list[Chunk]:
    """The document in chunks of at most ``size`` characters: whole pages while they fit
    (the whole document when it fits), a longer page cut at paragraph breaks, else line
    breaks, else between words."""
    if sum(len(page.text) + 2 for page in document.pages) <= size + 2:
        return [whole(document)]
    out, current, length = [], [], 0
    for index, page in enumerate(document.pages):
        for piece in _cut_page(index, page.text, size):
            if current and length + 2 + len(piece.text) > size:
                out.append(Chunk(tuple(current)))
                current, length = [], 0
            length += (2 if current else 0) + len(piece.text)
            current.append(piece)
    if current:
        out.append(Chunk(tuple(current)))
    return out


def _cut_page(index: int, text: str, size: int) -> list[Piece]:
    pieces, start = [], 0
    while len(text) - start > size:
        window = text[start + size // 2:start + size]
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut >= 0:
                end, resume = start + size // 2 + cut, start + size // 2 + cut + len(separator)
                break
        else:
            end = resume = start + size
        pieces.append(Piece(index, start, text[start:end]))
        start = resume
    pieces.append(Piece(index, start, text[start:]))
    return pieces


def prepare(nlp, document: Document, document_date=None, locale=None, chunk: Optional[Chunk] = None,
            limits: Limits = DEFAULT_LIMITS, parties=None):
    """A spaCy Doc for the document (or one chunk of it), with its page layout in
    ``doc._.pa_context``. parties: the seller and customer found in an earlier chunk."""
    from .dates import detect_document_date, detect_locale

    chunk = chunk or whole(document)
    text = chunk.text
    page_starts = chunk.starts
    tables = []
    for piece, start in zip(chunk.pieces, page_starts):
        for table in document.pages[piece.page].tables:
            rows = {start + row.start - piece.offset for row in table.rows
                    if piece.offset <= row.start < piece.offset + len(piece.text)}
            tables.append((tuple(table.header), rows))
    # The date and the date style show on the first pages; read the rest only if needed.
    head = text[:HEAD_CHARS]
    if document_date is None:
        document_date = detect_document_date(head) or (detect_document_date(text) if len(text) > HEAD_CHARS else None)
    if locale is None:
        locale = detect_locale(head) or (detect_locale(text) if len(text) > HEAD_CHARS else None)
    # Phrases wrap across lines in PDFs ("Account\nManager"): spaCy sees spaces, while the
    # segmenter reads the line breaks from the context. Offsets are unchanged.
    flat = segment.flat(text)
    doc = nlp.make_doc(flat)
    # spaCy's tokenizer keeps every character, so the Doc's text is the text it was given
    # (``doc.text`` joins every token's text again each time it is read).
    doc.user_data[DOC_TEXT] = flat
    doc._.pa_context = Context(page_starts, tables, document_date, locale, text,
                               max_unit_chars=limits.max_unit_chars, parties=parties)
    return doc


def process(nlp, document: Document, document_date=None, locale=None,
            limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple]:
    """Run the pipeline over a document chunk by chunk (see ``chunks``).

    YIELDS (Doc, Chunk): each processed chunk, in order. RAISES LimitError when a chunk
    takes longer than ``limits.seconds_per_page`` a page.
    """
    from .dates import detect_document_date, detect_locale

    size = min(limits.chunk_chars, nlp.max_length)
    parts = chunks(document, size)
    if len(parts) > 1:  # settle the date and the date style once, from the first pages
        head = document.text[:HEAD_CHARS]
        document_date = document_date or detect_document_date(head)
        locale = locale or detect_locale(head)
    parties = None
    for chunk in parts:
        started = time.monotonic()
        doc = nlp(prepare(nlp, document, document_date, locale, chunk, limits, parties))
        parties = doc._.pa_parties
        _check_time(document, chunk, time.monotonic() - started, limits)
        yield doc, chunk


def _check_time(document: Document, chunk: Chunk, seconds: float, limits: Limits) -> None:
    # A page of a text or Word file can be the whole file: count 3,000 characters a page.
    pages = max(len(chunk.pages), sum(len(piece.text) for piece in chunk.pieces) / PAGE_CHARS)
    if seconds > limits.seconds_per_page * pages:
        numbers = [document.pages[i].number for i in chunk.pages]
        where = f"page {numbers[0]}" if len(numbers) == 1 else f"pages {numbers[0]}-{numbers[-1]}"
        raise LimitError(f"{document.name}: {where} took more than {limits.seconds_per_page:g} "
                         "seconds a page to read (damaged, or made to be slow?); re-export it "
                         "from the original")


def to_promises(doc, document: Document, version: str, chunk: Optional[Chunk] = None) -> list[Promise]:
    """The candidates of a processed Doc (of ``chunk``, default the whole document) as
    Promises with exact page quotes."""
    chunk = chunk or whole(document)
    starts = doc._.pa_context.page_starts
    out = []
    for cand in doc._.pa_candidates or []:
        unit, judgement, params = cand.unit, cand.judgement, cand.params
        index = max(0, bisect.bisect_right(starts, unit.start) - 1)
        piece = chunk.pieces[index]
        page = document.pages[piece.page]
        begin = unit.start - starts[index]
        # A quote that runs onto the next page is clipped at the end of its first page.
        end = min(unit.end - starts[index], len(piece.text))
        quote = piece.text[begin:end].rstrip()
        begin += piece.offset
        end = begin + len(quote)
        if not quote:
            continue
        reason = judgement.reason
        if unit.end - starts[index] > len(piece.text) and index + 1 < len(chunk.pieces) \
                and chunk.pieces[index + 1].page != piece.page:
            reason += f"; the sentence continues on page {document.pages[chunk.pieces[index + 1].page].number}"
        out.append(Promise(
            text=quote, source=document.name, page=page.number, start=begin, end=end,
            category=judgement.category, due=params.due, within_days=params.within_days,
            business_days=params.business_days, anchor=params.anchor, recurrence=params.recurrence,
            quantity=params.quantity, unit=params.unit, threshold=params.threshold,
            threshold_unit=params.threshold_unit, direction=params.direction,
            strength=judgement.strength, condition=judgement.condition, rule=judgement.rule,
            confidence=judgement.confidence, reason=reason, extractor_version=version,
            series_end=params.series_end if params.recurrence else None,
            names_go_live=params.names_go_live,
            tier=params.tier,
            measures=params.measures,
            about_incidents=params.about_incidents,
            series_start=params.series_start,
            period_due_days=params.period_due_days,
            period_due_from=params.period_due_from,
            period_due_business=params.period_due_business,
            action=params.action if params.quantity is not None else None,
        ))
    out.sort(key=lambda p: (p.page, p.start))
    return out


def run_documents(items: Iterable, nlp, version: str,
                  limits: Limits = DEFAULT_LIMITS) -> Iterator[list[Promise]]:
    """The promises of each document (or (document, date, locale) item), in order."""
    for item in items:
        document, document_date, locale = _normalise_item(item)
        if document.outcome != "parsed" or not document.pages:
            yield []
            continue
        promises = []
        for doc, chunk in process(nlp, document, document_date, locale, limits):
            promises.extend(to_promises(doc, document, version, chunk))
        promises.sort(key=lambda p: (p.page, p.start))
        yield promises

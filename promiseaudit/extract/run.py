"""Run the pipeline over Documents and turn candidates into ``Promise`` objects."""
from __future__ import annotations

import bisect
from typing import Iterable, Iterator

from ..models import Document, Promise
from . import segment
from .components import Context


HEAD_CHARS = 20000


def _normalise_item(item):
    if isinstance(item, Document):
        return item, None, None
    document, *rest = item
    rest = list(rest) + [None, None]
    return document, rest[0], rest[1]


def prepare(nlp, document: Document, document_date=None, locale=None):
    """A spaCy Doc for the whole document, with its page layout in ``doc._.pa_context``."""
    from .dates import detect_document_date, detect_locale

    texts = [page.text for page in document.pages]
    text = "\n\n".join(texts)
    page_starts, pos = [], 0
    for t in texts:
        page_starts.append(pos)
        pos += len(t) + 2
    tables = []
    for page, start in zip(document.pages, page_starts):
        for table in page.tables:
            tables.append((tuple(table.header), {start + row.start for row in table.rows}))
    # The date and the date style show on the first pages; read the rest only if needed.
    head = text[:HEAD_CHARS]
    if document_date is None:
        document_date = detect_document_date(head) or (detect_document_date(text) if len(text) > HEAD_CHARS else None)
    if locale is None:
        locale = detect_locale(head) or (detect_locale(text) if len(text) > HEAD_CHARS else None)
    # Phrases wrap across lines in PDFs ("Account\nManager"): spaCy sees spaces, while the
    # segmenter reads the line breaks from the context. Offsets are unchanged.
    doc = nlp.make_doc(segment.flat(text))
    doc._.pa_context = Context(page_starts, tables, document_date, locale, text)
    return doc


def to_promises(doc, document: Document, version: str) -> list[Promise]:
    """The candidates of a processed Doc as Promises with exact page quotes."""
    starts = doc._.pa_context.page_starts
    out = []
    for cand in doc._.pa_candidates or []:
        unit, judgement, params = cand.unit, cand.judgement, cand.params
        index = max(0, bisect.bisect_right(starts, unit.start) - 1)
        page = document.pages[index]
        begin = unit.start - starts[index]
        # A quote that runs onto the next page is clipped at the end of its first page.
        end = min(unit.end - starts[index], len(page.text))
        quote = page.text[begin:end].rstrip()
        end = begin + len(quote)
        if not quote:
            continue
        reason = judgement.reason
        if unit.end - starts[index] > len(page.text) and index + 1 < len(document.pages):
            reason += f"; the sentence continues on page {document.pages[index + 1].number}"
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


def run_documents(items: Iterable, nlp, batch_size: int, version: str) -> Iterator[list[Promise]]:
    prepared = []
    for item in items:
        document, document_date, locale = _normalise_item(item)
        if document.outcome != "parsed" or not document.pages:
            prepared.append((document, None))
        else:
            prepared.append((document, prepare(nlp, document, document_date, locale)))
    docs = [doc for _, doc in prepared if doc is not None]
    processed = iter(nlp.pipe(docs, batch_size=batch_size))
    for document, doc in prepared:
        if doc is None:
            yield []
        else:
            yield to_promises(next(processed), document, version)

"""The extract stage: find the seller's promises in a Document.

    nlp = build_nlp()                    # once
    promises = extract(document, nlp)    # for each document

spaCy is imported only here (and lazily): ``import promiseaudit`` stays light.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Iterable, Iterator, Optional

from ..models import Document, Promise
from ..read.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

EXTRACTOR_VERSION = "2.0.0"

__all__ = ["EXTRACTOR_VERSION", "build_nlp", "extract", "extract_many", "extractor_version"]


def build_nlp(model: Optional[str] = None, keep_features: bool = False) -> "Language":
    """spacy.blank("en") with the promise-finding components. ``model``: None for the
    trained model shipped in the package, "rules" for the rules alone, or a model folder
    written by ``promiseaudit train``. ``keep_features`` keeps each unit's feature text
    (``doc._.pa_features``) for training. Build it once and reuse it."""
    from .pipeline import build_nlp as _build

    return _build(model, keep_features)


def extract(document: Document, nlp: Optional["Language"] = None, document_date: Optional[date] = None,
            locale: Optional[str] = None, limits: Limits = DEFAULT_LIMITS) -> list[Promise]:
    """The promises in one document, in reading order.

    document (Document): as returned by ``read_document``; only "parsed" documents have
        promises.
    nlp (Language | None): from ``build_nlp``; built on the fly when None (slow).
    document_date, locale: detected from the text when not given, so that year-less
        dates ("by 31 May") and numeric dates ("03/04/2027") resolve.
    limits (Limits): a long document is read in chunks of ``limits.chunk_chars``
        (page by page), sentences are cut at ``limits.max_unit_chars``, and a chunk
        slower than ``limits.seconds_per_page`` a page raises LimitError.
    RETURNS (list[Promise]): quotes are exact substrings of ``Page.text``.
    """
    return next(extract_many([(document, document_date, locale)], nlp, limits))


def extract_many(items: Iterable, nlp: Optional["Language"] = None,
                 limits: Limits = DEFAULT_LIMITS) -> Iterator[list[Promise]]:
    """Extract several documents, one after the other (each chunk by chunk, see ``extract``).

    items: Documents, or (document, document_date, locale) tuples.
    YIELDS (list[Promise]): one list per document, in order.
    """
    from .run import run_documents

    if nlp is None:
        nlp = build_nlp()
    yield from run_documents(items, nlp, extractor_version(nlp), limits)


def extractor_version(nlp: "Language") -> str:
    """The version stored on every promise: the code's version plus the trained model's
    (a hash of its training data and config), or "-rules" when the rules decide alone."""
    decider = nlp.get_pipe("promiseaudit_commitments").decider
    return f"{EXTRACTOR_VERSION}+{decider[1]['version']}" if decider else f"{EXTRACTOR_VERSION}-rules"

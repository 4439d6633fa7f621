"""What one proposal may cost to read and extract.

A hostile or broken file (a Word "zip bomb", a million empty paragraphs, one endless
sentence) must not take the machine down or stall a batch. Every limit is here, in one
frozen dataclass that callers pass down explicitly (``read_document(..., limits=...)``,
``extract(..., limits=...)``, ``ingest_files(..., limits=...)``); ``DEFAULT_LIMITS`` is
what the command line uses. The README's "Limits and hostile files" lists them.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits", "DEFAULT_LIMITS", "size_in_words"]

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Limits on one document.

    max_file_bytes (int): the size of the file on disk.
    max_pages (int): pages of a PDF, or form-feed pages of a text file.
    max_chars (int): characters of text in the whole document.
    max_unpacked_bytes (int): a .docx's parts once decompressed, altogether, as the zip
        declares them (checked before anything is decompressed).
    max_ratio (int): how many times larger than its compressed size a part of a .docx
        over one megabyte may be (ordinary Word files stay well under 20).
    max_paragraphs (int): paragraphs in a .docx (counted before the XML is parsed).
    seconds_per_page (float): time to read or extract one page, on average over the
        pages read together.
    chunk_chars (int): how much text the extractor reads at a time; longer documents
        are read page by page (a longer page, paragraph by paragraph).
    max_unit_chars (int): the longest sentence judged as one; a longer one is cut at
        semicolons, then between words, so no quote is longer.
    """

    max_file_bytes: int = 200 * MB
    max_pages: int = 5_000
    max_chars: int = 20_000_000
    max_unpacked_bytes: int = 200 * MB
    max_ratio: int = 100
    max_paragraphs: int = 200_000
    seconds_per_page: float = 60.0
    chunk_chars: int = 200_000
    max_unit_chars: int = 3_000


DEFAULT_LIMITS = Limits()


def size_in_words(size: int) -> str:
    """A size in bytes as people say it: "3,840 MB", "12 KB"."""
    if size >= MB:
        return f"{size / MB:,.0f} MB"
    return f"{max(size, 1) / 1024:,.0f} KB" if size >= 1024 else f"{size:,} bytes"

"""The read stage: turn a proposal file (PDF, .txt, .md, .docx) into a ``Document``.

``read_document`` picks the reader by the file's suffix. The heavy libraries
(pypdfium2, pdfplumber, python-docx) are imported only when a file needs them.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Optional

from ..errors import LimitError, ReadError
from ..models import Document
from .limits import DEFAULT_LIMITS, Limits, size_in_words

__all__ = ["read_document", "check_path", "sha256_file", "SUPPORTED_SUFFIXES", "Limits",
           "DEFAULT_LIMITS", "too_large"]

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md", ".markdown", ".docx")
_KINDS = {".pdf": "pdf", ".txt": "txt", ".md": "md", ".markdown": "md", ".docx": "docx"}


def sha256_file(path) -> str:
    """The SHA-256 hex digest of a file's bytes (read in chunks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_path(path) -> Path:
    """Fail at once, with advice, for a file promiseaudit cannot read: missing, a folder,
    an old .doc, or an unsupported type. RETURNS the path."""
    given = os.fspath(path)
    file = Path(given)
    suffix = file.suffix.lower()
    if not file.exists():
        raise ReadError(f"{given}: file not found; check the path and try again")
    if file.is_dir():
        raise ReadError(f"{given}: is a folder, not a file; check the path and try again")
    if suffix == ".doc":
        raise ReadError(f"{file.name}: an old-format Word file (.doc); open it in Word and "
                        "save it as .docx, or export it as PDF")
    if suffix not in _KINDS:
        raise ReadError(
            f"{file.name}: unsupported file type '{file.suffix or '(none)'}'; "
            "promiseaudit reads PDF, .txt, .md and .docx proposals"
        )
    return file


def too_large(name: str, what: str, limit: str, option: Optional[str] = None) -> str:
    """The one-line message for a document over one of its ``Limits``: ``what`` it has
    and the ``limit``, both in words ("the PDF has 6,000 pages", "5,000 pages"); option:
    the ``ingest`` option that raises this limit, for a genuine document that large."""
    raise_it = f", or raise the limit with `ingest {option}`" if option else ""
    return (f"{name}: {what}; promiseaudit reads at most {limit} in one document, so split "
            f"it into smaller files{raise_it}")


def read_document(path, password: Optional[str] = None, strict: bool = True,
                  limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read one proposal file.

    path (str | Path): a .pdf, .txt, .md/.markdown or .docx file.
    password (str | None): opens a password-protected PDF.
    strict (bool): raise ReadError for an encrypted, scanned, damaged or too large file;
        when False, return a Document with no pages whose ``outcome`` says what went wrong.
    limits (Limits): what the document may cost (size, pages, characters, time).
    RETURNS (Document): pages with normalised text and tables; ``path`` is absolute,
        ``sha256`` is the digest of the file's bytes.
    """
    file = check_path(path)
    kind = _KINDS[file.suffix.lower()]
    absolute = os.path.abspath(os.fspath(path))
    try:
        size = file.stat().st_size
        if size > limits.max_file_bytes:
            message = too_large(file.name, f"the file has {size_in_words(size)}",
                                size_in_words(limits.max_file_bytes), "--max-size")
            if strict:
                raise LimitError(message)
            return Document(path=absolute, name=file.name, kind=kind, sha256=sha256_file(file),
                            pages=(), outcome="too_large", outcome_detail=message)
        data = file.read_bytes()
    except OSError as e:
        raise ReadError(f"{file.name}: cannot be opened ({e.strerror or e}); "
                        "check that the file is readable") from None
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        document = _read(absolute, data, file.name, sha256, kind, password, strict, limits)
        chars = sum(len(page.text) for page in document.pages)
        if chars > limits.max_chars:
            raise LimitError(too_large(file.name, f"the text has {chars:,} characters",
                                       f"{limits.max_chars:,} characters"))
    except LimitError as e:
        if strict:
            raise
        return Document(path=absolute, name=file.name, kind=kind, sha256=sha256, pages=(),
                        outcome="too_large", outcome_detail=str(e))
    return document


def _read(absolute: str, data: bytes, name: str, sha256: str, kind: str,
          password: Optional[str], strict: bool, limits: Limits) -> Document:
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(absolute, data, name, sha256, password=password, strict=strict,
                        limits=limits)
    if kind == "docx":
        from .docx import read_docx

        return read_docx(absolute, data, name, sha256, strict=strict, limits=limits)
    from .text import read_text

    return read_text(absolute, data, name, sha256, kind, limits=limits)

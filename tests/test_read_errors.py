"""Files the reader refuses, and what it tells the user (promiseaudit.read)."""
import zipfile
from pathlib import Path

import pytest

from promiseaudit.errors import ReadError
from promiseaudit.read import SUPPORTED_SUFFIXES, read_document

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad"

ENCRYPTED = "encrypted.pdf: the PDF is password-protected; export an unprotected copy or pass --password"
SCANNED = ("scanned.pdf: the PDF has no text layer (scanned image?); "
           "run it through OCR first or use the original document")
TRUNCATED = "truncated.pdf: the PDF is cut short (damaged); re-export it from the original"
NOT_A_PDF = "not_a_pdf.pdf: the file is damaged or not a PDF; re-export it from the original"


def message(path, **kwargs) -> str:
    with pytest.raises(ReadError) as error:
        read_document(path, **kwargs)
    return str(error.value)


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == (".pdf", ".txt", ".md", ".markdown", ".docx")


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere" / "proposal.pdf"
    assert message(path) == f"{path}: file not found; check the path and try again"


def test_folder_instead_of_file(tmp_path):
    folder = tmp_path / "proposals.pdf"
    folder.mkdir()
    assert message(folder) == f"{folder}: is a folder, not a file; check the path and try again"


def test_unsupported_type():
    assert message(BAD / "proposal.rtf") == (
        "proposal.rtf: unsupported file type '.rtf'; promiseaudit reads PDF, .txt, .md and .docx proposals")


def test_no_suffix(tmp_path):
    path = tmp_path / "README"
    path.write_text("hello")
    assert message(path) == (
        "README: unsupported file type '(none)'; promiseaudit reads PDF, .txt, .md and .docx proposals")


@pytest.mark.parametrize("strict", [True, False])
def test_unsupported_and_missing_raise_even_when_not_strict(tmp_path, strict):
    with pytest.raises(ReadError):
        read_document(BAD / "proposal.rtf", strict=strict)
    with pytest.raises(ReadError):
        read_document(tmp_path / "missing.txt", strict=strict)


@pytest.mark.parametrize(
    "name, outcome, text",
    [
        ("encrypted.pdf", "encrypted", ENCRYPTED),
        ("scanned.pdf", "scanned", SCANNED),
        ("truncated.pdf", "malformed", TRUNCATED),
        ("not_a_pdf.pdf", "malformed", NOT_A_PDF),
    ],
)
def test_bad_pdfs(name, outcome, text):
    path = BAD / name
    assert message(path) == text
    document = read_document(path, strict=False)
    assert (document.outcome, document.outcome_detail, document.pages) == (outcome, text, ())
    assert (document.name, document.kind, len(document.sha256)) == (name, "pdf", 64)


def test_encrypted_pdf_with_password():
    document = read_document(BAD / "encrypted.pdf", password="open-sesame")
    assert document.outcome == "parsed"
    assert document.text == ("Proposal for managed print services\n"
                             "We will install 12 printers within 30 days of signature.")


def test_encrypted_pdf_with_wrong_password():
    assert message(BAD / "encrypted.pdf", password="guess") == (
        "encrypted.pdf: the password does not open this PDF; check it or export an unprotected copy")


def test_empty_pdf(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert message(path) == "empty.pdf: the file is empty; re-export it from the original"


def test_garbled_pdf(tmp_path):
    path = tmp_path / "garbled.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    assert message(path) == "garbled.pdf: the file is damaged or not a PDF; re-export it from the original"
    assert read_document(path, strict=False).outcome == "malformed"


def test_docx_that_is_not_a_zip(tmp_path):
    path = tmp_path / "proposal.docx"
    path.write_text("not really a Word file")
    assert message(path) == (
        "proposal.docx: damaged or not a Word document; open it in Word and save it again as .docx")
    document = read_document(path, strict=False)
    assert (document.outcome, document.kind, document.pages) == ("malformed", "docx", ())


def test_docx_zip_without_word_parts(tmp_path):
    path = tmp_path / "parts.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert message(path) == (
        "parts.docx: damaged or not a Word document; open it in Word and save it again as .docx")


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_old_word_file_renamed(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(OLE + b"\x00" * 600)
    assert message(path) == (
        "old.docx: an old-format Word file (.doc), not .docx; open it in Word and save it as .docx")


def test_password_protected_word_file(tmp_path):
    path = tmp_path / "locked.docx"
    path.write_bytes(OLE + b"\x00" * 100 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100)
    assert message(path) == "locked.docx: password-protected Word file; save an unprotected copy from Word"
    assert read_document(path, strict=False).outcome == "encrypted"


def test_docx_with_broken_xml(tmp_path):
    good = Path(__file__).resolve().parents[1] / "fixtures" / "docx" / "marketing_loudhouse.docx"
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, data[: len(data) // 2] if info.filename == "word/document.xml" else data)
    assert message(path) == (
        "broken.docx: damaged or not a Word document; open it in Word and save it again as .docx")
    truncated = tmp_path / "cut.docx"
    truncated.write_bytes(good.read_bytes()[:2000])
    assert message(truncated) == (
        "cut.docx: damaged or not a Word document; open it in Word and save it again as .docx")

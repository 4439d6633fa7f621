"""Ingest through the command line: progress, idempotence, versions, and every bad file
giving one line, exit code 1 and an unchanged ledger."""
import json
from pathlib import Path

import pytest

from promiseaudit.cli import main
from promiseaudit.ledger import open_ledger

ROOT = Path(__file__).parent.parent
BAD = ROOT / "fixtures" / "bad"
GOOD = ROOT / "fixtures" / "pdf" / "telecom_northwind.pdf"


def state(db_path):
    db = open_ledger(db_path)
    return db.schema, {t: db[t].count for t in db.table_names() if t != "_sqlite_migrations"}


@pytest.fixture
def ledger(runner, db_path):
    r = runner.invoke(main, ["--db", db_path, "ingest", str(GOOD), "--deal", "D-1",
                             "--customer", "Harlan", "--rep", "Dana"])
    assert r.exit_code == 0, r.output
    return db_path


@pytest.mark.parametrize("name,message", [
    ("encrypted.pdf", "Error: encrypted.pdf: the PDF is password-protected; export an "
                      "unprotected copy or pass --password\n"),
    ("scanned.pdf", "Error: scanned.pdf: the PDF has no text layer (scanned image?); run it "
                    "through OCR first or use the original document\n"),
    ("truncated.pdf", None),
    ("not_a_pdf.pdf", "Error: not_a_pdf.pdf: the file is damaged or not a PDF; re-export it "
                      "from the original\n"),
    ("proposal.rtf", "Error: proposal.rtf: unsupported file type '.rtf'; promiseaudit reads "
                     "PDF, .txt, .md and .docx proposals\n"),
])
def test_bad_file_is_one_line_and_changes_nothing(runner, ledger, name, message):
    before = state(ledger)
    # The good file is listed first: all or nothing, so it is not stored either.
    other = ROOT / "fixtures" / "proposals" / "fleet_trackwise.txt"
    r = runner.invoke(main, ["--db", ledger, "ingest", str(other), str(BAD / name),
                             "--deal", "D-2", "--new-deal"])
    assert r.exit_code == 1
    assert r.stderr.count("\n") == 1 and r.stderr.startswith(f"Error: {name}: ")
    if message:
        assert r.stderr == message
    assert "Traceback" not in r.output
    assert state(ledger) == before


def test_missing_file(runner, ledger):
    before = state(ledger)
    r = runner.invoke(main, ["--db", ledger, "ingest", "/no/such/proposal.pdf", "--deal", "D-1"])
    assert r.exit_code == 1
    assert r.stderr == "Error: /no/such/proposal.pdf: file not found; check the path and try again\n"
    assert state(ledger) == before


def test_password_opens_the_encrypted_pdf(runner, ledger):
    r = runner.invoke(main, ["--db", ledger, "ingest", str(BAD / "encrypted.pdf"), "--deal",
                             "D-3", "--new-deal", "--password", "open-sesame"])
    assert r.exit_code == 0, r.output


def test_keep_going_records_unreadable_files(runner, ledger):
    other = ROOT / "fixtures" / "proposals" / "fleet_trackwise.txt"
    r = runner.invoke(main, ["--db", ledger, "ingest", str(other), str(BAD / "scanned.pdf"),
                             "--deal", "D-2", "--new-deal", "--keep-going"])
    assert r.exit_code == 0, r.output
    assert "scanned.pdf: not read (scanned)" in r.output
    r = runner.invoke(main, ["--db", ledger, "documents", "--deal", "D-2"])
    assert "scanned" in r.output and "fleet_trackwise.txt" in r.output


def test_same_file_again_adds_nothing(runner, ledger):
    before = state(ledger)
    r = runner.invoke(main, ["--db", ledger, "ingest", str(GOOD), "--deal", "D-1"])
    assert r.exit_code == 0
    assert "already in the ledger for deal D-1; nothing added" in r.output
    assert state(ledger) == before


def test_a_new_version_supersedes(runner, ledger, tmp_path):
    src = (ROOT / "fixtures" / "proposals" / "telecom_northwind.md").read_text(encoding="utf-8")
    lines = [l for l in src.splitlines() if "quarterly" not in l.lower()]
    v2 = tmp_path / "telecom_northwind v2.md"
    v2.write_text("\n".join(lines), encoding="utf-8")
    r = runner.invoke(main, ["--db", ledger, "ingest", str(v2), "--deal", "D-1"])
    assert r.exit_code == 0, r.output
    assert "replaces telecom_northwind.pdf" in r.output and "superseded" in r.output
    r = runner.invoke(main, ["--db", ledger, "promises", "--deal", "D-1", "--state", "superseded"])
    assert "No promises found" not in r.output


def test_extract_json_has_the_contract_fields(runner):
    r = runner.invoke(main, ["extract", str(GOOD), "--json"])
    assert r.exit_code == 0, r.output
    promises = json.loads(r.output)["promises"]
    assert len(promises) > 10
    for key in ("text", "source", "page", "category", "due", "within_days", "anchor",
                "recurrence", "quantity", "unit", "threshold", "threshold_unit", "strength"):
        assert key in promises[0]
    assert {p["strength"] for p in promises} <= {"firm", "soft"}


def test_many_files_report_progress(runner, db_path):
    from promiseaudit.api import ingest_files

    files = [ROOT / "fixtures" / "proposals" / n for n in
             ("fleet_trackwise.txt", "catering_saltbush.txt", "solar_sunridge.md")]
    seen = []
    results = ingest_files(open_ledger(db_path), files, "D-9", progress=seen.append, new_deal=True)
    assert [document.name for document, *_ in seen] == [f.name for f in files]
    assert [r.added > 0 for r in results] == [True, True, True]
    r = runner.invoke(main, ["--db", db_path, "ingest", *map(str, files), "--deal", "D-9"])
    assert r.exit_code == 0, r.output
    assert r.output.count("nothing added") == 3


def test_issue_11_parallel_ingest_stores_the_same_as_one_at_a_time(tmp_path, runner):
    from promiseaudit.api import ingest_files
    from promiseaudit.ledger import queries

    files = [ROOT / "fixtures" / "proposals" / n for n in
             ("fleet_trackwise.txt", "catering_saltbush.txt", "solar_sunridge.md")]
    one, two = open_ledger(tmp_path / "one.db"), open_ledger(tmp_path / "two.db")
    ingest_files(one, files, "D-9", new_deal=True, jobs=1)
    seen = []
    ingest_files(two, files, "D-9", new_deal=True, jobs=2, progress=seen.append)
    assert [document.name for document, *_ in seen] == [f.name for f in files]
    rows = lambda db: [(p.id, p.text, p.category, p.due) for p in queries.promises(db)]
    assert rows(one) == rows(two) and rows(one)
    bad = tmp_path / "empty.txt"
    bad.write_text("   \n", encoding="utf-8")
    r = runner.invoke(main, ["--db", str(tmp_path / "three.db"), "ingest", str(files[0]), str(bad),
                             "--deal", "D-9", "--new-deal", "--jobs", "2"])
    assert r.exit_code == 1 and "empty.txt" in r.output and "Traceback" not in r.output
    assert not queries.promises(open_ledger(tmp_path / "three.db"))


def test_interactive_review(runner, ledger):
    r = runner.invoke(main, ["--db", ledger, "review", "--deal", "D-1", "--by", "dana"],
                      input="c\nr\ne\nstrength\nsoft\nc\nq\n")
    assert r.exit_code == 0, r.output
    assert "confirmed" in r.output and "rejected" in r.output
    r = runner.invoke(main, ["--db", ledger, "promises", "--deal", "D-1", "--state", "confirmed"])
    assert len(r.output.strip().splitlines()) == 2
    r = runner.invoke(main, ["--db", ledger, "history"])
    assert "strength" in r.output and "dana" in r.output


def test_old_word_files_and_folders_get_their_own_advice(runner, db_path, tmp_path):
    doc = tmp_path / "proposal.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    r = runner.invoke(main, ["--db", db_path, "ingest", str(doc), "--deal", "D-1", "--new-deal"])
    assert r.stderr == ("Error: proposal.doc: an old-format Word file (.doc); open it in Word "
                        "and save it as .docx, or export it as PDF\n")
    r = runner.invoke(main, ["--db", db_path, "ingest", str(tmp_path), "--deal", "D-1", "--new-deal"])
    assert r.exit_code == 1 and "is a folder, not a file" in r.stderr


def test_empty_proposal_is_refused(runner, db_path, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    r = runner.invoke(main, ["--db", db_path, "ingest", str(empty), "--deal", "D-1", "--new-deal"])
    assert r.stderr == "Error: empty.txt: the file has no text; check it is the right proposal\n"


def test_issue_9_an_unknown_deal_is_refused_unless_a_new_deal_is_meant(runner, ledger):
    # Seen: a one-digit typo in --deal created a phantom deal and doubled the promises.
    before = state(ledger)
    r = runner.invoke(main, ["--db", ledger, "ingest", str(GOOD), "--deal", "D-11"])
    assert r.exit_code == 1
    assert r.stderr == ("Error: Deal D-11 is not in the ledger (deals in the ledger: D-1); check the id, "
                        "or pass --customer NAME or --new-deal to start a new deal\n")
    assert state(ledger) == before
    r = runner.invoke(main, ["--db", ledger, "ingest", str(GOOD), "--deal", "D-11", "--new-deal"])
    assert r.exit_code == 0, r.output

"""Issue 8: the labelled corpus of documents written by other people, and the gate on
the extractor's cross-validated score on it."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from promiseaudit.evaluate import cross_validate_corpus, split_stems

ROOT = Path(__file__).parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
RESERVED = ROOT.parent / "shared" / "reserved-sources.txt"


def gold_files():
    return sorted((CORPUS / "gold").glob("*.json"))


def test_every_label_is_checked_against_its_document():
    run = subprocess.run([sys.executable, str(ROOT / "fixtures" / "check_gold.py"), str(CORPUS / "gold")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:]


def test_corpus_size_and_sources():
    files = gold_files()
    promises = sum(len(json.loads(f.read_text(encoding="utf-8"))["promises"]) for f in files)
    assert len(files) >= 60 and promises >= 2500
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    for f in files:
        assert f"| {f.stem} |" in sources, f"{f.stem} has no line in SOURCES.md"
        assert (CORPUS / "docs" / f"{f.stem}.txt").is_file()


@pytest.mark.skipif(not RESERVED.is_file(), reason="the shared reserved list is not beside this checkout")
def test_no_reserved_source_is_in_the_corpus():
    names = [line.strip() for line in RESERVED.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    for name in names:
        assert name not in sources, name


def test_blind_split_follows_its_rule_and_is_about_a_fifth():
    sys.path.insert(0, str(CORPUS))
    from make_splits import is_blind

    splits = json.loads((CORPUS / "splits.json").read_text(encoding="utf-8"))
    agreement = {p.stem for p in (CORPUS / "agreement").glob("*.json")}
    expected = [f.stem for f in gold_files() if f.stem not in agreement and is_blind(f.stem)]
    assert splits["blind"] == expected
    assert 0.12 <= len(expected) / len(gold_files()) <= 0.28
    dev = split_stems(CORPUS / "gold", "dev")
    assert not set(dev) & set(expected)


def test_cross_validated_corpus_score_stays_above_the_floor():
    """Each document scored by a model trained without it (fast configuration)."""
    floor = json.loads((CORPUS / "floor.json").read_text(encoding="utf-8"))
    learned, rules = cross_validate_corpus(CORPUS / "gold", floor["folds"], epochs=floor["epochs"])
    scored = {s.gold_file for s in learned.sources}
    assert not scored & {f"{s}.json" for s in split_stems(CORPUS / "gold", "blind")}
    assert learned.f1 >= floor["f1"], learned.overall
    assert learned.category_accuracy >= floor["category_accuracy"], learned.overall
    assert learned.f1 > rules.f1

"""What each remaining rule is worth: the F1 and category change when it is removed.

Removes one rule group at a time from the rules pipeline (span-ruler patterns grouped by
the id before the dot, e.g. "hedge"; each category frame and veto of lexicon.json) and
scores the rules alone on the corpus's development split and the project's proposals.
A rule that changes the result of one document or none serves one document: a
candidate for deletion. The blind split is never used.

The trained model reads these rules' findings as features, so a rule's worth to the
shipped extractor is only known after retraining without it; this script measures the
rules alone, which is fast enough to run for every rule.

Run:  python bench/rule_ablation.py [--only fixtures] [--json]
"""
import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from promiseaudit.evaluate import EvalReport, evaluate, split_stems  # noqa: E402
from promiseaudit.extract import build_nlp  # noqa: E402
from promiseaudit.extract.pipeline import load_patterns  # noqa: E402


def score(nlp, targets):
    sources = []
    for gold_dir, stems in targets:
        sources += evaluate(gold_dir, nlp=nlp, stems=stems).sources
    report = EvalReport(sources)
    per_doc = {s.gold_file: (s.found, s.matched, s.category_ok) for s in report.sources if s.primary}
    return report, per_doc


def without_patterns(group):
    nlp = build_nlp("rules")
    ruler = nlp.get_pipe("promiseaudit_cues")
    for pattern_id in sorted({p["id"] for p in load_patterns() if p["id"].split(".")[0] == group}):
        ruler.remove_by_id(pattern_id)
    return nlp


def without_lexicon_entry(kind, index):
    nlp = build_nlp("rules")
    lexicon = nlp.get_pipe("promiseaudit_commitments").lexicon
    del lexicon["categories"][kind][index]
    lexicon.pop("_compiled", None)
    return nlp


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["fixtures", "corpus"], help="score on one set only (faster)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    targets = []
    if args.only != "fixtures":
        gold = ROOT / "fixtures" / "corpus" / "gold"
        targets.append((gold, split_stems(gold, "dev")))
    if args.only != "corpus":
        targets.append((ROOT / "fixtures" / "gold", None))
    t0 = time.perf_counter()
    base, base_docs = score(build_nlp("rules"), targets)
    rules = [(f"patterns {g}", lambda g=g: without_patterns(g))
             for g in sorted({p["id"].split(".")[0] for p in load_patterns()})]
    lexicon = build_nlp("rules").get_pipe("promiseaudit_commitments").lexicon["categories"]
    for kind in ("frames", "vetoes"):
        for i, entry in enumerate(lexicon[kind]):
            rules.append((f"{kind[:-1]} {i} ({entry['category']}: {entry.get('why', '')[:40]})",
                          lambda k=kind, i=i: without_lexicon_entry(k, i)))
    rows = []
    for name, make in rules:
        report, docs = score(make(), targets)
        changed = sum(1 for k in base_docs if docs.get(k) != base_docs[k])
        rows.append({"rule": name, "f1_change": round(base.f1 - report.f1, 4),
                     "category_change": round(base.category_accuracy - report.category_accuracy, 4),
                     "documents_changed": changed})
    rows.sort(key=lambda r: (r["documents_changed"], r["f1_change"]))
    if args.json:
        print(json.dumps({"baseline": base.overall, "rules": rows}, indent=1))
        return 0
    print(f"Rules alone, {base.overall['sources']} documents: F1 {base.f1:.3f}, category "
          f"{base.category_accuracy:.3f} ({time.perf_counter() - t0:.0f} s)")
    print("Worth of each rule (F1 and category lost when it is removed; documents whose result changes):")
    for r in rows:
        mark = "  <- serves one document or none" if r["documents_changed"] <= 1 else ""
        print(f"  {r['rule'][:62]:62} F1 {r['f1_change']:+.4f}  category {r['category_change']:+.4f}  "
              f"documents {r['documents_changed']:3}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

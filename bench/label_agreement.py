"""How far two independent labellers agree on the same documents.

Compares every fixtures/corpus/agreement/<stem>.json (the second labeller) with
fixtures/corpus/gold/<stem>.json (the first labeller, after the review pass), using the
eval's own matcher: promise-level precision/recall/F1 of one labeller against the other,
category agreement and Cohen's kappa over the promises both labelled, and agreement on
each parameter where either stated it.

Run:  python bench/label_agreement.py [--json]
"""
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from promiseaudit.evaluate import PARAMETERS, _same, assign, complete_gold  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"


def kappa(pairs):
    if not pairs:
        return 1.0
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def main(argv):
    rows, cats, params = [], [], {p: [0, 0] for p in PARAMETERS}
    total_a = total_b = total_m = 0
    for second in sorted((CORPUS / "agreement").glob("*.json")):
        a = complete_gold(json.loads((CORPUS / "gold" / second.name).read_text(encoding="utf-8")))
        b = complete_gold(json.loads(second.read_text(encoding="utf-8")))
        pa, pb = a["promises"], b["promises"]
        pairs = assign([p["text"] for p in pa], [p["text"] for p in pb])
        total_a, total_b, total_m = total_a + len(pa), total_b + len(pb), total_m + len(pairs)
        for ia, ib, _ in pairs:
            cats.append((pa[ia]["category"], pb[ib]["category"]))
            for name in PARAMETERS:
                ga, gb = pa[ia].get(name), pb[ib].get(name)
                stated = name == "strength" or bool(ga) or bool(gb) if name in ("business_days", "condition") \
                    else name == "strength" or ga is not None or gb is not None
                if stated:
                    params[name][0] += 1
                    params[name][1] += _same(name, ga, gb)
        rows.append((second.stem, len(pa), len(pb), len(pairs)))
    precision = total_m / total_b if total_b else 1.0
    recall = total_m / total_a if total_a else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result = {
        "documents": len(rows), "first_labeller": total_a, "second_labeller": total_b, "both": total_m,
        "f1": round(f1, 3), "category_agreement": round(sum(x == y for x, y in cats) / len(cats), 3) if cats else 1.0,
        "category_kappa": round(kappa(cats), 3),
        "parameters": {p: {"stated": n, "agree": round(ok / n, 3) if n else None} for p, (n, ok) in params.items()},
        "per_document": [{"document": s, "first": x, "second": y, "both": m} for s, x, y, m in rows],
    }
    if "--json" in argv:
        print(json.dumps(result, indent=1))
        return 0
    print(f"Two independent labellers on {len(rows)} documents: first {total_a}, second {total_b}, "
          f"both {total_m} promises")
    print(f"  promise-level F1 {result['f1']:.3f}  category agreement {result['category_agreement']:.3f}  "
          f"Cohen's kappa {result['category_kappa']:.3f}")
    for s, x, y, m in rows:
        print(f"  {s:45} first {x:3}  second {y:3}  both {m:3}")
    print("  parameters (agreement where either labeller stated one):")
    for p, v in result["parameters"].items():
        if v["stated"]:
            print(f"    {p:15} {v['stated']:4}  {v['agree']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Per-parameter accuracy of the date and quantity grammar against the gold labels.

For every gold promise in fixtures/gold/*.json, runs the pure grammar functions on the
promise's own text (with the gold document date and locale) and compares each
parameter with the label. Also checks detect_document_date / detect_locale on the
proposal texts. The spaCy pipeline is not involved: this measures the grammar only.

    /work/venv/bin/python bench/param_accuracy.py            # summary
    /work/venv/bin/python bench/param_accuracy.py --show due  # list misses for one field
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

from promiseaudit.extract.dates import detect_document_date, detect_locale, find_deadline
from promiseaudit.extract.quantities import (
    find_period,
    find_quantity,
    find_recurrence,
    find_threshold,
)

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ("due", "within_days", "business_days", "anchor", "recurrence", "quantity", "unit",
          "threshold", "threshold_unit", "direction")
PERIOD_CATEGORIES = ("warranty", "pricing")
ALLOWANCE_CATEGORIES = ("support", "training", "service_level")


def predict(text: str, category: str, document_date: date | None, locale: str | None) -> dict:
    """What the grammar alone says about one promise. The caller's choice is imitated:
    warranty / pricing promises take find_period first (a percentage from
    find_threshold wins), support / training / service-level promises fall back to
    find_period ("16 hours of training"), the rest use find_threshold only."""
    out = dict.fromkeys(FIELDS)
    out["business_days"] = False
    deadline = find_deadline(text, document_date, locale)
    if deadline is not None:
        out["due"] = deadline.due.isoformat() if deadline.due else None
        out["within_days"] = deadline.within_days
        out["business_days"] = deadline.business_days
        out["anchor"] = deadline.anchor
    out["recurrence"] = find_recurrence(text)
    quantity = find_quantity(text)
    if quantity is not None:
        out["quantity"], out["unit"] = quantity.quantity, quantity.unit
    level = None
    if category in PERIOD_CATEGORIES:
        level = find_period(text)
        threshold = find_threshold(text)
        if threshold is not None and (level is None or threshold.unit == "%"):
            level = threshold
    elif category in ALLOWANCE_CATEGORIES:
        level = find_threshold(text) or find_period(text)  # "16 hours of training"
    else:
        level = find_threshold(text)
    if level is not None:
        out["threshold"], out["threshold_unit"] = level.threshold, level.unit
        out["direction"] = level.direction
    return out


def same(field: str, gold, got) -> bool:
    if field in ("quantity", "threshold") and gold is not None and got is not None:
        return abs(float(gold) - float(got)) < 1e-6
    if field == "business_days":
        return bool(gold) == bool(got)
    return gold == got


def read_text(path: Path) -> str:
    if path.suffix == ".docx":
        import docx  # python-docx, installed with promiseaudit

        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    return path.read_text(encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", default=str(ROOT / "fixtures" / "gold"))
    parser.add_argument("--show", action="append", default=[],
                        help="print the misses for this field (repeatable)")
    args = parser.parse_args(argv)
    gold_files = sorted(Path(args.gold).glob("*.json"))
    if not gold_files:
        print(f"no gold files in {args.gold}")
        return 1
    counts = defaultdict(lambda: [0, 0, 0, 0, 0])  # right, total, gold set, set right, false+
    misses = defaultdict(list)
    doc_dates = locales = 0
    for gold_path in gold_files:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        doc_date = date.fromisoformat(gold["document_date"]) if gold.get("document_date") else None
        locale = gold.get("locale")
        proposal = ROOT / "fixtures" / "proposals" / gold["source"]
        if proposal.exists():
            text = read_text(proposal)
            doc_dates += detect_document_date(text) == doc_date
            found = detect_locale(text)
            # English Canada writes "March 19, 2027": month first, like en-US.
            day_first = locale is not None and locale not in ("en-US", "en-CA")
            locales += (found is not None) and ((found != "en-US") == day_first)
        for promise in gold["promises"]:
            got = predict(promise["text"], promise["category"], doc_date, locale)
            for field in FIELDS:
                want = promise.get(field)
                row = counts[field]
                ok = same(field, want, got[field])
                row[0] += ok
                row[1] += 1
                empty = want in (None, False)
                if not empty:
                    row[2] += 1
                    row[3] += ok
                elif not ok:
                    row[4] += 1
                if not ok:
                    misses[field].append((gold_path.stem, promise["text"], want, got[field]))
    print(f"{len(gold_files)} gold files, {counts['due'][1]} promises")
    print(f"detect_document_date: {doc_dates}/{len(gold_files)}   "
          f"detect_locale (day-first vs month-first): {locales}/{len(gold_files)}")
    print(f"{'field':<15}{'accuracy':>10}{'when labelled':>16}{'spurious':>10}")
    for field in FIELDS:
        right, total, labelled, labelled_right, spurious = counts[field]
        print(f"{field:<15}{right / total:>10.1%}{f'{labelled_right}/{labelled}':>16}"
              f"{spurious:>10}")
    for field in args.show:
        print(f"\n--- misses for {field} ---")
        for stem, text, want, got in misses[field]:
            print(f"[{stem}] gold={want!r} got={got!r}\n    {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

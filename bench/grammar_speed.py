"""Time the pure grammar functions on 10,000 proposal sentences.

Sentences come from fixtures/proposals (split on lines and sentence ends), repeated
to 10,000. Ingest needs 30 pages/s at ~30 sentences a page: ~1,100 us per sentence
for everything, so the grammar should stay well under 100 us per sentence.

    /work/venv/bin/python bench/grammar_speed.py
"""
from __future__ import annotations

import re
import sys
import time
from datetime import date
from pathlib import Path

from promiseaudit.extract.dates import find_dates, find_deadline
from promiseaudit.extract.quantities import (
    find_period,
    find_quantity,
    find_recurrence,
    find_threshold,
)

ROOT = Path(__file__).resolve().parent.parent
N = 10_000


def sentences() -> list[str]:
    found = []
    for path in sorted((ROOT / "fixtures" / "proposals").glob("*")):
        if path.suffix not in (".txt", ".md"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            found.extend(s.strip() for s in re.split(r"(?<=[.;!?])\s+", line) if s.strip())
    if not found:
        found = ["All 340 gateways will be installed no later than March 31, 2027.",
                 "We will respond to P1 incidents within 1 hour, 24x7."]
    return (found * (N // len(found) + 1))[:N]


def main() -> int:
    batch = sentences()
    doc_date = date(2027, 1, 12)
    calls = {
        "find_deadline": lambda s: find_deadline(s, doc_date, "en-US"),
        "find_dates": lambda s: find_dates(s, doc_date, "en-US"),
        "find_recurrence": find_recurrence,
        "find_quantity": find_quantity,
        "find_threshold": find_threshold,
        "find_period": find_period,
    }
    for fn in calls.values():  # build the grammars once, outside the timing
        fn(batch[0])
    total = 0.0
    print(f"{len(batch)} sentences, mean length {sum(map(len, batch)) / len(batch):.0f} chars")
    for name, fn in calls.items():
        start = time.process_time()
        for sentence in batch:
            fn(sentence)
        elapsed = time.process_time() - start
        total += elapsed if name != "find_dates" else 0.0
        print(f"{name:<16}{elapsed / len(batch) * 1e6:8.1f} us/sentence")
    print(f"{'sum of the above':<16}{total / len(batch) * 1e6:8.1f} us/sentence "
          "(without find_dates, which find_deadline calls)")
    start = time.process_time()
    for sentence in batch:  # what the extractor does: every function on one sentence
        for name, fn in calls.items():
            if name != "find_dates":
                fn(sentence)
    elapsed = time.process_time() - start
    print(f"{'one sentence, all':<16}{elapsed / len(batch) * 1e6:8.1f} us/sentence "
          "(dates cached between calls)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

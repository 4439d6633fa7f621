"""Audit speed through the ledger: load from SQLite, match, audit, store the snapshot.

    python bench/bench_audit_ledger.py [--deals 1000] [--sizes 1,5,10]

Uses the same seeded synthetic data as bench_audit.py (10 promises and 100 delivery
records per deal), written into a real ledger file, then times ``api.run_audit``: the
whole job a user runs with `promiseaudit audit`, not only the engine.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_audit import AS_OF, generate  # noqa: E402

from promiseaudit import api  # noqa: E402
from promiseaudit.ledger import open_ledger, store  # noqa: E402
from promiseaudit.models import Document, Page  # noqa: E402


def build(path: Path, n_deals: int):
    deals, promises, deliveries = generate(n_deals)[:3]
    db = open_ledger(path)
    with db.atomic():
        for deal in deals.values() if isinstance(deals, dict) else deals:
            store.upsert_deal(db, deal, who="bench")
        by_deal = {}
        for p in promises:
            by_deal.setdefault(p.deal_id, []).append(p)
        old_to_new = {}
        for i, (deal_id, ps) in enumerate(by_deal.items()):
            doc = Document(path=f"/bench/{deal_id}.md", name=f"{deal_id}.md", kind="md",
                           sha256=f"{i:064d}", pages=(Page(1, ""),))
            result = store.add_document(db, doc, deal_id, ps, who="bench")
            old_to_new.update(zip((p.id for p in ps), result.promise_ids))
        store.add_deliveries(db, (d if d.promise_id is None else
                                  d.__class__(**{**d.__dict__,
                                                 "promise_id": old_to_new.get(d.promise_id)})
                                  for d in deliveries))
    return db, len(promises), len(deliveries)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1000)
    parser.add_argument("--sizes", default="1,5,10", help="multiples of --deals")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for k in [int(x) for x in args.sizes.split(",")]:
            db, n_p, n_d = build(Path(tmp) / f"bench{k}.db", args.deals * k)
            t0 = time.perf_counter()
            outcome = api.run_audit(db, AS_OF)
            t1 = time.perf_counter()
            print(f"{n_p:>8} promises {n_d:>9} records: run_audit {t1 - t0:6.2f} s "
                  f"({n_d / (t1 - t0):,.0f} records/s), {len(outcome.verdicts)} verdicts stored")
            db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

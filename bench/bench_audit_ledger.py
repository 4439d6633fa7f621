"""Audit and report speed and memory on large ledgers, at three sizes to show the growth.

    python bench/bench_audit_ledger.py            # 20,000 / 60,000 / 100,000 deals
    python bench/bench_audit_ledger.py --deals 1000 --sizes 1,3,5 --per-deal 100
    python bench/bench_audit_ledger.py --reports-up-to 1000000  # reports on larger ledgers too

The largest default size is a year of a large team: 1,000,000 promises and 5,000,000
delivery records. Each deal has 10 promises and --per-deal delivery records (default
50), the seeded synthetic data of bench_audit.py (random.Random(42)), written into a
real ledger file with bulk inserts of the rows the store writes (the per-promise id
checks of an ingest would take longer than the audit). Every measurement runs in its own process, which reports its own peak
resident memory (ru_maxrss): ``api.run_audit`` as `promiseaudit audit` runs it (the
snapshot stored), then the manager and the weekly report as `promiseaudit report` makes
them (an audit, the report written to a file). Reports hold every verdict in memory, so
they are measured only on ledgers of up to --reports-up-to promises. The same two reports
made from the stored audit (`report --from-audit`, from the snapshot the audit stored)
are measured at every size.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_audit import AS_OF, _deal, _deliveries, _promises  # noqa: E402

DEALS_PER_WRITE = 500
WAIVER_EVERY = 97  # as bench_audit.generate


def build(path: Path, n_deals: int, per_deal: int = 100, seed: int = 42) -> tuple[int, int]:
    """Write the synthetic ledger of ``n_deals`` deals to ``path``, a slice at a time.
    RETURNS (promises, records)."""
    import random

    from promiseaudit.ledger import open_ledger, store

    rng = random.Random(seed)
    db = open_ledger(path)
    stamp = store.now()
    n_promises = n_records = 0
    doc_id = 0
    for first in range(0, n_deals, DEALS_PER_WRITE):
        deals, docs, promises, records, waivers = [], [], [], [], []
        for i in range(first, min(n_deals, first + DEALS_PER_WRITE)):
            deal = _deal(rng, i)
            ps = _promises(rng, deal)
            rs = _deliveries(rng, deal, ps, per_deal, n_records + 1)
            doc_id += 1
            deals.append({"deal_id": deal.deal_id, "customer": deal.customer, "rep": deal.rep,
                          **{f: store.iso(getattr(deal, f)) for f in store.DEAL_DATE_FIELDS},
                          "created_at": stamp})
            docs.append({"id": doc_id, "deal_id": deal.deal_id, "name": f"{deal.deal_id}.md",
                         "path": f"/bench/{deal.deal_id}.md", "kind": "md",
                         "sha256": f"{doc_id:064d}", "pages": 1, "outcome": "parsed",
                         "version_key": deal.deal_id.lower(), "ingested_at": stamp})
            ids = {}
            for p in ps:
                ids[p.id] = store.promise_id(deal.deal_id, p.text)
                promises.append({**store._promise_row(p, ids[p.id], deal.deal_id, doc_id, stamp),
                                 "review_state": "confirmed"})
            records.extend(r if r.promise_id is None else replace(r, promise_id=ids[r.promise_id])
                           for r in rs)
            n_promises += len(ps)
            n_records += len(rs)
        for row in promises[::WAIVER_EVERY]:
            waivers.append({"promise_id": row["id"], "reason": "customer agreed",
                            "waived_by": "ops", "waived_on": "2027-01-01", "recorded_at": stamp})
        with db.atomic():
            db["deals"].insert_all(deals, batch_size=1000)
            db["documents"].insert_all(docs, batch_size=1000)
            db["promises"].insert_all(promises, batch_size=1000)
            db["waivers"].insert_all(waivers, batch_size=1000)
            store.add_deliveries(db, records)
    db.close()
    return n_promises, n_records


def _peak_mb() -> float:
    """The peak memory of this process or of its largest worker process."""
    return max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF,
                                                             resource.RUSAGE_CHILDREN)) / 1024


def child(job: str, path: str, out_dir: str) -> dict:
    """One measurement, in this (fresh) process."""
    from promiseaudit import api
    from promiseaudit.ledger import open_ledger
    from promiseaudit.report import (manager_report, manager_report_stored, week_bounds,
                                     weekly_report, weekly_report_stored)

    db = open_ledger(path)
    c0, t0 = time.process_time(), time.perf_counter()
    if job.endswith("-stored"):
        # As `promiseaudit report --from-audit` / `report weekly --from-audit`, after the
        # audit child stored its snapshot: nothing audited but the deals shown.
        start, end = week_bounds(AS_OF)
        weekly = job.startswith("weekly")
        src = api.load_stored_audit(db, AS_OF, **({"previous_before": start - timedelta(days=1),
                                                   "previous_after": start - timedelta(days=7)}
                                                  if weekly else {}))
        html = weekly_report_stored(src, start, end) if weekly else manager_report_stored(src)
        Path(out_dir, f"{job}.html").write_text(html, encoding="utf-8")
        extra = {"bytes": len(html)}
    elif job.startswith("audit"):
        jobs = int(job.partition(":")[2] or 1)  # "audit:2": in two worker processes
        outcome = api.run_audit(db, AS_OF, keep=False, jobs=jobs)
        extra = {"verdicts": sum(outcome.counts.values()), "run_id": outcome.run_id}
    else:
        # As `promiseaudit report` / `report weekly`: audit, write the file, keep the snapshot.
        start, end = week_bounds(AS_OF)
        weekly = job == "weekly"
        data = api.load_audit_data(db, AS_OF, save=False,
                                   **({"previous_before": start - timedelta(days=1),
                                       "previous_after": start - timedelta(days=7)}
                                      if weekly else {}))
        html = weekly_report(data, start, end) if weekly else manager_report(data)
        Path(out_dir, f"{job}.html").write_text(html, encoding="utf-8")
        api.save_snapshot(db, data)
        extra = {"bytes": len(html)}
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
            "peak_mb": _peak_mb(), **extra}


def _run_child(job: str, path: Path, out_dir: Path) -> dict:
    got = subprocess.run([sys.executable, __file__, "--child", job, str(path), str(out_dir)],
                         capture_output=True, text=True, check=True)
    return json.loads(got.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=20_000, help="deals at size 1")
    parser.add_argument("--per-deal", type=int, default=50, help="delivery records per deal")
    parser.add_argument("--sizes", default="1,3,5", help="multiples of --deals")
    parser.add_argument("--reports-up-to", type=int, default=200_000, metavar="PROMISES",
                        help="run the reports on ledgers of up to this many promises")
    parser.add_argument("--tmp", help="folder for the ledgers (default: a temporary one)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes of the parallel audit")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    header = (f"{'deals':>7} {'promises':>10} {'records':>10} {'build s':>8} | {'audit s':>8} "
              f"{'cpu s':>7} {'peak MB':>8} | {f'{args.jobs} jobs s':>9} {'peak MB':>8} | "
              f"{'stored mgr s':>12} {'cpu s':>6} {'peak MB':>8} | "
              f"{'stored wk s':>11} {'cpu s':>6} {'peak MB':>8} | "
              f"{'manager s':>9} {'peak MB':>8} | {'weekly s':>8} {'peak MB':>8}")
    print(header)
    print("-" * len(header), flush=True)
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        for k in [float(x) for x in args.sizes.split(",")]:
            n = int(args.deals * k)
            path = Path(tmp) / f"bench{n}.db"
            t0 = time.perf_counter()
            n_p, n_r = build(path, n, args.per_deal)
            built = time.perf_counter() - t0
            audit = _run_child("audit", path, Path(tmp))
            par = _run_child(f"audit:{args.jobs}", path, Path(tmp))
            cells = f"{n:>7,} {n_p:>10,} {n_r:>10,} {built:>8.1f} | {audit['wall']:>8.1f} " \
                    f"{audit['cpu']:>7.1f} {audit['peak_mb']:>8,.0f} | {par['wall']:>9.1f} " \
                    f"{par['peak_mb']:>8,.0f} |"
            for job, width in (("manager-stored", 12), ("weekly-stored", 11)):
                r = _run_child(job, path, Path(tmp))
                cells += f" {r['wall']:>{width}.1f} {r['cpu']:>6.1f} {r['peak_mb']:>8,.0f} |"
            if n_p <= args.reports_up_to:
                for job in ("manager", "weekly"):
                    r = _run_child(job, path, Path(tmp))
                    cells += f" {r['wall']:>{9 if job == 'manager' else 8}.1f} {r['peak_mb']:>8,.0f} |"
            else:
                cells += f" {'(not run)':>18} | {'(not run)':>17} |"
            print(cells.rstrip(" |"), flush=True)
            for f in Path(tmp).iterdir():
                f.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())

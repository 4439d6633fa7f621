"""Benchmark: `ingest --jobs N` — dense proposal pages per second with 1 and N processes.

    python bench/bench_ingest_jobs.py [--files 20] [--pages 50] [--jobs 2]

Generates (seeded) FILES text-layer PDFs of PAGES dense pages each with bench_ingest's
generator, then ingests them all into a fresh ledger through the library API, once with
one process and once with JOBS, and prints one table: pages, seconds, pages per second,
speed-up. Target (issue 11): 10,000 dense pages in under 3 minutes on 2 cores, at least
1.8 times the one-core rate.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_ingest import make_pdf  # noqa: E402


def run(files, jobs: int, folder: Path) -> float:
    from promiseaudit.api import ingest_files
    from promiseaudit.ledger import open_ledger

    db = open_ledger(folder / f"jobs{jobs}.db")
    started = time.perf_counter()
    ingest_files(db, files, "D-BENCH", new_deal=True, jobs=jobs)
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = []
        for i in range(args.files):
            path = folder / f"proposal-{i:03d}.pdf"
            make_pdf(path, args.pages, seed=100 + i)
            files.append(path)
        total = args.files * args.pages
        rows = []
        for jobs in (1, args.jobs):
            seconds = run(files, jobs, folder)
            rows.append((jobs, seconds, total / seconds))
    base = rows[0][2]
    print(f"{total} pages in {args.files} files")
    print(f"{'jobs':>4}  {'seconds':>8}  {'pages/s':>8}  {'speed-up':>8}")
    for jobs, seconds, rate in rows:
        print(f"{jobs:>4}  {seconds:>8.1f}  {rate:>8.1f}  {rate / base:>7.2f}x")
    print(f"10,000 pages at {rows[-1][2]:.1f} pages/s: {10000 / rows[-1][2] / 60:.1f} minutes "
          "(target: under 3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Report speed on a seeded synthetic ledger of 10,000 promises (target: < 2 s each).

    /work/venv/bin/python bench/bench_report.py              # 10,000 promises
    /work/venv/bin/python bench/bench_report.py --promises 50000 --repeat 3

The data comes from ``tests/report_data.synthetic_audit_data`` (random.Random(42)): 500
deals, every status, unreviewed candidates, evidence, monthly check-ins with occurrences
and 13 weeks of history. For each report and export it prints the first run with a new
Jinja environment (what one CLI command costs, templates compiled included), the best of
``--repeat`` runs with the environment reused, and the output size.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from report_data import synthetic_audit_data  # noqa: E402

from promiseaudit.export import export_csv, export_ics, export_json  # noqa: E402
from promiseaudit.report import (  # noqa: E402
    ReportFilters,
    brief_html,
    brief_text,
    make_environment,
    manager_report,
    weekly_report,
)


def timed(fn, repeat: int):
    best, out = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best, out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--promises", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    data = synthetic_audit_data(args.promises, seed=args.seed)
    print(f"synthetic data: {len(data.promises):,} promises, {len(data.deals):,} deals, "
          f"built in {time.perf_counter() - start:.2f} s")
    deal = sorted(data.deals)[0]
    customer = data.deals[deal].customer
    rep = data.deals[deal].rep
    week_end = data.as_of
    jobs = [
        ("manager report", lambda env: manager_report(data, env=env)),
        ("manager report, one rep", lambda env: manager_report(data, ReportFilters(rep=rep),
                                                               env=env)),
        ("weekly report", lambda env: weekly_report(data, week_end - timedelta(days=6), week_end,
                                                    env=env)),
        ("brief (customer, html)", lambda env: brief_html(data, customer=customer, env=env)),
        ("brief (deal, text)", lambda env: brief_text(data, deal_id=deal)),
        ("export csv", lambda env: export_csv(data)),
        ("export json", lambda env: export_json(data)),
        ("export ics", lambda env: export_ics(data)),
    ]
    worst = 0.0
    print(f"{'':<26} {'first run':>10} {'reused env':>11} {'size':>9}")
    for name, job in jobs:
        cold, _ = timed(lambda: job(make_environment()), 1)
        env = make_environment()
        took, out = timed(lambda: job(env), args.repeat)
        worst = max(worst, cold, took)
        print(f"{name:<26} {cold:8.3f} s {took:9.3f} s {len(out) / 1e6:6.2f} MB")
    print(f"slowest: {worst:.3f} s ({'within' if worst < 2 else 'OVER'} the 2 s target)")
    return 0 if worst < 2 else 1


if __name__ == "__main__":
    sys.exit(main())

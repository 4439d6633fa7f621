"""``promiseaudit demo``: the whole job on bundled sample data.

Builds a fresh ledger from the sample proposals, deals and delivery exports in
``promiseaudit/sample``, audits it as of the sample's date (after a few earlier weekly
audits, so reports have a trend and a "what changed"), and writes the reports.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Optional

from .errors import PromiseAuditError

SAMPLE_DIR = Path(__file__).parent / "sample"


@dataclass
class DemoResult:
    """Where the demo wrote its files, and a few words on what it found."""

    out_dir: Path
    db_path: Path
    report_path: Path
    weekly_path: Path
    brief_path: Path
    counts: dict
    summary: str


def run_demo(out_dir, as_of: Optional[date] = None) -> DemoResult:
    """Run the sample workflow into ``out_dir`` (its demo ledger is rebuilt each time)."""
    from . import api, review
    from .audit import AuditSettings
    from .imports import import_deals, import_deliveries, load_mapping
    from .ledger import open_ledger, queries
    from .report import (ReportFilters, brief_html, manager_report, week_bounds,
                         weekly_report)

    manifest = json.loads((SAMPLE_DIR / "manifest.json").read_text(encoding="utf-8"))
    as_of = as_of or date.fromisoformat(manifest["as_of"])
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise PromiseAuditError(f"Cannot create the demo folder {out}: {e.strerror}") from None
    db_path = out / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    db = open_ledger(db_path)
    import_deals(db, SAMPLE_DIR / manifest["deals"])
    for item in manifest["proposals"]:
        deal = queries.get_deal(db, item["deal"])
        api.ingest_files(db, [SAMPLE_DIR / item["file"]], deal.deal_id, who="demo", new_deal=True)
    for item in manifest.get("reviews", []):
        for p in review.candidates(db, item["deal"]):
            review.decide(db, p.id, item["decision"], item["by"])
    for item in manifest["deliveries"]:
        mapping = load_mapping(item["map"]) if item.get("map") else None
        import_deliveries(db, SAMPLE_DIR / item["file"], mapping)
    for item in manifest.get("links", []):
        # The matcher lists this record as ambiguous; a person links it, as a user would.
        promise = next(p for p in queries.promises(db, deal_id=item["deal"])
                       if item["quote_contains"].lower() in p.text.lower())
        record = next(d for d in queries.deliveries(db, item["deal"])
                      if d.reference == item["reference"])
        api.link(db, record.id, promise.id, who=item["by"])
    for w in manifest["waivers"]:
        matches = [p for p in queries.promises(db, deal_id=w["deal"])
                   if w["quote_contains"].lower() in p.text.lower()]
        for p in matches:
            api.waive(db, p.id, w["reason"], w["by"], date.fromisoformat(w["on"]))
    settings = AuditSettings()
    for earlier in manifest["earlier_audits"]:
        day = date.fromisoformat(earlier)
        if day < as_of:
            api.run_audit(db, day, settings, keep=False)  # only its snapshot is wanted
    # The weekly report covers the last full week (Monday to Sunday) before as_of.
    week_start, week_end = week_bounds(as_of - timedelta(days=7))
    weekly_data = api.load_audit_data(db, week_end, settings,
                                      previous_before=week_start - timedelta(days=1))
    weekly_path = out / "weekly.html"
    weekly_path.write_text(weekly_report(weekly_data, week_start, week_end), encoding="utf-8")
    data = api.load_audit_data(db, as_of, settings)
    report_path = out / "report.html"
    report_path.write_text(manager_report(data, ReportFilters()), encoding="utf-8")
    brief_path = out / "brief-D-1001.html"
    brief_path.write_text(brief_html(data, deal_id="D-1001"), encoding="utf-8")
    counts: dict[str, int] = {}
    for v in data.verdicts.values():
        counts[v.status] = counts.get(v.status, 0) + 1
    summary = (
        f"Demo ledger {db_path}: {len(data.deals)} deals, {len(data.promises)} promises "
        f"from {len(data.documents)} proposals, {len(data.deliveries)} delivery records.\n"
        f"Audit as of {as_of.isoformat()}: "
        + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(counts.items()))
        + f".\nWeekly report: {weekly_path}\nPre-call brief: {brief_path}\nManager's report:"
    )
    return DemoResult(out, db_path, report_path, weekly_path, brief_path, counts, summary)

"""Snapshots of every report and export for the sample data, under tests/golden/.

A change to a template or to the wording shows up here as a diff to review. Refresh the
files only with `pytest tests/test_report_golden.py --update-golden`, then read the diff.
"""
from pathlib import Path

import pytest

from promiseaudit.export import export_csv, export_ics, export_json
from promiseaudit.report import (
    ReportFilters,
    brief_html,
    brief_text,
    manager_report,
    weekly_report,
)
from report_data import AS_OF, WEEK_START, sample_audit_data

GOLDEN = Path(__file__).parent / "golden"

CASES = {
    "manager.html": lambda d: manager_report(d),
    "manager-marco-reyes.html": lambda d: manager_report(d, ReportFilters(rep="Marco Reyes"),
                                                         date_format="%d %b %Y"),
    "weekly-2027-W19.html": lambda d: weekly_report(d, WEEK_START, AS_OF),
    "brief-D-1001.html": lambda d: brief_html(d, deal_id="D-1001"),
    "brief-crestview.txt": lambda d: brief_text(d, customer="Crestview Dental Group",
                                                date_format="%d %b %Y"),
    "register.csv": export_csv,
    "register.json": export_json,
    "due-dates.ics": export_ics,
}


@pytest.fixture(scope="module")
def data():
    return sample_audit_data()


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_golden(name, data, update_golden):
    out = CASES[name](data)
    raw = out if isinstance(out, bytes) else out.encode("utf-8")
    path = GOLDEN / name
    if update_golden:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(raw)
        return
    assert path.exists(), f"{path} is missing; create it with pytest --update-golden"
    expected = path.read_bytes()
    if raw != expected:
        # Point at the first differing line rather than dumping two whole reports.
        got, want = raw.decode().splitlines(), expected.decode().splitlines()
        for i, (a, b) in enumerate(zip(got, want), start=1):
            if a != b:
                pytest.fail(f"{name} line {i} differs:\n  golden: {b}\n  now:    {a}\n"
                            "If the change is intended, run pytest --update-golden and review "
                            "the diff.")
        pytest.fail(f"{name}: {len(got)} lines now, {len(want)} in the golden file")

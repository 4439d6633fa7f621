"""Reports made from the stored audit (`report --from-audit`, issue "large ledgers") are
the reports a fresh audit gives, apart from the line naming the stored audit."""
import re
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup

from promiseaudit import api
from promiseaudit.ledger import open_ledger
from promiseaudit.report import (ReportFilters, manager_report, manager_report_stored,
                                 week_bounds, weekly_report, weekly_report_stored)
from report_data import AS_OF, build_sample_ledger

NOTE = re.compile(r'[ ]*<p class="small muted from-audit">Made from the audit stored on [^<]*</p>\n'
                  r'| Made from the audit stored on [^<]*`promiseaudit audit`; the ledger had '
                  r'not changed since\.')
DEMO_DAYS = [AS_OF, AS_OF - timedelta(days=3), date(2027, 5, 3)]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The bundled sample in a ledger file, audited and stored as of each day."""
    path = tmp_path_factory.mktemp("ledger") / "ledger.db"
    db = open_ledger(str(path))
    build_sample_ledger(db)
    for day in DEMO_DAYS:
        api.run_audit(db, day)
    return db


def without_note(html: str) -> str:
    stripped, n = NOTE.subn("", html)
    assert n == 1, "the report names the stored audit it was made from, once"
    return stripped


def manager_pair(db, as_of, filters=ReportFilters(), limit=200, cards=100):
    fresh = manager_report(api.load_audit_data(db, as_of, save=False), filters, limit=limit,
                           cards=cards)
    stored = manager_report_stored(api.load_stored_audit(db, as_of), filters, limit=limit,
                                   cards=cards)
    return fresh, stored


def weekly_pair(db, as_of, limit=200, quiet_days=30, cards=100):
    start, end = week_bounds(as_of)
    data = api.load_audit_data(db, as_of, save=False, previous_before=start - timedelta(days=1),
                               previous_after=start - timedelta(days=7))
    src = api.load_stored_audit(db, as_of, previous_before=start - timedelta(days=1),
                                previous_after=start - timedelta(days=7))
    return (weekly_report(data, start, end, limit=limit, quiet_days=quiet_days, cards=cards),
            weekly_report_stored(src, start, end, limit=limit, quiet_days=quiet_days,
                                 cards=cards))


@pytest.mark.parametrize("filters", [
    ReportFilters(),
    ReportFilters(rep="Dana Whitfield"),
    ReportFilters(rep="dana whitfield "),
    ReportFilters(customer="crestview dental group"),
    ReportFilters(deal="D-1001"),
    ReportFilters(since=date(2027, 5, 1)),
    ReportFilters(rep="Marco Reyes", since=date(2027, 4, 1), quiet_days=10),
], ids=repr)
def test_manager_report_from_the_stored_audit_is_the_fresh_one(sample, filters):
    fresh, stored = manager_pair(sample, AS_OF, filters)
    assert without_note(stored) == fresh


@pytest.mark.parametrize("as_of", DEMO_DAYS, ids=str)
def test_weekly_report_from_the_stored_audit_is_the_fresh_one(sample, as_of):
    fresh, stored = weekly_pair(sample, as_of)
    assert without_note(stored) == fresh


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_cut_lists_are_the_same_either_way(sample, limit):
    fresh, stored = manager_pair(sample, AS_OF, limit=limit, cards=limit)
    assert without_note(stored) == fresh
    fresh, stored = weekly_pair(sample, AS_OF, limit=limit, cards=limit)
    assert without_note(stored) == fresh


def test_a_cut_list_says_how_many_more_and_how_to_see_them(sample):
    full = BeautifulSoup(manager_pair(sample, AS_OF)[1], "html.parser")
    cut = BeautifulSoup(manager_pair(sample, AS_OF, limit=2)[1], "html.parser")
    others = len(full.find("section", id="all").find("tbody").find_all("tr"))
    assert others > 2
    section = cut.find("section", id="all")
    assert len(section.find("tbody").find_all("tr")) == 2
    assert f"All other promises ({others})" in section.find("h2").get_text()
    more = section.find("p", class_="more").get_text()
    assert more == (f"And {others - 2} more other promises not shown here: narrow the report "
                    "with --rep, --customer or --deal, or export them all with "
                    "`promiseaudit export --format csv`.")
    assert full.find("p", class_="more") is None


@pytest.mark.parametrize("filters,message", [
    (ReportFilters(rep="Nobody"), "No rep 'Nobody' on any deal in the ledger"),
    (ReportFilters(customer="Nobody"), "No customer 'Nobody' in the ledger"),
    (ReportFilters(deal="D-9"), "No deal 'D-9' in the ledger"),
])
def test_filters_naming_nobody_give_the_same_errors(sample, filters, message):
    from promiseaudit.errors import PromiseAuditError

    errors = []
    for make in (lambda: manager_report(api.load_audit_data(sample, AS_OF, save=False), filters),
                 lambda: manager_report_stored(api.load_stored_audit(sample, AS_OF), filters)):
        with pytest.raises(PromiseAuditError) as e:
            make()
        errors.append(str(e.value))
    assert errors[0] == errors[1] and errors[0].startswith(message)


# Twelve random deals with links, rules, dismissals, waivers, rejected and unreviewed
# promises, recurring ones and gone-live deals (the streamed-audit test's ledger).
from test_audit_streamed import ledger  # noqa: E402,F401

RANDOM_DAYS = [date(2027, 6, 2), date(2027, 6, 9), date(2027, 6, 16)]


@pytest.fixture
def random_ledger(ledger):  # noqa: F811
    for day in RANDOM_DAYS:
        api.run_audit(ledger, day)
    return ledger


@pytest.mark.parametrize("limit", [1, 2, 200])
def test_a_random_ledger_gives_the_same_reports_either_way(random_ledger, limit):
    db = random_ledger
    for filters in (ReportFilters(), ReportFilters(rep="ana"), ReportFilters(quiet_days=3),
                    ReportFilters(since=date(2027, 6, 1), rep="Bo"),
                    ReportFilters(customer="customer 3", quiet_days=1)):
        fresh, stored = manager_pair(db, RANDOM_DAYS[-1], filters, limit, cards=limit)
        assert without_note(stored) == fresh, filters
    for day in RANDOM_DAYS:
        for quiet_days in (3, 30):
            fresh, stored = weekly_pair(db, day, limit, quiet_days, cards=limit)
            assert without_note(stored) == fresh, day


def test_the_random_ledger_fills_every_list(random_ledger):
    """So the comparison above compares something: each list has rows to cut."""
    from promiseaudit.report.formatting import DateFormatter
    from promiseaudit.report.views import manager_context_stored, weekly_context_stored

    fmt = DateFormatter("%Y-%m-%d")
    most: dict = {}
    for day in RANDOM_DAYS:
        start, end = week_bounds(day)
        src = api.load_stored_audit(random_ledger, day, previous_before=start - timedelta(days=1),
                                    previous_after=start - timedelta(days=7))
        weekly = weekly_context_stored(src, start, end, fmt, quiet_days=3, limit=1)
        for k in ("broke", "upcoming", "kept", "changes", "quiet"):
            most[k] = max(most.get(k, 0), weekly[f"{k}_count"])
    assert all(n > 1 for n in most.values()), most
    manager = manager_context_stored(src, ReportFilters(quiet_days=3), fmt, limit=1)
    assert manager["broken"]["count"] > 1 and manager["others_count"] > 1
    assert manager["quiet_count"] > 1


@pytest.fixture
def ledger_file(tmp_path):
    path = tmp_path / "sample.db"
    build_sample_ledger(open_ledger(str(path)))
    return str(path)


def test_cli_report_from_audit_after_the_nightly_audit(ledger_file, tmp_path, runner):
    from promiseaudit.cli import main

    def run(*args):
        return runner.invoke(main, ["--db", ledger_file, *args])

    refused = run("report", "--from-audit", "--as-of", "2027-05-16", "-o", str(tmp_path / "r.html"))
    assert refused.exit_code == 1
    assert refused.stderr == ("Error: No audit is stored as of 2027-05-16; run `promiseaudit audit "
                              "--as-of 2027-05-16` first (each night, say), then make the report "
                              "again, or leave out --from-audit to audit now\n")
    assert not (tmp_path / "r.html").exists()
    assert run("audit", "--as-of", "2027-05-16").exit_code == 0
    for args, name in ((["report"], "r.html"), (["report", "weekly"], "w.html")):
        done = run(*args, "--from-audit", "--as-of", "2027-05-16", "-o", str(tmp_path / name))
        assert done.exit_code == 0, done.output
        fresh = run(*args, "--as-of", "2027-05-16", "-o", str(tmp_path / f"fresh-{name}"))
        assert fresh.exit_code == 0, fresh.output
        assert without_note((tmp_path / name).read_text(encoding="utf-8")) == (
            tmp_path / f"fresh-{name}").read_text(encoding="utf-8")
    mailed = run("report", "weekly", "--from-audit", "--as-of", "2027-05-16", "--email",
                 str(tmp_path / "w.eml"), "--from", "a@example.com")
    assert mailed.exit_code == 0, mailed.output  # see test_report_email_from_audit.py
    assert mailed.stderr == f"E-mail written to {tmp_path / 'w.eml'}\n"
    assert run("deals", "set", "D-1001", "--rep", "Ana").exit_code == 0
    stale = run("report", "--from-audit", "--as-of", "2027-05-16", "-o", str(tmp_path / "r.html"))
    assert stale.exit_code == 1
    assert stale.stderr.startswith("Error: The ledger has changed since the audit as of "
                                   "2027-05-16 was stored (")

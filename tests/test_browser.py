"""Every report opened in a real browser (Debian's chromium through Playwright).

Checks that the reports load with no console errors and no failed requests (no external
assets), read without JavaScript, fit a phone-sized window, and print. Screenshots go to
the test's tmp_path and, when PROMISEAUDIT_SCREENSHOTS names a folder, there as well.
Without /usr/bin/chromium the tests are skipped, except on CI (env CI set), where they
fail: CI installs chromium. The pre-call brief is printed to PDF on A4 and on Letter and
must fit on one page (issue 10).
"""
import os
import shutil
from pathlib import Path

import pytest

from collections import Counter

from promiseaudit.api import load_audit_data
from promiseaudit.ledger import open_ledger
from promiseaudit.report import brief_html, manager_report, weekly_report
from report_data import (AS_OF, WEEK_START, build_sample_ledger, sample_audit_data,
                         synthetic_audit_data)

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

REPORTS = {
    "manager": lambda d: manager_report(d),
    "weekly": lambda d: weekly_report(d, WEEK_START, AS_OF),
    "brief": lambda d: brief_html(d, deal_id="D-1001"),
}


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing on CI; install Debian's chromium package")
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package "
                    "(apt-get install chromium) to run the real-browser tests")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def data():
    return sample_audit_data()


def open_report(browser, path: Path, width=1200, height=900, javascript=True):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  java_script_enabled=javascript)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, problems, requests


def save_screenshot(page, tmp_path: Path, name: str, **kw) -> Path:
    shot = tmp_path / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True, **kw)
    folder = os.environ.get("PROMISEAUDIT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(folder) / shot.name)
    return shot


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_report_loads_cleanly(browser, data, tmp_path, name):
    path = tmp_path / f"{name}.html"
    path.write_text(REPORTS[name](data), encoding="utf-8")
    context, page, problems, requests = open_report(browser, path)
    try:
        assert problems == []
        assert requests == [path.as_uri()]  # nothing fetched but the file itself
        assert page.title()
        shot = save_screenshot(page, tmp_path, name)
        assert shot.stat().st_size > 10_000
    finally:
        context.close()


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_report_reads_without_javascript_and_prints(browser, data, tmp_path, name):
    path = tmp_path / f"{name}.html"
    path.write_text(REPORTS[name](data), encoding="utf-8")
    context, page, problems, _ = open_report(browser, path, javascript=False)
    try:
        assert problems == []
        assert "Broken" in page.inner_text("body")
        page.emulate_media(media="print")
        save_screenshot(page, tmp_path, f"{name}-print")
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    finally:
        context.close()


@pytest.mark.parametrize("name", ["weekly", "brief"])
def test_report_fits_a_narrow_window(browser, data, tmp_path, name):
    path = tmp_path / f"{name}.html"
    path.write_text(REPORTS[name](data), encoding="utf-8")
    context, page, problems, _ = open_report(browser, path, width=600, height=900)
    try:
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than a 600px window"
        save_screenshot(page, tmp_path, f"{name}-narrow")
    finally:
        context.close()


def test_trend_chart_is_drawn(browser, data, tmp_path):
    path = tmp_path / "manager.html"
    path.write_text(manager_report(data), encoding="utf-8")
    context, page, _, _ = open_report(browser, path)
    try:
        box = page.locator("#rates svg.trend").bounding_box()
        assert box and box["width"] > 500 and box["height"] > 100
        assert page.locator("#rates svg.trend circle").count() == len(data.history)
    finally:
        context.close()


def test_large_report_opens(browser, tmp_path):
    path = tmp_path / "large.html"
    path.write_text(manager_report(synthetic_audit_data(2000, seed=5)), encoding="utf-8")
    context, page, problems, _ = open_report(browser, path)
    try:
        assert problems == []
        # every list stops at 200 rows and says how many more there are
        assert page.locator("#all tbody tr").count() == 200
        assert "not shown here" in page.content()
    finally:
        context.close()


# --- the pre-call brief on one printed page (issue 10) ---------------------------------


def _real_sample():
    db = open_ledger(":memory:")
    build_sample_ledger(db)
    return load_audit_data(db, AS_OF)


def _busiest_customer_brief():
    """80 promises over four deals with 18 to talk about: far more than a call covers."""
    data = synthetic_audit_data(400, seed=11)
    customer, _ = Counter(d.customer for d in data.deals.values()).most_common(1)[0]
    return brief_html(data, customer=customer)


BRIEFS = {
    "harbor": lambda: brief_html(sample_audit_data(), deal_id="D-1001"),
    "crestview": lambda: brief_html(sample_audit_data(), customer="Crestview Dental Group"),
    "harbor-real-audit": lambda: brief_html(_real_sample(), deal_id="D-1001"),
    "one-busy-deal": lambda: brief_html(synthetic_audit_data(400, seed=11), deal_id="D-00004"),
    "busiest-customer": _busiest_customer_brief,
}


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("name", sorted(BRIEFS))
def test_brief_prints_on_one_page(browser, tmp_path, name, paper):
    import pypdfium2

    path = tmp_path / f"brief-{name}.html"
    path.write_text(BRIEFS[name](), encoding="utf-8")
    context, page, problems, _ = open_report(browser, path, width=800)
    try:
        assert problems == []
        page.emulate_media(media="print")
        # Concise, not tiny: the body text stays at 9 pt (12 px) or more.
        size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 12, f"print font is {size}px"
        pdf = page.pdf(format=paper)
        folder = os.environ.get("PROMISEAUDIT_SCREENSHOTS")
        if folder:
            Path(folder, f"brief-{name}-{paper}.pdf").write_bytes(pdf)
        pages = len(pypdfium2.PdfDocument(pdf))
        assert pages == 1, f"the {name} brief takes {pages} {paper} pages"
    finally:
        context.close()


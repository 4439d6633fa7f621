"""Issue 9: one status per promise for one as-of date in every output (seen: a weekly
status call "Kept" in the weekly report and "Broken" in the manager report)."""
from bs4 import BeautifulSoup

from promiseaudit.report import brief_html, manager_report, weekly_report
from promiseaudit.report.formatting import STATUS_LABELS
from report_data import AS_OF, WEEK_START, sample_audit_data


def badges_by_quote(html: str) -> dict:
    """Quote -> the set of status badges shown on the rows or cards that quote it."""
    soup = BeautifulSoup(html, "html.parser")
    for h2 in soup.find_all("h2"):
        if h2.get_text().strip().startswith("What changed"):  # before -> after, two badges
            h2.find_parent("tr").find_next_sibling("tr").decompose()
    labels = set(STATUS_LABELS.values())
    out: dict = {}
    for row in soup.find_all(["tr", "div"]):
        if row.find(["tr", "div"]):  # the innermost rows and cards only
            continue
        text = " ".join(row.get_text(" ").split())
        shown = {b.get_text().strip() for b in row.select(".badge, span[style]") if b.get_text().strip() in labels}
        if shown:
            out.setdefault(text, set()).update(shown)
    return out


def test_every_report_shows_the_audit_status_of_each_promise():
    data = sample_audit_data()
    pages = [weekly_report(data, WEEK_START, AS_OF), manager_report(data)]
    pages += [brief_html(data, deal_id) for deal_id in data.deals]
    checked = 0
    for html in pages:
        for text, shown in badges_by_quote(html).items():
            for p in data.promises:
                if p.text[:60] in text and p.id in data.verdicts:
                    want = STATUS_LABELS[data.verdicts[p.id].status]
                    assert shown == {want}, (p.text[:60], shown, want)
                    checked += 1
    assert checked > 20

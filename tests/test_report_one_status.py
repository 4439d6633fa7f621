"""Issue 9: one status per promise for one as-of date in every output (seen: a weekly
status call "Kept" in the weekly report and "Broken" in the manager report)."""
from bs4 import BeautifulSoup

from promiseaudit.report import brief_html, manager_report, weekly_report
from promiseaudit.report.formatting import STATUS_LABELS
from report_data import AS_OF, WEEK_START, sample_audit_data


def badges_by_quote(html: str, quotes) -> dict:
    """Quote -> the status badges shown for it: each badge belongs to the smallest row,
    card or list item around it that names a quote and holds no other badge."""
    soup = BeautifulSoup(html, "html.parser")
    for h2 in soup.find_all("h2"):
        if h2.get_text().strip().startswith("What changed"):  # before -> after, two badges
            h2.find_parent("tr").find_next_sibling("tr").decompose()
    labels = set(STATUS_LABELS.values())

    def badges(el):
        return [b for b in el.select(".badge, span[style]") if b.get_text().strip() in labels]

    out: dict = {}
    for badge in badges(soup):
        for el in badge.parents:
            found = [q for q in quotes if q in " ".join(el.get_text(" ").split())]
            if found:
                if len(badges(el)) == 1 and len(found) == 1:
                    out.setdefault(found[0], set()).add(badge.get_text().strip())
                break
    return out


def test_every_report_shows_the_audit_status_of_each_promise():
    data = sample_audit_data()
    pages = [weekly_report(data, WEEK_START, AS_OF), manager_report(data)]
    pages += [brief_html(data, deal_id) for deal_id in data.deals]
    by_quote: dict = {}
    for p in data.promises:
        if p.id in data.verdicts:  # versions of one promise may share a quote
            by_quote.setdefault(" ".join(p.text.split())[:50], set()).add(
                STATUS_LABELS[data.verdicts[p.id].status])
    checked = 0
    for html in pages:
        for quote, shown in badges_by_quote(html, by_quote).items():
            assert shown <= by_quote[quote], (quote, shown, by_quote[quote])
            checked += 1
    assert checked > 20

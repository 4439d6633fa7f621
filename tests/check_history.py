"""A ledger of past deals whose track records are known, for `promiseaudit check` tests.

Built only through the library: deals imported from a CSV, one small generated Markdown
proposal per deal ingested, delivery records imported (each linked to its promise),
then audited as of ``AS_OF``. Run it by hand to get the ledger the README's example uses:

    python tests/check_history.py /tmp/history.db

Ten deals, H-01 to H-10, signed on the 1st of each month from January 2026; kickoff a
week later; the contract runs a year from kickoff. H-01..H-06 are Dana Whitfield's,
H-07..H-10 Marco Reyes's. What each promise's history is (and so what `check` must say):

| promise | deals | kept | late | broken |
|---|---|---|---|---|
| go-live within 6 weeks of signature (actual 35, 40, 42, 63, 63, 63, 70, 77, 84, 91 days) | 10 | 3 | 7 | 0 |
| site survey report within 20 days of signature (actual 15, 15, 15, 15, 25, never) | 6 | 4 | 1 | 1 |
| 99.9 % availability each month | 5 | 4 | 0 | 1 |
| P1 incidents answered within 1 hour | 5 | 4 | 0 | 1 |
| three training sessions before go-live | 8 | 5 | 1 | 2 |
| quarterly business review (12 quarters: 10 on time, 1 late, 1 missed) | 3 | 1 | 1 | 1 |
| check-in 30 days after go-live | 3 | 2 | 1 | 0 |
"""
from __future__ import annotations

import csv
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

AS_OF = date(2027, 6, 30)
REPS = {i: ("Dana Whitfield" if i <= 6 else "Marco Reyes") for i in range(1, 11)}
GO_LIVE_DAYS = {1: 35, 2: 40, 3: 42, 4: 63, 5: 63, 6: 63, 7: 70, 8: 77, 9: 84, 10: 91}
SURVEY_DAYS = {1: 15, 2: 15, 3: 15, 4: 15, 5: 25, 6: None}
UPTIME = {1: (99.95, 99.97), 2: (99.95, 99.96), 3: (99.98, 99.95), 4: (99.96, 99.96),
          5: (99.95, 99.5)}
P1_MINUTES = {1: 30, 2: 25, 3: 40, 4: 20, 5: 120}
# Days before go-live of each training session (negative: after go-live).
TRAINING = {1: (20, 10, 3), 2: (15, 8, 2), 3: (21, 14, 7), 4: (9, 5, 1), 5: (12, 6, 0),
            6: (14, 7, -10), 7: (10, 5), 8: (6, 2)}
# Quarters (1-4) of the QBRs held; a quarter listed twice holds the one the quarter
# before missed (held late).
QBR = {1: (1, 2, 3, 4), 2: (1, 3, 3, 4), 3: (1, 2, 4)}
CHECK_IN_DAYS = {4: 25, 5: 28, 6: 45}

GO_LIVE = "Go-live of the service will take place within 6 weeks of contract signature."
SURVEY = "We will deliver a site survey report within 20 days of contract signature."
UPTIME_TEXT = "The network will be available at least 99.9% of the time each month."
P1 = "Priority 1 incidents will receive a response within 1 hour."
TRAINING_TEXT = "We will deliver three remote training sessions before go-live."
QBR_TEXT = "Your account manager will hold a quarterly business review with your team."
CHECK_IN = "We will check in with you 30 days after go-live."


def deal_id(i: int) -> str:
    return f"H-{i:02d}"


def signed(i: int) -> date:
    return date(2026, i, 1)


def kickoff(i: int) -> date:
    return signed(i) + timedelta(days=7)


def go_live(i: int) -> date:
    return signed(i) + timedelta(days=GO_LIVE_DAYS[i])


def promises_of(i: int) -> list[str]:
    out = [GO_LIVE]
    for table, text in ((SURVEY_DAYS, SURVEY), (UPTIME, UPTIME_TEXT), (P1_MINUTES, P1),
                        (TRAINING, TRAINING_TEXT), (QBR, QBR_TEXT), (CHECK_IN_DAYS, CHECK_IN)):
        if i in table:
            out.append(text)
    return out


def proposal(i: int) -> str:
    lines = [f"# Proposal for Customer {i:02d}", "",
             "**Prepared by:** Northbeam Networks, Inc.",
             f"**Prepared for:** Customer {i:02d} Ltd",
             f"**Date:** {signed(i) - timedelta(days=20):%B %d, %Y}", "", "## Our commitments", ""]
    lines += [f"- {text}" for text in promises_of(i)]
    return "\n".join(lines) + "\n"


def _deliveries(i: int, ids: dict) -> list[dict]:
    rows, d = [], deal_id(i)

    def add(text, category, day, description, **kw):
        rows.append({"deal_id": d, "category": category, "delivered_on": day.isoformat(),
                     "description": description, "promise_id": ids[text], **kw})

    if SURVEY_DAYS.get(i) is not None:
        add(SURVEY, "delivery", signed(i) + timedelta(days=SURVEY_DAYS[i]), "Site survey report sent")
    if i in UPTIME:
        first = go_live(i).replace(day=1) + relativedelta(months=1)
        for k, value in enumerate(UPTIME[i]):
            month_end = first + relativedelta(months=k + 1) - timedelta(days=1)
            add(UPTIME_TEXT, "service_level", month_end, f"Uptime {month_end:%B %Y}",
                value=value, value_unit="%", value_kind="availability",
                reference=f"UP-{i}-{k}")
    if i in P1_MINUTES:
        opened = datetime.combine(go_live(i) + timedelta(days=20), datetime.min.time()) \
            + timedelta(hours=10)
        add(P1, "support", opened.date(), "P1 incident: core link down", priority="P1",
            opened_at=opened.isoformat(), reference=f"T-{i}",
            responded_at=(opened + timedelta(minutes=P1_MINUTES[i])).isoformat())
    for k, before in enumerate(TRAINING.get(i, ())):
        add(TRAINING_TEXT, "training", go_live(i) - timedelta(days=before),
            f"Remote training session {k + 1}", quantity=1, reference=f"TR-{i}-{k}")
    for k, quarter in enumerate(QBR.get(i, ())):
        day = kickoff(i) + relativedelta(months=3 * (quarter - 1)) + timedelta(days=30 + k)
        add(QBR_TEXT, "check_in", day, "Quarterly business review held", reference=f"QBR-{i}-{k}")
    if i in CHECK_IN_DAYS:
        add(CHECK_IN, "check_in", go_live(i) + timedelta(days=CHECK_IN_DAYS[i]),
            "Check-in call after go-live")
    return rows


DELIVERY_FIELDS = ("deal_id", "category", "delivered_on", "description", "quantity", "value",
                   "value_unit", "value_kind", "reference", "priority", "opened_at",
                   "responded_at", "promise_id")


def build_history(db, folder, nlp=None) -> dict:
    """Fill ``db`` with the ten past deals (files are written to ``folder``).

    RETURNS (dict): deal id -> {quote: promise id}.
    """
    from promiseaudit import api
    from promiseaudit.extract import build_nlp
    from promiseaudit.imports import import_deals, import_deliveries
    from promiseaudit.ledger import queries

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    deals = folder / "history-deals.csv"
    with open(deals, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["deal_id", "customer", "rep", "signed_on", "kickoff_on", "go_live_on",
                    "ends_on"])
        for i in range(1, 11):
            w.writerow([deal_id(i), f"Customer {i:02d}", REPS[i], signed(i), kickoff(i),
                        go_live(i), kickoff(i) + relativedelta(years=1)])
    import_deals(db, deals)
    nlp = nlp or build_nlp("rules")
    ids = {}
    for i in range(1, 11):
        path = folder / f"history-{deal_id(i)}.md"
        path.write_text(proposal(i), encoding="utf-8")
        api.ingest_files(db, [path], deal_id(i), nlp=nlp)
        ids[deal_id(i)] = {p.text: p.id for p in queries.promises(db, deal_id=deal_id(i))}
    rows = [r for i in range(1, 11) for r in _deliveries(i, ids[deal_id(i)])]
    records = folder / "history-deliveries.csv"
    with open(records, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, DELIVERY_FIELDS)
        w.writeheader()
        w.writerows(rows)
    import_deliveries(db, records)
    api.run_audit(db, AS_OF)
    return ids


if __name__ == "__main__":  # pragma: no cover
    from promiseaudit.ledger import open_ledger

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "history.db")
    build_history(open_ledger(str(target)), target.parent / (target.stem + "-files"))
    print(f"History ledger written to {target} (audited as of {AS_OF})")

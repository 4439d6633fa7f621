"""A current deal for the sheet and plan tests: the sample Harbor Logistics proposal plus
an annex with an event deadline and two promised check-ins, ingested with the rules
pipeline; every promise confirmed except the annex's check-in 30 days after go-live."""
from datetime import date
from pathlib import Path

from promiseaudit import api, review
from promiseaudit.imports import import_deals
from promiseaudit.ledger import queries

SAMPLE = Path(__file__).parent.parent / "promiseaudit" / "sample"
ANNEX = """# Annex: handover and reviews

- We will hand over the as-built drawings within 10 days of commissioning.
- We will hold a monthly service review call with your team after go-live.
- We will check in with you 30 days after go-live.
"""
LEFT_UNREVIEWED = "We will check in with you 30 days after go-live."


def build_deal(db, folder, nlp) -> None:
    """D-1001 (signed 2027-01-15, kickoff 2027-01-25, go-live 2027-04-22, ends
    2028-01-31) with commissioning recorded on 2027-03-02."""
    folder = Path(folder)
    import_deals(db, SAMPLE / "data" / "deals.csv")
    annex = folder / "harbor-annex.md"
    annex.write_text(ANNEX, encoding="utf-8")
    api.ingest_files(db, [SAMPLE / "proposals" / "northbeam-harbor-logistics.md", annex],
                     "D-1001", nlp=nlp)
    api.set_deal_events(db, "D-1001", {"commissioning": date(2027, 3, 2)}, who="test")
    for p in queries.promises(db, deal_id="D-1001"):
        if p.text != LEFT_UNREVIEWED:
            review.decide(db, p.id, "confirm", "dana")


def deal_ledger(folder, nlp) -> str:
    """A ledger file in ``folder`` holding the deal of ``build_deal``; RETURNS its path."""
    from promiseaudit.ledger import open_ledger

    path = folder / "ledger.db"
    build_deal(open_ledger(str(path)), folder, nlp)
    return str(path)

"""Measure extraction speed on generated dense proposal pages.

    python bench/bench_extract.py [--pages 60] [--repeat 3] [--seed 7]

Builds the pipeline once, then extracts a document of dense pages (about 650 words
each: headings, prose with promises and non-promises, bullet lists and a table) and
prints words/second and pages/second, best of ``--repeat`` runs, including spaCy
tokenisation. The text is generated from a seeded random choice of sentences, so runs
are comparable.
"""
import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from promiseaudit.extract import build_nlp, extract  # noqa: E402
from promiseaudit.models import Document, Page  # noqa: E402

SENTENCES = [
    "We will install {n} access points across your {m} warehouses no later than {date}.",
    "The Supplier shall deliver the final design document within {m} weeks of kickoff.",
    "Priority 1 incidents will receive a response within {m} minutes, 24 hours a day.",
    "Our service desk is available from 8am to 6pm, Monday to Friday.",
    "Your account manager will hold a quarterly business review with your leadership team.",
    "We will run {m} half-day training workshops for up to {n} of your staff before go-live.",
    "All hardware is warranted for {m} months from installation.",
    "Prices will be held for {m} months from contract signature.",
    "If monthly availability falls below 99.9%, you will receive a service credit of 5% of the monthly fee.",
    "The platform will be available at least 99.9% of the time each month, excluding planned maintenance.",
    "The Client will provide site access and a named contact at each location.",
    "Invoices are payable within 30 days of the invoice date.",
    "Founded in 1998, the company has delivered more than {n} projects across the region.",
    "This proposal is valid for 60 days from the date above.",
    "Our award-winning team brings decades of combined experience to every engagement.",
    "Hardware, licences and cabling are not included in the monthly fee.",
    "We aim to complete each site cut-over in under two hours, outside trading hours.",
    "Weekly status calls will be held throughout the deployment, led by your project manager.",
    "The works will be sequenced so that occupied floors are kept clear of construction traffic.",
    "Delivery dates assume that the purchase order is received by {date}.",
]
BULLETS = [
    "supply and configuration of {n} gateways;",
    "on-site installation by certified engineers;",
    "24x7 monitoring and incident management;",
    "a monthly service report;",
    "two rounds of revisions on the chosen design.",
]
TABLE = [
    "| Milestone | Owner | Due date |",
    "|---|---|---|",
    "| Design approved | Supplier | {date} |",
    "| Pilot live at {m} sites | Supplier | {date} |",
    "| Purchase order issued | Client | {date} |",
]
DATES = ["March 31, 2027", "30 June 2027", "15/09/2027", "Q3 2027", "end of May"]


def make_page(rng: random.Random, number: int, target_words: int = 650) -> str:
    def fill(s: str) -> str:
        return s.format(n=rng.randint(10, 900), m=rng.randint(2, 12), date=rng.choice(DATES))

    parts = [f"## {number}. Section {number}", ""]
    words = 0
    while words < target_words:
        roll = rng.random()
        if roll < 0.12:
            block = ["We will deliver the following:"] + [f"- {fill(b)}" for b in rng.sample(BULLETS, 3)]
        elif roll < 0.17:
            block = [fill(row) for row in TABLE]
        else:
            block = [" ".join(fill(rng.choice(SENTENCES)) for _ in range(rng.randint(2, 5)))]
        text = "\n".join(block)
        parts += [text, ""]
        words += len(text.split())
    return "\n".join(parts)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Extraction speed on generated dense pages.")
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    header = "Prepared for: Bolt Retail Group\nPrepared by: Acme Networks Ltd\nDate: 12 January 2027\n\n"
    pages = [Page(n, (header if n == 1 else "") + make_page(rng, n)) for n in range(1, args.pages + 1)]
    document = Document(path="/bench/dense.md", name="dense.md", kind="md", sha256="0" * 64, pages=tuple(pages))
    words = sum(len(p.text.split()) for p in pages)
    started = time.perf_counter()
    nlp = build_nlp()
    build_time = time.perf_counter() - started
    extract(document, nlp)  # warm-up
    best = float("inf")
    promises = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        promises = extract(document, nlp)
        best = min(best, time.perf_counter() - started)
    print(f"pipeline built in {build_time:.2f} s")
    print(f"{args.pages} pages, {words} words ({words / args.pages:.0f} words/page), {len(promises)} promises")
    print(f"best of {args.repeat}: {best:.3f} s  ->  {words / best:,.0f} words/s, {args.pages / best:.1f} pages/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Audit speed on seeded synthetic data at three sizes, to show it grows linearly.

    /work/venv/bin/python bench/bench_audit.py            # 10 %, 50 %, 100 %
    /work/venv/bin/python bench/bench_audit.py --deals 1000 --sizes 1

Full size: 10,000 deals x 10 promises (100,000 promises) and 100 delivery records per
deal (1,000,000 records). Data comes from random.Random(42), so every run audits the
same records. Prints, per size, the wall-clock seconds for matching and for the audit
proper, their total, the CPU seconds (less disturbed when other work shares the
machine), and records per wall-clock second.
"""
from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections import Counter
from datetime import date, datetime, timedelta

from promiseaudit.audit import AuditSettings, Waiver, audit_all, match_deliveries
from promiseaudit.models import Deal, Delivery, Promise

AS_OF = date(2027, 9, 30)
TOPICS = [
    ("site survey report", "Site survey report delivered", "report"),
    ("network design document", "Network design document signed off", "document"),
    ("data migration", "Data migration completed", "migration"),
    ("security assessment", "Security assessment report issued", "assessment"),
    ("pilot at the main warehouse", "Pilot live at main warehouse", "pilot"),
    ("handover pack", "Handover pack sent to client", "pack"),
    ("custom eligibility report", "Custom eligibility report released", "report"),
    ("disaster recovery test", "Disaster recovery test executed", "test"),
]
UNITS = [("gateway", "Gateways installed at sites"), ("laptop", "Laptops shipped to branch"),
         ("kiosk", "Kiosks installed in stores"), ("licence", "Licences activated")]
CHECKINS = [("weekly", "Weekly status call with project lead"),
            ("monthly", "Monthly service report sent to operations"),
            ("quarterly", "Quarterly business review with leadership")]


def _deal(rng: random.Random, i: int) -> Deal:
    signed = date(2026, 6, 1) + timedelta(days=rng.randrange(0, 400))
    kickoff = signed + timedelta(days=rng.randrange(5, 20))
    planned = kickoff + timedelta(days=rng.randrange(60, 120))
    actual = planned + timedelta(days=rng.randrange(-5, 20)) if rng.random() < 0.7 else None
    return Deal(f"D-{i:05d}", f"Customer {i} Holdings", "Rep", signed, kickoff, actual,
                signed + timedelta(days=365), planned)


def _promises(rng: random.Random, deal: Deal) -> list:
    out = []

    def add(text, category, **kw):
        out.append(Promise(text=text, source="p.md", page=1, start=0, end=len(text),
                           category=category, id=f"{deal.deal_id}-P{len(out) + 1:02d}",
                           deal_id=deal.deal_id, review_state="confirmed", **kw))

    topics = rng.sample(TOPICS, 3)
    add(f"We will deliver the {topics[0][0]} by {deal.kickoff_on + timedelta(days=30)}.",
        "delivery", due=deal.kickoff_on + timedelta(days=30))
    add(f"The {topics[1][0]} will be completed within 20 business days of kickoff.",
        "delivery", within_days=20, business_days=True, anchor="kickoff")
    add(f"We will provide the {topics[2][0]} within 30 days after go-live.",
        "delivery", within_days=30, anchor="go_live")
    unit, _ = rng.choice(UNITS)
    add(f"All {rng.randrange(50, 400)} {unit}s will be installed before go-live.", "delivery",
        within_days=0, anchor="go_live", quantity=float(rng.randrange(50, 400)), unit=unit)
    add("We will run three admin training sessions within 6 weeks of kickoff.", "training",
        within_days=42, anchor="kickoff", quantity=3.0, unit="session")
    rec, _ = rng.choice(CHECKINS)
    add(f"Your account manager will hold a {rec} status meeting with your team.", "check_in",
        recurrence=rec)
    add("The service will be available at least 99.9% of the time each month.",
        "service_level", recurrence="monthly", threshold=99.9, threshold_unit="%",
        direction="at_least")
    add("Priority 1 incidents will receive a response within 1 hour.", "support",
        threshold=1.0, threshold_unit="hour", direction="at_most")
    add("Support requests will be resolved within 2 business days.", "support",
        threshold=2.0, threshold_unit="business_day", direction="at_most")
    add("Prices will be held for 18 months from contract signature.", "pricing",
        threshold=18.0, threshold_unit="month", direction="at_least")
    return out


def _deliveries(rng: random.Random, deal: Deal, promises: list, n: int, start_id: int):
    out = []
    base = deal.kickoff_on
    for k in range(n):
        roll = rng.random()
        day = base + timedelta(days=rng.randrange(0, 400))
        common = dict(deal_id=deal.deal_id, source_file="export.csv", source_row=k + 2,
                      id=start_id + k)
        if roll < 0.35:
            opened = datetime.combine(day, datetime.min.time()) + timedelta(
                minutes=rng.randrange(0, 1440))
            out.append(Delivery(category="support", delivered_on=day,
                                description=f"Ticket: {rng.choice(['VPN down', 'Printer', 'Login fails', 'Slow app'])}",
                                reference=f"HD-{start_id + k}", priority=rng.choice(["P1", "P2", "P3"]),
                                opened_at=opened,
                                responded_at=opened + timedelta(minutes=rng.randrange(5, 90)),
                                resolved_at=opened + timedelta(hours=rng.randrange(1, 60)),
                                **common))
        elif roll < 0.45:
            out.append(Delivery(category="service_level", delivered_on=day,
                                description=f"Monthly uptime {day:%B %Y}",
                                value=round(rng.uniform(99.7, 100.0), 2),
                                reference=f"NOC-{k}", **common))
        elif roll < 0.65:
            out.append(Delivery(category="check_in", delivered_on=day,
                                description=rng.choice(CHECKINS)[1], reference=f"CRM-{k}",
                                **common))
        elif roll < 0.75:
            out.append(Delivery(category="training", delivered_on=day,
                                description=f"Admin training session {rng.randrange(1, 4)}",
                                quantity=1.0, reference=f"T-{k}", **common))
        elif roll < 0.90:
            topic = rng.choice(TOPICS)[1]
            link = rng.choice(promises[:3]).id if rng.random() < 0.1 else None
            out.append(Delivery(category="delivery", delivered_on=day, description=topic,
                                reference=f"PSA-{k}", promise_id=link, **common))
        else:
            _, text = rng.choice(UNITS)
            out.append(Delivery(category="delivery", delivered_on=day, description=text,
                                quantity=float(rng.randrange(5, 60)), reference=f"PSA-{k}",
                                **common))
    return out


def generate(n_deals: int, per_deal: int = 100, seed: int = 42):
    rng = random.Random(seed)
    deals, promises, deliveries = {}, [], []
    for i in range(n_deals):
        deal = _deal(rng, i)
        deals[deal.deal_id] = deal
        ps = _promises(rng, deal)
        promises.extend(ps)
        deliveries.extend(_deliveries(rng, deal, ps, per_deal, len(deliveries) + 1))
    waivers = {p.id: Waiver(p.id, "customer agreed", "ops", date(2027, 1, 1))
               for p in promises[::97]}
    return deals, promises, deliveries, waivers


def run(n_deals: int, per_deal: int) -> dict:
    deals, promises, deliveries, waivers = generate(n_deals, per_deal)
    settings = AuditSettings()
    gc.collect()
    c0, t0 = time.process_time(), time.perf_counter()
    matches = match_deliveries(promises, deliveries, deals, settings)
    t1 = time.perf_counter()
    verdicts, _ = audit_all(promises, deals, deliveries, AS_OF, settings, waivers,
                            matches=matches)
    c2, t2 = time.process_time(), time.perf_counter()
    return {"deals": n_deals, "promises": len(promises), "deliveries": len(deliveries),
            "match_s": t1 - t0, "audit_s": t2 - t1, "total_s": t2 - t0, "cpu_s": c2 - c0,
            "statuses": Counter(v.status for v in verdicts.values()),
            "matched": sum(1 for m in matches if m.promise_id and not m.ambiguous),
            "ambiguous": sum(1 for m in matches if m.ambiguous)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deals", type=int, default=10_000, help="deals at full size")
    ap.add_argument("--per-deal", type=int, default=100, help="delivery records per deal")
    ap.add_argument("--sizes", type=float, nargs="+", default=[0.1, 0.5, 1.0])
    args = ap.parse_args(argv)
    print(f"{'size':>5} {'promises':>9} {'records':>9} {'match s':>8} {'audit s':>8} "
          f"{'total s':>8} {'cpu s':>6} {'records/s':>10}")
    for size in args.sizes:
        r = run(max(1, int(args.deals * size)), args.per_deal)
        print(f"{size:>5.0%} {r['promises']:>9,} {r['deliveries']:>9,} {r['match_s']:>8.2f} "
              f"{r['audit_s']:>8.2f} {r['total_s']:>8.2f} {r['cpu_s']:>6.2f} "
              f"{r['deliveries'] / r['total_s']:>10,.0f}", flush=True)
        print(f"      matched {r['matched']:,}, ambiguous {r['ambiguous']:,}; "
              + ", ".join(f"{k} {v:,}" for k, v in sorted(r["statuses"].items())),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

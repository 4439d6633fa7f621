"""When a deal last heard from us: the latest recorded contact with the customer among
its delivery records, for reports that flag deals gone quiet."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping, Optional, Sequence

from ..models import Deal, Delivery

CONTACT_CATEGORIES = {"check_in": "check-in", "training": "training"}


@dataclass(frozen=True)
class LastContact:
    """The latest contact with a deal's customer as of a date.

    on: the day of the contact; days: days from then to ``as_of``; how: "check-in",
    "training" or "ticket reply"; record: the delivery record it came from.
    """

    deal_id: str
    on: date
    days: int
    how: str
    record: Delivery


def contact_of(record: Delivery, as_of: date) -> Optional[tuple]:
    """(day, how) when ``record`` is a contact with the customer known on ``as_of``: a
    check-in, meeting, review or training (its delivery date), or a ticket someone
    replied to (the reply's date). Dismissed records are no contact."""
    if record.dismissed:
        return None
    found = []
    if record.category in CONTACT_CATEGORIES and record.delivered_on is not None \
            and record.delivered_on <= as_of:
        found.append((record.delivered_on, CONTACT_CATEGORIES[record.category]))
    if record.responded_at is not None and record.responded_at.date() <= as_of:
        found.append((record.responded_at.date(), "ticket reply"))
    return max(found) if found else None


def last_contact(deal, deliveries: Sequence[Delivery],
                 as_of: Optional[date] = None) -> Optional[LastContact]:
    """The last recorded contact with the customer of ``deal`` (a Deal or a deal id)
    among ``deliveries``, as of ``as_of`` (default today; later records are ignored).

    RETURNS (LastContact | None): None when the deal has no contact on record.
    """
    deal_id = deal.deal_id if isinstance(deal, Deal) else str(deal)
    as_of = as_of or date.today()
    best = None
    for r in deliveries:
        if r.deal_id != deal_id:
            continue
        found = contact_of(r, as_of)
        # The latest day wins; on the same day, the record listed first.
        if found is not None and (best is None or found[0] > best[0][0]):
            best = (found, r)
    if best is None:
        return None
    (day, how), record = best
    return LastContact(deal_id, day, (as_of - day).days, how, record)


def last_contacts(deals: Mapping, deliveries: Sequence[Delivery],
                  as_of: Optional[date] = None) -> dict:
    """``last_contact`` for every deal: deal id -> LastContact or None, in id order."""
    as_of = as_of or date.today()
    by_deal: dict = {}
    for r in deliveries:
        by_deal.setdefault(r.deal_id, []).append(r)
    return {deal_id: last_contact(deal_id, by_deal.get(deal_id, ()), as_of)
            for deal_id in sorted(deals)}

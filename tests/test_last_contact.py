"""last_contact: days since the last recorded contact with a deal's customer."""
from datetime import date, datetime

from promiseaudit.audit.contact import last_contact, last_contacts
from promiseaudit.models import Deal, Delivery

DEAL = Deal("D-1", customer="Acme")
AS_OF = date(2027, 6, 30)


def rec(category, day, description="", deal="D-1", **kw):
    return Delivery(deal_id=deal, category=category, delivered_on=day,
                    description=description, **kw)


def test_the_latest_check_in_or_training_counts():
    records = [rec("check_in", date(2027, 5, 2), "QBR held", id=1),
               rec("training", date(2027, 6, 10), "Admin training", id=2),
               rec("delivery", date(2027, 6, 20), "Router shipped", id=3)]
    c = last_contact(DEAL, records, AS_OF)
    assert (c.deal_id, c.on, c.days, c.how, c.record.id) == ("D-1", date(2027, 6, 10), 20,
                                                             "training", 2)


def test_a_ticket_reply_counts_on_the_day_of_the_reply():
    ticket = rec("support", date(2027, 6, 1), "VPN down", id=7,
                 opened_at=datetime(2027, 6, 1, 9), responded_at=datetime(2027, 6, 25, 16))
    c = last_contact("D-1", [rec("check_in", date(2027, 6, 2), id=1), ticket], AS_OF)
    assert (c.on, c.days, c.how, c.record.id) == (date(2027, 6, 25), 5, "ticket reply", 7)


def test_later_dismissed_and_other_deals_records_are_ignored():
    records = [rec("check_in", date(2027, 4, 1), "Kick-off call", id=1),
               rec("check_in", date(2027, 7, 5), "Next QBR", id=2),  # after as_of
               rec("check_in", date(2027, 6, 1), "Duplicate", id=3, dismissed="by ana"),
               rec("check_in", date(2027, 6, 29), "Other deal", deal="D-2", id=4),
               rec("support", None, "Unanswered", id=5, opened_at=datetime(2027, 6, 1, 9),
                   responded_at=datetime(2027, 7, 2, 9))]  # replied after as_of
    c = last_contact(DEAL, records, AS_OF)
    assert (c.on, c.days, c.record.id) == (date(2027, 4, 1), 90, 1)


def test_no_contact_on_record():
    assert last_contact(DEAL, [rec("delivery", date(2027, 6, 1))], AS_OF) is None
    assert last_contact(DEAL, [], AS_OF) is None


def test_contact_today_is_zero_days():
    assert last_contact(DEAL, [rec("check_in", AS_OF, id=1)], AS_OF).days == 0


def test_every_deal_at_once():
    deals = {"D-2": Deal("D-2"), "D-1": DEAL}
    records = [rec("check_in", date(2027, 6, 1), id=1),
               rec("training", date(2027, 6, 20), deal="D-2", id=2)]
    out = last_contacts(deals, records, AS_OF)
    assert list(out) == ["D-1", "D-2"]
    assert (out["D-1"].days, out["D-2"].days) == (29, 10)
    assert last_contacts({"D-3": Deal("D-3")}, records, AS_OF) == {"D-3": None}


def test_through_the_ledger(seeded_db, tmp_path):
    from promiseaudit.imports import import_deliveries
    from promiseaudit.ledger import queries

    csv = tmp_path / "d.csv"
    csv.write_text("deal_id,category,delivered_on,description,opened_at,responded_at\n"
                   "D-1,check_in,2027-02-10,Kick-off meeting,,\n"
                   "D-1,support,2027-03-01,Login problem,2027-03-01T09:00:00,"
                   "2027-03-01T11:30:00\n", encoding="utf-8")
    import_deliveries(seeded_db, csv)
    c = last_contact(queries.get_deal(seeded_db, "D-1"), queries.deliveries(seeded_db),
                     date(2027, 3, 31))
    assert (c.on, c.days, c.how, c.record.description) == (date(2027, 3, 1), 30,
                                                           "ticket reply", "Login problem")

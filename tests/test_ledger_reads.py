"""Reading a large ledger fast (issue "large ledgers"): the promises, records and snapshot
rows made by the fast paths are exactly those of the plain constructors."""
import json
from datetime import date

from builders import make_document, make_promise
from promiseaudit.ledger import queries, store
from promiseaudit.models import Deal, Promise, Verdict


def _stored(db):
    promises = [
        make_promise("We will deliver the site survey report by 1 March 2027.",
                     due=date(2027, 3, 1), names_go_live=True, condition="if signed"),
        make_promise("Support requests will be resolved within 2 business days.", "support",
                     threshold=2.0, threshold_unit="business_day", direction="at_most"),
        make_promise("From September 2027, monthly reviews by the fifth working day.",
                     "check_in", recurrence="monthly", series_start=date(2027, 9, 1),
                     period_due_days=5, period_due_from="start", period_due_business=True),
    ]
    with db.atomic():
        store.upsert_deal(db, Deal("D-1", "Acme"))
        result = store.add_document(db, make_document("acme.md"), "D-1", promises)
    return result.promise_ids


def _plain(row: dict, source: str) -> Promise:
    """A promise row read the slow, obvious way: every field through the constructor."""
    flags = ("business_days", "names_go_live", "about_incidents", "period_due_business")
    dates = ("due", "series_start")
    values = {}
    for name in Promise.__dataclass_fields__:
        column = {"text": "quote", "source": None}.get(name, name)
        value = source if column is None else row[column]
        if name in flags:
            value = bool(value)
        elif name in dates and value:
            value = date.fromisoformat(value)
        values[name] = value
    return Promise(**values)


def test_promises_read_are_those_the_constructor_makes(fresh_db):
    ids = _stored(fresh_db)
    rows = {r["id"]: r for r in fresh_db["promises"].rows}
    for got in queries.promises(fresh_db) + [queries.get_promise(fresh_db, ids[2])]:
        expected = _plain(rows[got.id], "acme.md")
        assert got == expected
        assert list(got.__dict__) == list(expected.__dict__)  # to_dict keeps field order
        assert got.to_dict() == expected.to_dict()
        assert hash(got) == hash(expected)
    third = queries.get_promise(fresh_db, ids[2])
    assert third.series_start == date(2027, 9, 1) and third.period_due_business is True
    first = queries.get_promise(fresh_db, ids[0])
    assert first.due == date(2027, 3, 1) and first.names_go_live is True


def test_snapshot_json_is_compact_and_turns_dates_into_text():
    v = Verdict(promise_id="P1", status="late", rule="delivery", reason="Late by 3 days.",
                due=date(2027, 3, 1), due_basis="stated", days_late=3,
                figures={"on": date(2027, 3, 4), "share": 0.5})
    text = store._snapshot_json(v)
    assert text == ('{"reason":"Late by 3 days.","due_basis":"stated","days_late":3,'
                    '"figures":{"on":"2027-03-04","share":0.5},"evidence":[]}')
    assert json.loads(text)["figures"]["on"] == "2027-03-04"

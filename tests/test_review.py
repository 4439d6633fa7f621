"""Review: candidates are confirmed or rejected by people, one by one or by CSV."""
import csv
import io

import pytest

from promiseaudit import review
from promiseaudit.errors import RecordError
from promiseaudit.ledger import queries


def test_decide_records_who_and_when(seeded_db):
    p = queries.promises(seeded_db)[0]
    assert review.decide(seeded_db, p.id, "confirm", "dana") == "confirmed"
    assert queries.get_promise(seeded_db, p.id).review_state == "confirmed"
    change = queries.changes(seeded_db, p.id)[-1]
    assert (change["who"], change["old_value"], change["new_value"]) == (
        "dana", "candidate", "confirmed")
    assert change["at"]
    with pytest.raises(RecordError, match="use confirm, reject or candidate"):
        review.decide(seeded_db, p.id, "maybe", "dana")


def test_review_sheet_round_trip(seeded_db, tmp_path):
    sheet = review.export_csv(seeded_db)
    rows = list(csv.DictReader(io.StringIO(sheet)))
    assert len(rows) == 3 and all(r["decision"] == "" for r in rows)
    by_text = {r["quote"]: r for r in rows}
    by_text["We will run three training sessions."]["decision"] = "reject"
    gate = by_text["All 340 gateways will be installed by March 31, 2027."]
    gate["decision"] = "confirm"
    gate["due"] = "2027-04-15"
    path = tmp_path / "review.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    counts = review.import_csv(seeded_db, path, "marco")
    assert counts["confirmed"] == 1 and counts["rejected"] == 1 and counts["edited"] == 1
    assert counts["unchanged"] == 1
    g = queries.get_promise(seeded_db, gate["promise_id"])
    assert (g.review_state, g.due.isoformat()) == ("confirmed", "2027-04-15")
    assert review.candidates(seeded_db) and len(review.candidates(seeded_db)) == 1


def test_bad_review_sheet_changes_nothing(seeded_db, tmp_path):
    sheet = review.export_csv(seeded_db).splitlines()
    header = sheet[0].split(",")
    cells = next(csv.reader([sheet[1]]))
    cells[header.index("decision")] = "confirm"
    cells2 = next(csv.reader([sheet[2]]))
    cells2[header.index("due")] = "soon"
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    w.writerow(cells)
    w.writerow(cells2)
    path = tmp_path / "sheet.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    before = [(p.id, p.review_state, p.due) for p in queries.promises(seeded_db)]
    with pytest.raises(RecordError, match=r"sheet.csv row 3: due 'soon' is not valid"):
        review.import_csv(seeded_db, path, "dana")
    assert [(p.id, p.review_state, p.due) for p in queries.promises(seeded_db)] == before

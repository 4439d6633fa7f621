"""The evaluation command's library function: pairing, matching and scores."""
import json

import pytest

from promiseaudit.errors import PromiseAuditError
from promiseaudit.evaluate import assign, evaluate, match_score, normalise

PROPOSAL = """Prepared for: Bolt Retail Group
Prepared by: Acme Networks Ltd
Date: 12 January 2027

## Delivery

We will install 40 cameras by 30 June 2027. Weekly status calls will be held until go-live.
The Client will provide site access. Invoices are payable within 30 days.
"""

BLANK = {"due": None, "within_days": None, "business_days": False, "anchor": None, "recurrence": None,
         "quantity": None, "unit": None, "threshold": None, "threshold_unit": None, "direction": None,
         "strength": "firm", "condition": None}


def gold_item(text, category, **kw):
    return {"text": text, "category": category, **{**BLANK, **kw}}


@pytest.fixture
def fixture_dir(tmp_path):
    (tmp_path / "proposals").mkdir()
    (tmp_path / "gold").mkdir()
    (tmp_path / "proposals" / "cams.md").write_text(PROPOSAL, encoding="utf-8")
    gold = {
        "source": "cams.md", "document_date": "2027-01-12", "locale": "en-GB",
        "promises": [
            gold_item("We will install 40 cameras by 30 June 2027.", "delivery", due="2027-06-30", quantity=40,
                      unit="camera"),
            gold_item("Weekly status calls will be held until go-live.", "support", recurrence="weekly"),
            gold_item("A promise the extractor cannot find in this text at all.", "training"),
        ],
        "non_promises": ["The Client will provide site access."],
    }
    (tmp_path / "gold" / "cams.json").write_text(json.dumps(gold), encoding="utf-8")
    return tmp_path


def test_matching_rule():
    assert normalise("  “Quoted”\n text – here ") == '"quoted" text - here'
    assert match_score("We will install 40 cameras.", "we will install 40 cameras") == 1.0
    assert match_score("- install 40 cameras by June;", "install 40 cameras by June") == 1.0
    clipped = "Under that warranty, a failed unit will be replaced within one business day."
    assert match_score(clipped, "Under that warranty,") == 1.0
    assert match_score("Service credits.", "Service credits apply when uptime falls below 99.9%.") < 0.6
    assert match_score("We will train 12 staff in May.", "We will train 12 staff in June.") >= 0.6
    assert match_score("Invoices are payable within 30 days.", "We will install cameras.") < 0.6


def test_assignment_is_one_to_one_best_first():
    gold = ["We will install 40 cameras by June.", "We will install 40 cameras by July."]
    found = ["We will install 40 cameras by July."]
    assert assign(gold, found) == [(1, 0, 1.0)]


def test_evaluate_scores_a_small_gold_set(fixture_dir, nlp):
    report = evaluate(fixture_dir / "gold", nlp=nlp)
    overall = report.overall
    assert (overall["gold"], overall["found"], overall["matched"]) == (3, 2, 2)
    assert report.precision == 1.0 and report.recall == pytest.approx(2 / 3, abs=1e-3)
    assert report.category_accuracy == 0.5
    assert report.parameter_accuracy["due"] == 1.0 and report.parameter_accuracy["quantity"] == 1.0
    assert [m["text"] for m in report.misses] == ["A promise the extractor cannot find in this text at all."]
    assert report.mismatches[0]["field"] == "category" and report.mismatches[0]["found"] == "check_in"
    assert report.by_kind.keys() == {"txt/md"}
    data = report.to_dict()
    assert data["overall"]["f1"] == report.f1 and data["sources"][0]["source"] == "cams.md"
    json.dumps(data)
    text = report.format_text()
    assert "overall" in text and "Missed (1)" in text and "cams.md" in text


def test_false_positive_on_a_labelled_non_promise_is_marked(fixture_dir, nlp):
    gold_path = fixture_dir / "gold" / "cams.json"
    gold = json.loads(gold_path.read_text())
    gold["promises"] = gold["promises"][:1]
    gold["non_promises"] = ["Weekly status calls will be held until go-live."]
    gold_path.write_text(json.dumps(gold))
    report = evaluate(fixture_dir / "gold", nlp=nlp)
    assert [f["labelled_non_promise"] for f in report.false_positives] == [True]
    assert "labelled non-promise" in report.format_text()


def test_every_source_of_a_stem_is_scored(fixture_dir, nlp):
    (fixture_dir / "pdf").mkdir()
    (fixture_dir / "pdf" / "cams.pdf").write_bytes(b"not really a pdf")
    report = evaluate(fixture_dir / "gold", nlp=nlp)
    assert [s.source for s in report.sources] == ["cams.md", "cams.pdf"]
    broken = report.sources[1]
    assert broken.error and broken.matched == 0 and len(broken.misses) == 3
    assert "ERROR" in report.format_text()


def test_missing_gold_folder_is_an_error(tmp_path):
    with pytest.raises(PromiseAuditError, match="not a folder"):
        evaluate(tmp_path / "nope")


def test_a_folder_without_gold_files_is_an_error_not_a_perfect_score(tmp_path):
    # "eval fixtures/holdout" used to print 0 sources and F1 1.000.
    (tmp_path / "gold").mkdir()
    with pytest.raises(PromiseAuditError, match=r"no gold files .*did you mean .*gold\?"):
        evaluate(tmp_path)


def test_a_found_zero_is_a_spurious_value_where_none_is_labelled():
    # "at go-live" gives within_days 0; 0 == False must not hide it from the count
    from types import SimpleNamespace

    from promiseaudit.evaluate import PARAMETERS, SourceResult, _score

    text = "Floor walkers will be available at go-live."
    found = SimpleNamespace(text=text, category="support", rule="r", reason="", page=1,
                            **{**{p: None for p in PARAMETERS}, "business_days": False,
                               "strength": "firm", "within_days": 0, "anchor": "go_live"})
    result = SourceResult(gold_file="g.json", source="s.md", kind="txt/md")
    _score(result, {"promises": [gold_item(text, "support")]}, [found])
    assert result.parameter_spurious["within_days"] == 1
    assert result.parameter_spurious["anchor"] == 1

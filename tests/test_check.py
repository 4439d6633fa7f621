"""`promiseaudit check`: a draft's promises weighed against a ledger whose history is
known (tests/check_history.py), each section of the check, and --strict exit codes."""
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from promiseaudit import api
from promiseaudit.audit.draft import check_draft
from promiseaudit.audit.track import MIN_HISTORY, Past, shape_of, track_record
from promiseaudit.cli import main
from promiseaudit.extract.draft import load_checks, read_draft, wording_of
from promiseaudit.ledger import open_ledger
from promiseaudit.report.check import check_html, check_text
from builders import make_promise, text_document
from check_history import AS_OF, build_history

DRAFT = Path(__file__).parent / "data" / "check" / "pinecrest-draft.md"
CLEAN = """# Proposal for Birch Logistics

**Prepared by:** Northbeam Networks, Inc.
**Prepared for:** Birch Logistics Ltd
**Date:** March 1, 2027

## Our commitments

- We will deliver a site survey report within 20 days of contract signature.
- We will deliver three remote training sessions before go-live.
- We will check in with you 30 days after go-live.
- Your account manager will hold a monthly service review with your team.

## Client responsibilities

Birch Logistics will provide site access, the current network data and sign-off of the design within 10 days of signature.
"""


@pytest.fixture(scope="module")
def history_path(tmp_path_factory, nlp):
    folder = tmp_path_factory.mktemp("history")
    path = folder / "history.db"
    build_history(open_ledger(str(path)), folder, nlp=nlp)
    return str(path)


@pytest.fixture(scope="module")
def history_db(history_path):
    return open_ledger(history_path)


@pytest.fixture(scope="module")
def result(history_db, nlp):
    return api.check_draft(history_db, DRAFT, as_of=AS_OF, nlp=nlp)


def by_quote(result, words):
    return next(c for c in result.promises if words in c.promise.text)


# --- track record --------------------------------------------------------------------


def test_go_live_record_counts_similar_promises_and_the_actual_lead(result):
    c = by_quote(result, "Go-live of the managed network")
    assert c.terms == "go-live 6 weeks after signature"
    r = c.record
    assert (r.similar, r.kept, r.late, r.broken, r.deals) == (10, 3, 7, 0, 10)
    assert r.rate == pytest.approx(0.3)
    assert r.actual == "median actual 9 weeks after signature"
    assert r.basis == "go-live promises due 3 to 9 weeks after signature"
    assert r.sentence() == ("10 similar promises over 10 deals in the ledger: 3 kept, 7 late "
                            "(30 % kept); median actual 9 weeks after signature.")
    assert c.weak  # 30 % is below the default 60 %


def test_deadline_similarity_is_plus_or_minus_half_the_lead(history_db):
    outcome = api.run_audit(history_db, AS_OF, save=False)
    history = [Past(p, outcome.verdicts[p.id], outcome.deals[p.deal_id])
               for p in outcome.promises]
    def record(days):
        p = make_promise("Go-live within N days of signature.", within_days=days,
                         anchor="signature", names_go_live=True)
        return track_record(shape_of(p), history, "the ledger")
    # 6 weeks: 21-63 days holds all ten go-lives (promised at 42 days).
    assert record(42).similar == 10
    # 100 days: 50-150 days holds none of them.
    assert record(100).similar == 0
    assert record(28).similar == 10 and record(27).similar == 0  # 14-42 vs 14-40


def test_survey_and_training_records(result):
    survey = by_quote(result, "site survey report").record
    assert (survey.similar, survey.kept, survey.late, survey.broken) == (6, 4, 1, 1)
    assert survey.actual == ("median actual 15 days after signature, 1 not delivered by the "
                             "due date")
    training = by_quote(result, "three remote training").record
    assert (training.similar, training.kept, training.late, training.broken) == (8, 5, 1, 2)
    assert "2 not delivered in full by the due date" in training.actual
    assert not by_quote(result, "three remote training").weak  # 62.5 % >= 60 %


def test_recurring_record_counts_periods_held(result):
    c = by_quote(result, "quarterly business review")
    r = c.record
    assert (r.similar, r.kept, r.late, r.broken) == (3, 1, 1, 1)
    assert r.actual == "10 of 12 quarters held on time, 1 late"
    assert c.weak


def test_too_little_history_gives_no_rate(result):
    c = by_quote(result, "99.99%")
    assert c.record.similar == 0 and c.record.rate is None and not c.record.enough
    assert c.record.sentence().startswith("Too little history to give a rate: no similar "
                                          "promises in the ledger have fallen due")
    assert not c.weak


def test_a_level_only_matches_levels_at_least_as_strict(history_db, nlp, tmp_path):
    draft = tmp_path / "d.md"
    draft.write_text("# Draft\n\n- The network will be available at least 99.5% of the time "
                     "each month.\n- Priority 1 incidents will receive a response within 2 "
                     "hours.\n", encoding="utf-8")
    result = api.check_draft(history_db, draft, as_of=AS_OF, nlp=nlp)
    uptime = by_quote(result, "99.5%").record
    assert (uptime.similar, uptime.kept, uptime.broken) == (5, 4, 1)
    assert uptime.actual == "9 of 10 months met the level"
    p1 = by_quote(result, "2 hours")
    assert (p1.record.similar, p1.record.kept) == (5, 4)  # 1 hour is stricter than 2 hours
    assert not p1.overreach


def test_rep_scope_and_the_whole_ledger_beside_it(history_db, nlp):
    result = api.check_draft(history_db, DRAFT, rep="dana whitfield", as_of=AS_OF, nlp=nlp)
    go_live = by_quote(result, "Go-live of the managed network")
    assert go_live.record.scope == "dana whitfield's deals"
    assert (go_live.record.similar, go_live.record.kept) == (6, 3)
    assert go_live.wider is None  # enough history in the scope itself
    qbr = by_quote(result, "quarterly business review")
    assert qbr.record.similar == 3  # H-01..H-03 are Dana's
    marco = api.check_draft(history_db, DRAFT, rep="Marco Reyes", as_of=AS_OF, nlp=nlp)
    survey = by_quote(marco, "site survey report")
    assert survey.record.similar == 0 and survey.wider.similar == 6
    assert survey.telling is survey.wider


# --- over-promising ------------------------------------------------------------------


def test_absolute_language(result):
    assert by_quote(result, "always receive").absolutes == ("always",)
    assert by_quote(result, "We guarantee 100%").absolutes == ("guarantee", "100%")
    assert by_quote(result, "Support is available 24/7").absolutes == ("24/7",)
    assert by_quote(result, "Go-live of the managed").absolutes == ()


def test_round_the_clock_with_a_response_level_is_not_absolute():
    checks = load_checks()
    p = make_promise("Priority 1 incidents will receive a response within 1 hour, 24 hours "
                     "a day, 7 days a week.", "service_level", threshold=1,
                     threshold_unit="hour", direction="at_most")
    w = wording_of(p, checks)
    assert w.round_the_clock and not w.absolutes
    warranty = make_promise("We guarantee the gateways for 12 months.", "warranty")
    assert not wording_of(warranty, checks).absolutes  # a guarantee is what a warranty is


def test_levels_stricter_than_anything_kept(result):
    uptime = by_quote(result, "99.99%")
    assert uptime.overreach == ("Stricter than anything the ledger shows kept: the best "
                                "availability kept was at least 99.9% (4 kept, 4 deals).",)
    p1 = by_quote(result, "within 15 minutes")
    assert p1.overreach == ("Stricter than anything the ledger shows kept: the best P1 "
                            "response time kept was within 1 hour (4 kept, 4 deals).",)


def test_go_live_faster_than_ever_delivered(history_db, nlp, tmp_path):
    draft = tmp_path / "fast.md"
    draft.write_text("# Draft\n\n- Go-live of the managed network will take place within 4 "
                     "weeks of contract signature.\n", encoding="utf-8")
    c = api.check_draft(history_db, draft, as_of=AS_OF, nlp=nlp).promises[0]
    assert c.overreach == ("Faster than the ledger has ever delivered: the quickest go-live "
                           "came 5 weeks after signature (10 delivered).",)


# --- nothing to check ----------------------------------------------------------------


def test_unverifiable_promises_get_a_suggestion(result):
    c = by_quote(result, "excellent support")
    assert c.unverifiable.startswith("\u201cas soon as possible\u201d and \u201cexcellent\u201d "
                                     "cannot be checked; add hours and a response time")
    assert not by_quote(result, "site survey report").unverifiable


def test_check_in_without_cadence_or_date_is_unverifiable(history_db, nlp, tmp_path):
    draft = tmp_path / "d.md"
    draft.write_text("# Draft\n\n- We will provide regular progress updates to your "
                     "team.\n", encoding="utf-8")
    result = api.check_draft(history_db, draft, as_of=AS_OF, nlp=nlp)
    assert result.promises[0].unverifiable.startswith("\u201cregular\u201d cannot be checked; "
                                                      "add a cadence or a date")


# --- missing touch points and customer duties -------------------------------------------


def test_missing_touch_points(result):
    keys = [g.key for g in result.gaps]
    assert "after_go_live" in keys  # only a quarterly review: no check-in soon after go-live
    assert "review_cadence" not in keys and "training" not in keys


def test_draft_with_nothing_after_go_live(history_db, nlp, tmp_path):
    draft = tmp_path / "d.md"
    draft.write_text("# Draft\n\n- We will deliver the router by 1 May 2027.\n- Weekly status "
                     "calls until go-live.\n", encoding="utf-8")
    result = api.check_draft(history_db, draft, as_of=AS_OF, nlp=nlp)
    assert [g.key for g in result.gaps] == ["after_go_live", "review_cadence", "training",
                                            "duties"]
    duty = result.gaps[-1]
    assert duty.title == "What the customer must provide"
    assert "access (to sites, systems or accounts), data (exports, files, current records), " \
           "approvals" in duty.advice


def test_customer_duties_come_from_the_extractors_units(result):
    texts = [d.text for d in result.duties]
    assert texts == ["Pinecrest Freight will provide site access and a local contact at each "
                     "depot.", "The client shall provide the current network data within 10 "
                     "days of signature."]
    assert [d.kinds for d in result.duties] == [("access",), ("data",)]
    gap = next(g for g in result.gaps if g.key == "duties")
    assert gap.advice.startswith("The customer's duties in the draft leave out approvals")


def test_shipped_model_finds_the_same_duties(shipped_nlp):
    doc = text_document("# Draft\n\nWe will install the gateways by 1 May 2027.\n\n"
                        "## Client responsibilities\n\nThe customer will approve the design "
                        "within 5 days.\n", "d.md")
    draft = read_draft(doc, shipped_nlp)
    assert [d.kinds for d in draft.duties] == [("approvals",)]


def test_a_clean_draft_has_nothing_to_fix(history_db, nlp, tmp_path):
    draft = tmp_path / "clean.md"
    draft.write_text(CLEAN, encoding="utf-8")
    result = api.check_draft(history_db, draft, as_of=AS_OF, nlp=nlp)
    assert result.gaps == ()
    assert not result.strict_failures()
    assert result.summary() == "4 promises checked: nothing to fix."


# --- summary, text, HTML ---------------------------------------------------------------


def test_summary_line(result):
    assert result.summary() == (
        "9 promises checked: 3 with absolute language; 3 with more than the ledger shows "
        "was ever done; 2 with a weak track record (kept less than 60 % of the time); 1 with "
        "nothing to check; missing: a check-in after go-live, some of what the customer "
        "must provide.")
    assert result.strict_failures() == [
        "3 promises use absolute language",
        "2 promises have similar promises kept less than 60 % of the time"]


def test_nothing_is_stored(history_db, nlp):
    before = {t: history_db[t].count for t in history_db.table_names()}
    api.check_draft(history_db, DRAFT, as_of=date(2027, 7, 1), nlp=nlp)
    assert {t: history_db[t].count for t in history_db.table_names()} == before


def test_text_has_every_section_and_no_codes(result):
    text = check_text(result)
    for heading in ("TRACK RECORD", "OVER-PROMISING", "NOTHING TO CHECK",
                    "MISSING TOUCH POINTS", "WHAT THE CUSTOMER MUST PROVIDE"):
        assert f"\n{heading}\n" in text
    assert "You promise go-live 6 weeks after signature." in text
    for code in ("go_live", "service_level", "check_in", "absolute.", "vague.", "at_least"):
        assert code not in text
    assert all(len(line) <= 78 for line in text.splitlines())


def test_html_sections(result):
    soup = BeautifulSoup(check_html(result), "html.parser")
    assert soup.h1.get_text() == "Draft check: pinecrest-draft.md"
    for section in ("record", "over", "unverifiable", "touch", "duties"):
        assert soup.find("section", id=section) is not None
    assert len(soup.select("#record article")) == 9
    assert "median actual 9 weeks after signature" in soup.select_one("#record").get_text()
    assert not soup.find_all(["script", "link"]) or all(
        l.get("href", "").startswith("data:") for l in soup.find_all("link"))
    assert "go_live" not in soup.get_text() and "service_level" not in soup.get_text()


# --- the command ----------------------------------------------------------------------


def test_cli_check_prints_and_writes_html(runner, history_path, tmp_path):
    out = tmp_path / "check.html"
    r = runner.invoke(main, ["--db", history_path, "check", str(DRAFT), "--as-of", "2027-06-30",
                             "--model", "rules", "-o", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("CHECK OF DRAFT: pinecrest-draft.md\n")
    assert out.exists() and "Check written to" in r.stderr


def test_cli_strict_fails_on_absolutes_and_weak_records(runner, history_path):
    r = runner.invoke(main, ["--db", history_path, "check", str(DRAFT), "--as-of", "2027-06-30",
                             "--model", "rules", "--strict"])
    assert r.exit_code == 1
    assert r.stderr == ("Error: Not ready to send (--strict): 3 promises use absolute language; "
                        "2 promises have similar promises kept less than 60 % of the time\n")


def test_cli_strict_min_kept(runner, history_path, tmp_path):
    draft = tmp_path / "d.md"
    draft.write_text("# Draft\n\n- We will deliver a site survey report within 20 days of "
                     "contract signature.\n", encoding="utf-8")
    args = ["--db", history_path, "check", str(draft), "--as-of", "2027-06-30", "--model",
            "rules", "--strict"]
    assert runner.invoke(main, args).exit_code == 0  # 67 % kept >= 60 %
    r = runner.invoke(main, args + ["--min-kept", "0.7"])
    assert r.exit_code == 1
    assert "kept less than 70 % of the time" in r.stderr
    assert runner.invoke(main, args + ["--min-kept", "70"]).exit_code == 2  # not a share


def test_cli_check_without_a_ledger(runner, tmp_path):
    r = runner.invoke(main, ["--db", str(tmp_path / "none.db"), "check", str(DRAFT),
                             "--model", "rules"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "no track records to compare with" in " ".join(r.stdout.split())
    assert not (tmp_path / "none.db").exists()


def test_cli_check_unreadable_draft(runner, tmp_path):
    bad = tmp_path / "draft.rtf"
    bad.write_text("{\\rtf1}", encoding="utf-8")
    r = runner.invoke(main, ["--db", str(tmp_path / "l.db"), "check", str(bad)])
    assert r.exit_code == 1 and r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1


def test_min_history_is_three():
    assert MIN_HISTORY == 3


def test_check_draft_refuses_a_bad_share(history_db):
    from promiseaudit.extract.draft import Draft

    with pytest.raises(ValueError):
        check_draft(Draft(text_document("x"), (), ()), [], AS_OF, min_kept=1.5)

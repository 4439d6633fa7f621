"""`promiseaudit plan`: a deal's after-sale touch points as calendar events (.ics)."""
from datetime import date

import icalendar
import pytest

from promiseaudit import api
from promiseaudit.audit.plan import (DEFAULT_CADENCE, Cadence, cadence_with, load_cadence,
                                     schedule)
from promiseaudit.cli import main
from promiseaudit.errors import PromiseAuditError
from promiseaudit.export import export_plan
from promiseaudit.ledger import open_ledger, queries
from after_sale import build_deal, deal_ledger

START = date(2027, 1, 15)  # the day D-1001 was signed


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory, nlp):
    return deal_ledger(tmp_path_factory.mktemp("plan"), nlp)


@pytest.fixture(scope="module")
def db(ledger_path):
    return open_ledger(ledger_path)


def events(ics: bytes) -> list:
    cal = icalendar.Calendar.from_ical(ics)
    return [(e.decoded("DTSTART"), str(e["SUMMARY"]), str(e["UID"]), str(e["DESCRIPTION"]))
            for e in cal.walk("VEVENT")]


@pytest.fixture(scope="module")
def plan_events(db):
    return events(export_plan(api.after_sale_plan(db, "D-1001", START)))


def named(plan_events, words):
    return [e for e in plan_events if words in e[1]]


def test_default_cadence(plan_events):
    assert [e[0] for e in named(plan_events, "Thank-you call")] == [date(2027, 1, 22)]
    assert [e[0] for e in named(plan_events, "Check-up after go-live")] == [date(2027, 5, 22)]
    assert [e[0] for e in named(plan_events, "Renewal review")] == [date(2027, 12, 2)]


def test_recurring_check_ins_are_events_over_the_term(plan_events):
    assert [e[0] for e in named(plan_events, "quarterly business review")] == [
        date(2027, 4, 24), date(2027, 7, 24), date(2027, 10, 24), date(2028, 1, 24)]
    monthly = [e[0] for e in named(plan_events, "monthly service review")]
    assert monthly[0] == date(2027, 5, 21) and monthly[-1] == date(2028, 1, 21)
    assert len(monthly) == 9
    # The unreviewed one-off check-in is in the plan too (plans include candidates).
    assert [e[0] for e in named(plan_events, "check in with you 30 days")] == [date(2027, 5, 22)]


def test_events_say_what_to_review(plan_events):
    qbr = named(plan_events, "quarterly business review")[0]
    description = qbr[3]
    assert description.startswith("Your account manager will hold a quarterly business review")
    assert "What to review:" in description
    assert "three remote training sessions for your IT staff before go-live. (due 2027-04-22)" \
        in description
    assert "(ongoing: at least 99.9%)" in description
    thanks = named(plan_events, "Thank-you call")[0][3]
    assert "ongoing" not in thanks  # service levels are reviewed after go-live, not at signing
    assert "Team cadence: 7 days after signature" in thanks


def test_uids_are_stable_across_exports(db):
    first = events(export_plan(api.after_sale_plan(db, "D-1001", START)))
    second = events(export_plan(api.after_sale_plan(db, "D-1001", START)))
    assert [e[2] for e in first] == [e[2] for e in second]
    assert len({e[2] for e in first}) == len(first)
    uids = {e[1]: e[2] for e in first}
    assert uids["Harbor Logistics: Thank-you call"] == "plan-D-1001-thank-you-call@promiseaudit"
    qbr = [e[2] for e in named(first, "quarterly business review")]
    assert qbr[0].startswith("plan-D-1001-P") and qbr[0].endswith("-20270424@promiseaudit")


def test_a_moved_go_live_moves_the_check_up_under_the_same_uid(tmp_path, nlp):
    other = open_ledger(str(tmp_path / "l.db"))
    build_deal(other, tmp_path, nlp)
    before = {e[2]: e[0] for e in events(export_plan(api.after_sale_plan(other, "D-1001", START)))}
    api.set_deal(other, "D-1001", go_live_on=date(2027, 5, 3))
    after = {e[2]: e[0] for e in events(export_plan(api.after_sale_plan(other, "D-1001", START)))}
    uid = "plan-D-1001-check-up-after-go-live@promiseaudit"
    assert (before[uid], after[uid]) == (date(2027, 5, 22), date(2027, 6, 2))


def test_plan_starts_at_the_given_date(db):
    plan = api.after_sale_plan(db, "D-1001", date(2027, 6, 1))
    assert plan.points[0].day >= date(2027, 6, 1)
    assert not any(t.title == "Thank-you call" for t in plan.points)


def test_contract_end_not_recorded(tmp_path, nlp):
    other = open_ledger(str(tmp_path / "l.db"))
    build_deal(other, tmp_path, nlp)
    api.clear_deal_fields(other, "D-1001", ["ends_on"])
    plan = api.after_sale_plan(other, "D-1001", START)
    assert plan.term_assumed and plan.term_end == date(2028, 1, 16)
    assert plan.unplaced == ("Renewal review: the contract end date is not recorded yet",)
    qbr = [t.day for t in plan.points if "quarterly" in t.about]
    # A year from the start: the fourth review (24 January 2028) falls after it.
    assert qbr == [date(2027, 4, 24), date(2027, 7, 24), date(2027, 10, 24)]


def test_schedule_follows_the_audits_periods(db):
    qbr = next(p for p in queries.promises(db) if "quarterly" in p.text)
    deal = queries.get_deal(db, "D-1001")
    assert schedule(qbr, deal, START) == [date(2027, 4, 24), date(2027, 7, 24),
                                          date(2027, 10, 24), date(2028, 1, 24)]


def test_cadence_options_and_toml(tmp_path):
    changed = cadence_with({"signature": 3, "go_live": None, "end": -1})
    assert [(c.name, c.days) for c in changed] == [("Thank-you call", 3),
                                                   ("Check-up after go-live", 30)]
    toml = tmp_path / "cadence.toml"
    toml.write_text('[[touch_point]]\nname = "Welcome pack"\nafter = "kickoff"\ndays = 2\n'
                    'about = "Send the welcome pack."\n\n[[touch_point]]\nname = "Renewal '
                    'talk"\nbefore = "end"\ndays = 90\n', encoding="utf-8")
    assert load_cadence(toml) == (Cadence("Welcome pack", "kickoff", 2, "Send the welcome pack."),
                                  Cadence("Renewal talk", "end", 90, ""))
    toml.write_text('[[touch_point]]\nname = "Oops"\nafter = "launch"\ndays = 2\n',
                    encoding="utf-8")
    with pytest.raises(PromiseAuditError, match="touch point 1 \\(Oops\\): after must be "
                       "signature, kickoff or go_live"):
        load_cadence(toml)
    assert len(DEFAULT_CADENCE) == 3


def test_cli_plan(runner, ledger_path, tmp_path):
    out = tmp_path / "plan.ics"
    cadence = tmp_path / "c.toml"
    cadence.write_text('[[touch_point]]\nname = "Welcome pack"\nafter = "kickoff"\ndays = 2\n',
                       encoding="utf-8")
    r = runner.invoke(main, ["--db", ledger_path, "plan", "--deal", "D-1001", "--from",
                             "2027-01-15", "-o", str(out), "--cadence", str(cadence)],
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    got = events(out.read_bytes())
    assert [e[1] for e in got if e[0] == date(2027, 1, 27)] == ["Harbor Logistics: Welcome pack"]
    assert not any("Thank-you" in e[1] for e in got)
    assert "touch points for deal D-1001 from 2027-01-15" in r.stderr
    r = runner.invoke(main, ["--db", ledger_path, "plan", "--deal", "D-1001", "--from",
                             "2027-01-15", "-o", str(out), "--thank-you-days", "-1",
                             "--renewal-days", "30"], catch_exceptions=False)
    got = events(out.read_bytes())
    assert not any("Thank-you" in e[1] for e in got)
    assert [e[0] for e in got if "Renewal review" in e[1]] == [date(2028, 1, 1)]

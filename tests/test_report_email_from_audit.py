"""Issue 11: the weekly e-mail made from the stored audit (`report weekly --from-audit
--email/--smtp`) is the e-mail a fresh audit of the same, unchanged ledger gives: same
subject, HTML and plain text, same recipients, same messages per rep. The SMTP server
is aiosmtpd, started by each test on 127.0.0.1 and stopped by it."""
import re
from datetime import date, timedelta

import pytest

from promiseaudit import api
from promiseaudit.cli import main
from promiseaudit.ledger import open_ledger
from promiseaudit.report import render_weekly, week_bounds
from promiseaudit.report.formatting import DateFormatter
from promiseaudit.report.mail import weekly_mail
from promiseaudit.report.views import (report_reps, report_reps_stored, weekly_context,
                                       weekly_context_stored)
from report_data import AS_OF, build_sample_ledger
from test_report_email import NOW, SENDER, Inbox, parse, parts, smtp_server

DEMO_DAYS = [AS_OF, AS_OF - timedelta(days=3), date(2027, 5, 3)]
TEAM = "head-of-sales@northbeam.example"
REPS = {"dana whitfield": "Dana Whitfield <dana@northbeam.example>",
        "Marco Reyes": "marco@northbeam.example"}


def both(db, as_of):
    """(the fresh audit, the stored audit) of the week of ``as_of``, as the command reads
    them, and the week."""
    start, end = week_bounds(as_of)
    previous = dict(previous_before=start - timedelta(days=1),
                    previous_after=start - timedelta(days=7))
    return (api.load_audit_data(db, as_of, save=False, **previous),
            api.load_stored_audit(db, as_of, **previous), start, end)


def raw(mail) -> bytes:
    """The message as sent, its random MIME boundary made fixed."""
    return re.sub(rb"={15}\d+==", b"=BOUNDARY=", mail.message.as_bytes())


def assert_same_mails(fresh, stored):
    assert [(m.rep, m.slug, m.recipients) for m in stored] == \
        [(m.rep, m.slug, m.recipients) for m in fresh]
    for a, b in zip(fresh, stored):
        assert raw(b) == raw(a), b.rep


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The bundled sample with Ashford's rep written another way (the same rep), audited
    and stored as of each day."""
    db = open_ledger(str(tmp_path_factory.mktemp("ledger") / "ledger.db"))
    build_sample_ledger(db)
    api.set_deal(db, "D-1003", rep=" dana WHITFIELD")
    for day in DEMO_DAYS:
        api.run_audit(db, day)
    return db


@pytest.mark.parametrize("as_of", DEMO_DAYS, ids=str)
@pytest.mark.parametrize("options", [
    dict(to=[TEAM]),
    dict(to=[TEAM], per_rep=True, rep_addresses=REPS),
    dict(per_rep=True, rep_addresses={"Marco Reyes": "marco@northbeam.example"}),
    dict(to=[TEAM], per_rep=True, date_format="%d %b %Y", quiet_days=3),
], ids=["team", "per rep", "one rep's address", "date format"])
def test_the_mail_from_the_stored_audit_is_the_fresh_one(sample, as_of, options):
    data, src, start, end = both(sample, as_of)
    fresh = weekly_mail(data, start, end, SENDER, now=NOW, **options)
    stored = weekly_mail(src, start, end, SENDER, now=NOW, **options)
    assert_same_mails(fresh, stored)
    if options.get("per_rep"):
        assert [m.rep for m in stored] == ["Dana Whitfield", "Marco Reyes"]
        dana = parts(parse(stored[0].message.as_bytes()))[0]
        assert "Ashford County Council" in dana and "Crestview Dental Group" not in dana


# Twelve random deals of reps Ana, Bo and none, audited on three days (the stored
# reports' test ledger).
from test_audit_streamed import ledger  # noqa: E402,F401
from test_report_from_audit import RANDOM_DAYS, random_ledger  # noqa: E402,F401


def test_a_random_ledger_gives_the_same_mail_per_rep(random_ledger):  # noqa: F811
    fmt = DateFormatter("%Y-%m-%d")
    for day in RANDOM_DAYS:
        data, src, start, end = both(random_ledger, day)
        assert report_reps_stored(src) == report_reps(data) == ["Ana", "Bo", ""]
        for per_rep in (False, True, False):  # every deal again after the reps' deals
            assert_same_mails(weekly_mail(data, start, end, SENDER, [TEAM], per_rep=per_rep, now=NOW),
                              weekly_mail(src, start, end, SENDER, [TEAM], per_rep=per_rep, now=NOW))
        # Each rep's lists cut to one and two rows are cut alike too.
        for rep in report_reps(data):
            for limit in (1, 2):
                fresh = weekly_context(data, start, end, fmt, rep=rep, quiet_days=3,
                                       limit=limit, cards=limit)
                stored = weekly_context_stored(src, start, end, fmt, 3, limit, limit, rep=rep)
                assert render_weekly(stored, for_email=True) == \
                    render_weekly(fresh, for_email=True), (day, rep, limit)


# --- the command ---------------------------------------------------------------------


@pytest.fixture
def ledger_file(tmp_path):
    path = tmp_path / "sample.db"
    build_sample_ledger(open_ledger(str(path)))
    return str(path)


def run(runner, ledger_file, *args, env=None):
    return runner.invoke(main, ["--db", ledger_file, *map(str, args)], env=env or {})


def weekly(runner, ledger_file, *args, env=None):
    return run(runner, ledger_file, "report", "weekly", "--as-of", "2027-05-16", *args, env=env)


def what_was_sent(msg) -> tuple:
    """A message without what only says when it was made (Date, Message-ID)."""
    return (msg["Subject"], msg["From"], msg["To"], msg["Cc"], *parts(msg))


def test_cli_writes_the_per_rep_mail_from_the_stored_audit(runner, ledger_file, tmp_path):
    assert run(runner, ledger_file, "audit", "--as-of", "2027-05-16").exit_code == 0
    options = ["--from", SENDER, "--to", TEAM, "--per-rep",
               "--rep-email", "Dana Whitfield=dana@northbeam.example"]
    (tmp_path / "stored").mkdir()
    (tmp_path / "fresh").mkdir()
    stored = weekly(runner, ledger_file, "--from-audit", "--email", tmp_path / "stored" / "w.eml",
                    *options)
    assert stored.exit_code == 0, stored.output
    assert stored.stderr.splitlines() == [
        f"E-mail written to {tmp_path / 'stored' / name}"
        for name in ("w-dana-whitfield.eml", "w-marco-reyes.eml")]
    assert not (tmp_path / "weekly.html").exists() and not (tmp_path / "stored" / "w.html").exists()
    fresh = weekly(runner, ledger_file, "--email", tmp_path / "fresh" / "w.eml", *options)
    assert fresh.exit_code == 0, fresh.output
    for name in ("w-dana-whitfield.eml", "w-marco-reyes.eml"):
        assert what_was_sent(parse((tmp_path / "stored" / name).read_bytes())) == \
            what_was_sent(parse((tmp_path / "fresh" / name).read_bytes()))
    marco = parse((tmp_path / "stored" / "w-marco-reyes.eml").read_bytes())
    assert (marco["To"], marco["Cc"]) == (TEAM, None)  # no address of his own: the team's


def test_cli_sends_the_mail_from_the_stored_audit(runner, ledger_file, tmp_path):
    assert run(runner, ledger_file, "audit", "--as-of", "2027-05-16").exit_code == 0
    received = []
    for extra in (["--from-audit", "-o", tmp_path / "w.html"], []):
        inbox = Inbox()
        with smtp_server(inbox) as server:
            r = weekly(runner, ledger_file, *extra, "--smtp", server, "--to", TEAM,
                       env={"PROMISEAUDIT_MAIL_FROM": SENDER})
        assert r.exit_code == 0, r.output
        assert r.stderr.splitlines()[-1] == f"Sent to {TEAM}"
        ((mail_from, rcpt, msg),) = inbox.received
        received.append((mail_from, rcpt, what_was_sent(msg)))
    assert received[0] == received[1]
    # The web page asked for with -o is the stored report, which names the stored audit.
    assert "Made from the audit stored on" in (tmp_path / "w.html").read_text(encoding="utf-8")
    assert "Made from the audit stored on" not in received[0][2][-1]


def test_cli_refuses_the_mail_from_a_missing_or_stale_audit(runner, ledger_file, tmp_path):
    eml = tmp_path / "w.eml"
    missing = weekly(runner, ledger_file, "--from-audit", "--email", eml, "--from", SENDER)
    assert missing.exit_code == 1
    assert missing.stderr == ("Error: No audit is stored as of 2027-05-16; run `promiseaudit "
                              "audit --as-of 2027-05-16` first (each night, say), then make "
                              "the report again, or leave out --from-audit to audit now\n")
    assert run(runner, ledger_file, "audit", "--as-of", "2027-05-16").exit_code == 0
    assert run(runner, ledger_file, "deals", "set", "D-1001", "--rep", "Ana").exit_code == 0
    inbox = Inbox()
    with smtp_server(inbox) as server:
        stale = weekly(runner, ledger_file, "--from-audit", "--email", eml, "--smtp", server,
                       "--from", SENDER, "--to", TEAM, "--per-rep")
    assert stale.exit_code == 1
    assert stale.stderr.startswith("Error: The ledger has changed since the audit as of "
                                   "2027-05-16 was stored (")
    assert stale.stderr.endswith("; run `promiseaudit audit --as-of 2027-05-16` again, or "
                                 "leave out --from-audit\n")
    assert len(stale.stderr.splitlines()) == 1
    assert not list(tmp_path.glob("*.eml")) and inbox.received == []

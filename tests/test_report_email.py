"""Issue 10, "Reports people read and send": the weekly report as e-mail. RFC 5322
messages (HTML with a plain-text alternative), one per rep on request, written to .eml
files or sent through SMTP. The SMTP server is aiosmtpd, started by each test on
127.0.0.1 at a free port and stopped by it; the tests read back what it received."""
import email
import email.policy
import re
import socket
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from bs4 import BeautifulSoup

from promiseaudit.cli import main
from promiseaudit.errors import PromiseAuditError
from promiseaudit.ledger import open_ledger
from promiseaudit.report.mail import (
    check_address,
    mail_paths,
    parse_server,
    send_mail,
    weekly_mail,
    write_mail,
)
from report_data import AS_OF, WEEK_START, build_sample_ledger, sample_audit_data


NOW = datetime(2027, 5, 17, 7, 30, tzinfo=timezone.utc)
SENDER = "Promise Audit <audit@northbeam.example>"


@pytest.fixture(scope="module")
def data():
    return sample_audit_data()


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def parts(msg):
    """(plain text, html) of a multipart/alternative message."""
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    return plain, html


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message, and refuses chosen recipients."""

    def __init__(self, refuse=()):
        self.received, self.refuse = [], set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos),
                              parse(envelope.original_content or envelope.content)))
        return "250 Message accepted"


@contextmanager
def smtp_server(handler, **kwargs):
    """An SMTP server on 127.0.0.1 for the length of a test."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        controller.stop()


# --- the messages --------------------------------------------------------------------


def test_one_message_with_html_and_a_plain_text_alternative(data):
    (mail,) = weekly_mail(data, WEEK_START, AS_OF, SENDER, ["sales-team@northbeam.example"],
                          now=NOW)
    msg = parse(mail.message.as_bytes())
    assert msg["Subject"] == "Promises: Week 19, 2027 \u2014 2 broke, 3 due soon"
    assert msg["From"] == SENDER
    assert msg["To"] == "sales-team@northbeam.example"
    assert msg["Date"] == "Mon, 17 May 2027 07:30:00 +0000"
    assert re.fullmatch(r"<\d{14}\.[0-9a-f]{16}@northbeam\.example>", msg["Message-ID"])
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert mail.message.as_bytes().count(b"\r\n") > 100  # SMTP line ends throughout
    plain, html = parts(msg)
    for heading in ("WHAT BROKE THIS WEEK (2)", "DUE OR AT RISK IN THE NEXT TWO WEEKS (3)",
                    "KEPT THIS WEEK (2)", "WHAT CHANGED SINCE LAST WEEK (5)"):
        assert heading in plain.splitlines()
    assert all(len(line) <= 78 for line in plain.splitlines())
    assert "Northbeam will send the as-built network" in plain
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text() == "Week 19, 2027: 2027-05-10 to 2027-05-16"


def test_the_html_part_has_inline_styles_only(data):
    (mail,) = weekly_mail(data, WEEK_START, AS_OF, SENDER, now=NOW)
    soup = BeautifulSoup(parts(parse(mail.message.as_bytes()))[1], "html.parser")
    assert soup.find("style") is None and soup.find("link") is None
    assert soup.find("script") is None and soup.find("img") is None
    for tag in soup.find_all(["td", "th", "h1", "h2", "p"]):
        assert tag.get("style"), f"no inline style on {tag.name}: {str(tag)[:80]}"
    assert not soup.find(attrs={"width": ""})


def test_subject_says_nothing_broke_in_words(data):
    calm = replace(data, verdicts={pid: replace(v, status="kept")
                                   for pid, v in data.verdicts.items()})
    (mail,) = weekly_mail(calm, WEEK_START, AS_OF, SENDER, now=NOW)
    assert mail.message["Subject"] == "Promises: Week 19, 2027 \u2014 nothing broke, nothing due soon"


def test_one_message_per_rep_holds_only_that_reps_promises(data):
    mails = weekly_mail(data, WEEK_START, AS_OF, SENDER, ["head-of-sales@northbeam.example"],
                        per_rep=True, now=NOW,
                        rep_addresses={"dana whitfield": "Dana Whitfield <dana@northbeam.example>",
                                       "Marco Reyes": "marco@northbeam.example"})
    assert [(m.rep, m.slug) for m in mails] == [("Dana Whitfield", "dana-whitfield"),
                                                ("Marco Reyes", "marco-reyes")]
    dana, marco = (parse(m.message.as_bytes()) for m in mails)
    assert dana["To"] == "Dana Whitfield <dana@northbeam.example>"
    assert dana["Cc"] == "head-of-sales@northbeam.example"
    assert dana["Subject"] == "Promises for Dana Whitfield: Week 19, 2027 \u2014 2 broke, 1 due soon"
    assert marco["Subject"] == ("Promises for Marco Reyes: Week 19, 2027 \u2014 nothing broke, "
                                "2 due soon")
    for msg, own, other in ((dana, "Harbor Logistics", "Crestview Dental Group"),
                            (marco, "Crestview Dental Group", "Harbor Logistics")):
        plain, html = parts(msg)
        assert own in plain and own in html
        assert other not in plain and other not in html
    assert "Weekly promise report for Marco Reyes" in parts(marco)[1]
    assert "Across Marco Reyes's deals:" in parts(marco)[0]


def test_deals_without_a_rep_get_their_own_message(data):
    deals = dict(data.deals)
    deals["D-1002"] = replace(deals["D-1002"], rep=None)
    mails = weekly_mail(replace(data, deals=deals), WEEK_START, AS_OF, SENDER,
                        ["head-of-sales@northbeam.example"], per_rep=True, now=NOW)
    assert [(m.rep, m.slug) for m in mails] == [("Dana Whitfield", "dana-whitfield"),
                                                ("", "no-rep")]
    last = mails[-1].message
    assert last["Subject"].startswith("Promises for deals with no rep recorded: Week 19")
    assert last["To"] == "head-of-sales@northbeam.example"
    assert "Crestview Dental Group" in parts(parse(last.as_bytes()))[0]


def test_files_are_named_after_the_reps(data, tmp_path):
    mails = weekly_mail(data, WEEK_START, AS_OF, SENDER, per_rep=True, now=NOW)
    paths = write_mail(mails, tmp_path / "weekly.eml")
    assert [p.name for p in paths] == ["weekly-dana-whitfield.eml", "weekly-marco-reyes.eml"]
    assert parse(paths[1].read_bytes())["Subject"].startswith("Promises for Marco Reyes")
    (single,) = weekly_mail(data, WEEK_START, AS_OF, SENDER, now=NOW)
    assert mail_paths([single], tmp_path / "weekly.eml") == [tmp_path / "weekly.eml"]


@pytest.mark.parametrize("address", ["dana.northbeam.example", "dana@", "@northbeam.example",
                                     "dana @northbeam.example", "a@b.example, c@d.example",
                                     ""])
def test_bad_addresses_are_refused_in_one_line(address):
    with pytest.raises(PromiseAuditError) as e:
        check_address(address)
    assert str(e.value) == f"'{address}' is not an e-mail address; write it as name@example.com"


def test_good_addresses_are_kept_as_written():
    assert check_address("dana@northbeam.example") == "dana@northbeam.example"
    assert check_address(" Dana Whitfield <dana@northbeam.example> ") == \
        "Dana Whitfield <dana@northbeam.example>"


@pytest.mark.parametrize("kwargs,message", [
    (dict(sender=None), "The e-mail needs a sender: give --from ADDRESS"),
    (dict(rep_addresses={"Dana Whitfield": "dana@northbeam.example"}),
     "Rep addresses are used with one message per rep; add --per-rep"),
    (dict(per_rep=True, rep_addresses={"Dana Whitfeld": "dana@northbeam.example"}),
     "No rep 'Dana Whitfeld' owns a deal in this report; the reps are: Dana Whitfield, "
     "Marco Reyes"),
    (dict(per_rep=True, rep_addresses={"Dana Whitfield": "dana"}),
     "'dana' is not an e-mail address"),
])
def test_mistakes_in_the_mail_options(data, kwargs, message):
    kwargs = {"sender": SENDER, **kwargs}
    with pytest.raises(PromiseAuditError, match=re.escape(message)):
        weekly_mail(data, WEEK_START, AS_OF, kwargs.pop("sender"), now=NOW, **kwargs)


@pytest.mark.parametrize("server,parsed", [
    ("mail.northbeam.example:587", ("mail.northbeam.example", 587)),
    ("127.0.0.1:2525", ("127.0.0.1", 2525)),
    ("mail.northbeam.example", ("mail.northbeam.example", 25)),
])
def test_parse_server(server, parsed):
    assert parse_server(server) == parsed


@pytest.mark.parametrize("server", ["mail:smtp", ":25", "mail:70000", "mail server:25"])
def test_bad_server_is_refused(server):
    with pytest.raises(PromiseAuditError, match=re.escape(
            f"'{server}' is not a mail server; write it as HOST:PORT")):
        parse_server(server)


# --- sending through a local SMTP server --------------------------------------------


def test_send_one_report_and_read_back_what_arrived(data):
    inbox = Inbox()
    mails = weekly_mail(data, WEEK_START, AS_OF, SENDER, ["sales-team@northbeam.example",
                                                         "ceo@northbeam.example"], now=NOW)
    with smtp_server(inbox) as server:
        sent = send_mail(mails, server)
    assert sent == [["sales-team@northbeam.example", "ceo@northbeam.example"]]
    ((mail_from, rcpt, msg),) = inbox.received
    assert mail_from == "audit@northbeam.example"
    assert rcpt == ["sales-team@northbeam.example", "ceo@northbeam.example"]
    assert msg["Subject"] == "Promises: Week 19, 2027 \u2014 2 broke, 3 due soon"
    plain, html = parts(msg)
    assert "WHAT BROKE THIS WEEK (2)" in plain
    assert "What broke this week" in html


def test_per_rep_messages_reach_each_rep(data):
    inbox = Inbox()
    mails = weekly_mail(data, WEEK_START, AS_OF, SENDER, ["head-of-sales@northbeam.example"],
                        per_rep=True, now=NOW,
                        rep_addresses={"Dana Whitfield": "dana@northbeam.example",
                                       "Marco Reyes": "marco@northbeam.example"})
    with smtp_server(inbox) as server:
        send_mail(mails, server)
    got = {tuple(rcpt): msg for _, rcpt, msg in inbox.received}
    assert set(got) == {("dana@northbeam.example", "head-of-sales@northbeam.example"),
                        ("marco@northbeam.example", "head-of-sales@northbeam.example")}
    marco = got[("marco@northbeam.example", "head-of-sales@northbeam.example")]
    assert marco["To"] == "marco@northbeam.example"
    assert "Harbor Logistics" not in parts(marco)[0]


def test_a_refused_recipient_is_one_line(data):
    inbox = Inbox(refuse={"nobody@northbeam.example"})
    mails = weekly_mail(data, WEEK_START, AS_OF, SENDER, ["nobody@northbeam.example"], now=NOW)
    with smtp_server(inbox) as server:
        with pytest.raises(PromiseAuditError) as e:
            send_mail(mails, server)
    assert str(e.value) == (f"The mail server {server} refused nobody@northbeam.example (550 "
                            "5.1.1 No such user here); 0 of 1 messages were sent before it")
    assert inbox.received == []


def test_login_before_sending(data):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login, auth_data.password) == (b"audit", b"s3cret")
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

    mails = weekly_mail(data, WEEK_START, AS_OF, SENDER, ["dana@northbeam.example"], now=NOW)
    inbox = Inbox()
    with smtp_server(inbox, authenticator=authenticator, auth_require_tls=False) as server:
        send_mail(mails, server, user="audit", password="s3cret", timeout=5)
        with pytest.raises(PromiseAuditError, match=re.escape(
                f"The mail server {server} refused the login for audit (535")):
            send_mail(mails, server, user="audit", password="wrong", timeout=5)
    assert len(inbox.received) == 1


def test_a_message_with_nobody_to_send_to_is_refused_before_connecting(data):
    mails = weekly_mail(data, WEEK_START, AS_OF, SENDER, per_rep=True, now=NOW,
                        rep_addresses={"Dana Whitfield": "dana@northbeam.example"})
    with pytest.raises(PromiseAuditError) as e:
        send_mail(mails, "127.0.0.1:9")
    assert str(e.value) == ("The message for Marco Reyes has no recipient; give --to ADDRESS "
                            "or --rep-email \"Marco Reyes=ADDRESS\"")


def test_an_unreachable_server_is_one_line(data):
    mails = weekly_mail(data, WEEK_START, AS_OF, SENDER, ["dana@northbeam.example"], now=NOW)
    port = free_port()  # nothing listens there
    with pytest.raises(PromiseAuditError) as e:
        send_mail(mails, f"127.0.0.1:{port}", timeout=5)
    assert str(e.value) == (f"Cannot reach the mail server 127.0.0.1:{port} (connection "
                            "refused); check the server name and port")


# --- the command ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    path = tmp_path_factory.mktemp("ledger") / "ledger.db"
    build_sample_ledger(open_ledger(str(path)))
    return str(path)


def weekly(runner, ledger, *args, env=None):
    return runner.invoke(main, ["--db", ledger, "report", "weekly", "--week", "2027-W19",
                                *map(str, args)], env=env or {})


def test_cli_writes_an_eml_file_and_no_html(runner, ledger, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = weekly(runner, ledger, "--email", tmp_path / "weekly.eml", "--from", SENDER,
               "--to", "sales-team@northbeam.example")
    assert r.exit_code == 0, r.output
    assert r.stderr == f"E-mail written to {tmp_path / 'weekly.eml'}\n"
    msg = parse((tmp_path / "weekly.eml").read_bytes())
    assert msg["Subject"].startswith("Promises: Week 19, 2027 \u2014 ")
    assert msg["To"] == "sales-team@northbeam.example"
    assert not (tmp_path / "weekly.html").exists()  # e-mail only, unless -o is given


def test_cli_sends_one_message_per_rep(runner, ledger, tmp_path):
    inbox = Inbox()
    with smtp_server(inbox) as server:
        r = weekly(runner, ledger, "--smtp", server, "--per-rep", "-o", tmp_path / "w.html",
                   "--rep-email", "Dana Whitfield=dana@northbeam.example",
                   "--rep-email", "marco reyes=marco@northbeam.example",
                   env={"PROMISEAUDIT_MAIL_FROM": SENDER})
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines()[-2:] == ["Sent to dana@northbeam.example",
                                          "Sent to marco@northbeam.example"]
    assert (tmp_path / "w.html").exists()
    subjects = sorted(msg["Subject"] for _, _, msg in inbox.received)
    assert subjects[0].startswith("Promises for Dana Whitfield: Week 19, 2027")
    assert subjects[1].startswith("Promises for Marco Reyes: Week 19, 2027")


@pytest.mark.parametrize("args,message", [
    (["--email", "{tmp}/w.eml", "--to", "dana.northbeam.example"],
     "Error: 'dana.northbeam.example' is not an e-mail address; write it as name@example.com\n"),
    (["--email", "{tmp}/w.eml", "--from", "audit"],
     "Error: 'audit' is not an e-mail address; write it as name@example.com\n"),
    (["--smtp", "127.0.0.1:{port}", "--to", "dana@northbeam.example"],
     "Error: Cannot reach the mail server 127.0.0.1:{port} (connection refused); check the "
     "server name and port\n"),
    (["--email", "{tmp}/no/such/folder/w.eml"],
     "Error: Cannot write {tmp}/no/such/folder/w.eml: folder {tmp}/no/such/folder does not "
     "exist\n"),
])
def test_cli_mail_errors_are_one_line_exit_1(runner, ledger, tmp_path, args, message):
    port = free_port()
    args = [a.format(tmp=tmp_path, port=port) for a in args]
    r = weekly(runner, ledger, *args, "--from", SENDER) if "--from" not in args else \
        weekly(runner, ledger, *args)
    assert r.exit_code == 1, r.output
    assert r.stderr == message.format(tmp=tmp_path, port=port)


def test_cli_mail_options_without_email_are_a_usage_error(runner, ledger, tmp_path):
    r = weekly(runner, ledger, "--to", "dana@northbeam.example", "-o", tmp_path / "w.html")
    assert r.exit_code == 2
    assert "add --email FILE or --smtp HOST:PORT" in r.stderr

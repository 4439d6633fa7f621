"""The weekly report as e-mail: RFC 5322 messages (HTML with a plain-text alternative),
written to .eml files or sent through an SMTP server.

``weekly_mail`` builds the messages, one for everyone or one per rep; ``write_mail``
saves them and ``send_mail`` hands them to a mail server. Nothing here prints; every
problem is a PromiseAuditError with one line to show.
"""
from __future__ import annotations

import hashlib
import re
import smtplib
import ssl
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses
from pathlib import Path
from typing import Iterable, Optional

import jinja2

from ..errors import PromiseAuditError
from ..models import AuditData
from . import make_environment, render_weekly
from .formatting import DateFormatter
from .text import weekly_text_of
from .views import (
    QUIET_DAYS,
    _same,
    report_reps,
    report_reps_stored,
    weekly_context,
    weekly_context_stored,
)

DEFAULT_SMTP_PORT = 25
_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$")


@dataclass(frozen=True)
class WeeklyMail:
    """One message of the weekly report. rep: whose promises it holds (None: everyone's;
    "": the deals with no rep recorded). slug: the rep's part of the file name."""

    rep: Optional[str]
    slug: str
    message: EmailMessage

    @property
    def recipients(self) -> list[str]:
        return [addr for _, addr in getaddresses(
            self.message.get_all("To", []) + self.message.get_all("Cc", []))]


def check_address(text: str) -> str:
    """An e-mail address as given ("dana@example.com" or "Dana <dana@example.com>");
    PromiseAuditError when it is not one."""
    raw = (text or "").strip()
    inner = raw[raw.rfind("<") + 1:raw.rfind(">")] if raw.endswith(">") else raw
    pairs = getaddresses([raw])
    if len(pairs) != 1 or not _ADDRESS.match(inner) or pairs[0][1] != inner:
        raise PromiseAuditError(
            f"'{text}' is not an e-mail address; write it as name@example.com"
        )
    return text.strip()


def slug(name: str) -> str:
    """ "Dana Whitfield" -> "dana-whitfield"; "José Núñez" -> "jose-nunez"."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


def weekly_subject(ctx: dict) -> str:
    """ "Promises: Week 20, 2027 — 3 broke, 5 due soon" (for one rep: "Promises for Dana
    Whitfield: ...")."""
    broke, soon = ctx["broke_count"], ctx["upcoming_count"]
    who = f" for {ctx['owner']}" if ctx["owner"] else ""
    return (f"Promises{who}: {ctx['week_label']} \u2014 "
            f"{broke or 'nothing'} broke, {soon or 'nothing'} due soon")


def _message_id(sender: str, subject: str, now: datetime) -> str:
    domain = getaddresses([sender])[0][1].rpartition("@")[2]
    digest = hashlib.sha1(f"{subject}\x1f{now.isoformat()}".encode()).hexdigest()[:16]
    return f"<{now.strftime('%Y%m%d%H%M%S')}.{digest}@{domain}>"


def _message(html: str, text: str, subject: str, sender: str, to: list[str],
             cc: list[str], now: datetime) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = subject
    msg["From"] = sender
    if to:
        msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = _message_id(sender, subject, now)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def _rep_addresses(reps: list[str], given: dict) -> dict:
    """Rep name (as in the ledger) -> address, from NAME=ADDRESS pairs matched loosely."""
    out = {}
    for name, address in given.items():
        match = next((r for r in reps if r and _same(r, name)), None)
        if match is None:
            known = ", ".join(r for r in reps if r) or "none"
            raise PromiseAuditError(
                f"No rep '{name}' owns a deal in this report; the reps are: {known}"
            )
        out[match] = check_address(address)
    return out


def weekly_mail(data, week_start: date, week_end: date, sender: Optional[str],
                to: Iterable[str] = (), per_rep: bool = False,
                rep_addresses: Optional[dict] = None, date_format: str = "%Y-%m-%d",
                env: Optional[jinja2.Environment] = None,
                now: Optional[datetime] = None, quiet_days: int = QUIET_DAYS) -> list[WeeklyMail]:
    """The weekly report as e-mail messages.

    data (AuditData | StoredAudit): a fresh audit, or the stored audit of the week's
        as-of date (``api.load_stored_audit``), which gives the same messages without
        auditing again (see ``views.weekly_context_stored``).
    sender (str): the From address. to: who receives the report; with ``per_rep`` they
        get a copy (Cc) of every rep's message.
    per_rep (bool): one message per rep, each holding only that rep's promises, sent To
        the rep's address from ``rep_addresses`` (rep name -> address); promises on deals
        with no rep recorded go in a message of their own.
    now (datetime | None): the Date header (default: the current time).
    RETURNS (list[WeeklyMail]): the messages, reps in name order.
    """
    if not sender:
        raise PromiseAuditError("The e-mail needs a sender: give --from ADDRESS (or set "
                                "PROMISEAUDIT_MAIL_FROM)")
    sender = check_address(sender)
    to = [check_address(a) for a in to]
    if rep_addresses and not per_rep:
        raise PromiseAuditError("Rep addresses are used with one message per rep; add "
                                "--per-rep, or send the whole report with --to")
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    fmt = DateFormatter(date_format)
    stored = not isinstance(data, AuditData)
    if per_rep:
        reps = report_reps_stored(data) if stored else report_reps(data)
    else:
        reps = [None]
    addresses = _rep_addresses(reps, rep_addresses or {}) if per_rep else {}
    env = env or make_environment()  # built once: compiling the templates is not free
    mails, used = [], set()
    for rep in reps:
        if stored:
            ctx = weekly_context_stored(data, week_start, week_end, fmt, quiet_days, rep=rep)
        else:
            ctx = weekly_context(data, week_start, week_end, fmt, rep=rep, quiet_days=quiet_days)
        # One context serves the subject, the HTML and the plain text.
        html = render_weekly(ctx, env, for_email=True)
        text = weekly_text_of(ctx, fmt)
        if rep is None:
            recipients, copies, name = to, [], ""
        else:
            own = addresses.get(rep)
            recipients, copies = ([own], to) if own else (to, [])
            name = slug(rep) or ("no-rep" if rep == "" else "rep")
            base, n = name, 2
            while name in used:
                name, n = f"{base}-{n}", n + 1
            used.add(name)
        mails.append(WeeklyMail(rep, name, _message(html, text, weekly_subject(ctx), sender,
                                                    recipients, copies, now)))
    return mails


def mail_paths(mails: list[WeeklyMail], path) -> list[Path]:
    """Where each message is written: ``path`` itself for a single message; for one per
    rep, beside it with the rep's name added (weekly.eml -> weekly-dana-whitfield.eml)."""
    path = Path(path)
    if len(mails) == 1 and mails[0].rep is None:
        return [path]
    suffix = path.suffix or ".eml"
    return [path.with_name(f"{path.stem}-{m.slug}{suffix}") for m in mails]


def write_mail(mails: list[WeeklyMail], path) -> list[Path]:
    """Write the messages as .eml files (see ``mail_paths``). RETURNS the files written."""
    paths = mail_paths(mails, path)
    folder = Path(path).parent
    if Path(path).is_dir():
        raise PromiseAuditError(f"Cannot write {path}: it is a folder; give a file name such "
                                f"as {Path(path) / 'weekly.eml'}")
    if not folder.is_dir():
        raise PromiseAuditError(f"Cannot write {path}: folder {folder} does not exist")
    for mail, target in zip(mails, paths):
        try:
            target.write_bytes(mail.message.as_bytes())
        except OSError as e:
            raise PromiseAuditError(f"Cannot write {target}: {e.strerror}") from None
    return paths


def parse_server(server: str) -> tuple[str, int]:
    """ "mail.example.com:587" -> ("mail.example.com", 587); the port defaults to 25."""
    host, _, port = (server or "").strip().rpartition(":") if ":" in (server or "") \
        else ((server or "").strip(), "", "")
    if not host or (port and not port.isdigit()) or (port and not 0 < int(port) < 65536) \
            or any(c.isspace() for c in host):
        raise PromiseAuditError(
            f"'{server}' is not a mail server; write it as HOST:PORT, for example "
            "mail.example.com:587"
        )
    return host.strip("[]"), int(port) if port else DEFAULT_SMTP_PORT


def _said(reply) -> str:
    """A server's reply on one line."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())


def send_mail(mails: list[WeeklyMail], server: str, starttls: bool = False,
              user: Optional[str] = None, password: Optional[str] = None,
              timeout: float = 30) -> list[list[str]]:
    """Send the messages through an SMTP server (``HOST:PORT``), after STARTTLS and a
    login when asked. RETURNS the recipients of each message, in order.

    Every message must have a recipient. A refused recipient, a refused login or a server
    that cannot be reached is a PromiseAuditError naming it.
    """
    host, port = parse_server(server)
    for m in mails:
        if not m.recipients:
            who = f" for {m.rep}" if m.rep else " for the deals with no rep" if m.rep == "" \
                else ""
            raise PromiseAuditError(
                f"The message{who} has no recipient; give --to ADDRESS"
                + (f" or --rep-email \"{m.rep}=ADDRESS\"" if m.rep else "")
            )
    if user and password is None:
        raise PromiseAuditError(f"No password for the mail server login {user}; set "
                                "PROMISEAUDIT_SMTP_PASSWORD")
    where = f"{host}:{port}"
    sent: list[list[str]] = []
    try:
        with smtplib.SMTP(host, port, timeout=timeout) as smtp:
            if starttls:
                smtp.starttls(context=ssl.create_default_context())
            if user:
                smtp.login(user, password)
            for m in mails:
                refused = smtp.send_message(m.message)
                if refused:
                    addr, (code, reply) = next(iter(refused.items()))
                    raise PromiseAuditError(
                        f"The mail server {where} refused {addr} ({code} {_said(reply)}); "
                        f"{len(sent)} of {len(mails)} messages were sent before it"
                    )
                sent.append(m.recipients)
    except PromiseAuditError:
        raise
    except smtplib.SMTPRecipientsRefused as e:
        addr, (code, reply) = next(iter(e.recipients.items()))
        raise PromiseAuditError(
            f"The mail server {where} refused {addr} ({code} {_said(reply)}); "
            f"{len(sent)} of {len(mails)} messages were sent before it"
        ) from None
    except smtplib.SMTPSenderRefused as e:
        raise PromiseAuditError(f"The mail server {where} refused the sender {e.sender} "
                                f"({e.smtp_code} {_said(e.smtp_error)})") from None
    except smtplib.SMTPAuthenticationError as e:
        raise PromiseAuditError(f"The mail server {where} refused the login for {user} "
                                f"({e.smtp_code} {_said(e.smtp_error)}); check the user "
                                "name and password") from None
    except smtplib.SMTPNotSupportedError as e:
        what = "STARTTLS" if starttls and "STARTTLS" in str(e).upper() else "login"
        raise PromiseAuditError(f"The mail server {where} does not offer {what}; "
                                + ("leave out --starttls" if what == "STARTTLS" else
                                   "leave out the user name, or add --starttls")) from None
    except smtplib.SMTPResponseException as e:
        raise PromiseAuditError(f"The mail server {where} answered {e.smtp_code} "
                                f"{_said(e.smtp_error)}; {len(sent)} of {len(mails)} "
                                "messages were sent") from None
    except ssl.SSLError as e:
        raise PromiseAuditError(f"Could not start a secure connection to {where} "
                                f"({_said(e.reason or e)}); check --starttls") from None
    except (smtplib.SMTPException, OSError) as e:
        reason = _said(getattr(e, "strerror", None) or e) or type(e).__name__
        raise PromiseAuditError(f"Cannot reach the mail server {where} ({reason.lower()}); "
                                "check the server name and port") from None
    return sent

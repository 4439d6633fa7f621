"""The promiseaudit command line: a thin click layer over ``promiseaudit.api``.

Each command parses its options, calls one library function and prints the result.
This is the only place that turns a PromiseAuditError into a one-line message and
exit code 1. Heavy libraries (spaCy, pdfplumber) are imported inside the commands that
need them, so ``promiseaudit --help`` answers at once.
"""
from __future__ import annotations

import json
import os
import re
import sys
from datetime import date, timedelta
from pathlib import Path

import click

from . import __version__
from .errors import PromiseAuditError
from .models import CATEGORIES
from .read.limits import DEFAULT_LIMITS, MB

DEFAULT_DB = "promiseaudit.db"


class IsoDate(click.ParamType):
    """A date written as YYYY-MM-DD."""

    name = "date"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"'{value}' is not a date; write it as YYYY-MM-DD", param, ctx)


DATE = IsoDate()


# Commands for people who work on promiseaudit itself, listed apart in `--help`.
DEVELOPER_COMMANDS = ("eval", "train")


class Group(click.Group):
    """A click group that shows library errors as one line (exit code 1, no traceback)
    and lists the developers' commands under their own heading."""

    def format_commands(self, ctx, formatter):
        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        commands = [(name, cmd) for name, cmd in commands if cmd is not None and not cmd.hidden]
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in commands)
        for title, dev in (("Commands", False), ("For developers", True)):
            rows = [(name, cmd.get_short_help_str(limit)) for name, cmd in commands
                    if (name in DEVELOPER_COMMANDS) == dev]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def invoke(self, ctx):
        import sqlite3

        try:
            return super().invoke(ctx)
        except PromiseAuditError as e:
            _discard_new_ledger(ctx)
            raise click.ClickException(str(e)) from None
        except sqlite3.Error as e:
            from .ledger import ledger_error

            _discard_new_ledger(ctx)
            where = ctx.obj.db_path if isinstance(ctx.obj, Context) else "file"
            raise click.ClickException(str(ledger_error(where, e))) from None
        except OSError as e:
            # a file given on the command line that cannot be opened (no permission...)
            if e.filename is None:
                raise
            _discard_new_ledger(ctx)
            raise click.ClickException(f"{e.filename}: cannot be opened ({e.strerror or e}); "
                                       "check that it exists and that you may read it") from None


def _discard_new_ledger(ctx) -> None:
    """A command that failed leaves no ledger behind that it created itself."""
    if isinstance(ctx.obj, Context):
        ctx.obj.discard_if_new()


class Context:
    """Per-run state: where the ledger is. The ledger opens on first use."""

    def __init__(self, db_path: str):
        self.db_path = db_path
        self._db = None
        self._created = False

    @property
    def db(self):
        if self._db is None:
            from .ledger import open_ledger

            self._created = self.db_path != ":memory:" and not Path(self.db_path).exists()
            self._db = open_ledger(self.db_path)
        return self._db

    def discard_if_new(self) -> None:
        """Remove the ledger file if this run created it and stored nothing in it (a
        failed first ingest must not leave an empty ledger behind)."""
        import sqlite3

        if not self._created or self._db is None:
            return
        db, self._db = self._db, None
        try:
            # ledger_state always holds its one row of bookkeeping (migration 0013).
            empty = all(not db[t].count for t in db.table_names()
                        if not t.startswith("_") and t != "ledger_state")
        except sqlite3.Error:  # a ledger that cannot even be counted is left alone
            empty = False
        db.conn.close()
        if empty:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(self.db_path + suffix).unlink(missing_ok=True)

    @property
    def existing_db(self):
        """The ledger, for commands that only read: a missing file is an error, not a new
        empty ledger."""
        if self.db_path != ":memory:" and not Path(self.db_path).exists():
            raise click.ClickException(
                f"No ledger at {self.db_path}; start one with `promiseaudit ingest` or "
                "`promiseaudit deals import`, or point --db (PROMISEAUDIT_DB) at yours"
            )
        return self.db


pass_ctx = click.make_pass_decorator(Context)


def jobs_option(what: str):
    """--jobs N, for work done in several processes; left out, the computer's cores."""
    def resolve(ctx, param, value):
        from .parallel import default_jobs

        return value or default_jobs()

    return click.option("--jobs", type=click.IntRange(1, 64), default=None, callback=resolve,
                        help=f"{what} (default: the computer's cores; 1 for one process).")


def by_option(f):
    """--by NAME: who makes the change (kept in the history), default the login name."""
    return click.option("--by", "who", default=lambda: os.environ.get("USER", "user"),
                        show_default="$USER", help="Who is making the change (kept in "
                        "`promiseaudit history`).")(f)


@click.group(cls=Group)
@click.version_option(__version__, prog_name="promiseaudit")
@click.option(
    "--db",
    "db_path",
    envvar="PROMISEAUDIT_DB",
    default=DEFAULT_DB,
    show_default=True,
    help="The ledger file (also PROMISEAUDIT_DB). Created by ingest or deals import.",
)
@click.pass_context
def main(ctx, db_path):
    """promiseaudit: holds sellers to what they wrote.

    Reads sales proposals, finds the promises in them, and checks each one against what
    was actually delivered.
    """
    ctx.obj = Context(db_path)


# --- reading proposals ---------------------------------------------------------------


def _promise_table(promises) -> str:
    lines = []
    for p in promises:
        when = []
        if p.due:
            when.append(f"due {p.due.isoformat()}")
        if p.within_days is not None:
            kind = "business days" if p.business_days else "days"
            rel = "after" if p.within_days >= 0 else "before"
            when.append(f"{abs(p.within_days)} {kind} {rel} {(p.anchor or '?').replace('_', '-')}")
        if p.recurrence:
            when.append(p.recurrence)
        what = []
        if p.quantity is not None:
            what.append(f"{p.quantity:g} {p.unit or ''}".strip())
        if p.threshold is not None:
            sign = ">=" if p.direction == "at_least" else "<="
            what.append(f"{sign} {p.threshold:g} {p.threshold_unit or ''}".strip())
        flags = [] if p.strength == "firm" else ["hedged"]
        if p.condition:
            flags.append("conditional")
        lines.append(
            f"p.{p.page:<3} {p.category:<13} {'; '.join(when + what + flags) or '-'}\n"
            f"      \u201c{_short(p.text, 110)}\u201d"
        )
    return "\n".join(lines)


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--model", help="'rules' to let the rules alone decide, or a model folder from 'promiseaudit train' "
                               "(default: the trained model that comes with promiseaudit).")
@click.option("--password", help="Password for protected PDFs.")
def extract(files, as_json, model, password):
    """Show the promises in proposals, without storing anything."""
    from .api import extract_files

    results = extract_files(files, model=model, password=password)
    if as_json:
        out = [p.to_dict() for _, promises in results for p in promises]
        click.echo(json.dumps({"promises": out}, indent=2, ensure_ascii=False))
        return
    for document, promises in results:
        click.echo(f"{document.name}: {len(promises)} promise(s) on {len(document.pages)} page(s)")
        if promises:
            click.echo(_promise_table(promises))
        click.echo()


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--deal", "deal_id", required=True, help="The deal these proposals belong to.")
@click.option("--customer", help="Customer name (stored on the deal); also says a new deal is meant.")
@click.option("--new-deal", is_flag=True, help="Start a new deal with this id (a deal id the ledger does not know "
                                               "is refused otherwise, so a typo cannot start a phantom deal).")
@click.option("--rep", help="Sales rep who owns the deal.")
@click.option("--password", help="Password for protected PDFs.")
@click.option("--replaces", help="Name or id of a stored proposal this is a new version of.")
@click.option("--keep-going", is_flag=True,
              help="Record unreadable files (encrypted, scanned, damaged, too large) and leave "
                   "out missing, empty or unsupported ones, instead of stopping.")
@click.option("--model", help="'rules' to let the rules alone decide, or a model folder from 'promiseaudit train' "
                               "(default: the trained model that comes with promiseaudit).")
@jobs_option("Read this many proposals at once, in separate processes")
@click.option("--max-pages", type=click.IntRange(min=1), default=DEFAULT_LIMITS.max_pages,
              show_default=True, help="Refuse a document with more pages than this.")
@click.option("--max-size", "max_size_mb", type=click.IntRange(min=1),
              default=DEFAULT_LIMITS.max_file_bytes // MB, show_default=True,
              help="Refuse a file larger than this many megabytes.")
@pass_ctx
def ingest(ctx, files, deal_id, customer, new_deal, rep, password, replaces, keep_going, model,
           jobs, max_pages, max_size_mb):
    """Extract promises from proposals and store them in the ledger for a deal."""
    import dataclasses
    import time

    from .api import Skipped, ingest_files

    limits = dataclasses.replace(DEFAULT_LIMITS, max_pages=max_pages,
                                 max_file_bytes=max_size_mb * MB)
    db = ctx.db
    if len(files) > 1 and sys.stderr.isatty():
        started, pages = time.monotonic(), [0]

        def rate(_):
            seconds = max(time.monotonic() - started, 1e-6)
            return f"{pages[0]} pages, {pages[0] / seconds:.1f} pages/s"

        with click.progressbar(length=len(files), label="Reading proposals", file=sys.stderr,
                               show_eta=True, item_show_func=lambda item: rate(item) if item else None) as bar:
            def step(result):
                if isinstance(result, tuple):  # not a file left out (api.Skipped)
                    pages[0] += len(result[0].pages)
                bar.update(1, result)

            results = ingest_files(db, files, deal_id, customer, rep, password, replaces,
                                   keep_going, model, progress=step, new_deal=new_deal, jobs=jobs,
                                   limits=limits)
    else:
        results = ingest_files(db, files, deal_id, customer, rep, password, replaces,
                               keep_going, model, new_deal=new_deal, jobs=jobs, limits=limits)
    for r in results:
        if isinstance(r, Skipped):
            click.echo(f"{r.message} (left out; the other files were read)", err=True)
        elif r.duplicate:
            click.echo(f"{r.name}: already in the ledger for deal {deal_id}; nothing added")
        elif r.outcome != "parsed":
            click.echo(f"{r.name}: not read ({r.outcome}); recorded so reports list it")
        else:
            msg = f"{r.name}: {r.added} new promise(s)"
            if r.kept:
                msg += f", {r.kept} repeated from the earlier version"
            if r.replaced:
                msg += f"; replaces {r.replaced}, {r.superseded} promise(s) superseded"
            click.echo(msg + f" for deal {deal_id}")


@main.command()
@click.option("--deal", "deal_id", help="Only this deal.")
@pass_ctx
def documents(ctx, deal_id):
    """List the proposals in the ledger and how reading them went."""
    from .ledger import queries

    docs = queries.documents(ctx.existing_db, deal_id)
    if not docs:
        click.echo("No proposals in the ledger yet; add some with `promiseaudit ingest`.")
    for d in docs:
        note = f"  ({d.outcome_detail})" if d.outcome_detail else ""
        click.echo(f"{d.id:>4}  {d.deal_id:<12} {d.outcome:<9} {d.pages:>3} p. "
                   f"{d.promise_count:>3} promises  {d.name}{note}")


# --- deals ---------------------------------------------------------------------------


@main.group()
def deals():
    """Import, list and update deals."""


def mapping_options(kind: str):
    """The options both imports take to read another tool's export."""
    shipped = "hubspot-deals, salesforce-opportunities" if kind == "deals" else (
        "zendesk-tickets, freshdesk-tickets, jira-issues, asana-tasks, outlook-calendar, ...")

    def decorate(f):
        for option in reversed([
            click.option("--map", "mapping", help=f"A mapping .toml file, or a shipped mapping "
                         f"({shipped}; `promiseaudit mappings` lists them)."),
            click.option("--column", "columns", multiple=True, metavar="FIELD=COLUMN",
                         help="Read FIELD from the export's COLUMN (repeatable)."),
            click.option("--set", "values", multiple=True, metavar="FIELD=VALUE",
                         help="Use VALUE for FIELD on every row, e.g. "
                         + ("rep=Dana." if kind == "deals" else "category=support.")),
            click.option("--dayfirst/--monthfirst", default=None,
                         help="Read dates like 03/04/2027 day-first or month-first."),
            click.option("--strict", is_flag=True,
                         help="Stop at the first row that would be skipped (nothing is "
                         "imported) instead of skipping it."),
        ]):
            f = option(f)
        return f

    return decorate


def _mapping(kind, mapping, columns, values, dayfirst):
    from .imports import Mapping, load_mapping

    m = load_mapping(mapping, kind) if mapping else Mapping(kind=kind)
    if columns or values:
        m.columns.update(_pairs(columns, "--column"))
        m.values.update(_pairs(values, "--set"))
        if m.name == "canonical":
            m.name = "options"
    if dayfirst is not None:
        m.dayfirst, m.dates_given = dayfirst, True
    return m


def _skip_summary(counts) -> str:
    """", 3 skipped: 2 not won (Closed Lost, Negotiation), 1 no deal found (Acme)"."""
    if not counts["skipped"]:
        return ""
    parts = []
    for reason, info in counts["skip_reasons"].items():
        values = info["values"]
        shown = ", ".join(values[:3]) + (f" and {len(values) - 3} more" if len(values) > 3 else "")
        parts.append(f"{info['count']} {reason}" + (f" ({shown})" if shown else ""))
    return f", {counts['skipped']} skipped: " + "; ".join(parts)


@deals.command("import")
@click.argument("file", type=click.Path())
@mapping_options("deals")
@click.option("--stage", "stages", multiple=True, metavar="NAME",
              help="Count the deals in this stage (repeatable). Default: won deals only "
              "(Closed Won, Won...); the others are skipped and counted.")
@pass_ctx
def deals_import(ctx, file, mapping, columns, values, dayfirst, strict, stages):
    """Import deals from a CSV/JSON file (deal_id, customer, rep, signed_on, kickoff_on,
    go_live_on, ends_on) or a CRM export (--map hubspot-deals, salesforce-opportunities)."""
    from .imports import import_deals

    m = _mapping("deals", mapping, columns, values, dayfirst)
    counts = import_deals(ctx.db, file, m, stages=stages, strict=strict)
    click.echo(f"{Path(file).name}: {counts['created']} deal(s) added, "
               f"{counts['updated']} updated, {counts['unchanged']} unchanged"
               + _skip_summary(counts) + _dates_read(counts))
    if counts["ignored"]:
        click.echo(f"Ignored column(s) {_with_hints(counts['ignored'], counts['suggestions'])}: "
                   "not deal fields (deal_id, customer, rep, signed_on, kickoff_on, go_live_on, "
                   "ends_on, stage); check the spelling", err=True)
    if counts["missing"]:
        click.echo(f"Column(s) {_with_hints(counts['missing'], counts['suggestions'])} named in "
                   "the mapping are not in the file and were read as empty; check the spelling",
                   err=True)


def _with_hints(columns, suggestions) -> str:
    """Column names, each misspelt one with the name it probably means."""
    return ", ".join(f"{c} (did you mean {suggestions[c]}?)" if suggestions.get(c) else c
                     for c in columns)


@deals.command("list")
@pass_ctx
def deals_list(ctx):
    """List deals with their dates."""
    from .ledger import queries

    rows = queries.deals(ctx.existing_db)
    if not rows:
        click.echo("No deals yet; import them with `promiseaudit deals import`.")
    for d in rows.values():
        go_live = d.go_live_on or (f"{d.go_live_planned} (planned)" if d.go_live_planned else "-")
        click.echo(f"{d.deal_id:<12} {d.customer or '-':<28} {d.rep or '-':<18} "
                   f"signed {d.signed_on or '-'}  kickoff {d.kickoff_on or '-'}  "
                   f"go-live {go_live}  ends {d.ends_on or '-'}")


@deals.command("set")
@click.argument("deal_id")
@click.option("--customer", help="The customer's name.")
@click.option("--rep", help="The sales rep who owns the deal.")
@click.option("--signed", "signed_on", type=DATE, help="Contract signature date.")
@click.option("--kickoff", "kickoff_on", type=DATE, help="Kickoff date.")
@click.option("--go-live", "go_live_on", type=DATE, help="Actual go-live date.")
@click.option("--ends", "ends_on", type=DATE, help="End of the contract term.")
@click.option("--event", "events", multiple=True, metavar="NAME=DATE",
              help="The date of another event the proposal's deadlines count from, e.g. "
                   "--event commissioning=2027-03-02 (repeatable).")
@click.option("--clear", "clear", multiple=True,
              type=click.Choice(["customer", "rep", "signed", "kickoff", "go-live", "ends"]),
              help="Clear a value entered by mistake (repeatable).")
@click.option("--by", "who", default=lambda: os.environ.get("USER", "user"), show_default="$USER",
              help="Who made the change; kept in the history.")
@pass_ctx
def deals_set(ctx, deal_id, who, clear, events, **fields):
    """Record a deal's customer, rep or dates (e.g. the actual go-live), or the date of
    another event its deadlines count from (--event)."""
    from .api import clear_deal_fields, set_deal, set_deal_events

    fields = {k: v for k, v in fields.items() if v is not None}
    if not fields and not clear and not events:
        raise click.UsageError("Give at least one of --customer, --rep, --signed, --kickoff, "
                               "--go-live, --ends, --event, --clear")
    dated = {}
    for name, value in _pairs(events, "--event").items():
        try:
            dated[name] = date.fromisoformat(value)
        except ValueError:
            raise PromiseAuditError(f"--event {name}: '{value}' is not a date; write "
                                    f"--event {name}=YYYY-MM-DD") from None
    if dated:
        for name, result in set_deal_events(ctx.existing_db, deal_id, dated, who).items():
            click.echo(f"Deal {deal_id}: {name} on {dated[name].isoformat()} {result}")
    names = {"signed": "signed_on", "kickoff": "kickoff_on", "go-live": "go_live_on",
             "ends": "ends_on"}
    if clear:
        clear_deal_fields(ctx.existing_db, deal_id, [names.get(c, c) for c in clear], who)
        click.echo(f"Deal {deal_id}: cleared {', '.join(clear)}")
    if fields:
        result = set_deal(ctx.existing_db, deal_id, who=who, **fields)
        click.echo(f"Deal {deal_id}: {result}")


# --- deliveries ----------------------------------------------------------------------


@main.group()
def deliveries():
    """Import and list delivery records (shipments, milestones, trainings, tickets...)."""


def _dates_read(counts) -> str:
    """How the file's numeric dates were read, when the file decided it."""
    why = counts.get("dates_read")
    return f"; dates like 03/04/2027 read {why} (override with --dayfirst/--monthfirst)" if why else ""


def _pairs(values, option):
    out = {}
    for v in values:
        if "=" not in v:
            raise click.BadParameter(f"'{v}' should look like name=value", param_hint=option)
        k, _, val = v.partition("=")
        out[k.strip()] = val.strip()
    return out


@deliveries.command("import")
@click.argument("file", type=click.Path())
@mapping_options("deliveries")
@click.option("--decimal-comma/--decimal-point", "decimal_comma", default=None,
              help="The file writes decimals with a comma (99,71; 1.234,5) or a point "
              "(99.71; 1,234.5). Default: commas in a semicolon-separated file, else points.")
@click.option("--timezone", "zone", metavar="ZONE",
              help="Convert times with an offset (+02:00) to this time zone, e.g. "
              "Europe/Berlin (default UTC); times without an offset are taken as in it.")
@click.option("--as-of", "as_of", type=DATE,
              help="For calendars: meetings up to this date were held (default today).")
@by_option
@pass_ctx
def deliveries_import(ctx, file, mapping, columns, values, dayfirst, strict, decimal_comma, zone,
                      as_of, who):
    """Import delivery records from a CSV/JSON export, or the meetings of an .ics calendar
    (undo it later with `promiseaudit deliveries undo`)."""
    from .imports import import_deliveries

    m = _mapping("deliveries", mapping, columns, values, dayfirst)
    if decimal_comma is not None:
        m.decimal = "," if decimal_comma else "."
    if zone is not None:
        m.timezone = zone
    counts = import_deliveries(ctx.existing_db, file, m, strict=strict, today=as_of, who=who)
    msg = (f"{Path(file).name}: {counts['imported']} record(s) imported (import {counts.import_id})"
           + _skip_summary(counts))
    if counts["duplicates"] > counts["repeated"]:
        msg += f", {counts['duplicates'] - counts['repeated']} already imported"
    if counts["repeated"]:
        msg += f", {counts['repeated']} repeated in the file (imported once)"
    if counts["converted"]:
        msg += f"; {counts['converted']} time(s) converted to {counts['timezone']} time"
    click.echo(msg + _dates_read(counts))
    hints = counts["suggestions"]
    if counts["ignored"]:
        click.echo(f"Ignored column(s) {_with_hints(counts['ignored'], hints)}: not delivery "
                   "fields; check the spelling, or read one with --column FIELD=COLUMN", err=True)
    if counts["missing"]:
        click.echo(f"Column(s) {_with_hints(counts['missing'], hints)} named in the mapping "
                   "are not in the file and were read as empty; check the spelling", err=True)


@deliveries.command("list")
@click.option("--deal", "deal_id", help="Only this deal's records.")
@click.option("--all", "include_undone", is_flag=True,
              help="Also list the records of undone imports.")
@pass_ctx
def deliveries_list(ctx, deal_id, include_undone):
    """List delivery records: which promise each is linked to by hand, and which are
    dismissed."""
    from .ledger import queries

    db = ctx.existing_db
    undone = {i["id"] for i in queries.imports(db) if i["undone_at"]}
    for d in queries.deliveries(db, deal_id, include_undone=include_undone):
        link = f" -> {d.promise_id}" if d.promise_id else ""
        if d.dismissed:
            link += f"  [dismissed {d.dismissed}]"
        if d.import_id in undone:
            link += f"  [import {d.import_id} undone]"
        why = f"  [deal: {d.deal_reason}]" if d.deal_reason else ""
        click.echo(f"{d.id:>5}  {d.deal_id:<12} {d.category:<13} {d.delivered_on or '-'}  "
                   f"{_short(d.description, 60)}{link}{why}")


@main.command("mappings")
def mappings_list():
    """List the shipped mappings for other tools' exports, to use with --map NAME."""
    import textwrap

    from .imports import mapping_catalogue

    for m in mapping_catalogue():
        command = "deals import" if m.kind == "deals" else "deliveries import"
        click.echo(f"{m.name}  ({command} --map {m.name}): {m.title}")
        click.echo(textwrap.fill(m.description, width=88, initial_indent="    ",
                                 subsequent_indent="    ", break_on_hyphens=False))


@deliveries.command("imports")
@pass_ctx
def deliveries_imports(ctx):
    """List every import of delivery records: file, who, when, how many, and which were
    undone."""
    from .ledger import queries

    rows = queries.imports(ctx.existing_db)
    if not rows:
        click.echo("No delivery records imported yet; import them with "
                   "`promiseaudit deliveries import`.")
    for i in rows:
        how = f" with {i['mapping']}" if i["mapping"] not in (None, "canonical") else ""
        counts = f"{i['records']} imported, {i['duplicates']} already there, {i['skipped']} skipped"
        line = (f"{i['id']:>4}  {i['imported_at'][:16].replace('T', ' ')}  {i['imported_by']:<10} "
                f"{i['file_name']}{how}: {counts}")
        if i["note"]:
            line += f" ({i['note']})"
        if i["undone_at"]:
            why = f": {i['undone_reason']}" if i["undone_reason"] else ""
            line += f"  UNDONE by {i['undone_by']} on {i['undone_at'][:10]}{why}"
        click.echo(line)


@deliveries.command("undo")
@click.argument("import_id", type=int)
@click.option("--reason", default="", help="Why it is undone (kept in the history).")
@by_option
@pass_ctx
def deliveries_undo(ctx, import_id, reason, who):
    """Undo a whole import (see `promiseaudit deliveries imports` for its number): its
    records stop counting, nothing is deleted, and the file can be imported again."""
    from .api import undo_import

    out = undo_import(ctx.existing_db, import_id, who, reason)
    click.echo(f"Import {import_id} ({out.file_name}) undone: its {out.records} record(s) no "
               "longer count")
    if out.linked or out.dismissed:
        click.echo(f"{out.linked} of them were linked by hand and {out.dismissed} dismissed; "
                   "those links and dismissals stay with the undone records")
    for rule_id in out.rules:
        click.echo(f"Rule {rule_id} was learned from one of its records and still applies to "
                   f"records of the same kind; stop it with `promiseaudit rules forget {rule_id}`")


@main.command()
@click.argument("delivery_id", type=int)
@click.argument("promise_id")
@click.option("--remember", is_flag=True, help="Also link other records of the same kind "
              "(same deal, export and category, same description apart from numbers, dates "
              "and ids), next month's too, to this promise automatically.")
@by_option
@pass_ctx
def link(ctx, delivery_id, promise_id, remember, who):
    """Link a delivery record to the promise it fulfils."""
    from .api import link as link_

    out = link_(ctx.existing_db, delivery_id, promise_id, who, remember=remember)
    click.echo(f"Delivery {delivery_id} now counts toward promise {promise_id}")
    if out.rule_id is not None:
        click.echo(f"{'Already remembered' if out.rule_existed else 'Remembered'} as rule "
                   f"{out.rule_id}: records from '{out.export_key}' like '{out.pattern}' go to "
                   f"promise {promise_id}")


@main.command()
@click.argument("delivery_id", type=int)
@by_option
@pass_ctx
def unlink(ctx, delivery_id, who):
    """Remove a link made by hand: the record is matched automatically again."""
    from .api import unlink as unlink_

    out = unlink_(ctx.existing_db, delivery_id, who)
    click.echo(f"Delivery {delivery_id} no longer counts toward promise {out.promise_id} by "
               "hand; it is matched automatically again")
    for rule_id in out.forgotten_rules:
        click.echo(f"Rule {rule_id}, remembered from this link, is forgotten too")


@main.command()
@click.argument("delivery_id", type=int)
@click.option("--reason", help="Why the record fulfils no promise (needed to dismiss; with "
              "--undo, kept as a note).")
@click.option("--undo", is_flag=True, help="Take back the dismissal: the record counts again.")
@by_option
@pass_ctx
def dismiss(ctx, delivery_id, reason, undo, who):
    """Mark a delivery record that fulfils no promise, so it is never counted toward one."""
    from .api import dismiss as dismiss_
    from .api import undismiss

    if undo:
        undismiss(ctx.existing_db, delivery_id, who, reason or "")
        click.echo(f"Delivery {delivery_id} is no longer dismissed; it is matched to promises again")
        return
    if not reason:
        raise click.UsageError("Say why the record fulfils no promise, with --reason TEXT")
    dismiss_(ctx.existing_db, delivery_id, reason, who)
    click.echo(f"Delivery {delivery_id} dismissed: {reason}")


@main.group(invoke_without_command=True)
@click.option("--all", "include_forgotten", is_flag=True, help="Also list forgotten rules.")
@click.pass_context
def rules(click_ctx, include_forgotten):
    """List the links remembered with `link --remember`. `rules forget N` stops one."""
    if click_ctx.invoked_subcommand is not None:
        return
    from .ledger import queries

    db = click_ctx.find_object(Context).existing_db
    rows = queries.link_rule_rows(db, include_forgotten)
    if not rows:
        click.echo("No remembered links; make one with `promiseaudit link DELIVERY PROMISE "
                   "--remember`.")
    for r in rows:
        click.echo(f"Rule {r['id']}: records of deal {r['deal_id']} from '{r['export_key']}' "
                   f"({r['category']}) like '{r['pattern']}' go to promise {r['promise_id']}, "
                   f"as delivery {r['learned_from']} does (remembered by {r['created_by']} on "
                   f"{r['created_at'][:10]})")
        if r["forgotten_at"]:
            why = f": {r['forgotten_reason']}" if r["forgotten_reason"] else ""
            click.echo(f"        forgotten by {r['forgotten_by']} on {r['forgotten_at'][:10]}{why}")


@rules.command("forget")
@click.argument("rule_id", type=int)
@click.option("--reason", default="", help="Why (kept in the history).")
@by_option
@pass_ctx
def rules_forget(ctx, rule_id, reason, who):
    """Stop applying a remembered link; the records it linked are matched automatically
    again."""
    from .api import forget_rule

    forget_rule(ctx.existing_db, rule_id, who, reason)
    click.echo(f"Rule {rule_id} forgotten; the records it linked are matched automatically again")


@main.command()
@pass_ctx
def unmatched(ctx):
    """List delivery records that could not be matched to a promise with confidence."""
    from .api import unmatched as unmatched_

    from .ledger import queries

    rows = unmatched_(ctx.existing_db)
    if not rows:
        click.echo("Every delivery record is matched to a promise.")
        return
    click.echo(f"{len(rows)} delivery record(s) could not be matched with confidence:")
    for m in rows:
        d = queries.get_delivery(ctx.existing_db, m.delivery_id)
        click.echo(f"\nRecord {d.id} ({d.deal_id}, {d.delivered_on or 'no date'}): "
                   f"{_short(d.description or d.reference, 70)}  [{d.source_file} row "
                   f"{d.source_row}]")
        if m.candidates:
            click.echo("  It could count toward:")
            for pid in m.candidates:
                p = queries.get_promise(ctx.existing_db, pid)
                click.echo(f"    {pid}  \u201c{_short(p.text, 80)}\u201d")
        else:
            click.echo("  No promise of this deal looks like it.")
        click.echo(f"  Link it with: promiseaudit link {d.id} PROMISE_ID")
        click.echo(f"  Or, if it fulfils no promise: promiseaudit dismiss {d.id} --reason TEXT")


# --- promises, review, waivers -------------------------------------------------------


@main.command()
@click.option("--deal", "deal_id", help="Only this deal's promises.")
@click.option("--state", type=click.Choice(["candidate", "confirmed", "rejected", "superseded"]),
              multiple=True, help="Only promises in this review state (repeatable).")
@pass_ctx
def promises(ctx, deal_id, state):
    """List the promises in the ledger."""
    from .ledger import queries

    rows = queries.promises(ctx.existing_db, deal_id, states=state or None)
    for p in rows:
        click.echo(f"{p.id}  {p.deal_id:<12} {p.review_state:<10} {p.category:<13} "
                   f"{_short(p.text, 80)}")
    if not rows:
        click.echo("No promises found.")


@main.command()
@click.option("--deal", "deal_id", help="Only this deal's candidates.")
@click.option("--by", "who", default=lambda: os.environ.get("USER", "user"), show_default="$USER",
              help="Who is reviewing; kept with every decision and correction.")
@click.option("--export", "export_path", type=click.Path(),
              help="Write a review sheet (CSV) instead of asking one by one.")
@click.option("--import", "import_path", type=click.Path(),
              help="Apply a filled-in review sheet.")
@click.option("--all", "include_reviewed", is_flag=True,
              help="With --export: include promises already confirmed or rejected.")
@pass_ctx
def review(ctx, deal_id, who, export_path, import_path, include_reviewed):
    """Confirm or reject extracted promises, and correct their details.

    Without options, walks the candidates one by one in the terminal. --export writes a
    sheet (CSV) to fill in, --import applies it. The sheet's columns:

    \b
    decision        confirm or reject (yes/no work too); leave empty to decide later
    category        delivery, service_level, training, check_in, support, warranty
                    or pricing
    due             the due date, YYYY-MM-DD
    within_days     a deadline in days after an event (45 for "within 45 days of
                    signature"; negative for "two weeks before go-live")
    business_days   yes when within_days counts working days only
    anchor          the event it counts from: signature, kickoff, go_live, or any
                    other event named in the proposal (commissioning, acceptance...)
    recurrence      daily, weekly, biweekly, monthly, quarterly, semiannually or
                    annually; empty for a one-off
    quantity, unit  how many of what ("3", "session")
    threshold,      a promised level: "99.9", "%", "at_least" for at least 99.9 %;
    threshold_unit, "1", "hour", "at_most" for within 1 hour
    direction
    strength        firm, or soft when the proposal hedged it ("we aim to")
    condition       the condition it depends on, if any
    The other columns (review_state, confidence, quote, source, page, reason) are
    there to read; changes to them are ignored. Every decision and correction is kept
    in the history with --by and the time.
    """
    from . import review as rv

    if export_path:
        Path(export_path).write_text(rv.export_csv(ctx.existing_db, deal_id, include_reviewed),
                                     encoding="utf-8")
        click.echo(f"Review sheet written to {export_path}; fill in 'decision' and import it "
                   "with `promiseaudit review --import`")
        return
    if import_path:
        c = rv.import_csv(ctx.existing_db, import_path, who)
        click.echo(f"{Path(import_path).name}: {c['confirmed']} confirmed, {c['rejected']} "
                   f"rejected, {c['edited']} detail(s) corrected, {c['unchanged']} left as they were")
        return
    todo = rv.candidates(ctx.existing_db, deal_id)
    if not todo:
        click.echo("Nothing to review: no candidate promises.")
        return
    click.echo(f"{len(todo)} promise(s) to review. Answer c(onfirm), r(eject), e(dit), "
               "s(kip) or q(uit).")
    for i, p in enumerate(todo, 1):
        click.echo(f"\n[{i}/{len(todo)}] {p.id}  deal {p.deal_id}  {p.source} p.{p.page}")
        click.echo(_promise_table([p]))
        if p.reason:
            click.echo(f"      why: {p.reason} (confidence {p.confidence:.0%})")
        while True:
            answer = click.prompt("Decision", type=click.Choice(["c", "r", "e", "s", "q"]),
                                  default="s", show_choices=True)
            if answer == "e":
                field = click.prompt("Detail to correct", type=click.Choice(rv.EDITABLE))
                value = click.prompt(f"New {field} (empty to clear)", default="",
                                     show_default=False)
                try:
                    rv.edit(ctx.existing_db, p.id, field, value, who)
                except PromiseAuditError as e:
                    click.echo(f"      Not changed: {e}")
                    continue
                click.echo(f"      {field} set to {value or '(empty)'}")
                continue
            break
        if answer == "q":
            break
        if answer in ("c", "r"):
            state = rv.decide(ctx.existing_db, p.id, "confirm" if answer == "c" else "reject", who)
            click.echo(f"      {state}")


@main.command()
@click.argument("promise_id")
@click.option("--reason", required=True, help="What the customer agreed to.")
@click.option("--by", "who", required=True, help="Who recorded the waiver.")
@click.option("--on", "on", type=DATE, help="Date of the agreement (default today).")
@click.option("--revoke", is_flag=True, help="Withdraw the promise's waiver instead "
              "(recorded by mistake); the reason says why.")
@pass_ctx
def waive(ctx, promise_id, reason, who, on, revoke):
    """Record that the customer agreed to drop or change a promise."""
    from .api import revoke_waiver
    from .api import waive as waive_

    if revoke:
        revoke_waiver(ctx.existing_db, promise_id, who, reason, on)
        click.echo(f"Waiver of promise {promise_id} revoked: {reason}")
        return
    waive_(ctx.existing_db, promise_id, reason, who, on)
    click.echo(f"Promise {promise_id} waived: {reason}")


@main.command()
@click.argument("entity_id", required=False)
@pass_ctx
def history(ctx, entity_id):
    """Show the audit trail: every change, who made it and when.

    Give a promise id (P1A2B3C4D), deal id or delivery number to see only its changes.
    Each line shows:

    \b
    when     the time of the change (UTC)
    who      who made it (--by, or the user name)
    action   what was done: ingest (a proposal read), create/update/clear/event
             (a deal's details), review (confirmed or rejected), edit (a detail
             corrected), link (a delivery tied to a promise), waive/revoke,
             supersede/restore (a new proposal version dropped or kept it)
    what     document, deal, promise or delivery, and its id
    change   the field changed, old value -> new value
    (note)   a reason or a file name, when there is one
    """
    from .ledger import queries

    for c in queries.changes(ctx.existing_db, entity_id):
        detail = f" {c['field']}: {c['old_value']} -> {c['new_value']}" if c["field"] else ""
        note = f" ({c['note']})" if c["note"] else ""
        click.echo(f"{c['at']}  {c['who']:<12} {c['action']:<9} {c['entity']} "
                   f"{c['entity_id']}{detail}{note}")


@main.command()
@pass_ctx
def compact(ctx):
    """Give back the disk space the ledger file no longer uses.

    What is deleted (an earlier audit's record matches, an undone import) leaves unused
    room inside the file, which later writes reuse but the disk does not get back. This
    rewrites the file without it; nothing stored changes. A large ledger takes a while
    (half a minute for a 7.6 GB one), and needs about its own size free in the temporary
    folder (TMPDIR) and beside the ledger while it runs.
    """
    from .ledger import store
    from .read.limits import size_in_words

    before, after = store.compact(ctx.existing_db, ctx.db_path)
    freed = before.size - after.size
    if freed <= 0:
        click.echo(f"The ledger {ctx.db_path} had no unused space to give back "
                   f"({size_in_words(after.size)}).")
    else:
        click.echo(f"Ledger {ctx.db_path} compacted: {size_in_words(before.size)} -> "
                   f"{size_in_words(after.size)} ({size_in_words(freed)} given back to the "
                   "disk).")


# --- audit and reports ---------------------------------------------------------------


def _settings(at_risk_days, windows, holidays):
    from .audit import AuditSettings, load_holidays

    kwargs = {}
    if at_risk_days is not None:
        kwargs["at_risk_days"] = at_risk_days
    if windows:
        parsed = {}
        for k, v in _pairs(windows, "--window").items():
            # "service level", "service-level" and "Check-in" are the categories too.
            k = re.sub(r"[\s-]+", "_", k.strip().lower())
            if k not in CATEGORIES:
                raise click.BadParameter(f"'{k}' is not a kind of promise; use one of "
                                         f"{', '.join(CATEGORIES)}", param_hint="--window")
            if not v.isdigit():
                raise click.BadParameter(f"'{v}' is not a number of days", param_hint="--window")
            parsed[k] = int(v)
        kwargs["at_risk_days_by_category"] = parsed
    if holidays:
        kwargs["holidays"] = load_holidays(holidays)
    return AuditSettings(**kwargs)


def audit_options(f):
    f = click.option("--holidays", type=click.Path(), help="File of holiday dates (one "
                     "YYYY-MM-DD per line) skipped when counting business days.")(f)
    f = click.option("--window", "windows", multiple=True, metavar="CATEGORY=DAYS",
                     help="At-risk window for one kind of promise, e.g. training=14 "
                          "(repeatable). Kinds: " + ", ".join(CATEGORIES) + ".")(f)
    f = click.option("--at-risk-days", type=click.IntRange(min=0), help="Days before a due date that an "
                     "undelivered promise counts as at risk (default 7).")(f)
    f = click.option("--confirmed-only", is_flag=True,
                     help="Leave out promises nobody has confirmed yet.")(f)
    return f


@main.command()
@click.option("--as-of", type=DATE, default=lambda: date.today(), show_default="today",
              help="Audit as of this date (YYYY-MM-DD); records dated later are ignored.")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON (with each verdict's rule id), for other tools.")
@audit_options
@jobs_option("Audit the deals in this many processes at once; the verdicts are the same "
             "either way")
@pass_ctx
def audit(ctx, as_of, as_json, confirmed_only, at_risk_days, windows, holidays, jobs):
    """Check every promise against the delivery records as of a date."""
    from .api import run_audit

    order = {"broken": 0, "at_risk": 1, "late": 2, "open": 3, "pending": 4, "kept": 5,
             "waived": 6, "superseded": 7}
    items, rows = [], []

    def collect(part):
        # Only what is printed is kept, so a large ledger is not held in memory.
        for p in part.promises:
            v = part.verdicts.get(p.id)
            if v is not None:
                items.append({"id": p.id, "deal_id": p.deal_id, "text": p.text,
                              "category": p.category, "review_state": p.review_state,
                              "source": p.source, "page": p.page, **v.to_dict()})

    def lines(found):
        for a in found:
            due = a.due.isoformat() if a.due else "no date"
            flag = " (not yet reviewed)" if a.review_state == "candidate" else ""
            rows.append((order.get(a.status, 9), a.promise_id,
                         f"{a.status.upper().replace('_', ' '):<10} {a.promise_id}  {a.deal_id:<12} "
                         f"{due:<10}  {_short(a.text, 70)}{flag}", f"{'':<10} {a.reason}"))

    outcome = run_audit(ctx.existing_db, as_of, _settings(at_risk_days, windows, holidays),
                        confirmed_only=confirmed_only, keep=False,
                        on_deal=collect if as_json else None, on_lines=None if as_json else lines,
                        jobs=jobs)
    if as_json:
        click.echo(json.dumps({"as_of": as_of.isoformat(), "promises": items}, indent=2,
                              ensure_ascii=False))
        return
    click.echo(f"Audit as of {as_of.isoformat()}: " + (", ".join(
        f"{n} {s.replace('_', ' ')}" for s, n in outcome.counts.items()) or "no promises"))
    rows.sort(key=lambda r: r[:2])
    for _, _, line, reason in rows:
        click.echo(line)
        click.echo(reason)
    _suggest_compact(ctx)


# Unused room in the ledger file worth mentioning after an audit (and a quarter of it).
COMPACT_HINT_BYTES = 100_000_000


def _suggest_compact(ctx) -> None:
    from .ledger import is_read_only, store
    from .read.limits import size_in_words

    db = ctx.existing_db
    if is_read_only(db):
        return
    space = store.ledger_space(db)
    if space.unused >= COMPACT_HINT_BYTES and space.unused >= space.size / 4:
        click.echo(f"The ledger file holds {size_in_words(space.unused)} of unused space (from "
                   "earlier audits or undone imports); `promiseaudit compact` gives it back "
                   "to the disk.", err=True)


def _write(output, content, what):
    mode = "wb" if isinstance(content, bytes) else "w"
    if output in (None, "-"):
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            click.echo(content, nl=False)
        return
    path = Path(output)
    if path.is_dir():
        raise click.ClickException(f"Cannot write {output}: it is a folder; give a file name "
                                   f"such as {path / 'report.html'}")
    if not path.parent.exists():
        raise click.ClickException(f"Cannot write {output}: folder {path.parent} does not exist")
    try:
        with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(content)
    except OSError as e:
        raise click.ClickException(f"Cannot write {output}: {e.strerror}") from None
    click.echo(f"{what} written to {path}", err=True)


def from_audit_option(f):
    return click.option(
        "--from-audit", is_flag=True,
        help="Make the report from the audit `promiseaudit audit` stored as of the same date "
             "(with the same options) instead of auditing again: quick on a large ledger. "
             "Refused when there is none, or when the ledger has changed since.")(f)


@main.group(invoke_without_command=True)
@click.option("--as-of", type=DATE, default=lambda: date.today(), show_default="today",
              help="Audit as of this date (YYYY-MM-DD).")
@click.option("-o", "--output", type=click.Path(), default="report.html", show_default=True,
              help="The HTML file to write.")
@click.option("--rep", help="Only this rep's deals.")
@click.option("--deal", "deal_id", help="Only this deal.")
@click.option("--customer", help="Only this customer.")
@click.option("--since", type=DATE, help="Only promises due on or after this date.")
@click.option("--date-format", default="%Y-%m-%d", show_default=True,
              help="How dates are shown, e.g. '%d %b %Y'.")
@click.option("--quiet-days", type=click.IntRange(1, 3650), default=30, show_default=True,
              help="A live deal with no check-in, meeting, review, training or ticket reply "
                   "for longer than this has gone quiet (the 'Gone quiet' section).")
@audit_options
@from_audit_option
@click.pass_context
def report(click_ctx, as_of, output, rep, deal_id, customer, since, date_format, quiet_days,
           confirmed_only, at_risk_days, windows, holidays, from_audit):
    """Write the manager's audit report (HTML). `report weekly` writes the weekly report."""
    if click_ctx.invoked_subcommand is not None:
        return
    from .api import load_audit_data, load_stored_audit, save_snapshot
    from .report import ReportFilters, manager_report, manager_report_stored

    ctx = click_ctx.find_object(Context)
    settings = _settings(at_risk_days, windows, holidays)
    filters = ReportFilters(rep=rep, deal=deal_id, customer=customer, since=since,
                            quiet_days=quiet_days)
    if from_audit:
        src = load_stored_audit(ctx.existing_db, as_of, settings, confirmed_only=confirmed_only)
        _write(output, manager_report_stored(src, filters, date_format=date_format), "Report")
        return
    data = load_audit_data(ctx.existing_db, as_of, settings, confirmed_only=confirmed_only, save=False)
    html = manager_report(data, filters, date_format=date_format)
    _write(output, html, "Report")
    save_snapshot(ctx.existing_db, data, settings)


@report.command("weekly")
@click.option("--week", help="ISO week, e.g. 2027-W28 (default: the week of --as-of).")
@click.option("--as-of", type=DATE, help="Report the week of this date, as of this date "
              "(default today).")
@click.option("-o", "--output", type=click.Path(),
              help="HTML file to write (default weekly.html; none when you e-mail the report "
                   "with --email or --smtp, unless you give one).")
@click.option("--date-format", default="%Y-%m-%d", show_default=True,
              help="How dates are shown, e.g. '%d %b %Y'.")
@click.option("--email", "email_path", type=click.Path(),
              help="Write the report as an e-mail file (.eml, opens in any mail program); "
                   "with --per-rep one file per rep beside it: weekly-dana-whitfield.eml.")
@click.option("--to", "to", multiple=True, metavar="ADDRESS",
              help="Who receives the report (repeatable). With --per-rep they get a copy of "
                   "every rep's message.")
@click.option("--per-rep", is_flag=True,
              help="One message per rep, each with only that rep's promises, addressed to the "
                   "rep (see --rep-email).")
@click.option("--rep-email", "rep_emails", multiple=True, metavar="NAME=ADDRESS",
              help="A rep's e-mail address, e.g. \"Dana Whitfield=dana@example.com\" "
                   "(repeatable; with --per-rep).")
@click.option("--from", "sender", envvar="PROMISEAUDIT_MAIL_FROM", metavar="ADDRESS",
              help="The sender's address (also PROMISEAUDIT_MAIL_FROM).")
@click.option("--smtp", "smtp_server", envvar="PROMISEAUDIT_SMTP", metavar="HOST:PORT",
              help="Send the messages through this mail server (also PROMISEAUDIT_SMTP).")
@click.option("--starttls", is_flag=True,
              help="With --smtp: switch to an encrypted connection first (most servers on "
                   "port 587 want this).")
@click.option("--smtp-user", envvar="PROMISEAUDIT_SMTP_USER", metavar="USER",
              help="With --smtp: log in as this user (also PROMISEAUDIT_SMTP_USER); the "
                   "password is read from PROMISEAUDIT_SMTP_PASSWORD.")
@click.option("--quiet-days", type=click.IntRange(1, 3650), default=30, show_default=True,
              help="A live deal with no check-in, meeting, review, training or ticket reply "
                   "for longer than this has gone quiet (the 'Gone quiet' section).")
@audit_options
@from_audit_option
@pass_ctx
def report_weekly(ctx, week, as_of, output, date_format, email_path, to, per_rep, rep_emails,
                  sender, smtp_server, starttls, smtp_user, quiet_days, confirmed_only,
                  at_risk_days, windows, holidays, from_audit):
    """Write the weekly report: what broke, what is due or at risk, what changed.

    Add --email weekly.eml to write it as an e-mail, --smtp HOST:PORT to send it.
    """
    from .api import load_audit_data, load_stored_audit, save_snapshot
    from .report import iso_week_bounds, week_bounds, weekly_report, weekly_report_stored

    if week and as_of:
        raise click.UsageError("Give --week or --as-of, not both")
    mailing = bool(email_path or smtp_server)
    if not mailing and (to or per_rep or rep_emails or starttls or smtp_user):
        raise click.UsageError("--to, --per-rep, --rep-email, --starttls and --smtp-user are "
                               "for e-mail: add --email FILE or --smtp HOST:PORT")
    today = date.today()
    if week:
        start, end = iso_week_bounds(week)
        as_of = today if start <= today <= end else end  # never audit ahead of today
    else:
        as_of = as_of or today
        start, end = week_bounds(as_of)
    settings = _settings(at_risk_days, windows, holidays)
    # "What changed" compares with last week's audit only, never an older one.
    previous = dict(previous_before=start - timedelta(days=1),
                    previous_after=start - timedelta(days=7))
    if from_audit:
        data = load_stored_audit(ctx.existing_db, as_of, settings, confirmed_only=confirmed_only,
                                 **previous)
        page = weekly_report_stored
    else:
        data = load_audit_data(ctx.existing_db, as_of, settings, confirmed_only=confirmed_only,
                               save=False, **previous)
        page = weekly_report
    if output or not mailing:
        _write(output or "weekly.html", page(data, start, end, date_format=date_format,
                                             quiet_days=quiet_days), "Weekly report")
    if mailing:
        from .report.mail import send_mail, weekly_mail, write_mail

        # From the stored audit too: the same messages as from a fresh audit.
        mails = weekly_mail(data, start, end, sender, to, per_rep=per_rep,
                            rep_addresses=_pairs(rep_emails, "--rep-email"),
                            date_format=date_format, quiet_days=quiet_days)
        if email_path:
            for path in write_mail(mails, email_path):
                click.echo(f"E-mail written to {path}", err=True)
        if smtp_server:
            sent = send_mail(mails, smtp_server, starttls=starttls, user=smtp_user,
                             password=os.environ.get("PROMISEAUDIT_SMTP_PASSWORD"))
            for recipients in sent:
                click.echo(f"Sent to {', '.join(recipients)}", err=True)
    if not from_audit:
        save_snapshot(ctx.existing_db, data, settings)


@main.command()
@click.option("--deal", "deal_id", help="The deal to brief on.")
@click.option("--customer", help="Or: every deal of this customer.")
@click.option("--as-of", type=DATE, default=lambda: date.today(), show_default="today",
              help="Brief as of this date (YYYY-MM-DD).")
@click.option("-o", "--output", type=click.Path(),
              help="Also write the brief as HTML, one printed page.")
@click.option("--date-format", default="%Y-%m-%d", show_default=True,
              help="How dates are shown, e.g. '%d %b %Y'.")
@click.option("--quiet-days", type=click.IntRange(1, 3650), default=30, show_default=True,
              help="A live deal with no check-in, meeting, review, training or ticket reply "
                   "for longer than this has gone quiet (the 'Gone quiet' section).")
@audit_options
@pass_ctx
def brief(ctx, deal_id, customer, as_of, output, date_format, quiet_days, confirmed_only, at_risk_days,
          windows, holidays):
    """A one-page pre-call brief for a rep: promised, done, late, due soon, talking points."""
    from .api import load_audit_data
    from .report import brief_html, brief_text

    if not deal_id and not customer:
        raise click.UsageError("Give --deal ID or --customer NAME")
    data = load_audit_data(ctx.existing_db, as_of, _settings(at_risk_days, windows, holidays),
                           confirmed_only=confirmed_only, save=False)
    click.echo(brief_text(data, deal_id=deal_id, customer=customer, date_format=date_format))
    if output:
        _write(output, brief_html(data, deal_id=deal_id, customer=customer,
                                  date_format=date_format, quiet_days=quiet_days), "Brief")


@main.command()
@click.argument("draft", type=click.Path())
@click.option("--rep", help="Also give the track record of this rep's deals.")
@click.option("--customer", help="Also give the track record of this customer's deals.")
@click.option("--strict", is_flag=True, help="Exit with code 1 when a promise uses absolute "
              "language, or its similar promises were kept less often than --min-kept.")
@click.option("--min-kept", type=click.FloatRange(0, 1), default=0.6, show_default=True,
              help="With --strict: the share of similar promises that must have been kept "
                   "(0.6 = 60 %).")
@click.option("--as-of", type=DATE, default=lambda: date.today(), show_default="today",
              help="Audit the ledger's history as of this date.")
@click.option("-o", "--output", type=click.Path(), help="Also write the check as HTML.")
@click.option("--model", help="'rules' to let the rules alone decide, or a model folder from 'promiseaudit train'.")
@click.option("--password", help="Password for a protected PDF.")
@click.option("--date-format", default="%Y-%m-%d", show_default=True,
              help="How dates are written (strftime codes, e.g. %d %B %Y for 3 May 2027).")
@pass_ctx
def check(ctx, draft, rep, customer, strict, min_kept, as_of, output, model, password,
          date_format):
    """Check a draft proposal before it goes out: track record, over-promising, promises
    nobody could check, missing touch points and customer duties. Nothing is stored."""
    from .api import check_draft
    from .report.check import check_html, check_text

    db = None if ctx.db_path != ":memory:" and not Path(ctx.db_path).exists() else ctx.db
    result = check_draft(db, draft, rep=rep, customer=customer, as_of=as_of,
                         min_kept=min_kept, model=model, password=password)
    click.echo(check_text(result, date_format), nl=False)
    if output:
        _write(output, check_html(result, date_format), "Check")
    failures = result.strict_failures()
    if strict and failures:
        raise click.ClickException("Not ready to send (--strict): " + "; ".join(failures))


@main.command()
@click.option("--deal", "deal_id", required=True, help="The deal the sheet is for.")
@click.option("-o", "--output", type=click.Path(), default="sheet.html", show_default=True,
              help="The HTML file to write.")
@click.option("--include-unreviewed", is_flag=True, help="Also list promises nobody has "
              "confirmed yet (by default only confirmed promises go on the sheet).")
@click.option("--as-of", type=DATE, default=lambda: date.today(), show_default="today",
              help="Work out the dates as known on this date (YYYY-MM-DD).")
@click.option("--date-format", default="%d %B %Y", show_default=True,
              help="How dates are written (strftime codes, e.g. %d %B %Y for 3 May 2027).")
@click.option("--holidays", type=click.Path(), help="File of holiday dates skipped when "
              "counting business days.")
@pass_ctx
def sheet(ctx, deal_id, output, include_unreviewed, as_of, date_format, holidays):
    """Write the customer's one-page sheet: what you will receive and when."""
    from .api import sheet_data
    from .report.sheet import sheet_html

    data = sheet_data(ctx.existing_db, deal_id, as_of, include_unreviewed,
                      _settings(None, (), holidays))
    _write(output, sheet_html(data, date_format), "Sheet")


@main.command()
@click.option("--deal", "deal_id", required=True, help="The deal to plan.")
@click.option("-o", "--output", type=click.Path(), default="plan.ics", show_default=True,
              help="The calendar file (.ics) to write.")
@click.option("--cadence", "cadence_file", type=click.Path(),
              help="A TOML file of the team's own touch points (replaces the defaults).")
@click.option("--thank-you-days", type=int, help="Thank-you call this many days after "
              "signature (default 7; -1 leaves it out).")
@click.option("--check-up-days", type=int, help="Check-up this many days after go-live "
              "(default 30; -1 leaves it out).")
@click.option("--renewal-days", type=int, help="Renewal review this many days before the "
              "contract ends (default 60; -1 leaves it out).")
@click.option("--from", "as_of", type=DATE, default=lambda: date.today(), show_default="today",
              help="Plan the touch points from this date on.")
@click.option("--confirmed-only", is_flag=True, help="Leave out promises nobody has confirmed yet.")
@click.option("--date-format", default="%Y-%m-%d", show_default=True,
              help="How dates are written in the events (strftime codes).")
@pass_ctx
def plan(ctx, deal_id, output, cadence_file, thank_you_days, check_up_days, renewal_days,
         as_of, confirmed_only, date_format):
    """Export a deal's after-sale touch points as calendar events (.ics)."""
    from .api import after_sale_plan
    from .audit.plan import DEFAULT_CADENCE, cadence_with, load_cadence
    from .export import export_plan

    base = load_cadence(cadence_file) if cadence_file else DEFAULT_CADENCE
    cadence = cadence_with({"signature": thank_you_days, "go_live": check_up_days,
                            "end": renewal_days}, base)
    result = after_sale_plan(ctx.existing_db, deal_id, as_of, cadence,
                             confirmed_only=confirmed_only)
    _write(output, export_plan(result, date_format), "Plan")
    click.echo(f"{len(result.points)} touch point{'s' if len(result.points) != 1 else ''} "
               f"for deal {deal_id} from {as_of.isoformat()}", err=True)
    for note in result.unplaced:
        click.echo(f"Not in the plan yet: {note}", err=True)
    if result.term_assumed:
        click.echo(f"The contract end is not recorded; repeating check-ins are planned up to "
                   f"{result.term_end.isoformat()} (record it with `promiseaudit deals set "
                   f"{deal_id} --ends DATE`)", err=True)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "ics"]), required=True,
              help="csv: the promise register for the delivery team to fill in; json: "
                   "everything, for other tools; ics: due dates and check-ins for a calendar.")
@click.option("-o", "--output", type=click.Path(), help="File to write (default: screen).")
@click.option("--as-of", type=DATE, default=lambda: date.today(), show_default="today",
              help="Statuses as of this date (YYYY-MM-DD).")
@audit_options
@pass_ctx
def export(ctx, fmt, output, as_of, confirmed_only, at_risk_days, windows, holidays):
    """Export the promise register (csv, json) or due dates as calendar events (ics)."""
    from .api import load_audit_data
    from .export import export_csv, export_ics, export_json

    data = load_audit_data(ctx.existing_db, as_of, _settings(at_risk_days, windows, holidays),
                           confirmed_only=confirmed_only, save=False)
    content = {"csv": export_csv, "json": export_json, "ics": export_ics}[fmt](data)
    _write(output, content, "Export")


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="The port to serve on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to serve on; the default lets only this computer open it "
                   "(0.0.0.0 would show the ledger to your whole network).")
@pass_ctx
def browse(ctx, port, host):
    """Look through the ledger in your web browser (read-only, with Datasette)."""
    from .browse import TABLES, VIEWS, LedgerBrowser

    with LedgerBrowser(ctx.existing_db, host=host, port=port) as browser:
        click.echo(f"Browsing {ctx.db_path} (read-only, as it was just now) at {browser.url}")
        for view in VIEWS:
            click.echo(f"  {browser.url}/{view}\n      {TABLES[view]['description']}")
        click.echo("Stop with Ctrl+C; start it again to see later changes.")
        browser.serve()
    click.echo("Stopped.")


# --- measuring and trying it ---------------------------------------------------------


@main.command("eval")
@click.argument("gold_dir", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--model", help="'rules', or a model folder from 'promiseaudit train' (default: the shipped model).")
@click.option("--cv", "folds", type=click.IntRange(2, 20),
              help="Cross-validate on the corpus: K folds of documents, each scored by a model trained "
                   "on the others, beside the rules alone. The blind split is left out.")
@click.option("--epochs", type=click.IntRange(1, 100), help="With --cv: training epochs (default: the config's).")
@click.option("--blind", is_flag=True, help="Score only the corpus's blind split (once, at the end of a round).")
def eval_(gold_dir, as_json, model, folds, epochs, blind):
    """Score the extractor against hand-labelled documents (precision, recall, F1)."""
    from .evaluate import cross_validate_corpus, evaluate, side_by_side, split_stems
    from .extract import build_nlp

    if not Path(gold_dir).is_dir():
        raise click.ClickException(f"{gold_dir}: not a folder of gold files")
    if folds:
        learned, rules = cross_validate_corpus(gold_dir, folds, epochs=epochs)
        if as_json:
            click.echo(json.dumps({"learned": learned.to_dict(), "rules": rules.to_dict()}, indent=2))
        else:
            click.echo(f"{folds}-fold cross-validation by document (blind split left out)")
            click.echo(side_by_side({"rules": rules, "learned": learned}))
        return
    stems = split_stems(gold_dir, "blind" if blind else None)
    result = evaluate(gold_dir, nlp=build_nlp(model), stems=stems)
    click.echo(json.dumps(result.to_dict(), indent=2) if as_json else result.format_text())


@main.command()
@click.option("--corpus", "corpus_dir", type=click.Path(), default="fixtures/corpus", show_default=True,
              help="The labelled corpus (its blind split is never trained on).")
@click.option("--gold", "gold_dirs", multiple=True, type=click.Path(),
              help="More gold folders to train on (default: fixtures/gold and fixtures/holdout/gold).")
@click.option("--out", "out_dir", type=click.Path(), help="Where to write the model (default: inside the package).")
def train(corpus_dir, gold_dirs, out_dir):
    """Train the model that decides which units are promises, from the labelled documents."""
    from .evaluate import train_shipped_model

    path, meta = train_shipped_model(corpus_dir, list(gold_dirs) or None, out_dir)
    click.echo(f"Trained on {len(meta['trained_on'])} documents ({meta['units']} units); "
               f"model version {meta['version']} written to {path}")


@main.command()
@click.option("--out", "out_dir", type=click.Path(), default="promiseaudit-demo",
              show_default=True, help="Folder for the demo ledger and report.")
@click.option("--as-of", type=DATE, help="Audit date (default: the sample data's own date).")
def demo(out_dir, as_of):
    """Build a ledger from the bundled sample proposals and write an audit report."""
    from .demo import run_demo

    result = run_demo(out_dir, as_of=as_of)
    click.echo(result.summary)
    click.echo(str(result.report_path))


if __name__ == "__main__":  # pragma: no cover
    main()

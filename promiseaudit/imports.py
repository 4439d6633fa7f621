"""Deals and delivery records from CSV/JSON exports and calendars.

A whole file is read and validated first, then written in one transaction: a bad row
leaves the ledger exactly as it was. Exports from CRMs, help desks, project tools and
calendars are read through a column mapping (a TOML file; the shipped ones are in
``promiseaudit/mappings``, listed by ``mapping_catalogue``).

Nothing is guessed silently: numbers are read by the file's decimal convention (decimal
commas in a semicolon-separated file) and a number that does not fit it is refused;
timestamps with an offset are converted to one time zone; a column the import reads
named twice is refused; columns the import does not read are reported with the field
they probably mean. Rows of an export that are not evidence yet (a ticket not solved, a
task not completed, a lost deal, another customer's row) are skipped and counted with
the reason, or stop the import with ``strict``. Each record keeps why it belongs to its
deal ("company 'Harbor Logistics Inc.' = customer 'Harbor Logistics'").
"""
from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import math
import re
import tomllib
import warnings
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Optional, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .calendars import is_cancelled, meeting_category
from .customers import keys_named, name_key
from .errors import RecordError
from .ledger import queries, store
from .models import CATEGORIES, Deal, Delivery
from .tiers import MEASURES, canonical_unit

DEAL_COLUMNS = ("deal_id", "customer", "rep", "signed_on", "kickoff_on", "go_live_on", "ends_on")
DEAL_OPTIONAL = ("go_live_planned",)
DELIVERY_COLUMNS = ("deal_id", "category", "delivered_on", "description", "quantity", "value",
                    "reference")
DELIVERY_OPTIONAL = ("promise_id", "priority", "opened_at", "responded_at", "resolved_at",
                     "value_unit", "value_kind", "record_type")
DELIVERY_REQUIRED = ("deal_id", "category")
# Columns of the promise register (``export --format csv``) that a filled-in register
# brings back and the delivery import reads past without reporting them.
DELIVERY_KNOWN_EXTRAS = ("customer", "rep", "promise", "source", "page", "due", "status",
                         "review_state")

# What export files call their categories, mapped to promiseaudit's categories.
CATEGORY_SYNONYMS = {
    "delivery": "delivery", "deliverable": "delivery", "milestone": "delivery",
    "shipment": "delivery", "shipping": "delivery", "installation": "delivery",
    "install": "delivery", "task": "delivery", "project": "delivery",
    "service_level": "service_level", "service level": "service_level", "sla": "service_level",
    "uptime": "service_level", "availability": "service_level", "performance": "service_level",
    "training": "training", "training session": "training", "workshop": "training",
    "check_in": "check_in", "check-in": "check_in", "checkin": "check_in",
    "meeting": "check_in", "review": "check_in", "business review": "check_in",
    "qbr": "check_in", "status report": "check_in", "report": "check_in", "call": "check_in",
    "support": "support", "ticket": "support", "incident": "support", "case": "support",
    "warranty": "warranty", "defect": "warranty", "repair": "warranty", "rma": "warranty",
    "pricing": "pricing", "price": "pricing", "credit": "pricing", "invoice": "pricing",
    "service credit": "pricing",
}


@dataclass
class Mapping:
    """How an export's columns become promiseaudit's canonical columns.

    kind: "deliveries" or "deals", the import the mapping is for.
    columns: canonical name -> column name in the export, or a list of column names
    (the first one the file has and fills in is read; for deal_id, the first that names
    a deal). Column names are compared without regard to case and spacing.
    values: canonical name -> a constant for every row (e.g. category = "support").
    categories: export value -> category. only: column -> accepted values; other rows
    are skipped with ``only_reason`` ("not solved yet"). completed: a field a row must
    fill in to count (e.g. "resolved_at": an issue without a Resolved date is not done).
    minutes_after_opened: field -> a column of minutes since the ticket was opened (a
    help desk's "First reply time in minutes" gives responded_at).
    dayfirst: read 03/04/2027 as 3 April (a mapping's default, which a file that shows the
    other order overrides, unless ``dates_given``: the user chose it for this import).
    deal_by_customer: the deal column holds the
    customer's name ("Harbor Logistics Inc." finds the deal of "Harbor Logistics");
    deal_by_mention: the deal column's text names the customer ("QBR - Harbor
    Logistics"). deal_label: how the summary calls that column ("organization").
    meetings: rows are calendar meetings; the subject's words give the category, and
    meetings not held yet or cancelled are skipped. monthly: delivered_on names a month
    (a monthly report), read as the month's last day.
    decimal: "," or "." for the file's decimal mark; None reads decimal commas in a
    semicolon-separated file and decimal points otherwise. timezone: the IANA zone
    (e.g. "Europe/Berlin") timestamps with an offset are converted to; None is UTC.
    """

    name: str = "canonical"
    columns: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    categories: dict = field(default_factory=dict)
    only: dict = field(default_factory=dict)
    dayfirst: Optional[bool] = None
    deal_by_customer: bool = False
    decimal: Optional[str] = None
    timezone: Optional[str] = None
    kind: str = "deliveries"
    title: str = ""
    description: str = ""
    only_reason: str = "not finished"
    completed: Optional[str] = None
    minutes_after_opened: dict = field(default_factory=dict)
    deal_by_mention: bool = False
    deal_label: Optional[str] = None
    meetings: bool = False
    monthly: bool = False
    dates_given: bool = False  # dayfirst was chosen for this import (--dayfirst/--monthfirst)

    @property
    def flexible_dates(self) -> bool:
        return self.dayfirst is not None

    @property
    def is_export(self) -> bool:
        """Whether the file is another tool's export read through a mapping (rows that
        are not evidence are skipped), rather than a file in promiseaudit's own columns."""
        return self.name != "canonical"


DEAL_FIELDS = DEAL_COLUMNS + DEAL_OPTIONAL + ("stage",)
MAPPING_KEYS = frozenset({
    "name", "description", "kind", "columns", "values", "categories", "only", "only_reason",
    "completed", "minutes_after_opened", "dayfirst", "deal_by_customer", "deal_by_mention",
    "deal_label", "meetings", "monthly", "decimal", "timezone"})


def shipped_mappings() -> dict[str, Path]:
    """Mappings that ship with promiseaudit, by name."""
    folder = Path(__file__).parent / "mappings"
    return {p.stem: p for p in sorted(folder.glob("*.toml"))}


def mapping_catalogue() -> list[Mapping]:
    """Every shipped mapping, deal mappings first, each with its title and description."""
    found = [load_mapping(name) for name in shipped_mappings()]
    return sorted(found, key=lambda m: (m.kind != "deals", m.name))


def mapping_fields(kind: str) -> tuple:
    """The fields a mapping of ``kind`` ("deals" or "deliveries") may name."""
    return DEAL_FIELDS if kind == "deals" else DELIVERY_COLUMNS + DELIVERY_OPTIONAL


def load_mapping(spec: str, kind: Optional[str] = None) -> Mapping:
    """Read a mapping from a TOML file path or the name of a shipped mapping.

    kind (str | None): "deals" or "deliveries" when the import needs that kind; a mapping
    for the other import is refused with a line saying which command it is for.
    """
    shipped = shipped_mappings()
    path = shipped[spec] if spec in shipped else Path(spec)
    if not path.is_file():
        names = ", ".join(n for n in shipped if kind is None or _kind_of(shipped[n]) == kind)
        raise RecordError(
            f"Mapping '{spec}' not found; give a .toml file or one of: {names} "
            "(`promiseaudit mappings` lists them)"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise RecordError(f"{path.name}: not a valid mapping file ({e}); fix the TOML") from None
    unknown = set(data) - MAPPING_KEYS
    if unknown:
        raise RecordError(
            f"{path.name}: unknown mapping key(s) {', '.join(sorted(unknown))}; "
            f"allowed: {', '.join(sorted(MAPPING_KEYS))}"
        )
    own_kind = data.get("kind", "deliveries")
    if own_kind not in ("deals", "deliveries"):
        raise RecordError(f'{path.name}: kind must be "deals" or "deliveries"')
    if kind is not None and own_kind != kind:
        command = "deals import" if own_kind == "deals" else "deliveries import"
        raise RecordError(f"Mapping '{spec}' is for {own_kind}, not {kind}; use it with "
                          f"`promiseaudit {command}`")
    fields = set(mapping_fields(own_kind))
    for section in ("columns", "values", "minutes_after_opened"):
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise RecordError(f"{path.name}: [{section}] must be a table of field = value")
        wrong = sorted(set(table) - fields)
        if wrong:
            raise RecordError(
                f"{path.name}: [{section}] names unknown field(s) {', '.join(wrong)}; "
                f"use: {', '.join(sorted(fields))}"
            )
    for column, source in data.get("columns", {}).items():
        if not (isinstance(source, str) or (isinstance(source, list) and source and all(
                isinstance(x, str) for x in source))):
            raise RecordError(f'{path.name}: [columns] {column} must be a column name or a '
                              'list of them, e.g. deal_id = ["Company", "Account"]')
    only = data.get("only", {})
    if not isinstance(only, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in only.values()
    ):
        raise RecordError(f'{path.name}: [only] must map a column to a list of values, '
                          'e.g. Status = ["Completed", "Closed"]')
    for key in ("dayfirst", "deal_by_customer", "deal_by_mention", "meetings", "monthly"):
        if key in data and not isinstance(data[key], bool):
            raise RecordError(f"{path.name}: {key} must be true or false")
    for key in ("name", "description", "only_reason", "deal_label", "completed"):
        if key in data and not isinstance(data[key], str):
            raise RecordError(f"{path.name}: {key} must be text in quotes")
    if data.get("completed") is not None and data["completed"] not in fields:
        raise RecordError(f"{path.name}: completed must be one of {', '.join(sorted(fields))}")
    if data.get("decimal", ",") not in (",", "."):
        raise RecordError(f'{path.name}: decimal must be "," (decimal commas) or "." '
                          "(decimal points)")
    if "timezone" in data:
        if not isinstance(data["timezone"], str):
            raise RecordError(f'{path.name}: timezone must be a name, e.g. "Europe/Berlin"')
        time_zone(data["timezone"], where=path.name)
    return Mapping(
        name=path.stem,
        title=data.get("name", path.stem),
        description=" ".join(data.get("description", "").split()),
        kind=own_kind,
        columns=dict(data.get("columns", {})),
        values=dict(data.get("values", {})),
        categories={k.lower(): v for k, v in data.get("categories", {}).items()},
        only={k: [x.lower() for x in v] for k, v in only.items()},
        only_reason=data.get("only_reason", "not finished"),
        completed=data.get("completed"),
        minutes_after_opened=dict(data.get("minutes_after_opened", {})),
        dayfirst=data.get("dayfirst"),
        deal_by_customer=bool(data.get("deal_by_customer", False)),
        deal_by_mention=bool(data.get("deal_by_mention", False)),
        deal_label=data.get("deal_label"),
        meetings=bool(data.get("meetings", False)),
        monthly=bool(data.get("monthly", False)),
        decimal=data.get("decimal"),
        timezone=data.get("timezone"),
    )


def _kind_of(path: Path) -> str:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get("kind", "deliveries")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return "deliveries"


def time_zone(name: Optional[str], where: str = "") -> tzinfo:
    """The time zone called ``name`` (an IANA name such as "Europe/Berlin"); UTC for None.

    A name in the wrong case ("europe/berlin") is accepted; an unknown one raises
    RecordError with the closest names.
    """
    if name is None:
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    names = {n.lower(): n for n in available_timezones()} | {"utc": "UTC"}
    if name.strip().lower() in names:
        return ZoneInfo(names[name.strip().lower()])
    close = difflib.get_close_matches(name.strip().lower(), list(names), n=1)
    hint = f" (did you mean {names[close[0]]}?)" if close else ""
    raise RecordError(f"{where + ': time zone' if where else 'Time zone'} '{name}' is unknown"
                      f"{hint}; use a name like Europe/Berlin, America/New_York or UTC")


def zone_name(zone: tzinfo) -> str:
    return getattr(zone, "key", None) or "UTC"


def unread_columns(columns, known) -> dict[str, Optional[str]]:
    """The file's columns that are not in ``known``, each with the known name it probably
    misspells ("costumer" -> "customer"; None when nothing is close). Unnamed columns
    (trailing separators) are left out."""
    forms = {_form(k): k for k in known}
    out = {}
    for column in columns:
        if column and column not in known:
            close = difflib.get_close_matches(_form(column), list(forms), n=1)
            out[column] = forms[close[0]] if close else None
    return out


def _form(name: str) -> str:
    return re.sub(r"[\s_-]+", "_", name.strip().lower())


def _column_report(unread: dict, missing: Optional[dict] = None) -> dict:
    """The summary entries for a file's columns: "ignored" (the file's columns that are
    not read), "missing" (when given: columns a mapping names that the file lacks) and
    "suggestions" (column -> the name it probably misspells)."""
    report = {"ignored": list(unread)}
    if missing is not None:
        report["missing"] = list(missing)
    both = {**unread, **(missing or {})}
    report["suggestions"] = {k: v for k, v in both.items() if v}
    return report


class Columns:
    """A file's column names, found without regard to case and spacing ("First Reply Time
    In Minutes" is "First reply time in minutes")."""

    def __init__(self, names):
        self.names = [n for n in names if n]
        self._exact = set(self.names)
        self._forms: dict[str, str] = {}
        for n in self.names:
            self._forms.setdefault(_form(n), n)

    def find(self, name: str) -> Optional[str]:
        """The file's column called ``name``, or None."""
        return name if name in self._exact else self._forms.get(_form(name))


def sources(mapping: Mapping, field_: str) -> list[str]:
    """The export columns a field is read from: the mapping's column (or list of them),
    else the field's own name."""
    source = mapping.columns.get(field_, field_)
    return list(source) if isinstance(source, (list, tuple)) else [source]


def _read_columns(mapping: Mapping, cols: Columns) -> set:
    """The file's columns an import reads."""
    wanted = [s for f in mapping.columns for s in sources(mapping, f)]
    wanted += list(mapping.only) + list(mapping.minutes_after_opened.values())
    if not mapping.columns:
        wanted += list(DELIVERY_COLUMNS + DELIVERY_OPTIONAL + DEAL_FIELDS)
    return {cols.find(w) for w in wanted} - {None}


def _delivery_column_report(cols: Columns, mapping: Mapping) -> dict:
    if not mapping.columns:
        known = DELIVERY_COLUMNS + DELIVERY_OPTIONAL + DELIVERY_KNOWN_EXTRAS + tuple(mapping.only)
        return _column_report(unread_columns(cols.names, known), {})
    return _column_report({}, _missing_mapped(cols, mapping))


def _missing_mapped(cols: Columns, mapping: Mapping) -> dict:
    """The columns a mapping names that the file lacks, each with the file's column it
    probably means. An export read through a mapping has many columns nobody needs, so
    only these are reported: they would read as empty on every row."""
    wanted = [sources(mapping, f) for f in mapping.columns]
    wanted += [[c] for c in list(mapping.only) + list(mapping.minutes_after_opened.values())]
    missing = {}
    for alternatives in wanted:
        if not any(cols.find(a) for a in alternatives):
            name = " / ".join(alternatives)
            close = None
            for a in alternatives:
                close = close or unread_columns([a], cols.names).get(a)
            missing[name] = close
    return missing


class _JsonNumber(str):
    """A number written as a JSON number: unambiguous, whatever the decimal convention."""


@dataclass
class Table:
    """A file's columns, its rows as (row number, dict), its CSV delimiter (None for JSON
    and calendars), and the columns its first row names more than once (each read as
    its first occurrence; an import refuses them only if it reads them)."""

    columns: list
    rows: list
    delimiter: Optional[str] = None
    repeated: list = field(default_factory=list)
    kind: str = "table"


# Characters a spreadsheet reads as the start of a formula ("=HYPERLINK(...)", "+1+2",
# "-2+3", "@SUM(...)"), or that hide one (a tab or carriage return in front).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# Control characters other than tab and line breaks: never part of a record's text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def spreadsheet_cell(value):
    """A value as a CSV cell that a spreadsheet shows as text and never runs as a formula:
    text that starts like a formula gets an apostrophe in front ("'=1+2"), which
    spreadsheets hide and ``read_table`` takes off again. Numbers, negative ones too,
    stay as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _csv_cell(cell: str) -> str:
    """A CSV cell as its value: control characters (a NUL...) dropped, and the apostrophe
    ``spreadsheet_cell`` put in front of formula-like text taken off."""
    if _CONTROL.search(cell):
        cell = _CONTROL.sub("", cell)
    if cell.startswith("'") and cell[1:2] and cell[1] in "=+-@\t\r":
        cell = cell[1:]
    return cell.strip()


def _clean_value(value: str) -> str:
    return _CONTROL.sub("", value) if _CONTROL.search(value) else value


def read_rows(path) -> tuple[list[str], list[tuple[int, dict]]]:
    """Rows of a CSV or JSON file as (row number, dict); header is row 1 in a CSV."""
    table = read_table(path)
    return table.columns, table.rows


def read_table(path, allow_repeated: bool = False, today: Optional[date] = None) -> Table:
    """Read a CSV, JSON or .ics file completely; RecordError if it cannot be read safely
    (not UTF-8, malformed, a column named twice unless ``allow_repeated``).

    today (date | None): for calendar files, repeating events are read up to this day
    (default: today).
    """
    path = Path(path)
    if not path.is_file():
        raise RecordError(f"{path}: file not found; check the path")
    suffix = path.suffix.lower()
    if suffix == ".ics":
        from .calendars import read_ics

        columns, rows = read_ics(path, today or date.today())
        rows = [(n, {k: _clean_value(v) if isinstance(v, str) else v for k, v in row.items()})
                for n, row in rows]
        return Table(columns, rows, kind="calendar")
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RecordError(f"{path.name}: not UTF-8 text; export it again as UTF-8 CSV") from None
    except OSError as e:
        raise RecordError(f"{path.name}: cannot be opened ({e.strerror or e}); check that the "
                          "file is readable") from None
    if suffix == ".json":
        try:
            data = json.loads(raw, object_pairs_hook=lambda pairs: _json_record(path, pairs))
        except json.JSONDecodeError as e:
            raise RecordError(f"{path.name}: not valid JSON (line {e.lineno}); fix or re-export it") from None
        if isinstance(data, dict):
            lists = [v for v in data.values() if isinstance(v, list)]
            data = lists[0] if len(lists) == 1 else None
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise RecordError(
                f"{path.name}: expected a list of records (or an object holding one list)"
            )
        columns = sorted({k for r in data for k in r})
        rows = [(i + 1, {k: _text(v) for k, v in r.items()}) for i, r in enumerate(data)]
        return Table(columns, rows)
    if suffix not in (".csv", ".tsv", ".txt"):
        raise RecordError(f"{path.name}: unsupported file type '{suffix}'; import .csv, "
                          ".json or .ics")
    sample = raw[:4096]
    delimiter = "\t" if suffix == ".tsv" else (";" if sample.count(";") > sample.count(",") else ",")
    reader = csv.reader(io.StringIO(raw), delimiter=delimiter, strict=True)
    try:
        header = next(reader, [])
    except csv.Error as e:
        raise RecordError(f"{path.name} row 1: {e}; fix the header row") from None
    columns = [_csv_cell(c) for c in header]
    if not any(columns):
        raise RecordError(f"{path.name}: the file is empty; export it again with a header row")
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated and not allow_repeated:
        raise _repeated_error(path.name, repeated)
    rows = []
    try:
        records = [r for r in reader if r]
    except csv.Error as e:
        raise RecordError(
            f"{path.name} row {reader.line_num}: {e} (a quote is not closed?); fix that row"
        ) from None
    for i, record in enumerate(records, start=2):
        if len(record) > len(columns) and any(c.strip() for c in record[len(columns):]):
            raise RecordError(
                f"{path.name} row {i}: more cells than header columns; check quoting in that row"
            )
        values = {}
        for column, cell in zip(columns, record):
            values.setdefault(column, _csv_cell(cell))  # a repeated column: its first cell
        values.pop("", None)
        for column in columns:
            values.setdefault(column, "")
        if any(values.values()):
            rows.append((i, values))
    return Table(columns, rows, delimiter, repeated)


def _repeated_error(name: str, repeated) -> RecordError:
    return RecordError(
        f"{name} row 1: column(s) {', '.join(repeated)} appear more than once; keep "
        "one column of each name (rename or delete the others) and import again"
    )


def _check_repeated(name: str, table: Table, read: set) -> None:
    twice = sorted(set(table.repeated) & read)
    if twice:
        raise _repeated_error(name, twice)


def _json_record(path: Path, pairs) -> dict:
    keys = [k for k, _ in pairs]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise RecordError(f"{path.name}: a record has the field(s) {', '.join(twice)} more "
                          "than once; keep one of each and export again")
    return dict(pairs)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return _JsonNumber(repr(value))
    return _clean_value(str(value)).strip()


class Clock:
    """Reads the dates and times of one file into one time zone.

    A timestamp with an offset ("2027-03-01T09:00:00+02:00") is converted to ``zone``
    and counted in ``converted``; one without is taken as already in ``zone``; a date
    stays a date.
    """

    def __init__(self, mapping: Mapping, zone: tzinfo = timezone.utc):
        self.mapping, self.zone, self.converted = mapping, zone, 0

    def datetime(self, value: str, where: str, column: str):
        """RETURNS: None, a date, or a datetime without tzinfo, in ``zone``."""
        stamp = _read_stamp(value, where, column, self.mapping)
        if isinstance(stamp, datetime) and stamp.tzinfo is not None:
            self.converted += 1
            stamp = stamp.astimezone(self.zone).replace(tzinfo=None)
        return stamp

    def date(self, value: str, where: str, column: str) -> Optional[date]:
        stamp = self.datetime(value, where, column)
        return stamp.date() if isinstance(stamp, datetime) else stamp


def parse_date(value: str, where: str, column: str, mapping: Mapping) -> Optional[date]:
    """A date; a timestamp with an offset is converted to UTC first."""
    return Clock(mapping).date(value, where, column)


def parse_datetime(value: str, where: str, column: str, mapping: Mapping):
    """A date or a datetime in UTC without tzinfo (see ``Clock``)."""
    return Clock(mapping).datetime(value, where, column)


def _read_stamp(value: str, where: str, column: str, mapping: Mapping):
    if not value:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    if mapping.flexible_dates:
        from dateutil import parser

        try:
            with warnings.catch_warnings():
                # An unknown zone abbreviation ("CEST") would otherwise be dropped.
                warnings.simplefilter("error", parser.UnknownTimezoneWarning)
                return parser.parse(value, dayfirst=bool(mapping.dayfirst))
        except parser.UnknownTimezoneWarning:
            raise RecordError(
                f"{where}: {column} '{value}' names a time zone promiseaudit does not know; "
                "write the offset instead (e.g. 2027-04-26 02:14 +02:00)"
            ) from None
        except (ValueError, OverflowError):
            pass
    hint = "" if mapping.flexible_dates or mapping.name == "deals" else (
        " (or import with --dayfirst or --monthfirst to read dates like 03/04/2027)")
    raise RecordError(
        f"{where}: {column} '{value}' is not a date; write dates as YYYY-MM-DD{hint}")


_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\b")


def date_order(table: Table, cols: Columns, mapping: Mapping, fields: Sequence[str], name: str) -> tuple:
    """Whether a file writes 03/04/2027 day first, as the file itself shows: a date such
    as 26/04/2027 can only be day first, and 04/26/2027 only month first. When the
    options leave the order open, the file decides it (over a mapping's default); a file whose
    numeric dates could all be either keeps needing --dayfirst or --monthfirst. A file
    with both orders, or one that contradicts the order given, is refused: its dates
    would otherwise be read some one way and some the other.
    RETURNS (tuple): (the mapping to read the file with, why, e.g. "day first, as row 2
    (Created time '26/04/2027 2:14') shows", or "" when nothing was decided here).
    """
    if mapping.dayfirst is None and not mapping.is_export:
        return mapping, ""
    columns = list(dict.fromkeys(c for f in fields for c in (cols.find(s) for s in sources(mapping, f)) if c))
    first: dict = {}
    for rownum, raw in table.rows:
        for column in columns:
            m = _NUMERIC_DATE.match(str(raw.get(column) or ""))
            if not m:
                continue
            a, b = int(m.group(1)), int(m.group(2))
            if a > 12 >= b:
                first.setdefault(True, (rownum, column, raw[column].strip()))
            elif b > 12 >= a:
                first.setdefault(False, (rownum, column, raw[column].strip()))
        if len(first) == 2:
            (r1, c1, v1), (r2, c2, v2) = first[True], first[False]
            raise RecordError(
                f"{name}: the dates are written both day first (row {r1}, {c1} '{v1}') and "
                f"month first (row {r2}, {c2} '{v2}'); export them in one format and import again")
    if not first:
        return mapping, ""
    dayfirst, (rownum, column, value) = next(iter(first.items()))
    order = "day first" if dayfirst else "month first"
    if mapping.dayfirst == dayfirst:
        return mapping, ""
    if mapping.dates_given:
        option = "--dayfirst" if dayfirst else "--monthfirst"
        raise RecordError(
            f"{name} row {rownum}: {column} '{value}' is written {order}, but the import "
            f"reads dates {'month' if dayfirst else 'day'} first; import again with {option}")
    return replace(mapping, dayfirst=dayfirst), f"{order}, as row {rownum} ({column} '{value}') shows"


# Spaces that group thousands: "1 234" with a plain, non-breaking, narrow or thin space.
_GROUP_SPACES = " \u00a0\u202f\u2009"
_NUMBERISH = re.compile(rf"[0-9.,{_GROUP_SPACES}]+")
_DIGITS = re.compile("[0-9]+")


@dataclass(frozen=True)
class Decimals:
    """A file's decimal mark: "." (1,234.5) or "," (1.234,5); ``why`` says how it was
    decided when the file itself decided it (e.g. "the file is separated by semicolons")."""

    mark: str = "."
    why: str = ""

    @classmethod
    def of(cls, table: Table, mapping: Mapping) -> "Decimals":
        if mapping.decimal:
            return cls(mapping.decimal)
        if table.delimiter == ";":
            return cls(",", "the file is separated by semicolons")
        return cls(".")

    def read(self, value: str, where: str, column: str) -> Optional[float]:
        """The number in a cell; "%" and spaces around it are dropped. RecordError for a
        cell that is not a number, or whose separators do not fit the decimal mark."""
        if isinstance(value, _JsonNumber):
            return float(value)
        text = value.strip()
        if not text:
            return None
        body = text.removesuffix("%") if text.endswith("%") else text.removeprefix("%")
        body = body.strip()
        sign = "-" if body[:1] in ("-", "\u2212") else ""
        body = body[1:] if body[:1] in ("-", "+", "\u2212") else body
        exponent = re.search("[eE][+-]?[0-9]+$", body)
        if exponent:
            body = body[: exponent.start()]
        whole, _, fraction = body.partition(self.mark)
        digits = _plain_digits(whole, "," if self.mark == "." else ".")
        if digits is not None and (_DIGITS.fullmatch(fraction) or (whole and not fraction)):
            return float(f"{sign}{digits or '0'}.{fraction or '0'}"
                         f"{exponent.group() if exponent else ''}")
        if not _NUMBERISH.fullmatch(body):
            raise RecordError(f"{where}: {column} '{value}' is not a number; fix that cell")
        raise RecordError(f"{where}: {column} '{value}' {self._convention()}")

    def _convention(self) -> str:
        if self.mark == ".":
            return ("does not read clearly as a number with a decimal point (like 1,234.5); "
                    "fix the cell, or if the file writes decimals with a comma (99,71) import "
                    'it with --decimal-comma (or decimal = "," in the mapping)')
        why = f", as {self.why}" if self.why else ""
        return (f"does not read clearly as a number with a decimal comma (like 1.234,5{why}); "
                "fix the cell, or if the file writes decimals with a point (99.71) import it "
                'with --decimal-point (or decimal = "." in the mapping)')


def _plain_digits(whole: str, group: str) -> Optional[str]:
    """The digits of a number's whole part, whose thousands may be grouped by ``group``
    or by spaces in threes (1,234,567 / 1 234 567); None if the grouping is wrong."""
    if whole == "" or _DIGITS.fullmatch(whole):
        return whole
    spaced = re.sub(f"[{_GROUP_SPACES}]", " ", whole)
    for sep in (group, " "):
        if re.fullmatch(rf"[0-9]{{1,3}}({re.escape(sep)}[0-9]{{3}})+", spaced):
            return spaced.replace(sep, "")
    return None


def _canonical(row: dict, mapping: Mapping, cols: Columns) -> dict:
    """A row in canonical field names: each mapped field from the first of its columns
    that the row fills in, each constant from [values] / --set."""
    out = dict(row)
    for canonical in mapping.columns:
        out[canonical] = next((row.get(c, "") for c in (cols.find(s) for s in
                                                         sources(mapping, canonical))
                               if c and row.get(c, "")), "")
    for canonical, value in mapping.values.items():
        out[canonical] = str(value)
    return out


def _check_columns(name: str, cols: Columns, required, mapping: Mapping) -> None:
    missing = []
    for col in required:
        if col in mapping.values:
            continue
        alternatives = sources(mapping, col)
        if not any(cols.find(a) for a in alternatives):
            source = " or ".join(alternatives)
            missing.append(source if alternatives == [col] else f"{source} (for {col})")
    if missing:
        raise RecordError(
            f"{name}: missing column(s) {', '.join(missing)}; the first row must name "
            f"the columns ({', '.join(required)})"
            + ("" if mapping.is_export else " or import with --map")
        )


@dataclass(frozen=True)
class Skip:
    """A row that is not evidence (yet): why, in a few words ("not solved yet"), the
    value that says so ("Open"), and the sentence --strict stops with."""

    reason: str
    value: str = ""
    detail: str = ""


class Skips:
    """The rows of one file that were left out, counted by reason. With ``strict`` the
    first one stops the import instead."""

    def __init__(self, strict: bool = False):
        self.strict, self.count, self._by_reason = strict, 0, {}

    def add(self, skip: Skip, where: str) -> None:
        if self.strict:
            raise RecordError(f"{where}: {skip.detail or skip.reason}; fix or remove the row, "
                              "or import without --strict to skip rows like it")
        self.count += 1
        values = self._by_reason.setdefault(skip.reason, {})
        values[skip.value] = values.get(skip.value, 0) + 1

    def report(self) -> dict:
        """reason -> {"count": rows, "values": the distinct values that said so}."""
        return {reason: {"count": sum(values.values()), "values": [v for v in values if v]}
                for reason, values in self._by_reason.items()}


def is_won_stage(stage: str) -> bool:
    """Whether a CRM stage means the deal was won: "Closed Won", "closedwon" (HubSpot's
    internal name), "Won", "6 - Closed Won"; never a lost one, nor "Won't buy"."""
    text = (stage or "").strip().lower()
    compact = re.sub(r"[^a-z]", "", text)
    if "lost" in compact:
        return False
    return "closedwon" in compact or bool(re.search(r"(?<![a-z'\u2019])won(?![a-z'\u2019])", text))


def _stage_form(stage: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (stage or "").lower())


def parse_deals(path, mapping: Optional[Mapping] = None, stages=(), strict: bool = False
                ) -> tuple[list[Deal], dict]:
    """Validate a deals file completely; RecordError on the first bad row.

    mapping (Mapping | None): how a CRM export's columns are read (``load_mapping(name,
    "deals")``); None for a file in promiseaudit's own columns.
    stages (sequence of str): the stages that count, compared loosely ("closed won" is
    "Closed Won"); empty counts won deals only. Either way only when the file has a
    stage column; other rows are skipped with their stage.
    strict (bool): a skipped row stops the import instead (RecordError).
    RETURNS (tuple): the deals, and what the import should tell the user: "skipped",
    "skip_reasons" (see ``Skips.report``) and the column report ("ignored", "missing",
    "suggestions"; see ``_column_report``).
    """
    mapping = mapping or Mapping(kind="deals")
    name = Path(path).name
    table = read_table(path, allow_repeated=True)
    cols = Columns(table.columns)
    _check_repeated(name, table, _read_columns(mapping, cols))
    _check_columns(name, cols, ("deal_id",), mapping)
    has_stage = "stage" in mapping.values or any(cols.find(s) for s in sources(mapping, "stage"))
    if stages and not has_stage:
        raise RecordError(f"{name}: --stage needs a column with each deal's stage and the file "
                          "has none; name it with --column stage=COLUMN")
    chosen = {_stage_form(s) for s in stages}
    mapping, dates_read = date_order(table, cols, mapping, DEAL_COLUMNS[3:] + DEAL_OPTIONAL, name)
    clock = Clock(mapping)
    skips = Skips(strict)
    deals, seen = [], set()
    for rownum, raw in table.rows:
        where = f"{name} row {rownum}"
        row = _canonical(raw, mapping, cols)
        if has_stage:
            stage = row.get("stage", "")
            if chosen and _stage_form(stage) not in chosen:
                skips.add(Skip("not a chosen stage", stage or "(empty)",
                               f"stage '{stage}' is not one of {', '.join(stages)}"), where)
                continue
            if not chosen and not is_won_stage(stage):
                skips.add(Skip("not won", stage or "(empty)",
                               f"stage '{stage}' is not a won stage (count other stages "
                               "with --stage NAME)"), where)
                continue
        deal_id = row.get("deal_id", "")
        if not deal_id:
            raise RecordError(f"{where}: deal_id is empty; every deal needs an id")
        if deal_id in seen:
            raise RecordError(f"{where}: deal '{deal_id}' appears twice in the file; keep one row")
        seen.add(deal_id)
        dates = {col: clock.date(row.get(col, ""), where, col)
                 for col in DEAL_COLUMNS[3:] + DEAL_OPTIONAL}
        deals.append(
            Deal(deal_id=deal_id, customer=row.get("customer") or None,
                 rep=row.get("rep") or None, **dates)
        )
    if mapping.columns:
        columns = _column_report({}, _missing_mapped(cols, mapping))
    else:
        columns = _column_report(unread_columns(cols.names, DEAL_FIELDS), {})
    return deals, {"skipped": skips.count, "skip_reasons": skips.report(), "dates_read": dates_read,
                   **columns}


def import_deals(db, path, mapping: Optional[Mapping] = None, stages=(), strict: bool = False,
                 who: str = "import") -> dict:
    """Import or update deals from a CSV/JSON file or a CRM export, in one transaction.

    See ``parse_deals`` for ``mapping``, ``stages`` and ``strict``.
    RETURNS (dict): counts of "created", "updated", "unchanged" and "skipped";
    "skip_reasons"; "ignored": the file's columns that are not deal fields (a misspelt
    column is reported, not guessed; a mapped export reports none), "missing": mapped
    columns the file lacks, and "suggestions": column -> the name it probably means.
    """
    deals, info = parse_deals(path, mapping, stages, strict)
    counts = {"created": 0, "updated": 0, "unchanged": 0, **info}
    with db.atomic():
        for deal in deals:
            counts[store.upsert_deal(db, deal, who=who)] += 1
    return counts


def _category(value: str, mapping: Mapping) -> Optional[str]:
    key = value.strip().lower()
    if key in mapping.categories:
        key = mapping.categories[key].lower()
    return CATEGORY_SYNONYMS.get(key) or CATEGORY_SYNONYMS.get(key.replace("_", " "))


def normalise_category(value: str, mapping: Mapping, where: str) -> str:
    category = _category(value, mapping)
    if category is None:
        raise RecordError(
            f"{where}: category '{value}' is not one of {', '.join(CATEGORIES)}; "
            "fix the cell or map it in a mapping file's [categories]"
        )
    return category


class DealFinder:
    """Finds the deal a row of an export belongs to, and says why (the reason is stored
    with the record and shown by ``deliveries list``).

    A deal is found by its id in a column, or by its customer's name: equal to a
    company/organisation column once case, punctuation, "The" and legal forms are set
    aside (``deal_by_customer``), or named in a text such as a meeting subject or a
    project name (``deal_by_mention``). A customer with several deals gets the one
    running on the record's date.
    """

    def __init__(self, deals: dict, mapping: Mapping, cols: Columns):
        self.deals, self.mapping, self.cols = deals, mapping, cols
        self.by_key: dict[str, list[Deal]] = {}
        for d in deals.values():
            if d.customer and name_key(d.customer):
                self.by_key.setdefault(name_key(d.customer), []).append(d)
        self.fixed = mapping.values.get("deal_id")
        if self.fixed is not None and str(self.fixed) not in deals:
            raise RecordError(
                f"Deal '{self.fixed}' (--set deal_id) is not in the ledger; import it first "
                "(`promiseaudit deals import`) or fix the id")

    def _label(self, column: str) -> str:
        return self.mapping.deal_label or column.lower()

    def find(self, raw: dict, row: dict, when: Optional[date], where: str):
        """RETURNS: (deal id, reason), or a Skip when the row is no deal's."""
        m = self.mapping
        if self.fixed is not None:
            return str(self.fixed), f"set for every row (deal_id={self.fixed})"
        if m.deal_by_customer or m.deal_by_mention:
            return self._by_name(raw, when, where)
        deal_id = row.get("deal_id", "")
        column = next((c for c in (self.cols.find(s) for s in sources(m, "deal_id")) if c),
                      "deal_id")
        if not deal_id:
            if not m.is_export:
                raise RecordError(f"{where}: deal_id is empty; every record needs its deal")
            return Skip("no deal given", "", f"{column} is empty, so the row is no deal's")
        if deal_id not in self.deals:
            if not m.is_export:
                raise RecordError(
                    f"{where}: deal '{deal_id}' is not in the ledger; import it first "
                    "(`promiseaudit deals import`) or fix the deal_id")
            return Skip("no deal found", deal_id,
                        f"{column} '{deal_id}' is not a deal in the ledger (another "
                        "customer's, or import the deal first with `promiseaudit deals import`)")
        return deal_id, (f"{self._label(column)} '{deal_id}'" if m.is_export else None)

    def _by_name(self, raw: dict, when, where):
        first = None
        for column in (c for c in (self.cols.find(s) for s in sources(self.mapping, "deal_id"))
                       if c):
            text = raw.get(column, "")
            if not text:
                continue
            first = first or (column, text)
            label = self._label(column)
            if self.mapping.deal_by_mention:
                keys = keys_named(text, self.by_key)
                if len(keys) > 1:
                    names = ", ".join(self.by_key[k][0].customer for k in keys)
                    return Skip("names more than one customer", text,
                                f"{label} '{text}' names {len(keys)} customers ({names}); "
                                "give the row its deal with --set deal_id=ID")
                if not keys:
                    continue
                verb, candidates = "names", self.by_key[keys[0]]
            else:
                candidates = self.by_key.get(name_key(text))
                if not candidates:
                    continue
                verb = "="
            picked = self._pick(candidates, when, where, label, text)
            if isinstance(picked, Skip):
                return picked
            deal, note = picked
            return deal.deal_id, f"{label} '{text}' {verb} customer '{deal.customer}'{note}"
        if first is None:
            columns = " / ".join(sources(self.mapping, "deal_id"))
            return Skip("no customer named", "", f"{columns} is empty, so the row is no deal's")
        label = self._label(first[0])
        return Skip("no deal found", first[1],
                    f"{label} '{first[1]}' is not the customer of any deal in the ledger "
                    "(another customer's, or import the deal first)")

    @staticmethod
    def _pick(candidates, when, where, label, text):
        if len(candidates) == 1:
            return candidates[0], ""
        running = [d for d in candidates if when is not None
                   and (d.signed_on is None or d.signed_on <= when)
                   and (d.ends_on is None or d.ends_on >= when)]
        if len(running) == 1:
            return running[0], f" (the deal running on {when.isoformat()})"
        ids = ", ".join(d.deal_id for d in candidates)
        if not running and when is not None:
            return Skip("no deal running then", text,
                        f"{label} '{text}' is the customer of {ids}, none of them running on "
                        f"{when.isoformat()}")
        raise RecordError(
            f"{where}: {label} '{text}' is the customer of {len(candidates)} deals ({ids}); "
            "import this customer's rows with --set deal_id=ID, or add a column with the deal id")


_MONTHS = {m.lower(): i for i, m in enumerate(
    ["", "January", "February", "March", "April", "May", "June", "July", "August",
     "September", "October", "November", "December"]) if m}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})


def _month_end(value: str) -> Optional[date]:
    """The last day of the month a cell names ("2027-04", "04/2027", "April 2027", "Apr
    2027"), or None when it names a day or nothing of the kind."""
    text = value.strip()
    m = (re.fullmatch(r"(\d{4})[-/.](\d{1,2})", text)
         or re.fullmatch(r"(?P<m>\d{1,2})[-/.](?P<y>\d{4})", text))
    if m:
        year, month = (int(m.group(1)), int(m.group(2))) if len(m.group(1)) == 4 else (
            int(m.group("y")), int(m.group("m")))
    else:
        m = re.fullmatch(r"([A-Za-z]+)\.?,?\s+(\d{4})", text)
        if not m or m.group(1).lower() not in _MONTHS:
            return None
        year, month = int(m.group(2)), _MONTHS[m.group(1).lower()]
    if not 1 <= month <= 12:
        return None
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def parse_deliveries(db, path, mapping: Optional[Mapping] = None, strict: bool = False,
                     today: Optional[date] = None) -> tuple[list[Delivery], dict]:
    """Validate a delivery file completely against the ledger.

    mapping (Mapping | None): how an export's columns are read; None for a file in
    promiseaudit's own columns (or a calendar .ics file, read with ``calendar-ics``).
    strict (bool): a row that is not evidence stops the import (RecordError) instead of
    being skipped.
    today (date | None): meetings after it are not held yet (default: today).
    RETURNS (tuple): the records, and what the import should tell the user: "skipped"
    (rows that are not evidence yet: filtered out, not finished, no deal found, a
    promise-register row left unfilled...) with "skip_reasons" (see ``Skips.report``),
    "converted" (timestamps with an offset converted to "timezone"), and the column
    report "ignored", "missing" and "suggestions" (see ``_column_report``).
    """
    today = today or date.today()
    if Path(path).suffix.lower() == ".ics" and (mapping is None or not mapping.columns):
        # A calendar file needs no mapping; options given (time zone, dates) still apply.
        given, mapping = mapping, load_mapping("calendar-ics")
        if given is not None:
            mapping.values.update(given.values)
            mapping.timezone = given.timezone or mapping.timezone
    mapping = mapping or Mapping()
    time_zone(mapping.timezone)  # an unknown zone is refused before the file is read
    name = Path(path).name
    table = read_table(path, allow_repeated=True, today=today)
    cols = Columns(table.columns)
    _check_repeated(name, table, _read_columns(mapping, cols))
    required = ("deal_id",) + (() if mapping.meetings else ("category",)) + (
        ("delivered_on",) if "opened_at" not in mapping.columns else ()
    )
    _check_columns(name, cols, required, mapping)
    mapping, dates_read = date_order(table, cols, mapping, ("delivered_on", "opened_at", "responded_at",
                                                      "resolved_at"), name)
    reader = _RowReader(db, mapping, cols, table, today)
    skips = Skips(strict)
    records = []
    for rownum, raw in table.rows:
        where = f"{name} row {rownum}" if table.kind == "table" else f"{name} event {rownum}"
        found = reader.read(raw, where)
        if isinstance(found, Skip):
            skips.add(found, where)
            continue
        records.append(replace(found, source_file=name, source_row=rownum))
    clock = reader.clock
    info = {"skipped": skips.count, "skip_reasons": skips.report(),
            "converted": clock.converted, "timezone": zone_name(clock.zone),
            "dates_read": dates_read, **_delivery_column_report(cols, mapping)}
    return records, info


class _RowReader:
    """Reads the rows of one delivery file: each row becomes a Delivery, or a Skip saying
    why it is not evidence; a row that cannot be read raises RecordError."""

    def __init__(self, db, mapping: Mapping, cols: Columns, table: Table, today: date):
        self.mapping, self.cols, self.today = mapping, cols, today
        self.clock = Clock(mapping, time_zone(mapping.timezone))
        self.decimals = Decimals.of(table, mapping)
        self.finder = DealFinder(queries.deals(db), mapping, cols)
        self.promises = {r[0]: r[1] for r in db.execute("select id, deal_id from promises")}
        self.only = {cols.find(c) or c: allowed for c, allowed in mapping.only.items()}

    def read(self, raw: dict, where: str):
        row = _canonical(raw, self.mapping, self.cols)
        early = self._not_evidence(raw, row)
        if early is not None:
            return early
        category = self._category(raw, row, where)
        if isinstance(category, Skip):
            return category
        opened, responded, resolved = self._times(raw, row, where)
        m = self.mapping
        if m.completed and not row.get(m.completed):
            column = " / ".join(sources(m, m.completed))
            return Skip("not finished yet", "", f"{column} is empty, so it is not finished yet")
        delivered = self._date(row, resolved or responded or opened, where)
        if isinstance(delivered, Skip):
            return delivered
        found = self.finder.find(raw, row, delivered, where)
        if isinstance(found, Skip):
            return found
        deal_id, deal_reason = found
        return Delivery(
            deal_id=deal_id,
            category=category,
            delivered_on=delivered,
            description=row.get("description", ""),
            quantity=self.decimals.read(row.get("quantity", ""), where, "quantity"),
            value=self.decimals.read(row.get("value", ""), where, "value"),
            value_unit=_value_unit(row, where),
            value_kind=_value_kind(row, where),
            record_type=row.get("record_type") or None,
            reference=row.get("reference", ""),
            promise_id=self._promise(row, deal_id, where),
            priority=row.get("priority") or None,
            opened_at=_as_datetime(opened),
            responded_at=_as_datetime(responded),
            resolved_at=_as_datetime(resolved),
            deal_reason=deal_reason,
        )

    def _not_evidence(self, raw: dict, row: dict) -> Optional[Skip]:
        """A Skip for a row filtered out, left unfilled or cancelled; else None."""
        m = self.mapping
        for column, allowed in self.only.items():
            value = raw.get(column, "")
            if value.lower() not in allowed:
                return Skip(m.only_reason, value or "(empty)",
                            f"{column} is '{value}' ({m.only_reason})")
        if row.get("promise_id") and not any(
            row.get(c) for c in ("delivered_on", "quantity", "value", "reference",
                                 "opened_at", "responded_at", "resolved_at")
        ):
            # A promise-register row the delivery team left unfilled: nothing delivered.
            return Skip("not filled in", "", "the row names a promise but says nothing delivered")
        subject = row.get("description", "")
        if m.meetings and is_cancelled(subject, raw.get("Status", "")):
            return Skip("cancelled", subject, f"the meeting '{subject}' was cancelled")
        return None

    def _category(self, raw: dict, row: dict, where: str):
        """The row's category; for a meeting, what its subject says it was."""
        m = self.mapping
        if m.meetings and not row.get("category"):
            subject = row.get("description", "")
            return meeting_category(subject) or Skip(
                "not a check-in, review or training", subject,
                f"the subject '{subject}' does not say it was a check-in, review or training")
        if not row.get("category"):
            raise RecordError(f"{where}: category is empty; use one of {', '.join(CATEGORIES)}")
        category = _category(row["category"], m)
        if category is None:
            if not m.is_export:
                normalise_category(row["category"], m, where)  # raises, one line
            return Skip("type not recognised", row["category"],
                        f"'{row['category']}' is not one of {', '.join(CATEGORIES)}; map it in "
                        "a mapping file's [categories] or import with --set category=NAME")
        return category

    def _times(self, raw: dict, row: dict, where: str):
        """opened_at, responded_at, resolved_at; a time given as minutes after opening
        (a help desk's "First reply time in minutes") becomes a timestamp."""
        clock = self.clock
        opened = clock.datetime(row.get("opened_at", ""), where, "opened_at")
        stamps = {f: clock.datetime(row.get(f, ""), where, f)
                  for f in ("responded_at", "resolved_at")}
        for field_, column in self.mapping.minutes_after_opened.items():
            cell = raw.get(self.cols.find(column) or column, "")
            minutes = self.decimals.read(cell, where, column)
            if minutes is not None and opened is not None and stamps[field_] is None:
                stamps[field_] = _as_datetime(opened) + timedelta(minutes=minutes)
        for name_, later in stamps.items():
            if later is not None and opened is not None and _as_datetime(later) < _as_datetime(opened):
                raise RecordError(
                    f"{where}: {name_} ({later}) is before opened_at ({opened}); "
                    "check the ticket's timestamps"
                )
        return opened, stamps["responded_at"], stamps["resolved_at"]

    def _date(self, row: dict, stamp, where: str):
        """The date it was delivered (a month's last day in a monthly report, else the
        latest ticket time), or a Skip for a meeting not held yet."""
        m = self.mapping
        month = _month_end(row.get("delivered_on", "")) if m.monthly else None
        delivered = month or self.clock.date(row.get("delivered_on", ""), where, "delivered_on")
        if delivered is None:
            delivered = stamp.date() if isinstance(stamp, datetime) else stamp
        if delivered is None:
            if m.is_export:
                return Skip("no completion date", "", "the row has no date it was done")
            raise RecordError(
                f"{where}: delivered_on is empty; give the date it was delivered (YYYY-MM-DD)"
            )
        if m.meetings and delivered > self.today:
            subject = row.get("description", "")
            return Skip("not held yet", delivered.isoformat(),
                        f"the meeting '{subject}' is on {delivered.isoformat()}, after today")
        return delivered

    def _promise(self, row: dict, deal_id: str, where: str) -> Optional[str]:
        promise_id = row.get("promise_id") or None
        if promise_id is None:
            return None
        if promise_id not in self.promises:
            raise RecordError(
                f"{where}: promise '{promise_id}' is not in the ledger; fix the promise_id "
                "or leave it empty to match automatically"
            )
        if self.promises[promise_id] != deal_id:
            raise RecordError(
                f"{where}: promise '{promise_id}' belongs to deal "
                f"{self.promises[promise_id]}, not {deal_id}"
            )
        return promise_id


def _value_unit(row: dict, where: str) -> Optional[str]:
    """The unit of the value column: declared (a ``value_unit`` column, or ``value_unit =
    "minutes"`` in a mapping's [values]), else "%" when the cell says so, else unknown."""
    declared = _text(row.get("value_unit"))
    if declared:
        unit = canonical_unit(declared)
        if unit is None:
            raise RecordError(
                f"{where}: value_unit '{declared}' is not a unit promiseaudit knows; use %, "
                "minutes, hours, business hours, business days, days or count")
        return unit
    return "%" if "%" in _text(row.get("value")) else None


def _value_kind(row: dict, where: str) -> Optional[str]:
    """What the value measures, when the export or mapping says (``value_kind``)."""
    declared = _text(row.get("value_kind")).lower().replace(" time", "").replace(" ", "_")
    if not declared:
        return None
    kind = {"uptime": "availability", "first_reply": "response", "reply": "response",
            "full_resolution": "resolution"}.get(declared, declared)
    if kind not in MEASURES:
        raise RecordError(
            f"{where}: value_kind '{row.get('value_kind')}' is not one of "
            f"{', '.join(MEASURES)}; fix the cell or the mapping's [values]")
    return kind


def _as_datetime(value):
    if value is None or isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)


def _record_key(deal_id, category, delivered_on, reference, description, quantity, value,
                opened_at, responded_at, resolved_at) -> tuple:
    base = (deal_id, category, delivered_on, reference, quantity, value, opened_at,
            responded_at, resolved_at)
    return base if reference else base + (description,)


class ImportCounts(dict):
    """{"imported": n, "skipped": n, "duplicates": n}, and the ``import_id`` they were
    recorded under."""

    import_id: Optional[int] = None


def import_deliveries(db, path, mapping: Optional[Mapping] = None, strict: bool = False,
                      today: Optional[date] = None, who: str = "import") -> dict:
    """Import delivery records from a CSV/JSON export or a calendar in one transaction.

    See ``parse_deliveries`` for ``mapping``, ``strict`` and ``today``.

    A record already in the ledger, or repeated in the file, is added once, whatever the
    file is called or where the row sits in it: a record with a reference (ticket or
    task id) is the same record when its deal, category, reference, date, quantity and
    value match; one without a reference when its description matches too. Records of an
    undone import do not count as already there, so a file can be imported again after
    an undo. Every import is recorded (file name, SHA-256, mapping, who, when, counts).

    RETURNS (ImportCounts): "imported", "duplicates" (records left out: already in the
    ledger, or "repeated" in the file), and what ``parse_deliveries`` reports: "skipped" and
    "skip_reasons", "converted" and "timezone", "ignored", "missing" and "suggestions"; the
    id the import is recorded under as ``.import_id``.
    """
    records, info = parse_deliveries(db, path, mapping, strict, today)
    cols = "deal_id, category, delivered_on, reference, description, quantity, value, " \
           "opened_at, responded_at, resolved_at"
    existing = {_record_key(*row) for row in db.execute(
        f"select {cols} from deliveries where import_id is null or import_id not in "
        "(select id from imports where undone_at is not null)")}
    fresh, in_file, repeated = [], set(), 0
    for r in records:
        key = _record_key(
            r.deal_id, r.category, store.iso(r.delivered_on), r.reference, r.description,
            r.quantity, r.value, store.iso(r.opened_at), store.iso(r.responded_at),
            store.iso(r.resolved_at))
        if key in existing:
            continue
        if key in in_file:
            repeated += 1
            continue
        in_file.add(key)
        fresh.append(r)
    path = Path(path)
    with db.atomic():
        import_id = store.add_import(db, path.name, hashlib.sha256(path.read_bytes()).hexdigest(),
                                     (mapping or Mapping()).name, who, len(fresh), info["skipped"],
                                     len(records) - len(fresh))
        store.add_deliveries(db, fresh, import_id)
    counts = ImportCounts(imported=len(fresh), duplicates=len(records) - len(fresh),
                          repeated=repeated, **info)
    counts.import_id = import_id
    return counts

"""Deals and delivery records from CSV/JSON exports.

A whole file is read and validated first, then written in one transaction: a bad row
leaves the ledger exactly as it was. Exports from CRMs, PSA and help-desk tools are read
through a column mapping (a TOML file; two ship in ``promiseaudit/mappings``).

Nothing is guessed silently: numbers are read by the file's decimal convention (decimal
commas in a semicolon-separated file) and a number that does not fit it is refused;
timestamps with an offset are converted to one time zone; a column named twice is
refused; columns the import does not read are reported with the field they probably
mean.
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
from dataclasses import dataclass, field
from datetime import date, datetime, timezone, tzinfo
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

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

    columns: canonical name -> column name in the export.
    values: canonical name -> a constant for every row (e.g. category = "support").
    categories: export value -> category. only: column -> accepted values (other rows
    are skipped, e.g. tasks not yet completed). dayfirst: read 03/04/2027 as 3 April.
    deal_by_customer: the deal column holds the customer's name, looked up in the ledger.
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

    @property
    def flexible_dates(self) -> bool:
        return self.dayfirst is not None


def shipped_mappings() -> dict[str, Path]:
    """Mappings that ship with promiseaudit, by name."""
    folder = Path(__file__).parent / "mappings"
    return {p.stem: p for p in sorted(folder.glob("*.toml"))}


def load_mapping(spec: str) -> Mapping:
    """Read a mapping from a TOML file path or the name of a shipped mapping."""
    shipped = shipped_mappings()
    path = shipped[spec] if spec in shipped else Path(spec)
    if not path.is_file():
        raise RecordError(
            f"Mapping '{spec}' not found; give a .toml file or one of: {', '.join(shipped)}"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise RecordError(f"{path.name}: not a valid mapping file ({e}); fix the TOML") from None
    known = {"name", "description", "columns", "values", "categories", "only", "dayfirst",
             "deal_by_customer", "decimal", "timezone"}
    unknown = set(data) - known
    if unknown:
        raise RecordError(
            f"{path.name}: unknown mapping key(s) {', '.join(sorted(unknown))}; "
            f"allowed: {', '.join(sorted(known))}"
        )
    fields = set(DELIVERY_COLUMNS + DELIVERY_OPTIONAL)
    for section in ("columns", "values"):
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise RecordError(f"{path.name}: [{section}] must be a table of field = value")
        wrong = sorted(set(table) - fields)
        if wrong:
            raise RecordError(
                f"{path.name}: [{section}] names unknown field(s) {', '.join(wrong)}; "
                f"use: {', '.join(sorted(fields))}"
            )
    only = data.get("only", {})
    if not isinstance(only, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in only.values()
    ):
        raise RecordError(f'{path.name}: [only] must map a column to a list of values, '
                          'e.g. Status = ["Completed", "Closed"]')
    for key in ("dayfirst", "deal_by_customer"):
        if key in data and not isinstance(data[key], bool):
            raise RecordError(f"{path.name}: {key} must be true or false")
    if data.get("decimal", ",") not in (",", "."):
        raise RecordError(f'{path.name}: decimal must be "," (decimal commas) or "." '
                          "(decimal points)")
    if "timezone" in data:
        if not isinstance(data["timezone"], str):
            raise RecordError(f'{path.name}: timezone must be a name, e.g. "Europe/Berlin"')
        time_zone(data["timezone"], where=path.name)
    return Mapping(
        name=data.get("name", path.stem),
        columns=dict(data.get("columns", {})),
        values=dict(data.get("values", {})),
        categories={k.lower(): v for k, v in data.get("categories", {}).items()},
        only={k: [x.lower() for x in v] for k, v in only.items()},
        dayfirst=data.get("dayfirst"),
        deal_by_customer=bool(data.get("deal_by_customer", False)),
        decimal=data.get("decimal"),
        timezone=data.get("timezone"),
    )


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


def _delivery_column_report(columns, mapping: Mapping) -> dict:
    if not mapping.columns:
        known = DELIVERY_COLUMNS + DELIVERY_OPTIONAL + DELIVERY_KNOWN_EXTRAS + tuple(mapping.only)
        return _column_report(unread_columns(columns, known), {})
    # An export read through a mapping has many columns nobody needs: report only the
    # mapped columns it lacks, which would otherwise read as empty on every row.
    wanted = dict.fromkeys(list(mapping.columns.values()) + list(mapping.only))
    return _column_report({}, unread_columns(wanted, columns))


class _JsonNumber(str):
    """A number written as a JSON number: unambiguous, whatever the decimal convention."""


@dataclass
class Table:
    """A file's columns, its rows as (row number, dict), and its CSV delimiter (None for
    JSON)."""

    columns: list
    rows: list
    delimiter: Optional[str] = None


def read_rows(path) -> tuple[list[str], list[tuple[int, dict]]]:
    """Rows of a CSV or JSON file as (row number, dict); header is row 1 in a CSV."""
    table = read_table(path)
    return table.columns, table.rows


def read_table(path) -> Table:
    """Read a CSV or JSON file completely; RecordError if it cannot be read safely
    (not UTF-8, malformed, a column named twice)."""
    path = Path(path)
    if not path.is_file():
        raise RecordError(f"{path}: file not found; check the path")
    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RecordError(f"{path.name}: not UTF-8 text; export it again as UTF-8 CSV") from None
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
        raise RecordError(f"{path.name}: unsupported file type '{suffix}'; import .csv or .json")
    sample = raw[:4096]
    delimiter = "\t" if suffix == ".tsv" else (";" if sample.count(";") > sample.count(",") else ",")
    reader = csv.DictReader(io.StringIO(raw), delimiter=delimiter, strict=True)
    try:
        columns = [c.strip() for c in (reader.fieldnames or [])]
    except csv.Error as e:
        raise RecordError(f"{path.name} row 1: {e}; fix the header row") from None
    if not columns:
        raise RecordError(f"{path.name}: the file is empty; export it again with a header row")
    twice = sorted({c for c in columns if c and columns.count(c) > 1})
    if twice:
        raise RecordError(
            f"{path.name} row 1: column(s) {', '.join(twice)} appear more than once; keep "
            "one column of each name (rename or delete the others) and import again"
        )
    rows = []
    try:
        numbered = list(enumerate(reader, start=2))
    except csv.Error as e:
        raise RecordError(
            f"{path.name} row {reader.line_num}: {e} (a quote is not closed?); fix that row"
        ) from None
    for i, row in numbered:
        if row.get(None):
            raise RecordError(
                f"{path.name} row {i}: more cells than header columns; check quoting in that row"
            )
        values = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        if any(values.values()):
            rows.append((i, values))
    return Table(columns, rows, delimiter)


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
    return str(value).strip()


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


def _canonical(row: dict, mapping: Mapping) -> dict:
    out = dict(row)
    for canonical, source in mapping.columns.items():
        out[canonical] = row.get(source, "")
    for canonical, value in mapping.values.items():
        out[canonical] = str(value)
    return out


def _check_columns(name: str, columns, required, mapping: Mapping) -> None:
    have = set(columns)
    missing = []
    for col in required:
        if col in mapping.values:
            continue
        source = mapping.columns.get(col, col)
        if source not in have:
            missing.append(source if source == col else f"{source} (for {col})")
    if missing:
        raise RecordError(
            f"{name}: missing column(s) {', '.join(missing)}; the first row must name "
            f"the columns ({', '.join(required)})"
            + ("" if mapping.name != "canonical" else " or import with --map")
        )


def parse_deals(path) -> tuple[list[Deal], dict]:
    """Validate a deals file completely; RecordError on the first bad row.

    RETURNS (tuple): the deals, and the file's columns promiseaudit does not use, each
    with the deal field it probably misspells (or None).
    """
    name = Path(path).name
    columns, rows = read_rows(path)
    mapping = Mapping(name="deals")
    _check_columns(name, columns, ("deal_id",), mapping)
    deals, seen = [], set()
    for rownum, row in rows:
        where = f"{name} row {rownum}"
        deal_id = row.get("deal_id", "")
        if not deal_id:
            raise RecordError(f"{where}: deal_id is empty; every deal needs an id")
        if deal_id in seen:
            raise RecordError(f"{where}: deal '{deal_id}' appears twice in the file; keep one row")
        seen.add(deal_id)
        dates = {
            col: parse_date(row.get(col, ""), where, col, mapping)
            for col in DEAL_COLUMNS[3:] + DEAL_OPTIONAL
        }
        deals.append(
            Deal(deal_id=deal_id, customer=row.get("customer") or None,
                 rep=row.get("rep") or None, **dates)
        )
    return deals, unread_columns(columns, DEAL_COLUMNS + DEAL_OPTIONAL)


def import_deals(db, path, who: str = "import") -> dict:
    """Import or update deals from a CSV/JSON file in one transaction.

    RETURNS (dict): counts of "created", "updated", "unchanged"; "ignored": the file's
    columns that are not deal fields (a misspelt column is reported, not guessed), and
    "suggestions": ignored column -> the deal field it probably means.
    """
    deals, unread = parse_deals(path)
    counts = {"created": 0, "updated": 0, "unchanged": 0, **_column_report(unread)}
    with db.atomic():
        for deal in deals:
            counts[store.upsert_deal(db, deal, who=who)] += 1
    return counts


def normalise_category(value: str, mapping: Mapping, where: str) -> str:
    key = value.strip().lower()
    if key in mapping.categories:
        key = mapping.categories[key].lower()
    category = CATEGORY_SYNONYMS.get(key) or CATEGORY_SYNONYMS.get(key.replace("_", " "))
    if category is None:
        raise RecordError(
            f"{where}: category '{value}' is not one of {', '.join(CATEGORIES)}; "
            "fix the cell or map it in a mapping file's [categories]"
        )
    return category


def parse_deliveries(db, path, mapping: Optional[Mapping] = None) -> tuple[list[Delivery], dict]:
    """Validate a delivery file completely against the ledger.

    RETURNS (tuple): the records, and what the import should tell the user: "skipped"
    (rows filtered out by the mapping's ``only``, or promise-register rows left
    unfilled), "converted" (timestamps with an offset converted to "timezone"), and the
    column report "ignored", "missing" and "suggestions" (see ``_column_report``).
    """
    mapping = mapping or Mapping()
    clock = Clock(mapping, time_zone(mapping.timezone))
    name = Path(path).name
    table = read_table(path)
    columns, rows = table.columns, table.rows
    decimals = Decimals.of(table, mapping)
    required = DELIVERY_REQUIRED + (
        ("delivered_on",) if "opened_at" not in mapping.columns else ()
    )
    _check_columns(name, columns, required, mapping)
    known_deals = queries.deals(db)
    by_customer: dict[str, list[str]] = {}
    for d in known_deals.values():
        if d.customer:
            by_customer.setdefault(d.customer.strip().lower(), []).append(d.deal_id)
    known_promises = {
        r[0]: r[1] for r in db.execute("select id, deal_id from promises").fetchall()
    }
    records, skipped = [], 0
    for rownum, raw in rows:
        where = f"{name} row {rownum}"
        if any(raw.get(col, "").lower() not in allowed for col, allowed in mapping.only.items()):
            skipped += 1
            continue
        row = _canonical(raw, mapping)
        if row.get("promise_id") and not any(
            row.get(c) for c in ("delivered_on", "quantity", "value", "reference",
                                 "opened_at", "responded_at", "resolved_at")
        ):
            # A promise-register row the delivery team left unfilled: nothing delivered.
            skipped += 1
            continue
        deal_id = row.get("deal_id", "")
        if not deal_id:
            raise RecordError(f"{where}: deal_id is empty; every record needs its deal")
        if mapping.deal_by_customer:
            ids = by_customer.get(deal_id.lower(), [])
            if len(ids) != 1:
                raise RecordError(
                    f"{where}: customer '{deal_id}' matches {len(ids)} deals in the ledger; "
                    "add a deal_id column or import the deal first"
                )
            deal_id = ids[0]
        elif deal_id not in known_deals:
            raise RecordError(
                f"{where}: deal '{deal_id}' is not in the ledger; import it first "
                "(`promiseaudit deals import`) or fix the deal_id"
            )
        promise_id = row.get("promise_id") or None
        if promise_id is not None:
            if promise_id not in known_promises:
                raise RecordError(
                    f"{where}: promise '{promise_id}' is not in the ledger; fix the promise_id "
                    "or leave it empty to match automatically"
                )
            if known_promises[promise_id] != deal_id:
                raise RecordError(
                    f"{where}: promise '{promise_id}' belongs to deal "
                    f"{known_promises[promise_id]}, not {deal_id}"
                )
        if not row.get("category"):
            raise RecordError(f"{where}: category is empty; use one of {', '.join(CATEGORIES)}")
        category = normalise_category(row["category"], mapping, where)
        opened = clock.datetime(row.get("opened_at", ""), where, "opened_at")
        responded = clock.datetime(row.get("responded_at", ""), where, "responded_at")
        resolved = clock.datetime(row.get("resolved_at", ""), where, "resolved_at")
        for later, name_ in ((responded, "responded_at"), (resolved, "resolved_at")):
            if later is not None and opened is not None and _as_datetime(later) < _as_datetime(opened):
                raise RecordError(
                    f"{where}: {name_} ({later}) is before opened_at ({opened}); "
                    "check the ticket's timestamps"
                )
        delivered = clock.date(row.get("delivered_on", ""), where, "delivered_on")
        if delivered is None:
            stamp = resolved or responded or opened
            delivered = stamp.date() if isinstance(stamp, datetime) else stamp
        if delivered is None:
            raise RecordError(
                f"{where}: delivered_on is empty; give the date it was delivered (YYYY-MM-DD)"
            )
        records.append(
            Delivery(
                deal_id=deal_id,
                category=category,
                delivered_on=delivered,
                description=row.get("description", ""),
                quantity=decimals.read(row.get("quantity", ""), where, "quantity"),
                value=decimals.read(row.get("value", ""), where, "value"),
                value_unit=_value_unit(row, where),
                value_kind=_value_kind(row, where),
                record_type=row.get("record_type") or None,
                reference=row.get("reference", ""),
                promise_id=promise_id,
                priority=row.get("priority") or None,
                opened_at=_as_datetime(opened),
                responded_at=_as_datetime(responded),
                resolved_at=_as_datetime(resolved),
                source_file=name,
                source_row=rownum,
            )
        )
    info = {"skipped": skipped, "converted": clock.converted, "timezone": zone_name(clock.zone),
            **_delivery_column_report(columns, mapping)}
    return records, info


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


def import_deliveries(db, path, mapping: Optional[Mapping] = None, who: str = "import") -> dict:
    """Import delivery records from a CSV/JSON export in one transaction.

    A record already in the ledger, or repeated in the file, is added once, whatever the
    file is called or where the row sits in it: a record with a reference (ticket or
    task id) is the same record when its deal, category, reference, date, quantity and
    value match; one without a reference when its description matches too. Records of an
    undone import do not count as already there, so a file can be imported again after
    an undo. Every import is recorded (file name, SHA-256, mapping, who, when, counts).

    RETURNS (ImportCounts): "imported", "duplicates" (records left out: already in the
    ledger, or "repeated" in the file), and what ``parse_deliveries`` reports: "skipped",
    "converted" and "timezone", "ignored", "missing" and "suggestions"; the id the import
    is recorded under as ``.import_id``.
    """
    records, info = parse_deliveries(db, path, mapping)
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

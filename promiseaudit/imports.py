"""Deals and delivery records from CSV/JSON exports.

A whole file is read and validated first, then written in one transaction: a bad row
leaves the ledger exactly as it was. Exports from CRMs, PSA and help-desk tools are read
through a column mapping (a TOML file; two ship in ``promiseaudit/mappings``).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Optional

from .errors import RecordError
from .ledger import queries, store
from .models import CATEGORIES, Deal, Delivery

DEAL_COLUMNS = ("deal_id", "customer", "rep", "signed_on", "kickoff_on", "go_live_on", "ends_on")
DEAL_OPTIONAL = ("go_live_planned",)
DELIVERY_COLUMNS = ("deal_id", "category", "delivered_on", "description", "quantity", "value",
                    "reference")
DELIVERY_OPTIONAL = ("promise_id", "priority", "opened_at", "responded_at", "resolved_at")
DELIVERY_REQUIRED = ("deal_id", "category")

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
    """

    name: str = "canonical"
    columns: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    categories: dict = field(default_factory=dict)
    only: dict = field(default_factory=dict)
    dayfirst: Optional[bool] = None
    deal_by_customer: bool = False

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
             "deal_by_customer"}
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
    return Mapping(
        name=data.get("name", path.stem),
        columns=dict(data.get("columns", {})),
        values=dict(data.get("values", {})),
        categories={k.lower(): v for k, v in data.get("categories", {}).items()},
        only={k: [x.lower() for x in v] for k, v in only.items()},
        dayfirst=data.get("dayfirst"),
        deal_by_customer=bool(data.get("deal_by_customer", False)),
    )


def read_rows(path) -> tuple[list[str], list[tuple[int, dict]]]:
    """Rows of a CSV or JSON file as (row number, dict); header is row 1 in a CSV."""
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
            data = json.loads(raw)
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
        return columns, [(i + 1, {k: _text(v) for k, v in r.items()}) for i, r in enumerate(data)]
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
    return columns, rows


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def parse_date(value: str, where: str, column: str, mapping: Mapping) -> Optional[date]:
    dt = parse_datetime(value, where, column, mapping)
    return dt.date() if isinstance(dt, datetime) else dt


def parse_datetime(value: str, where: str, column: str, mapping: Mapping):
    if not value:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        pass
    if mapping.flexible_dates:
        from dateutil import parser

        try:
            return parser.parse(value, dayfirst=bool(mapping.dayfirst)).replace(tzinfo=None)
        except (ValueError, OverflowError):
            pass
    hint = "" if mapping.flexible_dates or mapping.name == "deals" else (
        " (or import with --dayfirst or --monthfirst to read dates like 03/04/2027)")
    raise RecordError(
        f"{where}: {column} '{value}' is not a date; write dates as YYYY-MM-DD{hint}")


def _number(value: str, where: str, column: str) -> Optional[float]:
    if not value:
        return None
    cleaned = value.replace(",", "").replace("%", "").strip()
    try:
        return float(cleaned)
    except ValueError:
        raise RecordError(f"{where}: {column} '{value}' is not a number; fix that cell") from None


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


def parse_deals(path) -> tuple[list[Deal], list[str]]:
    """Validate a deals file completely; RecordError on the first bad row.

    RETURNS (tuple): the deals, and the file's columns promiseaudit does not use.
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
    ignored = [c for c in columns if c not in DEAL_COLUMNS + DEAL_OPTIONAL]
    return deals, ignored


def import_deals(db, path, who: str = "import") -> dict:
    """Import or update deals from a CSV/JSON file in one transaction.

    RETURNS (dict): counts of "created", "updated", "unchanged", and "ignored": the
    file's columns that are not deal fields (a misspelt column is reported, not guessed).
    """
    deals, ignored = parse_deals(path)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "ignored": ignored}
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


def parse_deliveries(db, path, mapping: Optional[Mapping] = None) -> tuple[list[Delivery], int]:
    """Validate a delivery file completely against the ledger.

    RETURNS (tuple): the records, and how many rows were skipped (filtered out by the
    mapping's ``only``, or promise-register rows left unfilled).
    """
    mapping = mapping or Mapping()
    name = Path(path).name
    columns, rows = read_rows(path)
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
        opened = parse_datetime(row.get("opened_at", ""), where, "opened_at", mapping)
        responded = parse_datetime(row.get("responded_at", ""), where, "responded_at", mapping)
        resolved = parse_datetime(row.get("resolved_at", ""), where, "resolved_at", mapping)
        for later, name_ in ((responded, "responded_at"), (resolved, "resolved_at")):
            if later is not None and opened is not None and _as_datetime(later) < _as_datetime(opened):
                raise RecordError(
                    f"{where}: {name_} ({later}) is before opened_at ({opened}); "
                    "check the ticket's timestamps"
                )
        delivered = parse_date(row.get("delivered_on", ""), where, "delivered_on", mapping)
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
                quantity=_number(row.get("quantity", ""), where, "quantity"),
                value=_number(row.get("value", ""), where, "value"),
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
    return records, skipped


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

    RETURNS (ImportCounts): {"imported": n, "skipped": n, "duplicates": n}, with the id
    the import is recorded under as ``.import_id``. A
    record already in the ledger is not added twice, whatever the file is called or where
    the row sits in it: a record with a reference (ticket or task id) is the same record
    when its deal, category, reference, date, quantity and value match; one without a
    reference when its description matches too. Records of an undone import do not
    count as already there, so a file can be imported again after an undo. Every import
    is recorded (file name, SHA-256, mapping, who, when, counts) under ``import_id``.
    """
    records, skipped = parse_deliveries(db, path, mapping)
    cols = "deal_id, category, delivered_on, reference, description, quantity, value, " \
           "opened_at, responded_at, resolved_at"
    existing = {_record_key(*row) for row in db.execute(
        f"select {cols} from deliveries where import_id is null or import_id not in "
        "(select id from imports where undone_at is not null)")}
    fresh = [r for r in records if _record_key(
        r.deal_id, r.category, store.iso(r.delivered_on), r.reference, r.description, r.quantity,
        r.value, store.iso(r.opened_at), store.iso(r.responded_at), store.iso(r.resolved_at)) not in existing]
    path = Path(path)
    with db.atomic():
        import_id = store.add_import(db, path.name, hashlib.sha256(path.read_bytes()).hexdigest(),
                                     (mapping or Mapping()).name, who, len(fresh), skipped,
                                     len(records) - len(fresh))
        store.add_deliveries(db, fresh, import_id)
    counts = ImportCounts(imported=len(fresh), skipped=skipped,
                          duplicates=len(records) - len(fresh))
    counts.import_id = import_id
    return counts

"""Dataclasses passed between the stages: read -> extract -> ledger -> audit -> report.

Every stage takes and returns these; none of them knows about the stages above it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Optional

CATEGORIES = (
    "delivery",
    "service_level",
    "training",
    "check_in",
    "support",
    "warranty",
    "pricing",
)
RECURRENCES = (
    "daily",
    "weekly",
    "biweekly",
    "monthly",
    "quarterly",
    "semiannually",
    "annually",
)
ANCHORS = ("signature", "kickoff", "go_live")
STRENGTHS = ("firm", "soft")
DIRECTIONS = ("at_least", "at_most")
STATUSES = (
    "kept",
    "late",
    "broken",
    "at_risk",
    "pending",
    "open",
    "waived",
    "superseded",
)
REVIEW_STATES = ("candidate", "confirmed", "rejected", "superseded")
READ_OUTCOMES = ("parsed", "encrypted", "scanned", "malformed", "too_large")


@dataclass(frozen=True)
class TableRow:
    """One row of a table, with its place in the page text.

    cells (tuple[str, ...]): the cell texts, left to right.
    start, end (int): character span of the row's line in ``Page.text``.
    """

    cells: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Table:
    """A table found on a page. ``header`` is the first row when it names columns."""

    header: tuple[str, ...]
    rows: tuple[TableRow, ...]


@dataclass(frozen=True)
class Page:
    """One page of a document.

    number (int): 1-based page number.
    text (str): the page text, normalised (ligatures expanded, line-end hyphenation
        joined, running headers/footers and page numbers removed). Tables appear in it
        as one line per row, cells separated by " | "; ``tables`` gives their structure.
    """

    number: int
    text: str
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Document:
    """A proposal as read from disk.

    outcome (str): one of READ_OUTCOMES. Only "parsed" documents have pages.
    """

    path: str
    name: str
    kind: str  # "pdf", "txt", "md", "docx"
    sha256: str
    pages: tuple[Page, ...]
    outcome: str = "parsed"
    outcome_detail: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages)


@dataclass(frozen=True)
class Promise:
    """A seller commitment found in a document.

    text (str): the exact quote. page/start/end: where it is (span in Page.text).
    due (date | None): an absolute due date, when the proposal gives one.
    within_days (int | None) + anchor: a deadline relative to an event ("within 45 days
        of signature" -> 45, "signature"); negative for "two weeks before go-live".
    business_days (bool): within_days counts business days.
    recurrence: one of RECURRENCES or None.
    quantity/unit: how many of what ("three sessions" -> 3, "session").
    threshold/threshold_unit/direction: a measured level ("at least 99.9 %" ->
        99.9, "%", "at_least"; "within 1 hour" -> 1, "hour", "at_most").
    strength: "firm" or "soft" (hedged). condition: the condition's text, if any.
    rule (str): the id of the rule that found it; confidence (float, 0-1).
    series_end (str | None): the event that ends a repeating schedule ("weekly calls
        until go-live" -> "go_live"), read at extraction.
    names_go_live (bool): the promise is about go-live itself ("the portal will go live
        by 1 March"), read at extraction; a recorded go-live date is its evidence.
    tier (int | None): the priority tier it is limited to (1 for "P1 incidents",
        "Urgent tickets"; see ``tiers``), or None for every tier.
    measures (str | None): what a measured promise measures: "availability",
        "response", "resolution" or "count" (see ``tiers.MEASURES``).
    about_incidents (bool): it is about incidents, faults or repairs, which questions
        and quote requests never count toward.
    series_start (date | None): where a repeating schedule starts, when the text gives
        a date ("From September 2027, monthly reviews" -> 2027-09-01); a start event
        ("after go-live") is kept as the anchor with within_days 0.
    period_due_days/period_due_from/period_due_business: a deadline inside each period
        ("by the fifth working day of each month" -> 5, "start", True; "within 10 days of
        the end of each quarter" -> 10, "end", False).
    action (str | None): what a counted promise does to its things, in the past tense
        ("installed", "held", "shipped"; None reads as "delivered").
    The ledger fills id, deal_id, document_id and review_state.
    """

    text: str
    source: str
    page: int
    start: int
    end: int
    category: str
    due: Optional[date] = None
    within_days: Optional[int] = None
    business_days: bool = False
    anchor: Optional[str] = None
    recurrence: Optional[str] = None
    quantity: Optional[float] = None
    unit: Optional[str] = None
    threshold: Optional[float] = None
    threshold_unit: Optional[str] = None
    direction: Optional[str] = None
    strength: str = "firm"
    condition: Optional[str] = None
    rule: str = ""
    confidence: float = 1.0
    reason: str = ""
    extractor_version: str = ""
    series_end: Optional[str] = None
    names_go_live: bool = False
    tier: Optional[int] = None
    measures: Optional[str] = None
    about_incidents: bool = False
    series_start: Optional[date] = None
    period_due_days: Optional[int] = None
    period_due_from: Optional[str] = None
    period_due_business: bool = False
    action: Optional[str] = None
    id: Optional[str] = None
    deal_id: Optional[str] = None
    document_id: Optional[int] = None
    review_state: str = "candidate"

    def to_dict(self) -> dict:
        """JSON-ready dict (dates as ISO strings)."""
        out = {}
        for key, value in self.__dict__.items():
            out[key] = value.isoformat() if isinstance(value, (date, datetime)) else value
        return out

    def with_(self, **changes) -> "Promise":
        return replace(self, **changes)


@dataclass(frozen=True)
class Deal:
    """A closed deal. Dates are None until known. ``go_live_planned`` comes from the
    proposal and is used until ``go_live_on`` (the actual date) is recorded.

    events: other events the proposal's deadlines count from (commissioning, delivery,
        acceptance, purchase order...), as ((name, date, how it is known), ...): set by
        a person (``deals set --event``) or established by a delivery record.
    """

    deal_id: str
    customer: Optional[str] = None
    rep: Optional[str] = None
    signed_on: Optional[date] = None
    kickoff_on: Optional[date] = None
    go_live_on: Optional[date] = None
    ends_on: Optional[date] = None
    go_live_planned: Optional[date] = None
    events: tuple = ()

    def event(self, name: str) -> Optional[tuple]:
        """(date, how it is known) of the event ``name`` ("commissioning"), or None."""
        key = event_key(name)
        for known, day, how in self.events:
            if event_key(known) == key:
                return day, how
        return None


def event_key(name: str) -> str:
    """An event name compared loosely: "Installation & Commissioning" and
    "installation and commissioning" are one event; "purchase orders" is "purchase order"."""
    words = re.findall(r"[a-z0-9]+", (name or "").lower().replace("&", " and "))
    words = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
             for w in words if w not in ("the", "a", "an", "of", "our", "your")]
    return " ".join(words)


@dataclass(frozen=True)
class Delivery:
    """A delivery record imported from a CRM, PSA or help-desk export.

    value (float | None): a measurement (uptime %, response hours).
    value_unit (str | None): the unit of ``value`` ("%", "minute", "business_hour"...),
        from the export's mapping or the cell ("99.9%"); None when not known.
    value_kind (str | None): what ``value`` measures ("availability", "response",
        "resolution", "count"), declared or read from the unit and description.
    record_type (str | None): the export's own type ("Question", "Incident", "Task").
    opened_at/responded_at/resolved_at: ticket timestamps, from which response and
        resolution times are derived when ``value`` is empty.
    import_id: the import it came with. export_key: which export that was, the same for
        next month's file of the same export (see ``LinkRule``).
    dismissed: None, or why a person said it fulfils no promise ("by ana on
        2026-11-02: duplicate of row 4"); the matcher never uses a dismissed record.
    deal_reason (str | None): why the import gave the record its deal ("company 'Harbor
        Logistics Inc.' = customer 'Harbor Logistics'"); None for a file that names the
        deal_id itself.
    """

    deal_id: str
    category: str
    delivered_on: Optional[date]
    description: str = ""
    quantity: Optional[float] = None
    value: Optional[float] = None
    reference: str = ""
    promise_id: Optional[str] = None
    source_file: str = ""
    source_row: int = 0
    priority: Optional[str] = None
    opened_at: Optional[datetime] = None
    responded_at: Optional[datetime] = None
    resolved_at: Optional[datetime] = None
    value_unit: Optional[str] = None
    value_kind: Optional[str] = None
    record_type: Optional[str] = None
    id: Optional[int] = None
    import_id: Optional[int] = None
    export_key: str = ""
    dismissed: Optional[str] = None
    deal_reason: Optional[str] = None


@dataclass(frozen=True)
class LinkRule:
    """A link a person asked to be remembered (``link --remember``).

    A later record of the same shape goes to ``promise_id`` automatically: same deal,
    same export (``export_key``: the mapping and the file name without dates and
    numbers), same category, and the same description once numbers, dates and ids are
    generalised (``pattern``). learned_from: the delivery record the link was made on.
    """

    id: int
    promise_id: str
    deal_id: str
    export_key: str
    category: str
    pattern: str
    learned_from: int
    by: str
    on: date


@dataclass(frozen=True)
class Evidence:
    """One delivery record used for a verdict, and why it was used."""

    delivery_id: Optional[int]
    date: Optional[date]
    description: str
    quantity: Optional[float] = None
    value: Optional[float] = None
    reference: str = ""
    link: str = ""  # "explicit", "rule: <reason>", "auto: <reason>"
    score: Optional[float] = None
    source: str = ""  # "deliveries.csv row 4"

    def to_dict(self) -> dict:
        out = dict(self.__dict__)
        out["date"] = self.date.isoformat() if self.date else None
        return out


@dataclass(frozen=True)
class Occurrence:
    """One due occurrence of a recurring promise, with its own verdict."""

    due: date
    status: str
    evidence: tuple[Evidence, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class Verdict:
    """The audit's answer for one promise as of a date.

    due: resolved due date (None when it cannot be resolved yet).
    due_basis: how the due date was found ("stated in the proposal",
        "45 days after signature (2027-01-10)", "30 days after planned go-live ...").
    rule: the id of the rule that decided; reason: the same in a sentence for people.
    figures: e.g. {"delivered": 310, "promised": 340} or {"met": 2, "total": 3, "rate": 0.67}.
    """

    promise_id: str
    status: str
    due: Optional[date]
    rule: str
    reason: str
    due_basis: str = ""
    evidence: tuple[Evidence, ...] = ()
    days_late: Optional[int] = None
    figures: dict = field(default_factory=dict)
    occurrences: tuple[Occurrence, ...] = ()

    def to_dict(self) -> dict:
        return {
            "promise_id": self.promise_id,
            "status": self.status,
            "due": self.due.isoformat() if self.due else None,
            "due_basis": self.due_basis,
            "rule": self.rule,
            "reason": self.reason,
            "evidence": [e.to_dict() for e in self.evidence],
            "days_late": self.days_late,
            "figures": dict(self.figures),
            "occurrences": [
                {
                    "due": o.due.isoformat(),
                    "status": o.status,
                    "detail": o.detail,
                    "evidence": [e.to_dict() for e in o.evidence],
                }
                for o in self.occurrences
            ],
        }


@dataclass(frozen=True)
class DocumentInfo:
    """A document as the ledger knows it, with the outcome of reading it."""

    id: int
    deal_id: Optional[str]
    name: str
    path: str
    kind: str
    sha256: str
    pages: int
    outcome: str
    outcome_detail: str = ""
    ingested_at: str = ""
    promise_count: int = 0


@dataclass(frozen=True)
class AuditData:
    """Everything a report needs, loaded from the ledger for one as-of date.

    verdicts: promise id -> Verdict. previous: promise id -> status at the previous
    stored audit snapshot (empty when there is none). history: (as_of, counts by status)
    of stored snapshots, oldest first, for trend charts. status_history: promise id ->
    ((as_of, status), ...) over the same snapshots, for trends of a filtered report.
    matches: the audit's Match for each stored delivery record (stored with a snapshot).
    """

    as_of: date
    deals: dict
    promises: tuple
    verdicts: dict
    documents: tuple = ()
    deliveries: tuple = ()
    previous: dict = field(default_factory=dict)
    previous_as_of: Optional[date] = None
    history: tuple = ()
    status_history: dict = field(default_factory=dict)
    matches: tuple = ()

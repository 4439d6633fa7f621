"""The library API behind the command line: each function is one user-level job.

The CLI parses options, calls one of these and prints the result; tests call them
directly. Nothing here prints or exits.
"""
from __future__ import annotations

import gc
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Callable, Iterable, Optional, Sequence

from .errors import LedgerError, LimitError, ReadError
from .ledger import is_read_only, open_ledger, queries, store
from .models import AuditData, Deal, Document, Promise, event_key
from .read.limits import DEFAULT_LIMITS, Limits

__all__ = [
    "open_ledger",
    "extract_files",
    "ingest_files",
    "run_audit",
    "load_audit_data",
    "load_stored_audit",
    "AuditOutcome",
    "link",
    "unlink",
    "dismiss",
    "undismiss",
    "forget_rule",
    "undo_import",
    "check_draft",
    "sheet_data",
    "after_sale_plan",
]



def read_and_extract(path, nlp=None, password: Optional[str] = None, strict: bool = True,
                     limits: Limits = DEFAULT_LIMITS,
                     ) -> tuple[Document, list[Promise], Optional[date], Optional[str]]:
    """Read one proposal and extract its promises (no ledger involved).

    strict (bool): when False, a file that is encrypted, scanned, damaged or over the
        ``limits`` comes back with that ``outcome`` and no promises (a file that cannot
        be read at all still raises ReadError).
    RETURNS (tuple): the document, its promises, the proposal's own date and locale.
    """
    from .extract import extract
    from .extract.dates import detect_document_date, detect_locale
    from .read import read_document

    document = read_document(path, password=password, strict=strict, limits=limits)
    if document.outcome != "parsed":
        return document, [], None, None
    text = document.text
    if not text.strip():
        raise ReadError(f"{document.name}: the file has no text; check it is the right "
                        "proposal")
    doc_date = detect_document_date(text)
    locale = detect_locale(text)
    try:
        promises = extract(document, nlp=nlp, document_date=doc_date, locale=locale, limits=limits)
    except LimitError as e:
        if strict:
            raise
        return replace(document, pages=(), outcome="too_large", outcome_detail=str(e)), [], None, None
    return document, promises, doc_date, locale


@dataclass(frozen=True)
class Skipped:
    """A file ``ingest --keep-going`` left out: missing, of a type promiseaudit does not
    read, empty or unreadable. message (str): the one-line reason, naming the file."""

    path: str
    message: str


def read_or_skip(path, nlp=None, password: Optional[str] = None, strict: bool = True,
                 limits: Limits = DEFAULT_LIMITS):
    """``read_and_extract``, except that when not ``strict`` a file that cannot be read at
    all comes back as ``Skipped`` instead of raising ReadError."""
    from .read import check_path

    try:
        check_path(path)
        return read_and_extract(path, nlp=nlp, password=password, strict=strict, limits=limits)
    except ReadError as e:
        if strict:
            raise
        return Skipped(str(path), str(e))


def extract_files(paths: Sequence, model: Optional[str] = None,
                  password: Optional[str] = None,
                  limits: Limits = DEFAULT_LIMITS) -> list[tuple[Document, list[Promise]]]:
    """Extract promises from each file without touching the ledger."""
    from .extract import build_nlp

    check_paths(paths)
    nlp = build_nlp(model)
    return [read_and_extract(p, nlp=nlp, password=password, limits=limits)[:2] for p in paths]


def check_paths(paths: Sequence) -> None:
    """Fail before any work if a file is missing or of a type promiseaudit cannot read."""
    from .read import check_path

    for p in paths:
        check_path(p)


def planned_go_live(promises: Iterable[Promise]) -> Optional[date]:
    """The go-live date a proposal states ("go-live no later than 15 April 2027")."""
    dates = [p.due for p in promises if p.due and p.names_go_live]
    return min(dates) if dates else None


def ingest_files(
    db,
    paths: Sequence,
    deal_id: str,
    customer: Optional[str] = None,
    rep: Optional[str] = None,
    password: Optional[str] = None,
    replaces: Optional[str] = None,
    keep_going: bool = False,
    model: Optional[str] = None,
    progress: Optional[Callable[[str], None]] = None,
    who: str = "ingest",
    new_deal: bool = False,
    nlp=None,
    jobs: int = 1,
    limits: Limits = DEFAULT_LIMITS,
) -> list:
    """Read, extract and store proposals for one deal, all or nothing.

    A deal id the ledger does not know is refused unless ``customer`` or ``new_deal``
    says a new deal is meant (a mistyped id would otherwise start a phantom deal).
    Every file is read and extracted before anything is written; a file that cannot be
    read stops the whole ingest (ReadError) unless ``keep_going``: then a file that is
    encrypted, scanned, damaged or over the ``limits`` is recorded with that outcome
    so reports list it, and one that cannot be read at all (missing, not a proposal
    type, empty) is left out and comes back as ``Skipped``. When every file is left
    out, nothing is written and ReadError says why.
    replaces (str): name or id of a stored document this one is a new version of.
    nlp: a pipeline from ``build_nlp`` to reuse (``model`` is then ignored).
    jobs (int): read and extract in this many processes (several files only); the ledger
        is still written by this process alone, in one transaction.
    progress: called after each file is read, with (document, promises, date, locale)
        or a ``Skipped``.
    RETURNS (list): an ``IngestResult`` or a ``Skipped`` for each file, in order.
    """
    from .extract import build_nlp

    if not deal_id or not deal_id.strip():
        raise LedgerError("A deal id is needed; pass --deal ID")
    if not (customer or new_deal) and not db.execute("select 1 from deals where deal_id = ?", [deal_id]).fetchone():
        known = [r[0] for r in db.execute("select deal_id from deals order by deal_id limit 6").fetchall()]
        hint = f" (deals in the ledger: {', '.join(known)})" if known else ""
        raise LedgerError(f"Deal {deal_id} is not in the ledger{hint}; check the id, or pass --customer NAME "
                          f"or --new-deal to start a new deal")
    if not keep_going:
        check_paths(paths)
    if jobs > 1 and len(paths) > 1 and nlp is None:
        from .parallel import read_in_parallel

        prepared = list(read_in_parallel(paths, min(jobs, len(paths)), model, password,
                                         not keep_going, progress, limits))
    else:
        nlp = nlp or build_nlp(model)
        prepared = []
        for p in paths:
            prepared.append(read_or_skip(p, nlp=nlp, password=password, strict=not keep_going,
                                         limits=limits))
            if progress:
                progress(prepared[-1])
    skipped = [item for item in prepared if isinstance(item, Skipped)]
    if skipped and len(skipped) == len(prepared):
        if len(skipped) == 1:
            raise ReadError(skipped[0].message)
        raise ReadError(f"None of the {len(skipped)} files could be read, so nothing was stored; "
                        f"the first: {skipped[0].message}")
    results = []
    with db.atomic():
        store.upsert_deal(db, Deal(deal_id=deal_id, customer=customer, rep=rep), who=who)
        replaces_id = _document_id(db, deal_id, replaces) if replaces else None
        for item in prepared:
            if isinstance(item, Skipped):
                results.append(item)
                continue
            document, promises, doc_date, locale = item
            result = store.add_document(
                db, document, deal_id, promises, who=who, replaces=replaces_id,
                document_date=doc_date, locale=locale,
            )
            results.append(result)
            planned = planned_go_live(promises)
            if planned and not result.duplicate:
                current = queries.get_deal(db, deal_id)
                if current.go_live_planned is None:
                    store.upsert_deal(
                        db, Deal(deal_id=deal_id, go_live_planned=planned), who=who
                    )
    return results


def _document_id(db, deal_id: str, ref: str) -> int:
    for doc in queries.documents(db, deal_id):
        if str(doc.id) == str(ref) or doc.name == ref:
            return doc.id
    raise LedgerError(
        f"No document '{ref}' stored for deal {deal_id}; "
        "see `promiseaudit documents` for names and ids"
    )


def set_deal(db, deal_id: str, who: str = "user", **fields) -> str:
    """Change a deal's customer, rep or dates (recorded in the audit trail)."""
    queries.get_deal(db, deal_id)
    with db.atomic():
        return store.upsert_deal(db, Deal(deal_id=deal_id, **fields), who=who)


def set_deal_events(db, deal_id: str, events: dict, who: str = "user") -> dict:
    """Record the dates of events the deal's deadlines count from ({"commissioning":
    date}), all or none. RETURNS {name: "recorded" | "updated" | "unchanged"}."""
    queries.get_deal(db, deal_id)
    for name in events:
        if not event_key(name):
            raise LedgerError(f"'{name}' is not an event name; write it like "
                              "--event commissioning=2027-03-02")
        if event_key(name) in ("signature", "signing", "kickoff", "kick off", "go live", "golive"):
            raise LedgerError(f"Record {name} with --signed, --kickoff or --go-live, not --event")
    with db.atomic():
        return {name: store.set_deal_event(db, deal_id, name, on, who) for name, on in events.items()}


# --- links, rules, dismissals and imports -------------------------------------------


@dataclass
class LinkOutcome:
    """What ``link`` did. rule_id: the rule remembered (or already there, ``rule_existed``)
    with the export and description pattern later records are recognised by."""

    delivery_id: int
    promise_id: str
    rule_id: Optional[int] = None
    rule_existed: bool = False
    export_key: str = ""
    pattern: str = ""


def _usable_record(db, delivery_id: int):
    """The record ``delivery_id``, refused when its import was undone."""
    d = queries.get_delivery(db, delivery_id)
    if d.import_id is not None:
        imp = queries.get_import(db, d.import_id)
        if imp["undone_at"]:
            raise LedgerError(
                f"Delivery {delivery_id} came with import {d.import_id} ({imp['file_name']}), "
                f"which was undone on {imp['undone_at'][:10]}; it no longer counts")
    return d


def link(db, delivery_id: int, promise_id: str, who: str = "user",
         remember: bool = False) -> LinkOutcome:
    """Link a delivery record to a promise by hand.

    remember (bool): also remember the link as a rule, so later records of the same shape
        (same deal, export and category, same description apart from numbers, dates and
        ids) go to the same promise automatically.
    """
    from .audit.match import record_shape

    d = _usable_record(db, delivery_id)
    queries.get_promise(db, promise_id)
    if d.dismissed:
        raise LedgerError(f"Delivery {delivery_id} is dismissed ({d.dismissed}); take that "
                          f"back first with `promiseaudit dismiss {delivery_id} --undo`")
    out = LinkOutcome(delivery_id, promise_id)
    with db.atomic():
        if d.promise_id != promise_id:
            store.link_delivery(db, delivery_id, promise_id, who)
        if remember:
            out.export_key, out.pattern = d.export_key, record_shape(d)
            if not out.pattern:
                raise LedgerError(f"Delivery {delivery_id} has no description or reference to "
                                  "recognise later records by; link them one by one")
            same = [r for r in queries.link_rules(db) if (r.deal_id, r.export_key, r.category,
                    r.pattern) == (d.deal_id, d.export_key, d.category, out.pattern)]
            if same and same[0].promise_id != promise_id:
                raise LedgerError(
                    f"Rule {same[0].id} already sends records like this to promise "
                    f"{same[0].promise_id}; forget it first with "
                    f"`promiseaudit rules forget {same[0].id}`")
            if same:
                out.rule_id, out.rule_existed = same[0].id, True
            else:
                out.rule_id = store.add_link_rule(db, promise_id, d.deal_id, d.export_key,
                                                  d.category, out.pattern, delivery_id, who)
    return out


@dataclass
class UnlinkOutcome:
    """What ``unlink`` did: the promise the record left, and the rules learned from the
    link that were forgotten with it."""

    delivery_id: int
    promise_id: str
    forgotten_rules: list


def unlink(db, delivery_id: int, who: str = "user") -> UnlinkOutcome:
    """Remove a record's link made by hand (or in the imported file); the record goes back
    to automatic matching. Rules remembered from this link are forgotten with it."""
    from .audit.match import record_shape

    d = _usable_record(db, delivery_id)
    if d.promise_id is None:
        shape = (d.deal_id, d.export_key, d.category, record_shape(d))
        rule = next((r for r in queries.link_rules(db)
                     if (r.deal_id, r.export_key, r.category, r.pattern) == shape), None)
        if rule is not None:
            raise LedgerError(
                f"Delivery {delivery_id} is not linked by hand; remembered rule {rule.id} "
                f"sends it to promise {rule.promise_id}; stop that with "
                f"`promiseaudit rules forget {rule.id}`")
        raise LedgerError(f"Delivery {delivery_id} is not linked to a promise by hand; "
                          "nothing to unlink")
    with db.atomic():
        old = store.unlink_delivery(db, delivery_id, who)
        learned = [r.id for r in queries.link_rules(db) if r.learned_from == delivery_id]
        for rule_id in learned:
            store.forget_link_rule(db, rule_id, who, f"its link (delivery {delivery_id}) was removed")
    return UnlinkOutcome(delivery_id, old, learned)


def dismiss(db, delivery_id: int, reason: str, who: str = "user") -> None:
    """Mark a record as fulfilling no promise: it stays listed but is never matched."""
    if not reason or not reason.strip():
        raise LedgerError("Say why the record fulfils no promise, with --reason")
    d = _usable_record(db, delivery_id)
    if d.dismissed:
        raise LedgerError(f"Delivery {delivery_id} is already dismissed ({d.dismissed})")
    if d.promise_id:
        raise LedgerError(f"Delivery {delivery_id} counts toward promise {d.promise_id} by hand; "
                          f"unlink it first with `promiseaudit unlink {delivery_id}`")
    with db.atomic():
        store.dismiss_delivery(db, delivery_id, reason.strip(), who)


def undismiss(db, delivery_id: int, who: str = "user", note: str = "") -> None:
    """Take back a dismissal: the record is matched to promises again."""
    d = _usable_record(db, delivery_id)
    if not d.dismissed:
        raise LedgerError(f"Delivery {delivery_id} is not dismissed; nothing to take back")
    with db.atomic():
        store.undismiss_delivery(db, delivery_id, who, note)


def forget_rule(db, rule_id: int, who: str = "user", reason: str = "") -> dict:
    """Stop applying a remembered rule; records it linked go back to automatic matching
    (the record it was learned from keeps its own link). RETURNS the rule's row."""
    row = queries.get_link_rule(db, rule_id)
    if row["forgotten_at"]:
        raise LedgerError(f"Rule {rule_id} was already forgotten by {row['forgotten_by']} "
                          f"on {row['forgotten_at'][:10]}")
    with db.atomic():
        store.forget_link_rule(db, rule_id, who, reason)
    return row


@dataclass
class UndoOutcome:
    """What undoing an import affects: its records, how many of them were linked or
    dismissed by hand, and the rules learned from them (kept: they are about the shape of
    records, and still apply to a corrected re-import)."""

    import_id: int
    file_name: str
    records: int
    linked: int
    dismissed: int
    rules: list


def undo_import(db, import_id: int, who: str = "user", reason: str = "") -> UndoOutcome:
    """Undo a whole delivery import: its records stay in the ledger, marked with the
    import as undone (who, when, why), and no longer count in audits, lists or matching.
    The same file can be imported again afterwards."""
    imp = queries.get_import(db, import_id)
    if imp["undone_at"]:
        raise LedgerError(f"Import {import_id} ({imp['file_name']}) was already undone by "
                          f"{imp['undone_by']} on {imp['undone_at'][:10]}")
    rows = db.execute("select id, promise_id, dismissed_at from deliveries where import_id = ?",
                      [import_id]).fetchall()
    ids = {r[0] for r in rows}
    rules = [r.id for r in queries.link_rules(db) if r.learned_from in ids]
    with db.atomic():
        store.undo_import(db, import_id, who, reason)
    return UndoOutcome(import_id, imp["file_name"], len(rows), sum(1 for r in rows if r[1]),
                       sum(1 for r in rows if r[2]), rules)


def waive(db, promise_id: str, reason: str, by: str, on: Optional[date] = None) -> int:
    """Record that the customer agreed to waive or change a promise."""
    if not reason.strip():
        raise LedgerError("Give the reason the customer agreed to, with --reason")
    if not by.strip():
        raise LedgerError("Say who recorded the waiver, with --by NAME")
    queries.get_promise(db, promise_id)
    with db.atomic():
        return store.add_waiver(db, promise_id, reason, by, on or date.today())


def revoke_waiver(db, promise_id: str, by: str, reason: str,
                  on: Optional[date] = None) -> None:
    """Withdraw a waiver recorded by mistake; audits from ``on`` count the promise again."""
    if not by.strip() or not reason.strip():
        raise LedgerError("Say who revokes the waiver (--by) and why (--reason)")
    queries.get_promise(db, promise_id)
    with db.atomic():
        store.revoke_waiver(db, promise_id, by, reason, on or date.today())


def clear_deal_fields(db, deal_id: str, fields, who: str = "user") -> None:
    """Clear deal fields entered by mistake (e.g. a wrong go-live date)."""
    queries.get_deal(db, deal_id)
    with db.atomic():
        for f in fields:
            store.clear_deal_field(db, deal_id, f, who)


# --- audit ---------------------------------------------------------------------------


@dataclass
class AuditOutcome:
    """One audit: verdicts by promise id, the matches made, the promises audited.

    counts: verdicts by status; promise_count and record_count: how many promises were
    audited against how many delivery records. With ``keep=False`` (see ``run_audit``)
    only these and ``run_id`` are filled in; verdicts, matches, promises and deliveries
    stay empty.
    """

    as_of: date
    verdicts: dict
    matches: list
    promises: list
    deals: dict
    deliveries: list
    run_id: Optional[int] = None
    counts: dict = field(default_factory=dict)
    promise_count: int = 0
    record_count: int = 0


@dataclass
class DealAudit:
    """One deal's part of an audit: its audited promises (in ledger order), their
    verdicts, its delivery records (by id) and the matches made (as ``audit_all``
    returns them; ``record_matches`` keeps those of stored records)."""

    deal_id: str
    promises: list
    verdicts: dict
    matches: list
    deliveries: list


# Deals read from the ledger at a time: enough to keep the queries few, few enough that
# a slice of a large ledger stays small in memory.
DEALS_PER_READ = 100


def _settings_dict(settings) -> dict:
    return {k: (sorted(v) if isinstance(v, (set, frozenset)) else v)
            for k, v in settings.__dict__.items()}


def run_audit(db, as_of: date, settings=None, confirmed_only: bool = False,
              deal_id: Optional[str] = None, save: bool = True, keep: bool = True,
              on_deal: Optional[Callable[[DealAudit], None]] = None,
              on_lines: Optional[Callable[[list], None]] = None, jobs: int = 1) -> AuditOutcome:
    """Audit every (candidate and confirmed) promise as of ``as_of``.

    Rejected promises are never audited; ``confirmed_only`` leaves out candidates too.
    With ``save`` the verdicts are stored as a snapshot for "what changed" reports.
    The ledger is audited deal by deal (``iter_audit``), so memory does not grow with
    it unless ``keep``: then the outcome also holds every verdict, match, promise and
    record, as a report needs. ``keep=False`` gives the counts and the run id only.
    on_deal: called with each deal's ``DealAudit`` as it is done.
    on_lines: called with the ``AuditLine`` of each deal's promises as they are done.
    jobs: with ``keep=False`` and no ``on_deal``, audit a ledger file's deals in this
        many worker processes (``parallel.audit_in_parallel``); the snapshot is still
        written by this process alone, and the verdicts are the same.
    """
    from .audit import AuditSettings

    settings = settings or AuditSettings()
    saving = save and deal_id is None and not is_read_only(db)
    # A read-only ledger is audited all the same; only the snapshot is not kept.
    stage = store.SnapshotStage(db) if saving else None
    version = store.start_audit(db) if saving else None
    outcome = AuditOutcome(as_of, {}, [], [], queries.deals(db), [])
    ids = _parallel_ids(db, jobs, keep, on_deal, deal_id)
    if ids:
        from .parallel import audit_in_parallel

        # Each worker stores its snapshot rows in its own file in this folder, which the
        # stage merges into the ledger when publishing.
        parts = ((chunk, None) for chunk in audit_in_parallel(
            _ledger_file(db), ids, as_of, settings, confirmed_only, jobs,
            lines=on_lines is not None, stage_dir=stage.worker_dir() if stage else None))
    else:
        parts = ((None, part) for part in iter_audit(db, as_of, settings, confirmed_only, deal_id,
                                                     outcome.deals))
    try:
        for chunk, part in parts:
            if part is not None:
                chunk = AuditChunk()
                chunk.add(part, rows=as_of if stage is not None else None,
                          lines=on_lines is not None)
                if keep:
                    outcome.promises.extend(part.promises)
                    outcome.verdicts.update(part.verdicts)
                    outcome.matches.extend(part.matches)
                    outcome.deliveries.extend(part.deliveries)
                if on_deal is not None:
                    on_deal(part)
            for status, n in chunk.counts.items():
                outcome.counts[status] = outcome.counts.get(status, 0) + n
            outcome.promise_count += chunk.promise_count
            outcome.record_count += chunk.record_count
            if stage is not None and chunk.staged:
                stage.add_counts(chunk.counts)
            elif stage is not None:
                stage.add(chunk.results, chunk.matches, chunk.contacts)
            if on_lines is not None:
                on_lines(chunk.lines)
        if stage is not None:
            outcome.run_id = stage.publish(as_of, _settings_dict(settings), version,
                                           confirmed_only)
    except BaseException:
        if stage is not None:
            stage.discard()
        raise
    outcome.counts = dict(sorted(outcome.counts.items()))
    if keep:
        # The order a whole-ledger audit gives: verdicts by promise id, records by id.
        outcome.verdicts = dict(sorted(outcome.verdicts.items()))
        outcome.matches.sort(key=lambda m: m.delivery_id)
        outcome.deliveries.sort(key=lambda d: d.id)
    return outcome


def _parallel_ids(db, jobs, keep, on_deal, deal_id) -> list:
    """The deals to audit in worker processes, or [] to audit in this one: workers need
    a ledger file, no verdicts kept or handed on, and a ledger large enough that they
    are done sooner than they start."""
    from .parallel import DEALS_PER_TASK

    if jobs <= 1 or keep or on_deal is not None or deal_id is not None or _ledger_file(db) is None:
        return []
    ids = queries.deal_ids(db)
    return ids if len(ids) > DEALS_PER_TASK else []


def _ledger_file(db) -> Optional[str]:
    """The file of a ledger connection, or None (an in-memory ledger)."""
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return file or None
    return None


def current_waivers(db, as_of: date) -> dict:
    """promise id -> the Waiver that counts on ``as_of``: per promise, the latest agreed
    on or before it and not revoked by then."""
    from .audit import Waiver

    waivers: dict = {}
    for w in queries.waivers(db):
        on = date.fromisoformat(w["waived_on"])
        if w["revoked_on"] and date.fromisoformat(w["revoked_on"]) <= as_of:
            continue
        current = waivers.get(w["promise_id"])
        if on <= as_of and (current is None or current.on > as_of or on >= current.on):
            waivers[w["promise_id"]] = Waiver(
                promise_id=w["promise_id"], reason=w["reason"], by=w["waived_by"], on=on)
    return waivers


def iter_audit(db, as_of: date, settings=None, confirmed_only: bool = False,
               deal_id: Optional[str] = None, deals: Optional[dict] = None,
               ids: Optional[Sequence[str]] = None, context: Optional[tuple] = None):
    """Audit the ledger deal by deal, in deal-id order, yielding a ``DealAudit`` for
    each deal (also one with records and no promises); only ``DEALS_PER_READ`` deals'
    promises and records are held at a time.

    Each deal is audited on its own, which gives the verdicts and matches of an audit
    of the whole ledger: matching never crosses deals (records are linked, by hand, in
    the imported file or by a remembered rule, only to promises of their own deal).
    deals: the ledger's deals by id, when the caller has read them already.
    ids: audit only these deals (in this order). context: ``audit_context(db, as_of)``,
    when the caller has read it already (a worker of a parallel audit reads it once).
    """
    from .audit import AuditSettings, audit_all
    from .audit.match import MatchCache, paused_gc

    settings = settings or AuditSettings()
    states = ["confirmed", "superseded"] + ([] if confirmed_only else ["candidate"])
    deals = queries.deals(db) if deals is None else deals
    waivers, rules = context if context is not None else audit_context(db, as_of)
    # Deals named by the caller may lie anywhere in the ledger: they are read by name,
    # not as the slice from the first to the last.
    by_name = ids is not None
    if ids is None:
        ids = [deal_id] if deal_id is not None else queries.deal_ids(db)
    cache = MatchCache()
    with paused_gc():
        for i in range(0, len(ids), DEALS_PER_READ):
            chunk = ids[i:i + DEALS_PER_READ]
            where = {"deal_ids": chunk} if by_name else {"deal_range": (chunk[0], chunk[-1])}
            promises = _by_deal(queries.promises(db, states=states, **where))
            records = _by_deal(queries.deliveries(db, **where))
            for d in chunk:
                ps, rs = promises.pop(d, []), records.pop(d, [])
                own = {d: deals[d]} if d in deals else {}
                verdicts, matches = audit_all(
                    ps, own, rs + go_live_records(ps, own, rs), as_of, settings,
                    waivers=waivers, rules=rules.get(d, ()), cache=cache)
                yield DealAudit(d, ps, verdicts, matches, rs)
            cache.trim()
            # The cycle collector is paused (see ``paused_gc``); what it would find in the
            # objects made since, it finds here, without rescanning older ones each time.
            gc.collect(1)


def audit_context(db, as_of: date) -> tuple:
    """What every deal's audit reads from the whole ledger: (the waivers that count on
    ``as_of``, the remembered link rules by deal)."""
    rules: dict = {}
    for r in queries.link_rules(db):
        rules.setdefault(r.deal_id, []).append(r)
    return current_waivers(db, as_of), rules


@dataclass(frozen=True)
class AuditLine:
    """What the audit command prints of one promise: small enough to come back from a
    worker process of a parallel audit."""

    promise_id: str
    deal_id: str
    text: str
    review_state: str
    status: str
    due: Optional[date]
    reason: str


@dataclass
class AuditChunk:
    """What a run of deals' audit comes to: verdicts by status, how many promises and
    records, and (when asked) the snapshot's rows (``store.snapshot_rows``, and each
    deal's last contact), unless ``staged`` in a worker's ``store.StageFile``, and the
    ``AuditLine``s the audit command prints."""

    counts: dict = field(default_factory=dict)
    promise_count: int = 0
    record_count: int = 0
    results: list = field(default_factory=list)
    matches: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    staged: bool = False

    def add(self, part: DealAudit, rows: Optional[date], lines: bool) -> None:
        """rows: the audit's as-of date, to make the snapshot's rows (None: no rows)."""
        for v in part.verdicts.values():
            self.counts[v.status] = self.counts.get(v.status, 0) + 1
        self.promise_count += len(part.promises)
        self.record_count += len(part.deliveries)
        if rows is not None:
            from .audit.contact import last_contact

            results, matches = store.snapshot_rows(part.verdicts, record_matches(part),
                                                   week_digests(part.verdicts, rows),
                                                   {p.id: p for p in part.promises})
            contact = last_contact(part.deal_id, part.deliveries, rows)
            if contact is not None:
                self.contacts.append((part.deal_id, contact.on.isoformat()))
            self.results.extend(results)
            self.matches.extend(matches)
        if lines:
            self.lines.extend(audit_lines(part))

    def stage(self, stage_file) -> None:
        """Store the snapshot rows in ``stage_file`` (a ``store.StageFile``) instead of
        handing them over: they cost more to send between processes than to store."""
        stage_file.add(self.results, self.matches, self.contacts)
        self.results, self.matches, self.contacts = [], [], []
        self.staged = True


def week_digests(verdicts: dict, as_of: date) -> dict:
    """promise id -> what the weekly report of the week of ``as_of`` needs of its verdict
    beyond the snapshot (``audit.week.week_digest``), for the verdicts that have any."""
    from .audit.week import week_digest

    out = {}
    for pid, v in verdicts.items():
        digest = week_digest(v, as_of)
        if digest is not None:
            out[pid] = digest
    return out


def audit_lines(part: DealAudit) -> list:
    """The ``AuditLine`` of each audited promise of one deal, in ledger order."""
    out = []
    for p in part.promises:
        v = part.verdicts.get(p.id)
        if v is not None:
            out.append(AuditLine(p.id, p.deal_id, p.text, p.review_state, v.status, v.due, v.reason))
    return out


def _by_deal(items) -> dict:
    out: dict = {}
    for item in items:
        out.setdefault(item.deal_id, []).append(item)
    return out


def record_matches(outcome) -> list:
    """The matches of the ledger's own delivery records, one per record, by delivery id.
    outcome: an ``AuditOutcome`` (kept) or one deal's ``DealAudit``.

    The go-live records made by ``go_live_records`` have no id, so the audit names them by
    their position, which can equal a stored record's id. They are told apart by what
    they are: a link to a go-live promise that the stored record with that id does not
    carry itself (a go-live record is only made when no stored record is linked to it).
    """
    from .audit.match import EXPLICIT

    by_id = {d.id: d for d in outcome.deliveries}
    out = []
    for m in outcome.matches:
        d = by_id.get(m.delivery_id)
        if d is not None and (m.reason != EXPLICIT or d.promise_id == m.promise_id):
            out.append(m)
    return out


def go_live_records(promises, deals, deliveries) -> list:
    """A recorded go-live date is evidence for the promise to go live by a date.

    For each deal with ``go_live_on`` recorded, a promise about the go-live itself (a
    delivery promise that names go-live, launch or cut-over and is not counted from it)
    with no record linked to it explicitly gets a record dated on the go-live.
    """
    from .models import Delivery

    linked = {d.promise_id for d in deliveries if d.promise_id}
    out = []
    for p in promises:
        deal = deals.get(p.deal_id)
        if (deal is None or deal.go_live_on is None or p.category != "delivery"
                or p.anchor == "go_live" or p.id in linked or not p.names_go_live
                or (p.due is None and p.within_days is None)):
            continue
        out.append(Delivery(
            deal_id=p.deal_id, category="delivery", delivered_on=deal.go_live_on,
            description="Go-live date recorded for the deal", reference="deal record",
            promise_id=p.id, source_file="the deal's go-live date"))
    return out


def unmatched(db, as_of: Optional[date] = None, settings=None) -> list:
    """Delivery records the automatic matcher could not place with confidence."""
    from .audit import AuditSettings, match_deliveries

    promises = queries.promises(db, states=["candidate", "confirmed"])
    matches = match_deliveries(promises, queries.deliveries(db), deals=queries.deals(db),
                               settings=settings or AuditSettings(),
                               rules=queries.link_rules(db))
    return [m for m in matches if m.kind in ("ambiguous", "unmatched")]


def save_snapshot(db, data: AuditData, settings=None) -> int:
    """Store the verdicts and matches of ``data`` as an audit snapshot (after a report was
    written). RETURNS the run id, or None for a read-only ledger (nothing is kept)."""
    from .audit import AuditSettings

    if is_read_only(db):
        return None
    with db.atomic():
        return store.store_audit_run(db, data.as_of, _settings_dict(settings or AuditSettings()),
                                     data.verdicts, data.matches,
                                     week_digests(data.verdicts, data.as_of),
                                     promises={p.id: p for p in data.promises})


def load_audit_data(db, as_of: date, settings=None, confirmed_only: bool = False,
                    save: bool = True, previous_before: Optional[date] = None,
                    previous_after: Optional[date] = None) -> AuditData:
    """Audit as of ``as_of`` and gather everything a report needs.

    previous_before / previous_after: compare with the latest stored snapshot whose as-of
    date lies between them (default: any before ``as_of``), for "what changed"; with none
    there, nothing is compared. ``save=False`` leaves the ledger untouched (call
    ``save_snapshot`` once the report is safely written).
    """
    outcome = run_audit(db, as_of, settings, confirmed_only=confirmed_only, save=save)
    runs = [r for r in queries.audit_runs(db) if r["id"] != outcome.run_id]
    limit = previous_before or (as_of - timedelta(days=1))
    earlier = [r for r in runs if date.fromisoformat(r["as_of"]) <= limit
               and (previous_after is None or date.fromisoformat(r["as_of"]) >= previous_after)]
    previous, previous_as_of = {}, None
    if earlier:
        prev = earlier[-1]
        previous = queries.snapshot_statuses(db, prev["id"])
        previous_as_of = date.fromisoformat(prev["as_of"])
    # One point per as-of date (the latest run for that date), up to this audit.
    by_date = {}
    for r in queries.audit_runs(db):
        if date.fromisoformat(r["as_of"]) <= as_of:
            by_date[r["as_of"]] = r["counts"]
    counts: dict = {}
    for v in outcome.verdicts.values():
        counts[v.status] = counts.get(v.status, 0) + 1
    by_date[as_of.isoformat()] = dict(sorted(counts.items()))
    history = tuple((date.fromisoformat(d), c) for d, c in sorted(by_date.items()))
    latest_run = {}
    for r in queries.audit_runs(db):
        if date.fromisoformat(r["as_of"]) < as_of:
            latest_run[r["as_of"]] = r["id"]
    status_history: dict = {}
    for day, run_id in sorted(latest_run.items()):
        for pid, status in queries.snapshot_statuses(db, run_id).items():
            status_history.setdefault(pid, []).append((date.fromisoformat(day), status))
    for pid, v in outcome.verdicts.items():
        status_history.setdefault(pid, []).append((as_of, v.status))
    return AuditData(
        as_of=as_of,
        deals=outcome.deals,
        promises=tuple(outcome.promises),
        verdicts=outcome.verdicts,
        documents=tuple(queries.documents(db)),
        deliveries=tuple(outcome.deliveries),
        previous=previous,
        previous_as_of=previous_as_of,
        history=history,
        status_history={k: tuple(v) for k, v in status_history.items()},
        matches=tuple(record_matches(outcome)),
    )


def stored_run(db, as_of: date, settings=None, confirmed_only: bool = False) -> dict:
    """The latest audit stored by ``promiseaudit audit`` as of ``as_of`` with these
    settings, while the ledger is as that audit read it. LedgerError, saying what to run,
    when there is none, when it was made with other settings, or when the ledger has
    changed since (a report made from it would show figures that are no longer true).
    RETURNS the audit_runs row (``counts`` decoded)."""
    import json

    from .audit import AuditSettings

    day = as_of.isoformat()
    wanted = json.dumps(_settings_dict(settings or AuditSettings()), sort_keys=True, default=str)
    runs = [r for r in queries.audit_runs(db) if r["as_of"] == day]
    rerun = f"run `promiseaudit audit --as-of {day}`"
    if not runs:
        raise LedgerError(f"No audit is stored as of {day}; {rerun} first (each night, say), "
                          "then make the report again, or leave out --from-audit to audit now")
    runs = [r for r in runs if r["ledger_version"] is not None]
    if not runs:
        raise LedgerError(f"The audit stored as of {day} was kept by a report or by an older "
                          f"promiseaudit, so it cannot be checked against the ledger; {rerun} "
                          "first, then make the report again")
    same = [r for r in runs if r["settings"] == wanted
            and bool(r["confirmed_only"]) == confirmed_only]
    if not same:
        raise LedgerError(f"The audit stored as of {day} was made with other options than this "
                          "report (--at-risk-days, --window, --holidays, --confirmed-only); "
                          f"{rerun} with the report's options, or leave out --from-audit")
    version = store.ledger_version(db)
    current = [r for r in same if r["ledger_version"] == version]
    if not current:
        raise LedgerError(f"The ledger has changed since the audit as of {day} was stored "
                          f"({same[-1]['run_at'][:16].replace('T', ' ')} UTC); {rerun} again, or "
                          "leave out --from-audit")
    return max(current, key=lambda r: r["id"])


def load_stored_audit(db, as_of: date, settings=None, confirmed_only: bool = False,
                      previous_before: Optional[date] = None,
                      previous_after: Optional[date] = None):
    """What a report made from the stored audit (``report --from-audit``) reads: the run
    ``stored_run`` finds, with the runs before it as ``load_audit_data`` picks them.
    Nothing is audited here; the report audits again only the deals whose promises it
    shows. RETURNS (report.stored.StoredAudit)."""
    from .report.stored import StoredAudit

    run = stored_run(db, as_of, settings, confirmed_only)
    runs = [r for r in queries.audit_runs(db) if r["id"] != run["id"]]
    limit = previous_before or (as_of - timedelta(days=1))
    earlier = [r for r in runs if date.fromisoformat(r["as_of"]) <= limit
               and (previous_after is None or date.fromisoformat(r["as_of"]) >= previous_after)]
    by_date = {r["as_of"]: r["counts"] for r in runs if date.fromisoformat(r["as_of"]) <= as_of}
    by_date[as_of.isoformat()] = run["counts"]
    latest_run = {r["as_of"]: r["id"] for r in runs if date.fromisoformat(r["as_of"]) < as_of}
    deals = queries.deals(db)
    context = audit_context(db, as_of)

    def audit_deals(ids):
        return iter_audit(db, as_of, settings, confirmed_only, deals=deals, ids=ids,
                          context=context)

    return StoredAudit(
        db, run, deals, audit_deals, previous=earlier[-1] if earlier else None,
        history=tuple((date.fromisoformat(d), c) for d, c in sorted(by_date.items())),
        earlier_runs=tuple((date.fromisoformat(d), i) for d, i in sorted(latest_run.items())))


# --- before and after the sale: draft check, customer sheet, after-sale plan ---------


def check_draft(db, path, rep: Optional[str] = None, customer: Optional[str] = None,
                as_of: Optional[date] = None, min_kept: Optional[float] = None,
                model: Optional[str] = None, password: Optional[str] = None, settings=None,
                nlp=None, limits: Limits = DEFAULT_LIMITS):
    """Check a draft proposal before it is sent (``promiseaudit check``).

    The draft is read and its promises extracted by the extractor; nothing is stored.
    Track records come from an audit of the whole ledger as of ``as_of`` (default
    today), run for the check and not saved, so they reflect the delivery records as
    they are now. db: the ledger, or None when there is none yet (no track records).
    RETURNS (DraftCheck): see ``promiseaudit.audit.draft``.
    """
    from .audit.draft import DEFAULT_MIN_KEPT
    from .audit.draft import check_draft as check
    from .audit.engine import with_record_events
    from .audit.track import Past
    from .extract import build_nlp
    from .extract.dates import detect_document_date, detect_locale
    from .extract.draft import read_draft
    from .read import read_document

    as_of = as_of or date.today()
    min_kept = DEFAULT_MIN_KEPT if min_kept is None else min_kept
    if not 0 <= min_kept <= 1:
        raise LedgerError(f"--min-kept {min_kept:g} is not a share; give one between 0 and 1, "
                          "such as 0.6 for 60 %")
    check_paths([path])
    document = read_document(path, password=password, limits=limits)
    if not document.text.strip():
        raise ReadError(f"{document.name}: the file has no text; check it is the right draft")
    text = document.text
    draft = read_draft(document, nlp or build_nlp(model), detect_document_date(text),
                       detect_locale(text), limits=limits)
    history = []
    if db is not None:
        outcome = run_audit(db, as_of, settings, save=False)
        deals = with_record_events(outcome.promises, outcome.deals, outcome.deliveries, as_of)
        history = [Past(p, outcome.verdicts[p.id], deals.get(p.deal_id))
                   for p in outcome.promises if p.id in outcome.verdicts]
    ndeals = len({h.promise.deal_id for h in history})
    note = (f"Track records come from an audit of the ledger as of {as_of.isoformat()}, run "
            f"for this check and not saved: {len(history)} promise"
            f"{'s' if len(history) != 1 else ''} in {ndeals} deal{'s' if ndeals != 1 else ''}."
            if history else "The ledger holds no audited promises yet, so there are no track "
                            "records to compare with.")
    return check(draft, history, as_of, rep, customer, min_kept, note)


def _deal_with_events(outcome: AuditOutcome, deal_id: str, as_of: date) -> Deal:
    from .audit.engine import with_record_events

    deals = with_record_events(outcome.promises, outcome.deals, outcome.deliveries, as_of)
    return deals[deal_id]


def sheet_data(db, deal_id: str, as_of: Optional[date] = None,
               include_unreviewed: bool = False, settings=None):
    """What the customer's sheet "What you will receive and when" shows for a deal.

    Only confirmed promises go on it: it is meant for the customer, and a promise found
    automatically that nobody has checked could be wrong. With none confirmed the sheet
    is refused (LedgerError) unless ``include_unreviewed`` lets unreviewed ones on too.
    Waived and superseded promises are left out. Dates are the audit's due dates as of
    ``as_of`` (default today); a recurring promise's dates run over the contract term.
    RETURNS (SheetData): for ``report.sheet.sheet_html``.
    """
    from .audit.plan import schedule
    from .report.sheet import SheetData

    as_of = as_of or date.today()
    queries.get_deal(db, deal_id)
    outcome = run_audit(db, as_of, settings, deal_id=deal_id, save=False)
    deal = _deal_with_events(outcome, deal_id, as_of)
    live = [p for p in outcome.promises if p.deal_id == deal_id and p.id in outcome.verdicts
            and outcome.verdicts[p.id].status not in ("waived", "superseded")]
    shown = [p for p in live if p.review_state == "confirmed"]
    if not shown and not include_unreviewed:
        unreviewed = sum(1 for p in live if p.review_state == "candidate")
        hint = (f" ({unreviewed} found automatically are waiting for review)" if unreviewed
                else "")
        raise LedgerError(f"No promise of deal {deal_id} is confirmed yet{hint}; confirm them "
                          f"with `promiseaudit review --deal {deal_id}`, or pass "
                          "--include-unreviewed to put unreviewed ones on the sheet")
    if include_unreviewed:
        shown = [p for p in live if p.review_state in ("confirmed", "candidate")]
    schedules = {p.id: schedule(p, deal, as_of, settings) for p in shown if p.recurrence}
    sources = sorted({p.source for p in shown if p.source})
    return SheetData(deal, tuple(shown), outcome.verdicts, schedules, as_of, tuple(sources))


def after_sale_plan(db, deal_id: str, as_of: Optional[date] = None, cadence=None,
                    settings=None, confirmed_only: bool = False):
    """A deal's after-sale touch points from ``as_of`` (default today) on: the check-ins
    and reviews its proposals promise (each occurrence of a recurring one over the
    contract term) and the team's cadence (``audit.plan.DEFAULT_CADENCE`` unless given).
    RETURNS (Plan): for ``export.export_plan``.
    """
    from .audit.plan import DEFAULT_CADENCE, touch_points

    as_of = as_of or date.today()
    queries.get_deal(db, deal_id)
    outcome = run_audit(db, as_of, settings, confirmed_only=confirmed_only, deal_id=deal_id,
                        save=False)
    deal = _deal_with_events(outcome, deal_id, as_of)
    return touch_points(deal, outcome.promises, outcome.verdicts, as_of,
                        DEFAULT_CADENCE if cadence is None else cadence, settings)

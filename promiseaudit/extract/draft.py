"""Reading a draft proposal for ``promiseaudit check``: its promises, plus what the
extractor's units show about the wording (absolute words, vague words) and the
customer's duties the promises depend on. Nothing is stored.

The wording lists are data (``draft_checks.json``, beside this module and not in
``patterns/``: they are no feature of the trained model, whose version hashes the files
there). Customer duties come from
the pipeline's own judgement of each unit: the trained model's ``customer_duty`` label,
or the rules' reasons ("a customer duty", "something the seller needs from the
customer"), or a unit under a heading such as "Client responsibilities".
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Optional

from ..models import Document, Promise
from ..read.limits import DEFAULT_LIMITS, Limits

CHECKS_FILE = Path(__file__).parent / "draft_checks.json"
DUTY_KINDS = ("access", "data", "approvals")
_DUTY_REASONS = (
    "a customer duty",
    "a requirement ('must') on someone other than the seller",
    "listed under a customer duty or exclusion",
    "something the seller needs from the customer",
    "done by the customer",
    "people who must be available: a dependency",
)
_NOTHING_TO_CHECK = ("nothing to check",)


@dataclass(frozen=True)
class Cue:
    """One wording finding: the rule id, how it is named ("always") and the words as
    written in the draft ("Always")."""

    id: str
    says: str
    words: str


@dataclass(frozen=True)
class Passage:
    """A unit of the draft that is not a promise: a customer duty, or a seller statement
    with nothing to check. kinds: for a duty, which of DUTY_KINDS it covers."""

    text: str
    page: int
    heading: str = ""
    kinds: tuple = ()
    cues: tuple = ()


@dataclass(frozen=True)
class Wording:
    """What a promise's own words show. round_the_clock: "24/7" and the like, which is
    an absolute only when the promise names no response level."""

    absolutes: tuple = ()
    round_the_clock: tuple = ()
    vague: tuple = ()


@dataclass(frozen=True)
class Draft:
    """A draft as the check reads it: promises (in reading order) and the wording of each
    (same order), the customer's duties and the seller's statements with nothing to
    check. document_date: the draft's own date, when it states one."""

    document: Document
    promises: tuple
    wording: tuple
    duties: tuple = ()
    vague: tuple = ()
    document_date: Optional[date] = None


def load_checks(path: Optional[str] = None) -> dict:
    """The wording rules, with their regexes compiled; ValueError names a bad entry."""
    with open(path or CHECKS_FILE, encoding="utf-8") as handle:
        data = json.load(handle)
    out = {"duty_kinds": {}}
    try:
        for group in ("absolute", "round_the_clock", "vague"):
            out[group] = [dict(row, compiled=re.compile(row["regex"], re.I),
                               except_categories=tuple(row.get("except_categories", ())))
                          for row in data[group]]
        out["duty_headings"] = re.compile(data["duty_headings"], re.I)
        for kind in DUTY_KINDS:
            out["duty_kinds"][kind] = re.compile(data["duty_kinds"][kind], re.I)
    except KeyError as e:
        raise ValueError(f"{Path(path or CHECKS_FILE).name}: missing key {e}") from None
    except re.error as e:
        raise ValueError(f"{Path(path or CHECKS_FILE).name}: bad regex ({e})") from None
    return out


def cues_in(text: str, rows: list, category: Optional[str] = None) -> tuple:
    """The rules of ``rows`` that match ``text``, once each, in rule order."""
    out = []
    for row in rows:
        if category is not None and category in row["except_categories"]:
            continue
        m = row["compiled"].search(text)
        if m:
            out.append(Cue(row["id"], row["says"], m.group(0)))
    return tuple(out)


def wording_of(promise: Promise, checks: dict) -> Wording:
    """The absolute and vague words in one promise's quote."""
    return Wording(
        absolutes=cues_in(promise.text, checks["absolute"], promise.category),
        round_the_clock=cues_in(promise.text, checks["round_the_clock"], promise.category),
        vague=cues_in(promise.text, checks["vague"], promise.category),
    )


def duty_kinds(text: str, checks: dict) -> tuple:
    """Which of access, data and approvals a customer duty is about."""
    return tuple(k for k in DUTY_KINDS if checks["duty_kinds"][k].search(text))


def read_draft(document: Document, nlp, document_date: Optional[date] = None,
               locale: Optional[str] = None, checks: Optional[dict] = None,
               limits: Limits = DEFAULT_LIMITS) -> Draft:
    """Run the extractor over a draft and keep what ``check`` needs.

    nlp: from ``build_nlp`` (the trained model, or "rules"). checks: from
    ``load_checks`` (the shipped file when None).
    RETURNS (Draft): nothing is stored anywhere.
    """
    from . import extractor_version
    from .run import process, to_promises

    checks = checks or load_checks()
    if document.outcome != "parsed" or not document.pages:
        return Draft(document, (), (), document_date=document_date)
    promises, duties, vague = [], [], []
    for doc, chunk in process(nlp, document, document_date, locale, limits):
        promises.extend(to_promises(doc, document, extractor_version(nlp), chunk))
        _passages(doc, document, chunk, checks, duties, vague)
    promises.sort(key=lambda p: (p.page, p.start))
    return Draft(document, tuple(promises), tuple(wording_of(p, checks) for p in promises),
                 tuple(duties), tuple(vague), document_date)


def _passages(doc, document: Document, chunk, checks: dict, duties: list, vague: list) -> None:
    """The customer duties and the vague seller statements of one processed chunk."""
    taken = {c.unit.start for c in doc._.pa_candidates or []}
    units = doc._.pa_units or []
    judgements = doc._.pa_judgements or []
    decisions = doc._.pa_decisions
    starts = doc._.pa_context.page_starts
    for index, (unit, judgement) in enumerate(zip(units, judgements)):
        if unit.start in taken or unit.is_lead_in and unit.kind != "item":
            continue
        label = decisions[index].label if decisions else None
        piece = chunk.pieces[max(0, bisect.bisect_right(starts, unit.start) - 1)]
        page = document.pages[piece.page].number
        text = " ".join(unit.text.split())
        if _is_duty(unit, judgement, label, checks):
            duties.append(Passage(text, page, unit.heading, duty_kinds(text, checks)))
        elif judgement.party == "seller" and judgement.reason in _NOTHING_TO_CHECK:
            found = cues_in(text, checks["vague"])
            if found:
                vague.append(Passage(text, page, unit.heading, cues=found))


def _is_duty(unit, judgement, label: Optional[str], checks: dict) -> bool:
    if label == "customer_duty":
        return True
    if judgement.promise:
        return False
    if judgement.rule.startswith("blocked/duty.") or judgement.reason in _DUTY_REASONS:
        return True
    return bool(unit.heading and checks["duty_headings"].search(unit.heading)
                and judgement.party != "seller" and len(unit.text.split()) >= 3)

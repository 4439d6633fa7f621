"""Decide whether a unit of a proposal is a seller promise, and of which category.

The span patterns (patterns/*.jsonl) mark cues in the text: modals ("will", "shall"),
commitment verbs ("guarantees", "warrants"), hedges, conditions, customer duties,
payment terms, facts, marketing, and category words. This module reads those cues for
one unit (a sentence, a list item or a table row) together with who the parties are,
and returns a ``Judgement``:

1. A commitment anchor (modal or commitment verb) whose subject is the seller, a
   neutral thing ("Training will be delivered...") or the customer receiving something
   ("You will receive...") makes a promise, unless what follows is a payment term, a
   courtesy or a negation that takes something away.
2. Without an anchor, a present-tense description of the service ("Support is
   available 8am-6pm", "Our crew mows the lawns weekly") is a promise when it carries a
   schedule, hours, a level or a price hold, and no fact, price or scope cue.
3. A list item that is only a fragment is judged with its lead-in ("We will:" makes the
   items promises; "The Client will:" makes them duties) and, on slides, with its
   heading: verbless bullets under an offer heading ("What you get", "SLAs",
   "Governance") are promises; under "Assumptions", "Out of scope", "<Client> owns" or
   "About us" they are not; under a pricing heading only price holds, discounts and
   credits are. A "R: <seller>" responsibility or a "<Seller>: ..." owner prefix decides
   the item by who does it.
4. A table row is judged by its header (a milestone table with a date column, a
   service-level table with a target column, a table of deliverables, equipment,
   courses or "Item | Detail" service terms) and its owner column.
5. Requirements quoted from the customer's RFP ("Req 4.2 The vendor shall ...", or a
   shall/must sentence right before "Response:") are not promises; negations ("we
   cannot guarantee", "no agency can guarantee", "does not cover") are not either.

The category is a weighted vote of category cues (lexicon.json "categories") with the
precedence order breaking ties; cues inside a condition or an elaboration ("...,
covering X and Y") count less than the head of the commitment. Verb/object frames
("notify you ... in advance" is a check-in, "put it right free of charge" a warranty,
"access to identifiable data" a service level) add a strong vote, and vetoes drop a
category whose words are used in another sense ("focus-group sessions" are not
training, a hotel "early check-in" is not a progress check-in).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

from .parties import Parties

_CLAUSE_BREAK = re.compile(
    r"[,;:(|\u2014\u2013]\s*|\s-\s|\b(?:and|but|or|so|which|who|that|then|because|while|whereas|"
    r"where|when|if|once|after|before|until|unless|provided)\s+",
    re.I,
)
_PRED_END = re.compile(r"[,;:(.]|\s(?:and|but|so that|which|if|unless)\s", re.I)
_FIELD_KEY = re.compile(r"^\s*(?:\*\*|__)?(?P<key>[A-Z][\w .&/'’()#-]{0,40}?)\s*(?:\*\*|__)?:(?:\*\*|__)?\s+(?P<value>\S.*)$", re.S)
_PASSIVE_AGENT = r"^(?:also |then |only |not )?be (?:\w+ ){0,2}\w+ (?:\w+ )?by (?:the |a |your )?(?:{who})\b"
_CUSTOMER_GROUP_NOUNS = re.compile(
    r"\b(?:team|teams|staff|users?|employees|people|department|it|managers?|planners?|participants?|"
    r"drivers?|officers?|members?|administrators?|admins?|colleagues|leadership|board|organisation|"
    r"organization|business|company|site|sites|premises|facilities|engineers|technicians|clinicians|"
    r"nurses|tenants|residents|students|teachers|agents|crew|crews|owners|stakeholders|approvers|sponsors)\b$",
    re.I,
)
_TRAILING_MODAL = re.compile(r"(?:\s+(?:can|could|may|might|would|will|shall|should|must|also|then|not|never|always))+$", re.I)
_NON_COMMIT_BEFORE = re.compile(r"(?:\b(?:can|could|may|might|would|cannot|can't|can’t|to)\s+(?:\w+\s+)?|"
                                r"\b(?:not|never)\s+|n['’]t\s+)$", re.I)
_ABOUT_DOCUMENT = re.compile(r"\b(?:this|the|our|these)\s+(?:proposal|document|offer|quote|quotation|tender|submission|response|terms)\b", re.I)
_META_KEY = re.compile(r"\b(?:date|ref|reference|prepared|from|to|for|attention|attn|client|customer|contact|"
                       r"phone|email|price|fee|fees|cost|total|payment|valid|validity|quote|project|site|"
                       r"premises|subject|re|number|no|submitted|issued|sent|received|revision|rev|version|dated|"
                       r"ends|expires|expiry|renewal|current|status)\b")
# A requirement quoted from the customer's tender ("Req 4.2.1 The vendor shall ...",
# "Requirement: The Contractor must ...") restates what was asked, not what is offered.
RESTATED_REQUIREMENT = re.compile(
    r"^\s*[*_]*(?:(?:rfp|rfq|itt|tender|spec(?:ification)?|mandatory|functional|technical)\s+)?"
    r"(?:req(?:uirement)?s?\b\.?\s*(?:(?:(?:no|nr|#|id)\.?\s*)?[A-Z]{0,4}[-.]?\d[\w.-]*[*_]*\s*[:.\-\u2013\u2014)]?"
    r"|[*_]*\s*[:\-\u2013\u2014])|(?:clause|section|item)\s+\d[\w.-]*\s+(?:requirement|states|reads|asks)\b[:,]?)"
    r"\s*(?=\S)", re.I)
_NOT_COMPLIANT = re.compile(r"^(?:acknowledged|noted|understood|n/?a\b|not applicable|no\b|does not comply|"
                            r"non-?compliant|partial|partially|exception|alternative proposed|tbc|to be confirmed)", re.I)
_META_ROW = re.compile(r"^(?:proposal |quote |offer |tender |document )?(?:date|ref\b|reference|prepared (?:for|by)|"
                       r"client|customer|contact|attention|attn|no\.|number|site|project|premises|valid|"
                       r"validity|account (?:lead|manager|executive)|phone|email|address|"
                       r"(?:sow|proposal|document|quote|offer|tender|issue|submission|revision|version|effective|"
                       r"agreement|contract|msa|letter) date\b|(?:master|framework|governing|parent) (?:agreement|contract)|"
                       r"revision|version|rev\b)")
_BY_SELLER = re.compile(r"\b(?:by|from|through|via|with)\s+(?:our|us)\b|\bour\s+own\b", re.I)
_DETERMINERS = re.compile(r"^(?:(?:the|a|an|all|each|every|any|both|our|your|its|their|this|these|that|those|"
                          r"also|then|now|only|in addition|additionally|finally|further|furthermore)\s+)+", re.I)


@dataclass(frozen=True)
class Cue:
    """A pattern match inside a unit (offsets relative to the unit text)."""

    label: str
    id: str
    start: int
    end: int
    text: str


@dataclass
class Judgement:
    """What the rules concluded about one unit."""

    promise: bool
    rule: str = ""
    reason: str = ""
    category: Optional[str] = None
    strength: str = "firm"
    condition: Optional[str] = None
    condition_span: Optional[tuple] = None
    other_conditions: tuple = ()
    confidence: float = 0.0
    party: str = ""
    anchor: Optional[Cue] = None
    polarity: str = "neutral"  # for lead-ins: positive / negative / neutral


@dataclass
class Context:
    """Per-document knowledge the rules need."""

    lexicon: dict
    parties: Parties
    regex: dict = field(default_factory=dict)

    @classmethod
    def build(cls, lexicon: dict, parties: Parties) -> "Context":
        compiled = dict(compile_lexicon(lexicon))  # per-document entries go in the copy
        return cls(lexicon, parties, compiled)


def compile_lexicon(lexicon: dict) -> dict:
    """Compile the regexes of lexicon.json once (cached on the dict)."""
    cached = lexicon.get("_compiled")
    if cached is not None:
        return cached
    flags = re.I
    preds = {k: re.compile(v, flags) for k, v in lexicon["predicates"].items() if k != "about"}
    preds["receive_present_any"] = re.compile(lexicon["predicates"]["receive_present"].lstrip("^"), flags)
    compiled = {
        "pred": preds,
        "service_verbs": re.compile(lexicon["present"]["service_verbs"], flags),
        "background_words": re.compile(lexicon["present"]["background_words"], flags),
        "heading_negative": re.compile(lexicon["headings"]["negative"], flags),
        "heading_background": re.compile(lexicon["headings"]["background"], flags),
        "heading_pricing": re.compile(lexicon["headings"]["pricing"], flags),
        "heading_scope": re.compile(lexicon["headings"]["scope"], flags),
        "heading_hints": {k: re.compile(v, flags) for k, v in lexicon["headings"]["category_hints"].items()},
        "lead_negative": re.compile(lexicon["lead_ins"]["negative"], flags),
        "lead_positive": re.compile(lexicon["lead_ins"]["positive"], flags),
        "elaboration": re.compile(lexicon["elaboration"], flags),
        "intro": re.compile(lexicon["categories"]["intro"], flags),
        "timing": re.compile(lexicon["categories"]["timing"], flags),
        "frames": [(re.compile(f["pattern"], flags), f["category"], f["weight"], f["why"])
                   for f in lexicon["categories"].get("frames", ())],
        "vetoes": [(re.compile(v["pattern"], flags), re.compile(v["unless"], flags) if v.get("unless") else None,
                    v["category"], v["why"]) for v in lexicon["categories"].get("vetoes", ())],
        "seller_staff": re.compile(r"\b(?:" + "|".join(re.escape(s) for s in sorted(
            lexicon["parties"]["seller_staff"], key=len, reverse=True)) + r")\b", flags),
    }
    lexicon["_compiled"] = compiled
    return compiled


# --------------------------------------------------------------------------- helpers

def _labels(cues: Sequence[Cue]) -> set:
    return {c.label for c in cues}


def _has(cues: Sequence[Cue], *labels: str) -> bool:
    return any(c.label in labels for c in cues)



# How far back the start of a clause is looked for: a run-on text with no commas or
# conjunctions would otherwise make every modal rescan everything before it.
SUBJECT_REACH = 1000


def subject_before(text: str, pos: int) -> str:
    """The words between the start of the clause and ``pos`` (where the modal is), at most
    ``SUBJECT_REACH`` characters back."""
    reach = max(0, pos - SUBJECT_REACH)
    breaks = [reach] + [m.end() for m in _CLAUSE_BREAK.finditer(text, reach, pos)]
    for start in reversed(breaks):
        subject = text[start:pos].strip(" ,;:-\u2013\u2014\"'“”")
        if subject and re.search(r"[A-Za-z]", subject):
            return subject
    return ""


def predicate_after(text: str, pos: int) -> str:
    rest = text[pos:].lstrip()
    # "will, where practicable, use ...": step over a parenthetical aside
    aside = re.match(r"^,[^,]{1,60},\s*", rest)
    if aside:
        rest = rest[aside.end():]
    m = _PRED_END.search(rest)
    pred = rest[: m.start()] if m else rest
    pred = re.sub(r"^(?:n['’]t|not)\b", "not", pred.strip(), flags=re.I)
    return re.sub(r"\s+", " ", pred).strip()


def classify_party(subject: str, ctx: Context) -> str:
    """'seller', 'customer' or 'neutral' for the subject of a clause."""
    subject = _TRAILING_MODAL.sub("", subject).strip()
    if not subject:
        return "neutral"
    lex = ctx.lexicon["parties"]
    words = subject.split()
    last = re.sub(r"[’']\w*$", "", words[-1].lower())
    if len(words) > 1 and last in ("we", "you", "they", "it", "i"):
        # "... the less you'll spend": the pronoun right before the modal is the subject.
        return {"we": "seller", "i": "seller", "you": "customer"}.get(last, "neutral")
    low = subject.lower()
    first = re.sub(r"[’']\w*$", "", words[0].lower())
    if first in lex["seller_pronouns"]:
        return "seller"
    parties = ctx.parties
    bare = _DETERMINERS.sub("", subject).strip()
    for which, side in (("seller", "seller"), ("customer", "customer")):
        m = parties.matcher(which)
        if m is not None:
            hit = m.match(bare) or m.match(subject)
            if hit:
                rest = bare[hit.end():].strip() if m.match(bare) else subject[hit.end():].strip()
                if side == "customer" and rest and ctx.regex["seller_staff"].search(rest):
                    return "seller"
                if side == "customer" and _owned_thing(rest):
                    return "neutral"
                return side
    for which, side in (("seller_role", "seller"), ("customer_role", "customer")):
        m = parties.matcher(which)
        if m is not None:
            hit = m.match(subject) or m.match(bare)
            if hit:
                rest = subject[hit.end():].strip() if m.match(subject) else bare[hit.end():].strip()
                if side == "customer" and rest and ctx.regex["seller_staff"].search(rest):
                    return "seller"
                if side == "customer" and _owned_thing(rest):
                    return "neutral"
                return side
    if first in lex["customer_pronouns"]:
        if first == "your":
            head = subject.split(",")[0]
            if ctx.regex["seller_staff"].search(head):
                return "seller"
            if _CUSTOMER_GROUP_NOUNS.search(head.strip()):
                return "customer"
            return "neutral"
        return "customer"
    if re.match(r"^(?:we|us)\b", low):
        return "seller"
    glued = _GLUED_SUBJECT.search(subject)
    if glued and glued.start(1) > 0:
        # "7.2 WARRANTY PERIOD Customer shall...", "Delivery. The Supplier will...": a
        # heading run into the clause; the party is the name right before the verb.
        return classify_party(glued.group(1), ctx)
    return "neutral"


# A capitalised name or role (with "the") ending the subject, after a capitals heading,
# a section number or a full stop or colon.
_GLUED_SUBJECT = re.compile(r"(?:[.:]\s+|\b[A-Z0-9][A-Z0-9 ,&/().-]{2,}?\s+)((?:[Tt]he\s+)?[A-Z][\w.&'-]*"
                            r"(?:\s+[A-Z][\w&'-]*){0,2})$")


_OWNED_THINGS = re.compile(r"^(?:data|records?|files?|information|content|documents?|accounts?|systems?|equipment|"
                           r"devices?|assets?|vehicles?|orders?|invoices?|backups?|emails?|logs?|servers?|applications?|"
                           r"workloads?|licen[cs]es?|premises|property|building|website|site|bookings?|requests?|calls?|tickets?|"
                           r"queries|enquiries)\b", re.I)


def _owned_thing(rest: str) -> bool:
    """'Customer data will be stored ...': the subject is the customer's thing, not the customer."""
    rest = re.sub(r"^['\u2019]s\s+", "", rest.strip())
    if not rest or _CUSTOMER_GROUP_NOUNS.search(rest.split(",")[0].strip()):
        return False  # "the client's data team" are the client's people
    return bool(_OWNED_THINGS.match(rest))


def _done_by_seller(pred: str, ctx: Context) -> bool:
    """'... will be ordered by Northwind', '... through our own platform'."""
    if _BY_SELLER.search(pred):
        return True
    m = re.search(r"\bby\s+(?:the\s+)?(.{2,60})", pred)
    if not m:
        return False
    after = m.group(1)
    for which in ("seller", "seller_role"):
        matcher = ctx.parties.matcher(which)
        if matcher is not None and matcher.match(after):
            return True
    return False


def _customer_agent_regex(ctx: Context) -> re.Pattern:
    cached = ctx.regex.get("_agent")
    if cached is None:
        who = ["client", "customer", "buyer", "purchaser", "owner", "you", "your"]
        who += [re.escape(r) for r in ctx.parties.customer_roles]
        who += [re.escape(n.lower()) for n in ctx.parties.customer_names + ctx.parties.customer_people]
        cached = re.compile(_PASSIVE_AGENT.replace("{who}", "|".join(sorted(set(who), key=len, reverse=True))), re.I)
        ctx.regex["_agent"] = cached
    return cached


# --------------------------------------------------------------------------- blockers

def blockers(text: str, cues: Sequence[Cue], ctx: Context, modal: bool, party: str = "",
             anchor: Optional[Cue] = None) -> list[Cue]:
    """Cues that make a unit a non-promise (duty, payment, scope, fact...).

    With a commitment anchor, payment words after it ("within 8 weeks of receiving the
    deposit") do not block: the predicate itself is checked for payment verbs."""
    labels = _labels(cues)
    benefit = bool(labels & {"CAT_PRICING", "FREE"}) or ("PRICE_NOUN" in labels and "PRICE_HOLD" in labels)
    cut = _relative_clause_start(text)
    elab = ctx.regex["elaboration"].search(text)
    elab_start = elab.start() if elab else len(text)
    found = []
    for c in cues:
        if c.start >= cut and c.label in ("FACT", "MARKETING", "META"):
            continue
        if c.start >= elab_start and c.label not in ("EXCLUSION", "VALIDITY"):
            continue
        if c.label == "COURTESY" and c.id in _GLAD_IDS:
            # "We're happy to take changes until 2pm" offers a service; "happy to
            # discuss" or "pleased to submit this proposal" is politeness.
            after = text[c.end:].lstrip().lower()
            if not (ctx.regex["pred"]["courtesy_object"].match(after) or _POLITE_OBJECT.match(after)):
                continue
            found.append(c)
        elif c.label == "COURTESY" and anchor is not None and c.start > anchor.end \
                and _MORE_IF_WANTED.search(text, max(0, c.start - 40), c.start):
            continue  # "every quarter, or more often if you'd like": the promise stands
        elif c.label in ("VALIDITY", "EXCLUSION", "ASSUMPTION", "COURTESY", "OPTIONAL"):
            found.append(c)
        elif c.label == "DUTY":
            if c.id == "duty.responsible_for" and party == "seller":
                continue
            if re.search(r"(?:n['\u2019]t|\bnot|\bnever|\bno)\s+$", text[max(0, c.start - 12):c.start], re.I):
                continue  # "you don't need to claim them" lifts a duty
            found.append(c)
        elif c.label in ("PAYMENT", "PRICE_TAX") and not benefit:
            if anchor is not None and c.start >= anchor.end:
                continue
            found.append(c)
        elif c.label == "MARKETING" and not (modal and labels & {"NUMBER", "PERCENT", "RECUR_SHORT", "RECUR_LONG"}):
            found.append(c)
        elif c.label in ("FACT", "META") and not modal:
            found.append(c)
    return found


_GLAD_IDS = frozenset({"courtesy.happy_to", "courtesy.delighted_to", "courtesy.pleased_to"})
_POLITE_OBJECT = re.compile(r"(?:submit|propose|present|share|introduce|offer (?:this|our|you this)|respond to|provide (?:this|our) "
                            r"(?:proposal|response|quote)|have the opportunity|be considered|support you|work with|partner|"
                            r"hear|receive|welcome|confirm that|enclose|attach|put forward|help)\b")
_MORE_IF_WANTED = re.compile(r"\bor\s+(?:more|less|sooner|later|earlier|longer)\b[^.;]{0,25}$", re.I)


def _relative_clause_start(text: str) -> int:
    m = re.search(r",\s+(?:which|who|whom)\b", text)
    return m.start() if m else len(text)


# --------------------------------------------------------------------------- anchors

_ANCHOR_LABELS = ("MODAL", "COMMIT", "SOFT_COMMIT")


def anchors(cues: Sequence[Cue]) -> list[Cue]:
    out = [c for c in cues if c.label in _ANCHOR_LABELS]
    # "Should X happen, ..." opens a condition, not a hedge.
    return [c for c in out if not (c.id == "soft.should" and c.start == 0)]


_TARGET_NOUN_BEFORE = re.compile(r"\b(?:the|a|an|our|your|their|its|this|that|into|onto|to|at|from|on|of|for|per|each|every)\s+$", re.I)
_TARGET_LABEL_AFTER = re.compile(r"\s*(?:[A-Z][\w-]*|(?:signature|signing|award|decision|approval|contract|start|date|"
                                 r"po|purchase order|close|closing)\b[^:]{0,20}:)")


def _noun_target(text: str, cue: Cue) -> bool:
    """'the Target Site', 'Target signature: June 30', 'our target audience': the word
    names a thing or labels a planned date; it does not commit to reaching anything."""
    if cue.id != "soft.target":
        return False
    if _TARGET_NOUN_BEFORE.search(text, max(0, cue.start - 12), cue.start):
        return True
    after = text[cue.end:]
    if cue.text[:1].isupper() and cue.start > 0 and re.match(r"\s+[A-Z]", after):
        return True  # a defined term mid-sentence
    m = re.match(r"\s*(?:signature|signing|award|decision|approval|contract(?: start)?|start date|po|purchase order|"
                 r"close|closing)\b[^:.]{0,20}:", after, re.I)
    return bool(m)


_OPTIONAL_OFFER = re.compile(r"\b(?:optional(?:ly)?|at (?:an )?(?:additional|extra) (?:cost|charge|fee)|for an? (?:additional|extra) "
                             r"(?:cost|charge|fee)|on request|if (?:required|needed|you wish|you want|you like|you'd like|"
                             r"you would like|desired)|should you (?:wish|want|need)|if that helps)\b", re.I)
_COMMIT_AS_NOUN = re.compile(r"(?:\b(?:the|a|an|our|your|this|that|its|their|any|each|every|no)|-(?:year|month|day|week)|"
                             r"\d\s*(?:years?|months?))\s+(?:[\w-]+\s+){0,2}$", re.I)
_NEGATED_BEFORE = re.compile(r"\b(?:cannot|can['\u2019]t|can not|could not|couldn['\u2019]t|do not|don['\u2019]t|does not|"
                             r"doesn['\u2019]t|will not|won['\u2019]t|would not|wouldn['\u2019]t|never|unable to|not able to|"
                             r"not in a position to|refuse to|no longer|are not|is not|aren['\u2019]t|isn['\u2019]t)\s+"
                             r"(?:(?:\w+ly|yet|always|fully|ever|be able to)\s+)?$", re.I)
_PRED_FILLER = re.compile(r"^(?:(?:always|also|still|then|happily|gladly|certainly|definitely|be able to|"
                          r"be happy to|be glad to|be pleased to|be delighted to|be more than happy to|"
                          r"typically|usually|normally|aim to|try to)\s+)+", re.I)


def _under_negation(text: str, pos: int) -> bool:
    """Whether a negated commitment ("we do not guarantee", "cannot promise") earlier in
    the same clause governs position ``pos`` ("... that the service will be error-free")."""
    for m in _NEGATED_COMMITMENT.finditer(text, 0, pos):
        if m.end() <= pos and clause_scope(text, m.start())[1] > pos:
            return True
    return False


def judge_anchor(text: str, anchor: Cue, cues: Sequence[Cue], ctx: Context) -> tuple[Optional[bool], str, str]:
    """(promise?, party, why) for one modal or commitment verb; None when undecided."""
    if _noun_target(text, anchor):
        return None, "", "the word 'target' used as a noun"
    if anchor.label == "COMMIT" and anchor.text.lower() in ("guarantee", "warrant", "promise") and \
            _COMMIT_AS_NOUN.search(text, max(0, anchor.start - 25), anchor.start):
        return None, "", "'guarantee' used as a noun"  # "The 10-year guarantee is conditional on ..."
    before = text[max(0, anchor.start - 40):anchor.start]
    if _under_negation(text, anchor.start):
        return False, classify_party(subject_before(text, anchor.start), ctx), "a negation governs its clause"
    if _NEGATED_BEFORE.search(before):
        return False, classify_party(subject_before(text, anchor.start), ctx), "a negation: nothing is promised"
    if re.match(r"^\W*(?:no|nobody|no one|none|neither)\b", subject_before(text, anchor.start), re.I) and \
            (anchor.label == "COMMIT" and re.search(r"\b(?:can|could|would|will)\s+$", before, re.I)):
        return False, "neutral", "says what nobody can promise"
    subject = subject_before(text, anchor.start)
    party = classify_party(subject, ctx)
    pred = predicate_after(text, anchor.end)
    preds = ctx.regex["pred"]
    low_pred = pred.lower()
    if anchor.label == "MODAL" and not re.search(r"[a-z]{2}", re.sub(r"^(?:we|you|they|i|it)\b", "", low_pred)):
        return None, party, "no verb after the modal"
    if _ABOUT_DOCUMENT.search(subject):
        return False, party, "about the document itself"
    if anchor.id == "modal.must" and party != "seller":
        return False, party, "a requirement ('must') on someone other than the seller"
    if anchor.id == "modal.wont":
        low_pred = "not " + low_pred
    if anchor.id in ("modal.can_seller", "modal.would_seller") and _OPTIONAL_OFFER.search(text):
        return False, party, "an option, not a commitment"
    if anchor.id == "commit.happy_to" and preds["courtesy_object"].match(low_pred):
        return False, party, "a courtesy"
    # "we'll always agree ...", "we should be able to add ...", "we'd be happy to take ...":
    # the words before the verb soften or stress it; the verb says what is promised.
    stripped = _PRED_FILLER.sub("", low_pred)
    if stripped != low_pred and re.search(r"[a-z]{2}", stripped):
        if preds["courtesy_object"].match(stripped):
            return False, party, "a courtesy"
        low_pred = stripped
    if party == "customer" and re.match(r"^not (?:(?:have to|need to) )?(?:pay|be (?:charged|billed|invoiced))\b",
                                        low_pred):
        return True, party, "the customer is not charged"
    if re.match(r"^(?:not|never)\b", low_pred):
        if not preds["negation_kept"].match(low_pred):
            return False, party, "a negation that takes something away"
    if party == "customer":
        if preds["receive"].match(low_pred) or anchor.label == "COMMIT" and anchor.id == "commit.is_guaranteed":
            return True, party, "the customer receives"
        return False, party, "a customer duty"
    if preds["payment"].match(low_pred):
        return False, party, "a payment term"
    if preds["courtesy"].match(low_pred) or preds["vague"].match(low_pred) or preds["be_only"].match(low_pred):
        return False, party, "nothing to check"
    if party == "seller" and preds["seller_duty"].match(low_pred):
        return False, party, "something the seller needs from the customer"
    if preds["price_change"].match(low_pred) and re.search(r"\b(?:rates?|prices?|fees?|charges?|pricing)\b", subject, re.I):
        return False, party, "a price that may change"
    if _customer_agent_regex(ctx).match(low_pred):
        return False, party, "done by the customer"
    if party == "neutral" and re.match(r"^be (?:available|on hand|present) to\b", low_pred) and \
            _CUSTOMER_GROUP_NOUNS.search(subject.strip()):
        return False, party, "people who must be available: a dependency"
    return True, party, ""


# --------------------------------------------------------------------------- category

def category_of(text: str, cues: Sequence[Cue], ctx: Context, heading: str = "",
                extra: Sequence[tuple[Sequence[Cue], float]] = (), condition_span=None,
                intro_end: int = 0, anchor: Optional[Cue] = None, bonus: Optional[dict] = None,
                scores_out: Optional[dict] = None) -> tuple[str, list[str]]:
    """The category with the highest cue score, and the cues that decided it.

    Each category's score is its best cue plus a fraction (``diminishing``) of the
    others, so one clear cue beats many repetitions of a weak one. Cues inside a
    condition, an elaboration (", covering ...") or an introductory phrase ("Before
    handover, ...") count less; a category needs ``min_score`` to beat the default.
    """
    conf = ctx.lexicon["categories"]
    if anchor is not None and anchor.id in conf.get("anchor_overrides", {}):
        return conf["anchor_overrides"][anchor.id], [f"'{anchor.text}' states the offer"]
    weights = conf["label_weights"]
    pattern_weights = conf["pattern_weights"]
    contributions: dict = {c: [] for c in conf["precedence"]}
    why: dict = {c: [] for c in conf["precedence"]}
    elab = ctx.regex["elaboration"].search(text)
    elab_start = elab.start() if elab else len(text)

    def factor(cue: Cue) -> float:
        f = 1.0
        if cue.start < 0:
            return f
        if condition_span and condition_span[0] <= cue.start < condition_span[1]:
            f *= conf["condition_factor"]
        elif cue.start >= elab_start:
            f *= conf["elaboration_factor"]
        elif cue.start < intro_end:
            f *= conf["intro_factor"]
        if ctx.regex["timing"].search(text, max(0, cue.start - 40), cue.start):
            f *= conf["timing_factor"]  # "... within 10 days of the briefing": when, not what
        return f

    def add_cues(cue_list: Sequence[Cue], scale: float):
        # A cue inside a longer cue of another category ("lessons" in "lessons-learned
        # review") is part of that phrase, not a vote of its own.
        cat_cues = [(c.start, c.end, c.label.split("_WEAK")[0]) for c in cue_list
                    if c.label.startswith("CAT_") and c.start >= 0]
        if len(cat_cues) > 1:
            inside = set()
            for i, (cs, ce, cl) in enumerate(cat_cues):
                for os_, oe, ol in cat_cues:
                    if os_ <= cs and ce <= oe and oe - os_ > ce - cs and ol != cl:
                        inside.add(i)
                        break
            if inside:
                drop = {id(c) for c, k in zip(
                    [c for c in cue_list if c.label.startswith("CAT_") and c.start >= 0],
                    range(len(cat_cues))) if k in inside}
                cue_list = [c for c in cue_list if id(c) not in drop]
        counted: dict = {}
        seen_text: set = set()
        # Longest cues first, so "go-live" is counted and the "live" inside it is not.
        for cue in sorted(cue_list, key=lambda c: (c.start - c.end, c.start)):
            if not cue.label.startswith("CAT_"):
                continue
            cat = cue.label[4:].lower()
            if cat.endswith("_weak"):
                cat = cat[:-5]
            spans = counted.setdefault(cat, [])
            if cue.start >= 0 and any(a <= cue.start and cue.end <= b for a, b in spans):
                continue
            if (cat, cue.text.lower()) in seen_text:
                continue
            seen_text.add((cat, cue.text.lower()))
            spans.append((cue.start, cue.end))
            w = pattern_weights.get(cue.id, weights.get(cue.label, 1.0))
            contributions[cat].append(w * scale * factor(cue))
            why[cat].append(cue.text.lower())
        labels_here: dict = {}
        for cue in cue_list:
            labels_here.setdefault(cue.label, []).append(cue)
        for combo in conf["combos"]:
            if all(lab in labels_here for lab in combo["all"]):
                members = [labels_here[lab][0] for lab in combo["all"] if lab != "CONDITION"]
                f = min((factor(m) for m in members), default=1.0)
                contributions[combo["category"]].append(combo["weight"] * scale * f)
                why[combo["category"]].append(combo["why"])

    add_cues(cues, 1.0)
    for extra_cues, scale in extra:
        add_cues(extra_cues, scale)
    if heading:
        for cat, rx in ctx.regex["heading_hints"].items():
            if rx.search(heading):
                hw = conf["heading_weight"]
                contributions[cat].append(hw.get(cat, hw["default"]) if isinstance(hw, dict) else hw)
                why[cat].append(f"heading '{heading}'")
    for cat, value in (bonus or {}).items():
        contributions[cat].append(value)
    # Frames: a verb with its object decides more than any single word ("we will come back
    # and put it right free of charge" is a make-good, not a price). Vetoes: a category's
    # words used in another sense (a focus-group session, a hotel check-in) do not count.
    for rx, unless, cat, reason in ctx.regex.get("vetoes", ()):
        if contributions[cat] and rx.search(text) and not (unless is not None and unless.search(text)):
            contributions[cat] = []
            why[cat] = []
    for rx, cat, weight, reason in ctx.regex.get("frames", ()):
        if rx.search(text):
            contributions[cat].append(weight)
            why[cat].append(reason)
    shrink = conf.get("diminishing", 1.0)
    scores = {}
    for cat, values in contributions.items():
        values = sorted(values, reverse=True)
        scores[cat] = (values[0] + shrink * sum(values[1:])) if values else 0.0
    if scores_out is not None:
        scores_out.update({c: (round(v, 2), why[c]) for c, v in scores.items() if v})
    best = max(conf["precedence"], key=lambda c: (scores[c], -conf["precedence"].index(c)))
    if scores[best] < conf.get("min_score", 0) or scores[best] <= 0:
        return conf["default"], []
    return best, why[best]


# --------------------------------------------------------------------------- modifiers

# A hedge softens the clause it stands in, as ConText modifiers do: its scope ends at a
# semicolon, "but", "however", "whereas" or ", and" (a new clause), so "We will deliver
# by 1 May; where possible we will add a summary" stays firm for the delivery.
_CLAUSE_BREAK_SCOPE = re.compile(r";|\bbut\b|\bhowever\b|\bwhereas\b|,\s+and\b|,\s+while\b", re.I)


def clause_scope(text: str, pos: int) -> tuple[int, int]:
    """The span of the clause of ``text`` that holds position ``pos``."""
    start, end = 0, len(text)
    for m in _CLAUSE_BREAK_SCOPE.finditer(text):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


def strength_of(cues: Sequence[Cue], anchor: Optional[Cue], condition_span=None,
                text: str = "") -> tuple[str, list[str]]:
    """"soft" when a hedge governs the commitment: a hedge counts when it stands in the
    clause of the commitment's verb (``anchor``), or anywhere when there is no verb."""
    scope = clause_scope(text, anchor.start) if text and anchor is not None and anchor.start >= 0 else None
    hedges = []
    for c in cues:
        if c.label != "HEDGE":
            continue
        if c.id == "hedge.should" and c.start == 0:
            continue
        if scope is not None and not (scope[0] <= c.start < scope[1]):
            continue
        hedges.append(c.text.lower())
    if anchor is not None and anchor.label == "SOFT_COMMIT" and not (anchor.id == "soft.should" and anchor.start == 0):
        hedges.append(anchor.text.lower())
    return ("soft" if hedges else "firm"), hedges


_CONDITION_OPENER = re.compile(r"^(?:should|where|wherever|in case)\s+(?!possible\b|practicable\b|feasible\b|appropriate\b|applicable\b)", re.I)
_NOT_CONDITION = re.compile(
    r"^(?:(?:if|when|where)\s+(?:possible|feasible|practicable|any(?=\s*[,.;)])|applicable|appropriate|necessary)\b"
    # Contract boilerplate that points at the rest of the document, the law or force
    # majeure qualifies every promise alike: it is not a condition of this one.
    r"|subject\s+to\s+(?:(?:the\s+)?(?:terms|provisions|limitations|conditions|requirements|restrictions)\b"
    r"|(?:this|the|these)\s+(?:agreement|contract|terms|exhibit|schedule|addendum|sow|statement)\b"
    r"|(?:sections?|subsections?|clauses?|articles?|paragraphs?|schedules?|exhibits?|appendix|appendices)\b"
    r"|(?:any\s+)?(?:applicable\s+)?(?:law|laws|regulations?)\b|(?:any\s+)?(?:force\s+majeure|excusable\s+delays?)\b"
    r"|the\s+foregoing\b)"
    r"|unless\s+otherwise\s+(?:agreed|decided|specified|stated|provided|set\s+forth|required|directed|instructed)\b)",
    re.I)


def condition_of(text: str, cues: Sequence[Cue]) -> Optional[tuple[int, int]]:
    """Span of the first condition clause in ``text``, if any."""
    spans = conditions_of(text, cues)
    return spans[0] if spans else None


def conditions_of(text: str, cues: Sequence[Cue]) -> list:
    """Spans of every condition clause in ``text``."""
    spans = []
    opener = _CONDITION_OPENER.match(text)
    if opener:
        # "Should the software fail ..., we will ..." / "Where a fault ..., we will ..."
        end = _clause_end(text, 0)
        if end >= 6:
            spans.append((0, end))
    for c in cues:
        if c.label != "CONDITION":
            continue
        start = c.start
        if c.id == "condition.provided":
            start = c.start + (len(c.text) - len(c.text.lstrip(",;:-–— ")))
            while start < len(text) and not text[start].isalpha():
                start += 1
        if _NOT_CONDITION.match(text[start:]):
            continue
        if any(a <= start < b for a, b in spans):
            continue
        end = _clause_end(text, start)
        if end - start >= 6:
            spans.append((start, end))
    return spans


def _clause_end(text: str, start: int) -> int:
    """End of the clause starting at ``start``: the next comma or semicolon outside
    parentheses (not a thousands separator), or the end of the sentence."""
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ",;":
            if ch == "," and i + 1 < len(text) and text[i + 1].isdigit():
                continue
            return i
        elif depth == 0 and ch == "." and (i + 1 == len(text) or text[i + 1] in " \n"):
            return i
    return len(text.rstrip(" .;"))


# --------------------------------------------------------------------------- judging

def heading_class(heading: str, ctx: Context) -> str:
    if not heading:
        return ""
    if ctx.regex["heading_negative"].search(heading):
        return "negative"
    if ctx.regex["heading_background"].search(heading):
        return "background"
    if ctx.regex["heading_pricing"].search(heading):
        return "pricing"
    if ctx.regex["heading_scope"].search(heading):
        return "scope"
    return ""


def _param_cue(cues: Sequence[Cue]) -> bool:
    return _has(cues, "RECUR_SHORT", "RECUR_LONG", "SERVICE_HOURS", "WITHIN_SHORT", "WITHIN_DAYS", "PERCENT",
                "EVERY_N_FAST", "FREE", "DURATION", "CAPACITY", "TURNAROUND") or (_has(cues, "PRICE_NOUN") and _has(cues, "PRICE_HOLD"))


def _category_cue(cues: Sequence[Cue], strong_only: bool = False, lexicon: Optional[dict] = None) -> bool:
    """Whether any category cue (or, with ``strong_only``, one weighing 2 or more) is present."""
    if not strong_only:
        return any(c.label.startswith("CAT_") for c in cues)
    conf = lexicon["categories"] if lexicon else None
    for c in cues:
        if not c.label.startswith("CAT_") or c.label.startswith("CAT_DELIVERY"):
            continue
        if conf is None:
            if not c.label.endswith("_WEAK"):
                return True
        elif conf["pattern_weights"].get(c.id, conf["label_weights"].get(c.label, 1.0)) >= 2.0:
            return True
    return False


def _outside_negations(text: str, negated: Sequence[Cue]) -> Optional[str]:
    """``text`` with the clause of each negated anchor blanked, or None when the
    negations cover it all (or there were none)."""
    if not negated:
        return None
    chars = list(text)
    for anchor in negated:
        a, b = clause_scope(text, anchor.start)
        chars[a:b] = " " * (b - a)
    rest = "".join(chars)
    return rest if len(_WORD.findall(rest)) >= 3 else None


def judge_sentence(text: str, cues: Sequence[Cue], ctx: Context, heading: str = "",
                   allow_present: bool = True) -> Judgement:
    """Judge a sentence (or a list item with its own verb) on its own."""
    hclass = heading_class(heading, ctx)
    found_anchors = anchors(cues)
    reasons = []
    for anchor in found_anchors:
        verdict, party, why = judge_anchor(text, anchor, cues, ctx)
        if verdict is None:
            continue
        if not verdict:
            reasons.append((party, anchor, why))
            continue
        block = blockers(text, cues, ctx, modal=True, party=party, anchor=anchor)
        if block:
            return Judgement(False, rule=f"blocked/{block[0].id}", party=party, anchor=anchor,
                             reason=f"'{block[0].text}' marks {_describe_block(block[0])}")
        if not (_category_cue(cues) or _param_cue(cues) or _has(cues, "NUMBER")
                or _done_by_seller(text[anchor.end:], ctx) or _DATE_WORDS.search(text, anchor.end)
                or _NONE_WITHOUT.search(text)):
            reasons.append((party, anchor, "nothing measurable or deliverable"))
            continue
        kind = {"MODAL": "modal", "COMMIT": "commit_verb", "SOFT_COMMIT": "soft_commit"}[anchor.label]
        return Judgement(True, rule=f"{party}_{kind}/{anchor.id}", party=party, anchor=anchor,
                         reason=_anchor_reason(text, anchor, party, ctx))
    if reasons:
        party, anchor, why = reasons[0]
        rest = _outside_negations(text, [a for _, a, w in reasons if w.startswith("a negation")])
        if allow_present and len(reasons) == len(found_anchors) and rest is not None:
            # "We do not guarantee third-party uptime, but patching is included": the
            # negation takes its own clause; the rest may still describe the service.
            kept = judge_present(rest, [c for c in cues if rest[c.start:c.start + 1].strip()], ctx, hclass)
            if kept.promise:
                return kept
        return Judgement(False, rule=f"not_promise/{anchor.id}", party=party, anchor=anchor, reason=why)
    if not allow_present:
        return Judgement(False, rule="no_commitment", reason="no commitment found")
    return judge_present(text, cues, ctx, hclass)


_DATE_WORDS = re.compile(r"\b(?:(?:by|before|until|on|from|in|during|end of|start of|beginning of|mid)[- ]"
                         r"(?:the\s+(?:end|start|beginning|middle)\s+of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
                         r"dec)[a-z]*\.?|(?:by|before|on|until)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|"
                         r"sunday|tomorrow|next week|next month|year[- ]end|the end of (?:the )?(?:week|month|year|quarter))|"
                         r"\bq[1-4]\b)", re.I)
# "No wave will be cut over without a rehearsal": a rule the seller binds itself to.
_WORD = re.compile(r"[A-Za-z]{2,}")
_NONE_WITHOUT = re.compile(r"^\W*(?:no|never)\b[^.;]{3,80}\b(?:without|until|unless)\b", re.I)
_NEGATED_COMMITMENT = re.compile(
    r"\b(?:cannot|can['\u2019]t|can not|could not|won['\u2019]t|will not|do not|don['\u2019]t|does not|doesn['\u2019]t|"
    r"are not able to|is not able to|unable to|never)\s+(?:\w+ly\s+)?(?:promise|guarantee|commit|warrant|undertake|"
    r"cover|include|accept liability)\b", re.I)
# "Phase 2 – Build (May–June): ...", "Weeks 13-16 (Cutover): ...", "Month 3: ..."
_PHASE_LABEL = re.compile(
    r"^\W*(?:phase|stage|step|wave|sprint|milestone|release|workstream|week|weeks|month|months|day|days)\s*"
    r"[\w.]{0,6}(?:\s*(?:-|\u2013|to)\s*\d{1,3})?\s*(?:(?:-|\u2013|\u2014|:)\s*[^:()]{1,40}?)?\s*(?:\([^)]{1,40}\))?\s*:\s*"
    r"(?P<rest>\S.*)$", re.I)
_DONE_WORDS = re.compile(r"\b(?:\w+ed|built|done|live|ready|complete|in place|signed off|handed over|set up|run|"
                         r"written|sent|shipped|delivered|held)\b", re.I)
_INCLUSION_VERB = re.compile(r"^(?:comes? with|is included|are included|is bundled|are bundled)\b", re.I)


def judge_present(text: str, cues: Sequence[Cue], ctx: Context, hclass: str) -> Judgement:
    """A sentence without a modal: a promise only when it describes the service."""
    negated = _NEGATED_COMMITMENT.search(text)
    if negated:
        # A negation takes away the clause it stands in ("We do not guarantee third-party
        # uptime; the service includes 24/7 monitoring"); the other clauses are judged.
        a, b = clause_scope(text, negated.start())
        rest = text[:a] + " " * (b - a) + text[b:]
        if len(_WORD.findall(rest)) < 3:
            return Judgement(False, rule="present/negated", reason="says what is not promised")
        text, cues = rest, [c for c in cues if not (a <= c.start < b)]
    if hclass in ("background", "negative"):
        return Judgement(False, rule="present/background", reason="background section")
    verb = None
    for rx in (ctx.regex["service_verbs"], ctx.regex["pred"]["receive_present_any"]):
        for m in rx.finditer(text):
            if not _NON_COMMIT_BEFORE.search(text[:m.start()]):
                verb = m
                break
        if verb:
            break
    customer_gets = None
    subject = subject_before(text, verb.start()) if verb else text
    party = classify_party(subject, ctx) if verb else "neutral"
    if party == "customer":
        rest = text[len(subject):].lstrip() if text.startswith(subject) else text[verb.start():]
        if ctx.regex["pred"]["receive_present"].match(text[verb.start():]) or \
                ctx.regex["pred"]["receive_present"].match(rest):
            customer_gets = True
        else:
            return Judgement(False, rule="present/customer", party=party, reason="about the customer")
    if verb is None:
        verb = _seller_present_verb(text, ctx) if _param_cue(cues) else None
        if verb is not None:
            party = "seller"
    if verb is None:
        phase = _PHASE_LABEL.match(text)
        if phase and hclass not in ("negative", "background") and _DONE_WORDS.search(phase.group("rest")) and \
                classify_party(subject_before(phase.group("rest"), len(phase.group("rest"))), ctx) != "customer" and \
                not blockers(text, cues, ctx, modal=True):
            # "Phase 2 – Install (August): kiosks installed and tested at each branch."
            return Judgement(True, rule="present_neutral/phase_label", party="neutral",
                             reason="a phase of the plan and what it delivers")
        return Judgement(False, rule="no_commitment", reason="no commitment found")
    block = blockers(text, cues, ctx, modal=False, party=party)
    if block:
        return Judgement(False, rule=f"blocked/{block[0].id}", party=party,
                         reason=f"'{block[0].text}' marks {_describe_block(block[0])}")
    if ctx.regex["background_words"].search(text):
        return Judgement(False, rule="present/background", reason="describes the situation today")
    by_seller = bool(_BY_SELLER.search(text[verb.start():])) or (
        party == "neutral" and bool(_INCLUSION_VERB.match(verb.group(0))))
    if customer_gets or party == "seller" or by_seller or _param_cue(cues) or _category_cue(cues, True, ctx.lexicon):
        if party != "seller" and not customer_gets and not (_param_cue(cues) or by_seller or
                                                            _category_cue(cues, True, ctx.lexicon)):
            return Judgement(False, rule="present/vague", reason="nothing to check")
        who = {"seller": "seller", "customer": "customer gets"}.get(party, "service")
        return Judgement(True, rule=f"present_{'customer_receives' if customer_gets else party}/service_verb",
                         party=party, reason=f"{who} + present tense '{verb.group(0)}'")
    return Judgement(False, rule="present/vague", reason="nothing to check")


_NOT_SERVICE_VERB = re.compile(
    r"^(?:is|has|does|are|were|was|have|had|'ve|’ve|'re|’re|can|could|would|may|might|believe|think|know|understand|"
    r"look|love|hope|want|feel|need|require|expect|am|did|do|don't|don’t|understood|\w+ed)$", re.I)


def _seller_present_verb(text: str, ctx: Context):
    """'We typically close Severity 3 requests within 5 days': seller + a present verb."""
    m = re.match(r"^(?:we|our\s+[\w-]+(?:\s+[\w-]+)?)\s+(?:(?:typically|usually|normally|always|also|then|"
                 r"now|generally|routinely)\s+)?([a-z]+)\b(?!['’])", text, re.I)
    if not m or _NOT_SERVICE_VERB.match(m.group(1)):
        return None
    if m.group(0).lower().startswith("our") and not m.group(1).endswith("s"):
        return None
    return re.compile(re.escape(m.group(1))).search(text, m.start(1))


def judge_lead_in(text: str, cues: Sequence[Cue], ctx: Context, heading: str = "") -> str:
    """'positive', 'negative' or 'neutral' for a line introducing a list."""
    if ctx.regex["lead_negative"].search(text):
        return "negative"
    body = re.sub(r"[:\s]+$", "", text)
    found = anchors(cues)
    if found:
        party = classify_party(subject_before(body, found[0].start), ctx)
        if party == "customer" and not ctx.regex["pred"]["receive"].match(predicate_after(body, found[0].end).lower()):
            return "negative"  # "Orbis will:" / "The Client shall:"
        if heading_class(heading, ctx) == "negative" and party != "seller":
            return "negative"
    verdict = judge_sentence(body, cues, ctx, heading, allow_present=False)
    if verdict.promise:
        return "positive"
    if verdict.party == "customer":
        return "negative"
    if ctx.regex["lead_positive"].search(text):
        return "positive"
    return "neutral"


_PARTY_PREFIX = re.compile(r"^\s*(?P<who>[A-Z][\w&.'’ -]{1,40}?)\s*(?:[:\u2013\u2014]|\s-\s|\s*\u2192)\s*(?=\S)")
# A level or a deadline written the terse way of slides: "< 4 hrs", "≤ 10 business days",
# "by Day 45", "99.9 %", "every quarter", "40 hrs/yr".
_TERSE_MEASURE = re.compile(
    r"(?:[<>≤≥]=?|\bunder|\bwithin|\bmax\.?|\bmin\.?|\bup to|\bat least)\s*\d|\bby\s+(?:day|week|month)\s+\d|"
    r"\b(?:day|week|month)\s+\d+\b|\d\s*(?:hrs?|hours?|mins?|minutes?|days?|weeks?|months?|years?)\s*(?:/|per|a|an|each)\s*"
    r"(?:yr|year|month|mo|week|wk|day|quarter)\b|\b\d+\s*(?:months?|years?)\b", re.I)
_PRICE_PROMISE = re.compile(r"\b(?:locked|fixed|frozen|held|hold|capped|cap|no (?:increase|charge|cost)|free|"
                            r"discount\w*|credits?|rebate|waived?|included|at no (?:extra |additional )?(?:cost|charge)|"
                            r"price (?:lock|hold|freeze|protection)|% off|off (?:the )?list)\b", re.I)
_PRICE_TERM = re.compile(r"\b(?:net\s*\d+|valid|validity|invoice\w*|payable|due|deposit|upfront|in advance|"
                         r"ex(?:cl\w*)?\.? (?:vat|gst|tax)|plus (?:vat|gst|tax)|one-time|one-off|per month|/\s*month|"
                         r"per year|/\s*yr|/\s*year)\b", re.I)


# A responsibility (RACI) line: "Runbooks – R: Acme; A: Client CAB".
_RACI_R = re.compile(r"(?:^|[\s;,(|\u2013\u2014-])(?:R|Responsible|Performed by|Done by|Delivered by)\s*[:=]\s*"
                     r"(?P<who>[^;|,()]{2,60})")


_CUSTOMER_EVENT_ITEM = re.compile(
    r"^\W*(?:target(?:ed)?\s+|planned\s+|expected\s+|proposed\s+|anticipated\s+)?(?:contract\s+|agreement\s+)?"
    r"(?:signature|signing|award|decision|approval|purchase order|po|order placement|board approval|budget approval|"
    r"go/no-go|sign-off of (?:this|the) (?:proposal|sow|contract))\b(?:\s+(?:decision|date|meeting|deadline))?\s*"
    r"[:\-\u2013\u2014]", re.I)


def _prefix_party(text: str, ctx: Context) -> str:
    """'Acme: final report by 18 June' names who does the item before a colon or dash."""
    m = _PARTY_PREFIX.match(text)
    if not m or len(m.group("who").split()) > 4:
        return ""
    party = classify_party(m.group("who"), ctx)
    return party if party in ("seller", "customer") else ""


def judge_fragment(text: str, cues: Sequence[Cue], ctx: Context, polarity: str, heading: str) -> Judgement:
    """A list item without a verb of its own, judged with its lead-in and its heading.

    Slides and one-pagers list the offer as bare noun phrases under a heading ("What you
    get", "Service levels", "Governance"): such an item is a promise unless its heading
    or lead-in marks duties, exclusions, assumptions or background, or it is only a
    price or a payment term."""
    if polarity == "negative":
        return Judgement(False, rule="list_item/negative_lead_in", reason="listed under a customer duty or exclusion")
    if _CUSTOMER_EVENT_ITEM.match(text):
        return Judgement(False, rule="list_item/customer_event", reason="a step the customer takes (signing, approval)")
    owner = _prefix_party(text, ctx)
    raci = _RACI_R.search(text)
    if raci:
        doer = classify_party(raci.group("who").strip(), ctx)
        if doer == "seller":
            return Judgement(True, rule="list_item/raci_seller", reason=f"the seller performs it ('{raci.group(0).strip()}')")
        if doer == "customer":
            return Judgement(False, rule="list_item/raci_customer", reason="the customer performs it")
    if owner == "customer":
        return Judgement(False, rule="list_item/customer_owner", reason="an item the customer does")
    block = blockers(text, cues, ctx, modal=True)
    if block:
        return Judgement(False, rule=f"blocked/{block[0].id}", reason=f"'{block[0].text}' marks {_describe_block(block[0])}")
    if polarity == "positive":
        return Judgement(True, rule="list_item/lead_in", reason="item of a list the seller commits to")
    hclass = heading_class(heading, ctx)
    measured = _param_cue(cues) or bool(_TERSE_MEASURE.search(text)) or _has(cues, "TIME_FAST")
    if owner == "seller" and (measured or _has(cues, "NUMBER") or re.search(r"\bby\b", text)):
        return Judgement(True, rule="list_item/seller_owner", reason="an item the seller does, with a date or level")
    if hclass in ("negative", "background"):
        return Judgement(False, rule="list_item/heading", reason="listed under a non-commitment heading")
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    if hclass == "pricing":
        if _PRICE_PROMISE.search(text) and not _PRICE_TERM.search(text) or \
                _has(cues, "CAT_PRICING") and not _has(cues, "MONEY"):
            return Judgement(True, rule="list_item/pricing_heading", reason=f"a price promise under '{heading}'")
        return Judgement(False, rule="list_item/price", reason="a price or payment term")
    if _has(cues, "MONEY") and not _has(cues, "FREE", "CAT_PRICING", "PRICE_HOLD"):
        return Judgement(False, rule="list_item/price", reason="a price line")
    if hclass == "scope" and len(words) >= 2:
        return Judgement(True, rule="list_item/scope_heading", reason=f"an item of the offer under '{heading}'")
    if _category_cue(cues, True, ctx.lexicon) and measured:
        return Judgement(True, rule="list_item/heading", reason=f"service item with a measurable level under '{heading}'")
    if _category_cue(cues) and _TERSE_MEASURE.search(text) and len(words) >= 2:
        return Judgement(True, rule="list_item/measured", reason="a service item with a level or deadline")
    return Judgement(False, rule="list_item/vague", reason="nothing to check")


def judge_field(key: str, value: str, text: str, cues: Sequence[Cue], ctx: Context, heading: str) -> Judgement:
    """A 'Key: value' line such as 'Warranty: 24 months on parts and labour'."""
    block = blockers(text, cues, ctx, modal=True)
    if block:
        return Judgement(False, rule=f"blocked/{block[0].id}", reason=f"'{block[0].text}' marks {_describe_block(block[0])}")
    key_l = key.lower()
    if _META_KEY.search(key_l):
        return Judgement(False, rule="field/meta", reason="a cover-page or price field")
    if _has(cues, "MONEY") and not (_has(cues, "PRICE_HOLD", "CAT_PRICING") or _has(cues, "FREE")):
        return Judgement(False, rule="field/price", reason="a price line")
    key_cues = [c for c in cues if c.end <= len(key) + 2]
    if _category_cue(key_cues) and (_param_cue(cues) or _has(cues, "NUMBER")):
        return Judgement(True, rule="field/category", reason=f"'{key}' with a measurable value")
    return Judgement(False, rule="field/vague", reason="nothing to check")


_DATE_HEADER = re.compile(r"\b(?:date|dates|due|deadline|by when|when|timing|target date|completion|complete by|"
                          r"week|weeks|month|finish|deliver(?:y|ed)? by|planned|timeline|schedule|by)\b", re.I)
_TARGET_HEADER = re.compile(r"\b(?:target|targets|level|levels|sla|standard|standards|commitment|commitments|"
                            r"guarantee|guaranteed|kpi|measure|threshold|response|resolution|availability|"
                            r"metric|objective|goal|promise)\b", re.I)
_PRICE_HEADER = re.compile(r"\b(?:price|prices|cost|costs|fee|fees|amount|total|rate|rates|charge|charges|"
                           r"subtotal|usd|eur|gbp|aud|cad|investment|value)\b|[$£€]", re.I)
_OWNER_HEADER = re.compile(r"\b(?:owner|responsib\w*|who|party|lead|accountable|action by|by whom|resource)\b", re.I)
_DATE_CELL = re.compile(r"\b(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|"
                        r"sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|"
                        r"sept|oct|nov|dec)[a-z]*|q[1-4] \d{4}|week \d+|(?:end|middle|mid|start|beginning) of \w+|"
                        r"\d+ (?:business |working )?(?:days|weeks|months) (?:after|before|from|of)|"
                        r"(?:(?<=\+ )|(?<=\+))\d+\s*(?:business |working |calendar )?(?:days?|weeks?|months?)|(?:day|month) \d+|"
                        r"\d+\s*(?:-|\u2013|to)?\s*\d*\s*(?:weeks?|days?)\s+(?:aro|after))\b", re.I)


def judge_row(header: Sequence[str], cells: Sequence[str], text: str, cues: Sequence[Cue],
              ctx: Context, heading: str = "") -> Judgement:
    """A table row, read through its header."""
    header_l = [h.lower() for h in header]
    date_cols = [i for i, h in enumerate(header_l) if _DATE_HEADER.search(h)]
    target_cols = [i for i, h in enumerate(header_l) if _TARGET_HEADER.search(h)
                   and not re.search(r"\b(?:date|dates|due|deadline)\b", h)]  # "Target date" is a date column
    price_cols = [i for i, h in enumerate(header_l) if _PRICE_HEADER.search(h) and i not in target_cols]
    owner_cols = [i for i, h in enumerate(header_l) if _OWNER_HEADER.search(h)]
    if owner_cols and owner_cols[0] < len(cells):
        owner = cells[owner_cols[0]].strip()
        side = classify_party(owner, ctx) if owner else "seller"
        if side == "customer":
            return Judgement(False, rule="table_row/customer_owner", reason=f"owned by the customer ('{owner}')")
        if side != "seller" and ctx.parties.seller_names and owner and not re.match(
                r"^(?:joint|both|all|shared|together)", owner, re.I):
            return Judgement(False, rule="table_row/third_party_owner", reason=f"owned by '{owner}', not the seller")
    response_cols = [i for i, h in enumerate(header_l) if re.search(r"\b(?:response|compliance|comply|compliant)\b", h)]
    for i in response_cols:
        if i < len(cells) and _NOT_COMPLIANT.match(cells[i].strip()):
            return Judgement(False, rule="table_row/not_committed", reason=f"answered '{cells[i].strip()}'")
    anchored = anchors(cues)
    if anchored:
        verdict = judge_sentence(text, cues, ctx, allow_present=False)
        if verdict.promise or verdict.party == "customer":
            verdict.rule = "table_row/" + verdict.rule
            return verdict
    block = blockers(text, cues, ctx, modal=True)
    if block:
        return Judgement(False, rule=f"blocked/{block[0].id}", reason=f"'{block[0].text}' marks {_describe_block(block[0])}")
    if not date_cols and cells and _META_ROW.match(cells[0].strip().lower()) and len(cells) <= 3:
        return Judgement(False, rule="table_row/field", reason="a cover-page field")
    has_money = _has(cues, "MONEY")
    if price_cols and not (date_cols or target_cols) or (has_money and not target_cols and not date_cols):
        return Judgement(False, rule="table_row/price", reason="a price line")
    dated = any(i < len(cells) and _DATE_CELL.search(cells[i]) for i in date_cols) or \
        (not header and any(_DATE_CELL.search(c) for c in cells))
    if dated:
        return Judgement(True, rule="table_row/dated", reason="a dated row of a milestone table")
    targeted = any(i < len(cells) and re.search(r"\d", cells[i]) for i in target_cols) or \
        (_has(cues, "PERCENT", "WITHIN_SHORT", "WITHIN_DAYS") and (target_cols or not header))
    if targeted:
        return Judgement(True, rule="table_row/target", reason="a row of a service-level table")
    scope = _scope_row(header_l, cells, text, cues, ctx, heading)
    if scope is not None:
        return scope
    if owner_cols and owner_cols[0] < len(cells) and cells[owner_cols[0]].strip() and \
            classify_party(cells[owner_cols[0]].strip(), ctx) == "seller":
        return Judgement(True, rule="table_row/seller_owner", reason=f"the seller does it ('{cells[owner_cols[0]].strip()}')")
    return Judgement(False, rule="table_row/other", reason="a table row with no date or target")


# Tables listing what the seller supplies, with no date or target column: deliverables
# with a quantity or a frequency, equipment per location, courses with attendees, or
# "Item | Detail" rows such as "Lead time | 14-16 weeks ARO".
_SCOPE_HEADER = re.compile(
    r"\b(?:deliverables?|items?|services?|equipment|hardware|software|products?|courses?|modules?|training|sessions?|"
    r"workshops?|activit(?:y|ies)|tasks?|components?|scope|inclusions?|included|features?|what|workstreams?|outputs?|"
    r"artefacts?|artifacts?|materials?|licen[cs]es?|qty|quantity|quantities|frequency|attendees|participants|"
    r"lead time|detail|details|specification|spec|commitment|offer|provision|support|coverage|visits?|reports?)\b", re.I)
_NOT_SCOPE_HEADER = re.compile(
    r"\b(?:assumptions?|exclusions?|excluded|out of scope|not included|dependenc\w*|risks?|issues?|"
    r"client (?:tasks|inputs|responsibilit\w*)|customer (?:tasks|inputs|responsibilit\w*)|prerequisites?|"
    r"option(?:al|s)?|add-ons?|history|experience|reference|project|year|client|customer|case)\b", re.I)
_TOTAL_CELL = re.compile(r"^\W*(?:sub-?total|total|grand total|vat|gst|tax|sum|discount|balance|n/?a|tbc|none|-|\u2013)\b", re.I)
_NOT_INCLUDED_CELL = re.compile(r"^(?:no|not included|excluded|n/?a|optional|option|extra|extra cost|at extra cost|"
                                r"not offered|[\u2717\u2718])$", re.I)  # a dash means "nothing today", not "excluded"
_ITEM_DETAIL_KEYS = re.compile(
    r"\b(?:lead time|delivery|installation|install|commissioning|training|support|warranty|guarantee|response|"
    r"resolution|sla|uptime|availability|maintenance|service|visits?|reporting|reports?|hours|coverage|account manager|"
    r"contact|hypercare|onboarding|turnaround|replacement|spares?|calibration|inspection|monitoring|backup)\b", re.I)


def _scope_row(header_l, cells, text, cues, ctx, heading) -> Optional["Judgement"]:
    if not header_l or not cells or not any(c.strip() for c in cells):
        return None
    if heading_class(heading, ctx) in ("negative", "background"):
        return None
    joined = " | ".join(header_l)
    if _NOT_SCOPE_HEADER.search(header_l[0]) or re.search(r"\b(?:assumptions?|exclusions?|dependenc\w*|risks?)\b",
                                                           joined):
        return None
    if not _SCOPE_HEADER.search(joined):
        return None
    if _TOTAL_CELL.match(cells[0].strip()):
        return None
    first = next((c.strip() for c in cells if re.search(r"[A-Za-z]{3}", c)), "")  # "D1 | Discovery report | ..."
    if not first or _TOTAL_CELL.match(first):
        return None
    if any(_NOT_INCLUDED_CELL.match(c.strip()) for c in cells[1:]):
        return None  # "Furniture storage | No": listed as not included
    if len(header_l) == 2 and re.search(r"\b(?:item|detail|details|key|field|term|aspect|parameter)\b", joined):
        # "Item | Detail": a key-value table; only service keys make promises.
        if not _ITEM_DETAIL_KEYS.search(first) or _META_ROW.match(first.lower()):
            return None
    elif not (len(re.findall(r"[A-Za-z]{2,}", text)) >= 2):
        return None
    return Judgement(True, rule="table_row/scope", reason="a row of a table of what the seller supplies")


def _anchor_reason(text: str, anchor: Cue, party: str, ctx: Context) -> str:
    subject = subject_before(text, anchor.start)
    pred = predicate_after(text, anchor.end).split()
    verb = " ".join(pred[:2]) if pred[:1] == ["be"] else (pred[0] if pred else "")
    who = {"seller": f"seller '{_short(subject)}'", "customer": f"customer '{_short(subject)}' receives",
           "neutral": f"'{_short(subject)}'"}.get(party, party)
    parts = [who, f"'{anchor.text}'"]
    if verb and anchor.label == "MODAL":
        parts.append(f"'{verb}'")
    return " + ".join(parts)


def _short(text: str, n: int = 4) -> str:
    words = text.split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "")


def _describe_block(cue: Cue) -> str:
    return {
        "VALIDITY": "how long the offer is valid",
        "EXCLUSION": "something not included",
        "ASSUMPTION": "an assumption",
        "COURTESY": "a courtesy",
        "OPTIONAL": "an option, not a commitment",
        "DUTY": "a customer duty or dependency",
        "PAYMENT": "a payment term",
        "PRICE_TAX": "a price or tax note",
        "MARKETING": "a marketing claim",
        "FACT": "a fact about the company",
        "META": "a statement about the document",
    }.get(cue.label, cue.label.lower())


def field_parts(text: str) -> Optional[tuple[str, str]]:
    m = _FIELD_KEY.match(text)
    if not m:
        return None
    key = m.group("key").strip()
    if len(key.split()) > 5:
        return None
    return key, m.group("value")

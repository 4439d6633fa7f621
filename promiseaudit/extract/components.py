"""The spaCy components of the extraction pipeline.

Order in ``build_nlp``: ``promiseaudit_segmenter`` (layout-aware sentences) ->
``span_ruler`` (cues from patterns/*.jsonl, spans_key "pa_cues") ->
``promiseaudit_parties`` (seller and customer names) -> ``promiseaudit_commitments``
(judge every unit) -> ``promiseaudit_parameters`` (dates, quantities, thresholds).

Each factory registers the Doc extensions it writes, idempotently, when it is built.
The document's pages, tables, date and locale reach the pipeline through
``doc._.pa_context`` (set by ``extract``); a plain ``nlp(text)`` treats the text as one
page with no tables.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional

from spacy.language import Language
import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span

from . import classify, learned, segment
from .parameters import Parameters, parameters_for, row_parameters
from .parties import detect_parties

PATTERN_DIR = Path(__file__).parent / "patterns"
CUES_KEY = "pa_cues"


def load_lexicon(path: Optional[str] = None) -> dict:
    """The rules file patterns/lexicon.json, or another file with the same layout: its
    sections and their keys must be those of the shipped file, so a misspelt key is an
    error rather than a rule that silently never applies."""
    with open(PATTERN_DIR / "lexicon.json", encoding="utf-8") as handle:
        shipped = json.load(handle)
    if path is None:
        return shipped
    with open(path, encoding="utf-8") as handle:
        lexicon = json.load(handle)
    check_layout(lexicon, shipped, Path(path).name)
    return lexicon


def check_layout(data: dict, reference: dict, where: str, depth: int = 2) -> None:
    """Raise ValueError naming the first section or key of ``data`` that ``reference``
    does not have, or that ``data`` lacks: the sections and the keys of each section
    (deeper mappings, such as weights by pattern id, are open)."""
    for key in data:
        if key not in reference:
            raise ValueError(f"{where}: unknown key '{key}' (expected one of {', '.join(sorted(reference))})")
    for key, value in reference.items():
        if key not in data:
            raise ValueError(f"{where}: missing key '{key}'")
        if depth > 1 and isinstance(value, dict) and isinstance(data[key], dict):
            check_layout(data[key], value, f"{where} [{key}]", depth - 1)


def _ensure_extension(name: str, default=None) -> None:
    if not Doc.has_extension(name):
        Doc.set_extension(name, default=default)


@dataclass
class Candidate:
    """A unit judged to be a promise, before it becomes a ``Promise``."""

    unit: segment.Unit
    judgement: classify.Judgement
    lead_in_text: str = ""
    fragment: bool = False
    params: Parameters = field(default_factory=Parameters)


@dataclass
class Context:
    """What ``extract`` tells the pipeline about the document."""

    page_starts: list = field(default_factory=lambda: [0])
    tables: list = field(default_factory=list)
    document_date: Optional[date] = None
    locale: Optional[str] = None
    text: Optional[str] = None  # the document text with its line breaks (the Doc has spaces)
    max_unit_chars: int = segment.MAX_UNIT_CHARS  # a longer sentence is cut (segment.cap_span)
    parties: object = None  # the seller and customer, when an earlier chunk found them


def _context(doc: Doc) -> Context:
    ctx = doc._.pa_context
    return ctx if ctx is not None else Context()


def source_text(doc: Doc) -> str:
    """The document text with its line breaks, which carry the layout."""
    ctx = doc._.pa_context
    return ctx.text if ctx is not None and ctx.text is not None else doc_text(doc)


# Where ``doc_text`` keeps the Doc's text (``run.prepare`` sets it from the text it tokenized).
DOC_TEXT = "pa_doc_text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per document (spaCy joins every token's text each time;
    a Doc's text never changes)."""
    text = doc.user_data.get(DOC_TEXT)
    if text is None:
        text = doc.user_data[DOC_TEXT] = doc.text
    return text


# --------------------------------------------------------------------------- segmenter

@Language.factory("promiseaudit_segmenter", default_config={"extra_abbreviations": []})
def make_segmenter(nlp: Language, name: str, extra_abbreviations: list):
    _ensure_extension("pa_context")
    _ensure_extension("pa_units")
    return ProposalSegmenter(name, extra_abbreviations)


class ProposalSegmenter:
    """Splits a proposal into units (sentences, list items, table rows) and marks
    sentence starts on the tokens accordingly."""

    def __init__(self, name: str, extra_abbreviations=()):
        self.name = name
        self.abbreviations = frozenset(segment.DEFAULT_ABBREVIATIONS | {a.lower().rstrip(".") for a in extra_abbreviations})

    def __call__(self, doc: Doc) -> Doc:
        ctx = _context(doc)
        units = segment.segment(source_text(doc), ctx.page_starts, ctx.tables, self.abbreviations,
                                ctx.max_unit_chars)
        doc._.pa_units = units
        if not len(doc):
            return doc
        # Every unit starts a sentence (and so does whatever follows it). Written in one go:
        # setting token.is_sent_start one token at a time is quadratic in spaCy.
        bounds = sorted({u.start for u in units} | {u.end for u in units})
        idx = doc.to_array("IDX").astype(numpy.int64)
        starts = numpy.full(len(doc), -1, dtype=numpy.int64)
        starts[0] = 1
        if bounds:
            first = numpy.searchsorted(idx, numpy.asarray(bounds, dtype=numpy.int64), side="left")
            first = first[first < len(doc)]
            starts[first] = 1
        doc.from_array([SENT_START], starts.reshape(-1, 1).view(numpy.uint64))
        return doc


# --------------------------------------------------------------------------- regex cues

def _lower_pattern(regex: str):
    """The pattern matched case-sensitively, for lower-cased text (about a third faster
    than ``re.I``), or None when it names capitals or sets its own flags."""
    if "(?" in regex.replace("(?:", "").replace("(?=", "").replace("(?!", "").replace("(?<", "") \
            or re.search("[A-Z]", re.sub(r"\\.", "", regex)):
        return None
    return re.compile(regex)


def _scan_pattern(regex: str):
    """The pattern without its leading word boundary, for lower-cased text, or None.

    Only for patterns ``_lower_pattern`` accepts. Python's re tries a pattern that starts
    with ``\\b`` at every position of the text; without it, a pattern that starts with a
    word (or one of a few words) is found by a much faster search. The scan finds every
    place where the whole pattern can match (and some more), and ``_finditer`` checks each
    with the whole pattern, so the matches are the same. Patterns where the scan would not
    be faster keep the plain search: top-level alternatives, an optional first group, a
    first group of many words."""
    if not regex.startswith("\\b"):
        return None
    rest = regex[2:]
    shape = _shape(rest)
    if shape is None:
        return None
    alternatives, first_end, first_branches = shape
    if alternatives or first_end is not None and (rest[first_end:first_end + 1] in ("?", "*", "{")
                                                  or first_branches > 12):
        return None
    return re.compile(rest)


def _shape(regex: str):
    """(top-level alternatives?, where the opening group ends or None, its branches) of a
    pattern; None if its brackets do not balance."""
    depth, i, in_class, alternatives = 0, 0, False, False
    first_end, first_branches = None, 1
    opens_with_group = regex.startswith("(")
    while i < len(regex):
        c = regex[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0 and opens_with_group and first_end is None:
                first_end = i + 1
        elif c == "|":
            if depth == 0:
                alternatives = True
            elif depth == 1 and opens_with_group and first_end is None:
                first_branches += 1
        i += 1
    return alternatives, first_end, first_branches


def _finditer(scan, pattern, text: str):
    """The matches of ``pattern.finditer(text)``, found by searching with ``scan`` first
    (see ``_scan_pattern``)."""
    pos, size = 0, len(text)
    while pos <= size:
        found = scan.search(text, pos)
        if found is None:
            return
        start = found.start()
        m = pattern.match(text, start)
        if m is None:
            pos = start + 1
            continue
        yield m
        pos = max(m.end(), start + 1)


def _row_matches(row: dict, text: str, lower: Optional[str]):
    """A regex cue's matches in ``text``; lower: the text lower-cased when that keeps its
    length (then the faster lower-case patterns are used), else None."""
    if lower is None or row["lower_compiled"] is None:
        return row["compiled"].finditer(text)
    if row["scan_compiled"] is not None:
        return _finditer(row["scan_compiled"], row["lower_compiled"], lower)
    return row["lower_compiled"].finditer(lower)


def load_regex_cues(path: Optional[str] = None) -> list:
    """Regex cue rules, checked on load: one JSON object a line with label, id, regex
    (matched case-insensitively) and optionally not_after (a regex that must not match
    the text just before, for example a determiner: "a clear promise to") and after (a
    regex that must match in the 80 characters before; the cue then starts where it
    does). ``after`` lets a rare phrase be searched first, which is much faster.)"""
    path = Path(path) if path else PATTERN_DIR / "regex_cues.jsonl"
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not {"label", "id", "regex"} <= set(row) <= {"label", "id", "regex", "not_after", "after"}:
                raise ValueError(f"{path.name} line {number}: expected the keys label, id, regex "
                                 "and optionally not_after and after")
            try:
                row["compiled"] = re.compile(row["regex"], re.I)
                row["lower_compiled"] = _lower_pattern(row["regex"])
                row["scan_compiled"] = _scan_pattern(row["regex"]) if row["lower_compiled"] else None
                row["not_after_compiled"] = re.compile(row["not_after"], re.I) if "not_after" in row else None
                row["after_compiled"] = re.compile(row["after"], re.I) if "after" in row else None
            except re.error as e:
                raise ValueError(f"{path.name} line {number} ({row['id']}): bad regex ({e})") from None
            rows.append(row)
    return rows


class _Span:
    """A match span built from two matches (an 'after' lead and the cue itself)."""

    __slots__ = ("_start", "_end")

    def __init__(self, start: int, end: int):
        self._start, self._end = start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


@Language.factory("promiseaudit_regex_cues", default_config={"spans_key": CUES_KEY, "patterns_path": None})
def make_regex_cues(nlp: Language, name: str, spans_key: str, patterns_path: Optional[str]):
    return RegexCues(name, load_regex_cues(patterns_path), spans_key)


def _span_rows(doc: Doc, key: str) -> list:
    """(start_char, end_char, label, id, text) of each span of a group, by start: read
    from the token offsets in one pass (a Span's character offsets build Token objects)."""
    if key not in doc.spans or not len(doc):
        return []
    idx = doc.to_array("IDX").tolist()
    length = doc.to_array("LENGTH").tolist()
    text = doc_text(doc)
    rows = []
    for span in doc.spans[key]:
        if span.end <= span.start:
            continue
        start, end = idx[span.start], idx[span.end - 1] + length[span.end - 1]
        rows.append((start, end, span.label_, span.id_, text[start:end]))
    rows.sort(key=lambda r: r[0])
    return rows


class RegexCues:
    """Cues that need more than fixed phrases (numbers, "within N hours", "since 2004"),
    from patterns/regex_cues.jsonl, added to the same span group as the span ruler's.

    Python's re on the text is much faster here than token patterns with wildcards."""

    def __init__(self, name: str, rows: list, spans_key: str):
        self.name = name
        self.rows = rows
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        found = []
        if len(doc):
            starts = doc.to_array("IDX").astype(numpy.int64)
            ends = starts + doc.to_array("LENGTH").astype(numpy.int64)
            n = len(doc)
            lower = text.lower()
            same_length = len(lower) == len(text)  # a few letters lower-case to two characters
            for row in self.rows:
                label, span_id, not_after = row["label"], row["id"], row["not_after_compiled"]
                after = row["after_compiled"]
                for m in _row_matches(row, text, lower if same_length else None):
                    if not_after is not None and not_after.search(text, max(0, m.start() - 30), m.start()):
                        continue
                    if after is not None:
                        # The cue needs a phrase shortly before it; the cue span starts there.
                        lead = after.search(text, max(0, m.start() - 80), m.start())
                        if lead is None:
                            continue
                        m = _Span(lead.start(), m.end())
                    first = int(numpy.searchsorted(starts, m.start(), side="right")) - 1
                    last = int(numpy.searchsorted(ends, m.end(), side="left")) + 1
                    if 0 <= first < last <= n:
                        found.append(Span(doc, first, last, label=label, span_id=span_id))
        if self.spans_key in doc.spans:
            doc.spans[self.spans_key].extend(found)
        else:
            doc.spans[self.spans_key] = found
        return doc


# --------------------------------------------------------------------------- parties

@Language.factory("promiseaudit_parties", default_config={"lexicon_path": None})
def make_parties(nlp: Language, name: str, lexicon_path: Optional[str]):
    _ensure_extension("pa_context")
    _ensure_extension("pa_parties")
    return PartyDetector(name, load_lexicon(lexicon_path))


class PartyDetector:
    """Finds the seller's and the customer's names (``doc._.pa_parties``)."""

    def __init__(self, name: str, lexicon: dict):
        self.name = name
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        known = _context(doc).parties
        doc._.pa_parties = known if known is not None else detect_parties(source_text(doc),
                                                                           self.lexicon["parties"])
        return doc


# --------------------------------------------------------------------------- commitments

@Language.factory("promiseaudit_commitments",
                  default_config={"lexicon_path": None, "spans_key": CUES_KEY, "min_confidence": 0.3,
                                  "decider_path": None, "keep_features": False})
def make_commitments(nlp: Language, name: str, lexicon_path: Optional[str], spans_key: str,
                     min_confidence: float, decider_path: Optional[str], keep_features: bool):
    for ext in ("pa_context", "pa_units", "pa_parties", "pa_candidates", "pa_judgements", "pa_features",
                "pa_decisions"):
        _ensure_extension(ext)
    decider = learned.load_model(decider_path) if decider_path else None
    if decider_path and decider is None:
        raise ValueError(f"no trained model in {decider_path}: train one with 'promiseaudit train'")
    return CommitmentJudge(name, load_lexicon(lexicon_path), spans_key, min_confidence, decider, keep_features)


class CommitmentJudge:
    """Judges every unit and keeps the promises in ``doc._.pa_candidates``.

    Without a decider the rules decide. With one (a model trained by ``promiseaudit.training``),
    the rules' findings become the features of the model's decision on every unit
    (``learned.py``). ``doc._.pa_judgements`` keeps every unit's judgement (for
    explaining misses), ``doc._.pa_features`` the text the model read and
    ``doc._.pa_decisions`` the model's ``Decision`` on every unit (None without a model),
    whose label also says which units are the customer's duties.
    """

    def __init__(self, name: str, lexicon: dict, spans_key: str, min_confidence: float, decider=None,
                 keep_features: bool = False):
        self.name = name
        self.keep_features = keep_features
        self.lexicon = lexicon
        self.spans_key = spans_key
        self.min_confidence = min_confidence
        self.decider = decider
        self.threshold = decider[1].get("threshold", 0.5) if decider else None
        classify.compile_lexicon(lexicon)
        clock = lexicon["categories"]["clock_rule"]
        self._clock_action = re.compile(clock["action"], re.I)
        self._clock = re.compile(clock["clock"], re.I)

    def __call__(self, doc: Doc) -> Doc:
        units = doc._.pa_units or []
        parties = doc._.pa_parties
        if parties is None:
            parties = detect_parties(source_text(doc), self.lexicon["parties"])
        ctx = classify.Context.build(self.lexicon, parties)
        spans = _span_rows(doc, self.spans_key)
        starts = [s[0] for s in spans]
        cues_by_unit = [self._cues(u, spans, starts) for u in units]
        polarity: dict = {}
        candidates, judgements, fragments = [], [], []
        answered = _answered_requirements(units)
        for index, unit in enumerate(units):
            cues = cues_by_unit[index]
            fragment = False
            if index in answered:
                judgement = classify.Judgement(False, rule="restated_requirement",
                                               reason="the customer's requirement, followed by the answer")
            else:
                judgement, fragment = self._judge(index, unit, units, cues, cues_by_unit, ctx, polarity)
            judgements.append(judgement)
            fragments.append(fragment)
            if not judgement.promise:
                continue
            lead = units[unit.lead_in] if unit.lead_in is not None else None
            self._finish(judgement, unit, cues, lead, cues_by_unit[unit.lead_in] if lead else (), ctx, fragment)
            if self.decider is None and judgement.confidence >= self.min_confidence:
                candidates.append(Candidate(unit, judgement, lead.text if lead else "", fragment))
        if self.decider is not None:
            candidates = self._decide(doc, units, judgements, fragments, cues_by_unit, ctx)
        elif self.keep_features:
            doc._.pa_features = self._features(units, judgements, cues_by_unit, ctx)
        doc._.pa_candidates = candidates
        doc._.pa_judgements = judgements
        return doc

    @staticmethod
    def _features(units, judgements, cues_by_unit, ctx) -> list:
        out = []
        for i, (unit, judgement) in enumerate(zip(units, judgements)):
            lead, subject = "", None
            if unit.lead_in is not None:
                lead = units[unit.lead_in].text
            elif unit.subject_unit is not None:
                # "... and be on site within 4 hours": the model reads whose commitment
                # it is from the part that names the subject
                head = units[unit.subject_unit]
                lead = head.text
                commits = learned.commitments(head.text, cues_by_unit[unit.subject_unit], ctx)
                subject = commits[0][0] if commits else None
            out.append(learned.features(unit, judgement, cues_by_unit[i], ctx, lead, subject))
        return out

    def _decide(self, doc, units, judgements, fragments, cues_by_unit, ctx) -> list:
        """The trained model decides every unit; the rules' judgements are its features."""
        texts = self._features(units, judgements, cues_by_unit, ctx)
        doc._.pa_features = texts
        decisions = learned.decide(self.decider, texts)
        doc._.pa_decisions = decisions
        candidates = []
        for index, decision in enumerate(decisions):
            unit, judgement = units[index], judgements[index]
            if decision.promise_probability < self.threshold or len(unit.text.strip()) < 3:
                continue
            lead = units[unit.lead_in] if unit.lead_in is not None else None
            if not judgement.promise:
                judgement = classify.Judgement(True, rule=f"learned/{judgement.rule.split('/')[0] or 'unit'}",
                                               party=judgement.party, reason="the trained model reads a promise")
                judgements[index] = judgement
                self._finish(judgement, unit, cues_by_unit[index], lead,
                             cues_by_unit[unit.lead_in] if lead else (), ctx, fragments[index])
            rule_category = judgement.category
            judgement.category = decision.category
            judgement.confidence = round(decision.promise_probability, 2)
            if rule_category != decision.category:
                judgement.reason = f"{judgement.reason}; category {decision.category.replace('_', ' ')} (trained model)"
            candidates.append(Candidate(unit, judgement, lead.text if lead else "", fragments[index]))
        return candidates

    @staticmethod
    def _cues(unit: segment.Unit, spans, starts) -> list:
        lo = bisect.bisect_left(starts, unit.start)
        hi = bisect.bisect_left(starts, unit.end)
        out = []
        for start, end, label, span_id, text in spans[lo:hi]:
            if end <= unit.end:
                out.append(classify.Cue(label, span_id, start - unit.start, end - unit.start, text))
        return out

    def _judge(self, index, unit, units, cues, cues_by_unit, ctx, polarity):
        text = unit.text
        if unit.is_lead_in and unit.kind != "item":
            return classify.Judgement(False, rule="lead_in", reason="introduces a list"), False
        if unit.kind == "row":
            return classify.judge_row(unit.table.header, unit.table.cells, text, cues, ctx, unit.heading), False
        if len(text) < 8 or not re.search(r"[A-Za-z]{2}", text):
            return classify.Judgement(False, rule="too_short"), False
        if classify.RESTATED_REQUIREMENT.match(text) and not re.match(r"^\s*[*_]*(?:response|answer|reply)\b",
                                                                          text, re.I):
            return classify.Judgement(False, rule="restated_requirement",
                                      reason="the customer's requirement, quoted"), False
        if unit.kind == "item" and unit.first:
            has_anchor = bool(classify.anchors(cues))
            if unit.lead_in is not None:
                if unit.lead_in not in polarity:
                    lead = units[unit.lead_in]
                    polarity[unit.lead_in] = classify.judge_lead_in(lead.text, cues_by_unit[unit.lead_in], ctx,
                                                                    lead.heading)
                pol = polarity[unit.lead_in]
            else:
                pol = "neutral"
            if has_anchor:
                verdict = classify.judge_sentence(text, cues, ctx, unit.heading)
                if pol == "negative" and verdict.promise and verdict.party != "seller":
                    return classify.Judgement(False, rule="list_item/negative_lead_in",
                                              reason="listed under a customer duty or exclusion"), False
                return verdict, False
            if pol == "neutral" and not (classify._param_cue(cues) and classify._category_cue(cues, True, ctx.lexicon)):
                verdict = classify.judge_sentence(text, cues, ctx, unit.heading)
                if verdict.promise:
                    return verdict, False
            return classify.judge_fragment(text, cues, ctx, pol, unit.heading), True
        fieldish = classify.field_parts(text)
        if fieldish and not classify.anchors(cues):
            key, value = fieldish
            return classify.judge_field(key, value, text, cues, ctx, unit.heading), False
        return classify.judge_sentence(text, cues, ctx, unit.heading), False

    def _finish(self, judgement, unit, cues, lead, lead_cues, ctx, fragment):
        text = unit.text
        conditions = classify.conditions_of(text, cues)
        cond = conditions[0] if conditions else None
        judgement.condition = text[cond[0]:cond[1]].strip() if cond else None
        if cond is None and unit.kind == "item" and lead is not None:
            # "If your plan includes hosting, we will: - patch weekly; - ...": each item
            # is under the lead-in's condition
            lead_conditions = classify.conditions_of(lead.text, lead_cues)
            if lead_conditions:
                start, end = lead_conditions[0]
                judgement.condition = lead.text[start:end].strip()
        judgement.condition_span = cond
        judgement.other_conditions = tuple(conditions[1:])
        strength, hedges = classify.strength_of(cues, judgement.anchor, cond, text)
        if fragment and lead is not None:
            lead_strength, lead_hedges = classify.strength_of(lead_cues, None)
            if lead_strength == "soft":
                strength, hedges = "soft", hedges + lead_hedges
        judgement.strength = strength
        extra = []
        if lead is not None:
            extra.append((lead_cues, self.lexicon["categories"]["lead_in_weight"]))
        if unit.kind == "row" and unit.table and unit.table.header:
            header_text = " | ".join(unit.table.header)
            extra.append(([classify.Cue(c.label, c.id, -1, -1, c.text) for c in _header_cues(header_text, ctx)],
                          self.lexicon["categories"]["table_header_weight"]))
        # An introductory phrase ("Before handover, ...") sets the scene; it does not say
        # what is promised.
        intro = ctx.regex["intro"].match(text)
        intro_end = intro.end() if intro else 0
        bonus = {"table_row/dated": self.lexicon["categories"]["dated_row_bonus"],
                 "table_row/target": self.lexicon["categories"].get("target_row_bonus")}.get(judgement.rule)
        if unit.kind == "row" and unit.table and _REMEDY_HEADER.search(" | ".join(unit.table.header)):
            bonus = self.lexicon["categories"].get("remedy_row_bonus")  # "Availability | Service credit"
        category, why = classify.category_of(text, cues, ctx, unit.heading, extra, cond, intro_end,
                                             judgement.anchor, bonus)
        if category in ("support", "delivery", None) and self._clock_action.search(text) and self._clock.search(text):
            category, why = "service_level", ["a response, fix or arrival time with a clock"] + list(why or [])
        judgement.category = category
        conf = self.lexicon["confidence"]
        base_key = judgement.rule.split("/")[0]
        base = {
            "seller_modal": conf["seller_modal"], "neutral_modal": conf["neutral_modal"],
            "customer_modal": conf["customer_receives"], "seller_commit_verb": conf["seller_commit_verb"],
            "neutral_commit_verb": conf["neutral_commit_verb"], "customer_commit_verb": conf["neutral_commit_verb"],
            "seller_soft_commit": conf["soft_commit"], "neutral_soft_commit": conf["soft_commit"],
            "customer_soft_commit": conf["soft_commit"], "list_item": conf["list_item"],
            "table_row": conf["table_row"], "field": conf["field"],
        }.get(base_key, conf["present_service"])
        if strength == "soft":
            base -= conf["soft_penalty"]
        if not why:
            base -= conf["no_category_cue_penalty"]
        if classify.heading_class(unit.heading, ctx) == "background":
            base -= conf["background_penalty"]
        judgement.confidence = round(max(0.05, min(0.99, base)), 2)
        details = [judgement.reason] if judgement.reason else []
        if why:
            details.append(f"{category.replace('_', ' ')}: {', '.join(dict.fromkeys(why[:3]))}")
        if hedges:
            details.append(f"hedged: '{hedges[0]}'")
        if judgement.condition:
            details.append("conditional")
        judgement.reason = "; ".join(details)


_REMEDY_HEADER = re.compile(r"\b(?:service credits?|credits?|refunds?|rebates?|penalt(?:y|ies)|fee reduction|discount)\b", re.I)


_ANSWER_LABEL = re.compile(r"^\s*[*_]*(?:[A-Z][\w&.-]*\s+){0,3}?(?:response|answer|reply|compliance)\s*[*_]*\s*[:\-\u2013]",
                           re.I)
_REQUIREMENT_WORDS = re.compile(r"\b(?:shall|must|is required to|are required to|should be able to)\b", re.I)


def _answered_requirements(units) -> set:
    """RFP responses quote each requirement, then answer it ("Response: Comply. We will
    ..."). A 'shall'/'must' sentence right before an answer label is the requirement."""
    out = set()
    for i, unit in enumerate(units[1:], 1):
        if unit.kind == "row" or not _ANSWER_LABEL.match(unit.text):
            continue
        prev = units[i - 1]
        if prev.kind != "row" and not _ANSWER_LABEL.match(prev.text) and _REQUIREMENT_WORDS.search(prev.text) \
                and unit.block != prev.block:
            out.add(i - 1)
    return out


def _header_cues(header_text: str, ctx) -> list:
    """Category cues in a table header, found with plain word matching."""
    out = []
    rx = ctx.regex["heading_hints"]
    for cat, pattern in rx.items():
        m = pattern.search(header_text)
        if m:
            out.append(classify.Cue(f"CAT_{cat.upper()}_WEAK", f"header.{cat}", m.start(), m.end(), m.group(0)))
    return out


# --------------------------------------------------------------------------- parameters

@Language.factory("promiseaudit_parameters", default_config={})
def make_parameters(nlp: Language, name: str):
    for ext in ("pa_context", "pa_candidates"):
        _ensure_extension(ext)
    return ParameterFiller(name)


class ParameterFiller:
    """Adds dates, recurrence, quantities and thresholds to each candidate."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        ctx = _context(doc)
        for cand in doc._.pa_candidates or []:
            cand.params = parameters_for(cand.unit.text, cand.judgement.category, cand.lead_in_text,
                                         ctx.document_date, ctx.locale, cand.fragment,
                                         cand.judgement.condition_span, cand.judgement.other_conditions)
            table = cand.unit.table
            if cand.unit.kind == "row" and table is not None and table.header:
                row_parameters(table.header, table.cells, cand.params, cand.judgement.category,
                               ctx.document_date, ctx.locale)
        return doc

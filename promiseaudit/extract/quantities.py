"""The grammar of recurrences, quantities, thresholds and periods in proposal sentences.

Pure functions on strings, no spaCy:

- ``find_recurrence`` (from ``recurrence``, re-exported): "weekly status calls" -> "weekly".
- ``find_quantity``: "three remote training sessions" -> 3 "session". Durations,
  percentages, money, dates, times, "Phase 2" and "24/7" are not counts; "a" / "an"
  never count, the word "one" does.
- ``find_threshold``: a measured level: "at least 99.9%", "respond within 1 hour",
  "under 2 seconds". When a time limit and a percentage share a sentence ("95% of calls
  answered within 30 seconds") the time limit is returned: it is the level the
  promise is checked against.
- ``find_period``: how long a warranty or price hold lasts ("a 12-month warranty",
  "prices held for 24 months") as an ``at_least`` threshold in day/week/month/year.
- ``parse_number``: "twenty-four", "1,200", "a dozen", "two and a half".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from promiseaudit.extract.dates import event_at, find_date_matches
from promiseaudit.extract.recurrence import find_recurrence, in_condition
from promiseaudit.extract.patterns.quantities_numbers import (
    load_lexicon,
    number_grammar,
    number_starts,
    parse_number,
)

__all__ = [
    "Quantity",
    "Threshold",
    "find_recurrence",
    "find_quantity",
    "find_threshold",
    "find_period",
    "parse_number",
    "find_action",
    "find_bare_level",
    "singularise",
]


@dataclass(frozen=True)
class Quantity:
    """How many of what: ``quantity`` of ``unit`` (lowercase singular head noun)."""

    quantity: float
    unit: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Threshold:
    """A measured level. direction: "at_least" or "at_most"; unit: "%", "ms", "second",
    "minute", "hour", "business_hour", "day", "business_day", "week", "month", "year"
    or a rate ("mbps")."""

    threshold: float
    unit: str
    direction: str
    start: int
    end: int
    text: str


_NORMALISE = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2212": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2018": "'",
    "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2265": ">", "\u2264": "<",
})
_GE, _LE = "\u2265", "\u2264"


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_AT_MOST = (
    r"within|inside\s+of|inside|in\s+under|in\s+less\s+than|in\s+no\s+more\s+than|"
    r"under|below|less\s+than|no\s+more\s+than|not\s+more\s+than|no\s+longer\s+than|"
    r"not\s+longer\s+than|(?:will|shall|does|do|must|should)\s+not\s+exceed|"
    r"not\s+(?:to\s+)?exceed(?:ing)?|never\s+exceed(?:ing)?|a\s+maximum\s+of|"
    r"maximum\s+of|maximum|max\.?(?:\s+of)?|at\s+most|up\s+to|no\s+later\s+than|"
    r"lower\s+than|fewer\s+than|shorter\s+than|faster\s+than|quicker\s+than|"
    r"capped\s+at|limited\s+to|cap\s+of|ceiling\s+of|sub-|<=|<"
)
_AT_LEAST = (
    r"at\s+least|a\s+minimum\s+of|minimum\s+of|minimum|min\.?(?:\s+of)?|"
    r"no\s+less\s+than|not\s+less\s+than|no\s+fewer\s+than|not\s+fewer\s+than|"
    r"no\s+lower\s+than|not\s+lower\s+than|more\s+than|greater\s+than|higher\s+than|"
    r"better\s+than|in\s+excess\s+of|over|above|exceeding|exceeds|exceed|upwards\s+of|"
    r"guaranteed|>=|>"
)
# Leads that make sense before a time: "over the next 3 months" is no threshold.
_AT_LEAST_TIME = (
    r"at\s+least|a\s+minimum\s+of|minimum\s+of|minimum|no\s+less\s+than|not\s+less\s+than|"
    r"more\s+than|longer\s+than|in\s+excess\s+of|exceeding|exceeds|exceed"
)
# "within 20 miles" of a venue or "up to 450 attendees" are no measured levels.
_MEASURE_LEADS = (
    r"at\s+least|a\s+minimum\s+of|minimum\s+of|no\s+less\s+than|not\s+less\s+than|"
    r"no\s+more\s+than|not\s+more\s+than|less\s+than|under|below|a\s+maximum\s+of|"
    r"maximum\s+of|at\s+most|(?:will|shall|does|must)\s+not\s+exceed|not\s+exceed(?:ing)?"
)
_COUNT_LEADS = (
    r"(?:no|not)\s+more\s+than|(?:no|not)\s+fewer\s+than|at\s+least|in\s+excess\s+of|"
    r"more\s+than|fewer\s+than|(?:will|shall|does|must)\s+not\s+exceed|below|under"
)
_MEASURE_UNITS = {
    "mm": "mm", "millimetre": "mm", "millimetres": "mm", "millimeter": "mm", "millimeters": "mm",
    "cm": "cm", "centimetre": "cm", "centimetres": "cm", "centimeter": "cm", "centimeters": "cm",
    "m": "meter", "metre": "meter", "metres": "meter", "meter": "meter", "meters": "meter",
    "km": "km", "kilometre": "km", "kilometres": "km", "kilometer": "km", "kilometers": "km",
    "ft": "foot", "feet": "foot", "foot": "foot", "inch": "inch", "inches": "inch",
    "mile": "mile", "miles": "mile", "kg": "kg", "kilogram": "kg", "kilograms": "kg",
    "tonne": "tonne", "tonnes": "tonne", "kw": "kw", "kwh": "kwh", "kwp": "kwp", "mw": "mw",
    "mwh": "mwh", "db": "db", "lux": "lux", "°c": "°c", "°f": "°f", "degrees": "degree",
    "litre": "litre", "litres": "litre", "liter": "liter", "liters": "liter",
}
_TIME_UNIT = (r"(?P<bus>business|working|work|office|clock)?[\s-]*"
              r"(?P<unit>milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|hours?|"
              r"hrs?|h|days?|weeks?|wks?|months?|years?|yrs?)(?![\w-])")
_RESPONSE_NOUNS = (
    r"response|resolution|fix|repair|turnaround|turn-around|restoration|restore|callback|"
    r"call-back|attendance|acknowledge?ment|reaction|replacement|swap|dispatch|on-?site|"
    r"engineer|recovery|rto|rpo|sla|remediation|escalation|answer"
)
_MEASURE_NOUNS = (
    r"response|resolution|fix|repair|turnaround|turn-around|restoration|load|page[- ]load|"
    r"latency|wait|waiting|queue|answer|recovery|rto|rpo|processing|delivery|dispatch|"
    r"attendance|arrival|callback|call-back|acknowledge?ment|reaction|lead|replacement"
)
_NEGATIVE_METRICS = (
    r"downtime|error|errors|defect|defects|loss|abandon\w*|churn|failure|failures|"
    r"increase|increases|rise|rises|uplift|escalat\w*|overrun|variance|false\s+positive|"
    r"rework|outage|unavailab\w*|latency|deviation|shrinkage|wastage|scrap|returns"
)


@dataclass(frozen=True)
class _QGrammar:
    number: re.Pattern
    token: re.Pattern
    masks: tuple
    number_masks: re.Pattern
    time_units: dict
    measure_units: frozenset
    money_words: frozenset
    label_words: frozenset
    duration_modifiers: frozenset
    stops: frozenset
    late_stops: frozenset
    plurals: dict
    not_plural: frozenset
    time_forms: tuple
    percent: re.Pattern
    rate: re.Pattern
    measure: re.Pattern
    count: re.Pattern
    period_forms: tuple
    negative: re.Pattern
    response_near: re.Pattern
    time_gate: frozenset
    measure_gate: frozenset
    period_gate: frozenset


@lru_cache(maxsize=1)
def _grammar() -> _QGrammar:
    units = load_lexicon("quantities_units.json")
    num = number_grammar().pattern
    # What is never a count: money, times, "24x7", versions, phone numbers, codes, ...
    # Three passes, each opening with something the regex engine can skip to quickly.
    masks = (
        re.compile(
            r"(?:[$£€¥]|\b(?:USD|GBP|EUR|AUD|CAD|NZD|CHF|INR|A\$|NZ\$|US\$|C\$)\s?)\s?"
            r"\d[\d,]*(?:\.\d+)?(?:\s*(?:k|m|bn|million|billion|thousand)\b)?"
            r"|\+\d[\d\s().-]{6,}\d|\(\d{3}\)\s*\d{3}-\d{4}", re.I),
        re.compile(
            r"\b[A-Z]{1,5}-?\d+[A-Z\d-]*\b|\bv\d+(?:\.\d+)+\b|\b(?:twenty-four|Twenty-four)"
            r"\s*(?:x|×|/|by)\s*(?:7|seven)\b"),
        re.compile("|".join(f"(?:{p})" for p in (
            r"\b\d[\d,]*(?:\.\d+)?\s*(?:dollars|pounds|euros|USD|GBP|EUR|AUD|CAD|NZD|pence|cents)\b",
            r"\b\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)(?!\w)",
            r"\b\d{1,2}:\d{2}(?::\d{2})?\b",
            r"\b24\s*(?:x|×|/|by)\s*(?:7|seven)(?:\s*(?:x|×|/)\s*365)?\b",
            r"\b\d+\s*[x×]\s*\d+\b(?!-)",
            r"\b\d+(?:\.\d+){2,}\b",
            r"\b\d{3}-\d{3}-\d{4}\b",
            r"\b\d+[A-Za-z]+\d+\w*\b",
            r"\b(?:19|20)\d{2}/\d{2,4}\b",
            r"\b\d+(?:st|nd|rd|th)\b",
            r"\b\d+(?:\.\d+)?\s*/\s*\d+\b",
        )), re.I),
    )
    # The same, opening with a number: matched only where numbers start.
    number_masks = re.compile(
        rf"{num}\s*(?:%|per\s*cent|percent|pct\b)|{num}\s+out\s+of\s+{num}", re.I)
    tunit = _TIME_UNIT
    n = rf"(?P<n>{num}|an?|one|the)"
    time_forms = (
        ("lead", re.compile(
            rf"(?<![\w-])(?P<lead>{_AT_MOST}|{_AT_LEAST_TIME})\s*(?:the\s+)?(?:first\s+)?{n}\s*{tunit}",
            re.I)),
        ("tail", re.compile(
            rf"(?P<n>{num})[\s-]*{tunit}\s*(?:\(\s*[\w\s]+\)\s*)?(?P<tail>or\s+(?:less|fewer|under|"
            r"shorter|sooner|quicker|faster|better|below|lower|more|longer|above|greater|higher|"
            r"over))\b", re.I)),
        ("compound", re.compile(
            rf"(?P<n>{num})[\s-]*{tunit}[\s-]+(?:guaranteed\s+|maximum\s+|max\s+|target\s+|"
            rf"emergency\s+|average\s+|initial\s+|first\s+|engineer\s+)?(?:{_RESPONSE_NOUNS})\b",
            re.I)),
        ("noun", re.compile(
            rf"(?:{_MEASURE_NOUNS})\s+(?:(?:time|times|target|sla|objective)\s+){{0,2}}"
            rf"(?:\([A-Za-z]+\)\s+)?(?:of\s+|is\s+|are\s+|(?:will|shall|must)\s+be\s+|:\s*|=\s*)?"
            rf"(?:{num}\s*(?:-|to)\s*)?{n}[\s-]*{tunit}",  # "turnaround is three to five days": 5
            re.I)),
        # "Vendor shall have fifteen (15) days to correct the defect"
        ("cure", re.compile(
            rf"(?<![\w-])(?:shall|will|would)\s+have\s+{n}\s*{tunit}\s+(?:in\s+which\s+|within\s+which\s+)?"
            r"to\s+(?:correct|cure|fix|remedy|repair|resolve|replace|respond|restore|rectify)\b", re.I)),
        ("next_day", re.compile(
            r"(?<![\w-])(?:next|same)[\s-]+(?P<bus>business|working)?[\s-]*day\b", re.I)),
        ("sub", re.compile(r"(?<![\w-])sub-?(?P<unit>second|minute|millisecond)\b", re.I)),
        ("in", re.compile(rf"(?<![\w-])in\s+(?P<n>{num}|an?|one)\s*{tunit}", re.I)),
        ("every", re.compile(
            rf"(?<![\w-])every\s+(?P<n>{num})\s*(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?)"
            r"(?![\w-])", re.I)),
    )
    measure_units = _alt(_MEASURE_UNITS)
    measure = re.compile(
        rf"(?<![\w-])(?P<lead>{_MEASURE_LEADS}|to\s+within|to\s+a\s+(?:depth|height|"
        r"thickness|width|minimum|level)\s+of|(?:depth|height|thickness|width|diameter|"
        rf"clearance|coverage)\s+of)\s+(?P<n>{num})\s*(?P<unit>{measure_units})(?![\w-])", re.I)
    count = re.compile(
        rf"(?<![\w-])(?P<lead>{_COUNT_LEADS})\s+(?P<n>{num})(?=\s)", re.I)
    percent = re.compile(
        rf"(?:(?<![\w-])(?P<lead>{_AT_MOST}|{_AT_LEAST}|up\s+to)\s*(?:of\s+)?)?"
        rf"(?P<n>\d+,\d{{1,2}}(?=\s*%)|{num})\s*(?:%|per\s*cent\b|percent\b|pct\b)"
        r"(?P<tail>\s+or\s+(?:more|higher|greater|above|better|over|less|lower|fewer|below|"
        r"under|worse))?", re.I)
    rate = re.compile(
        rf"(?:(?<![\w-])(?P<lead>{_AT_MOST}|{_AT_LEAST}|up\s+to)\s*)?(?P<n>{num})\s*"
        r"(?P<unit>[MGK]bps|[MGK]b/s|tps|rps)\b", re.I)
    punit = r"(?P<unit>years?|yrs?|months?|mos?|weeks?|days?)"
    hunit = r"(?P<unit>years?|yrs?|months?|mos?|weeks?|days?|hours?|hrs?)"
    period_nouns = (r"warrant(?:y|ies)|guarantee|guaranty|defects?\s+liability|"
                    r"price\s+(?:hold|lock|freeze|protection|guarantee)|rate\s+lock|term|"
                    r"subscription|support|maintenance|cover|coverage|licen[cs]es?|"
                    r"hypercare|period|service\s+plan|care\s+plan|commitment|training|"
                    r"induction|coaching|consult\w*|mentoring|onboarding|monitoring|access")
    period_adj = (r"(?:(?:parts?\s+(?:and|&)\s+labou?r|full|comprehensive|limited|"
                  r"manufacturer'?s?|extended|product|performance|workmanship|on-?site|"
                  r"free|standard|no-quibble|fixed|initial|minimum|post-go-live|"
                  r"post-installation|of)\s+)*")
    period_forms = (
        re.compile(rf"(?P<n>{num})[\s-]*{hunit}'?\s*(?:\(\s*\d+\s*\)\s*)?(?:of\s+)?"
                   rf"{period_adj}(?:[\w&'-]+\s+){{0,4}}?(?:{period_nouns})\b", re.I),
        re.compile(rf"(?:warrant(?:y|ies|ed|s)?|guarantee[ds]?|held|hold|holds|fixed|frozen|"
                   rf"locked|firm|valid|honou?red|protected|maintained|covered|covers?|"
                   rf"supported|extends?|extended|lasts?|runs?|apply|applies|applicable|"
                   rf"remain(?:s)?(?:\s+\w+)?)\s+(?:[\w-]+\s+){{0,4}}?for\s+(?:a\s+(?:period|"
                   rf"term|minimum)\s+of\s+|at\s+least\s+|a\s+further\s+|an\s+additional\s+|"
                   rf"the\s+first\s+|up\s+to\s+|a\s+full\s+|the\s+full\s+|a\s+minimum\s+of\s+)?"
                   rf"(?P<n>{num}|an?|one)\s*(?:\(\s*\d+\s*\)\s*)?(?:full\s+)?{punit}(?![\w-])", re.I),
        re.compile(rf"(?:warranty|guarantee|term|hold|period|cover|coverage|validity)\s+"
                   rf"(?:period\s+)?(?:of|is|:|lasts?|runs?\s+for|for|will\s+be)\s+"
                   rf"(?:at\s+least\s+|a\s+minimum\s+of\s+)?(?P<n>{num}|an?|one)\s*"
                   rf"(?:\(\s*\d+\s*\)\s*)?{punit}(?![\w-])", re.I),
        re.compile(rf"(?<![\w-])for\s+(?:a\s+(?:period|term)\s+of\s+|the\s+first\s+|"
                   rf"at\s+least\s+|a\s+minimum\s+of\s+|a\s+full\s+|a\s+further\s+|"
                   rf"an\s+additional\s+)?(?P<n>{num}|an?|one)\s*(?:\(\s*\d+\s*\)\s*)?"
                   rf"(?:full\s+|calendar\s+)?{punit}(?![\w-])", re.I),
    )
    return _QGrammar(
        number=re.compile(rf"(?P<num>{num})(?![\w½¼¾]|[.,/:]\d|-\w|\s*%)", re.I),
        token=re.compile(r"\s*(?:[x×]\s+)?([A-Za-z][\w'&/-]*|\d+(?:\.\d+)?-[A-Za-z][\w-]*)"),
        masks=masks,
        number_masks=number_masks,
        time_units=units["time_units"],
        measure_units=frozenset(units["measure_units"]),
        money_words=frozenset(units["money_words"]),
        label_words=frozenset(units["label_words"]),
        duration_modifiers=frozenset(units["duration_quantity_modifiers"]),
        stops=frozenset(units["stop_words"]),
        late_stops=frozenset(units["adjective_stops_after_noun_only"]),
        plurals=units["plurals"],
        not_plural=frozenset(units["not_plural"]),
        time_forms=time_forms,
        percent=percent,
        rate=rate,
        measure=measure,
        count=count,
        period_forms=period_forms,
        negative=re.compile(rf"\b(?:{_NEGATIVE_METRICS})\b", re.I),
        time_gate=frozenset(list(units["time_units"]) + ["next", "same", "sub", "hour"]),
        measure_gate=frozenset(k for k in _MEASURE_UNITS if k.isalpha()),
        period_gate=frozenset(k for k, v in units["time_units"].items()
                              if v in ("hour", "day", "week", "month", "year")),
        response_near=re.compile(
            r"\b(?:respond\w*|response|resolv\w*|resolution|fix\w*|restor\w*|repair\w*|"
            r"answer\w*|acknowledg\w*|arriv\w*|attend\w*|on-?site|turn\w*\s+around|"
            r"return\w*|replac\w*|dispatch\w*|load\w*|recover\w*|callback|call\s+back|"
            r"escalat\w*)\b", re.I),
    )


def _normalise(text: str) -> str:
    return text.translate(_NORMALISE)


_WORDS = re.compile(r"[A-Za-z]+")
_COUNT_GATE = frozenset(("more", "fewer", "least", "excess", "exceed", "below", "under"))
def _words(norm: str) -> frozenset:
    """The lowercase words of a text, for cheap gates before the regular expressions."""
    return frozenset(w.lower() for w in _WORDS.findall(norm))


# --------------------------------------------------------------------------- quantity


def singularise(word: str) -> str:
    """Lowercase singular of an English noun: "sessions" -> "session",
    "deliveries" -> "delivery", "analyses" -> "analysis", "staff" -> "staff"."""
    g = _grammar()
    if re.fullmatch(r"[A-Z][A-Z0-9]+'?s", word):
        return word[:-1].rstrip("'").lower()  # KPIs, APIs, PCs
    w = word.lower().strip("'")
    if "-" in w:
        head, _, last = w.rpartition("-")
        return f"{head}-{singularise(last)}" if last else w
    if w in g.plurals:
        return g.plurals[w]
    if w in g.not_plural or len(w) <= 2:
        return w
    if w.endswith("'s"):
        return w[:-2]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return w[:-2]
    if w.endswith(("ss", "us", "is")):
        return w
    if w.endswith("s"):
        return w[:-1]
    return w


def _is_plural(word: str, head: bool = False) -> bool:
    """Whether a word is a plural noun; ``head`` also accepts mass plurals ("data")."""
    w = word.lower()
    if w in ("staff", "personnel", "people"):
        return True
    if head and w in ("data", "media", "equipment", "series", "hardware", "software"):
        return True
    return singularise(word) != w


def _mask(text: str, g: _QGrammar) -> str:
    chars = list(text)
    spans = [(m.start, m.end) for m in find_date_matches(text)]
    for pattern in g.masks:
        spans.extend(m.span() for m in pattern.finditer(text))
    if "%" in text or _PERCENT_GATE.search(text) or "out of" in text:
        for pos in number_starts(text):
            m = g.number_masks.match(text, pos)
            if m:
                spans.append(m.span())
    for s, e in spans:
        chars[s:e] = "#" * (e - s)
    return "".join(chars)


_CAPITAL_OK = frozenset((
    "all", "up", "to", "the", "a", "an", "our", "we", "with", "and", "or", "plus",
    "including", "over", "about", "approximately", "around", "total", "some", "at",
    "least", "of", "for", "in", "on", "by", "additional", "extra", "further", "another",
    "every", "each", "minimum", "maximum", "only", "just", "exactly", "than", "then",
    "also", "these", "those", "its", "your", "their", "will", "shall", "i", "is", "are",
))


def _skip_for_prefix(text: str, start: int, g: _QGrammar, in_words: bool = False) -> bool:
    """True when the word before the number names a thing ('Phase 2', 'Windows 11').
    A number in words after a name is a count ("provide to TAG one copy")."""
    before = text[:start]
    prev = re.search(r"([A-Za-z][\w.&-]*)\W{0,2}$", before)
    if not prev:
        return bool(re.search(r"[#$£€¥]\s*$", before))
    word = prev.group(1)
    low = word.lower().rstrip(".")
    if low in g.label_words:
        return True
    if word[0].isupper() and low not in _CAPITAL_OK and not in_words:
        lead = before[:prev.start()]
        if lead.strip(" \t\n-*•·|:>([\"'") == "" or re.search(r"[.:;|•]\s*$", lead):
            return False  # a capitalised first word ("Provide 3 sessions")
        return True
    return False


# What is done to the counted things, in the past tense, for the audit's words
# ("12/340 gateways installed"); "delivered" when the wording says nothing more.
_ACTIONS = (
    (re.compile(r"\binstall", re.I), "installed"),
    (re.compile(r"\bmigrat", re.I), "migrated"),
    (re.compile(r"\b(?:hold|held|run|conduct|organi[sz]e)\b", re.I), "held"),
    (re.compile(r"\btrain", re.I), "delivered"),
    (re.compile(r"\breplac", re.I), "replaced"),
    (re.compile(r"\bship", re.I), "shipped"),
    (re.compile(r"\bset ?up\b", re.I), "set up"),
)


def find_action(sentence: str) -> str:
    """The past-tense verb for what a counted promise does: "installed", "held"..."""
    for pattern, verb in _ACTIONS:
        if pattern.search(sentence):
            return verb
    return "delivered"


def find_quantity(sentence: str) -> Quantity | None:
    """The first counted deliverable in a sentence, or None.

    "three remote training sessions" -> 3 "session"; "all 340 vehicles" -> 340
    "vehicle"; "up to 24 staff" -> 24 "staff"; "twelve (12) workshops" -> 12
    "workshop". Not counts: durations ("two-hour sessions", "3 weeks"), percentages,
    money, dates, times, "Phase 2", "24/7", "a dedicated manager".
    """
    if not sentence:
        return None
    g = _grammar()
    norm = _normalise(sentence)
    starts = number_starts(norm, articles=False)
    if not starts:
        return None
    masked = _mask(norm, g)
    for pos in starts:
        m = g.number.match(masked, pos)
        if m is None:
            continue
        number_text = m.group("num")
        if _YEAR.fullmatch(number_text):
            continue  # "the 2025 awards night"
        if _DOTTED_THOUSANDS.fullmatch(number_text):
            value = float(number_text.replace(".", ""))  # "14.000 articles"
        else:
            value = parse_number(number_text)
        if value is None or value <= 0 or (value * 2) % 1:
            continue  # 2.2 garden beds: a section number; 1.5 FTE is fine
        if _SECTION_NUMBER.match(norm, m.start()) and not norm[:m.start()].strip(" \t-*•|>#"):
            continue  # "4.4 First-fix services ..." opens with its section number
        if number_text[0].isupper() and number_text[1:].islower() and \
                norm[:m.start()].strip(" \t-*•|>#(\"'") and \
                re.match(r"\s+[A-Z]", norm[m.end():]):
            continue  # "One Wapping Wharf": part of a name
        if _skip_for_prefix(norm, m.start(), g, number_text[0].islower()) or \
                _LIMIT_BEFORE.search(norm[:m.start()]):
            continue
        head = _counted_noun(masked, m.end(), value, number_text, g)
        if head is None:
            continue
        unit, end = head
        if value == 1 and _RATIO_AFTER.match(masked, end):
            continue  # "one gateway per branch" is a ratio, not a count
        return Quantity(value, unit, m.start(), end, sentence[m.start():end])
    return None


_AFTER_NOUN_ADVERBS = frozenset(("annually", "monthly", "weekly", "daily", "quarterly", "yearly", "biweekly",
                                 "fortnightly", "hourly", "nightly", "promptly", "immediately", "only"))
_YEAR = re.compile(r"(?:19|20)\d\d")
_SECTION_NUMBER = re.compile(r"\d+(?:\.\d+)+\.?\s")
_DOTTED_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_LIMIT_BEFORE = re.compile(
    r"\b(?:(?:no|not|never)\s+(?:[\w-]+\s+){0,3}?more\s+than|fewer\s+than|less\s+than|at\s+most|"
    r"(?:a\s+)?maximum\s+of|below|under)\s*$", re.I)
_RATIO_AFTER = re.compile(r"\s+(?:per|for\s+each|for\s+every|in\s+each|at\s+each|each|a|an)\b",
                          re.I)
_PARTITIVE = re.compile(
    r"\s*of\s+(?:(?:your|our|their|its|his|her|these|those|the)\s+)?(?:[A-Za-z][\w&-]*'s\s+)?",
    re.I)
_MEASURED = re.compile(r"\s*\d+(?:\.\d+)?\s*-?\s*([A-Za-z°²]+)\b")


def _counted_noun(text: str, pos: int, value: float, number_text: str,
                  g: _QGrammar) -> tuple[str, int] | None:
    """The counted noun after a number: (unit, end offset) or None."""
    words: list[tuple[str, int]] = []
    while len(words) < 5:
        measured = _MEASURED.match(text, pos)
        if measured and measured.group(1).lower() in g.measure_units:
            pos = measured.end()  # "three 110 kW string inverters"
            continue
        t = g.token.match(text, pos)
        if not t:
            break
        word = t.group(1)
        low = word.lower().strip("'")
        if not words and low == "of":
            partitive = _PARTITIVE.match(text, pos)
            if partitive and partitive.end() - partitive.start() > len(t.group()):
                pos = partitive.end()  # "up to 8 of your planners"
                continue
        if not words:
            base = low[:-2] if low.endswith("'s") else low
            acronym = word.isupper() and len(word) > 1  # "HR" is a department, not hours
            if (base in g.time_units and not acronym) or low in g.measure_units \
                    or low in g.money_words:
                return None
            if low in ("business", "working", "calendar", "full", "half", "whole", "clear",
                       "consecutive") and _next_is_time(text, t.end(), g):
                return None
        if low in ("and", "&") and words and value != 1 and \
                not _is_plural(last_part(words[-1][0])):
            pos = t.end()  # "20 of your HR and payroll administrators"
            continue
        if low in g.stops and not (low in g.late_stops and not words):
            break
        if words and low in _AFTER_NOUN_ADVERBS:
            break  # "one (1) test annually": the test is counted
        words.append((word, t.end(1)))
        pos = t.end()
        if word[0].isupper() and not word.isupper():
            model = re.match(r"\s+\d+(?:\.\d+)?\b(?![.,/:]\d)", text[pos:])
            if model:  # "120 Windows 11 laptops": a product name, not the counted noun
                pos += model.end()
                continue
        if value != 1 and _is_plural(last_part(word)):
            break
    if not words:
        return None
    head, end = words[-1]
    low = head.lower()
    last = low.rsplit("-", 1)[-1]
    if not re.fullmatch(r"[a-z][a-z'&/-]*[a-z]", low):
        return None
    if value != 1 and not _is_plural(last_part(head), head=True):
        return None
    if value == 1 and (_is_plural(last_part(head)) or number_text.lower() in ("a", "an")):
        return None
    if last in g.time_units:
        mods = {w.lower() for w, _ in words[:-1]} | set(low.split("-")[:-1])
        if not mods & g.duration_modifiers:
            return None
    if last in g.measure_units or low in g.stops:
        return None
    return singularise(head), end


def last_part(word: str) -> str:
    """The last part of a hyphenated word, keeping its case ("on-site visits" -> "visits")."""
    return word.rsplit("-", 1)[-1]


def _next_is_time(text: str, pos: int, g: _QGrammar) -> bool:
    t = g.token.match(text, pos)
    return bool(t) and t.group(1).lower() in g.time_units


# --------------------------------------------------------------------------- thresholds


def _time_unit(m: re.Match, g: _QGrammar) -> str | None:
    raw = (m.group("unit") or "").lower()
    unit = g.time_units.get(raw)
    if unit is None:
        return None
    if unit == "fortnight":
        unit = "week"
    bus = (m.groupdict().get("bus") or "").lower()
    if bus in ("business", "working", "work", "office") and unit in ("hour", "day"):
        return "business_" + unit
    return unit


def _value(m: re.Match) -> float | None:
    text = m.group("n").strip().lower()
    if text in ("a", "an", "one", "the"):
        return 1.0
    return parse_number(text)


def _direction(lead: str | None, tail: str | None, default: str,
               before: str = "", higher_is_better: bool = False,
               breach: bool = False) -> str:
    """at_least / at_most from the comparison words. ``breach``: the level sits in a
    condition describing a failure ("If uptime falls below 99.9%, we credit ..."), so
    the promise is the opposite of the comparison."""
    if lead and re.search(r"\b(?:not|never|no)\b(?:\s+[\w-]+){0,3}\s*$", before, re.I) \
            and re.match(_AT_LEAST, lead.lower()):
        return "at_most"  # "will not increase by more than 3%"
    lead = (lead or "").lower()
    tail = (tail or "").lower()
    if tail:
        if "better" in tail:
            found = "at_least" if higher_is_better else "at_most"
        elif "worse" in tail:
            found = "at_most" if higher_is_better else "at_least"
        else:
            found = "at_most" if re.search(r"less|fewer|under|shorter|sooner|quicker|faster|"
                                           r"below|lower", tail) else "at_least"
    elif lead:
        found = "at_least" if re.match(_AT_LEAST, lead) and not re.match(
            r"up\s+to", lead) else "at_most"
        if breach and not re.match(r"within|inside|up\s+to|at\s+(?:least|most)|a?\s*"
                                   r"(?:minimum|maximum)|min|max", lead):
            found = "at_least" if found == "at_most" else "at_most"
    else:
        found = default
    return found


def _in_condition(norm: str, start: int, g: _QGrammar) -> bool:
    return in_condition(norm, start)


def _deadline_follows(norm: str, end: int, unit: str, value: float) -> bool:
    """'within 45 days of contract signature' is a deadline, not a threshold; so is
    'within 48 hours of signing' (whole days after a project event)."""
    if unit == "hour" and value % 24 == 0:
        return event_at(norm, end) in ("signature", "kickoff", "go_live")
    if unit not in ("day", "business_day", "week", "month", "year"):
        return False
    return event_at(norm, end) is not None


_NUMBER_FIRST = ("tail", "compound")


def _time_threshold(norm: str, g: _QGrammar) -> Threshold | None:
    best = None
    starts = None
    for kind, pattern in g.time_forms:
        if kind in _NUMBER_FIRST:
            if starts is None:
                starts = number_starts(norm)
            matches = (m for m in (pattern.match(norm, p) for p in starts) if m)
        else:
            matches = pattern.finditer(norm)
        for m in matches:
            if best is not None and m.start() >= best.start:
                break
            found = _read_time(kind, m, norm, g)
            if found is not None:
                best = found
                break
    return best


def _read_time(kind: str, m: re.Match, norm: str, g: _QGrammar) -> Threshold | None:
    if kind == "next_day":
        unit = "business_day" if m.group("bus") else "day"
        return Threshold(1.0, unit, "at_most", m.start(), m.end(), m.group())
    if kind == "sub":
        unit = {"second": "second", "minute": "minute", "millisecond": "ms"}[
            m.group("unit").lower()]
        return Threshold(1.0, unit, "at_most", m.start(), m.end(), m.group())
    unit = _time_unit(m, g)
    value = _value(m)
    if unit is None or value is None:
        return None
    if m.group("unit").lower() in ("s", "h") and not re.match(r"\d", m.group("n")):
        return None
    if kind == "in" and not g.response_near.search(norm[max(0, m.start() - 50):m.start()]):
        return None
    gd = m.groupdict()
    direction = _direction(gd.get("lead"), gd.get("tail"), "at_most",
                           norm[max(0, m.start() - 40):m.start()],
                           breach=_in_condition(norm, m.start(), g))
    if kind == "lead" and _deadline_follows(norm, m.end(), unit, value):
        return None
    if kind in ("in", "lead") and unit in ("day", "week", "month", "year") and \
            re.search(r"\b(?:before|prior\s+to|ahead\s+of)\b", norm[m.end():m.end() + 12], re.I):
        return None
    return Threshold(value, unit, direction, m.start(), m.end(), m.group())


# A value that is only a time limit or a level: a table cell or the value of a field
# ("15 minutes", "< 4 business hours", "1 business day", "99.9%", "NBD").
_BARE_TIME = re.compile(
    r"^\s*(?P<lead>(?:<|<=|\u2264|less\s+than|under|within|up\s+to|no\s+more\s+than|not\s+more\s+than|"
    r"max(?:imum)?\.?|at\s+most)\s*)?(?P<n>\d{1,4}(?:[.,]\d+)?|[a-z]+(?:[- ][a-z]+)?)\s*"
    r"(?:\(\s*\w+\s*\)\s*)?(?P<bus>(?:business|working|work|office|clock)\s+)?"
    r"(?P<unit>minutes?|mins?|hours?|hrs?|h|days?|weeks?|months?|seconds?|secs?|ms)\.?\s*"
    r"(?P<tail>or\s+less|or\s+sooner|max(?:imum)?\.?)?\s*\.?$", re.I)
_BARE_PERCENT = re.compile(r"^\s*(?P<lead>(?:>|>=|\u2265|at\s+least|min(?:imum)?\.?|over)\s*)?"
                           r"(?P<n>\d{2,3}(?:[.,]\d+)?)\s*%\s*(?P<tail>or\s+(?:more|higher|better|above))?\s*\.?$", re.I)
_NEXT_DAY = re.compile(r"^\s*(?:nbd|next\s+business\s+day|next\s+working\s+day)\s*\.?$", re.I)


def find_bare_level(cell: str) -> Threshold | None:
    """The level a cell or field value that holds nothing else states: "15 minutes" and
    "< 4 business hours" are time limits (at most), "99.9%" a level (at least), "NBD"
    one business day. None when the value says more than that (a sentence is read with
    ``find_threshold``)."""
    if not cell or len(cell) > 40:
        return None
    if _NEXT_DAY.match(cell):
        return Threshold(1.0, "business_day", "at_most", 0, len(cell), cell)
    m = _BARE_PERCENT.match(cell)
    if m:
        value = float(m.group("n").replace(",", "."))
        return Threshold(value, "%", "at_least", m.start("n"), m.end(), cell[m.start("n"):m.end()].strip())
    m = _BARE_TIME.match(cell)
    if m is None or parse_number(m.group("n").replace(",", ".")) is None:
        return None
    found = find_threshold(f"within {cell[m.start('n'):m.end('unit')]}")
    if found is None:
        return None
    return Threshold(found.threshold, found.unit, "at_most", m.start("n"), m.end("unit"),
                     cell[m.start("n"):m.end("unit")])


def find_threshold(sentence: str) -> Threshold | None:
    """The measured level a sentence promises, or None.

    Time limits come first ("respond within 1 hour" -> 1 "hour" at_most; "within four
    (4) business hours" -> 4 "business_hour"; "2 seconds or less"; "a 4-hour response";
    "next business day" -> 1 "business_day"), then percentages ("at least 99.9%",
    "99.95% monthly uptime", "90% or higher" -> at_least; "downtime below 0.1%" ->
    at_most), then data rates ("at least 100 Mbps"). A duration tied to an event
    ("within 45 days of signature") is a deadline and is left to ``find_deadline``.
    """
    if not sentence:
        return None
    g = _grammar()
    norm = _normalise(sentence)
    words = _words(norm)
    found = _time_threshold(norm, g) if words & g.time_gate else None
    if found is None:
        found = _percent_threshold(norm, g)
    if found is None:
        found = _rate_threshold(norm, g)
    if found is None and words & g.measure_gate:
        found = _measure_threshold(norm, g)
    if found is None and words & _COUNT_GATE:
        found = _count_threshold(norm, g)
    if found is None:
        return None
    return Threshold(found.threshold, found.unit, found.direction, found.start, found.end,
                     sentence[found.start:found.end])


def _percent_threshold(norm: str, g: _QGrammar) -> Threshold | None:
    if "%" not in norm and not _PERCENT_GATE.search(norm):
        return None
    for m in g.percent.finditer(norm):
        raw = m.group("n")
        value = parse_number(raw.replace(",", ".") if re.fullmatch(r"\d+,\d{1,2}", raw) else raw)
        if value is None:
            continue
        window = norm[max(0, m.start() - 40):m.end() + 40]
        default = "at_most" if g.negative.search(window) else "at_least"
        direction = _direction(m.group("lead"), m.group("tail"), default,
                               norm[max(0, m.start() - 40):m.start()], higher_is_better=True,
                               breach=_in_condition(norm, m.start(), g))
        return Threshold(value, "%", direction, m.start(), m.end(), m.group())
    return None


_PERCENT_GATE = re.compile(r"cent|pct", re.I)
_RATE_GATE = re.compile(r"bps|b/s|tps|rps", re.I)


def _rate_threshold(norm: str, g: _QGrammar) -> Threshold | None:
    if not _RATE_GATE.search(norm):
        return None
    for m in g.rate.finditer(norm):
        value = parse_number(m.group("n"))
        if value is None:
            continue
        unit = m.group("unit").lower().replace("b/s", "bps")
        direction = _direction(m.group("lead"), None, "at_least")
        return Threshold(value, unit, direction, m.start(), m.end(), m.group())
    return None


def _measure_threshold(norm: str, g: _QGrammar) -> Threshold | None:
    """'accuracy to within 10 meters', 'mulch to a depth of 75 mm'."""
    for m in g.measure.finditer(norm):
        value = parse_number(m.group("n"))
        unit = _MEASURE_UNITS.get(m.group("unit").lower())
        if value is None or unit is None:
            continue
        lead = m.group("lead").lower()
        if re.match(r"to\s+within", lead):
            direction = "at_most"
        elif re.match(r"to\s+a|depth|height|thickness|width|diameter|clearance|coverage", lead):
            direction = "at_least"
        else:
            direction = _direction(lead, None, "at_least",
                                   norm[max(0, m.start() - 40):m.start()],
                                   breach=_in_condition(norm, m.start(), g))
        return Threshold(value, unit, direction, m.start(), m.end(), m.group())
    return None


def _count_threshold(norm: str, g: _QGrammar) -> Threshold | None:
    """'no more than 10 vehicles out of service', 'at least 1.5 million impressions'."""
    if not g.count.search(norm):
        return None
    masked = _mask(norm, g)
    for m in g.count.finditer(masked):
        value = parse_number(m.group("n"))
        if value is None or value < 2:
            continue
        head = _counted_noun(masked, m.end(), value, m.group("n"), g)
        if head is None:
            continue
        unit, end = head
        direction = _direction(m.group("lead"), None, "at_least",
                               norm[max(0, m.start() - 40):m.start()],
                               breach=_in_condition(norm, m.start(), g))
        return Threshold(value, unit, direction, m.start(), end, norm[m.start():end])
    return None


def find_period(sentence: str) -> Threshold | None:
    """How long a warranty, price hold or term lasts, as an ``at_least`` threshold.

    "a 12-month warranty" -> 12 "month"; "warranted for 25 years" -> 25 "year";
    "prices held for 24 months"; "warranty period of three (3) years"; "for two years".
    The caller decides, by category, whether the period is the promise's threshold.
    """
    if not sentence:
        return None
    g = _grammar()
    norm = _normalise(sentence)
    if not _words(norm) & g.period_gate:
        return None
    for index, pattern in enumerate(g.period_forms):
        if index in (1, 3) and not _PERIOD_CONTEXT.search(norm):
            continue  # "runs for eight weeks" counts only in a warranty / price sentence
        if index == 0:  # opens with a number: match only where numbers start
            matches = (m for m in (pattern.match(norm, p) for p in number_starts(norm)) if m)
        else:
            matches = pattern.finditer(norm)
        for m in matches:
            if _DEADLINE_LEAD.search(norm[max(0, m.start("n") - 20):m.start("n")]):
                continue  # "within 45 days of contract signature" is a deadline
            value = _value(m)
            unit = g.time_units.get(m.group("unit").lower())
            if value is None or unit is None:
                continue
            start, end = m.start("n"), m.end()
            return Threshold(value, unit, "at_least", start, end, sentence[start:end])
    return None


_DEADLINE_LEAD = re.compile(
    r"\b(?:within|in|by|no\s+later\s+than|not\s+later\s+than|after|before|every|each)"
    r"\s+(?:the\s+)?$", re.I)
_PERIOD_CONTEXT = re.compile(
    r"\b(?:warrant\w*|guarantee\w*|pric\w+|rates?|fees?|hold|held|fixed|frozen|locked|"
    r"valid\w*|cover\w*|support\w*|licen[cs]\w*|subscription\w*|term|maintenance|"
    r"discount\w*|honou?r\w*)\b", re.I)

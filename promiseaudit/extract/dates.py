"""The grammar of deadlines in proposal sentences.

Pure functions on strings, no spaCy:

- ``find_dates`` finds every absolute date ("March 31, 2027", "31/03/2027", "Q2 2027",
  "end of June", "between 5 and 30 October") with its character span.
- ``find_deadline`` picks the promised deadline of a sentence: an absolute due date or a
  number of days relative to an event ("within 45 days of contract signature").
- ``detect_document_date`` and ``detect_locale`` read a whole proposal for the date it
  was written and whether numeric dates are day-first.

Choices the gold labels leave open, made here once:

- A month without a day ("March 2027") is the month's last day; "end of June" and
  "late June" are June 30, "mid-June" the 15th, "early June" the 10th and "the
  beginning / start of June" the 1st.
- "Q2" is the last day of the quarter, "H1" / "first half of" June 30, "end of 2027"
  December 31. Fiscal quarters are read as calendar quarters.
- A date without a year takes the first year that puts it on or after the document
  date; without a document date it is not resolved at all.
- Numeric dates: a field above 12 decides the order; otherwise ``locale`` does
  ("en-US" month first, anything else day first); without a locale, month first.
  Dotted dates ("31.03.2027") are always day first.
- A range ("5-30 October", "between 5 and 30 October") is due at its end.
"""
from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from promiseaudit.extract.recurrence import NORMALISE as _NORMALISE, find_recurrence
from promiseaudit.extract.patterns.quantities_numbers import (
    load_lexicon,
    number_grammar,
    number_starts,
    parse_number,
)

__all__ = [
    "Deadline",
    "DateMatch",
    "find_deadline",
    "find_dates",
    "find_date_matches",
    "detect_document_date",
    "detect_locale",
    "event_at",
]


@dataclass(frozen=True)
class Deadline:
    """The deadline a sentence promises.

    due (date | None): absolute due date, resolved.
    within_days (int | None): relative deadline in days (weeks x 7, months x 30,
        years x 365); negative for "two weeks before go-live".
    business_days (bool): within_days counts business / working days.
    anchor (str | None): "signature", "kickoff", "go_live" or the event's own lowercase
        text ("installation", "site survey", "event").
    start, end (int): character span of the expression in the sentence.
    text (str): the expression as written.
    """

    due: date | None
    within_days: int | None
    business_days: bool
    anchor: str | None
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class DateMatch:
    """One date expression found in a text.

    date (date | None): resolved date; None when it needs a year and no document
        date was given.
    role (str): "point", "range_start" or "range_end".
    full (bool): written with day, month and year.
    """

    date: date | None
    start: int
    end: int
    text: str
    role: str = "point"
    full: bool = False


# --------------------------------------------------------------------------- grammar



def _normalise(text: str) -> str:
    """Same-length copy with dashes, quotes and odd spaces made plain."""
    return text.translate(_NORMALISE)


_WORDS = re.compile(r"[A-Za-z]+")


def _words(text: str) -> frozenset:
    """The lowercase words of a text, for cheap gates before the regular expressions."""
    return frozenset(w.lower() for w in _WORDS.findall(text))


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class _Grammar:
    months: dict
    forms: tuple  # (kind, compiled pattern)
    part_of_month: dict
    ordinal_quarters: dict
    ordinal_halves: dict
    cue_re: re.Pattern
    strong_cue_re: re.Pattern
    start_cue_re: re.Pattern
    label_re: re.Pattern
    range_gap: re.Pattern
    rel_duration: re.Pattern
    lead_before: re.Pattern
    rel_zero: re.Pattern
    notice: re.Pattern
    anchors: tuple  # (canonical, compiled pattern)
    triggers: frozenset
    strip: tuple
    stops: frozenset
    duration_words: frozenset
    anchor_words: frozenset
    month_words: frozenset
    not_cover_re: re.Pattern


_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_PERIOD_BEFORE = re.compile(r"\b(?:period|term|duration|for)\s+(?:of\s+)?$", re.I)
_EVENT_PARTICIPLES = frozenset(("signed", "countersigned", "executed", "awarded", "accepted",
                                "placed", "issued", "launched"))
_ABBREVIATIONS = frozenset(("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
                            "oct", "nov", "dec"))
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_RANGE_SEP = r"\s*(?:-|to|until|till|through|thru|and)\s*"


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    lex = load_lexicon("dates_lexicon.json")
    anc = load_lexicon("dates_anchors.json")
    months = lex["months"]
    mon = rf"(?:{_alt(months)})"
    wd = rf"(?:(?:{_alt(lex['weekdays'])})\.?,?\s+(?:the\s+)?)?"
    parts = lex["part_of_month"]
    q_ord = _alt(lex["ordinal_quarters"])
    h_ord = _alt(lex["ordinal_halves"])
    end_yr = r"(?![\w/-]|\.\d)"
    year = rf"(?P<y>{_YEAR}){end_yr}"
    opt_year = rf"(?:\s*,?\s*{year})?"
    day = rf"(?P<d>{_DAY}){_ORD}"
    month = rf"(?P<mon>{mon})"
    range_start = rf"(?:between\s+|from\s+)?(?:the\s+)?(?P<d1>{_DAY}){_ORD}{_RANGE_SEP}"
    numeric_end = r"(?![\w/:-]|[.,]\d)"
    named_parts = _alt(k for k in parts if k not in ("early", "mid", "late"))
    short_year = rf"(?:\s*(?:,|of|/|-)?\s*(?:FY|CY)?\s*'?(?P<y>{_YEAR}|\d{{2}}){end_yr})?"
    forms = [
        # March 31, 2027 / Mar. 31 2027 / Friday, March 31st, 2027
        ("mdy", rf"{wd}{month}\.?\s+{day}(?:\s*,\s*|\s+){year}"),
        # 31 March 2027 / the 31st of March, 2027 / 31-Mar-2027
        ("dmy", rf"{wd}(?:the\s+)?{day}(?:\s+of)?[\s-]+{month}\.?(?:\s*,\s*|[\s-]+){year}"),
        ("dmy2", rf"(?<![\w/.-])(?P<d>{_DAY})-{month}-(?P<y>\d{{2}}){end_yr}"),
        # between 5 and 30 October (2027) / 5-30 October / from 1 to 14 March
        ("range_dm", rf"{range_start}(?:the\s+)?{day}(?:\s+of)?\s+{month}\b\.?{opt_year}"),
        # October 5 - 30, 2027
        ("range_md", rf"(?:between\s+|from\s+)?{month}\.?\s+(?P<d1>{_DAY}){_ORD}{_RANGE_SEP}"
                     rf"{day}\b{opt_year}"),
        # year-less: April 15th / 15 April
        ("md", rf"{wd}{month}\.?\s+(?:the\s+)?{day}\b(?!\s*(?::\d|\.\d|%))"),
        ("dm", rf"{wd}(?:the\s+)?{day}(?:\s+of)?\s+{month}\b\.?"),
        # March 2027 (the month's last day)
        ("my", rf"{month}\.?\s*,?\s+(?:of\s+)?{year}"),
        ("numeric", rf"(?<![\w./:-])(?P<a>\d{{1,2}})(?P<sep>[/.-])(?P<b>\d{{1,2}})(?P=sep)"
                    rf"(?P<y>\d{{4}}|\d{{2}}){numeric_end}"),
        ("iso", rf"(?<![\w./:-])(?P<y>{_YEAR})(?P<sep>[/.-])(?P<m>\d{{1,2}})(?P=sep)"
                rf"(?P<d>\d{{1,2}}){numeric_end}"),
        # the end of June (2027) / mid-May / late June
        ("part", rf"(?:(?:the\s+)?(?P<part>{named_parts})\s+of\s+(?:the\s+month\s+of\s+)?"
                 rf"|(?P<part2>early|mid|late)[-\s]+){month}\b\.?{opt_year}"),
        # the end of 2027 / year-end 2027 / mid-2027
        ("year_end", r"(?:(?:the\s+)?(?:end|close)\s+of\s+(?:(?:the\s+)?(?:calendar\s+|"
                     r"financial\s+|fiscal\s+)?year\s+)?|(?:year[- ]end|end[- ]of[- ]year|late)\s+"
                     rf"|(?P<mid>mid)[-\s]?){year}"),
        ("year_rel", r"(?:the\s+)?(?:end|close)\s+of\s+(?P<which>this|the|next)\s+"
                     r"(?:calendar\s+)?year\b|\b(?P<ye>year[- ]end)\b"),
        # Q2 2027 / the second quarter of 2027 / end of Q1
        ("quarter", rf"(?:(?:the\s+)?(?:end|close)\s+of\s+)?(?:(?P<q>Q[1-4])|(?:the\s+)?"
                    rf"(?P<qo>{q_ord})\s+quarter){short_year}"),
        ("quarter_y", rf"(?P<y>{_YEAR})\s*[-/]?\s*(?P<q>Q[1-4])\b"),
        # H1 2027 / the first half of 2027
        ("half", rf"(?:(?P<h>H[12])(?:\s*,?\s*(?:FY|CY)?\s*'?(?P<y>{_YEAR}|\d{{2}}){end_yr})?"
                 rf"|(?:the\s+)?(?P<ho>{h_ord})\s+half\s+of\s+(?:(?P<ty>the|this)\s+year"
                 rf"|(?P<y2>{_YEAR}){end_yr}))"),
    ]
    # Each form runs only when its cheap gate finds something in the text; None means
    # "a month name is among the words".
    month_gate = None
    gates = {
        "numeric": re.compile(r"\d[/.-]\d"), "iso": re.compile(r"\d[/.-]\d"),
        "year_end": re.compile(r"(?:19|20)\d\d"), "year_rel": re.compile(r"year", re.I),
        "quarter": re.compile(r"Q[1-4]|quarter", re.I), "quarter_y": re.compile(r"Q[1-4]"),
        "half": re.compile(r"H[12]|half", re.I),
    }
    compiled = tuple((kind, re.compile(src, re.I), gates.get(kind, month_gate))
                     for kind, src in forms)

    def cue(words) -> re.Pattern:
        return re.compile(rf"(?:^|[^\w-])(?:{_alt(words)})\s*[:,]?\s*(?:the\s+)?$", re.I)

    num = number_grammar().pattern
    bare = number_grammar().bare
    unit = r"(?P<unit>days?|weeks?|wks?|months?|mos?|years?|yrs?|fortnights?|hours?|hrs?)"
    dur = (rf"(?:(?P<n>{num})(?:\s*(?:-|to|or)\s*(?P<n2>{bare}))?|(?P<a>\ban?\b|\bone\b)"
           rf"|(?P<z>(?<=first\s)))\s*(?P<bus>business|working|work|calendar|clear)?[\s-]*{unit}'?"
           r"(?![\w-])")
    lead = (r"(?<![\w-])(?P<lead>within\s+the\s+first|within|inside\s+of|inside|"
            r"in\s+the\s+first|during\s+the\s+first|for\s+the\s+first|for\s+at\s+least|"
            r"for\s+a\s+(?:period|term|minimum)\s+of|for\s+up\s+to|for\s+a\s+further|"
            r"in|no\s+later\s+than|not\s+later\s+than|by\s+no\s+later\s+than|by|"
            r"at\s+most|at\s+least|up\s+to|a\s+maximum\s+of|maximum\s+of|"
            r"no\s+more\s+than|for|during|the|latest)\s*(?:the\s+)?$")
    # Matched only where a number starts (see number_starts): far cheaper than a scan.
    rel_duration = re.compile(
        rf"{dur}\s*(?:(?P<after>of|after|from|following|post|since|beyond|subsequent\s+to|"
        r"on\s+from|upon)|(?P<before>before|prior\s+to|ahead\s+of|in\s+advance\s+of|"
        r"preceding|pre))[\s-]+", re.I)
    lead_before = re.compile(lead, re.I)
    # "at least thirty (30) days' prior written notice of any rate change", "upon 3
    # months written notice", "six months in advance regarding such changes".
    notice = re.compile(
        rf"{dur}\s*(?:\(\d+\)\s*)?(?:(?:prior|advance[d]?|written|formal|clear|'s?)[\s-]+)*"
        r"(?:(?P<notice>notice|notification)|in\s+advance)\b", re.I)
    rel_zero = re.compile(
        r"(?:^|(?<=[^\w-]))(?P<rel>by\s+no\s+later\s+than|no\s+later\s+than|not\s+later\s+than|"
        r"on\s+or\s+before|in\s+time\s+for|prior\s+to|ahead\s+of|in\s+advance\s+of|"
        r"ready\s+for|before|upon|by|at|on|(?:on\s+)?the\s+(?:same\s+)?day\s+"
        r"(?:of|(?:that\s+)?(?:you|we|they)))\s+", re.I)
    anchors = tuple((c, re.compile(p, re.I)) for c, p in anc["anchors"])
    # Words one of which every relative deadline contains: cheap gates.
    anchor_words = frozenset((
        "go", "live", "golive", "launch", "hand", "handover", "cut", "cutover", "switch",
        "switchover", "sign", "signing", "signature", "signed", "award", "awarded",
        "order", "kick", "kickoff", "start", "commence", "commencement", "mobilisation",
        "mobilization", "acceptance", "accepted", "opening", "service", "services", "po",
        "execution", "executed", "inception", "completion", "notice", "ntp", "shift",
        "day", "before", "prior", "ahead", "advance", "contract", "agreement", "effective",
        "first", "practical", "production", "going", "conversion", "rfs", "ready",
        "date", "deadline", "termination", "expiration", "expiry", "starting",
    ))
    return _Grammar(
        months=months,
        forms=compiled,
        part_of_month=parts,
        ordinal_quarters=lex["ordinal_quarters"],
        ordinal_halves=lex["ordinal_halves"],
        cue_re=cue(lex["deadline_cues"]),
        strong_cue_re=cue(lex["strong_cues"]),
        start_cue_re=cue(lex["start_cues"]),
        label_re=re.compile(
            rf"^[\s*_#>|-]*(?:(?:{_alt(lex['document_noun_prefixes'])})\s+)?"
            rf"(?:{_alt(lex['document_date_labels'])})[\s*_]*[:\-|\u2013\u2014]", re.I),
        range_gap=re.compile(rf"^{_RANGE_SEP}(?:the\s+)?$", re.I),
        rel_duration=rel_duration,
        lead_before=lead_before,
        rel_zero=rel_zero,
        notice=notice,
        anchors=anchors,
        triggers=frozenset(anc["triggers"]),
        strip=tuple(sorted(anc["strip"], key=len, reverse=True)),
        stops=frozenset(anc["stops"]),
        duration_words=frozenset((
            "day", "days", "week", "weeks", "wk", "wks", "month", "months", "mo", "mos",
            "year", "years", "yr", "yrs", "fortnight", "fortnights", "hour", "hours", "hr",
            "hrs")),
        anchor_words=anchor_words,
        month_words=frozenset(months),
        not_cover_re=re.compile(
            r"\||\b(?:by|due|until|deadline|go-?live|live|launch|start|kick|phase|"
            r"milestone|complet\w*|deliver\w*|install\w*|review|meeting|from|to|before|"
            r"after|valid|expir\w*|week|target|end|ends|since|founded|established)\b", re.I),
    )


# --------------------------------------------------------------------------- dates


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _on_or_after(make, document_date: date | None) -> date | None:
    """Resolve a year-less date: the first year putting it on or after the document date."""
    if document_date is None:
        return None
    for year in (document_date.year, document_date.year + 1):
        try:
            value = make(year)
        except ValueError:
            continue
        if value >= document_date:
            return value
    return None


def _year(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text)
    return value + 2000 if value < 100 else value


def _month_ok(token: str | None) -> bool:
    # A month name must be written with a capital: "may" is a verb, "march" rarely a date.
    return bool(token) and token[0].isupper()


def _resolve(kind: str, m: re.Match, g: _Grammar, document_date, locale):
    """Turn one match into (dates, full) or None; dates is [(date|None, role, span)]."""
    gd = m.groupdict()
    months = g.months
    mon = gd.get("mon")
    if mon is not None and not _month_ok(mon):
        return None
    month = months[mon.lower().rstrip(".")] if mon else None
    year = _year(gd.get("y"))
    if kind in ("mdy", "dmy", "dmy2", "md", "dm"):
        day = int(gd["d"])
        if year is None:
            return [(_on_or_after(lambda y: date(y, month, day), document_date), "point", None)], False
        return [(date(year, month, day), "point", None)], True
    if kind in ("range_dm", "range_md"):
        d1, d2 = int(gd["d1"]), int(gd["d"])
        if d1 >= d2:
            return None
        if year is None:
            end = _on_or_after(lambda y: date(y, month, d2), document_date)
            start = date(end.year, month, d1) if end else None
        else:
            start, end = date(year, month, d1), date(year, month, d2)
        span1 = m.span("d1")
        return [(start, "range_start", span1), (end, "range_end", None)], year is not None
    if kind == "my":
        return [(_month_end(year, month), "point", None)], False
    if kind == "numeric":
        a, b, sep = int(gd["a"]), int(gd["b"]), gd["sep"]
        if len(gd["y"]) == 2 and sep != "/":
            return None
        if sep == "." or a > 12:
            day, month = a, b
        elif b > 12:
            month, day = a, b
        elif locale and not locale.lower().startswith("en-us"):
            day, month = a, b
        else:
            month, day = a, b
        return [(date(_year(gd["y"]), month, day), "point", None)], True
    if kind == "iso":
        return [(date(year, int(gd["m"]), int(gd["d"])), "point", None)], True
    if kind == "part":
        part = (gd.get("part") or gd.get("part2")).lower()
        part = re.sub(r"\s+", " ", part)
        rule = g.part_of_month[part]

        def make(y):
            return _month_end(y, month) if rule == "last" else date(y, month, rule)

        value = make(year) if year else _on_or_after(make, document_date)
        return [(value, "point", None)], False
    if kind == "year_end":
        return [(date(year, 6, 30) if gd.get("mid") else date(year, 12, 31), "point", None)], False
    if kind == "year_rel":
        if document_date is None:
            return [(None, "point", None)], False
        bump = 1 if (gd.get("which") or "").lower() == "next" else 0
        return [(date(document_date.year + bump, 12, 31), "point", None)], False
    if kind in ("quarter", "quarter_y"):
        if gd.get("q"):
            if gd["q"][0] != "Q":
                return None
            q = int(gd["q"][1])
        else:
            q = g.ordinal_quarters[gd["qo"].lower()]

        def make(y):
            return _month_end(y, q * 3)

        return [(make(year) if year else _on_or_after(make, document_date), "point", None)], False
    if kind == "half":
        if gd.get("h"):
            if gd["h"][0] != "H":
                return None
            h = int(gd["h"][1])
        else:
            h = g.ordinal_halves[gd["ho"].lower()]
        year = year or _year(gd.get("y2"))

        def make(y):
            return _month_end(y, h * 6)

        if year:
            return [(make(year), "point", None)], False
        if gd.get("h") is None and gd.get("ty") is None:
            return None
        return [(_on_or_after(make, document_date), "point", None)], False
    return None


def find_date_matches(text: str, document_date: date | None = None,
                      locale: str | None = None) -> list[DateMatch]:
    """Every date expression in ``text``, resolved where possible, in text order.

    Unlike ``find_dates`` this keeps year-less dates that could not be resolved
    (date None), range starts and whether the date was written in full.
    """
    if not text:
        return []
    return list(_date_matches(text, document_date, locale))


@lru_cache(maxsize=512)
def _date_matches(text: str, document_date: date | None, locale: str | None) -> tuple:
    # Cached: the extractor asks for the dates of one sentence several times.
    g = _grammar()
    norm = _normalise(text)
    found = []
    opened = {None: bool(_words(norm) & g.month_words)}
    for order, (kind, pattern, gate) in enumerate(g.forms):
        if gate not in opened:
            opened[gate] = gate.search(norm) is not None
        if not opened[gate]:
            continue
        for m in pattern.finditer(norm):
            found.append((m.start(), m.end(), order, kind, m))
    # Longest expression wins; earlier forms win ties.
    found.sort(key=lambda f: (-(f[1] - f[0]), f[2], f[0]))
    taken: list[tuple[int, int]] = []
    out: list[DateMatch] = []
    for start, end, _, kind, m in found:
        if any(start < e and s < end for s, e in taken):
            continue
        if kind in ("quarter", "quarter_y", "half") and (
                "fy" in m.group().lower()
                or re.search(r"(?:fiscal|financial|FY)\s*$", norm[max(0, start - 12):start], re.I)):
            continue  # fiscal quarters follow the customer's own year: not resolvable
        try:
            resolved = _resolve(kind, m, g, document_date, locale)
        except (ValueError, KeyError, AttributeError):
            resolved = None
        if not resolved:
            continue
        values, full = resolved
        taken.append((start, end))
        if norm[end - 1] == "." and m.groupdict().get("mon") and m.end("mon") == end - 1 \
                and m.group("mon").lower() not in _ABBREVIATIONS:
            end -= 1  # "on 3 May." : the full stop ends the sentence
        for value, role, span in values:
            s, e = span if span else (start, end)
            if role == "range_end":
                s = m.start("d") if kind == "range_dm" else m.start("mon")
            out.append(DateMatch(value, s, e, text[s:e], role, full))
    out.sort(key=lambda d: d.start)
    return tuple(_link_ranges(norm, out))


def _link_ranges(norm: str, matches: list[DateMatch]) -> list[DateMatch]:
    """'5 October - 2 November 2027': the first date borrows the year and starts a range."""
    g = _grammar()
    out = list(matches)
    for i in range(len(out) - 1):
        first, second = out[i], out[i + 1]
        if first.role != "point" or second.role != "point":
            continue
        gap = norm[first.end:second.start]
        if not g.range_gap.match(gap):
            continue
        prefix = norm[max(0, first.start - 9):first.start].lower()
        if "and" in gap.lower() and not re.search(r"between\s+$", prefix):
            continue
        value = first.date
        if not first.full and second.full and second.date is not None and value is not None:
            try:
                value = value.replace(year=second.date.year)
                if value > second.date:
                    value = value.replace(year=value.year - 1)
            except ValueError:
                pass
        out[i] = DateMatch(value, first.start, first.end, first.text, "range_start", first.full)
        out[i + 1] = DateMatch(second.date, second.start, second.end, second.text,
                               "range_end", second.full)
    return out


def find_dates(text: str, document_date: date | None = None,
               locale: str | None = None) -> list[tuple[date, int, int]]:
    """Every absolute date in ``text`` with its character span, in text order.

    text (str): a sentence or a whole document.
    document_date (date | None): resolves dates written without a year and "Q2".
    locale (str | None): "en-US" reads 03/04/2027 as March 4, "en-GB" as 3 April.
    RETURNS (list[tuple[date, int, int]]): (date, start, end); a range gives its start
        and its end as two entries.
    """
    return [(m.date, m.start, m.end)
            for m in find_date_matches(text, document_date, locale) if m.date is not None]


# --------------------------------------------------------------------------- deadlines


def _duration_days(m: re.Match) -> tuple[int, bool] | None:
    gd = m.groupdict()
    if gd.get("a") or gd.get("z") is not None:
        value = 1.0
    else:
        value = parse_number(gd["n2"] or gd["n"])
    if value is None:
        return None
    unit = gd["unit"].lower()
    factor = 1
    if unit.startswith("w"):
        factor = 7
    elif unit.startswith("mo"):
        factor = 30
    elif unit.startswith("y"):
        factor = 365
    elif unit.startswith("f"):
        factor = 14
    elif unit.startswith("h"):
        if value % 24:
            return None  # "within 4 hours": a response time, not a deadline
        value, factor = value / 24, 1
    business = (gd.get("bus") or "").lower() in ("business", "working", "work")
    return round(value * factor), business


def _event_phrase(norm: str, pos: int, g: _Grammar) -> tuple[str, int] | None:
    """The event named at ``pos``: (phrase, end offset), cut at punctuation or a stop word."""
    tail = norm[pos:pos + 90]
    cut = re.search(r"[,;:!?()\[\]\n\"|]|\.(?:\s|$)", tail)
    if cut:
        tail = tail[:cut.start()]
    end = pos
    words = []
    for w in re.finditer(r"[\w][\w'&/.\-]*", tail):
        token = w.group().lower().rstrip(".")
        if token == "being" and words:
            nxt = re.match(r"\s*([a-z]+)", tail[w.end():].lower())
            if nxt and nxt.group(1) in _EVENT_PARTICIPLES:
                words.append(nxt.group(1))
                end = pos + w.end() + nxt.end()
            break
        if token in g.stops and words:
            break
        if token in g.stops:
            return None
        words.append(token)
        end = pos + w.start() + len(w.group().rstrip("."))
        if len(words) >= 7:
            break
    if not words:
        return None
    return " ".join(words), end


def _name_event(phrase: str, g: _Grammar, clocks: bool = False) -> str | None:
    """'the kick-off meeting' -> 'kickoff'; 'the site survey' -> 'site survey'.

    None when the event starts a response clock (a ticket, a fault report), unless
    ``clocks``: a deadline of days or more after a request, notice or breach ("within
    thirty (30) days of such request") is a deadline relative to that event, as the
    labelling guide has it; a service level on the same words still wins later.
    """
    for canonical, pattern in g.anchors:
        if pattern.search(phrase) and (_names_head(phrase, pattern) or _lexicon_head(phrase, pattern)):
            return canonical
    tokens = phrase.split()
    if not clocks and any(t in g.triggers or t.rstrip("s") in g.triggers
                          or (t.endswith("'s") and t[:-2] in g.triggers) for t in tokens):
        return None
    text = phrase
    changed = True
    while changed:
        changed = False
        for word in g.strip:
            if text.startswith(word + " "):
                text = text[len(word) + 1:]
                changed = True
    words = text.split()
    while words and words[0] in ("such", "said", "any", "each", "that", "this"):
        words = words[1:]  # "within 30 days of such request"
    if not words or words[0] in g.stops:
        return None
    # The event's own words, "of" phrases included ("receipt of such claim", "expiration
    # of the initial term"), as the labelling guide has it.
    words = words[:6]
    while words and words[-1] in ("of", "the", "a", "an", "such", "any", "said", "each"):
        words = words[:-1]
    if words[-3:-1] in (["of", "this"], ["of", "the"]) and words[-1] in ("agreement", "contract"):
        words = words[:-3]  # "termination of this Agreement": the termination
    if len(words) > 1 and words[-1] in _PLURAL_EVENTS:
        words = words[:-1] + [words[-1][:-1]]  # "any rate changes": a rate change
    text = " ".join(words).strip(" '")
    if text.endswith("'s"):
        text = text[:-2]
    return text or None


_PLURAL_EVENTS = frozenset(("changes", "increases", "modifications", "adjustments", "updates",
                            "releases", "requests", "claims", "notices", "orders"))


def event_at(text: str, pos: int) -> str | None:
    """The deadline event named at ``pos`` in ``text`` ("contract signature" ->
    "signature", "the site survey" -> "site survey"), or None when there is none or it
    starts a response clock ("the ticket being logged")."""
    g = _grammar()
    norm = _normalise(text)
    rel = re.match(r"\s*(?:of|after|from|following|post|since|before|prior\s+to|ahead\s+of|"
                   r"in\s+advance\s+of|preceding)[\s-]+", norm[pos:], re.I)
    if not rel:
        return None
    event = _event_phrase(norm, pos + rel.end(), g)
    return _name_event(event[0], g) if event else None


GO_LIVE_WORDS = re.compile(
    r"\b(go[- ]?live|golive|launch|cut[- ]?over|handover|hand-over|live on|"
    r"in production|system acceptance|service commencement)\b",
    re.I,
)


def names_go_live(text: str) -> bool:
    """Whether a promise is about go-live, launch or cut-over itself."""
    return bool(GO_LIVE_WORDS.search(text))


def series_end_event(text: str) -> str | None:
    """The event that ends a repeating schedule ("weekly calls until go-live" ->
    "go_live"), named as deadline anchors are; None when the text names none."""
    g = _grammar()
    norm = _normalise(text)
    for m in re.finditer(r"\b(?:until|till|up\s+to|through|prior\s+to|ahead\s+of|before)[\s-]+",
                         norm, re.I):
        event = _event_phrase(norm, m.end(), g)
        if event:
            return _name_event(event[0], g)
    return None


_SERIES_FROM_EVENT = re.compile(
    r"\b(?:after|from|following|post|since|once|starting\s+(?:at|from|with)|beginning\s+(?:at|with)|"
    r"commencing\s+(?:at|on|with))[\s-]+", re.I)
_START_FILLER = re.compile(r"(?:\s+(?:in|on|at|the|week\s+of|w/c))+\s*$", re.I)
_DURATION_BEFORE = re.compile(r"\b(?:days?|weeks?|months?|years?|hours?)\s*$", re.I)


def series_start(text: str, document_date: date | None = None,
                 locale: str | None = None) -> tuple[date | None, str | None]:
    """Where a repeating schedule starts, as the text says: a date ("From September
    2027, monthly reviews" -> 2027-09-01; "starting the week of 3 May") or an event
    ("After go-live, quarterly reviews" -> "go_live"). (None, None) when it says neither;
    "within 30 days after go-live" is a deadline, not a start."""
    g = _grammar()
    norm = _normalise(text)
    for m in find_date_matches(text, document_date, locale):
        if m.date is None or m.role == "range_end":
            continue
        before = norm[max(0, m.start - 40):m.start]
        before = _START_FILLER.sub(" ", before)  # "beginning in Q3", "starting the week of"
        if g.start_cue_re.search(before) and not re.search(r"\b(?:until|till|through|by)\s*(?:the\s+)?$",
                                                            before, re.I):
            return _first_day(m), None
    for m in _SERIES_FROM_EVENT.finditer(norm):
        if _DURATION_BEFORE.search(norm[max(0, m.start() - 12):m.start()]):
            continue  # "30 days after go-live": a deadline
        event = _event_phrase(norm, m.end(), g)
        if event:
            name = _name_event(event[0], g)
            # "once a month", "from 7:00 am", "from us every Friday" name no event
            if name and (name in ("signature", "kickoff", "go_live") or _is_event_noun(name)):
                return None, name
    return None, None


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
             "fifteenth": 15, "twentieth": 20, "last": None}
_EACH = r"(?:each|every|the|the\s+following|the\s+next)\s+(?:calendar\s+)?(?:month|quarter|week)"
_NTH_DAY = re.compile(
    rf"\b(?:by|on|before|no\s+later\s+than|not\s+later\s+than|within)\s+(?:the\s+)?"
    rf"(?P<n>\d{{1,2}})?(?:st|nd|rd|th)?\s*(?P<word>{'|'.join(w for w in _ORDINALS if w != 'last')})?\s*"
    rf"(?P<bus>working|business)?\s*(?:day\s+)?of\s+(?P<each>{_EACH})\b", re.I)
_AFTER_END = re.compile(
    r"\bwithin\s+(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty)"
    r"\s*(?:\(\d+\)\s*)?(?P<bus>working|business|calendar)?\s*days?\s+(?:of|after|from|following)\s+"
    r"(?:the\s+)?(?:end|close)\s+of\s+(?:each|every|the)\s+(?:calendar\s+)?(?:month|quarter|week)\b", re.I)
_SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30}


def period_deadline(text: str) -> tuple[int, bool, str] | None:
    """A deadline inside each period of a schedule: "by the fifth working day of each
    month" -> (5, True, "start"); "by the 10th of each month" -> (10, False, "start");
    "within 10 business days of the end of each quarter" -> (10, True, "end"); "by the
    15th of the following month" -> (15, False, "end"). None when there is none."""
    norm = _normalise(text)
    m = _AFTER_END.search(norm)
    if m:
        raw = m.group("n").lower()
        n = int(raw) if raw.isdigit() else _SMALL[raw]
        return n, (m.group("bus") or "").lower() in ("working", "business"), "end"
    m = _NTH_DAY.search(norm)
    if m and (m.group("n") or m.group("word")):
        n = int(m.group("n")) if m.group("n") else _ORDINALS[m.group("word").lower()]
        if not 1 <= n <= 31:
            return None
        following = bool(re.search(r"following|next", m.group("each"), re.I))
        return n, bool(m.group("bus")), "end" if following else "start"
    return None


def _first_day(m: DateMatch) -> date:
    """The first day a start date names: "September 2027" starts on the 1st, "Q3 2027"
    on 1 July; a full date is itself."""
    if m.full or re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\b(?!\d)(?!\s*,?\s*\d{4}\b)", m.text) and \
            not re.fullmatch(r"\s*\d{4}\s*", m.text):
        return m.date
    quarter = re.search(r"\bQ([1-4])\b", m.text, re.I)
    if quarter:
        return date(m.date.year, 3 * int(quarter.group(1)) - 2, 1)
    return m.date.replace(day=1)


def _free_zero_event(phrase: str, g: _Grammar) -> str | None:
    """'before any permit application is filed' -> 'permit application'. Only events of
    two words or more: 'before use' or 'before the end' are no deadlines."""
    if re.search(r"\d", phrase) or re.match(r"(?:the\s+)?(?:end|start|beginning|close|middle|"
                                            r"rest|time|deadline|date)\b", phrase):
        return None
    name = _name_event(phrase, g)
    if name is None or name in ("signature", "kickoff", "go_live") or len(name.split()) < 2:
        return None
    return name if _is_event_noun(name) else None


# An anchor is an event: "the site survey", "the handover workshop", "remediation".
# "the spring news cycle" or "the due date" name a time, not an event.
_EVENT_HEADS = frozenset("""notice breach pick-up pickup receipt invoice expiry launch go-live golive event installation install survey meeting workshop delivery
    deliveries handover acceptance signature signing order visit inspection review audit test tests testing
    training session opening start completion cutover cut-over migration kickoff kick-off conference
    briefing approval sign-off signoff award purchase payment deposit arrival rehearsal pilot demo
    demonstration presentation call interview walkthrough walk-through assessment survey check fit-out
    install build upgrade release deployment rollout roll-out go campaign shoot trial evaluation
    containment remediation notification request report publication submission onboarding fieldwork
    ends starts begins finishes closes opens completes arrives concludes signed launched issued placed
    accepted awarded executed approved received delivered installed completed change changes
    modification modifications increase increases decrease adjustment discontinuation""".split())
_NOT_EVENT_HEADS = frozenset("""cycle date dates deadline season period year month week day time window end
    rush holidays holiday term quarter half weekend morning evening night moment point stage""".split())


_TIME_OF = frozenset(("end", "start", "beginning", "close", "conclusion", "commencement"))


def _is_event_noun(name: str) -> bool:
    """Whether a name is an event. In "receipt of the claim" the event is the receipt;
    in "the end of the pilot", the pilot."""
    words = name.split()
    if "of" in words[1:]:
        at = words.index("of", 1)
        words = words[at + 1:] if words[0] in _TIME_OF else words[:at]
    head = words[-1].strip("'’")
    if head in _NOT_EVENT_HEADS:
        return False
    return head in _EVENT_HEADS or head.rstrip("s") in _EVENT_HEADS or bool(
        re.search(r"(?:tion|sion|ment|al|ure|ance|ence|ery|ing|off|out|over)s?$", head))


_FIRST = re.compile(r"\bfirst\s", re.I)


def _relative_at(sentence: str, norm: str, m: re.Match, g: _Grammar,
                 hours_after_events: bool = False) -> Deadline | None:
    """A duration + relation matched at ``m``: the deadline it makes, if any."""
    window_start = max(0, m.start() - 40)
    lead_m = g.lead_before.search(norm, window_start, m.start())
    lead = " ".join(lead_m.group("lead").lower().split()) if lead_m else ""
    before = norm[max(0, m.start() - 25):m.start()]
    service_window = False
    if lead == "for the first":
        if _has_recurrence(norm):
            return None  # "every month for the first six months": a schedule
    elif lead.startswith("for") or _PERIOD_BEFORE.search(before):
        # "warranted for 36 months from installation" is a period; "support for 30
        # days after go-live" or "hypercare of 6 weeks after go-live" is a service
        # window that ends N days after a project event.
        service_window = (m.group("after") or "").lower() in ("after", "following")
        if not service_window:
            return None
    if re.search(r"\b(?:every|each)\s+$", before, re.I):
        return None  # "every two weeks from purchase order" is a recurrence
    if m.group("z") is not None and not lead.endswith("first"):
        return None
    rel = (m.group("after") or m.group("before")).lower()
    if rel == "of" and not lead.startswith(("within", "inside", "no", "not", "by",
                                            "in the first", "during the first")):
        return None
    event = _event_phrase(norm, m.end(), g)
    if event is None:
        return None
    unit = m.group("unit").lower()
    anchor = _name_event(event[0], g, clocks=not unit.startswith(("h", "m")) or unit.startswith("mo")
                         or hours_after_events)
    days = _duration_days(m)
    if days is None:
        return None
    if service_window and anchor not in ("signature", "kickoff", "go_live"):
        return None
    named = _event_or_defined_date(sentence, m.end(), anchor, event[1])
    if named is None:
        return None
    anchor, event = named[0], (event[0], named[1])
    if m.group("unit").lower().startswith("h") and anchor not in ("signature", "kickoff",
                                                                   "go_live") and not hours_after_events:
        return None  # "within 24 hours of an alarm" is a response time
    start = lead_m.start("lead") if lead_m and lead not in ("the", "for", "during") else m.start()
    end = event[1]
    sign = 1 if m.group("after") else -1
    return Deadline(None, sign * days[0], days[1], anchor, start, end, sentence[start:end])


def _relative(sentence: str, norm: str, g: _Grammar,
              dates: list[DateMatch] = (), hours_after_events: bool = False) -> Deadline | None:
    words = _words(norm)
    if words & g.duration_words:
        starts = number_starts(norm) + [m.end() for m in _FIRST.finditer(norm)]
        for pos in sorted(starts):
            m = g.rel_duration.match(norm, pos)
            if m is None:
                continue
            found = _relative_at(sentence, norm, m, g, hours_after_events)
            if found is not None:
                return found
        if words & _NOTICE_WORDS:
            for pos in sorted(starts):
                m = g.notice.match(norm, pos)
                found = _notice_at(sentence, norm, m, g) if m else None
                if found is not None:
                    return found
    if words & g.anchor_words:
        for m in g.rel_zero.finditer(norm):
            event = _event_phrase(norm, m.end(), g)
            if event is None:
                continue
            anchor = None
            for canonical, pattern in g.anchors:
                if pattern.search(event[0]) and _lexicon_head(event[0], pattern):
                    anchor = canonical
                    break
            rel = " ".join(m.group("rel").lower().split())
            if anchor is None and rel in ("before", "prior to", "ahead of", "in advance of") \
                    and not any(d.start < event[1] and m.end() < d.end for d in dates):
                anchor = _free_zero_event(event[0], g)
            if anchor is None and rel != "by":
                defined = _defined_date(sentence, m.end())
                if defined is not None:
                    anchor, event = defined[0], (event[0], defined[1])
            if anchor is None:
                continue
            start, end = m.start("rel"), event[1]
            return Deadline(None, 0, False, anchor, start, end, sentence[start:end])
    return None


# A contract's defined dates are events: "prior to the System Completion Date", "on or
# before the RFPA Date", "within 30 days following the Election Deadline".
_DEFINED_DATE = re.compile(r"\s*(?:the\s+|each\s+|such\s+)?(?P<name>(?:[A-Z][\w&'/-]*\s+){1,4}"
                           r"(?:Date|Deadline))\b")
_ENDINGS = ("termination", "expiration", "expiry")


def _defined_date(sentence: str, pos: int) -> tuple[str, int] | None:
    """The defined date named at ``pos``: (name, end offset) ("the System Completion
    Date" -> "system completion date"; "the Termination Date" -> "termination"), or None."""
    m = _DEFINED_DATE.match(sentence, pos)
    if not m:
        return None
    words = m.group("name").lower().split()
    return ("termination" if words[0] in _ENDINGS else " ".join(words)), m.end()


_NOTICE_WORDS = frozenset(("notice", "notification", "advance"))
_NOTICE_EVENT = re.compile(r"(?:\s+to\s+(?:the\s+)?[\w'-]+(?:\s+[\w'-]+)?)?\s*,?\s*(?:of|before|"
                           r"prior\s+to|ahead\s+of|regarding|concerning|in\s+respect\s+of)\s+", re.I)


def _notice_at(sentence: str, norm: str, m: re.Match, g: _Grammar) -> Deadline | None:
    """A notice period matched at ``m`` ("at least 30 days' written notice of any rate
    change"): N days before the event it gives notice of. None when it names no event."""
    days = _duration_days(m)
    if days is None or m.group("z") is not None:
        return None
    rel = _NOTICE_EVENT.match(norm, m.end())
    if not rel:
        return None
    event = _event_phrase(norm, rel.end(), g)
    named = _event_or_defined_date(sentence, rel.end(), _name_event(event[0], g, clocks=True) if event else None,
                                   event[1] if event else rel.end())
    if named is None:
        return None
    anchor, end = named
    return Deadline(None, -days[0], days[1], anchor, m.start(), end, sentence[m.start():end])


def _event_or_defined_date(sentence: str, pos: int, name: str | None, end: int) -> tuple[str, int] | None:
    """(anchor, end offset) of the event named at ``pos``: ``name`` (ending at ``end``)
    when it is signature, kickoff, go-live or an event, else a defined date there ("the
    RFPA Date"), else None."""
    if name is not None and (name in ("signature", "kickoff", "go_live") or _is_event_noun(name)):
        return name, end
    return _defined_date(sentence, pos)


_GENERIC_HEADS = frozenset(("meeting", "date", "day", "call", "session", "event", "milestone",
                            "ceremony", "phase", "stage"))


def _names_head(phrase: str, pattern: re.Pattern) -> bool:
    """Whether the event ``pattern`` names is the phrase's head: its last word before any
    "of" ("the first wave cut-over", "execution of this agreement"), not a modifier
    ("task order conclusion" is a conclusion, no order). Phrases that open with the
    event ("launch we'll ...", cut too late) are ``_lexicon_head``'s."""
    head = phrase.split(" of ")[0].rstrip(" '")
    words = head.split()
    while len(words) > 1 and words[-1] in _GENERIC_HEADS:
        words = words[:-1]  # "the kick-off meeting", "the project start date"
    head = " ".join(words)
    return any(m.end() == len(head) for m in pattern.finditer(head)) or \
        any(m.end() == len(phrase) for m in pattern.finditer(phrase))


def _lexicon_head(phrase: str, pattern: re.Pattern) -> bool:
    """For 'by go-live' style deadlines the event must open the phrase, not trail it
    ('at the end of the launch campaign' is no go-live deadline)."""
    words = phrase.split()
    while words and words[0] in ("the", "this", "your", "our", "contract", "project",
                                 "system", "formal", "final", "successful", "each",
                                 "receipt", "of", "date", "day", "planned", "scheduled",
                                 "completion",
                                 "agreed", "service", "initial", "a", "an"):
        if pattern.match(" ".join(words)):
            return True
        words = words[1:]
    return bool(words) and bool(pattern.match(" ".join(words)))


def _choose_date(norm: str, matches: list[DateMatch], g: _Grammar) -> DateMatch | None:
    usable = [m for m in matches if m.date is not None and m.role != "range_start"]
    if not usable:
        return None
    strong = [m for m in usable if g.strong_cue_re.search(norm[max(0, m.start - 40):m.start])]
    if strong:
        return strong[-1]
    starts = [m for m in usable if g.start_cue_re.search(norm[max(0, m.start - 40):m.start])]
    others = [m for m in usable if m not in starts]
    return (others or starts)[-1]


def _bounds_a_schedule(norm: str, m: DateMatch, g: _Grammar) -> bool:
    """'From July 1, we'll meet weekly until the Summit': the date bounds a recurring
    promise and is not its due date."""
    before = norm[max(0, m.start - 40):m.start]
    bound = g.start_cue_re.search(before) or re.search(
        r"(?:until|till|through|thru|up\s+to)\s*(?:the\s+)?$", before, re.I)
    if not bound:
        return False
    return _has_recurrence(norm)


def _has_recurrence(text: str) -> bool:
    return find_recurrence(text) is not None


def _cue_start(norm: str, m: DateMatch, g: _Grammar) -> int:
    """Start of the cue governing the date ('no later than'), or the date's own start."""
    window_start = max(0, m.start - 40)
    cue = g.cue_re.search(norm[window_start:m.start])
    if not cue:
        return m.start
    offset = window_start + cue.start()
    while offset < m.start and not norm[offset].isalnum():
        offset += 1
    return offset


def find_deadline(sentence: str, document_date: date | None = None,
                  locale: str | None = None, hours_after_events: bool = False) -> Deadline | None:
    """The deadline a sentence promises, or None.

    A relative deadline needs an event ("within 45 days of contract signature",
    "two weeks before launch", "before go-live"); a bare "within 2 business days" is a
    response time, left to ``quantities.find_threshold``. Otherwise the date governed by
    "by", "no later than", "on or before", "due" ... is taken, else the last date (a
    range's end); a start date ("starting 1 March") only when there is no other.

    sentence (str): one sentence, bullet or table row.
    document_date (date | None): the proposal's date, for year-less dates and "Q2".
    locale (str | None): "en-US" or "en-GB", for numeric dates.
    hours_after_events (bool): whole days written as hours after any event ("notify
        you within 48 hours of the inspection") are a deadline too, for notices; else
        only after signature, kickoff or go-live (elsewhere they are response times).
    RETURNS (Deadline | None): the deadline; both ``due`` and ``within_days`` are set
        when the sentence gives a relative deadline and a firm date ("and no later
        than 30 June 2027").
    """
    if not sentence:
        return None
    g = _grammar()
    norm = _normalise(sentence)
    matches = find_date_matches(sentence, document_date, locale)
    if "+" in norm and not matches:
        offset = _offset_deadline(sentence, norm, g)  # "Go-live + 10 business days"
        if offset is not None:
            return offset
    relative = _relative(sentence, norm, g, matches, hours_after_events)
    if relative is not None:
        outside = [m for m in matches
                   if not (relative.start <= m.start < relative.end)
                   and g.strong_cue_re.search(norm[max(0, m.start - 40):m.start])]
        due = outside[-1].date if outside and outside[-1].date else None
        if due is None:
            return relative
        return Deadline(due, relative.within_days, relative.business_days, relative.anchor,
                        relative.start, relative.end, relative.text)
    chosen = _choose_date(norm, matches, g)
    if chosen is None:
        return _offset_deadline(sentence, norm, g)
    if _bounds_a_schedule(norm, chosen, g):
        return None
    start = _cue_start(norm, chosen, g)
    due = chosen.date
    wc = _WEEK_COMMENCING.search(norm, max(0, chosen.start - 20), chosen.start)
    if wc and due is not None:
        due = due + timedelta(days=6)  # "w/c 3 May": the work is due by the end of that week
        start = min(start, wc.start())
    return Deadline(due, None, False, None, start, chosen.end,
                    sentence[start:chosen.end])


_WEEK_COMMENCING = re.compile(r"\b(?:w/c|w\.c\.|w/b|wc|week\s+commencing|week\s+beginning|week\s+starting|"
                              r"week\s+of)\s*(?:(?:mon(?:day)?|the)\.?,?\s+)?$", re.I)
# "14-16 weeks ARO": after receipt of order.
_ARO = re.compile(r"(?:(?P<n1>\d{1,3})\s*(?:-|\u2013|\u2014|to)\s*)?(?P<n>\d{1,3})\s*(?P<bus>business\s+|working\s+)?"
                  r"(?P<unit>days?|weeks?|wks?|months?)\s+(?:ARO|A\.R\.O\.?|ADO|after\s+(?:receipt\s+of\s+)?(?:PO|P\.O\.|order))\b",
                  re.I)
# Plans count days from the contract: "by Day 45" (Day 0 = signature), "by Month 12".
_DAY_N = re.compile(r"\b(?P<lead>by|before|on|no later than|until|at|end of)\s+(?:the\s+end\s+of\s+)?"
                    r"(?P<unit>day|week|month)\s+(?P<n>\d{1,3})\b(?!\s*[-\u2013/]\s*\d)", re.I)
# Timelines list work by week of the project: "Week 4 -> UI design", "Weeks 3-4: testing",
# "Month 2 | Go-live": due at the end of that week (or month) counted from project start.
_TIMELINE_ROW = re.compile(r"^\s*(?:[-*\u2022]\s*)?(?P<unit>week|wk|month|day)s?\.?\s+"
                           r"(?:\d{1,3}\s*(?:-|\u2013|to|&|and)\s*)?(?P<n>\d{1,3})\s*"
                           r"(?:->|\u2192|=>|:|\u2013|\u2014|-|\|)\s*(?=[A-Za-z])", re.I)
# Milestone tables write a deadline as an event plus an offset: "Kickoff + 4 weeks",
# "Final cutover + 10 business days", "Go-live + 30 days".
_EVENT_PLUS = re.compile(r"(?P<event>[A-Za-z][A-Za-z' -]{1,40}?)\s*\+\s*(?P<n>\d{1,3})\s*"
                         r"(?P<bus>business\s+|working\s+|calendar\s+)?(?P<unit>days?|weeks?|wks?|months?)\b", re.I)


def _offset_days(m: re.Match) -> int:
    """Days in an offset's ``n`` and ``unit`` groups: weeks x 7, months x 30."""
    unit = m.group("unit").lower()
    return int(m.group("n")) * (7 if unit.startswith("w") else 30 if unit.startswith("mo") else 1)


def _offset_deadline(sentence: str, norm: str, g: _Grammar) -> Deadline | None:
    if not any(ch.isdigit() for ch in norm):
        return None  # each form below counts from a figure
    m = _ARO.search(norm)
    if m:
        return Deadline(None, _offset_days(m), bool(m.group("bus")), "signature", m.start(), m.end(), sentence[m.start():m.end()])
    m = _EVENT_PLUS.search(norm) if "+" in norm else None
    if m:
        words = m.group("event").lower().split()[-3:]
        anchor = None
        for k in range(len(words)):
            anchor = _name_event(" ".join(words[k:]), g)
            if anchor in ("signature", "kickoff", "go_live"):
                break
        if anchor:
            business = bool(m.group("bus")) and m.group("bus").strip().lower() != "calendar"
            return Deadline(None, _offset_days(m), business, anchor, m.start("event"), m.end(), sentence[m.start("event"):m.end()])
    m = _TIMELINE_ROW.match(norm)
    if m:
        return Deadline(None, _offset_days(m), False, "kickoff", m.start("unit"), m.end("n"),
                        sentence[m.start("unit"):m.end("n")])
    m = _DAY_N.search(norm)
    if m:
        return Deadline(None, _offset_days(m), False, "signature", m.start(), m.end(), sentence[m.start():m.end()])
    return None


# --------------------------------------------------------------------------- documents


def detect_document_date(text: str) -> date | None:
    """The date a proposal was written.

    Looks, in order, for a labelled date near the top ("Date: 12 January 2027",
    "Issued: 2027-01-12"), a cover line that is mostly a date ("London, 12 January
    2027"), then the earliest full date (day, month and year) in the first ~2000
    characters.
    RETURNS (date | None): the date, or None when the top of the text has no full date.
    """
    if not text:
        return None
    g = _grammar()
    head = text[:3000]
    locale = detect_locale(text[:20000])
    offset = 0
    lines = []
    for line in head.splitlines(keepends=True):
        lines.append((offset, line))
        offset += len(line)
    for _, line in lines:
        if g.label_re.match(line):
            full = [m for m in find_date_matches(line, None, locale) if m.full and m.date]
            if full:
                return full[0].date
    for start, line in lines:
        if start > 2000:
            break
        full = [m for m in find_date_matches(line, None, locale) if m.full and m.date]
        rest = line.replace(full[0].text, " ") if len(full) == 1 else ""
        if len(full) == 1 and len(rest.strip(" \t\r\n*_#>|,.")) <= 30 \
                and not g.not_cover_re.search(rest):
            if 1990 <= full[0].date.year <= 2100:
                return full[0].date
    found = [m for m in find_date_matches(text[:2000], None, locale)
             if m.full and m.date and 1990 <= m.date.year <= 2100]
    # A date about something else (an earlier agreement, a contract start, a revision
    # log) is not the document's own date; use those only when nothing else is left.
    own = [m.date for m in found if not _OTHER_DATE_BEFORE.search(text[max(0, m.start - 60):m.start])]
    dates = own or [m.date for m in found]
    return min(dates) if dates else None


_OTHER_DATE_BEFORE = re.compile(
    r"\b(?:agreement|contract|msa|dated|effective|commenc\w*|start\w*|begin\w*|term|expir\w*|ends?|valid|"
    r"lease|renewal|revision|rev\.?|amended|signed|since|founded|established|until|through|by)\b[^\n|]{0,40}$",
    re.I)


class _WordCount:
    """How often any of a list of words and phrases occurs as a whole word, case
    ignored: what ``len(re.findall(r"\b(?:w1|w2|...)\b", text, re.I))`` gives, with the
    single words counted from the text's words (one pass) instead of by the regular
    expression, which tries every alternative at every word of a long document."""

    def __init__(self, words):
        single = {w.lower() for w in words if re.fullmatch(r"\w+", w)}
        phrases = [w for w in words if w.lower() not in single]
        if any(set(re.findall(r"\w+", p.lower())) & single for p in phrases):
            single, phrases = set(), list(words)  # a phrase holds a listed word: count alike
        self.single = frozenset(single)
        self.phrases = re.compile(rf"\b(?:{_alt(phrases)})\b", re.I) if phrases else None

    def count(self, words: Counter, text: str) -> int:
        n = sum(words[w] for w in self.single if w in words)
        return n + (len(self.phrases.findall(text)) if self.phrases is not None else 0)


_QUANTIFIER = re.compile(r"[?*+{]")


def _required_literal(pattern: str) -> str:
    """Text every match of ``pattern`` starts with, after any \\b ("" if none): a
    cheap ``in`` test first skips the search where it cannot match."""
    if "|" in pattern:
        return ""  # an alternative may start otherwise
    body = pattern[2:] if pattern.startswith(r"\b") else pattern
    out, i = [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body) and not body[i + 1].isalnum():
            ch, step = body[i + 1], 2
        elif body[i].isalnum() or body[i] in " £€-":
            ch, step = body[i], 1
        else:
            break
        if _QUANTIFIER.match(body, i + step):
            break
        out.append(ch)
        i += step
    return "".join(out)


@dataclass(frozen=True)
class _LocaleGrammar:
    numeric: re.Pattern
    dmy: re.Pattern
    mdy: re.Pattern
    gb_words: _WordCount
    us_words: _WordCount
    gb_markers: tuple  # (pattern, weight, required literal)
    us_markers: tuple
    numeric_weight: int
    textual_weight: int


@lru_cache(maxsize=1)
def _locale_grammar() -> _LocaleGrammar:
    lex = load_lexicon("dates_locale.json")
    months = load_lexicon("dates_lexicon.json")["months"]
    mon = rf"(?:{_alt(m.capitalize() for m in months)}|{_alt(m.upper() for m in months)})"
    return _LocaleGrammar(
        numeric=re.compile(r"(?<![\w./:-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/:-]|[.,]\d)"),
        dmy=re.compile(rf"\b{_DAY}{_ORD}(?:\s+of)?\s+{mon}\b\.?,?\s+{_YEAR}\b"),
        mdy=re.compile(rf"\b{mon}\.?\s+{_DAY}{_ORD},?\s+{_YEAR}\b"),
        gb_words=_WordCount(lex["gb_words"]),
        us_words=_WordCount(lex["us_words"]),
        gb_markers=tuple((re.compile(p), w, _required_literal(p)) for p, w in lex["gb_markers"]),
        us_markers=tuple((re.compile(p), w, _required_literal(p)) for p, w in lex["us_markers"]),
        numeric_weight=lex["numeric_weight"],
        textual_weight=lex["textual_date_weight"],
    )


def detect_locale(text: str) -> str | None:
    """Whether a proposal writes dates day-first ("en-GB") or month-first ("en-US").

    Weighs numeric dates with a first field above 12 (decisive), "31 March 2027" against
    "March 31, 2027", British against American spelling (organisation, colour,
    programme), currencies (£, €, A$), company forms (Ltd, Pty, Inc.), phone and
    postal codes.
    RETURNS (str | None): "en-GB", "en-US", or None without evidence either way.
    """
    if not text:
        return None
    lg = _locale_grammar()
    gb = us = 0
    for m in lg.numeric.finditer(text):
        a, sep, b = int(m.group(1)), m.group(2), int(m.group(3))
        if a > 12 and b <= 12:
            gb += lg.numeric_weight
        elif b > 12 and a <= 12:
            us += lg.numeric_weight
        elif sep == ".":
            gb += 1
    gb += lg.textual_weight * len(lg.dmy.findall(text))
    us += lg.textual_weight * len(lg.mdy.findall(text))
    words = Counter(re.findall(r"\w+", text.lower()))
    gb += lg.gb_words.count(words, text)
    us += lg.us_words.count(words, text)
    gb += sum(w * len(p.findall(text)) for p, w, literal in lg.gb_markers if literal in text)
    us += sum(w * len(p.findall(text)) for p, w, literal in lg.us_markers if literal in text)
    if gb > us:
        return "en-GB"
    if us > gb:
        return "en-US"
    return None

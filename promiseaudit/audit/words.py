"""Words: light tokenising for matching, and phrases for reasons. (Priority tiers and
what a promise measures are in ``promiseaudit.tiers``.)"""
from __future__ import annotations

import re

STOPWORDS = frozenset("""
a an the and or of to for in on at by with within from into per as is are be been being
will shall would should can could may might must we our us you your they their them it its
this that these those all any each every no not than later after before until till up
day days business working hour hours minute minutes time times least most more less
provide provided provides deliver delivered delivering delivery complete completed
completion done held hold take taken place made make give given
client customer vendor supplier company team staff our ours also only
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
monday tuesday wednesday thursday friday saturday sunday
""".split())

# A few words that mean the same thing in proposals and in export rows.
_SYNONYM_GROUPS = {
    "avail": "availability available uptime up-time",
    "insta": "install installed installing installation installations deploy deployed "
             "deployment rollout roll-out",
    "golive": "golive go-live launch launched cutover cut-over",
    "respo": "respond responds responded response responses acknowledge acknowledged "
             "answer answered reply replied",
    "resol": "resolve resolved resolution fix fixed restore restored repair repaired",
    "incid": "incident incidents outage outages ticket tickets fault faults issue issues",
    "train": "training trained workshop workshops webinar webinars course courses class "
             "classes",
    "meet": "meeting meetings call calls sync standup stand-up catch-up",
    "qbr": "qbr",
}
SYNONYMS = {w: canon for canon, words in _SYNONYM_GROUPS.items() for w in words.split()}
_EXPANSIONS = {"qbr": "quarterly business review", "qbrs": "quarterly business reviews"}
_TOKEN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_JOINED = (("go live", "go-live"), ("check in", "check-in"), ("e-mail", "email"))


def stem(word: str) -> str:
    """A light stem: plural and -ly dropped, then the first five letters."""
    if word in SYNONYMS:
        return SYNONYMS[word]
    if len(word) > 5 and word.endswith("ly"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return SYNONYMS.get(word, word[:5])


def tokens(text: str, extra_stop=frozenset()) -> dict:
    """Stems of the meaningful words of ``text``, each with the first word that gave it.

    extra_stop: more words to leave out (the customer's name, for matching).
    """
    low = (text or "").lower()
    for a, b in _JOINED:
        low = low.replace(a, b)
    out: dict = {}
    for found in _TOKEN.findall(low):
        for word in _EXPANSIONS.get(found, found).split():
            if word in SYNONYMS:
                out.setdefault(SYNONYMS[word], word)
                continue
            for piece in word.split("-"):
                if (len(piece) >= 2 and piece not in STOPWORDS and piece not in extra_stop
                        and not piece[0].isdigit()):
                    out.setdefault(stem(piece), piece)
    return out


# --- phrases ----------------------------------------------------------------------------

_INVARIANT = {"staff", "personnel", "equipment", "software", "hardware", "data", "series",
              "%", "ms"}


def plural(unit, n: float = 2) -> str:
    """The unit in the plural unless n is 1: gateway -> gateways, day -> days."""
    unit = unit or "item"
    if n == 1 or unit in _INVARIANT or unit.endswith("s") and not unit.endswith("ss"):
        return unit
    if unit.endswith("y") and unit[-2:-1] not in "aeiou":
        return unit[:-1] + "ies"
    if unit.endswith(("sh", "ch", "x", "ss", "z")):
        return unit + "es"
    return unit + "s"


def num(x) -> str:
    """3.0 -> "3", 0.6667 -> "0.67", 99.82 -> "99.82"."""
    if x is None:
        return "?"
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.2f}".rstrip("0").rstrip(".")


def days(n: int) -> str:
    return "1 day" if abs(n) == 1 else f"{abs(n)} days"


def amount(value, unit) -> str:
    """99.82 "%" -> "99.82%"; 2.5 "hour" -> "2.5 hours"; 4 "business_hour" -> "4 business hours"."""
    if unit == "%":
        return f"{num(value)}%"
    if not unit:
        return num(value)
    words = unit.replace("_", " ")
    head, _, last = words.rpartition(" ")
    last = plural(last, round(value, 2) if value is not None else 2)
    return f"{num(value)} {(head + ' ' if head else '')}{last}"


def duration(value: float, unit) -> str:
    """A ticket time in words: 2.1667 "hour" -> "2 hours 10 minutes"; 0.8333 -> "50 minutes".
    Business units keep one or two decimals: "3.5 business hours"."""
    if unit in ("hour", "minute"):
        minutes = round(value * 60) if unit == "hour" else round(value)
        h, m = divmod(minutes, 60)
        parts = [amount(h, "hour")] if h else []
        if m or not h:
            parts.append(amount(m, "minute"))
        return " ".join(parts)
    return amount(round(value, 2), unit)


def level(threshold, unit, direction) -> str:
    """"within 1 hour", "at most 2 seconds", "at least 99.9%"."""
    what = amount(threshold, unit)
    if direction == "at_most":
        return f"within {what}" if unit in TIME_UNITS else f"at most {what}"
    return f"at least {what}"


TIME_UNITS = frozenset({"ms", "millisecond", "second", "minute", "hour", "day", "week",
                        "business_hour", "business_day"})


# --- the shape of a record's description, for remembered links ------------------------

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_FULL_MONTH = (r"january|february|march|april|june|july|august|september|october|november|"
               r"december")
_SHAPE_DATE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}(?:[t ]\d{1,2}:\d{2}(?::\d{2})?)?\b"
    r"|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{4}})?(?![a-z])"
    rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"
    rf"|\b{_MONTH}\s+\d{{4}}\b|\b(?:{_FULL_MONTH})\b"
    r"|\bq[1-4](?:\s+\d{4})?\b|\b(?:19|20)\d{2}-(?:0?[1-9]|1[0-2])\b")
# Priority names stay as they are: a rule for P1 tickets is not one for P2 tickets.
_SHAPE_KEEP = re.compile(r"\b(?:p|sev|severity|priority)\s?[0-9]\b")
_SHAPE_ID = re.compile(r"#\s*\d+|\b(?=[a-z0-9/_-]*\d)(?=[a-z0-9/_-]*[a-z])[a-z0-9]+(?:[/_-][a-z0-9]+)*\b")
_SHAPE_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th)?")
_SHAPE_TOKEN = re.compile(r"<date>|<id>|#|\x00|[^\W\d_]+")


def description_pattern(text: str) -> str:
    """A record's description with dates, ids and numbers generalised, so the next
    record of the same kind has the same pattern: 'Uptime report March 2027 (NOC-114)'
    and 'Uptime report April 2027 (NOC-131)' are both 'uptime report <date> <id>'.
    Priority names (P1, sev 2) are kept."""
    t = (text or "").lower().replace("\x00", " ")
    kept = iter([m.replace(" ", "") for m in _SHAPE_KEEP.findall(t)])
    t = _SHAPE_KEEP.sub(" \x00 ", t)
    t = _SHAPE_DATE.sub(" <date> ", t)
    t = _SHAPE_ID.sub(" <id> ", t)
    t = _SHAPE_NUMBER.sub(" # ", t)
    return " ".join(next(kept) if w == "\x00" else w for w in _SHAPE_TOKEN.findall(t))

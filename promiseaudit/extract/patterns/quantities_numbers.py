"""Number grammar shared by ``dates.py`` and ``quantities.py``.

``number_grammar()`` builds the regular-expression source for a written number
("three", "twenty-four", "1,200", "a dozen", "two and a half", "forty-five (45)",
"1½") once; ``parse_number`` turns such text into a float. The number words are data
(``quantities_numbers.json``).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                         "\u2014": "-", "\u2212": "-", "\u00a0": " ", "\u202f": " "})


def load_lexicon(name: str) -> dict:
    """Read one of the JSON lexicons shipped beside this module."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class NumberGrammar:
    """Compiled number grammar.

    pattern (str): regex source for one number, with an optional "(45)" echo; embed it
        in larger patterns compiled with ``re.I``. It carries no groups.
    bare (str): the same without the look-behind that keeps a number from starting
        inside a word, for the second number of a range ("2-3 weeks").
    """

    pattern: str
    bare: str
    first_words: frozenset
    digits: str
    units: dict
    tens: dict
    scales: dict
    fractions: dict
    full: re.Pattern


@lru_cache(maxsize=1)
def number_grammar() -> NumberGrammar:
    """Build (once) the number grammar from ``quantities_numbers.json``."""
    lex = load_lexicon("quantities_numbers.json")
    units, tens, scales = lex["units"], lex["tens"], lex["scales"]
    fractions = lex["fractions"]
    frac_chars = "".join(fractions)
    digit_units = [w for w, v in units.items() if 1 <= v <= 9]
    dash = r"[-\u2010\u2011\u2013 ]"
    tens_part = rf"(?:(?:{_alt(tens)})(?:{dash}(?:{_alt(digit_units)}))?|(?:{_alt(units)}))"
    hundreds = rf"(?:{tens_part}|a)\s+hundred(?:\s+(?:and\s+)?{tens_part})?"
    group = rf"(?:{hundreds}|{tens_part})"
    thousands = rf"(?:{group}|a)\s+thousand(?:,?\s+(?:and\s+)?{group})?"
    words = rf"(?:{thousands}|{group})(?:\s+and\s+a\s+(?:half|quarter))?"
    digits = (rf"(?:(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?[{frac_chars}]?"
              rf"(?:\s+(?:{_alt(scales)})(?![\w-]))?|[{frac_chars}])")
    dozen = rf"(?:(?:a|half\s+a|{group}|\d+)\s+dozen)"
    half = r"(?:half\s+an?)(?=\s)"
    number = (rf"(?:(?<![\w.,/$£€¥#:\-\u2013]){digits}"
              rf"|(?<![\w\-]){dozen}|(?<![\w\-]){half}|(?<![\w\-]){words})")
    # "thirty (30)" and "4 (four)": a number repeated in brackets, in words or figures.
    echo = rf"(?:\s*\(\s*(?:{digits}|{words})\s*\))?"
    pattern = rf"(?:{number}{echo})"
    bare = rf"(?:(?:{digits}|{dozen}|{half}|{words}){echo})"
    return NumberGrammar(
        pattern=pattern, bare=bare, digits=digits,
        first_words=frozenset(list(units) + list(tens) + ["a", "an", "half"]),
        units=units, tens=tens, scales=scales,
        fractions=fractions, full=re.compile(pattern, re.I),
    )


_TOKENS = re.compile(r"[\d½¼¾⅓⅔]+|[A-Za-z]+")


def number_starts(text: str, articles: bool = True) -> list[int]:
    """Offsets where a number may start (digits, fractions, number words, "a"/"an").

    Patterns that open with a number are matched only there: scanning every offset
    with the full number grammar costs ten times more. ``articles=False`` keeps "a",
    "an" and "half" only before "dozen", "hundred", "thousand" ("a dozen banners").
    """
    words = number_grammar().first_words
    out = []
    for m in _TOKENS.finditer(text):
        token = m.group()
        if not token[0].isalpha():
            out.append(m.start())
            continue
        low = token.lower()
        if low not in words:
            continue
        if not articles and low in ("a", "an", "half") and not _SCALE_NEXT.match(text, m.end()):
            continue
        out.append(m.start())
    return out


_SCALE_NEXT = re.compile(r"\s+(?:a\s+)?(?:dozen|hundred|thousand|million)\b", re.I)


_ECHO = re.compile(r"^(.*?)\s*\(\s*([^()]+?)\s*\)$")
_DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_SCALED = re.compile(r"^((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s+([a-z]+)$")
_FRAC = re.compile(r"^(\d*)\s*([½¼¾⅓⅔])$")


def parse_number(text: str) -> float | None:
    """Read a written number.

    text (str): "3", "1,200", "1.5", "½", "three", "twenty-four", "a dozen",
        "two and a half", "one hundred and twenty", "forty-five (45)".
    RETURNS (float | None): its value, or None when the text is not a number.
    """
    if not text:
        return None
    g = number_grammar()
    t = " ".join(text.translate(_DASHES).lower().split())
    echo = _ECHO.match(t)
    if echo:
        inner = parse_number(echo.group(2))
        return inner if inner is not None else parse_number(echo.group(1))
    if _DIGITS.match(t):
        return float(t.replace(",", ""))
    scaled = _SCALED.match(t)
    if scaled and scaled.group(2) in g.scales:
        return float(scaled.group(1).replace(",", "")) * g.scales[scaled.group(2)]
    frac = _FRAC.match(t)
    if frac:
        return float(frac.group(1) or 0) + g.fractions[frac.group(2)]
    return _parse_words(t, g)


def _parse_words(t: str, g: NumberGrammar) -> float | None:
    if t.endswith("dozen"):
        head = t[: -len("dozen")].strip()
        if head in ("", "a"):
            return 12.0
        if head == "half a":
            return 6.0
        value = parse_number(head)
        return value * 12 if value is not None else None
    if t in ("half a", "half an", "a half", "half"):
        return 0.5
    extra = 0.0
    for tail, value in ((" and a half", 0.5), (" and a quarter", 0.25)):
        if t.endswith(tail):
            t, extra = t[: -len(tail)], value
            break
    total = current = 0
    seen = False
    tokens = [tok for tok in re.split(r"[\s\-,]+", t) if tok]
    for i, tok in enumerate(tokens):
        if tok == "and" and seen and tokens[i - 1] in g.scales:
            continue
        if tok in g.units:
            current += g.units[tok]
        elif tok in g.tens:
            current += g.tens[tok]
        elif tok == "hundred":
            current = (current or 1) * 100
        elif tok in g.scales:
            total += (current or 1) * g.scales[tok]
            current = 0
        elif tok == "a" and i == 0 and len(tokens) > 1 and tokens[1] in g.scales:
            continue
        else:
            return None
        seen = True
    if not seen:
        return None
    return float(total + current) + extra

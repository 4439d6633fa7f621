"""The grammar of schedules: how often a promise repeats, and the condition clauses
("if", "where requested") that never make one.

Pure functions on strings, no spaCy, and no other grammar module: ``dates`` and
``quantities`` both build on this one, so neither needs the other to tell a schedule.

- ``find_recurrence``: "weekly status calls" -> "weekly"; prices ("$500 per month")
  are not schedules.
- ``in_condition``: whether a position of a text lies inside a condition clause.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from promiseaudit.extract.patterns.quantities_numbers import load_lexicon

__all__ = ["find_recurrence", "in_condition"]

# Dashes, quotes and odd spaces made plain, same length (dates.py uses it too).
NORMALISE = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2212": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2018": "'",
    "\u2019": "'", "\u201c": '"', "\u201d": '"',
})
_WORDS = re.compile(r"[A-Za-z]+")
_RECURRENCE_GATE = frozenset((
    "day", "days", "daily", "nightly", "night", "evening", "morning", "week", "weekly",
    "weekday", "fortnight", "fortnightly", "month", "monthly", "mensem", "quarter",
    "quarterly", "year", "yearly", "annual", "annually", "annum", "biweekly", "semimonthly",
    "semiannual", "semiannually", "biannual", "biannually", "semester", "qbr", "qbrs",
    "anniversary", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "months", "weeks",
))
_SUPPORT_HOURS_GATE = re.compile(r"\b(?:a|per|each)\s+(?:day|week|year)\b|24|365|seven", re.I)


@dataclass(frozen=True)
class _RGrammar:
    recurrences: re.Pattern
    price_before: re.Pattern
    price_after: re.Pattern
    not_recurrence: re.Pattern
    condition: re.Pattern


@lru_cache(maxsize=1)
def _grammar() -> _RGrammar:
    rec = load_lexicon("quantities_recurrence.json")
    return _RGrammar(
        recurrences=re.compile(
            r"(?<![\w-])(?:" + "|".join(f"(?P<{name}>{src})" for name, src in rec["patterns"])
            + r")(?![\w-])", re.I),
        price_before=re.compile(rec["price_before"], re.I),
        price_after=re.compile(rec["price_after"], re.I),
        not_recurrence=re.compile(rec["not_recurrence"], re.I),
        condition=re.compile(rec["condition"], re.I),
    )


def _blank(m: re.Match) -> str:
    return "#" * len(m.group())


def find_recurrence(sentence: str) -> str | None:
    """How often a promise repeats: "daily", "weekly", "biweekly", "monthly",
    "quarterly", "semiannually", "annually", or None.

    "99.95% monthly uptime" -> "monthly"; "$500 per month", "monthly fee" and
    "24 months' warranty" -> None; "24x7" and "8 hours a day" are support hours, not a
    schedule. The earliest recurrence in the sentence wins.
    """
    if not sentence:
        return None
    g = _grammar()
    text = sentence.translate(NORMALISE)
    if not {w.lower() for w in _WORDS.findall(text)} & _RECURRENCE_GATE:
        return None
    if _SUPPORT_HOURS_GATE.search(text):
        text = g.not_recurrence.sub(_blank, text)
    text = g.condition.sub(_blank, text)
    for m in g.recurrences.finditer(text):
        if g.price_before.search(text[max(0, m.start() - 60):m.start()]):
            continue
        if g.price_after.match(text[m.end():m.end() + 40]):
            continue
        return m.lastgroup
    return None


def in_condition(norm: str, start: int) -> bool:
    """Whether position ``start`` of ``norm`` lies inside a condition clause."""
    return any(m.start() <= start < m.end() for m in _grammar().condition.finditer(norm))

"""Words and numbers as a sales manager reads them: status labels, dates, figures."""
from __future__ import annotations

import re
from datetime import date
from typing import Optional

from ..errors import PromiseAuditError
from ..read.normalize import keeps_hyphen, vocabulary

NOT_RECORDED = "Not recorded yet"

STATUS_LABELS = {
    "kept": "Kept",
    "late": "Late",
    "broken": "Broken",
    "at_risk": "At risk",
    "pending": "Pending",
    "open": "Open",
    "waived": "Waived",
    "superseded": "Superseded",
}
STATUS_HELP = {
    "kept": "Delivered on time, or the promised level was met.",
    "late": "Delivered, but after the due date.",
    "broken": "The due date passed without delivery, or the promised level was missed.",
    "at_risk": "Due soon and nothing has been recorded as delivered yet.",
    "pending": "Not due yet.",
    "open": "No due date can be worked out yet (for example, go-live has not happened), "
            "or no figure has been recorded to check it against: evidence is needed.",
    "waived": "The customer agreed to drop or change it.",
    "superseded": "Replaced by a newer version of the proposal.",
}
# Worst first: the order problems are listed in.
STATUS_ORDER = {s: i for i, s in enumerate(
    ("broken", "at_risk", "late", "open", "pending", "kept", "waived", "superseded"))}
# Statuses counted in the kept rate's denominator: promises that have fallen due.
DUE_STATUSES = ("kept", "late", "broken")

CATEGORY_LABELS = {
    "delivery": "Delivery",
    "service_level": "Service level",
    "training": "Training",
    "check_in": "Check-in",
    "support": "Support",
    "warranty": "Warranty",
    "pricing": "Pricing",
}
REVIEW_LABELS = {
    "candidate": "Not yet reviewed",
    "confirmed": "Confirmed",
    "rejected": "Rejected",
    "superseded": "Replaced by a newer proposal",
}
OUTCOME_LABELS = {
    "parsed": "Read",
    "encrypted": "Not read: locked with a password",
    "scanned": "Not read: scanned image without text",
    "malformed": "Not read: damaged or unreadable file",
    "too_large": "Not read: over promiseaudit's limits for one document",
}
OUTCOME_ADVICE = {
    "parsed": "",
    "encrypted": "Ingest it again with its password (--password).",
    "scanned": "Run it through text recognition (OCR) and ingest the result.",
    "malformed": "Save or export the proposal again and ingest the new file.",
    "too_large": "Split it into smaller files and ingest those.",
}
RECURRENCE_PERIODS = {
    "daily": "day",
    "weekly": "week",
    "biweekly": "fortnight",
    "monthly": "month",
    "quarterly": "quarter",
    "semiannually": "half-year",
    "annually": "year",
}
TIME_UNITS = {"ms", "millisecond", "milliseconds", "second", "seconds", "minute", "minutes",
              "hour", "hours", "day", "days", "business day", "business days", "week",
              "weeks", "business hour", "business hours"}
# Units as the extractor stores them -> as people write them.
UNIT_WORDS = {"ms": "millisecond", "business_day": "business day",
              "business_hour": "business hour"}


class DateFormatter:
    """Formats dates with the user's strftime pattern (cached: reports repeat dates)."""

    def __init__(self, fmt: str = "%Y-%m-%d"):
        check_date_format(fmt)
        self.fmt = fmt
        self._cache: dict = {}

    def __call__(self, value: Optional[date], missing: str = NOT_RECORDED) -> str:
        if value is None:
            return missing
        text = self._cache.get(value)
        if text is None:
            text = self._cache[value] = value.strftime(self.fmt)
        return text

    def in_text(self, text: str) -> str:
        """The same text with its ISO dates (2027-04-15) in the user's format."""
        if not text or self.fmt == "%Y-%m-%d":
            return text
        return _ISO_DATE.sub(lambda m: self._safe(m.group(0)), text)

    def _safe(self, iso: str) -> str:
        try:
            return self(date.fromisoformat(iso))
        except ValueError:
            return iso


_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def check_date_format(fmt: str) -> None:
    """PromiseAuditError unless ``fmt`` is a usable strftime pattern."""
    if not isinstance(fmt, str) or "%" not in fmt:
        raise PromiseAuditError(
            f"Date format '{fmt}' has no date codes; use strftime codes such as "
            "'%d %b %Y' or '%Y-%m-%d'"
        )
    try:
        date(2027, 1, 2).strftime(fmt)
    except ValueError as e:
        raise PromiseAuditError(
            f"Date format '{fmt}' is not valid ({e}); use codes such as '%d %b %Y'"
        ) from None


# A measured period nobody recorded a figure for: not a breach, evidence is needed.
PERIOD_LABELS = {"no_figure": "No figure recorded"}


def status_label(status: Optional[str]) -> str:
    return STATUS_LABELS.get(status or "") or PERIOD_LABELS.get(status or "", "Not checked yet")


def category_label(category: Optional[str]) -> str:
    if not category:
        return NOT_RECORDED
    return CATEGORY_LABELS.get(category, category.replace("_", " ").capitalize())


def number(value, missing: str = NOT_RECORDED) -> str:
    """310.0 -> "310"; 99.82 -> "99.82"; 38400 -> "38,400"."""
    if value is None or value == "":
        return missing
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, (int, float)):
        return str(value)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def percent(rate: Optional[float], missing: str = "No promises due yet") -> str:
    if rate is None:
        return missing
    return f"{round(rate * 100):d}%"


def rate_of(kept: int, due: int) -> Optional[float]:
    return kept / due if due else None


def unit_words(unit: Optional[str]) -> str:
    """A stored unit in words: "business_day" -> "business day", "ms" -> "millisecond"."""
    if not unit:
        return ""
    return UNIT_WORDS.get(unit, unit.replace("_", " "))


def plural(unit: Optional[str], count) -> str:
    """The unit in the plural when ``count`` is not 1 ("gateway", 340 -> "gateways";
    "business_day", 2 -> "business days")."""
    unit = unit_words(unit)
    if not unit:
        return ""
    if unit in ("%", "percent") or count == 1:
        return unit
    if unit.endswith(("s", "x", "ch", "sh")):
        return unit if unit.endswith("s") else unit + "es"
    if unit.endswith("y") and unit[-2:-1] not in "aeiou":
        return unit[:-1] + "ies"
    return unit + "s"


def amount(value, unit: Optional[str]) -> str:
    """A number with its unit: 99.9 % -> "99.9%", 1 hour -> "1 hour", 4 hour -> "4 hours"."""
    if unit in ("%", "percent"):
        return f"{number(value)}%"
    if not unit:
        return number(value)
    return f"{number(value)} {plural(unit, value)}"


def threshold_phrase(threshold, unit, direction) -> str:
    """ "within 1 hour", "at least 99.9%", "at most 2 defects" (empty without a level)."""
    if threshold is None:
        return ""
    text = amount(threshold, unit)
    if direction == "at_most":
        timed = unit_words(unit).lower() in TIME_UNITS
        return f"within {text}" if timed else f"at most {text}"
    if direction == "at_least":
        return f"at least {text}"
    return text


def shorten(text: str, width: int = 90) -> str:
    """The quote cut at a word boundary with an ellipsis when longer than ``width``."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "…"


# A line end inside a word split with a hyphen ("imple-\nmentation"), or any other line
# end (PDF text keeps the proposal's line breaks).
_HYPHEN_BREAK = re.compile(r"(\w+)-[ \t]*\r?\n\s*(\w+)")
_LINE_BREAK = re.compile(r"[ \t]*(?:\r\n|\r|\n)\s*")


def display_quote(text: Optional[str]) -> str:
    """A quote as a person reads it: line breaks from the PDF become spaces ("by 1\nMarch"
    -> "by 1 March") and a word hyphenated at a line end is joined ("imple-\nmentation"
    -> "implementation") unless the hyphen may be real ("go-\nlive", "24-\nhour",
    "e-\nmail"). Only for showing: the stored quote is never changed."""
    if not text:
        return text or ""
    if "\n" not in text and "\r" not in text:
        return text
    vocab = vocabulary([text])

    def join(m: re.Match) -> str:
        left, right = m.group(1), m.group(2)
        if f"{left}-{right}".lower() in vocab:
            keep = True
        elif f"{left}{right}".lower() in vocab:
            keep = False
        else:
            # Short heads ("e-", "re-", "co-") are usually real prefixes: keep the hyphen.
            keep = len(left) < 3 or not left.isalpha() or not right.islower() \
                or keeps_hyphen(left, right, vocab)
        return f"{left}-{right}" if keep else left + right

    text = _HYPHEN_BREAK.sub(join, text.strip())
    return _LINE_BREAK.sub(" ", text)


_PRIORITY = re.compile(r"\b(?:P|priority\s*)([1-5])\b", re.I)


def priority_of(text: str) -> str:
    """ "Priority 1 incidents ..." -> "P1"; "" when the quote names no priority."""
    m = _PRIORITY.search(text or "")
    return f"P{m.group(1)}" if m else ""


def humanise_key(key: str) -> str:
    return key.replace("_", " ").strip().capitalize()

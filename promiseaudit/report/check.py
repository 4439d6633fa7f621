"""The draft check (``promiseaudit check``) as terminal text and as an HTML page."""
from __future__ import annotations

import textwrap
from typing import Optional

import jinja2

from .formatting import DateFormatter, category_label, shorten

WIDTH = 78
INDENT = 5
ABSOLUTE_ADVICE = ("absolute words leave no room for the one time something goes wrong; "
                   "say what you will do and by when (\"respond within 1 hour\"), or name "
                   "the exceptions.")
OVER_LABELS = ("Absolute language", "Beyond the record")
VAGUE_ADVICE = "Not something anyone can check; if you mean it, add a date, a number or a cadence."


def _quoted(words) -> str:
    return " and ".join(f"\u201c{w}\u201d" for w in words)


def _item(c, fmt: DateFormatter, min_kept: float) -> dict:
    p = c.promise
    record = c.record
    lines = [record.sentence()]
    if c.wider is not None:
        lines.append("Across the whole ledger: " + c.wider.sentence()[0].lower()
                     + c.wider.sentence()[1:])
    flags = []
    if c.absolutes:
        flags.append(("Absolute language", f"{_quoted(c.absolutes)}: {ABSOLUTE_ADVICE}"))
    for sentence in c.overreach:
        flags.append(("Beyond the record", sentence))
    if c.weak:
        flags.append(("Weak track record", f"Similar promises were kept "
                      f"{round(100 * c.telling.rate)} % of the time, less than the "
                      f"{round(100 * min_kept)} % asked for."))
    if c.unverifiable:
        flags.append(("Nothing to check", c.unverifiable))
    return {
        "quote": " ".join(p.text.split()), "short": shorten(p.text, 110), "page": p.page,
        "category": category_label(p.category),
        "promise": f"You promise {fmt.in_text(c.terms)}." if c.terms else "",
        "similar": f"Similar means: {c.record.basis}.", "record": lines,
        "flags": flags, "fine": c.fine,
    }


def check_context(result, date_format: str = "%Y-%m-%d") -> dict:
    """What the check page and text show, from a ``DraftCheck``."""
    fmt = DateFormatter(date_format)
    items = [_item(c, fmt, result.min_kept) for c in result.promises]
    return {
        "name": result.name,
        "as_of": fmt(result.as_of),
        "history": fmt.in_text(result.history),
        "summary": result.summary(),
        "items": items,
        "over": [{"item": i, "flags": [f for f in i["flags"] if f[0] in OVER_LABELS]}
                 for i in items if any(f[0] in OVER_LABELS for f in i["flags"])],
        "vague": [{"text": v.text, "page": v.page, "words": _quoted(c.words for c in v.cues)}
                  for v in result.vague],
        "gaps": [{"title": g.title, "advice": g.advice} for g in result.gaps
                 if g.key != "duties"],
        "duties": [{"text": d.text, "page": d.page} for d in result.duties],
        "duty_gap": next(({"title": g.title, "advice": g.advice} for g in result.gaps
                          if g.key == "duties"), None),
        "strict": result.strict_failures(),
        "min_kept": f"{round(100 * result.min_kept)} %",
    }


def _wrap(text: str, indent: int = INDENT, first: Optional[str] = None) -> list[str]:
    pad = " " * indent
    lead = pad if first is None else first.ljust(indent)
    return textwrap.wrap(text, WIDTH, initial_indent=lead, subsequent_indent=pad,
                         break_on_hyphens=False) or [lead.rstrip()]


def _heading(title: str) -> list[str]:
    return ["", title.upper(), "-" * WIDTH]


def check_text(result, date_format: str = "%Y-%m-%d") -> str:
    """The check as fixed-width text for the terminal."""
    ctx = check_context(result, date_format)
    lines = [f"CHECK OF DRAFT: {ctx['name']}"]
    lines += _wrap(ctx["history"], 0)
    lines.append("=" * WIDTH)
    lines += _wrap(ctx["summary"], 0)

    lines += _heading("Track record")
    if not ctx["items"]:
        lines.append("No promises found in the draft.")
    for item in ctx["items"]:
        lines += _wrap(f"\u201c{item['short']}\u201d", INDENT, f"p.{item['page']}")
        if item["promise"]:
            lines += _wrap(item["promise"])
        for text in item["record"]:
            lines += _wrap(text)
        lines += _wrap(item["similar"])
        for label, text in item["flags"]:
            if label == "Weak track record":
                lines += _wrap(f"{label}: {text}", INDENT + 2, " " * INDENT + "! ")
        lines.append("")

    lines += _heading("Over-promising")
    over = [(i, [f for f in i["flags"] if f[0] in OVER_LABELS]) for i in ctx["items"]]
    over = [(i, flags) for i, flags in over if flags]
    if not over:
        lines.append("No absolute words, and no level beyond what the ledger shows was done.")
    for item, flags in over:
        lines += _wrap(f"\u201c{shorten(item['quote'], 90)}\u201d", INDENT, f"p.{item['page']}")
        for label, text in flags:
            said = f"{label}: {text}" if label == "Absolute language" else text
            lines += _wrap(said, INDENT + 2, " " * INDENT + "! ")

    lines += _heading("Nothing to check")
    unverifiable = [(i, f) for i in ctx["items"] for f in i["flags"] if f[0] == "Nothing to check"]
    if not unverifiable and not ctx["vague"]:
        lines.append("Every promise has a date, a number or a cadence to check it by.")
    for item, (_, text) in unverifiable:
        lines += _wrap(f"\u201c{shorten(item['quote'], 90)}\u201d", INDENT, f"p.{item['page']}")
        lines += _wrap(text, INDENT + 2, " " * INDENT + "> ")
    for v in ctx["vague"]:
        lines += _wrap(f"\u201c{shorten(v['text'], 90)}\u201d", INDENT, f"p.{v['page']}")
        lines += _wrap(f"{v['words']}: {VAGUE_ADVICE}", INDENT + 2, " " * INDENT + "> ")

    lines += _heading("Missing touch points")
    if not ctx["gaps"]:
        lines.append("The draft promises a check-in after go-live, regular reviews and training.")
    for g in ctx["gaps"]:
        lines += _wrap(f"{g['title']}: {g['advice']}", 2, "- ")

    lines += _heading("What the customer must provide")
    if ctx["duty_gap"]:
        lines += _wrap(ctx["duty_gap"]["advice"], 2, "! ")
    elif ctx["duties"]:
        lines.append("The draft says what the customer must provide (access, data, approvals).")
    else:
        lines.append("No dated deliveries depend on the customer.")
    for d in ctx["duties"]:
        lines += _wrap(f"\u201c{shorten(d['text'], 100)}\u201d", INDENT, f"p.{d['page']}")
    return "\n".join(lines) + "\n"


def check_html(result, date_format: str = "%Y-%m-%d",
               env: Optional[jinja2.Environment] = None) -> str:
    """The check as a single HTML page (templates/check.html)."""
    from . import _render

    return _render(env, "check.html", check_context(result, date_format))

"""HTML and text reports from ``AuditData``: the manager's audit, the weekly report and
the pre-call brief.

Templates live in the top-level ``templates/`` folder, installed as
``promiseaudit/templates``. ``make_environment`` builds a fresh Jinja environment (no
module-level state); every function takes an optional ``env`` so callers can reuse one.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Optional

import jinja2

from ..audit.week import week_of
from ..errors import PromiseAuditError
from ..models import AuditData
from .formatting import (
    DateFormatter,
    category_label,
    number,
    percent,
    status_label,
)
from .text import brief_text, weekly_text
from .views import (
    CARD_LIMIT,
    LIST_LIMIT,
    QUIET_DAYS,
    ReportFilters,
    brief_context,
    manager_context,
    manager_context_stored,
    weekly_context,
    weekly_context_stored,
)

__all__ = [
    "ReportFilters",
    "make_environment",
    "manager_report",
    "weekly_report",
    "manager_report_stored",
    "weekly_report_stored",
    "render_weekly",
    "brief_html",
    "brief_text",
    "weekly_text",
    "iso_week_bounds",
    "template_dirs",
]

# Status colours: (text, background, border). Each badge also carries its label, so a
# report printed in grey still reads correctly.
STATUS_COLOURS = {
    "kept": ("#05603a", "#d1fadf", "#6ce9a6"),
    "late": ("#5925dc", "#f4ebff", "#b692f6"),
    "broken": ("#ffffff", "#b42318", "#b42318"),
    "at_risk": ("#93370d", "#fef0c7", "#f79009"),
    "pending": ("#1849a9", "#e0eaff", "#84adff"),
    "open": ("#344054", "#f2f4f7", "#98a2b3"),
    "waived": ("#344054", "#f9fafb", "#98a2b3"),
    "superseded": ("#667085", "#ffffff", "#d0d5dd"),
}
UNKNOWN_COLOURS = ("#344054", "#ffffff", "#98a2b3")


def template_dirs(template_dir: Optional[str] = None) -> list[str]:
    """Where templates are looked up, first match wins: the user's folder, then the
    installed copy (``promiseaudit/templates``) or, in a source tree or editable install
    that has none, the repository's ``templates/``."""
    package = Path(__file__).resolve().parent.parent
    dirs = []
    if template_dir is not None:
        if not Path(template_dir).is_dir():
            raise PromiseAuditError(
                f"Template folder {template_dir} not found; give a folder of .html templates"
            )
        dirs.append(str(template_dir))
    # Only one shipped folder: site-packages/templates may belong to another project.
    for candidate in (package / "templates", package.parent / "templates"):
        if candidate.is_dir():
            dirs.append(str(candidate))
            break
    return dirs


def _format_date(value, fmt: str = "%Y-%m-%d", missing: str = "Not recorded yet") -> str:
    return DateFormatter(fmt)(value, missing)


def _status_style(status: str) -> str:
    fg, bg, border = STATUS_COLOURS.get(status, UNKNOWN_COLOURS)
    return (f"color:{fg};background-color:{bg};border:1px solid {border};"
            "border-radius:3px;padding:1px 6px;font-size:12px;font-weight:bold;"
            "white-space:nowrap;")


def make_environment(template_dir: Optional[str] = None) -> jinja2.Environment:
    """A Jinja environment for the reports: autoescaping, StrictUndefined, our filters.

    template_dir (str | None): a folder whose templates override the shipped ones.
    """
    dirs = template_dirs(template_dir)
    if not dirs:
        raise PromiseAuditError(
            "The report templates are missing from this installation; reinstall promiseaudit"
        )
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(dirs),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update({
        "format_date": _format_date,
        "status_label": status_label,
        "category_label": category_label,
        "number": number,
        "percent": percent,
        "status_style": _status_style,
    })
    env.globals["status_colours"] = STATUS_COLOURS
    return env


def _render(env: Optional[jinja2.Environment], name: str, context: dict) -> str:
    env = env or make_environment()
    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound:
        raise PromiseAuditError(
            f"Report template {name} not found in {', '.join(template_dirs()) or 'any folder'}; "
            "reinstall promiseaudit or add it to your template folder"
        ) from None
    return template.render(**context)


def manager_report(data: AuditData, filters: ReportFilters = ReportFilters(),
                   date_format: str = "%Y-%m-%d",
                   env: Optional[jinja2.Environment] = None, limit: int = LIST_LIMIT,
                   cards: int = CARD_LIMIT) -> str:
    """The manager's audit (HTML): headline figures, kept rate by rep, customer and
    category with a trend, the broken and at-risk promises with their evidence, and the
    proposals read with their outcome. limit: rows each table shows at most, cards: how
    many broken and how many at-risk promises get a card (the rest is counted in a line
    saying how to see it)."""
    fmt = DateFormatter(date_format)
    ctx = manager_context(data, filters, fmt, limit, cards)
    return _render(env, "manager.html", ctx)


def manager_report_stored(src, filters: ReportFilters = ReportFilters(),
                          date_format: str = "%Y-%m-%d",
                          env: Optional[jinja2.Environment] = None,
                          limit: int = LIST_LIMIT, cards: int = CARD_LIMIT) -> str:
    """``manager_report`` from a stored audit (``api.load_stored_audit``): the same
    report, with a line saying which stored audit it was made from."""
    fmt = DateFormatter(date_format)
    ctx = manager_context_stored(src, filters, fmt, limit, cards)
    ctx["from_audit"] = stored_note(src)
    return _render(env, "manager.html", ctx)


def stored_note(src) -> str:
    """The line a report made from a stored audit carries."""
    return (f"Made from the audit stored on {src.run['run_at'][:16].replace('T', ' ')} UTC "
            "by `promiseaudit audit`; the ledger had not changed since.")


def weekly_report(data: AuditData, week_start: date, week_end: date,
                  date_format: str = "%Y-%m-%d",
                  env: Optional[jinja2.Environment] = None, rep: Optional[str] = None,
                  for_email: bool = False, quiet_days: int = QUIET_DAYS,
                  limit: int = LIST_LIMIT, cards: int = CARD_LIMIT) -> str:
    """The weekly report (HTML suited to e-mail): what broke this week, what is due or at
    risk in the next two weeks, what was kept, what changed since last week's snapshot.

    ``data.as_of`` is the week's end; ``data.previous`` the statuses at last week's
    snapshot. The output has no timestamps: the same data gives the same bytes.
    rep (str | None): only this rep's deals ("" for deals with no rep recorded).
    for_email (bool): leave out the print style sheet, so every style is inline.
    """
    fmt = DateFormatter(date_format)
    ctx = weekly_context(data, week_start, week_end, fmt, rep=rep, quiet_days=quiet_days,
                         limit=limit, cards=cards)
    return render_weekly(ctx, env, for_email)


def render_weekly(ctx: dict, env: Optional[jinja2.Environment] = None,
                  for_email: bool = False) -> str:
    """The weekly report's HTML from its context (``views.weekly_context`` or
    ``weekly_context_stored``); for_email as in ``weekly_report``."""
    ctx["for_email"] = for_email
    return _render(env, "weekly.html", ctx)


def weekly_report_stored(src, week_start: date, week_end: date, date_format: str = "%Y-%m-%d",
                         env: Optional[jinja2.Environment] = None,
                         quiet_days: int = QUIET_DAYS, limit: int = LIST_LIMIT,
                         cards: int = CARD_LIMIT) -> str:
    """``weekly_report`` (for every deal) from a stored audit of the week's as-of date
    (``api.load_stored_audit``), with a line saying which stored audit it was made from."""
    fmt = DateFormatter(date_format)
    ctx = weekly_context_stored(src, week_start, week_end, fmt, quiet_days, limit, cards)
    ctx["from_audit"] = stored_note(src)
    return render_weekly(ctx, env)


def brief_html(data: AuditData, deal_id: Optional[str] = None, customer: Optional[str] = None,
               date_format: str = "%Y-%m-%d",
               env: Optional[jinja2.Environment] = None, quiet_days: int = QUIET_DAYS) -> str:
    """The one-page pre-call brief for a deal or a customer (HTML)."""
    fmt = DateFormatter(date_format)
    ctx = brief_context(data, deal_id, customer, fmt, quiet_days)
    return _render(env, "brief.html", ctx)


_ISO_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.I)


# The Monday and Sunday of the week a day falls in: the week a stored audit's digests
# were made for (``audit.week``), so both stages agree on it.
week_bounds = week_of


def iso_week_bounds(week: str) -> tuple[date, date]:
    """ "2027-W28" -> (Monday, Sunday) of that ISO week."""
    m = _ISO_WEEK.match(week or "")
    if not m:
        raise PromiseAuditError(
            f"'{week}' is not a week; write it as YEAR-Wnn, for example 2027-W28"
        )
    year, num = int(m.group(1)), int(m.group(2))
    try:
        monday = date.fromisocalendar(year, num, 1)
    except ValueError:
        weeks = date(year, 12, 28).isocalendar().week
        raise PromiseAuditError(
            f"'{week}': {year} has weeks 1 to {weeks}; pick a week in that range"
        ) from None
    return monday, date.fromisocalendar(year, num, 7)

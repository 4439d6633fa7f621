"""One reading of a unit's dates, numbers, schedules and quantities.

The finders live in ``recurrence`` (schedules), ``dates`` (due dates and relative
deadlines, which ask ``recurrence`` whether a date bounds a schedule) and ``quantities``
(counts, measured levels, periods, which ask ``dates`` where the dates are). The import
order is one way: recurrence <- dates <- quantities <- grammar.

``read_unit`` is the layer the extractor uses: each finder runs at most once per piece of
text, on first use, and the answers are kept on the reading, so the parameters of a
promise and the fields stored with it (series end, go-live event) come from one pass.
"""
from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Optional

from .dates import Deadline, find_deadline, names_go_live, period_deadline, series_end_event, series_start
from .quantities import Quantity, Threshold, find_action, find_period, find_quantity, find_threshold
from .recurrence import find_recurrence

__all__ = ["UnitReading", "read_unit"]


class UnitReading:
    """What the grammar finds in one text (a unit, its lead-in or its condition clause)."""

    def __init__(self, text: str, document_date: Optional[date] = None, locale: Optional[str] = None):
        self.text = text
        self.document_date = document_date
        self.locale = locale

    @cached_property
    def recurrence(self) -> Optional[str]:
        return find_recurrence(self.text)

    @cached_property
    def deadline(self) -> Optional[Deadline]:
        return find_deadline(self.text, self.document_date, self.locale)

    @cached_property
    def notice_deadline(self) -> Optional[Deadline]:
        """The deadline of a notice, where whole days written as hours after any event
        count ("inform you within 48 hours of the inspection")."""
        return find_deadline(self.text, self.document_date, self.locale, hours_after_events=True)

    @cached_property
    def threshold(self) -> Optional[Threshold]:
        return find_threshold(self.text)

    @cached_property
    def period(self) -> Optional[Threshold]:
        return find_period(self.text)

    @cached_property
    def quantity(self) -> Optional[Quantity]:
        return find_quantity(self.text)

    @cached_property
    def action(self) -> str:
        """What is done to counted things, in the past tense ("installed", "held")."""
        return find_action(self.text)

    @cached_property
    def series_end(self) -> Optional[str]:
        return series_end_event(self.text)

    @cached_property
    def names_go_live(self) -> bool:
        return names_go_live(self.text)

    @cached_property
    def series_start(self) -> tuple:
        """(date or None, event or None) where a schedule starts, as the text says."""
        return series_start(self.text, self.document_date, self.locale)

    @cached_property
    def period_deadline(self) -> Optional[tuple]:
        """(days, business days?, "start" or "end") of a deadline inside each period."""
        return period_deadline(self.text)


def read_unit(text: str, document_date: Optional[date] = None, locale: Optional[str] = None) -> UnitReading:
    """The grammar's reading of ``text``; nothing is computed until it is asked for."""
    return UnitReading(text or "", document_date, locale)

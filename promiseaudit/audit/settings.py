"""Audit settings and waivers: plain values the caller builds and passes down."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping


@dataclass(frozen=True)
class AuditSettings:
    """How strict the audit is.

    at_risk_days (int): an undelivered promise due within this many days is at risk.
    at_risk_days_by_category (dict): the same window for one category, e.g.
        {"training": 14}; categories not listed use ``at_risk_days``. For recurring
        promises the window is at most half a period (3 days for a weekly call), so a
        weekly call is not "at risk" every day of the week.
    measurement_margin (float): share of the allowance left that still counts as close
        to the limit. 0.2 means: a response that used 80 % or more of the allowed time,
        or uptime that used 80 % or more of the allowed downtime (99.92 % against a
        99.9 % promise), is at risk. For other "at least" levels (warranty months,
        satisfaction scores) the room is the level itself: within 20 % above it.
    holidays (frozenset[date]): days skipped when counting business days and hours.
    min_match_score (float, 0-1): an automatic match below this score is not made.
    min_match_lead (float, 0-1): the best promise must beat the runner-up by this much,
        otherwise the record is reported as ambiguous instead of guessed.
    """

    at_risk_days: int = 7
    at_risk_days_by_category: Mapping[str, int] = field(default_factory=dict)
    measurement_margin: float = 0.2
    holidays: frozenset = frozenset()
    min_match_score: float = 0.55
    min_match_lead: float = 0.1

    def window_for(self, category: str) -> int:
        """The at-risk window in days for a promise category."""
        return int(self.at_risk_days_by_category.get(category, self.at_risk_days))


@dataclass(frozen=True)
class Waiver:
    """The customer agreed to drop or change a promise."""

    promise_id: str
    reason: str
    by: str
    on: date

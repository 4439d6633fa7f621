"""The audit stage: pure functions from promises, deals and delivery records to verdicts.

Nothing here touches the ledger; the caller loads the models and passes them in.
"""
from .calendar import add_business_days, business_hours_between, is_business_day, load_holidays
from .due import resolve_due
from .engine import audit_all
from .match import Match, match_deliveries
from .rules import audit_promise
from .settings import AuditSettings, Waiver

__all__ = [
    "AuditSettings",
    "Waiver",
    "Match",
    "load_holidays",
    "add_business_days",
    "business_hours_between",
    "is_business_day",
    "resolve_due",
    "match_deliveries",
    "audit_promise",
    "audit_all",
]

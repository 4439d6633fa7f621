"""The grammar layer: one reading per unit, and imports that run one way."""
import subprocess
import sys
from datetime import date

import pytest

from promiseaudit.extract import grammar, parameters
from promiseaudit.extract.grammar import read_unit


@pytest.mark.parametrize("module, must_not_load", [
    ("promiseaudit.extract.recurrence", ("promiseaudit.extract.dates", "promiseaudit.extract.quantities")),
    ("promiseaudit.extract.dates", ("promiseaudit.extract.quantities",)),
])
def test_grammar_modules_import_one_way(module, must_not_load):
    code = (f"import sys, {module}; "
            f"print([m for m in {list(must_not_load)!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_reading_finds_everything_in_one_unit():
    r = read_unit("We will hold weekly status calls until go-live and deliver 3 reports by 15 March 2027.",
                  date(2027, 1, 5))
    assert r.recurrence == "weekly"
    assert r.deadline.due == date(2027, 3, 15)
    assert r.series_end == "go_live"
    assert r.names_go_live


def test_each_finder_runs_once_per_reading(monkeypatch):
    calls = []

    def counting(text):
        calls.append(text)
        return None

    monkeypatch.setattr(grammar, "find_threshold", counting)
    r = read_unit("Uptime of 99.9% each month")
    assert r.threshold is None and r.threshold is None
    assert len(calls) == 1


def test_parameters_read_each_piece_of_text_once(monkeypatch):
    seen = []
    real = grammar.find_threshold

    def counting(text):
        seen.append(text)
        return real(text)

    monkeypatch.setattr(grammar, "find_threshold", counting)
    p = parameters.parameters_for("We will respond within 4 hours to priority 1 tickets.", "service_level")
    assert (p.threshold, p.threshold_unit, p.direction) == (4.0, "hour", "at_most")
    assert len(seen) == len(set(seen))


def test_series_end_is_only_kept_for_recurring_promises():
    once = parameters.parameters_for("We will deliver the report until go-live.", "delivery")
    weekly = parameters.parameters_for("We will meet weekly until go-live.", "check_in")
    assert once.series_end is None
    assert weekly.recurrence == "weekly" and weekly.series_end == "go_live"

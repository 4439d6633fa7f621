"""Shared fixtures: a fresh ledger, a ledger file path, a CLI runner."""
from datetime import date

import pytest
from click.testing import CliRunner

from promiseaudit.ledger import open_ledger
from promiseaudit.ledger import store
from builders import make_document, make_promise


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite golden files under tests/golden/ instead of comparing.")


@pytest.fixture
def update_golden(request):
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session")
def nlp():
    """The rules pipeline, built once for the whole run. The rule tests pin down what the
    rules find, which is what the trained model reads as its features; the trained
    model itself is tested in test_learned.py and, end to end, through the API."""
    from promiseaudit.extract import build_nlp

    return build_nlp("rules")


@pytest.fixture(scope="session")
def shipped_nlp():
    """The default pipeline: the rules plus the trained model shipped in the package."""
    from promiseaudit.extract import build_nlp

    return build_nlp()


@pytest.fixture
def fresh_db():
    return open_ledger(":memory:")


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "ledger.db")


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def seeded_db(fresh_db):
    """A ledger with one deal, one proposal and three promises."""
    db = fresh_db
    from promiseaudit.models import Deal

    with db.atomic():
        store.upsert_deal(db, Deal("D-1", customer="Acme", rep="Dana", signed_on=date(2027, 1, 4),
                                   kickoff_on=date(2027, 1, 11)))
        store.add_document(db, make_document(), "D-1", [
            make_promise("All 340 gateways will be installed by March 31, 2027.",
                         due=date(2027, 3, 31), quantity=340, unit="gateway"),
            make_promise("We will run three training sessions.", "training", quantity=3,
                         unit="session"),
            make_promise("Uptime will be at least 99.9% each month.", "service_level",
                         threshold=99.9, threshold_unit="%", direction="at_least",
                         recurrence="monthly"),
        ])
    return db

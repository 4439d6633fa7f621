"""The SQLite ledger: deals, documents, promises, deliveries and their imports, waivers,
remembered link rules, audit snapshots and the matches each stored audit made.

``open_ledger(path)`` is the only way in: it turns on foreign keys, sets a busy timeout
and applies pending migrations. Writes live in ``store``, reads in ``queries``.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from ..errors import LedgerError
from .migrations import SCHEMA_VERSION, migrations

__all__ = ["open_ledger", "SCHEMA_VERSION"]


def open_ledger(path) -> sqlite_utils.Database:
    """Open (creating if needed) the ledger at ``path`` and bring its schema up to date.

    path (str | Path): the SQLite file, or ":memory:" for tests.
    RETURNS (sqlite_utils.Database): with foreign keys on.
    """
    if str(path) != ":memory:":
        parent = Path(path).expanduser().resolve().parent
        if not parent.is_dir():
            raise LedgerError(
                f"Cannot create the ledger {path}: folder {parent} does not exist; "
                "create it or choose another --db path"
            )
    try:
        db = sqlite_utils.Database(str(path) if str(path) != ":memory:" else None,
                                   memory=str(path) == ":memory:")
        db.execute("PRAGMA busy_timeout = 5000")
        db.execute("PRAGMA foreign_keys = ON")
        tables = set(db.table_names())
        version = db.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as e:
        raise LedgerError(
            f"{path} is not a promiseaudit ledger ({e}); choose another --db path"
        ) from e
    if tables and "promises" not in tables:
        raise LedgerError(
            f"{path} is another program's database, not a promiseaudit ledger; "
            "choose another --db path"
        )
    if version > SCHEMA_VERSION:
        raise LedgerError(
            f"{path} was written by a newer promiseaudit (ledger version {version}, this "
            f"one reads {SCHEMA_VERSION}); upgrade promiseaudit"
        )
    migrations.apply(db)
    if str(path) != ":memory:" and db.journal_mode != "wal":
        db.enable_wal()  # also for ledgers copied or restored without their WAL setting
    if version != SCHEMA_VERSION:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return db

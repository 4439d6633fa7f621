"""The SQLite ledger: deals, documents, promises, deliveries and their imports, waivers,
remembered link rules, audit snapshots and the matches each stored audit made.

``open_ledger(path)`` is the only way in: it turns on foreign keys, sets a busy timeout
and applies pending migrations. Writes live in ``store``, reads in ``queries``.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from ..errors import LedgerError
from .migrations import SCHEMA_VERSION, migrations

__all__ = ["open_ledger", "open_reader", "SCHEMA_VERSION", "is_read_only", "ledger_error"]

# Writers wait this long for each other (a large import holds the write lock for seconds).
BUSY_TIMEOUT_MS = 60_000


def is_read_only(db) -> bool:
    """Whether ``db`` was opened read-only (the file or its folder cannot be written)."""
    return bool(getattr(db, "promiseaudit_read_only", False))


def _writable(path: Path) -> bool:
    folder = path.parent
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)


def _open_read_only(path: Path) -> sqlite_utils.Database:
    """A read-only connection. A WAL ledger needs its -shm file to be written even to be
    read; where that cannot be, it is opened as immutable (nothing else may write it)."""
    uri = path.resolve().as_uri()
    shm = path.with_name(path.name + "-shm")
    immutable = not (shm.exists() and os.access(shm, os.W_OK))
    conn = sqlite3.connect(f"{uri}?mode=ro" + ("&immutable=1" if immutable else ""), uri=True)
    db = sqlite_utils.Database(conn)
    db.promiseaudit_read_only = True
    return db


def ledger_error(path, e: sqlite3.Error) -> LedgerError:
    """A SQLite failure as one line a person can act on."""
    text = str(e).lower()
    if "locked" in text or "busy" in text:
        return LedgerError(f"The ledger {path} is busy: another promiseaudit is writing to it. "
                           "Try again when it has finished")
    if "readonly" in text or "read-only" in text:
        return LedgerError(f"The ledger {path} is read-only, and this command changes it; "
                           "ask for write access to the file and its folder, or work on a copy")
    if "disk is full" in text or "database or disk is full" in text:
        return LedgerError(f"The disk holding the ledger {path} is full; nothing was changed. "
                           "Free some space and run the command again")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return LedgerError(f"The ledger {path} is damaged ({e}); restore it from a backup, or "
                           f"try `sqlite3 {path} .recover`")
    if "unable to open" in text:
        return LedgerError(f"Cannot open the ledger {path} ({e}); check the file and its folder")
    return LedgerError(f"The ledger {path} could not be used ({e})")


def open_ledger(path) -> sqlite_utils.Database:
    """Open (creating if needed) the ledger at ``path`` and bring its schema up to date.

    A ledger that exists but cannot be written (a read-only file or folder) opens
    read-only: commands that only read work, a write raises LedgerError.

    path (str | Path): the SQLite file, or ":memory:" for tests.
    RETURNS (sqlite_utils.Database): with foreign keys on.
    """
    if str(path) != ":memory:" and Path(path).exists() and not _writable(Path(path)):
        return _open_existing_read_only(Path(path))
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
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
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
    try:
        migrations.apply(db)
    except sqlite3.DatabaseError as e:
        raise ledger_error(path, e) from e
    if str(path) != ":memory:" and db.journal_mode != "wal":
        db.enable_wal()  # also for ledgers copied or restored without their WAL setting
    if version != SCHEMA_VERSION:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return db


def open_reader(path) -> sqlite_utils.Database:
    """A read-only connection to an existing, up-to-date ledger (for the worker processes
    of a parallel audit, while the parent holds the writing connection)."""
    return _open_existing_read_only(Path(path))


def _open_existing_read_only(path: Path) -> sqlite_utils.Database:
    try:
        db = _open_read_only(path)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        tables = set(db.table_names())
        version = db.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as e:
        raise ledger_error(path, e) from e
    if "promises" not in tables:
        raise LedgerError(f"{path} is not a promiseaudit ledger; choose another --db path")
    if version != SCHEMA_VERSION:
        raise LedgerError(
            f"The ledger {path} is read-only and was written by "
            f"{'a newer' if version > SCHEMA_VERSION else 'an older'} promiseaudit "
            f"(ledger version {version}, this one reads {SCHEMA_VERSION}); "
            + ("upgrade promiseaudit" if version > SCHEMA_VERSION else
               "open it once with write access so it can be upgraded"))
    return db

"""Exceptions raised below the command line.

Each message is one line a sales manager can act on: it names the file, row or page and
says what to do. ``cli.py`` is the only place that turns them into ``ClickException``.
"""


import re

# Line breaks and other control characters in a message (a cell value it quotes...).
_BREAKS = re.compile(r"[\x00-\x1f\x7f]+")


class PromiseAuditError(Exception):
    """Base class for every error promiseaudit reports to a user. The message is kept to
    one line even when it quotes a value with line breaks or control characters in it."""

    def __init__(self, *args):
        if args and isinstance(args[0], str):
            args = (_BREAKS.sub(" ", args[0]),) + args[1:]
        super().__init__(*args)


class ReadError(PromiseAuditError):
    """A proposal could not be read (missing, unsupported, corrupt, encrypted, scanned)."""


class LimitError(ReadError):
    """A proposal is over one of the limits on what a document may cost (read/limits.py)."""


class RecordError(PromiseAuditError):
    """A row of an imported CSV/JSON file is not usable."""


class LedgerError(PromiseAuditError):
    """The ledger refused an operation (unknown deal or promise, bad schema)."""

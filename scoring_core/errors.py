"""User-facing exception hierarchy.

Every error a user can cause (bad data, bad arguments, unknown client, bad model)
derives from :class:`ScoringError`; the CLI turns these into a one-line message and
exit code 2, the API into a 4xx response.
"""

from __future__ import annotations

__all__ = [
    "ScoringError",
    "DataError",
    "MissingTableError",
    "MissingColumnError",
    "DuplicateKeyError",
    "ColumnTypeError",
    "UnknownClientError",
]


class ScoringError(Exception):
    """Base class of all errors caused by user input."""


class DataError(ScoringError, ValueError):
    """The data directory or one of its tables is not usable."""


class MissingTableError(DataError):
    """A required table is absent from the data directory."""


class MissingColumnError(DataError):
    """A required column is absent from a table."""

    def __init__(self, table: str, columns: list[str]):
        self.table = table
        self.columns = list(columns)
        cols = ", ".join(self.columns)
        plural = "s" if len(self.columns) > 1 else ""
        super().__init__(f"table {table}: missing required column{plural} {cols}")


class DuplicateKeyError(DataError):
    """A key that must be unique (e.g. ``SK_ID_CURR`` of an application table) is repeated."""

    def __init__(self, table: str, column: str, examples: list):
        self.table = table
        self.column = column
        self.examples = list(examples)
        ex = ", ".join(str(e) for e in self.examples[:5])
        super().__init__(f"table {table}: duplicate {column} values (e.g. {ex})")


class ColumnTypeError(DataError):
    """A column holds values of the wrong type."""

    def __init__(self, table: str, column: str, expected: str, detail: str = ""):
        self.table = table
        self.column = column
        self.expected = expected
        msg = f"table {table}: column {column} must be {expected}"
        if detail:
            msg += f" ({detail})"
        super().__init__(msg)


class UnknownClientError(ScoringError):
    """A client id that is not in the data."""

    def __init__(self, client_id):
        self.client_id = client_id
        super().__init__(f"unknown client SK_ID_CURR={client_id}")

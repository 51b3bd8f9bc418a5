"""Errors of drift monitoring: bad reference or current data, bad parameters."""

from __future__ import annotations

from ..errors import DataError

__all__ = ["DriftError", "EmptyDataError", "SchemaMismatchError", "NoCommonColumnsError"]


class DriftError(DataError):
    """Reference and current data cannot be compared (or a drift parameter is invalid)."""


class EmptyDataError(DriftError):
    """The reference or the current data has no rows."""

    def __init__(self, role: str, detail: str = ""):
        self.role = role
        super().__init__(f"{role} data is empty (0 rows){f': {detail}' if detail else ''}")


class SchemaMismatchError(DriftError):
    """A reference column is missing from the current data, or is of another kind there."""

    def __init__(self, message: str, columns: list[str]):
        self.columns = list(columns)
        super().__init__(message)


class NoCommonColumnsError(DriftError):
    """Reference and current data share no column to compare."""

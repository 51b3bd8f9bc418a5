"""scoring_core: the pure library of the credit-scoring toolkit (no UI, no web)."""

from __future__ import annotations

from .errors import (
    ColumnTypeError,
    DataError,
    DuplicateKeyError,
    MissingColumnError,
    MissingTableError,
    ScoringError,
    UnknownClientError,
)

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "ColumnTypeError",
    "DataError",
    "DuplicateKeyError",
    "MissingColumnError",
    "MissingTableError",
    "ScoringError",
    "UnknownClientError",
]

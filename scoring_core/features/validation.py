"""Input checks shared by the builder and the client store."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import ColumnTypeError, DataError, MissingColumnError, MissingTableError

__all__ = ["float_values", "get_application", "get_table", "id_values"]


def get_table(tables: Mapping[str, pd.DataFrame | None], name: str) -> pd.DataFrame | None:
    """``tables[name]`` if given (``None`` when absent); a :class:`DataError` if not a DataFrame."""
    if not isinstance(tables, Mapping):
        raise DataError(f"tables must be a mapping of table name to DataFrame, got {type(tables).__name__}")
    frame = tables.get(name)
    if frame is not None and not isinstance(frame, pd.DataFrame):
        raise DataError(f"table {name}: expected a pandas DataFrame, got {type(frame).__name__}")
    return frame


def get_application(tables: Mapping[str, pd.DataFrame | None], required: tuple[str, ...]) -> pd.DataFrame:
    """The ``application`` table, checked for its ``required`` columns.

    Raises
    ------
    MissingTableError
        When there is no ``application`` table.
    MissingColumnError
        When a required column is absent.
    """
    app = get_table(tables, "application")
    if app is None:
        raise MissingTableError("table application is required (the application rows to featurize)")
    missing = [c for c in required if c not in app.columns]
    if missing:
        raise MissingColumnError("application", missing)
    return app


def id_values(frame: pd.DataFrame, table: str, column: str) -> np.ndarray:
    """Integer id column ``column`` of ``frame``; missing ids become ``-1`` (never matched).

    Raises
    ------
    MissingColumnError
        When the column is absent.
    ColumnTypeError
        When the column does not hold integer-like values.
    """
    if column not in frame.columns:
        raise MissingColumnError(table, [column])
    series = frame[column]
    values = series.to_numpy()
    if values.dtype.kind in "iu":
        return values
    try:
        numeric = series.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        raise ColumnTypeError(table, column, "integer ids") from None
    finite = np.isfinite(numeric)
    if not np.array_equal(numeric[finite], np.round(numeric[finite])):
        raise ColumnTypeError(table, column, "integer ids", "non-integer values")
    return np.where(finite, numeric, -1).astype(np.int64)


def float_values(series: pd.Series, table: str, column: str) -> np.ndarray:
    """``series`` as ``float64`` (missing values as ``NaN``).

    Raises
    ------
    ColumnTypeError
        When the column holds non-numeric values.
    """
    try:
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        raise ColumnTypeError(table, column, "numeric") from None

"""Normalization of a table to its schema: the one conversion shared by files (the loader,
:mod:`scoring_core.distributed`) and API requests, what-if rows and MLflow inputs.

:func:`normalize_table` gives a DataFrame the columns and dtypes of its table (ids ``int32``,
``TARGET`` ``int8``, categories with ``XNA``/``XAP`` as missing, other columns ``float32``,
``365243`` sentinels as missing) and names the table and column of any problem.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from ..errors import ColumnTypeError, DuplicateKeyError, MissingColumnError
from .schema import DAYS_SENTINEL, MISSING_TOKENS, TableSchema, get_schema

__all__ = ["DataWarning", "normalize_table"]

_NULL_VALUES = ["", "NA", "N/A", "NaN", "nan", "NULL", "null", "#N/A", *MISSING_TOKENS]
_INT32_MAX = np.iinfo(np.int32).max
_COLUMN_COUNT = re.compile(r"(Expected \d+ columns?, got \d+)")


class DataWarning(UserWarning):
    """A non-fatal data problem (missing optional table or column)."""


def _clean(message: str, limit: int = 160) -> str:
    """One printable line of an error message: never the bytes of a binary file."""
    line = (message.strip().splitlines() or [""])[0]
    m = _COLUMN_COUNT.search(line)
    if m:  # the rest of the line is the offending row, which may be binary
        line = line[: m.end()]
    bad = [i for i, ch in enumerate(line) if not ch.isprintable() or ch == "\ufffd"]
    if bad:
        line = line[: bad[0]].rstrip(" :") + " <binary data>"
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _value(v) -> str:
    """A value for an error message: ``2``, not ``np.int64(2)``."""
    if isinstance(v, np.generic):
        v = v.item()
    return _clean(repr(v), 60)


def _check_required(schema: TableSchema, present: list[str]) -> None:
    missing = [c for c in schema.required if c not in present]
    if missing:
        raise MissingColumnError(schema.name, missing)


def normalize_table(df: pd.DataFrame, table: str, *, source: str | None = None) -> pd.DataFrame:
    """Give ``df`` the schema of ``table``: columns, dtypes, quirks, validation.

    - keeps the schema columns in Kaggle order, drops extra columns, adds absent optional
      columns as missing values (a :class:`DataWarning`);
    - ids ``int32`` (never missing), ``TARGET`` ``int8`` in {0, 1}, categorical columns as
      ``category`` with ``XNA``/``XAP`` turned into missing values, other columns ``float32``;
    - ``365243`` in the schema's ``sentinel_columns`` (e.g. ``DAYS_EMPLOYED``) becomes missing;
    - a duplicate unique key is an error.

    The same function serves files and API requests, so data is normalized one way only.

    Raises
    ------
    MissingColumnError, ColumnTypeError, DuplicateKeyError
        With the table and column named in the message.
    """
    schema = get_schema(table)
    _check_required(schema, [c for c in df.columns])
    out: dict[str, pd.Series | np.ndarray] = {}
    absent = []
    n = len(df)
    if n <= _SMALL_FRAME:  # API requests, what-if: one conversion for all numeric columns
        out.update(_small_numeric(df, schema))
    for col in schema.columns:
        if col in out:
            continue
        if col not in df.columns:
            absent.append(col)
            if col in schema.categorical:
                out[col] = pd.Categorical([None] * n, categories=pd.Index([], dtype="str"))
            else:
                out[col] = np.full(n, np.nan, dtype=np.float32)
            continue
        s = df[col]
        if col in schema.ids or col == schema.target:
            out[col] = _as_int(s, schema, col)
        elif col in schema.categorical:
            out[col] = _as_category(s)
        else:
            out[col] = _as_float32(s, schema, col)
    if absent:
        where = f" in {source}" if source else ""
        shown = ", ".join(absent[:8]) + (f" and {len(absent) - 8} more" if len(absent) > 8 else "")
        warnings.warn(
            f"table {table}{where}: optional column(s) absent, treated as missing: {shown}",
            DataWarning,
            stacklevel=2,
        )
    result = pd.DataFrame({c: out[c] for c in schema.columns}, index=pd.RangeIndex(n))
    for col in schema.sentinel_columns:
        v = result[col].to_numpy()
        if np.any(v == DAYS_SENTINEL):
            result[col] = np.where(v == DAYS_SENTINEL, np.float32(np.nan), v).astype(np.float32)
    if schema.unique_key is not None:
        dup = result[schema.unique_key].duplicated()
        if dup.any():
            raise DuplicateKeyError(
                table, schema.unique_key, result.loc[dup, schema.unique_key].unique()[:5].tolist()
            )
    return result


#: Up to this many rows, numeric columns are converted together (per-column pandas calls
#: dominate the cost of a one-row application: ~20 ms for its 100+ columns).
_SMALL_FRAME = 1000


def _small_numeric(df: pd.DataFrame, schema: TableSchema) -> dict[str, np.ndarray]:
    """The float32 columns of a small frame whose dtypes are already numeric, converted in
    one call (same result as :func:`_as_float32` column by column); others are left out."""
    if not df.columns.is_unique:
        return {}
    dtypes = dict(zip(df.columns, df.dtypes, strict=True))
    cols = [
        c
        for c in schema.columns
        if c in dtypes
        and c not in schema.ids
        and c != schema.target
        and c not in schema.categorical
        and _plain_numeric(dtypes[c])
    ]
    if not cols:
        return {}
    with np.errstate(over="ignore", invalid="ignore"):
        block = np.asfortranarray(df[cols].to_numpy(dtype=np.float32, na_value=np.nan))
    inf = np.isinf(block)
    if inf.any():
        row, j = np.argwhere(inf)[0]
        raise ColumnTypeError(
            schema.name,
            cols[j],
            "a finite number",
            f"found {_value(df[cols[j]].iloc[row])}, infinite or out of range",
        )
    return {c: block[:, j] for j, c in enumerate(cols)}


def _plain_numeric(dtype) -> bool:
    return (
        pd.api.types.is_numeric_dtype(dtype)
        and not pd.api.types.is_bool_dtype(dtype)
        and not isinstance(dtype, pd.CategoricalDtype)
        and not pd.api.types.is_object_dtype(dtype)
    )


def _as_int(s: pd.Series, schema: TableSchema, col: str) -> np.ndarray:
    if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
        num = pd.to_numeric(s, errors="coerce")
        bad = num.isna() & s.notna()
        if bad.any():
            raise ColumnTypeError(schema.name, col, "an integer", f"found {_value(s[bad].iloc[0])}")
        s = num
    if s.isna().any():
        raise ColumnTypeError(schema.name, col, "an integer", f"{int(s.isna().sum())} missing value(s)")
    v = s.to_numpy()
    if v.dtype.kind == "f" and not np.all(np.mod(v, 1) == 0):
        raise ColumnTypeError(schema.name, col, "an integer", "found a fractional value")
    if col == schema.target:
        if not np.isin(v, (0, 1)).all():
            raise ColumnTypeError(schema.name, col, "0 or 1", f"found {_value(v[~np.isin(v, (0, 1))][0])}")
        return v.astype(np.int8)
    if len(v) and (v.min() < 0 or v.max() > _INT32_MAX):
        raise ColumnTypeError(schema.name, col, "a positive 32-bit integer id", "value out of range")
    return v.astype(np.int32)


def _as_float32(s: pd.Series, schema: TableSchema, col: str) -> np.ndarray:
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    if pd.api.types.is_bool_dtype(s):
        return s.to_numpy(dtype=np.float32)
    if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_object_dtype(s):
        text = s.astype("str").where(s.notna())
        text = text.where(~text.isin(_NULL_VALUES))
        num = pd.to_numeric(text, errors="coerce")
        bad = num.isna() & text.notna()
        if bad.any():
            raise ColumnTypeError(schema.name, col, "numeric", f"found {_value(s[bad].iloc[0])}")
        s = num
    with np.errstate(over="ignore"):
        out = s.to_numpy(dtype=np.float32, na_value=np.nan)
    inf = np.isinf(out)
    if inf.any():  # "inf", or a number beyond float32 (1e39)
        first = s.iloc[int(np.argmax(inf))]
        raise ColumnTypeError(
            schema.name, col, "a finite number", f"found {_value(first)}, infinite or out of range"
        )
    return out


def _as_category(s: pd.Series) -> pd.Categorical:
    if s.isna().all():
        return pd.Categorical([None] * len(s), categories=pd.Index([], dtype="str"))
    if not isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype("str").where(s.notna()).astype("category")
    elif s.cat.categories.dtype != "str":
        s = s.astype("str").where(s.notna()).astype("category")
    drop = [t for t in MISSING_TOKENS if t in s.cat.categories]
    if drop:
        s = s.cat.remove_categories(drop)
    return s.array

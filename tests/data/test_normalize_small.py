"""Small frames (API requests, what-if) take a one-call path for their numeric columns: it must
give exactly what the column-by-column path gives, and refuse the same values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import scoring_core.data.normalize as normalize
from scoring_core.data import normalize_table
from scoring_core.errors import ColumnTypeError


def _both(df: pd.DataFrame, table: str, monkeypatch) -> tuple[pd.DataFrame, pd.DataFrame]:
    fast = normalize_table(df, table)
    with monkeypatch.context() as m:
        m.setattr(normalize, "_SMALL_FRAME", -1)  # column by column
        slow = normalize_table(df, table)
    return fast, slow


@pytest.mark.parametrize("table", ["application_test", "bureau", "previous_application"])
def test_small_frames_normalize_like_large_ones(raw_tables, table, monkeypatch):
    df = raw_tables[table].head(40).copy()
    num = [c for c in df.columns if pd.api.types.is_float_dtype(df[c])]
    df[num[0]] = df[num[0]].astype("Float64")  # a nullable column, with a missing value
    df.loc[df.index[0], num[0]] = pd.NA
    df[num[1]] = df[num[1]].astype(object)  # strings go the per-column way
    fast, slow = _both(df, table, monkeypatch)
    pd.testing.assert_frame_equal(fast, slow)
    assert (fast.dtypes[num] == np.float32).all()


@pytest.mark.parametrize("value", [1e39, np.inf, -np.inf])
def test_small_frames_refuse_infinite_numbers(raw_tables, value, monkeypatch):
    df = raw_tables["application_test"].head(3).copy()
    df["AMT_CREDIT"] = df["AMT_CREDIT"].astype("float64")
    df.loc[df.index[1], "AMT_CREDIT"] = value
    for fast in (True, False):
        with monkeypatch.context() as m:
            if not fast:
                m.setattr(normalize, "_SMALL_FRAME", -1)
            with pytest.raises(ColumnTypeError, match="AMT_CREDIT must be a finite number"):
                normalize_table(df, "application_test")

"""Small exploration summaries (data frames) that the notebooks plot."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["missing_share", "default_rate_by", "target_summary", "age_years"]


def missing_share(df: pd.DataFrame, top: int | None = 30) -> pd.DataFrame:
    """Share of missing values per column, largest first (columns with none left out)."""
    share = df.isna().mean()
    share = share[share > 0].sort_values(ascending=False)
    if top:
        share = share.head(top)
    return share.rename("missing_share").rename_axis("column").reset_index()


def default_rate_by(
    df: pd.DataFrame, column: str, *, target: str = "TARGET", min_count: int = 30
) -> pd.DataFrame:
    """Default rate and client count per level of ``column`` (missing values as a level).

    Numeric columns with many values are cut into 10 quantile bins.
    """
    if column not in df.columns:
        raise KeyError(f"no column {column!r}")
    s = df[column]
    if pd.api.types.is_numeric_dtype(s) and s.nunique() > 20:
        s = pd.qcut(s, 10, duplicates="drop").astype("str")
    s = s.astype("object").where(s.notna(), "(missing)").astype(str)
    g = (
        df[target]
        .astype(float)
        .groupby(s)
        .agg(["mean", "size"])
        .rename(columns={"mean": "default_rate", "size": "clients"})
    )
    g = g[g["clients"] >= min_count].sort_values("default_rate", ascending=False)
    return g.rename_axis(column).reset_index()


def target_summary(y: pd.Series) -> dict:
    """Client count, defaults and default rate."""
    y = pd.to_numeric(y, errors="coerce").dropna()
    return {
        "clients": int(len(y)),
        "defaults": int(y.sum()),
        "default_rate": float(y.mean()) if len(y) else np.nan,
    }


def age_years(days_birth: pd.Series) -> pd.Series:
    """``DAYS_BIRTH`` (negative days) as age in years."""
    return (-days_birth / 365.25).rename("AGE_YEARS")

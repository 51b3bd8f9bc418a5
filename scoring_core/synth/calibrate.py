"""Derive the summary statistics the synthetic generator is calibrated on.

Run by a maintainer against a copy of the real Kaggle data (never shipped)::

    python -m scoring_core.synth.calibrate --data-dir REAL_DIR --out scoring_core/synth/calibration.json

Only aggregate statistics are kept, never rows: per column the missing rate, the
frequencies of values that carry at least 1% of the mass ("atoms"), quantiles of the
remaining values between the 0.5% and 99.5% levels (extremes are trimmed), category
frequencies, and the rank correlation of each column with the client's ``TARGET``
(which drives how strongly the column reflects the latent risk). Plus a few structural
statistics: history rows per client, ratios between amounts.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.schema import SCHEMAS

log = logging.getLogger(__name__)

QUANTILE_LEVELS = np.linspace(0.005, 0.995, 67)
ATOM_MIN_SHARE = 0.01
_SMOOTH = 50.0  # prior weight when ranking categories by default rate


def _read_raw(data_dir: Path, table: str, extra: Path | None = None) -> pd.DataFrame | None:
    for suffix in (".zip", ".csv", ".csv.gz", ".parquet"):
        for base in (data_dir, extra):
            if base is None:
                continue
            p = base / f"{table}{suffix}"
            if p.is_file():
                return pd.read_parquet(p) if suffix == ".parquet" else pd.read_csv(p)
    return None


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    ok = ~np.isnan(x)
    if ok.sum() < 50 or np.nanstd(x[ok]) == 0 or y[ok].std() == 0:
        return 0.0
    rx = pd.Series(x[ok]).rank().to_numpy()
    return float(np.corrcoef(rx, y[ok])[0, 1])


def numeric_stats(s: pd.Series, target: np.ndarray | None = None) -> dict:
    v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    n = len(v)
    ok = v[~np.isnan(v)]
    out = {"kind": "num", "missing": round(float(1 - len(ok) / n), 5) if n else 0.0}
    if len(ok) == 0:
        out.update(atoms={}, quantiles=[], integer=True)
        return out
    out["integer"] = bool(np.all(np.mod(ok, 1) == 0))
    vals, counts = np.unique(ok, return_counts=True)
    share = counts / len(ok)
    atom_mask = share >= ATOM_MIN_SHARE
    atoms = {
        repr(float(a)): round(float(p), 6) for a, p in zip(vals[atom_mask], share[atom_mask], strict=True)
    }
    rest = ok[~np.isin(ok, vals[atom_mask])]
    if len(rest) / len(ok) < 0.005 or len(rest) < 20:
        # all mass on atoms: renormalize
        tot = sum(atoms.values())
        atoms = {k: round(p / tot, 6) for k, p in atoms.items()}
        q = []
    else:
        q = [float(x) for x in np.quantile(rest, QUANTILE_LEVELS)]
        q = [round(x, 6) if abs(x) < 10 else round(x, 2) for x in q]
    out["atoms"] = atoms
    out["quantiles"] = q
    if target is not None:
        out["risk_corr"] = round(_spearman(v, target), 4)
    return out


def categorical_stats(s: pd.Series, target: np.ndarray | None = None) -> dict:
    s = s.astype("object")
    miss = float(s.isna().mean())
    freq = s.value_counts(normalize=True)
    out = {
        "kind": "cat",
        "missing": round(miss, 5),
        "levels": {str(k): round(float(p), 6) for k, p in freq.items()},
    }
    if target is not None:
        ok = s.notna().to_numpy()
        df = pd.DataFrame({"v": s[ok].astype(str).to_numpy(), "y": target[ok]})
        base = df["y"].mean()
        g = df.groupby("v")["y"].agg(["sum", "count"])
        rate = (g["sum"] + _SMOOTH * base) / (g["count"] + _SMOOTH)
        order = rate.sort_values().index.tolist()
        out["risk_order"] = order
        rank = df["v"].map({k: i for i, k in enumerate(order)}).to_numpy(dtype=float)
        out["risk_corr"] = round(_spearman(rank, df["y"].to_numpy(dtype=float)), 4)
    return out


def table_stats(df: pd.DataFrame, table: str, target: np.ndarray | None) -> dict:
    schema = SCHEMAS[table]
    cols = {}
    for col in schema.columns:
        if col in schema.ids or col == schema.target or col not in df.columns:
            continue
        if col in schema.categorical:
            cols[col] = categorical_stats(df[col], target)
        else:
            cols[col] = numeric_stats(df[col], target)
    return cols


def _count_dist(counts: np.ndarray, cap: int) -> dict:
    c = np.minimum(counts, cap)
    vals, n = np.unique(c, return_counts=True)
    return {str(int(v)): round(float(k / len(c)), 6) for v, k in zip(vals, n, strict=True)}


def calibrate(data_dir: Path, installments_dir: Path | None = None) -> dict:
    app = _read_raw(data_dir, "application_train")
    test = _read_raw(data_dir, "application_test")
    if app is None:
        raise SystemExit("application_train is needed to calibrate")
    y = app.set_index("SK_ID_CURR")["TARGET"]
    stats: dict = {"source": "summary statistics of a Home Credit sample", "tables": {}, "structure": {}}
    stats["default_rate"] = round(float(y.mean()), 5)
    stats["tables"]["application"] = table_stats(app, "application_train", app["TARGET"].to_numpy(float))
    clients = pd.Index(
        pd.concat([app["SK_ID_CURR"], test["SK_ID_CURR"]]) if test is not None else app["SK_ID_CURR"]
    )
    st = stats["structure"]
    a = app
    st["credit_goods_ratio"] = numeric_stats((a.AMT_CREDIT / a.AMT_GOODS_PRICE).replace([np.inf], np.nan))
    st["annuity_credit_ratio"] = numeric_stats(a.AMT_ANNUITY / a.AMT_CREDIT)
    for table in (
        "bureau",
        "previous_application",
        "POS_CASH_balance",
        "installments_payments",
        "credit_card_balance",
        "bureau_balance",
    ):
        df = _read_raw(data_dir, table, installments_dir)
        if df is None:
            log.warning("%s absent: not calibrated", table)
            continue
        if "SK_ID_CURR" in df.columns and df["SK_ID_CURR"].isin(clients).mean() > 0.9:
            tgt = df["SK_ID_CURR"].map(y).to_numpy(dtype=float)
            keep = ~np.isnan(tgt)
            stats["tables"][table] = table_stats(df[keep].reset_index(drop=True), table, tgt[keep])
            per_client = df.groupby("SK_ID_CURR").size().reindex(clients, fill_value=0).to_numpy()
            st[f"{table}_per_client"] = _count_dist(per_client, 60)
        else:
            stats["tables"][table] = table_stats(df, table, None)
        if table == "previous_application":
            st["prev_credit_application_ratio"] = numeric_stats(
                (df.AMT_CREDIT / df.AMT_APPLICATION).replace([np.inf], np.nan)
            )
        if table == "bureau_balance":
            per_bureau = df.groupby("SK_ID_BUREAU").size().to_numpy()
            st["bureau_balance_months"] = _count_dist(per_bureau, 97)
    return stats


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", type=Path, required=True)
    p.add_argument(
        "--installments-dir",
        type=Path,
        default=None,
        help="directory with an installments_payments sample when data-dir has none",
    )
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args(argv)
    stats = calibrate(a.data_dir, a.installments_dir)
    a.out.write_text(json.dumps(stats, indent=1, sort_keys=False) + "\n")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()

"""Realism of the synthetic data against the real Home Credit sample.

Generates 5,000 synthetic clients and compares each column with the real sample
(``../shared/data/home-credit-sample`` by default, or ``--real DIR``): two-sample KS on the
non-missing values of numeric columns, total-variation distance on categorical columns
(missing values as a level), for application_train, bureau and previous_application.
Targets (issue 2): median KS <= 0.10, median TVD <= 0.10, no real column missing,
default rate 6-10%.

    python bench/bench_synth_realism.py [--real DIR] [--clients 5000] [--seed 0] [--show 10]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp

from scoring_core.synth import generate_tables

DEFAULT_REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "home-credit-sample"
TABLES = ("application_train", "bureau", "previous_application")


def _read_real(real: Path, table: str) -> pd.DataFrame:
    for suffix in (".zip", ".csv", ".csv.gz", ".parquet"):
        p = real / f"{table}{suffix}"
        if p.is_file():
            return pd.read_parquet(p) if suffix == ".parquet" else pd.read_csv(p)
    raise SystemExit(f"{table} not found in {real}")


def compare(real: pd.DataFrame, syn: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for col in real.columns:
        if col.startswith("SK_ID") or col == "TARGET":
            continue
        if col not in syn.columns:
            rows.append((col, "missing", np.nan))
            continue
        r, s = real[col], syn[col]
        if pd.api.types.is_numeric_dtype(r):
            rv, sv = r.dropna().to_numpy(float), pd.to_numeric(s, errors="coerce").dropna().to_numpy(float)
            if len(rv) == 0 or len(sv) == 0:
                stat = 0.0 if len(rv) == len(sv) == 0 else 1.0
            else:
                stat = ks_2samp(rv, sv).statistic
            rows.append((col, "KS", stat))
        else:
            pr = r.astype(object).fillna("<NA>").value_counts(normalize=True)
            ps = s.astype(object).fillna("<NA>").value_counts(normalize=True)
            idx = pr.index.union(ps.index)
            stat = 0.5 * np.abs(pr.reindex(idx, fill_value=0) - ps.reindex(idx, fill_value=0)).sum()
            rows.append((col, "TVD", stat))
    return pd.DataFrame(rows, columns=["column", "metric", "value"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", type=Path, default=DEFAULT_REAL)
    ap.add_argument("--clients", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=8, help="worst columns shown per table")
    a = ap.parse_args(argv)
    syn = generate_tables(a.clients, seed=a.seed)
    ok = True
    rate = syn["application_train"]["TARGET"].mean()
    print(f"synthetic default rate: {rate:.2%} (target 6-10%)")
    ok &= 0.06 <= rate <= 0.10
    for t in TABLES:
        res = compare(_read_real(a.real, t), syn[t])
        missing = res[res.metric == "missing"].column.tolist()
        ks = res[res.metric == "KS"].value
        tvd = res[res.metric == "TVD"].value
        print(
            f"\n{t}: {len(res)} columns, median KS {ks.median():.3f} over {len(ks)} numeric, "
            f"median TVD {tvd.median():.3f} over {len(tvd)} categorical, missing columns: {missing or 'none'}"
        )
        worst = res.dropna().sort_values("value", ascending=False).head(a.show)
        for _, row in worst.iterrows():
            print(f"   {row.column:32s} {row.metric} {row.value:.3f}")
        ok &= ks.median() <= 0.10 and (len(tvd) == 0 or tvd.median() <= 0.10) and not missing
    print("\nrealism targets:", "MET" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

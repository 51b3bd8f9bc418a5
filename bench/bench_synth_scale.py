"""Full-scale synthetic generation: time, peak memory and row counts.

Generates the full Kaggle size (307,511 training clients, about 51,000 test clients) into
``--out`` (default ``build/full``) and prints the time, the peak resident memory and each
table's rows against the real data's. Target (issue 2): <= 10 min on 2 cores.

    python bench/bench_synth_scale.py [--clients 307511] [--out build/full] [--format csv]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from scoring_core.synth import generate

REAL_ROWS = {
    "application_train": 307_511,
    "application_test": 48_744,
    "bureau": 1_716_428,
    "bureau_balance": 27_299_925,
    "previous_application": 1_670_214,
    "POS_CASH_balance": 10_001_358,
    "installments_payments": 13_605_401,
    "credit_card_balance": 3_840_312,
}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=307_511)
    ap.add_argument("--out", type=Path, default=Path("build/full"))
    ap.add_argument("--format", choices=("csv", "parquet"), default="csv")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    start = time.perf_counter()
    summary = generate(a.clients, a.out, seed=a.seed, fmt=a.format)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    size = sum(p.stat().st_size for p in summary.files.values()) / 1024**3
    print(
        f"generated {a.clients:,} training clients as {a.format} in {elapsed:.0f} s "
        f"({elapsed / 60:.1f} min; target <= 10 min), peak RSS {peak:.2f} GiB, {size:.2f} GiB on disk"
    )
    print(f"default rate {summary.default_rate:.2%}")
    scale = a.clients / REAL_ROWS["application_train"]
    for t, n in summary.rows.items():
        ref = REAL_ROWS[t] * scale
        print(f"  {t:24s} {n:>12,}  real {ref:>12,.0f}  ratio {n / ref:.2f}")


if __name__ == "__main__":
    main()

"""Benchmark of drift monitoring: time of ``compute_drift`` against the feature build it needs.

Two data sets:

* the real sample (``../shared/data/home-credit-sample`` or ``--real DIR``): 5,000
  ``application_train`` against 5,000 ``application_test`` clients;
* synthetic data (``--clients``, 100,000 by default): the training clients against a shifted
  copy of the test clients (:func:`scoring_core.drift.shift_dataset`, the demo shift).

For each: the feature build of both sides alone (the baseline: a builder fitted on the
reference, then the transform of reference and current), then ``compute_drift`` without a
model (which builds the same features, then compares every raw column and every engineered
feature), in the same run; the drift statistics' own time is the difference.

Run: ``python bench/bench_drift.py [--real DIR] [--clients 100000] [--skip-real] [--skip-synth]``
"""

from __future__ import annotations

import argparse
import logging
import os
import time
import warnings
from pathlib import Path

os.environ.setdefault("SCORING_NO_PROGRESS", "1")

from scoring_core.data import Dataset, DataWarning, load_dataset, normalize_table  # noqa: E402
from scoring_core.drift import compute_drift, shift_dataset  # noqa: E402
from scoring_core.features import FeatureBuilder  # noqa: E402

DEFAULT_REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "home-credit-sample"


def bench(name: str, reference: Dataset, current: Dataset) -> None:
    ref_tables = reference.feature_tables("train")
    cur_tables = current.feature_tables("test")
    t0 = time.perf_counter()
    builder = FeatureBuilder().fit(ref_tables)
    builder.transform(ref_tables)
    builder.transform(cur_tables)
    build = time.perf_counter() - t0

    t0 = time.perf_counter()
    report = compute_drift(reference, current, progress=False)
    total = time.perf_counter() - t0
    s = report.summary
    print(
        f"{name}: {report.n_reference:,} reference against {report.n_current:,} current clients, "
        f"{s['columns']} columns"
    )
    print(f"  feature build (fit + 2 transforms)  {build:7.2f} s")
    print(f"  compute_drift (incl. the build)     {total:7.2f} s  ({total / build:.2f}x the build)")
    print(
        f"  drift statistics alone              {total - build:7.2f} s  "
        f"({1000 * (total - build) / s['columns']:.1f} ms per column)"
    )
    print(f"  verdict: {report.verdict_text}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", type=Path, default=DEFAULT_REAL, help="the real sample directory")
    ap.add_argument("--clients", type=int, default=100_000, help="synthetic training clients")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-real", action="store_true")
    ap.add_argument("--skip-synth", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    warnings.simplefilter("ignore", DataWarning)

    if not args.skip_real:
        if args.real.is_dir():
            ds = load_dataset(args.real, progress=False)
            bench("real sample", ds, ds)
        else:
            print(f"real sample not found in {args.real} (--real DIR); skipped")
    if not args.skip_synth:
        from scoring_core.synth import generate_tables

        t0 = time.perf_counter()
        raw = generate_tables(args.clients, seed=args.seed)
        ds = Dataset(None, {t: normalize_table(df, t) for t, df in raw.items()})
        del raw
        print(f"(synthetic data generated in {time.perf_counter() - t0:.0f} s)")
        bench("synthetic, demo shift", ds, shift_dataset(ds, seed=args.seed))


if __name__ == "__main__":
    main()

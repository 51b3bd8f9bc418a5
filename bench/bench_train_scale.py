"""Training and batch scoring at full scale (synthetic data, 2 cores).

Needs ``build/full`` from ``bench/bench_synth_scale.py``. Trains with the CLI's recipe
(``--tune-budget`` seconds of tuning, 0 for defaults) and prints the time of each phase,
then measures batch scoring on the hold-out feature matrix:

- raw LightGBM booster on a plain float matrix (categorical codes), the baseline;
- ``ScoringModel.predict_proba`` on the feature data frame (what ``score`` uses);
- ``ScoringModel.score_tables``: features from the raw tables + prediction, end to end.

Targets (issue 3): final model <= 10 min; scoring throughput >= half the raw booster's.

Measured 2026-12-03 (default recipe with the scorecard blend; 2 cores shared with other
jobs, load 5-15, the process got 0.47 core on average; ``/usr/bin/time -v``: 569 s user +
30 s system for the whole script): 307,511 clients, load 31 s, train 1190 s wall (features
100 s, trees by early stopping 277 s (310 trees), out-of-fold 5 folds 604 s, final model
195 s), peak RSS 5.9 GiB, OOF AUC 0.8266, hold-out 0.8215, scorecard share 0.2; batch scoring
predict_proba 1.52x the raw booster, score_tables 0.34x.

Measured again 2026-12-03 on 2 idle cores (load 0.1 at the start): train 341 s wall (5.7 min;
features 15 s, trees by CV 59 s (310 trees), out-of-fold 211 s, final model 52 s), 170% CPU,
peak RSS 5.9 GiB, OOF AUC 0.8262, hold-out 0.8217; predict_proba 0.81x the raw booster,
score_tables 0.19x.

    python bench/bench_train_scale.py [--data-dir build/full] [--tune-budget 0] [--folds 5]
"""

from __future__ import annotations

import argparse
import logging
import resource
import time
from pathlib import Path

import numpy as np

from scoring_core.data import load_dataset
from scoring_core.model.training import TrainConfig, train


def rate(fn, n_rows: int, repeat: int = 3) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return n_rows / best


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=Path("build/full"))
    ap.add_argument("--tune-budget", type=float, default=0.0)
    ap.add_argument("--folds", type=int, default=5)
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    t0 = time.perf_counter()
    ds = load_dataset(a.data_dir, require_train=True, progress=False)
    t_load = time.perf_counter() - t0
    logging.info("loaded in %.0f s", t_load)
    config = TrainConfig(folds=a.folds, tune=a.tune_budget > 0, tune_budget=a.tune_budget)
    t0 = time.perf_counter()
    result = train(ds.feature_tables("train"), config, progress=False)
    total = time.perf_counter() - t0
    s = result.seconds
    print(
        f"{len(ds.train):,} training clients; load {t_load:.0f} s; train total {total:.0f} s "
        f"({total / 60:.1f} min)"
    )
    print(
        f"  features {s['features']:.0f} s, {'tuning' if config.tune else 'trees by CV'} {s['tuning']:.0f} s, "
        f"out-of-fold ({config.folds} folds) {s['oof']:.0f} s, final model {s['final_fit']:.0f} s "
        f"(target <= 600 s), {result.model.metadata['n_estimators']} trees"
    )
    recipe = result.model.metadata["recipe"]
    print(
        f"  peak RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB; "
        f"scorecard share {recipe['scorecard_share']}, {recipe['trees_total']} trees in the booster"
    )
    print(
        f"  OOF AUC {result.metrics['oof']['auc']:.4f}, hold-out AUC {result.metrics['holdout']['auc']:.4f}, "
        f"threshold {result.model.threshold:.4f}"
    )

    model = result.model
    hold_ids = set(result.holdout_scores["SK_ID_CURR"])
    apps = ds.train[ds.train["SK_ID_CURR"].isin(hold_ids)]
    tables = {**ds.history, "application": apps}
    X = model.features(tables)
    n = len(X)
    mat = model.booster_input(X).astype(np.float32)  # category codes, as LightGBM maps them
    booster = model.estimator
    raw = rate(lambda: booster.predict(mat), n)
    ours = rate(lambda: model.predict_proba(X), n)
    end = rate(lambda: model.score_tables(tables), n, repeat=1)
    print(f"batch scoring of {n:,} hold-out clients:")
    print(f"  raw booster on a float matrix:          {raw:10,.0f} rows/s (baseline)")
    print(
        f"  ScoringModel.predict_proba (DataFrame): {ours:10,.0f} rows/s = {ours / raw:.2f}x (target >= 0.5x)"
    )
    print(f"  score_tables (features + predict):      {end:10,.0f} rows/s = {end / raw:.2f}x")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")


if __name__ == "__main__":
    main()

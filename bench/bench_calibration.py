"""Probability calibration on the real sample's hold-out: Brier score and ECE (issue 13 item 2).

``train`` (the default recipe, ``--seeds`` hold-out splits) on the real Home Credit sample
(``../shared/data/home-credit-sample``, 5,000 labelled clients, 20% hold-out = 1,000 clients
never used to fit anything). Each calibrator is fitted, as ``train`` fits its own, on the
out-of-fold log-odds of the training split (``TrainResult.oof``), then applied to the final
model's log-odds of the hold-out clients: ``none`` (the model's own sigmoid), ``sigmoid``
(Platt), ``isotonic`` (scikit-learn's ``LogisticRegression`` / ``IsotonicRegression``, as in
``CalibratedClassifierCV(ensemble=False)``), and ``train``: the model's own calibrator (the
default ``sigmoid``; with ``--calibration auto``, sigmoid or isotonic by the lower
cross-validated ECE over the out-of-fold predictions, chosen inside training). The hold-out AUC
printed is that of the calibrated probabilities (isotonic steps tie clients).

ECE: ``|observed default rate - mean predicted probability|`` averaged over 10 equal-width
probability bins weighted by their clients (:func:`expected_calibration_error`, the figure
``train`` records); also over 10 equal-count bins (``ECE-q``). On 1,000 clients (about 80
defaulters) a perfectly calibrated model does not score 0: ``floor`` is the mean ECE of the
same predicted probabilities against outcomes drawn from those very probabilities (500
draws), the noise level of the measurement. The hold-outs of the seeds are also pooled
(overlapping clients, different models) for a less noisy figure.

``--cross-fit R``: the hold-out made as large as the sample, R times. The 5,000 clients are
split into 5 stratified outer folds; for each, ``train`` runs on the other 4,000 clients only
(their application rows and their own history rows; ``train`` keeps its own 5% hold-out, fits
on the rest, and fits its calibrator on its own out-of-fold predictions), and the model
scores the 1,000 outer clients it never saw. The 5 x 1,000 hold-out probabilities of a repeat
are pooled: every client of the sample scored once by a model that never saw it, an ECE
measured on 5,000 clients (about 400 defaulters) instead of 1,000. Nothing is chosen on these
figures: the calibrator and the recipe are ``train``'s defaults.

    python bench/bench_calibration.py [--data-dir DIR] [--seeds 0 1 2]
    python bench/bench_calibration.py --cross-fit 3
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.special import expit
from sklearn.model_selection import StratifiedKFold

from scoring_core.data import load_dataset
from scoring_core.features.store import HistoryStore
from scoring_core.model.calibration import ece_noise_floor, expected_calibration_error, fit_calibrator
from scoring_core.model.training import TrainConfig, train

DEFAULT_REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "home-credit-sample"


def ece_quantile(y, p, n_bins: int = 10) -> float:
    """ECE over ``n_bins`` equal-count bins."""
    order = np.argsort(p, kind="stable")
    return float(sum(len(b) / len(p) * abs(y[b].mean() - p[b].mean()) for b in np.array_split(order, n_bins)))


def cross_fit(tables: dict, repeats: int, calibration: str) -> None:
    store = HistoryStore(tables)  # each client's rows of every table
    apps = tables["application"]
    ids, y_all = apps["SK_ID_CURR"].to_numpy(), apps["TARGET"].to_numpy()
    print(
        f"cross-fitted hold-out: {len(ids):,} clients ({int(y_all.sum())} defaults), 5 outer folds, {repeats} repeats"
    )
    summary = []
    for r in range(repeats):
        ys, ps = [], {"none": [], "train": []}
        t0 = time.perf_counter()
        outer = StratifiedKFold(5, shuffle=True, random_state=1000 + r)
        for k, (tr, te) in enumerate(outer.split(ids, y_all)):
            result = train(
                store.client_tables(ids[tr]),
                TrainConfig(seed=r * 5 + k, holdout=0.05, calibration=calibration),
                progress=False,
            )
            model = result.model
            X_te = model.features(store.client_tables(ids[te])).loc[ids[te]]
            raw = model.raw_score(X_te)
            ys.append(y_all[te])
            ps["none"].append(expit(raw))
            ps["train"].append(model.proba_from_raw(raw))
            print(
                f"  repeat {r} fold {k}: fitted on {len(result.oof):,} clients, {time.perf_counter() - t0:.0f} s",
                flush=True,
            )
        y = np.concatenate(ys)
        for method, parts in ps.items():
            p = np.concatenate(parts)
            row = {
                "repeat": r, "method": method, "brier": float(np.mean((p - y) ** 2)),
                "ece": expected_calibration_error(y, p), "ece_q": ece_quantile(y, p), "floor": ece_noise_floor(p, draws=500),
                "mean_p": float(p.mean()), "rate": float(y.mean()),
            }  # fmt: skip
            summary.append(row)
            label = "calibrated" if method == "train" else "uncalibrated"
            print(
                f"  repeat {r} {label:12s} Brier {row['brier']:.5f}  ECE {row['ece']:.4f}  ECE-q {row['ece_q']:.4f}  "
                f"floor {row['floor']:.4f}  mean p {row['mean_p']:.4f} (observed {row['rate']:.4f})",
                flush=True,
            )
    print("\nmean over repeats:")
    for method in ("none", "train"):
        r = [x for x in summary if x["method"] == method]
        print(
            f"  {'calibrated' if method == 'train' else 'uncalibrated':12s} "
            f"Brier {np.mean([x['brier'] for x in r]):.5f}  ECE {np.mean([x['ece'] for x in r]):.4f} "
            f"(max {max(x['ece'] for x in r):.4f})  ECE-q {np.mean([x['ece_q'] for x in r]):.4f}  "
            f"floor {np.mean([x['floor'] for x in r]):.4f}"
        )


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_REAL)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--calibration", default="sigmoid", help="train's calibration (sigmoid, isotonic, auto)")
    ap.add_argument(
        "--cross-fit", type=int, default=0, metavar="R", help="R repeats of the 5-fold cross-fitted hold-out"
    )
    a = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    ds = load_dataset(a.data_dir, require_train=True, progress=False)
    tables = ds.feature_tables("train")
    if a.cross_fit:
        cross_fit(tables, a.cross_fit, a.calibration)
        return
    rows, pooled = [], {m: ([], []) for m in ("none", "sigmoid", "isotonic", "train")}
    for seed in a.seeds:
        t0 = time.perf_counter()
        result = train(tables, TrainConfig(seed=seed, calibration=a.calibration), progress=False)
        model = result.model
        ho = result.holdout_scores
        apps = tables["application"]
        X_ho = model.features({**tables, "application": apps[apps["SK_ID_CURR"].isin(ho["SK_ID_CURR"])]})
        X_ho = X_ho.loc[ho["SK_ID_CURR"].to_numpy()]
        y = ho["TARGET"].to_numpy()
        raw = model.raw_score(X_ho)
        print(
            f"seed {seed}: {len(result.oof):,} training / {len(y):,} hold-out clients "
            f"({y.sum()} defaults), hold-out AUC {result.metrics['holdout']['auc']:.4f}, "
            f"scorecard share {model.metadata['recipe']['scorecard_share']}, "
            f"{time.perf_counter() - t0:.0f} s; train's calibrator: {model.calibrator.method} "
            f"(cross-validated ECE on the out-of-fold predictions: {result.metrics['calibration']['cv_ece_on_oof']})"
        )
        for method in ("none", "sigmoid", "isotonic", "train"):
            if method == "train":  # the model's own calibrator (default: auto)
                p = model.proba_from_raw(raw)
            else:
                cal = fit_calibrator(result.oof["raw_score"], result.oof["TARGET"], method)
                p = cal.transform(raw) if method != "none" else expit(raw)
            row = {
                "seed": seed,
                "method": method,
                "brier": float(np.mean((p - y) ** 2)),
                "ece": expected_calibration_error(y, p),
                "ece_q": ece_quantile(y, p),
                "floor": ece_noise_floor(p, draws=500),
                "mean_p": float(p.mean()),
                "rate": float(y.mean()),
            }
            rows.append(row)
            pooled[method][0].append(y)
            pooled[method][1].append(p)
            print(
                f"  {method:9s} Brier {row['brier']:.5f}  ECE {row['ece']:.4f}  ECE-q {row['ece_q']:.4f}  "
                f"floor {row['floor']:.4f}  mean p {row['mean_p']:.4f} (observed {row['rate']:.4f})",
                flush=True,
            )
    print(f"\npooled hold-outs ({len(a.seeds)} x 1,000 clients, each scored by a model that never saw it):")
    for method, (ys, ps) in pooled.items():
        y, p = np.concatenate(ys), np.concatenate(ps)
        print(
            f"  {method:9s} Brier {np.mean((p - y) ** 2):.5f}  ECE {expected_calibration_error(y, p):.4f}  "
            f"ECE-q {ece_quantile(y, p):.4f}  floor {ece_noise_floor(p, draws=500):.4f}"
        )
    print("\nmean over seeds:")
    for method in ("none", "sigmoid", "isotonic", "train"):
        r = [x for x in rows if x["method"] == method]
        print(
            f"  {method:9s} Brier {np.mean([x['brier'] for x in r]):.5f}  "
            f"ECE {np.mean([x['ece'] for x in r]):.4f}  ECE-q {np.mean([x['ece_q'] for x in r]):.4f}  "
            f"floor {np.mean([x['floor'] for x in r]):.4f}"
        )


if __name__ == "__main__":
    main()

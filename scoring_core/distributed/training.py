"""Training on Dask with ``lightgbm.dask.DaskLGBMClassifier``: the in-memory recipe's split,
features, folds, calibration, threshold, grades, evaluation and artifact; the boosters
trained on the cluster.

Same as :func:`scoring_core.model.training.train` on the same data:

- the stratified hold-out split and the cross-validation folds (computed from the labels
  with the same seeds), the feature builder fitted on the training split only, the features
  themselves (bit for bit, :func:`~scoring_core.distributed.dask_features`);
- the calibration fitted on out-of-fold log-odds, the threshold minimising the business
  cost on the calibrated out-of-fold probabilities, the grade scale, the hold-out metrics and
  the artifact's metadata (written by :func:`~scoring_core.model.artifact.save_model`).

Different (the boosters cannot be identical: distributed LightGBM bins and splits over the
workers' data): one booster per fit (no seed averaging), no near-duplicate pruning, no
scorecard blend, no parameter search; parameters are the size-scaled ones and the number of
trees is chosen on the first fold's out-of-fold AUC every 25 trees (``lightgbm.dask`` has no
early stopping). Strategies: ``none`` and ``class_weight`` (resampling needs all rows).

Memory: the features of every client stay on the workers for the whole training (float32,
about 1.7 kB per client); each fit adds its rows twice on the worker that holds them (the
blocks and LightGBM's concatenation of them, float32 arrays of category codes, so LightGBM
bins them without another copy). Spread over more workers, each holds less.
"""

from __future__ import annotations

import logging
import time
import warnings

import dask
import dask.dataframe as dd
import dask.distributed
import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.calibration import calibration_curve
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split

from ..errors import ScoringError
from ..model.imbalance import ClassWeight, parse_strategy
from ..model.recipe import scaled_params
from ..model.scoring import ScoringModel, lightgbm_matrix
from ..model.training import (
    TrainConfig,
    TrainResult,
    _check_training_data,
    _class_weight,
    data_fingerprint,
    decisions_from_oof,
    evaluation_metrics,
    model_metadata,
)
from ..model.tuning import monotone_vector
from .cluster import release_worker_memory
from .features import dask_features, fit_dask_builder
from .tables import DaskTables

__all__ = ["dask_train"]

log = logging.getLogger(__name__)

_Y = "__y"
_FOLD = "__fold"
_STEP = 25  # trees between two out-of-fold AUC evaluations when choosing the number of trees


def _labels(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["SK_ID_CURR", "TARGET"]]


def _attach(frame: pd.DataFrame, y: np.ndarray, fold: np.ndarray, offsets: np.ndarray, partition_info=None):
    """Label and fold (``-1``: hold-out) of each row of partition ``i`` (rows in global order)."""
    i = partition_info["number"] if partition_info else 0
    lo, hi = offsets[i], offsets[i + 1]
    return frame.assign(**{_Y: y[lo:hi].astype(np.int8), _FOLD: fold[lo:hi].astype(np.int8)})


class _Raw:
    """Raw scores of a booster on each partition, in ``step``-tree chunks (cumulative sums give
    the log-odds after every ``step`` trees)."""

    def __init__(self, booster, features: list[str], n_trees: int | None = None, step: int | None = None):
        self.booster, self.features, self.n_trees, self.step = booster, features, n_trees, step

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        X = frame[self.features]
        if self.step is None:
            return self.booster.predict(X, raw_score=True, num_iteration=self.n_trees).reshape(-1, 1)
        total = self.booster.current_iteration()
        chunks = [
            self.booster.predict(
                X, raw_score=True, start_iteration=s, num_iteration=min(self.step, total - s)
            )
            for s in range(0, total, self.step)
        ]
        return np.cumsum(np.column_stack(chunks), axis=1) if chunks else np.zeros((len(X), 0))


def _gather(frame: dd.DataFrame, func) -> np.ndarray:
    parts = [dask.delayed(func)(p) for p in frame.to_delayed()]
    return np.concatenate(dask.compute(*parts), axis=0)


def _fold_xy(frame: pd.DataFrame, k: int, features: list[str], categorical: list[int]):
    """The training rows of one partition outside fold ``k`` (``-1``: every training row) as
    LightGBM reads a data frame: float32 values, category codes (missing: NaN). The features
    are the partition's first columns (:func:`_attach` appends the label and the fold)."""
    part = frame[(frame[_FOLD] >= 0) & (frame[_FOLD] != k)]
    cats = set(categorical)
    numeric = np.array([j for j in range(len(features)) if j not in cats], dtype=np.intp)
    X = lightgbm_matrix(part, features, categorical, numeric, dtype=np.float32)
    return X, part[_Y].to_numpy(dtype=np.int8)


def _fold_arrays(XY: dd.DataFrame, fold: np.ndarray, offsets: np.ndarray, k: int, features, categorical):
    """Dask arrays of the training rows outside fold ``k``, one block per partition of ``XY``
    (computed where the partition is). Arrays, not data frames: LightGBM turns a data frame
    into a float64 copy of it, which at a million clients doubled a worker's memory in a fit."""
    import dask.array as da

    xs, ys = [], []
    for i, part in enumerate(XY.to_delayed()):
        f = fold[offsets[i] : offsets[i + 1]]
        n = int(np.count_nonzero((f >= 0) & (f != k)))
        if n:
            x, y = dask.delayed(_fold_xy, nout=2)(part, k, features, categorical)
            xs.append(da.from_delayed(x, shape=(n, len(features)), dtype=np.float32))
            ys.append(da.from_delayed(y, shape=(n,), dtype=np.int8))
    return da.concatenate(xs), da.concatenate(ys)


def _fit(params: dict, n_trees: int, X, y, features: list[str], categorical: list[int], levels: list[list]):
    from lightgbm.dask import DaskLGBMClassifier

    model = DaskLGBMClassifier(**params, n_estimators=int(n_trees))
    with warnings.catch_warnings():  # each worker's threads are Dask's: nothing to say about it
        warnings.filterwarnings("ignore", message="Parameter (num_threads|n_jobs) will be ignored")
        model.fit(X, y, feature_name=features, categorical_feature=categorical)
    booster = model.to_local().booster_
    # the category levels behind the codes, as a booster trained on the data frame records them:
    # data frames given to it later are converted with the same codes
    booster.pandas_categorical = levels
    del model
    release_worker_memory()  # the fit's copies of its rows, before the next step
    return booster


def dask_train(tables: DaskTables, config: TrainConfig | None = None) -> TrainResult:
    """Train a scoring model on the labelled clients of ``tables`` on the current Dask client.

    Parameters
    ----------
    tables : DaskTables
        ``application_train`` rows (with ``TARGET``) and the history tables
        (:func:`~scoring_core.distributed.load_dask_tables` with ``which="train"``).
    config : TrainConfig, optional
        As for :func:`~scoring_core.model.training.train`; ``tune``, ``n_seeds``, ``prune``
        and ``scorecard`` are not applied (see the module docstring), ``tables`` is.

    Returns
    -------
    TrainResult
        ``oof`` and ``holdout_scores`` as in memory; ``seconds`` per step.

    Raises
    ------
    ScoringError
        A resampling strategy (``undersample``, ``oversample``), or too little data.
    """
    config = config or TrainConfig()
    strategy = parse_strategy(config.strategy)
    if str(strategy) != "none" and not isinstance(strategy, ClassWeight):
        raise ScoringError(f"strategy {config.strategy} resamples rows: on Dask use none or class_weight:R")
    if config.tables is not None:
        keep = set(config.tables)
        tables = DaskTables(
            tables.application,
            {n: (f if n in keep else None) for n, f in tables.history.items()},
            tables.fit_partitions,
            tables.source,
        )
    timings: dict[str, float] = {}
    t_start = time.perf_counter()

    # 1. labels, split, folds (as in memory), features (builder fitted on the training split)
    labels = pd.concat(dask.compute(*[dask.delayed(_labels)(p) for p in tables.application.to_delayed()]))
    y_all = _check_training_data(labels)
    ids = labels["SK_ID_CURR"].to_numpy()
    idx = np.arange(len(ids))
    idx_tr, idx_ho = train_test_split(idx, test_size=config.holdout, stratify=y_all, random_state=config.seed)
    idx_tr, idx_ho = np.sort(idx_tr), np.sort(idx_ho)
    y_tr, y_ho = y_all[idx_tr], y_all[idx_ho]
    fold = np.full(len(ids), -1, dtype=np.int8)
    folds = list(StratifiedKFold(config.folds, shuffle=True, random_state=config.seed).split(idx_tr, y_tr))
    for k, (_, va) in enumerate(folds):
        fold[idx_tr[va]] = k
    t0 = time.perf_counter()
    builder = fit_dask_builder(tables, clients=ids[idx_tr])
    X = dask_features(tables, builder)
    sizes = np.array([len(a) for a in tables.client_ids()])
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    meta = X._meta.assign(**{_Y: np.empty(0, np.int8), _FOLD: np.empty(0, np.int8)})
    XY = X.map_partitions(_attach, y_all, fold, offsets, meta=meta).persist()
    dask.distributed.wait(XY)
    # a fit holds its rows twice (its blocks and their concatenation) next to these features:
    # give back what building the features freed before the first one
    release_worker_memory()
    features = list(builder.feature_names_)
    timings["features"] = time.perf_counter() - t0

    # 2. parameters; number of trees on the first fold (out-of-fold AUC every _STEP trees)
    n_tr = len(idx_tr)
    params = {k: v for k, v in scaled_params(n_tr, config.lgbm_params).items() if k != "num_threads"} | {
        "scale_pos_weight": _class_weight(strategy, y_tr),
        "seed": config.seed,
    }
    if config.quick:
        params["learning_rate"] = 0.1
    mono = monotone_vector(features, config.monotone)
    if mono is not None:
        params |= {"monotone_constraints": mono, "monotone_constraints_method": "advanced"}
    max_rounds = 400 if config.quick else 3000
    t0 = time.perf_counter()
    categorical = [j for j, f in enumerate(features) if isinstance(X.dtypes[f], pd.CategoricalDtype)]
    levels = [list(X.dtypes[features[j]].categories) for j in categorical]

    def fit(n: int, k: int):
        """A booster of ``n`` trees on the training rows outside fold ``k`` (``-1``: all)."""
        return _fit(
            params,
            n,
            *_fold_arrays(XY, fold, offsets, k, features, categorical),
            features,
            categorical,
            levels,
        )

    booster0 = fit(max_rounds, 0)
    curve = _gather(XY, _Raw(booster0, features, step=_STEP))
    first = fold == 0
    aucs = [roc_auc_score(y_all[first], curve[first, j]) for j in range(curve.shape[1])]
    best = int(np.argmax(aucs))
    n_trees = min(max_rounds, (best + 1) * _STEP)
    log.info("trees: %d (out-of-fold AUC %.4f on fold 1)", n_trees, aucs[best])
    timings["tuning"] = time.perf_counter() - t0

    # 3. out-of-fold log-odds -> calibration -> threshold, grades
    t0 = time.perf_counter()
    raw_all = np.zeros(len(ids))
    raw_all[first] = curve[first, best]
    for k in range(1, config.folds):
        booster = fit(n_trees, k)
        raw = _gather(XY, _Raw(booster, features, n_trees))[:, 0]
        raw_all[fold == k] = raw[fold == k]
    raw_oof = raw_all[idx_tr]
    calibrator, oof, threshold, oof_cost, grade_scale, cv_ece = decisions_from_oof(raw_oof, y_tr, config)
    timings["oof"] = time.perf_counter() - t0

    # 4. final booster on the whole training split
    t0 = time.perf_counter()
    final = fit(n_trees, -1)
    model = ScoringModel(
        builder=builder, estimator=final, threshold=threshold, calibrator=calibrator, grades=grade_scale
    )
    timings["final_fit"] = time.perf_counter() - t0

    # 5. hold-out evaluation (scores computed where the rows are; a sample for importance)
    raw_ho = _gather(XY, _Raw(final, features, n_trees))[:, 0][idx_ho]
    p_ho = model.proba_from_raw(raw_ho)
    p_ho_uncal = expit(raw_ho)
    frac_pos, mean_pred = calibration_curve(y_ho, p_ho, n_bins=10, strategy="quantile")
    reliability = pd.DataFrame({"mean_predicted": mean_pred, "observed_default_rate": frac_pos})
    metrics = evaluation_metrics(
        config, y_tr, oof, oof_cost, threshold, y_ho, p_ho, p_ho_uncal, calibrator, grade_scale, cv_ece
    )
    rng = np.random.default_rng(config.seed)
    sample = np.sort(ids[rng.choice(idx_ho, size=min(2000, len(idx_ho)), replace=False)])
    X_sample = pd.concat(
        dask.compute(*[dask.delayed(_rows_of)(p, sample, features) for p in XY.to_delayed()])
    )
    timings["total"] = time.perf_counter() - t_start
    history_rows = {
        name: (None if frame is None else int(frame.shape[0].compute()))
        for name, frame in tables.history.items()
    }
    model.metadata = model_metadata(
        config,
        model,
        params=params,
        n_trees=n_trees,
        recipe={
            "engine": "lightgbm.dask",
            "tuned": False,
            "seeds": [config.seed],
            "pruned_features": [],
            "trees_total": int(final.num_trees()),
            "scorecard_share": 0.0,
            "scorecard_share_oof_auc": {},
            "scorecard": None,
        },
        counts=(y_all, y_tr, y_ho),
        fingerprint=data_fingerprint(
            {"application": labels.reset_index(drop=True), **{n: _Rows(r) for n, r in history_rows.items()}}
        ),
        metrics=metrics,
        reliability=reliability,
        oof=oof,
        importance_rows=X_sample,
    )
    log.info(
        "trained on Dask in %.0fs: OOF AUC %.4f, hold-out AUC %.4f, threshold %.3f",
        timings["total"],
        metrics["oof"]["auc"],
        metrics["holdout"]["auc"],
        threshold,
    )
    return TrainResult(
        model=model,
        config=config,
        metrics=metrics,
        oof=pd.DataFrame(
            {"TARGET": y_tr, "probability": oof, "raw_score": raw_oof},
            index=pd.Index(ids[idx_tr].astype(np.int32), name="SK_ID_CURR"),
        ),
        holdout_scores=pd.DataFrame({"SK_ID_CURR": ids[idx_ho], "TARGET": y_ho, "probability": p_ho}),
        reliability=reliability,
        seconds=timings,
    )


def _rows_of(frame: pd.DataFrame, ids: np.ndarray, features: list[str]) -> pd.DataFrame:
    return frame.loc[frame.index.isin(ids), features]


class _Rows:
    """A table's row count where :func:`data_fingerprint` only takes ``len`` of it."""

    def __init__(self, n: int | None):
        self.n = n

    def __len__(self) -> int:
        return int(self.n or 0)

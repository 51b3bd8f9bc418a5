"""The training recipe: features -> (tuned) model -> cost-based threshold -> evaluation.

1. A stratified hold-out split (``holdout``, default 20%) is put aside for the final
   evaluation; everything else is learnt on the rest (the feature builder too).
2. LightGBM parameters are tuned by cross-validated AUC within a time budget (or defaults).
3. Out-of-fold predictions of the training part give the decision threshold that minimises
   the business cost ``c_fn * FN + c_fp * FP``; the hold-out set is never used to tune.
4. The final model is fitted on the training part and evaluated once on the hold-out set:
   AUC, cost, confusion matrix and approval rate at the threshold, Brier score and a
   reliability curve.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.model_selection import StratifiedKFold, train_test_split

from ..data.schema import HISTORY_TABLES
from ..errors import DataError, ScoringError
from ..features import FeatureBuilder
from ..metrics import CostWeights, best_threshold, classification_report, confusion_curve, threshold_metrics
from .imbalance import ClassWeight, OverSample, Smote, Strategy, UnderSample, parse_strategy
from .scoring import ScoringModel
from .tuning import DEFAULT_LGBM_PARAMS, TuningResult, monotone_vector, tune_lightgbm

__all__ = ["TrainConfig", "TrainResult", "train", "data_fingerprint", "global_importance"]

log = logging.getLogger(__name__)

_MIN_CLIENTS = 100
_MIN_DEFAULTS = 10


@dataclass
class TrainConfig:
    """Parameters of a training run (all recorded in the artifact and in MLflow).

    ``strategy`` is the imbalance strategy: ``"none"``, ``"class_weight:R"`` (weight ``R`` on
    defaulters, or ``"class_weight:balanced"``), ``"undersample"``, ``"oversample"`` or
    ``"smote"`` (resampling inside the folds only). ``quick`` trades accuracy for speed
    (3 folds, no tuning, fast learning rate): for demos and tests.
    """

    model: str = "lightgbm"
    strategy: str = "none"
    folds: int = 5
    holdout: float = 0.2
    c_fn: float = 10.0
    c_fp: float = 1.0
    seed: int = 0
    tune: bool = True
    tune_budget: float = 300.0
    tune_max_trials: int = 40
    quick: bool = False
    monotone: dict[str, int] | None = None
    lgbm_params: dict | None = None

    def __post_init__(self):
        try:
            CostWeights(self.c_fn, self.c_fp)
        except ValueError as exc:
            raise ScoringError(str(exc)) from None
        try:
            strategy = parse_strategy(self.strategy)
        except (TypeError, ValueError) as exc:
            raise ScoringError(f"strategy: {exc}") from None
        if isinstance(strategy, Smote):
            raise ScoringError(
                "strategy smote is for model comparison (compare_models); the final LightGBM model takes "
                "none, class_weight:R, class_weight:balanced, undersample or oversample"
            )
        self.strategy = str(strategy)
        if not 2 <= int(self.folds) <= 20:
            raise ScoringError(f"folds must be between 2 and 20, got {self.folds}")
        if not 0.05 <= float(self.holdout) <= 0.5:
            raise ScoringError(f"holdout must be between 0.05 and 0.5, got {self.holdout}")
        if self.quick:
            self.folds = min(self.folds, 3)
            self.tune = False

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class TrainResult:
    """A trained model and everything measured on the way."""

    model: ScoringModel
    config: TrainConfig
    metrics: dict
    oof: pd.DataFrame = field(repr=False)  # TARGET and out-of-fold probability of the training split
    holdout_scores: pd.DataFrame = field(repr=False)
    tuning: TuningResult | None = field(default=None, repr=False)
    reliability: pd.DataFrame | None = field(default=None, repr=False)
    seconds: dict = field(default_factory=dict)


def data_fingerprint(tables: Mapping[str, pd.DataFrame | None]) -> dict:
    """A fingerprint of the training data: sha256 of the clients and labels, row counts."""
    app = tables["application"]
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(app[["SK_ID_CURR", "TARGET"]], index=False).to_numpy().tobytes())
    for name in HISTORY_TABLES:
        df = tables.get(name)
        h.update(f"{name}:{0 if df is None else len(df)}".encode())
    return {
        "sha256": h.hexdigest(),
        "rows": {
            name: (None if tables.get(name) is None else len(tables[name]))
            for name in ("application", *HISTORY_TABLES)
        },
    }


def _class_weight(strategy: Strategy, y: np.ndarray) -> float:
    """LightGBM's ``scale_pos_weight`` for a class-weight strategy (1 otherwise)."""
    if not isinstance(strategy, ClassWeight):
        return 1.0
    if strategy.ratio == "balanced":
        return float((y == 0).sum() / max(1, (y == 1).sum()))
    return float(strategy.ratio)


def global_importance(
    model: ScoringModel, X: pd.DataFrame, *, max_rows: int = 2000, seed: int = 0
) -> list[dict]:
    """Mean |SHAP| (log-odds) per feature on a sample of ``X``, largest first (tree models)."""
    if not model.is_booster or len(X) == 0:
        return []
    sample = X.sample(min(max_rows, len(X)), random_state=seed) if len(X) > max_rows else X
    contrib = model.estimator.predict(sample, pred_contrib=True)[:, :-1]
    imp = np.abs(contrib).mean(axis=0)
    order = np.argsort(-imp)
    return [{"feature": model.feature_names[i], "mean_abs_shap": float(imp[i])} for i in order]


def _check_training_data(apps: pd.DataFrame) -> np.ndarray:
    if "TARGET" not in apps.columns:
        raise DataError("table application_train: column TARGET is needed to train")
    y = pd.to_numeric(apps["TARGET"], errors="coerce")
    if y.isna().any():
        raise DataError("table application_train: TARGET has missing values")
    y = y.to_numpy(dtype=int)
    if len(y) < _MIN_CLIENTS or y.sum() < _MIN_DEFAULTS or (len(y) - y.sum()) < _MIN_DEFAULTS:
        raise DataError(
            f"table application_train: too little data to train ({len(y)} clients, {int(y.sum())} defaults; "
            f"need at least {_MIN_CLIENTS} clients and {_MIN_DEFAULTS} of each outcome)"
        )
    return y


def _lgbm_params(config: TrainConfig) -> dict:
    params = {**DEFAULT_LGBM_PARAMS, **(config.lgbm_params or {}), "seed": config.seed}
    if config.quick:
        params.update(learning_rate=0.1)
    return params


def train(
    tables: Mapping[str, pd.DataFrame | None], config: TrainConfig | None = None, *, progress: bool = True
) -> TrainResult:
    """Train a scoring model on ``tables`` (``application`` = labelled clients + history).

    Examples
    --------
    >>> ds = load_dataset("data/synthetic", require_train=True)  # doctest: +SKIP
    >>> result = train(ds.feature_tables("train"), TrainConfig(quick=True))  # doctest: +SKIP
    >>> result.metrics["holdout"]["auc"]  # doctest: +SKIP
    """
    import lightgbm as lgb

    from ..progress import progress_bar

    config = config or TrainConfig()
    timings: dict[str, float] = {}
    t_start = time.perf_counter()
    apps = tables["application"]
    y_all = _check_training_data(apps)
    steps = progress_bar(total=5, desc="Training", unit="step", disable=not progress)

    # 1. split, features (builder fitted on the training part only)
    steps.set_postfix_str("features")
    idx = np.arange(len(apps))
    idx_tr, idx_ho = train_test_split(idx, test_size=config.holdout, stratify=y_all, random_state=config.seed)
    idx_tr, idx_ho = np.sort(idx_tr), np.sort(idx_ho)
    t0 = time.perf_counter()
    builder = FeatureBuilder().fit({**tables, "application": apps.iloc[idx_tr]})
    X_all = builder.transform(tables)
    X_tr, X_ho = X_all.iloc[idx_tr], X_all.iloc[idx_ho]
    y_tr, y_ho = y_all[idx_tr], y_all[idx_ho]
    timings["features"] = time.perf_counter() - t0
    folds = list(StratifiedKFold(config.folds, shuffle=True, random_state=config.seed).split(X_tr, y_tr))
    steps.update(1)

    # 2. parameters
    steps.set_postfix_str("tuning" if config.tune else "parameters")
    t0 = time.perf_counter()
    tuning = None
    if config.model != "lightgbm":
        raise ScoringError(
            f"model {config.model!r}: train supports 'lightgbm'; compare others with compare_models"
        )
    strategy = parse_strategy(config.strategy)
    spw = _class_weight(strategy, y_tr)
    resampler = strategy if isinstance(strategy, (UnderSample, OverSample)) else None
    if config.tune:
        tuning = tune_lightgbm(
            X_tr,
            y_tr,
            folds if len(y_tr) <= LARGE_DATA else folds[:1],  # one fold is enough at that size
            budget_seconds=config.tune_budget,
            max_trials=config.tune_max_trials,
            base_params=config.lgbm_params,
            scale_pos_weight=spw,
            monotone=config.monotone,
            random_state=config.seed,
            progress=progress,
        )
        params, n_trees = tuning.params, tuning.n_estimators
    else:
        params = _lgbm_params(config) | {"scale_pos_weight": spw}
        mono = monotone_vector(list(X_tr.columns), config.monotone)
        if mono is not None:
            params |= {"monotone_constraints": mono, "monotone_constraints_method": "advanced"}
        n_trees = _n_trees(params, X_tr, y_tr, folds, config)
    timings["tuning"] = time.perf_counter() - t0
    steps.update(1)

    # 3. out-of-fold predictions -> threshold
    steps.set_postfix_str("out-of-fold predictions")
    t0 = time.perf_counter()
    oof = np.zeros(len(y_tr))
    for tr, va in folds:
        X_fit, y_fit = _resample(resampler, X_tr.iloc[tr], y_tr[tr], config.seed)
        booster = lgb.train(
            params, lgb.Dataset(X_fit, label=y_fit, params={"verbose": -1}), num_boost_round=n_trees
        )
        oof[va] = booster.predict(X_tr.iloc[va])
    threshold, oof_cost = best_threshold(y_tr, oof, c_fn=config.c_fn, c_fp=config.c_fp)
    timings["oof"] = time.perf_counter() - t0
    steps.update(1)

    # 4. final model on the whole training part
    steps.set_postfix_str("final model")
    t0 = time.perf_counter()
    X_fit, y_fit = _resample(resampler, X_tr, y_tr, config.seed)
    booster = lgb.train(
        params, lgb.Dataset(X_fit, label=y_fit, params={"verbose": -1}), num_boost_round=n_trees
    )
    timings["final_fit"] = time.perf_counter() - t0
    model = ScoringModel(builder=builder, estimator=booster, threshold=threshold)
    steps.update(1)

    # 5. hold-out evaluation
    steps.set_postfix_str("evaluation")
    p_ho = model.predict_proba(X_ho)
    frac_pos, mean_pred = calibration_curve(y_ho, p_ho, n_bins=10, strategy="quantile")
    reliability = pd.DataFrame({"mean_predicted": mean_pred, "observed_default_rate": frac_pos})
    metrics = {
        "oof": classification_report(y_tr, oof)
        | {"cost_at_threshold": oof_cost}
        | {
            "at_threshold": threshold_metrics(
                y_tr, oof, threshold, c_fn=config.c_fn, c_fp=config.c_fp
            ).to_dict()
        },
        "holdout": classification_report(y_ho, p_ho)
        | {
            "at_threshold": threshold_metrics(
                y_ho, p_ho, threshold, c_fn=config.c_fn, c_fp=config.c_fp
            ).to_dict()
        },
    }
    metrics["holdout"]["cost"] = metrics["holdout"]["at_threshold"]["cost"]
    steps.update(1)
    steps.close()
    timings["total"] = time.perf_counter() - t_start
    model.metadata = {
        "model_type": "lightgbm",
        "strategy": config.strategy,
        "cost_weights": {"c_fn": config.c_fn, "c_fp": config.c_fp},
        "threshold_rule": "minimum business cost on out-of-fold predictions of the training split",
        "lightgbm_params": {k: v for k, v in params.items() if k != "monotone_constraints"},
        "monotone_constraints": config.monotone or {},
        "n_estimators": int(n_trees),
        "training": {
            "clients": int(len(y_all)),
            "train_clients": int(len(y_tr)),
            "holdout_clients": int(len(y_ho)),
            "default_rate": float(y_all.mean()),
            "folds": config.folds,
            "seed": config.seed,
        },
        "data_fingerprint": data_fingerprint(tables),
        "metrics": metrics,
        "reliability_curve": reliability.to_dict(orient="list"),
        # confusion counts of the out-of-fold predictions on a threshold grid (for threshold tuning)
        "threshold_curve": confusion_curve(y_tr, oof),
        "global_importance": global_importance(model, X_ho, seed=config.seed)[:50],
        "config": config.to_dict(),
    }
    log.info(
        "trained in %.0fs: OOF AUC %.4f, hold-out AUC %.4f, threshold %.3f",
        timings["total"],
        metrics["oof"]["auc"],
        metrics["holdout"]["auc"],
        threshold,
    )
    holdout_scores = pd.DataFrame({"SK_ID_CURR": X_ho.index.to_numpy(), "TARGET": y_ho, "probability": p_ho})
    return TrainResult(
        model=model,
        config=config,
        metrics=metrics,
        oof=pd.DataFrame({"TARGET": y_tr, "probability": oof}, index=X_tr.index),
        holdout_scores=holdout_scores,
        tuning=tuning,
        reliability=reliability,
        seconds=timings,
    )


#: Above this many training clients the number of trees is chosen on one validation split
#: instead of K folds (K times cheaper; the estimate is already stable at that size).
LARGE_DATA = 50_000


def _n_trees(params: dict, X: pd.DataFrame, y: np.ndarray, folds, config: TrainConfig) -> int:
    """Number of trees by early stopping on the validation AUC."""
    import lightgbm as lgb

    max_rounds = 400 if config.quick else 3000
    patience = 50
    if len(y) <= LARGE_DATA:
        ds = lgb.Dataset(X, label=y, params={"verbose": -1}, free_raw_data=False)
        cv = lgb.cv(
            params | {"metric": "auc"},
            ds,
            num_boost_round=max_rounds,
            folds=folds,
            callbacks=[lgb.early_stopping(patience, verbose=False)],
        )
        key = next(k for k in cv if k.endswith("auc-mean"))
        return int(np.argmax(cv[key])) + 1
    tr, va = folds[0]
    fit = lgb.Dataset(X.iloc[tr], label=y[tr], params={"verbose": -1})
    valid = lgb.Dataset(X.iloc[va], label=y[va], reference=fit)
    booster = lgb.train(
        params | {"metric": "auc"},
        fit,
        num_boost_round=max_rounds,
        valid_sets=[valid],
        callbacks=[lgb.early_stopping(patience, verbose=False)],
    )
    return int(booster.best_iteration or booster.current_iteration())


def _resample(strategy: Strategy | None, X: pd.DataFrame, y: np.ndarray, seed: int):
    """Resample a training fold (never validation data) with the strategy's sampler."""
    if strategy is None:
        return X, y
    for _, step in strategy.steps(categorical=[], numeric=list(X.columns), random_state=seed):
        X, y = step.fit_resample(X, y)
    return X, y

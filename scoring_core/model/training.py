"""The training recipe: features -> (tuned) model -> cost-based threshold -> evaluation.

1. A stratified hold-out split (``holdout``, default 20%) is put aside for the final
   evaluation; everything else is learnt on the rest (the feature builder too). ``tables``
   restricts the tables used; the artifact records the tables trained with.
2. The recipe (:func:`fit_model`): near-duplicate features pruned, size-scaled parameters
   below :data:`~scoring_core.model.recipe.SMALL_DATA` clients (a search above it, when
   ``tune``), number of trees by cross-validated early stopping, seed-averaged boosters
   (each the LightGBM classifier of the imbalanced-learn pipeline ``compare_models`` uses)
   merged into one booster; a weight-of-evidence scorecard blended into it, its share chosen
   on the out-of-fold predictions (still one LightGBM booster: TreeSHAP stays exact).
3. Out-of-fold log-odds of the training part (pruning and scorecard refitted in each fold)
   fit the probability calibration; the calibrated out-of-fold probabilities give the
   decision threshold that minimises the business cost ``c_fn * FN + c_fp * FP`` and the
   risk-grade master scale; the hold-out set is never used to tune.
4. The final model is evaluated once on the hold-out set: AUC, cost, confusion matrix and
   approval rate at the threshold, Brier score and ECE before and after calibration, default
   rate by grade and a reliability curve.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.calibration import calibration_curve
from sklearn.model_selection import StratifiedKFold, train_test_split

from ..data.schema import HISTORY_TABLES
from ..errors import DataError, MissingTableError, ScoringError
from ..features import FeatureBuilder
from ..metrics import CostWeights, best_threshold, classification_report, confusion_curve, threshold_metrics
from .calibration import (
    CALIBRATION_METHODS,
    choose_calibration,
    ece_noise_floor,
    expected_calibration_error,
    fit_calibrator,
)
from .fitting import ModelFit, fit_model
from .fitting import _class_weight as _class_weight  # used by scoring_core.distributed.training
from .grades import fit_grade_scale, grade_table
from .imbalance import Smote, parse_strategy
from .scoring import ScoringModel
from .tables import model_tables, parse_tables
from .tuning import TuningResult

__all__ = [
    "TrainConfig",
    "TrainResult",
    "ModelFit",
    "fit_model",
    "train",
    "data_fingerprint",
    "decisions_from_oof",
    "evaluation_metrics",
    "global_importance",
    "model_metadata",
]

log = logging.getLogger(__name__)

_MIN_CLIENTS = 100
_MIN_DEFAULTS = 10


@dataclass
class TrainConfig:
    """Parameters of a training run (all recorded in the artifact and in MLflow).

    ``strategy`` is the imbalance strategy: ``"none"``, ``"class_weight:R"`` (weight ``R`` on
    defaulters, or ``"class_weight:balanced"``), ``"undersample"``, ``"oversample"`` or
    ``"smote"`` (resampling inside the folds only). ``quick`` trades accuracy for speed
    (3 folds, no tuning, one seed, fast learning rate): for demos and tests.

    ``tune`` searches LightGBM parameters only from :data:`~scoring_core.model.recipe.SMALL_DATA`
    training clients up; below, fixed size-scaled parameters win on real data (a search
    overfits its own selection). ``n_seeds`` boosters are averaged (default: 5 below
    ``SMALL_DATA`` clients, 1 above). ``prune`` drops near-duplicate features in-fold.
    ``calibration`` (``"auto"``, ``"sigmoid"``, ``"isotonic"`` or ``"none"``) is fitted on the
    out-of-fold predictions (default ``sigmoid``: strictly increasing, so the ranking and the
    AUC are the model's; ``isotonic`` ties clients in steps and lowered the hold-out AUC on the
    real sample; ``auto``: sigmoid or isotonic, the lower cross-validated ECE on those
    out-of-fold predictions); ``grades`` is the number of risk grades of the master scale
    (or its PD cut-offs). ``tables`` restricts training to these tables (``application``
    always; e.g. ``["application", "bureau"]``). ``scorecard`` blends a weight-of-evidence
    scorecard of the booster's ``scorecard_features`` most important features into the
    booster, its share chosen on out-of-fold predictions (0: the booster alone).
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
    n_seeds: int | None = None
    prune: bool = True
    calibration: str = "sigmoid"
    grades: int | list[float] = 7
    tables: list[str] | None = None
    scorecard: bool = True
    scorecard_features: int = 40

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
        if not 1 <= int(self.scorecard_features) <= 500:
            raise ScoringError(f"scorecard_features must be between 1 and 500, got {self.scorecard_features}")
        if self.n_seeds is not None and not 1 <= int(self.n_seeds) <= 20:
            raise ScoringError(f"n_seeds must be between 1 and 20, got {self.n_seeds}")
        if self.calibration not in CALIBRATION_METHODS:
            raise ScoringError(
                f"calibration must be one of {', '.join(CALIBRATION_METHODS)}, got {self.calibration!r}"
            )
        if self.tables is not None:
            self.tables = list(parse_tables(self.tables))
        if self.quick:
            self.folds = min(self.folds, 3)
            self.tune = False
            self.n_seeds = 1

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
    from ..progress import progress_bar

    config = config or TrainConfig()
    if config.tables is not None:
        tables = _select_tables(tables, config.tables)
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

    # 2. parameters, number of trees, pruning, seeds (the recipe)
    steps.set_postfix_str("tuning" if config.tune else "parameters")
    t0 = time.perf_counter()
    fit = fit_model(X_tr, y_tr, config, folds=folds, progress=progress, oof=True)
    params, n_trees, tuning = fit.params, fit.n_trees, fit.tuning
    timings["tuning"] = time.perf_counter() - t0
    steps.update(1)

    # 3. out-of-fold predictions (made in fit_model, pruning and scorecard refitted in each
    # fold) -> calibration -> threshold
    steps.set_postfix_str("out-of-fold predictions")
    t0 = time.perf_counter()
    raw_oof = fit.oof
    calibrator, oof, threshold, oof_cost, grade_scale, cv_ece = decisions_from_oof(raw_oof, y_tr, config)
    timings["oof"] = time.perf_counter() - t0 + fit.oof_seconds
    steps.update(1)

    # 4. final model on the whole training part
    steps.set_postfix_str("final model")
    t0 = time.perf_counter()
    model = ScoringModel(
        builder=builder, estimator=fit.booster, threshold=threshold, calibrator=calibrator, grades=grade_scale
    )
    timings["final_fit"] = fit.seconds
    timings["tuning"] -= fit.seconds + fit.oof_seconds
    steps.update(1)

    # 5. hold-out evaluation
    steps.set_postfix_str("evaluation")
    p_ho = model.predict_proba(X_ho)
    p_ho_uncal = expit(model.raw_score(X_ho))
    frac_pos, mean_pred = calibration_curve(y_ho, p_ho, n_bins=10, strategy="quantile")
    reliability = pd.DataFrame({"mean_predicted": mean_pred, "observed_default_rate": frac_pos})
    metrics = evaluation_metrics(
        config, y_tr, oof, oof_cost, threshold, y_ho, p_ho, p_ho_uncal, calibrator, grade_scale, cv_ece
    )
    steps.update(1)
    steps.close()
    timings["total"] = time.perf_counter() - t_start
    model.metadata = model_metadata(
        config,
        model,
        params=params,
        n_trees=n_trees,
        recipe={
            "tuned": tuning is not None,
            "seeds": fit.seeds,
            "pruned_features": fit.pruned,
            "trees_total": int(fit.booster.num_trees()),
            "scorecard_share": fit.scorecard_share,
            "scorecard_share_oof_auc": {str(k): v for k, v in fit.share_auc.items()},
            "scorecard": None if fit.scorecard is None else fit.scorecard.to_dict(),
        },
        counts=(y_all, y_tr, y_ho),
        fingerprint=data_fingerprint(tables),
        metrics=metrics,
        reliability=reliability,
        oof=oof,
        importance_rows=X_ho,
    )
    log.info(
        "trained in %.0fs: OOF AUC %.4f, hold-out AUC %.4f, threshold %.3f (calibrated)",
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
        oof=pd.DataFrame({"TARGET": y_tr, "probability": oof, "raw_score": raw_oof}, index=X_tr.index),
        holdout_scores=holdout_scores,
        tuning=tuning,
        reliability=reliability,
        seconds=timings,
    )


def decisions_from_oof(raw_oof: np.ndarray, y_tr: np.ndarray, config: TrainConfig):
    """Calibration, cost threshold and grade scale, all fitted on the out-of-fold log-odds of the
    training split (in memory and on Dask: one definition).

    Returns ``(calibrator, calibrated oof, threshold, oof cost, grade scale, cv_ece)``;
    ``cv_ece`` holds the cross-validated ECE of each method when ``calibration="auto"`` chose.
    """
    method, cv_ece = config.calibration, {}
    if method == "auto":
        method, cv_ece = choose_calibration(raw_oof, y_tr, seed=config.seed)
    calibrator = fit_calibrator(raw_oof, y_tr, method)
    oof = calibrator.transform(raw_oof)
    threshold, oof_cost = best_threshold(y_tr, oof, c_fn=config.c_fn, c_fp=config.c_fp)
    grade_scale = fit_grade_scale(oof, y_tr, config.grades)
    return calibrator, oof, threshold, oof_cost, grade_scale, cv_ece


def evaluation_metrics(
    config: TrainConfig,
    y_tr: np.ndarray,
    oof: np.ndarray,
    oof_cost: float,
    threshold: float,
    y_ho: np.ndarray,
    p_ho: np.ndarray,
    p_ho_uncal: np.ndarray,
    calibrator,
    grade_scale,
    cv_ece: Mapping | None = None,
) -> dict:
    """The out-of-fold and hold-out metrics a trained model records (in memory and on Dask).

    ``oof`` and ``p_ho`` are calibrated probabilities, ``p_ho_uncal`` the model's own ones.
    """
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
    metrics["holdout"]["ece"] = expected_calibration_error(y_ho, p_ho)
    metrics["calibration"] = {
        "method": calibrator.method,
        "fitted_on": "out-of-fold log-odds of the training split",
        "ece_bins": "10 equal-width probability bins, weighted by clients",
        "asked": config.calibration,
        "cv_ece_on_oof": dict(cv_ece or {}),
        "holdout_brier_before": float(np.mean((p_ho_uncal - y_ho) ** 2)),
        "holdout_brier_after": float(np.mean((p_ho - y_ho) ** 2)),
        "holdout_ece_before": expected_calibration_error(y_ho, p_ho_uncal),
        "holdout_ece_after": metrics["holdout"]["ece"],
        # what a perfectly calibrated model would measure on this many hold-out clients
        "holdout_ece_noise_floor": ece_noise_floor(p_ho),
        "holdout_clients": int(len(y_ho)),
    }
    metrics["grades"] = grade_table(grade_scale, y_ho, p_ho)
    return metrics


def model_metadata(
    config: TrainConfig,
    model: ScoringModel,
    *,
    params: Mapping,
    n_trees: int,
    recipe: Mapping,
    counts: tuple[np.ndarray, np.ndarray, np.ndarray],
    fingerprint: dict,
    metrics: dict,
    reliability: pd.DataFrame,
    oof: np.ndarray,
    importance_rows: pd.DataFrame,
) -> dict:
    """The metadata a trained model carries (in memory and on Dask: one definition).

    ``counts``: the labels of all clients, of the training split and of the hold-out;
    ``oof``: calibrated out-of-fold probabilities of the training split (threshold curve);
    ``importance_rows``: feature rows the global importance is measured on.
    """
    y_all, y_tr, y_ho = counts
    return {
        "model_type": "lightgbm",
        "strategy": config.strategy,
        "cost_weights": {"c_fn": config.c_fn, "c_fp": config.c_fp},
        "threshold_rule": "minimum business cost on calibrated out-of-fold predictions of the training split",
        "lightgbm_params": {k: v for k, v in params.items() if k != "monotone_constraints"},
        "monotone_constraints": config.monotone or {},
        "n_estimators": int(n_trees),
        "recipe": dict(recipe),
        "tables": model_tables(model),
        "calibration": model.calibrator.to_dict(),
        "grade_scale": model.grades.to_dict(),
        "training": {
            "clients": int(len(y_all)),
            "train_clients": int(len(y_tr)),
            "holdout_clients": int(len(y_ho)),
            "default_rate": float(np.mean(y_all)),
            "folds": config.folds,
            "seed": config.seed,
        },
        "data_fingerprint": fingerprint,
        "metrics": metrics,
        "reliability_curve": reliability.to_dict(orient="list"),
        # confusion counts of the out-of-fold predictions on a threshold grid (for threshold tuning)
        "threshold_curve": confusion_curve(y_tr, oof),
        "global_importance": global_importance(model, importance_rows, seed=config.seed)[:50],
        "config": config.to_dict(),
    }


def _select_tables(tables: Mapping[str, pd.DataFrame | None], names: list[str]) -> dict:
    """Only the ``names`` tables (``application`` always); a requested table must be present."""
    absent = [t for t in names if tables.get(t) is None]
    if absent:
        raise MissingTableError(f"table(s) {', '.join(absent)} requested by --tables are not in the data")
    return {t: (df if t == "application" or t in names else None) for t, df in tables.items()}

"""The training recipe: features -> (tuned) model -> cost-based threshold -> evaluation.

1. A stratified hold-out split (``holdout``, default 20%) is put aside for the final
   evaluation; everything else is learnt on the rest (the feature builder too). ``tables``
   restricts the tables used; the artifact records the tables trained with.
2. The recipe (:func:`fit_model`): near-duplicate features pruned, size-scaled parameters
   below :data:`~scoring_core.model.recipe.SMALL_DATA` clients (a search above it, when
   ``tune``), number of trees by cross-validated early stopping, seed-averaged boosters
   merged into one booster.
3. Out-of-fold log-odds of the training part (pruning refitted in each fold) fit the
   probability calibration; the calibrated out-of-fold probabilities give the decision
   threshold that minimises the business cost ``c_fn * FN + c_fp * FP`` and the risk-grade
   master scale; the hold-out set is never used to tune.
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
from .calibration import CALIBRATION_METHODS, expected_calibration_error, fit_calibrator
from .grades import fit_grade_scale, grade_table
from .imbalance import ClassWeight, Smote, Strategy, parse_strategy
from .recipe import SMALL_DATA, _blank, choose_n_trees, fit_boosters, near_duplicates, scaled_params
from .scorecard import WoEScorecard, blend_booster, choose_share
from .scoring import ScoringModel
from .tables import model_tables, parse_tables
from .tuning import TuningResult, monotone_vector, tune_lightgbm

__all__ = [
    "TrainConfig",
    "TrainResult",
    "ModelFit",
    "fit_model",
    "train",
    "data_fingerprint",
    "global_importance",
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
    ``calibration`` (``"sigmoid"``, ``"isotonic"`` or ``"none"``) is fitted on the
    out-of-fold predictions; ``grades`` is the number of risk grades of the master scale
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


@dataclass
class ModelFit:
    """The recipe fitted on one set of rows: the seed-averaged booster and its choices."""

    booster: object
    params: dict
    n_trees: int
    seeds: list[int]
    pruned: list[str]
    tuning: TuningResult | None = None
    seconds: float = 0.0
    #: out-of-fold log-odds of the rows fitted on (``folds``), of the blend when there is one
    oof: np.ndarray | None = field(default=None, repr=False)
    #: scorecard share of the blend (0: booster alone), the fitted scorecard, OOF AUC per share
    scorecard_share: float = 0.0
    scorecard: WoEScorecard | None = field(default=None, repr=False)
    share_auc: dict = field(default_factory=dict)
    oof_seconds: float = 0.0
    #: the seed-averaged booster before the scorecard blend (``booster`` without a blend)
    base_booster: object = field(default=None, repr=False)


def fit_model(
    X: pd.DataFrame,
    y,
    config: TrainConfig | None = None,
    *,
    folds: list[tuple[np.ndarray, np.ndarray]] | None = None,
    progress: bool = False,
    oof: bool = False,
) -> ModelFit:
    """Fit the default recipe on ``X, y`` only (e.g. an outer training fold).

    1. near-duplicate and constant features are pruned (``config.prune``);
    2. parameters: below :data:`~scoring_core.model.recipe.SMALL_DATA` clients fixed,
       size-scaled ones (:func:`~scoring_core.model.recipe.scaled_params`); above, a
       randomized search when ``config.tune``;
    3. the number of trees by early stopping on ``folds`` of ``X`` (default: ``config.folds``
       stratified folds);
    4. ``config.n_seeds`` boosters (default 5 below ``SMALL_DATA`` clients, else 1) averaged
       into one booster;
    5. with ``config.scorecard``: out-of-fold log-odds on ``folds`` of the booster (pruning
       refitted in each fold) and of a weight-of-evidence scorecard of the fold booster's most
       important features; the scorecard share with the best out-of-fold AUC; the scorecard
       refitted on all rows and blended into the booster (:func:`~.scorecard.blend_booster`).

    ``oof`` (or ``config.scorecard``) computes the out-of-fold log-odds (``ModelFit.oof``).

    This is the function ``train`` calls for its final model and
    ``bench/bench_real_recipe.py`` measures.
    """
    config = config or TrainConfig()
    y = np.asarray(y).astype(int)
    n = len(y)
    if folds is None:
        folds = list(StratifiedKFold(config.folds, shuffle=True, random_state=config.seed).split(X, y))
    strategy = parse_strategy(config.strategy)
    spw = _class_weight(strategy, y)
    small = n < SMALL_DATA
    n_seeds = int(config.n_seeds or (5 if small else 1))
    seeds = [config.seed + i for i in range(n_seeds)]
    pruned = near_duplicates(X) if config.prune else []
    Xp = _blank(X, pruned)
    tuning = None
    if config.tune and not small:
        tuning = tune_lightgbm(
            Xp,
            y,
            folds if n <= LARGE_DATA else folds[:1],  # one fold is enough at that size
            budget_seconds=config.tune_budget,
            max_trials=config.tune_max_trials,
            base_params=scaled_params(n, config.lgbm_params),
            scale_pos_weight=spw,
            monotone=config.monotone,
            random_state=config.seed,
            progress=progress,
        )
        params, n_trees = tuning.params, tuning.n_estimators
    else:
        if config.tune:
            log.info("%d training clients (< %d): fixed size-scaled parameters, no search", n, SMALL_DATA)
        params = scaled_params(n, config.lgbm_params) | {"scale_pos_weight": spw, "seed": config.seed}
        if config.quick:
            params["learning_rate"] = 0.1
        mono = monotone_vector(list(X.columns), config.monotone)
        if mono is not None:
            params |= {"monotone_constraints": mono, "monotone_constraints_method": "advanced"}
        n_trees = _n_trees(params, Xp, y, folds, config)
    t0 = time.perf_counter()
    fit = fit_boosters(
        params, X, y, n_trees, seeds=seeds, pruned=pruned, strategy=strategy, sampler_seed=config.seed
    )
    seconds = time.perf_counter() - t0
    result = ModelFit(
        booster=fit.booster,
        params=params,
        n_trees=int(n_trees),
        seeds=seeds,
        pruned=pruned,
        tuning=tuning,
        base_booster=fit.booster,
    )
    if not (oof or config.scorecard):
        result.seconds = seconds
        return result
    t_oof = time.perf_counter()
    raw_tree, raw_card = np.zeros(n), np.zeros(n)
    for tr, va in folds:
        X_f, y_f = X.iloc[tr], y[tr]
        fold_pruned = near_duplicates(X_f) if config.prune else []
        fold = fit_boosters(
            params,
            X_f,
            y_f,
            n_trees,
            seeds=seeds,
            pruned=fold_pruned,
            strategy=strategy,
            sampler_seed=config.seed,
        )
        raw_tree[va] = fold.booster.predict(X.iloc[va], raw_score=True)
        if config.scorecard:
            card = _fit_scorecard(fold.booster, X_f, y_f, config.scorecard_features)
            raw_card[va] = card.decision_function(X.iloc[va])
    result.oof = raw_tree
    result.oof_seconds = time.perf_counter() - t_oof
    if config.scorecard:
        share, result.share_auc = choose_share(raw_tree, raw_card, y)
        t0 = time.perf_counter()
        if share > 0:
            card = _fit_scorecard(fit.booster, X, y, config.scorecard_features)
            result.booster = blend_booster(fit.booster, card, share)
            result.scorecard, result.scorecard_share = card, share
            result.oof = (1 - share) * raw_tree + share * raw_card
        seconds += time.perf_counter() - t0
        log.info("scorecard share %.1f (out-of-fold AUC %s)", share, result.share_auc)
    result.seconds = seconds
    return result


def _fit_scorecard(booster, X: pd.DataFrame, y: np.ndarray, k: int) -> WoEScorecard:
    """A scorecard of the ``k`` features with the highest gain in ``booster`` (gain > 0)."""
    gain = booster.feature_importance("gain")
    names = booster.feature_name()
    top = [names[j] for j in np.argsort(-gain, kind="stable")[:k] if gain[j] > 0]
    return WoEScorecard(features=top).fit(X, y)


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
    calibrator = fit_calibrator(raw_oof, y_tr, config.calibration)
    oof = calibrator.transform(raw_oof)
    threshold, oof_cost = best_threshold(y_tr, oof, c_fn=config.c_fn, c_fp=config.c_fp)
    grade_scale = fit_grade_scale(oof, y_tr, config.grades)
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
        "holdout_brier_before": float(np.mean((p_ho_uncal - y_ho) ** 2)),
        "holdout_brier_after": float(np.mean((p_ho - y_ho) ** 2)),
        "holdout_ece_before": expected_calibration_error(y_ho, p_ho_uncal),
        "holdout_ece_after": metrics["holdout"]["ece"],
    }
    metrics["grades"] = grade_table(grade_scale, y_ho, p_ho)
    steps.update(1)
    steps.close()
    timings["total"] = time.perf_counter() - t_start
    model.metadata = {
        "model_type": "lightgbm",
        "strategy": config.strategy,
        "cost_weights": {"c_fn": config.c_fn, "c_fp": config.c_fp},
        "threshold_rule": "minimum business cost on calibrated out-of-fold predictions of the training split",
        "lightgbm_params": {k: v for k, v in params.items() if k != "monotone_constraints"},
        "monotone_constraints": config.monotone or {},
        "n_estimators": int(n_trees),
        "recipe": {
            "tuned": tuning is not None,
            "seeds": fit.seeds,
            "pruned_features": fit.pruned,
            "trees_total": int(fit.booster.num_trees()),
            "scorecard_share": fit.scorecard_share,
            "scorecard_share_oof_auc": {str(k): v for k, v in fit.share_auc.items()},
            "scorecard": None if fit.scorecard is None else fit.scorecard.to_dict(),
        },
        "tables": model_tables(model),
        "calibration": calibrator.to_dict(),
        "grade_scale": grade_scale.to_dict(),
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


#: Above this many training clients the number of trees is chosen on one validation split
#: instead of K folds (K times cheaper; the estimate is already stable at that size).
LARGE_DATA = 50_000


def _n_trees(params: dict, X: pd.DataFrame, y: np.ndarray, folds, config: TrainConfig) -> int:
    """Number of trees by early stopping on the validation AUC."""
    import lightgbm as lgb

    max_rounds = 400 if config.quick else 3000
    patience = 50 if config.quick else 100
    if len(y) <= LARGE_DATA:
        return choose_n_trees(params, X, y, folds, max_rounds=max_rounds, patience=patience)
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


def _select_tables(tables: Mapping[str, pd.DataFrame | None], names: list[str]) -> dict:
    """Only the ``names`` tables (``application`` always); a requested table must be present."""
    absent = [t for t in names if tables.get(t) is None]
    if absent:
        raise MissingTableError(f"table(s) {', '.join(absent)} requested by --tables are not in the data")
    return {t: (df if t == "application" or t in names else None) for t, df in tables.items()}

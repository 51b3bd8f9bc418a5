"""The fitted recipe of ``train`` on one set of rows (:func:`fit_model`), also what
``bench/bench_real_recipe.py`` measures on each outer fold of the real sample."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from .imbalance import ClassWeight, Strategy, parse_strategy
from .recipe import SMALL_DATA, _blank, choose_n_trees, fit_boosters, near_duplicates, scaled_params
from .scorecard import WoEScorecard, blend_booster, choose_share
from .tuning import TuningResult, monotone_vector, tune_lightgbm

if TYPE_CHECKING:
    from .training import TrainConfig

__all__ = ["ModelFit", "fit_model", "LARGE_DATA"]

log = logging.getLogger(__name__)

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


def _class_weight(strategy: Strategy, y: np.ndarray) -> float:
    """LightGBM's ``scale_pos_weight`` for a class-weight strategy (1 otherwise)."""
    if not isinstance(strategy, ClassWeight):
        return 1.0
    if strategy.ratio == "balanced":
        return float((y == 0).sum() / max(1, (y == 1).sum()))
    return float(strategy.ratio)


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
    if config is None:
        from .training import TrainConfig

        config = TrainConfig()
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
        t0 = time.perf_counter()
        n_trees = _n_trees(params, Xp, y, folds, config)
        log.info("%d trees by early stopping (%.0f s)", n_trees, time.perf_counter() - t0)
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
    log.info("out-of-fold predictions on %d folds (%.0f s)", len(folds), result.oof_seconds)
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

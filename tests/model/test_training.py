from __future__ import annotations

import numpy as np
import pytest

from scoring_core.errors import DataError, ScoringError
from scoring_core.metrics import best_threshold
from scoring_core.model.training import TrainConfig, train


def test_quick_training_learns(quick_result):
    m = quick_result.metrics
    assert m["oof"]["auc"] > 0.7 and m["holdout"]["auc"] > 0.7
    at = m["holdout"]["at_threshold"]
    assert (
        at["tn"] + at["fp"] + at["fn"] + at["tp"]
        == quick_result.model.metadata["training"]["holdout_clients"]
    )
    assert 0 < at["approval_rate"] < 1


def test_threshold_is_the_min_cost_on_out_of_fold_predictions(quick_result):
    oof = quick_result.oof
    thr, cost = best_threshold(oof["TARGET"], oof["probability"], c_fn=10, c_fp=1)
    assert quick_result.model.threshold == pytest.approx(thr)
    assert quick_result.metrics["oof"]["cost_at_threshold"] == pytest.approx(cost)
    # out-of-fold predictions cover exactly the training split, never the hold-out clients
    hold = set(quick_result.holdout_scores["SK_ID_CURR"])
    assert hold.isdisjoint(set(oof.index))


def test_holdout_clients_are_never_used_for_fitting(train_tables, quick_result):
    """Scrambling the hold-out clients' data changes nothing but the hold-out metrics.

    (Labels stay put: the stratified split depends on them.)
    """
    hold_ids = quick_result.holdout_scores["SK_ID_CURR"].to_numpy()
    app = train_tables["application"].copy()
    mask = app["SK_ID_CURR"].isin(hold_ids).to_numpy()
    rng = np.random.default_rng(0)
    for col in ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "AMT_CREDIT", "DAYS_BIRTH"):
        app.loc[mask, col] = rng.permutation(app.loc[mask, col].to_numpy())
    other = train({**train_tables, "application": app}, TrainConfig(quick=True, seed=1), progress=False)
    assert other.model.threshold == quick_result.model.threshold
    np.testing.assert_array_equal(other.oof["probability"], quick_result.oof["probability"])
    assert other.metrics["holdout"]["auc"] != quick_result.metrics["holdout"]["auc"]


def test_higher_cost_of_missed_defaulters_lowers_the_threshold(train_tables):
    a = train(train_tables, TrainConfig(quick=True, c_fn=20), progress=False)
    b = train(train_tables, TrainConfig(quick=True, c_fn=2), progress=False)
    assert a.model.threshold < b.model.threshold


def test_class_weight_and_resampling_strategies(train_tables):
    for strategy in ("class_weight:balanced", "undersample"):
        r = train(train_tables, TrainConfig(quick=True, strategy=strategy), progress=False)
        assert r.metrics["holdout"]["auc"] > 0.6, strategy  # undersampling keeps ~190 rows here
        assert r.model.metadata["strategy"] == strategy
    with pytest.raises(ScoringError, match="strategy"):
        train(train_tables, TrainConfig(quick=True, strategy="smote"), progress=False)


def test_monotone_constraint_is_respected(train_tables):
    r = train(train_tables, TrainConfig(quick=True, monotone={"EXT_SOURCES_MEAN": -1}), progress=False)
    X = r.model.features(train_tables).iloc[:50].copy()
    lo = r.model.predict_proba(X.assign(EXT_SOURCES_MEAN=np.float32(0.2)))
    hi = r.model.predict_proba(X.assign(EXT_SOURCES_MEAN=np.float32(0.8)))
    assert np.all(hi <= lo + 1e-12)
    with pytest.raises(ValueError, match="unknown feature"):
        train(train_tables, TrainConfig(quick=True, monotone={"NOPE": 1}), progress=False)


def test_bad_training_data(train_tables):
    few = {**train_tables, "application": train_tables["application"].iloc[:50]}
    with pytest.raises(DataError, match="too little data"):
        train(few, TrainConfig(quick=True), progress=False)
    with pytest.raises(DataError, match="TARGET"):
        train(
            {**train_tables, "application": train_tables["application"].drop(columns="TARGET")},
            TrainConfig(quick=True),
            progress=False,
        )
    with pytest.raises(ScoringError, match="folds"):
        TrainConfig(folds=1)


def test_global_importance_recorded(quick_result):
    imp = quick_result.model.metadata["global_importance"]
    assert imp and imp[0]["mean_abs_shap"] >= imp[-1]["mean_abs_shap"] >= 0
    assert set(i["feature"] for i in imp) <= set(quick_result.model.feature_names)

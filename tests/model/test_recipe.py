"""The boosting recipe: seed averaging into one booster, in-fold pruning, size-scaled parameters."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from scoring_core.model.recipe import (
    SMALL_DATA,
    average_boosters,
    fit_boosters,
    near_duplicates,
    scaled_params,
)
from scoring_core.model.training import TrainConfig, fit_model


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    n = 1500
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=["a", "b", "c", "d"])
    X["a_copy"] = X["a"] * 2.0 + 1.0  # a monotone transform: same ranks
    X["const"] = 3.0
    X["cat"] = pd.Categorical(rng.choice(["x", "y", "z"], n))
    logit = 1.5 * X["a"] - X["b"] + (X["cat"] == "z") * 0.8
    y = (rng.random(n) < 1 / (1 + np.exp(-(logit - 2)))).astype(int)
    return X, y


def test_average_of_boosters_is_one_exact_booster(data, tmp_path):
    X, y = data
    params = scaled_params(len(y)) | {"learning_rate": 0.1}
    boosters = [
        lgb.train(params | {"seed": s}, lgb.Dataset(X, label=y, params={"verbose": -1}), 30) for s in range(3)
    ]
    merged = average_boosters(boosters)
    expected = np.mean([b.predict(X, raw_score=True) for b in boosters], axis=0)
    np.testing.assert_allclose(merged.predict(X, raw_score=True), expected, atol=1e-12)
    assert merged.num_trees() == 90
    # TreeSHAP on the merged booster adds up to its log-odds
    contrib = merged.predict(X, pred_contrib=True)
    np.testing.assert_allclose(contrib.sum(axis=1), expected, atol=1e-9)
    # and it survives LightGBM's text format (what the artifact stores)
    merged.save_model(str(tmp_path / "m.txt"))
    again = lgb.Booster(model_file=str(tmp_path / "m.txt"))
    np.testing.assert_allclose(again.predict(X, raw_score=True), expected, atol=1e-12)
    assert again.pandas_categorical == boosters[0].pandas_categorical


def test_average_of_one_booster_is_itself_and_of_none_an_error(data):
    X, y = data
    b = lgb.train({"objective": "binary", "verbose": -1}, lgb.Dataset(X, label=y), 5)
    assert average_boosters([b]) is b
    with pytest.raises(ValueError, match="no booster"):
        average_boosters([])


def test_near_duplicates_and_constants_are_pruned(data):
    X, _ = data
    dropped = near_duplicates(X)
    assert set(dropped) == {"a_copy", "const"}  # the later copy goes, the original stays


def test_pruned_features_are_never_used_but_keep_their_place(data):
    X, y = data
    fit = fit_boosters(scaled_params(len(y)), X, y, 50, seeds=[0, 1], pruned=["a_copy", "b"])
    assert fit.booster.feature_name() == list(X.columns)
    used = dict(zip(fit.booster.feature_name(), fit.booster.feature_importance("split"), strict=True))
    assert used["a_copy"] == 0 and used["b"] == 0 and used["a"] > 0
    # changing a pruned column changes no prediction
    p = fit.booster.predict(X)
    np.testing.assert_array_equal(fit.booster.predict(X.assign(b=0.0)), p)


def test_parameters_scale_with_the_data():
    small, big = scaled_params(4000), scaled_params(300_000)
    assert small["min_child_samples"] == 80 and big["min_child_samples"] == 200
    assert small["learning_rate"] < big["learning_rate"]
    assert scaled_params(4000, {"num_leaves": 7})["num_leaves"] == 7


def test_small_data_is_not_searched_and_seeds_are_averaged(data):
    X, y = data
    assert len(y) < SMALL_DATA
    fit = fit_model(X, y, TrainConfig(tune=True, n_seeds=3, folds=3))
    assert fit.tuning is None  # no randomized search below SMALL_DATA clients
    assert fit.seeds == [0, 1, 2]
    # three boosters of at most n_trees trees each (LightGBM stops early when no split is left)
    assert fit.n_trees < fit.booster.num_trees() <= 3 * fit.n_trees
    assert "a_copy" in fit.pruned


@pytest.mark.parametrize("strategy", ["none", "undersample", "oversample:0.5"])
def test_boosters_are_fitted_in_the_imbalanced_learn_pipeline(data, strategy):
    """fit_boosters = make_pipeline's sampler + LGBMClassifier per seed: the same boosters as
    LightGBM's own training on the resampled rows (the sampler seeded once)."""
    from imblearn.over_sampling import RandomOverSampler
    from imblearn.under_sampling import RandomUnderSampler

    X, y = data
    params = scaled_params(len(y)) | {"learning_rate": 0.1, "scale_pos_weight": 1.0}
    fit = fit_boosters(params, X, y, 30, seeds=[0, 1], strategy=strategy, sampler_seed=7)
    X_fit, y_fit = X, y
    if strategy == "undersample":
        X_fit, y_fit = RandomUnderSampler(sampling_strategy=1.0, random_state=7).fit_resample(X, y)
    elif strategy.startswith("oversample"):
        X_fit, y_fit = RandomOverSampler(sampling_strategy=0.5, random_state=7).fit_resample(X, y)
    ds = {"verbose": -1, "feature_pre_filter": False}
    own = [lgb.train(params | {"seed": s}, lgb.Dataset(X_fit, label=y_fit, params=ds), 30) for s in (0, 1)]
    expected = np.mean([b.predict(X, raw_score=True) for b in own], axis=0)
    np.testing.assert_allclose(fit.booster.predict(X, raw_score=True), expected, atol=1e-12)

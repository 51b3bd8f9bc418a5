"""The weight-of-evidence scorecard and its blend into the booster (exact, one LightGBM model)."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from scoring_core.model.scorecard import WoEScorecard, blend_booster, choose_share


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    n = 3000
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=["a", "b", "c", "d"])
    X.loc[rng.random(n) < 0.2, "b"] = np.nan
    # "v" is a level never seen in training
    X["cat"] = pd.Categorical(rng.choice(["w", "x", "y", "z"], n), categories=["w", "x", "y", "z", "v"])
    X.loc[rng.random(n) < 0.1, "cat"] = np.nan
    logit = 1.5 * X["a"] - X["b"].fillna(1.5) + (X["cat"] == "z") * 0.8
    y = (rng.random(n) < 1 / (1 + np.exp(-(logit - 2)))).astype(int)
    booster = lgb.train(
        {"objective": "binary", "verbose": -1, "num_leaves": 7, "seed": 0}, lgb.Dataset(X, label=y), 40
    )
    card = WoEScorecard(features=["a", "b", "cat"]).fit(X, y)
    return X, y, booster, card


def _codes(X: pd.DataFrame) -> np.ndarray:
    """The float matrix the scoring model gives the booster (category codes, missing = NaN)."""
    mat = X.copy()
    mat["cat"] = X["cat"].cat.codes.replace(-1, np.nan).astype(float)
    return mat.to_numpy(dtype=float)


def test_weights_of_evidence_follow_the_risk(data):
    X, y, _, card = data
    a = next(s for s in card.bins_ if s["feature"] == "a")
    assert len(a["edges"]) == 9 and np.all(np.diff(a["woe"]) > 0)  # risk rises with a
    b = next(s for s in card.bins_ if s["feature"] == "b")
    assert (
        b["count_missing"] == int(X["b"].isna().sum()) and b["woe_missing"] < 0
    )  # own bin: missing b reads as b = 1.5, a low risk
    cat = next(s for s in card.bins_ if s["feature"] == "cat")
    assert cat["woe"][4] == 0.0 and np.argmax(cat["woe"]) == 3  # unseen level: no evidence; z riskiest
    woe = card.woe_matrix(X)
    assert np.all(woe[X["cat"].isna().to_numpy(), 2] == cat["woe_missing"])
    p = card.predict_proba(X)[:, 1]
    assert np.corrcoef(p, y)[0, 1] > 0.2


def test_blend_is_one_exact_booster(data, tmp_path):
    X, _, booster, card = data
    share = 0.3
    blend = blend_booster(booster, card, share)
    expected = (1 - share) * booster.predict(X, raw_score=True) + share * card.decision_function(X)
    np.testing.assert_allclose(blend.predict(X, raw_score=True), expected, atol=1e-12)
    np.testing.assert_allclose(blend.predict(_codes(X), raw_score=True), expected, atol=1e-12)
    blend.save_model(str(tmp_path / "m.txt"))  # what the artifact stores
    again = lgb.Booster(model_file=str(tmp_path / "m.txt"))
    np.testing.assert_allclose(again.predict(X, raw_score=True), expected, atol=1e-12)
    assert again.num_trees() == booster.num_trees() + 3


def test_blend_contributions_add_up_and_stay_on_their_feature(data):
    X, _, booster, card = data
    share = 0.4
    blend = blend_booster(booster, card, share)
    contrib = blend.predict(X, pred_contrib=True)
    expected = (1 - share) * booster.predict(X, raw_score=True) + share * card.decision_function(X)
    np.testing.assert_allclose(contrib.sum(axis=1), expected, atol=1e-9)  # TreeSHAP: exact
    own = booster.predict(X, pred_contrib=True)
    extra = contrib[:, :-1] - (1 - share) * own[:, :-1]
    # features outside the scorecard: the booster's contribution only
    np.testing.assert_allclose(extra[:, [2, 3]], 0.0, atol=1e-12)
    # a scorecard feature: share * coef * (its weight of evidence - its training average)
    woe = card.woe_matrix(X)
    j = 0  # "a": no missing value (its missing leaf, of weight 0, counts one client for TreeSHAP)
    assert card.bins_[j]["woe_missing"] == 0.0
    term = share * card.coef_[j] * woe[:, j]
    np.testing.assert_allclose(extra[:, 0], term - term.sum() / (len(X) + 1), atol=1e-9)


def test_share_zero_is_the_booster_and_bad_shares_are_refused(data):
    _, _, booster, card = data
    assert blend_booster(booster, card, 0.0) is booster
    with pytest.raises(ValueError, match="share"):
        blend_booster(booster, card, 1.5)


def test_share_is_chosen_on_auc_smallest_on_ties():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 2000)
    signal = y + rng.normal(size=2000)
    share, aucs = choose_share(signal + rng.normal(size=2000), signal + 0.2 * rng.normal(size=2000), y)
    assert share >= 0.5 and aucs[share] == max(aucs.values())
    share, _ = choose_share(signal, signal, y)  # every share ties: the booster alone
    assert share == 0.0


def test_scorecard_refuses_bad_input(data):
    X, y, _, _ = data
    with pytest.raises(ValueError, match="not in X"):
        WoEScorecard(features=["nope"]).fit(X, y)
    with pytest.raises(ValueError, match="both outcomes"):
        WoEScorecard().fit(X, np.zeros(len(X)))


def test_trained_model_blends_and_explains_exactly(quick_result, train_tables):
    from scoring_core.explain import Explainer

    model = quick_result.model
    recipe = model.metadata["recipe"]
    # the share was chosen on out-of-fold predictions; on this data the scorecard helps
    assert recipe["scorecard_share"] > 0 and recipe["scorecard"]["features"]
    aucs = {float(k): v for k, v in recipe["scorecard_share_oof_auc"].items()}
    assert aucs[recipe["scorecard_share"]] == max(aucs.values())
    assert quick_result.metrics["oof"]["auc"] == pytest.approx(max(aucs.values()))
    X = model.features(train_tables).iloc[:50]
    contrib, base = Explainer(model).contributions(X)
    np.testing.assert_allclose(base + contrib.sum(axis=1), model.raw_score(X), atol=1e-9)

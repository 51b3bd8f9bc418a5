import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import make_scorer
from sklearn.model_selection import cross_val_score

from scoring_core.metrics import (
    CostWeights,
    best_threshold,
    business_cost,
    classification_report,
    cost_curve,
    expected_loss_cost,
    min_cost_score,
    threshold_metrics,
)


def test_business_cost_hand_computed():
    y = [1, 1, 0, 0, 0, 0, 1, 0]
    p = [1, 0, 0, 1, 1, 0, 0, 0]
    # FN = 2 (clients 2 and 7), FP = 2 (clients 4 and 5): (10*2 + 1*2) / 8
    assert business_cost(y, p) == pytest.approx(22 / 8)
    assert business_cost(y, p, c_fn=5, c_fp=2) == pytest.approx((5 * 2 + 2 * 2) / 8)
    assert business_cost([0, 0], [0, 0]) == 0


def test_expected_loss_weighs_by_amount():
    y = [1, 0, 0]
    p = [0, 1, 0]
    amount = [1000.0, 500.0, 200.0]
    assert expected_loss_cost(y, p, amount, lgd=0.5, margin=0.1) == pytest.approx((500 + 50) / 3)
    with pytest.raises(ValueError):
        expected_loss_cost(y, p, amount, lgd=1.5)


def test_cost_curve_matches_brute_force():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    s = np.round(rng.random(300), 2)  # ties on purpose
    thr, costs = cost_curve(y, s, c_fn=7, c_fp=2)
    for t, c in zip(thr, costs, strict=True):
        assert c == pytest.approx(business_cost(y, s >= t, c_fn=7, c_fp=2))
    # refusing everyone and approving everyone are both on the curve
    assert costs[0] == pytest.approx(2 * (y == 0).sum() / 300)
    assert costs[-1] == pytest.approx(7 * y.sum() / 300)


def test_best_threshold_is_the_minimum():
    y = np.array([0, 0, 0, 0, 1, 0, 1, 1])
    s = np.array([0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 0.8, 0.9])
    t, c = best_threshold(y, s)
    # refusing from 0.4 up: FP = 1 (0.5), FN = 0 -> 1/8
    assert c == pytest.approx(1 / 8)
    assert 0.35 < t <= 0.4
    assert business_cost(y, s >= t) == pytest.approx(c)
    grid = np.linspace(0, 1, 201)
    assert c <= min(business_cost(y, s >= g) for g in grid) + 1e-12


def test_threshold_moves_with_costs():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 2000)
    s = np.clip(0.3 * y + rng.normal(0.35, 0.2, 2000), 0, 1)
    t_high_fn, _ = best_threshold(y, s, c_fn=20, c_fp=1)
    t_low_fn, _ = best_threshold(y, s, c_fn=1, c_fp=1)
    assert t_high_fn < t_low_fn  # missed defaulters cost more -> refuse earlier


def test_threshold_metrics():
    m = threshold_metrics([1, 0, 0, 1], [0.9, 0.6, 0.1, 0.2], 0.5)
    assert (m.tn, m.fp, m.fn, m.tp) == (1, 1, 1, 1)
    assert m.approval_rate == 0.5 and m.cost == pytest.approx(11 / 4)


def test_report():
    r = classification_report([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    assert r["auc"] == pytest.approx(0.75) and r["gini"] == pytest.approx(0.5)
    assert 0 <= r["brier"] <= 1 and 0 <= r["ks"] <= 1


def test_scorer_in_cross_validation():
    X, y = make_classification(500, weights=[0.9], random_state=0)
    scorer = make_scorer(
        min_cost_score, greater_is_better=False, response_method="predict_proba", c_fn=10, c_fp=1
    )
    scores = cross_val_score(LogisticRegression(max_iter=500), X, y, cv=3, scoring=scorer)
    assert np.all(scores <= 0)  # minus a cost


def test_bad_input():
    with pytest.raises(ValueError):
        business_cost([1, 0], [1])
    with pytest.raises(ValueError):
        CostWeights(c_fn=0)

"""Calibration on out-of-fold log-odds, stored as plain numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.special import expit, logit

from scoring_core.errors import ScoringError
from scoring_core.model.calibration import (
    Calibrator,
    ece_noise_floor,
    expected_calibration_error,
    fit_calibrator,
)


@pytest.fixture(scope="module")
def overconfident():
    """True probabilities p; a model whose log-odds are 2.5x too large and shifted."""
    rng = np.random.default_rng(1)
    p = expit(rng.normal(-2.5, 1.0, 20_000))
    y = (rng.random(len(p)) < p).astype(int)
    raw = 2.5 * logit(p) + 1.0
    return raw, y, p


@pytest.mark.parametrize("method", ["sigmoid", "isotonic"])
def test_calibration_fixes_a_miscalibrated_model(overconfident, method):
    raw, y, _ = overconfident
    fit_part, check = slice(0, 10_000), slice(10_000, None)
    cal = fit_calibrator(raw[fit_part], y[fit_part], method)
    before = expected_calibration_error(y[check], expit(raw[check]))
    after = expected_calibration_error(y[check], cal.transform(raw[check]))
    assert before > 0.05
    assert after < 0.015
    assert after < before / 4


def test_sigmoid_keeps_the_ranking(overconfident):
    raw, y, _ = overconfident
    cal = fit_calibrator(raw, y, "sigmoid")
    assert cal.params["a"] == pytest.approx(0.4, rel=0.1)  # undoes the 2.5x
    order = np.argsort(raw)
    assert np.all(np.diff(cal.transform(raw[order])) >= 0)


def test_round_trip_through_json(overconfident):
    raw, y, _ = overconfident
    for method in ("sigmoid", "isotonic", "none"):
        cal = fit_calibrator(raw, y, method)
        again = Calibrator.from_dict(json.loads(json.dumps(cal.to_dict())))
        np.testing.assert_array_equal(again.transform(raw[:100]), cal.transform(raw[:100]))


@pytest.mark.parametrize(
    "state",
    [
        {"method": "sigmoid", "params": {"a": -1.0, "b": 0.0}},
        {"method": "sigmoid", "params": {"a": "1", "b": 0.0}},
        {"method": "isotonic", "params": {"x": [0, 1], "y": [0.5, 0.2]}},
        {"method": "isotonic", "params": {"x": [0, 1], "y": [0.1]}},
        {"method": "magic", "params": {}},
        {"params": {}},
    ],
)
def test_bad_calibrators_are_refused(state):
    with pytest.raises(ScoringError):
        Calibrator.from_dict(state)


def test_expected_calibration_error():
    assert expected_calibration_error([0, 0, 1, 1], [0.0, 0.0, 1.0, 1.0]) == 0.0
    # every client at 0.5, half default: calibrated; all at 0.9: off by 0.4
    assert expected_calibration_error([0, 1] * 50, [0.5] * 100) == pytest.approx(0.0)
    assert expected_calibration_error([0, 1] * 50, [0.9] * 100) == pytest.approx(0.4)


def test_auto_chooses_on_cross_validated_ece_of_the_oof_predictions():
    from scoring_core.model.calibration import choose_calibration

    rng = np.random.default_rng(0)
    raw = rng.normal(-2.5, 1.0, 4000)
    # a logistic distortion: sigmoid recovers it exactly, isotonic only step by step
    y = (rng.random(4000) < 1 / (1 + np.exp(-(0.7 * raw - 0.5)))).astype(int)
    method, scores = choose_calibration(raw, y)
    assert method == "sigmoid" and scores["sigmoid"] < scores["isotonic"]
    # a step: no sigmoid fits it, isotonic does
    y = (rng.random(4000) < np.where(raw > -2.0, 0.3, 0.02)).astype(int)
    method, scores = choose_calibration(raw, y)
    assert method == "isotonic" and scores["isotonic"] < scores["sigmoid"]
    assert fit_calibrator(raw, y, "auto").method == "isotonic"
    # too few defaulters to cross-validate: sigmoid
    assert choose_calibration(raw[:100], np.r_[np.ones(3), np.zeros(97)].astype(int)) == ("sigmoid", {})


def test_training_records_the_calibration(quick_result):
    cal = quick_result.metrics["calibration"]
    # the default keeps the ranking: the calibrated hold-out AUC is the model's own
    assert cal["asked"] == "sigmoid" and cal["method"] == "sigmoid" and cal["cv_ece_on_oof"] == {}
    assert "equal-width" in cal["ece_bins"]
    assert cal["holdout_brier_after"] > 0 and 0 <= cal["holdout_ece_after"] < 1
    assert cal["holdout_clients"] == len(quick_result.holdout_scores)
    assert cal["holdout_ece_noise_floor"] == ece_noise_floor(quick_result.holdout_scores["probability"])


def test_ece_noise_floor_is_what_a_calibrated_model_measures():
    rng = np.random.default_rng(3)
    p = expit(rng.normal(-2.6, 0.8, 1000))  # about 8% defaults, as on the real hold-out
    floor = ece_noise_floor(p)
    measured = [expected_calibration_error(rng.random(len(p)) < p, p) for _ in range(300)]
    # a perfectly calibrated model scores about the floor, not 0: about 0.01 on 1,000 clients
    assert 0.006 < floor < 0.02 and abs(np.mean(measured) - floor) < 0.1 * floor
    # and the floor falls as the hold-out grows (about as one over its square root)
    big = expit(rng.normal(-2.6, 0.8, 16_000))
    assert ece_noise_floor(big) < floor / 2.5
    assert ece_noise_floor([0.0, 1.0, 1.0]) == 0.0

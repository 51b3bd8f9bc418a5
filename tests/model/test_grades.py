"""Risk grades: a master scale fitted on out-of-fold predictions, monotone on the hold-out."""

from __future__ import annotations

import numpy as np
import pytest

from scoring_core.errors import ScoringError
from scoring_core.model.grades import GradeScale, fit_grade_scale, grade_table
from scoring_core.model.training import TrainConfig, train


def test_log_linear_master_scale_on_a_ranking_score():
    rng = np.random.default_rng(0)
    p = np.exp(rng.uniform(np.log(0.005), np.log(0.6), 20_000))
    y = (rng.random(len(p)) < p).astype(int)
    scale = fit_grade_scale(p, y, 7)
    assert scale.labels == list("ABCDEFG")
    ratios = np.array(scale.cutoffs[1:]) / np.array(scale.cutoffs[:-1])
    assert np.allclose(ratios, ratios[0])  # each band's PD a constant multiple of the previous
    assert scale.oof_share[0] == pytest.approx(0.20, abs=0.01)
    assert np.all(np.diff(scale.oof_default_rate) > 0)
    assert list(scale.grade([0.0, 0.999])) == ["A", "G"]


def test_grades_whose_rates_do_not_rise_are_merged():
    rng = np.random.default_rng(0)
    p = rng.uniform(0, 1, 10_000)
    y = (rng.random(len(p)) < 0.1).astype(int)  # a score that ranks nothing
    scale = fit_grade_scale(p, y, 7)
    assert len(scale.labels) < 7
    assert np.all(np.diff(scale.oof_default_rate) > 0)


def test_given_cutoffs_and_bad_scales():
    p = np.linspace(0.001, 0.5, 1000)
    i = np.arange(len(p))
    # observed rates: 0 below 0.1, 10% in [0.1, 0.2), 100% from 0.2 up
    y = np.where(p < 0.1, 0, np.where(p < 0.2, (i % 10 == 0), 1)).astype(int)
    scale = fit_grade_scale(p, y, [0.1, 0.2, 0.3])
    assert scale.cutoffs == [0.1, 0.2]  # [0.2, 0.3) and >= 0.3 both default at 100%: merged
    assert list(scale.grade([0.05, 0.15, 0.25])) == ["A", "B", "C"]
    with pytest.raises(ScoringError):
        fit_grade_scale(p, y, [0.3, 0.1])
    with pytest.raises(ScoringError):
        fit_grade_scale(p, y, 1)
    with pytest.raises(ScoringError):
        GradeScale.from_dict({"labels": ["A"], "cutoffs": [0.5]})


@pytest.fixture(scope="module")
def bigger_result():
    """8,000 synthetic clients, half held out: about 300 hold-out defaults over 7 grades."""
    from scoring_core.data import normalize_table
    from scoring_core.synth import generate_tables

    raw = generate_tables(8000, seed=3)
    t = {k: normalize_table(v, k) for k, v in raw.items()}
    tables = {
        "application": t["application_train"],
        **{k: v for k, v in t.items() if not k.startswith("application")},
    }
    return train(tables, TrainConfig(quick=True, seed=2, holdout=0.5), progress=False)


def test_default_rates_rise_by_grade_on_the_holdout(bigger_result):
    scale = bigger_result.model.grades
    assert scale is not None and len(scale.labels) == 7  # the default master scale: A-G
    ho = bigger_result.holdout_scores
    table = grade_table(scale, ho["TARGET"], ho["probability"])
    rates = [row["default_rate"] for row in table]
    assert all(row["clients"] > 0 for row in table)
    assert all(b > a for a, b in zip(rates, rates[1:], strict=False)), table
    assert bigger_result.metrics["grades"] == table
    assert bigger_result.model.metadata["grade_scale"] == scale.to_dict()

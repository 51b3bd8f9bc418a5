"""Model comparison: shared folds, out-of-fold metrics, no leakage through resampling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

from scoring_core.data import normalize_table
from scoring_core.features import FeatureBuilder
from scoring_core.metrics import best_threshold, business_cost
from scoring_core.model import (
    TABLE_COLUMNS,
    Candidate,
    ComparisonResult,
    candidate_grid,
    compare_models,
    cost_by_class_weight,
    cost_vs_threshold,
    make_folds,
)
from scoring_core.synth import generate_tables

FAST = {"lightgbm": {"n_estimators": 60, "n_jobs": 1}, "random_forest": {"n_estimators": 30}}


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    """One BLAS/OpenMP thread: spinning threads are very slow when the machine is busy."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray]:
    """Engineered features of 2,000 synthetic clients."""
    tables = {name: normalize_table(df, name) for name, df in generate_tables(2000, seed=3).items()}
    train = tables.pop("application_train")
    tables.pop("application_test")
    X = FeatureBuilder().fit_transform({"application": train, **tables})
    return X, train["TARGET"].to_numpy()


@pytest.fixture(scope="module")
def comparison(data) -> ComparisonResult:
    X, y = data
    candidates = [
        ("dummy", "none"),
        ("lightgbm", "none"),
        ("lightgbm", "undersample"),
        ("logreg", "class_weight:balanced"),
    ]
    return compare_models(X, y, candidates, cv=3, model_params=FAST, random_state=0)


# -- the comparison ------------------------------------------------------------------------
def test_table_layout_and_order(comparison):
    table = comparison.table
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert set(table.index) == {
        "dummy/none",
        "lightgbm/none",
        "lightgbm/undersample",
        "logreg/class_weight:balanced",
    }
    assert table.loc["lightgbm/undersample", "model"] == "lightgbm"
    assert table.loc["lightgbm/undersample", "strategy"] == "undersample"
    keys = list(zip(table["cost"], -table["auc"], strict=True))
    assert keys == sorted(keys)
    assert comparison.best == table.index[0]
    assert comparison.best_candidate.label == comparison.best
    assert (table["fit_seconds"] > 0).all()
    assert table["threshold"].between(0, 1).all()


def test_dummy_baseline_and_lightgbm_beats_it(comparison):
    table, y = comparison.table, comparison.y
    assert table.loc["dummy/none", "auc_fold_mean"] == 0.5
    assert table.loc["dummy/none", "auc_std"] == 0
    # pooled over folds, the per-fold priors differ in the 4th decimal: AUC about 0.5
    assert table.loc["dummy/none", "auc"] == pytest.approx(0.5, abs=0.01)
    # a constant score: approve everyone (or refuse everyone), whichever is cheaper
    assert table.loc["dummy/none", "cost"] == pytest.approx(min(10 * y.mean(), 1 - y.mean()))
    lgbm = table.loc["lightgbm/none"]
    assert lgbm["auc"] > 0.65 and lgbm["auc"] > table.loc["dummy/none", "auc"] + 0.1
    assert lgbm["cost"] < table.loc["dummy/none", "cost"]
    assert table.index[-1] == "dummy/none"


def test_metrics_are_computed_on_out_of_fold_predictions(comparison):
    y = comparison.y
    assert set(comparison.oof) == set(comparison.table.index)
    for label, oof in comparison.oof.items():
        assert oof.shape == y.shape and np.isfinite(oof).all()
        assert ((oof >= 0) & (oof <= 1)).all()
        row = comparison.table.loc[label]
        assert row["auc"] == pytest.approx(roc_auc_score(y, oof))
        assert (row["threshold"], row["cost"]) == pytest.approx(best_threshold(y, oof))
        if label != "dummy/none":  # see test_dummy_threshold_reproduces_its_cost
            assert row["cost"] == pytest.approx(business_cost(y, oof >= row["threshold"]))
        per_fold = [roc_auc_score(y[va], oof[va]) for _, va in comparison.folds]
        assert row["auc_fold_mean"] == pytest.approx(np.mean(per_fold))
        assert row["auc_std"] == pytest.approx(np.std(per_fold))
    fm = comparison.fold_metrics
    assert len(fm) == 4 * 3 and set(fm.columns) >= {"candidate", "fold", "auc", "fit_seconds", "n_valid"}


def test_dummy_threshold_reproduces_its_cost(comparison):
    y, oof = comparison.y, comparison.oof["dummy/none"]
    row = comparison.table.loc["dummy/none"]
    assert row["cost"] == pytest.approx(business_cost(y, oof >= row["threshold"]))


def test_shared_stratified_folds(comparison):
    y, folds = comparison.y, comparison.folds
    assert len(folds) == 3
    expected = make_folds(y, 3, random_state=0)
    for (tr, va), (etr, eva) in zip(folds, expected, strict=True):
        np.testing.assert_array_equal(tr, etr)
        np.testing.assert_array_equal(va, eva)
        assert abs(y[va].mean() - y.mean()) < 0.01
    valid = np.sort(np.concatenate([va for _, va in folds]))
    np.testing.assert_array_equal(valid, np.arange(len(y)))


def test_cost_curve_of_the_result(comparison):
    curve = comparison.cost_curve()
    assert curve["cost"].min() == pytest.approx(comparison.table.iloc[0]["cost"])


# -- leakage -------------------------------------------------------------------------------
class Recorder(ClassifierMixin, BaseEstimator):
    """Logs the client ids it is fitted on and predicts; scores a client from its id."""

    log: ClassVar[list] = []

    def __init__(self, tag: str = ""):
        self.tag = tag

    def fit(self, X, y):
        Recorder.log.append((self.tag, "fit", X["ROW_ID"].to_numpy().copy(), np.asarray(y).copy(), None))
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        ids = X["ROW_ID"].to_numpy().copy()
        Recorder.log.append((self.tag, "predict", ids, None, X.copy()))
        p = _score_of(ids)
        return np.column_stack([1 - p, p])


def _score_of(ids):
    return (np.asarray(ids) % 97 + 1) / 99


@dataclass(frozen=True)
class RecordingCandidate(Candidate):
    """The candidate's real pipeline (real sampler), with a recorder in place of the model."""

    def build(self, **kwargs):
        pipe = super().build(**kwargs)
        pipe.steps[-1] = ("model", Recorder(tag=self.label))
        return pipe


def _with_row_ids(X: pd.DataFrame) -> pd.DataFrame:
    X = X.iloc[:, :40].copy()  # enough columns (categorical and numeric with NaNs), fast
    X["ROW_ID"] = np.arange(len(X), dtype=np.float64)
    return X


def leak_problems(log, X, folds) -> list[str]:
    """Every way the logged fits and predictions break the out-of-fold contract."""
    problems = []
    row_ids = X["ROW_ID"].to_numpy()
    fits = [entry for entry in log if entry[1] == "fit"]
    predicts = [entry for entry in log if entry[1] == "predict"]
    if len(fits) != len(folds) or len(predicts) != len(folds):
        return [f"{len(fits)} fits and {len(predicts)} predictions for {len(folds)} folds"]
    for i, ((tr, va), fit, predict) in enumerate(zip(folds, fits, predicts, strict=True)):
        train_ids, valid_ids = set(row_ids[tr]), set(row_ids[va])
        fitted = fit[2]
        copies = fitted[np.isin(fitted, row_ids)]  # rows copied from the data (not synthetic)
        if valid_ids & set(copies):
            problems.append(
                f"fold {i}: {len(valid_ids & set(copies))} validation clients in the training rows"
            )
        if not set(copies) <= train_ids:
            problems.append(f"fold {i}: rows from outside the training fold")
        if not np.array_equal(predict[2], row_ids[va]):
            problems.append(f"fold {i}: predicted rows are not exactly the validation rows")
    return problems


@pytest.mark.parametrize("strategy", ["none", "class_weight:6", "undersample", "oversample", "smote"])
def test_resampling_never_touches_validation_rows(strategy, data):
    X, y = data
    X = _with_row_ids(X)
    Recorder.log.clear()
    result = compare_models(X, y, [RecordingCandidate("dummy", strategy)], cv=3)
    assert leak_problems(Recorder.log, X, result.folds) == []
    fits = [entry for entry in Recorder.log if entry[1] == "fit"]
    predicts = [entry for entry in Recorder.log if entry[1] == "predict"]
    for (tr, va), (_, _, fit_ids, fit_y, _), (_, _, _, _, predicted) in zip(
        result.folds, fits, predicts, strict=True
    ):
        originals = fit_ids[np.isin(fit_ids, X["ROW_ID"])]
        if strategy in ("none", "class_weight:6"):
            np.testing.assert_array_equal(fit_ids, X["ROW_ID"].to_numpy()[tr])
        elif strategy == "smote":  # the training rows, then synthetic defaulters
            np.testing.assert_array_equal(fit_ids[: len(tr)], X["ROW_ID"].to_numpy()[tr])
            assert len(fit_ids) > len(tr) and len(originals) == len(tr)
        else:  # copies of training rows only, with their labels; the balance changed
            np.testing.assert_array_equal(fit_y, y[originals.astype(int)])
            assert fit_y.mean() == pytest.approx(0.5)
            assert (len(fit_ids) > len(tr)) == (strategy == "oversample")
        # the model predicts the validation rows as they are (SMOTE imputes them, by design)
        expected = X.iloc[va]
        if strategy == "smote":
            assert predicted.index.equals(expected.index)
            known = expected.notna().to_numpy()
            pd.testing.assert_frame_equal(predicted.where(known), expected, check_dtype=False)
        else:
            pd.testing.assert_frame_equal(predicted, expected)
    # the out-of-fold predictions are the model's predictions of each row
    np.testing.assert_allclose(result.oof["dummy/" + strategy], _score_of(X["ROW_ID"]))


def test_leak_check_catches_resampling_before_the_split(data):
    """The classic mistake (oversample, then cross-validate) is caught by the same check."""
    X, y = data
    X = _with_row_ids(X)
    over = np.r_[np.arange(len(y)), np.flatnonzero(y == 1)]  # every defaulter twice
    X_leaky, y_leaky = X.iloc[over], y[over]
    Recorder.log.clear()
    result = compare_models(X_leaky, y_leaky, [RecordingCandidate("dummy", "none")], cv=3)
    problems = leak_problems(Recorder.log, X_leaky, result.folds)
    assert problems and all("validation clients in the training rows" in p for p in problems)


def test_all_candidates_see_the_same_folds(data):
    X, y = data
    X = _with_row_ids(X)
    Recorder.log.clear()
    cands = [RecordingCandidate("dummy", s) for s in ("none", "oversample", "smote")]
    compare_models(X, y, cands, cv=4, random_state=5)
    predicted = {}
    for tag, event, ids, _, _ in Recorder.log:
        if event == "predict":
            predicted.setdefault(tag, []).append(ids)
    assert len(predicted) == 3
    reference = predicted["dummy/none"]
    assert len(reference) == 4
    for folds in predicted.values():
        for a, b in zip(folds, reference, strict=True):
            np.testing.assert_array_equal(a, b)


# -- folds and candidates ------------------------------------------------------------------
def test_explicit_folds_and_splitters(data):
    X, y = data
    X, y = X.iloc[:600], y[:600]
    folds = make_folds(y, 2, random_state=1)
    result = compare_models(X, y, [("dummy", "none")], cv=folds)
    for (a, b), (c, d) in zip(result.folds, folds, strict=True):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)
    result = compare_models(X, y, [("dummy", "none")], cv=KFold(3, shuffle=True, random_state=0))
    assert len(result.folds) == 3
    half = np.arange(300)
    with pytest.raises(ValueError, match="overlap"):
        compare_models(X, y, [("dummy", "none")], cv=[(np.arange(600), half)])
    with pytest.raises(ValueError, match="more than once"):
        compare_models(X, y, [("dummy", "none")], cv=[(half + 300, half), (half + 300, half)])


def test_candidates_and_labels(data):
    X, y = data
    grid = candidate_grid(["dummy", "lightgbm"], ["none", "class_weight:6"], model_params=FAST)
    assert [c.label for c in grid] == [
        "dummy/none",
        "dummy/class_weight:6",
        "lightgbm/none",
        "lightgbm/class_weight:6",
    ]
    assert grid[2].params == FAST["lightgbm"]
    X, y = X.iloc[:600], y[:600]
    with pytest.raises(ValueError, match="duplicate candidate labels"):
        compare_models(X, y, [("dummy", "none"), Candidate("dummy")], cv=2)
    named = [Candidate("dummy"), Candidate("dummy", "none", name="baseline")]
    assert set(compare_models(X, y, named, cv=2).table.index) == {"dummy/none", "baseline"}
    with pytest.raises(ValueError, match="candidate"):
        compare_models(X, y, [("dummy",)], cv=2)
    with pytest.raises(ValueError, match="unknown imbalance strategy"):
        compare_models(X, y, [("dummy", "bogus")], cv=2)
    with pytest.raises(ValueError, match="0 and 1"):
        compare_models(X, y * 2, [("dummy", "none")], cv=2)
    with pytest.raises(ValueError, match="no candidates"):
        compare_models(X, y, [], cv=2)


def test_progress_bar_and_random_forest(data):
    X, y = data
    X, y = X.iloc[:800], y[:800]
    result = compare_models(X, y, [("random_forest", "smote")], cv=2, model_params=FAST, progress=True)
    assert 0.5 < result.table["auc"].iloc[0] <= 1


# -- cost curves ---------------------------------------------------------------------------
def test_cost_vs_threshold_matches_business_cost():
    rng = np.random.default_rng(0)
    y = (rng.random(500) < 0.1).astype(int)
    scores = np.clip(0.3 * y + rng.random(500) * 0.7, 0, 1)
    thresholds = [0.0, 0.1, 0.25, 0.5, 0.9, 1.01]
    curve = cost_vs_threshold(y, scores, thresholds, c_fn=10, c_fp=1)
    assert list(curve.columns) == ["threshold", "cost", "approval_rate"]
    for t, cost, approval in curve.itertuples(index=False):
        assert cost == pytest.approx(business_cost(y, scores >= t, c_fn=10, c_fp=1))
        assert approval == pytest.approx(np.mean(scores < t))
    assert curve.iloc[0]["approval_rate"] == 0 and curve.iloc[-1]["approval_rate"] == 1
    full = cost_vs_threshold(y, scores, c_fn=5, c_fp=2)
    assert full["threshold"].is_monotonic_increasing and full["approval_rate"].is_monotonic_increasing
    assert full["cost"].min() == pytest.approx(best_threshold(y, scores, c_fn=5, c_fp=2)[1])
    for t, cost, _ in full.sample(10, random_state=0).itertuples(index=False):
        assert cost == pytest.approx(business_cost(y, scores >= t, c_fn=5, c_fp=2))
    with pytest.raises(ValueError, match="finite"):
        cost_vs_threshold(y, np.r_[np.nan, scores[1:]])


def test_cost_by_class_weight(data):
    X, y = data
    frame = cost_by_class_weight(X, y, [6, 1, "balanced"], cv=3, model_params=FAST["lightgbm"])
    assert list(frame.columns) == ["ratio", "strategy", "auc", "cost", "threshold"]
    assert frame["ratio"].is_monotonic_increasing
    assert frame["strategy"].tolist() == ["class_weight:1", "class_weight:6", "class_weight:balanced"]
    assert frame["ratio"].iloc[-1] == pytest.approx((y == 0).sum() / (y == 1).sum())
    assert (frame["auc"] > 0.6).all() and frame["threshold"].between(0, 1).all()
    # heavier weights on defaulters push the probabilities, hence the best threshold, up
    assert frame["threshold"].iloc[0] < frame["threshold"].iloc[-1]

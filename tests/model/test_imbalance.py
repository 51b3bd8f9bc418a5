"""Imbalance strategies: spec strings and what the model sees in fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import Pipeline
from sklearn.base import BaseEstimator, ClassifierMixin
from threadpoolctl import threadpool_limits

from scoring_core.model import (
    DEFAULT_STRATEGIES,
    CategoricalSMOTE,
    ClassWeight,
    NoResampling,
    OverSample,
    Smote,
    UnderSample,
    inference_pipeline,
    make_pipeline,
    parse_strategy,
)

LEVELS = pd.CategoricalDtype(["a", "b", "c"])


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    """One BLAS/OpenMP thread: spinning threads are very slow when the machine is busy."""
    with threadpool_limits(limits=1):
        yield


class Recorder(ClassifierMixin, BaseEstimator):
    """Records what it is fitted on; predicts a constant."""

    def fit(self, X, y):
        self.X_fit_ = X.copy()
        self.y_fit_ = np.asarray(y).copy()
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        self.X_predict_ = X.copy()
        return np.tile([0.5, 0.5], (len(X), 1))


def _frame(n: int = 400, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.1).astype(int)
    y[:5] = 1
    X = pd.DataFrame(
        {
            "cat": pd.Categorical(rng.choice(["a", "b", "c", None], n), dtype=LEVELS),
            "x1": (rng.normal(size=n) + y).astype("float32"),
            "x2": np.where(rng.random(n) < 0.3, np.nan, rng.normal(size=n)).astype("float32"),
        },
        index=pd.Index(np.arange(1000, 1000 + n), name="SK_ID_CURR"),
    )
    return X, y


def _with_recorder(strategy, X):
    pipe = make_pipeline("dummy", strategy, categorical=["cat"], numeric=["x1", "x2"])
    pipe.steps[-1] = ("model", Recorder())
    return pipe


# -- spec strings ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "spec, expected",
    [
        ("none", NoResampling()),
        ("class_weight", ClassWeight("balanced")),
        ("class_weight:balanced", ClassWeight("balanced")),
        ("class_weight:6", ClassWeight(6)),
        ("class_weight:2.5", ClassWeight(2.5)),
        (" Class_Weight : 12 ", ClassWeight(12.0)),
        ("undersample", UnderSample()),
        ("undersample:0.5", UnderSample(0.5)),
        ("oversample:0.25", OverSample(0.25)),
        ("smote", Smote(1.0)),
        ("smote:0.3", Smote(0.3)),
    ],
)
def test_parse_strategy(spec, expected):
    assert parse_strategy(spec) == expected


@pytest.mark.parametrize(
    "strategy",
    [
        *DEFAULT_STRATEGIES,
        ClassWeight(1),
        ClassWeight(1 / 3),
        ClassWeight(1e-3),
        UnderSample(0.1),
        Smote(0.75),
    ],
)
def test_spec_round_trip(strategy):
    spec = str(strategy)
    assert parse_strategy(spec) == strategy
    assert str(parse_strategy(spec)) == spec


def test_canonical_specs():
    assert [str(s) for s in (ClassWeight(6.0), ClassWeight("balanced"), UnderSample(), OverSample(0.5))] == [
        "class_weight:6",
        "class_weight:balanced",
        "undersample",
        "oversample:0.5",
    ]
    assert parse_strategy(Smote()) is not None and parse_strategy(str(Smote())) == Smote()


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "foo",
        "class-weight:3",
        "class_weight:",
        "class_weight:-1",
        "class_weight:0",
        "class_weight:abc",
        "class_weight:nan",
        "class_weight:inf",
        "undersample:1.5",
        "undersample:0",
        "oversample:x",
        "smote:-0.2",
        "none:3",
        "smote:0.5:3",
    ],
)
def test_parse_strategy_rejects_garbage(spec):
    with pytest.raises(ValueError, match="strategy") as info:
        parse_strategy(spec)
    assert repr(spec) in str(info.value)


def test_parse_strategy_rejects_non_strings():
    with pytest.raises(TypeError):
        parse_strategy(3)
    with pytest.raises(ValueError):
        ClassWeight(-2)


def test_default_strategies_cover_every_kind():
    kinds = {type(s) for s in DEFAULT_STRATEGIES}
    assert kinds == {NoResampling, ClassWeight, UnderSample, OverSample, Smote}


# -- what the model sees ------------------------------------------------------------------
@pytest.mark.parametrize(
    "strategy, positive_share",
    [("none", None), ("class_weight:6", None), ("undersample", 0.5), ("oversample", 0.5), ("smote", 0.5)],
)
def test_strategy_sets_what_the_model_sees(strategy, positive_share):
    X, y = _frame()
    pipe = _with_recorder(strategy, X).fit(X, y)
    seen = pipe[-1].y_fit_
    if positive_share is None:
        np.testing.assert_array_equal(seen, y)
    else:
        assert seen.mean() == pytest.approx(positive_share)
        assert y.mean() < 0.2
    # predictions go through the same steps, but never through the sampler
    pipe.predict_proba(X.iloc[:7])
    assert len(pipe[-1].X_predict_) == 7


def test_sampler_ratio():
    X, y = _frame()
    for strategy in ("undersample:0.5", "oversample:0.5", "smote:0.5"):
        seen = _with_recorder(strategy, X).fit(X, y)[-1].y_fit_
        assert (seen == 1).sum() / (seen == 0).sum() == pytest.approx(0.5, abs=0.01), strategy


def test_class_weight_strategy_reaches_the_model():
    for model in ("logreg", "random_forest", "lightgbm", "dummy"):
        pipe = make_pipeline(model, "class_weight:6", categorical=["cat"], numeric=["x1"])
        assert pipe[-1].get_params()["class_weight"] == {0: 1.0, 1: 6.0}
        assert not any(hasattr(step, "fit_resample") for _, step in pipe.steps)
    with pytest.raises(ValueError, match="class_weight"):
        make_pipeline("lightgbm", "class_weight:6", categorical=[], numeric=["x1"], class_weight="balanced")


def test_under_and_oversampling_copy_training_rows():
    X, y = _frame()
    row_of = pd.Series(X.index, index=X["x1"])  # x1 is distinct: it identifies the row
    assert row_of.index.is_unique
    for strategy in ("undersample", "oversample"):
        pipe = _with_recorder(strategy, X).fit(X, y)
        seen, y_seen = pipe[-1].X_fit_, pipe[-1].y_fit_
        rows = row_of.loc[seen["x1"]].to_numpy()
        expected = X.loc[rows]
        pd.testing.assert_frame_equal(seen.set_axis(expected.index), expected)  # exact copies, dtypes kept
        np.testing.assert_array_equal(y_seen, y[X.index.get_indexer(rows)])
        if strategy == "oversample":
            assert len(set(rows)) == len(X) and len(rows) > len(X)  # every row, defaulters repeated
        else:
            assert len(set(rows)) == len(rows) < len(X)  # a subset, all defaulters kept
            assert set(X.index[y == 1]) <= set(rows)


def test_smote_imputes_then_keeps_columns_and_dtypes():
    X, y = _frame()
    pipe = _with_recorder("smote", X).fit(X, y)
    assert [name for name, _ in pipe.steps] == ["impute", "sampler", "model"]
    seen = pipe[-1].X_fit_
    assert list(seen.columns) == list(X.columns)
    assert (seen.dtypes == X.dtypes).all()
    assert not seen[["x1", "x2"]].isna().any().any()
    # the original rows come first, imputed with the training medians
    original = seen.iloc[: len(X)].set_axis(X.index)
    pd.testing.assert_series_equal(original["x1"], X["x1"])
    median = X["x2"].median()
    np.testing.assert_allclose(original["x2"], X["x2"].fillna(median))
    pd.testing.assert_series_equal(original["cat"], X["cat"])  # missing stays missing
    synthetic = seen.iloc[len(X) :]
    assert len(synthetic) == (y == 0).sum() - (y == 1).sum()
    assert synthetic["cat"].notna().any()
    assert set(synthetic["cat"].dropna()) <= set(LEVELS.categories)
    # prediction rows are imputed the same way, with the training medians
    pipe.predict_proba(X)
    np.testing.assert_allclose(pipe[-1].X_predict_["x2"], X["x2"].fillna(median))


def test_categorical_smote_variants():
    X, y = _frame()
    numeric_only = X[["x1"]]
    out, y_out = CategoricalSMOTE(random_state=0).fit_resample(numeric_only, y)
    assert list(out.columns) == ["x1"] and y_out.mean() == 0.5
    out, y_out = CategoricalSMOTE(random_state=0).fit_resample(X[["cat"]], y)
    assert out["cat"].dtype == LEVELS and y_out.mean() == 0.5
    with pytest.raises(ValueError, match="impute"):
        CategoricalSMOTE().fit_resample(X, y)  # x2 has missing values
    # a tiny minority class lowers k
    few = np.zeros(len(X), dtype=int)
    few[:3] = 1
    out, y_out = CategoricalSMOTE(random_state=0).fit_resample(X[["cat", "x1"]], few)
    assert y_out.mean() == 0.5


@pytest.mark.parametrize("model", ["logreg", "random_forest", "lightgbm"])
@pytest.mark.parametrize("strategy", ["undersample", "oversample", "smote"])
def test_real_models_with_resampling(model, strategy):
    X, y = _frame(600, seed=1)
    params = {"random_forest": {"n_estimators": 10}, "lightgbm": {"n_estimators": 10, "n_jobs": 1}}
    pipe = make_pipeline(model, strategy, categorical=["cat"], numeric=["x1", "x2"], **params.get(model, {}))
    assert isinstance(pipe, Pipeline)
    proba = pipe.fit(X, y).predict_proba(X)[:, 1]
    assert ((proba >= 0) & (proba <= 1)).all()
    infer = inference_pipeline(pipe)
    assert not any(hasattr(step, "fit_resample") for _, step in getattr(infer, "steps", []))
    np.testing.assert_allclose(infer.predict_proba(X)[:, 1], proba)


def test_inference_pipeline_of_lightgbm_is_the_booster_wrapper():
    X, y = _frame()
    pipe = make_pipeline("lightgbm", "undersample", categorical=["cat"], numeric=["x1", "x2"], n_jobs=1)
    pipe.set_params(model__n_estimators=5).fit(X, y)
    assert inference_pipeline(pipe) is pipe[-1]

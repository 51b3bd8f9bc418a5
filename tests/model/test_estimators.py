"""Candidate models: fit and predict on engineered features with NaNs and categoricals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from threadpoolctl import threadpool_limits

from scoring_core.data import normalize_table
from scoring_core.features import FeatureBuilder
from scoring_core.model import (
    MODEL_NAMES,
    WeightedDummyClassifier,
    feature_types,
    make_estimator,
)

# Small and single-threaded: fast, and robust when the machine is busy.
FAST = {"random_forest": {"n_estimators": 30}, "lightgbm": {"n_estimators": 30, "n_jobs": 1}}


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    """One BLAS/OpenMP thread: spinning threads are very slow when the machine is busy."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def features(raw_tables):
    tables = {name: normalize_table(df, name) for name, df in raw_tables.items()}
    train = tables.pop("application_train")
    tables.pop("application_test")
    X = FeatureBuilder().fit_transform({"application": train, **tables})
    y = train["TARGET"].to_numpy()
    return X, y


@pytest.fixture(scope="module")
def split(features):
    X, y = features
    X = X.copy()
    # a level the models never see in fit, and a categorical column missing for everyone in fit
    X.loc[X.index[-1], "ORGANIZATION_TYPE"] = X["ORGANIZATION_TYPE"].cat.categories[-1]
    n = 450
    X_fit = X.iloc[:n].copy()
    X_fit.loc[
        X_fit["ORGANIZATION_TYPE"] == X["ORGANIZATION_TYPE"].cat.categories[-1], "ORGANIZATION_TYPE"
    ] = np.nan
    X_fit["NAME_TYPE_SUITE"] = pd.Series(np.nan, index=X_fit.index).astype(X["NAME_TYPE_SUITE"].dtype)
    return X_fit, y[:n], X.iloc[n:], y[n:]


def test_feature_types_split_categoricals_first(features):
    X, _ = features
    categorical, numeric = feature_types(X)
    assert len(categorical) == 16
    assert categorical + numeric == list(X.columns)
    assert all(X[c].dtype == "category" for c in categorical)


def test_features_have_missing_values(split):
    X_fit, *_ = split
    assert X_fit.isna().any().sum() > 50


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_each_model_fits_and_predicts_probabilities(name, split):
    X_fit, y_fit, X_new, _ = split
    categorical, numeric = feature_types(X_fit)
    est = make_estimator(name, categorical=categorical, numeric=numeric, **FAST.get(name, {}))
    est.fit(X_fit, y_fit)
    proba = est.predict_proba(X_new)
    assert proba.shape == (len(X_new), 2)
    assert np.isfinite(proba).all() and (proba >= 0).all() and (proba <= 1).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(est.classes_) == [0, 1]
    if name != "dummy":
        assert proba[:, 1].std() > 0  # a real model ranks clients


def test_logreg_keeps_feature_names(split):
    X_fit, y_fit, X_new, _ = split
    categorical, numeric = feature_types(X_fit)
    est = make_estimator("logreg", categorical=categorical, numeric=numeric).fit(X_fit, y_fit)
    names = list(est[:-1].get_feature_names_out())
    assert list(est[-1].feature_names_in_) == names
    assert [n for n in names if n in numeric] == numeric  # numeric names unchanged, in order
    onehot = [n for n in names if n not in numeric]
    assert onehot and all(any(n.startswith(c + "_") for c in categorical) for n in onehot)
    assert "OCCUPATION_TYPE_missing" in names or "NAME_TYPE_SUITE_missing" in names
    transformed = est[:-1].transform(X_new)
    assert isinstance(transformed, pd.DataFrame)
    assert not transformed.isna().any().any()


def test_random_forest_keeps_feature_names(split):
    X_fit, y_fit, X_new, _ = split
    categorical, numeric = feature_types(X_fit)
    est = make_estimator("random_forest", categorical=categorical, numeric=numeric, n_estimators=10)
    est.fit(X_fit, y_fit)
    assert list(est[-1].feature_names_in_) == categorical + numeric
    transformed = est[:-1].transform(X_new)
    assert list(transformed.columns) == categorical + numeric
    assert not transformed.isna().any().any()
    # the unseen level and the missing values are coded -1
    assert transformed["ORGANIZATION_TYPE"].iloc[-1] == -1
    assert (transformed["NAME_TYPE_SUITE"][X_new["NAME_TYPE_SUITE"].isna()] == -1).all()


def test_lightgbm_uses_native_categoricals_and_names(split):
    X_fit, y_fit, X_new, _ = split
    categorical, numeric = feature_types(X_fit)
    est = make_estimator("lightgbm", categorical=categorical, numeric=numeric, **FAST["lightgbm"])
    est.fit(X_fit, y_fit)
    assert list(est.feature_name_) == list(X_fit.columns)
    assert est.booster_.pandas_categorical is not None
    assert len(est.booster_.pandas_categorical) == len(categorical)
    assert est.predict_proba(X_new.iloc[[-1]]).shape == (1, 2)  # the unseen level


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_class_weight_hook(name, split):
    X_fit, y_fit, *_ = split
    categorical, numeric = feature_types(X_fit)
    weight = {0: 1.0, 1: 6.0}
    est = make_estimator(
        name, categorical=categorical, numeric=numeric, class_weight=weight, **FAST.get(name, {})
    )
    final = est[-1] if hasattr(est, "steps") else est
    assert final.get_params()["class_weight"] == weight
    est.fit(X_fit, y_fit)
    unweighted = make_estimator(name, categorical=categorical, numeric=numeric, **FAST.get(name, {}))
    unweighted.fit(X_fit, y_fit)
    # the weighted model predicts more default
    assert est.predict_proba(X_fit)[:, 1].mean() > unweighted.predict_proba(X_fit)[:, 1].mean()


def test_weighted_dummy_prior():
    X = np.zeros((10, 1))
    y = np.array([0] * 8 + [1] * 2)
    assert type(make_estimator("dummy", categorical=[], numeric=["a"])) is DummyClassifier
    est = make_estimator("dummy", categorical=[], numeric=["a"], class_weight="balanced")
    assert isinstance(est, WeightedDummyClassifier)
    np.testing.assert_allclose(est.fit(X, y).predict_proba(X[:1]), [[0.5, 0.5]])
    np.testing.assert_allclose(
        clone(est).set_params(class_weight={0: 1, 1: 2}).fit(X, y).class_prior_, [2 / 3, 1 / 3]
    )


def test_params_override_defaults():
    est = make_estimator("logreg", categorical=["a"], numeric=["b"], C=3.0)
    assert est[-1].C == 3.0 and est[-1].max_iter >= 1000
    lgbm = make_estimator("lightgbm", categorical=[], numeric=["b"], num_leaves=7, random_state=3)
    assert lgbm.num_leaves == 7 and lgbm.random_state == 3 and lgbm.learning_rate == 0.05


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown model 'xgboost'"):
        make_estimator("xgboost", categorical=[], numeric=["a"])
    with pytest.raises(ValueError, match="unknown parameter.*bogus"):
        make_estimator("logreg", categorical=[], numeric=["a"], bogus=1)
    with pytest.raises(ValueError, match="both categorical and numeric"):
        make_estimator("logreg", categorical=["a"], numeric=["a"])
    with pytest.raises(ValueError, match="no feature columns"):
        make_estimator("dummy", categorical=[], numeric=[])

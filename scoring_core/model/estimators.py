"""Candidate classifiers for credit scoring, built by name.

Each model is returned unfitted, with defaults chosen for credit data (few defaulters,
many missing values, a handful of categorical columns):

``dummy``
    ``DummyClassifier(strategy="prior")``: the baseline every model must beat (AUC 0.5).
``logreg``
    Numeric columns: median imputation and standard scaling; categorical columns: a
    ``"missing"`` level and one-hot encoding (rare and unseen levels grouped); then an
    L2 ``LogisticRegression``.
``random_forest``
    Numeric columns: median imputation; categorical columns: ordinal codes (missing and
    unseen levels coded ``-1``); then a ``RandomForestClassifier``.
``lightgbm``
    A bare ``LGBMClassifier``: missing values and pandas ``category`` columns are handled
    natively, so the fitted model can be saved in LightGBM's text format and explained
    with TreeSHAP on the raw feature names.

Preprocessing outputs pandas frames, so the final classifier's ``feature_names_in_`` are
the real (or one-hot) feature names and explanations carry the right labels. Every model
takes a ``class_weight`` parameter (the hook of the ``class_weight`` imbalance strategy).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

__all__ = [
    "MODEL_NAMES",
    "DEFAULT_MODEL_PARAMS",
    "WeightedDummyClassifier",
    "feature_types",
    "make_estimator",
]

logger = logging.getLogger(__name__)

MODEL_NAMES: tuple[str, ...] = ("dummy", "logreg", "random_forest", "lightgbm")

#: Defaults of the final classifier of each model (overridden by ``make_estimator`` params).
DEFAULT_MODEL_PARAMS: dict[str, dict[str, Any]] = {
    "dummy": {"strategy": "prior"},
    "logreg": {"C": 0.01, "max_iter": 3000},  # strong L2: hundreds of noisy, correlated features
    "random_forest": {
        "n_estimators": 300,
        "min_samples_leaf": 20,
        "max_features": "sqrt",
        "n_jobs": 2,
    },
    # Regularized enough not to overfit a few thousand clients (more trees on big data).
    "lightgbm": {
        "n_estimators": 200,
        "learning_rate": 0.05,
        "num_leaves": 16,
        "min_child_samples": 50,
        "colsample_bytree": 0.5,
        "subsample": 0.8,
        "subsample_freq": 1,
        "reg_lambda": 5.0,
        "n_jobs": 2,
        "verbose": -1,
    },
}

_MIN_FREQUENCY = 0.005  # one-hot: levels rarer than this share of the rows are grouped


class WeightedDummyClassifier(DummyClassifier):
    """``DummyClassifier`` whose class prior is computed with class weights.

    Used by :func:`make_estimator` for ``dummy`` when a ``class_weight`` is given, so the
    ``class_weight`` strategy is applied to the baseline too (it shifts the constant
    probability, never the ranking: the AUC stays 0.5).

    Parameters
    ----------
    strategy, random_state, constant
        As in :class:`sklearn.dummy.DummyClassifier`.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, as in scikit-learn's classifiers.
    """

    def __init__(self, *, strategy="prior", random_state=None, constant=None, class_weight=None):
        super().__init__(strategy=strategy, random_state=random_state, constant=constant)
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None):
        """Fit the (weighted) class prior."""
        if self.class_weight is not None:
            weights = compute_sample_weight(self.class_weight, y)
            sample_weight = weights if sample_weight is None else weights * np.asarray(sample_weight)
        return super().fit(X, y, sample_weight=sample_weight)


def feature_types(X: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Split the columns of ``X`` into categorical and numeric ones, in column order.

    Categorical: pandas ``category``, string, object and boolean columns; numeric: the rest.

    Examples
    --------
    >>> X = pd.DataFrame({"a": pd.Categorical(["x"]), "b": [1.0]})
    >>> feature_types(X)
    (['a'], ['b'])
    """
    categorical, numeric = [], []
    for name, dtype in X.dtypes.items():
        is_cat = (
            isinstance(dtype, pd.CategoricalDtype)
            or pd.api.types.is_string_dtype(dtype)
            or pd.api.types.is_object_dtype(dtype)
            or pd.api.types.is_bool_dtype(dtype)
        )
        (categorical if is_cat else numeric).append(name)
    return categorical, numeric


def _columns(categorical: Sequence[str], numeric: Sequence[str]) -> tuple[list[str], list[str]]:
    categorical, numeric = list(categorical), list(numeric)
    if not categorical and not numeric:
        raise ValueError("no feature columns: categorical and numeric are both empty")
    both = set(categorical) & set(numeric)
    if both:
        raise ValueError(f"columns both categorical and numeric: {sorted(both)}")
    return categorical, numeric


def _numeric_imputer() -> SimpleImputer:
    # keep_empty_features: a column that is all missing in a training fold keeps its place
    # (and its name), so the output layout never depends on the fold.
    return SimpleImputer(strategy="median", add_indicator=False, keep_empty_features=True)


def _logreg_preprocessor(categorical: list[str], numeric: list[str]) -> ColumnTransformer:
    cat = Pipeline(
        [
            ("impute", SimpleImputer(strategy="constant", fill_value="missing", keep_empty_features=True)),
            (
                "onehot",
                OneHotEncoder(
                    handle_unknown="infrequent_if_exist",
                    min_frequency=_MIN_FREQUENCY,
                    sparse_output=False,
                ),
            ),
        ]
    )
    num = Pipeline([("impute", _numeric_imputer()), ("scale", StandardScaler())])
    return ColumnTransformer(
        [("cat", cat, categorical), ("num", num, numeric)], remainder="drop", verbose_feature_names_out=False
    )


def _forest_preprocessor(categorical: list[str], numeric: list[str]) -> ColumnTransformer:
    cat = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1)
    return ColumnTransformer(
        [("cat", cat, categorical), ("num", _numeric_imputer(), numeric)],
        remainder="drop",
        verbose_feature_names_out=False,
    )


def _classifier(name: str, random_state, params: dict[str, Any]):
    if name == "dummy":
        cls = WeightedDummyClassifier if params.get("class_weight") is not None else DummyClassifier
        if cls is DummyClassifier:
            params.pop("class_weight", None)
        return cls(random_state=random_state), params
    if name == "logreg":
        return LogisticRegression(random_state=random_state), params
    if name == "random_forest":
        return RandomForestClassifier(random_state=random_state), params
    from lightgbm import LGBMClassifier  # heavy import, only when used

    return LGBMClassifier(random_state=random_state), params


def make_estimator(
    name: str,
    *,
    categorical: Sequence[str],
    numeric: Sequence[str],
    random_state: int | None = 0,
    **params: Any,
):
    """An unfitted classifier (with its preprocessing) for the named model.

    Parameters
    ----------
    name : {"dummy", "logreg", "random_forest", "lightgbm"}
        The model.
    categorical, numeric : sequence of str
        The categorical and numeric feature columns (see :func:`feature_types`). The
        scikit-learn models use only these columns; ``lightgbm`` and ``dummy`` use every
        column of ``X`` (pass ``X[categorical + numeric]``).
    random_state : int or None, default=0
        Seed of the classifier.
    **params
        Parameters of the final classifier, overriding :data:`DEFAULT_MODEL_PARAMS`; e.g.
        ``C`` for ``logreg``, ``n_estimators`` for the forests, and ``class_weight``
        (``None``, ``"balanced"`` or ``{0: 1, 1: w}``) for every model.

    Returns
    -------
    estimator
        ``dummy`` and ``lightgbm``: the classifier itself; ``logreg`` and
        ``random_forest``: a scikit-learn ``Pipeline`` of steps ``preprocess`` and
        ``model`` with pandas output, so ``est[:-1].get_feature_names_out()`` names the
        columns the classifier sees.

    Raises
    ------
    ValueError
        For an unknown model name or classifier parameter, or inconsistent columns.

    Examples
    --------
    >>> est = make_estimator("logreg", categorical=["a"], numeric=["b"], C=1.0)
    >>> [name for name, _ in est.steps]
    ['preprocess', 'model']
    """
    if name not in MODEL_NAMES:
        raise ValueError(f"unknown model {name!r}; expected one of {', '.join(MODEL_NAMES)}")
    categorical, numeric = _columns(categorical, numeric)
    merged = {**DEFAULT_MODEL_PARAMS[name], **params}
    clf, merged = _classifier(name, random_state, merged)
    valid = clf.get_params(deep=False)
    if name != "lightgbm":  # LightGBM also takes booster parameters by keyword
        unknown = sorted(set(merged) - set(valid))
        if unknown:
            raise ValueError(
                f"unknown parameter(s) {', '.join(unknown)} for model {name!r}; valid: {', '.join(sorted(valid))}"
            )
    clf.set_params(**merged)
    if name == "logreg":
        est = Pipeline([("preprocess", _logreg_preprocessor(categorical, numeric)), ("model", clf)])
    elif name == "random_forest":
        est = Pipeline([("preprocess", _forest_preprocessor(categorical, numeric)), ("model", clf)])
    else:
        return clf
    logger.debug("model %s: %s", name, merged)
    return est.set_output(transform="pandas")

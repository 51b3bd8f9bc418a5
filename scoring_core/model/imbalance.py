"""Imbalance strategies and the training pipeline (resampler + model).

A strategy is a small frozen dataclass with a spec string (``str(strategy)``) that
:func:`parse_strategy` reads back:

================================  =====================================================
spec                              meaning
================================  =====================================================
``none``                          train on the data as it is
``class_weight[:R|balanced]``     weight the defaulters ``R`` times a good client (or
                                  ``n_good / n_bad`` with ``balanced``, the default)
``undersample[:r]``               drop good clients at random until ``bad/good = r``
``oversample[:r]``                repeat defaulters at random until ``bad/good = r``
``smote[:r]``                     synthesize defaulters (SMOTE-NC) until ``bad/good = r``
================================  =====================================================

``r`` is the minority/majority ratio after resampling, in ``(0, 1]``, default ``1``.

Resampling always lives inside an imbalanced-learn :class:`~imblearn.pipeline.Pipeline`
(:func:`make_pipeline`): samplers act only in ``fit``, on the training rows, and never on
the rows being predicted, so cross-validated metrics are computed on untouched data.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline as SkPipeline

from .estimators import _columns, make_estimator

__all__ = [
    "Strategy",
    "NoResampling",
    "ClassWeight",
    "UnderSample",
    "OverSample",
    "Smote",
    "DEFAULT_STRATEGIES",
    "parse_strategy",
    "CategoricalSMOTE",
    "make_pipeline",
    "inference_pipeline",
]

logger = logging.getLogger(__name__)


def _format_number(value: float) -> str:
    text = repr(float(value))  # shortest text that reads back to the same float
    return text[:-2] if text.endswith(".0") else text


def _ratio(value, what: str) -> float:
    try:
        ratio = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if not (math.isfinite(ratio) and 0 < ratio <= 1):
        raise ValueError(
            f"{what} must be in (0, 1] (defaulters per good client after resampling), got {value!r}"
        )
    return ratio


@dataclass(frozen=True)
class Strategy:
    """Base class of the imbalance strategies; ``str(strategy)`` is its spec string."""

    kind: ClassVar[str] = ""

    def steps(
        self, *, categorical: list[str], numeric: list[str], random_state: int | None
    ) -> list[tuple[str, Any]]:
        """Pipeline steps to put before the model (``[]``: no resampling)."""
        return []

    def model_params(self) -> dict[str, Any]:
        """Parameters of the model that implement the strategy (e.g. ``class_weight``)."""
        return {}

    def _arg(self) -> str | None:
        return None

    def __str__(self) -> str:
        arg = self._arg()
        return self.kind if arg is None else f"{self.kind}:{arg}"


@dataclass(frozen=True)
class NoResampling(Strategy):
    """Train on the data as it is (``none``)."""

    kind: ClassVar[str] = "none"


@dataclass(frozen=True)
class ClassWeight(Strategy):
    """Weight the positive class (``class_weight:R`` or ``class_weight:balanced``).

    Parameters
    ----------
    ratio : float or "balanced", default="balanced"
        Weight of a defaulter relative to a good client; ``"balanced"`` gives
        ``n_good / n_bad`` (computed on each training fold).
    """

    kind: ClassVar[str] = "class_weight"
    ratio: float | str = "balanced"

    def __post_init__(self):
        if isinstance(self.ratio, str) and self.ratio.strip().lower() == "balanced":
            object.__setattr__(self, "ratio", "balanced")
            return
        try:
            ratio = float(self.ratio)
        except (TypeError, ValueError):
            raise ValueError(
                f"class weight ratio must be a positive number or 'balanced', got {self.ratio!r}"
            ) from None
        if not (math.isfinite(ratio) and ratio > 0):
            raise ValueError(
                f"class weight ratio must be a positive number or 'balanced', got {self.ratio!r}"
            )
        object.__setattr__(self, "ratio", ratio)

    @property
    def class_weight(self) -> dict[int, float] | str:
        """The ``class_weight`` parameter given to the model."""
        return "balanced" if self.ratio == "balanced" else {0: 1.0, 1: float(self.ratio)}

    def model_params(self) -> dict[str, Any]:
        return {"class_weight": self.class_weight}

    def _arg(self) -> str:
        return "balanced" if self.ratio == "balanced" else _format_number(self.ratio)


@dataclass(frozen=True)
class _Resampling(Strategy):
    """A sampler reaching ``ratio`` defaulters per good client in the training rows."""

    ratio: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "ratio", _ratio(self.ratio, f"{self.kind} ratio"))

    def _arg(self) -> str | None:
        return None if self.ratio == 1.0 else _format_number(self.ratio)


@dataclass(frozen=True)
class UnderSample(_Resampling):
    """Drop good clients at random (``undersample[:r]``, imblearn ``RandomUnderSampler``)."""

    kind: ClassVar[str] = "undersample"

    def steps(self, *, categorical, numeric, random_state):
        from imblearn.under_sampling import RandomUnderSampler

        return [("sampler", RandomUnderSampler(sampling_strategy=self.ratio, random_state=random_state))]


@dataclass(frozen=True)
class OverSample(_Resampling):
    """Repeat defaulters at random (``oversample[:r]``, imblearn ``RandomOverSampler``)."""

    kind: ClassVar[str] = "oversample"

    def steps(self, *, categorical, numeric, random_state):
        from imblearn.over_sampling import RandomOverSampler

        return [("sampler", RandomOverSampler(sampling_strategy=self.ratio, random_state=random_state))]


@dataclass(frozen=True)
class Smote(_Resampling):
    """Synthesize defaulters (``smote[:r]``): median imputation, then :class:`CategoricalSMOTE`.

    SMOTE cannot interpolate missing values, so an ``impute`` step (numeric median,
    fitted on the training rows) comes first; it stays in the fitted pipeline and is
    applied to the predicted rows too, so the model sees the same kind of data in fit
    and predict. Categorical columns keep their missing values (a level of their own
    for the sampler) and their dtype.
    """

    kind: ClassVar[str] = "smote"

    def steps(self, *, categorical, numeric, random_state):
        steps: list[tuple[str, Any]] = []
        if numeric:
            impute = ColumnTransformer(
                [
                    ("cat", "passthrough", categorical),
                    ("num", SimpleImputer(strategy="median", keep_empty_features=True), numeric),
                ],
                remainder="drop",
                verbose_feature_names_out=False,
            ).set_output(transform="pandas")
            steps.append(("impute", impute))
        sampler = CategoricalSMOTE(
            sampling_strategy=self.ratio, categorical=list(categorical), random_state=random_state
        )
        steps.append(("sampler", sampler))
        return steps


_KINDS: dict[str, type[Strategy]] = {
    cls.kind: cls for cls in (NoResampling, ClassWeight, UnderSample, OverSample, Smote)
}
_GRAMMAR = "none, class_weight[:RATIO|balanced], undersample[:r], oversample[:r], smote[:r] (0 < r <= 1)"

#: Strategies compared by default.
DEFAULT_STRATEGIES: tuple[Strategy, ...] = (
    NoResampling(),
    ClassWeight("balanced"),
    ClassWeight(6.0),
    UnderSample(),
    OverSample(),
    Smote(),
)


def parse_strategy(spec: str | Strategy) -> Strategy:
    """The strategy of a spec string such as ``"class_weight:6"`` (a strategy is returned as is).

    ``parse_strategy(str(s)) == s`` for every strategy ``s``.

    Raises
    ------
    ValueError
        When the spec is not one of the forms above.
    TypeError
        When ``spec`` is neither a string nor a :class:`Strategy`.

    Examples
    --------
    >>> parse_strategy("class_weight:6")
    ClassWeight(ratio=6.0)
    >>> str(parse_strategy("undersample:0.5"))
    'undersample:0.5'
    """
    if isinstance(spec, Strategy):
        return spec
    if not isinstance(spec, str):
        raise TypeError(f"an imbalance strategy is a spec string or a Strategy, got {type(spec).__name__}")
    kind, sep, arg = spec.strip().lower().partition(":")
    kind, arg = kind.strip(), arg.strip()
    cls = _KINDS.get(kind)
    if cls is None:
        raise ValueError(f"unknown imbalance strategy {spec!r}; expected {_GRAMMAR}")
    if not sep:
        return cls()
    if cls is NoResampling or not arg:
        raise ValueError(f"bad imbalance strategy {spec!r}; expected {_GRAMMAR}")
    try:
        return cls(arg)
    except ValueError as exc:
        raise ValueError(f"bad imbalance strategy {spec!r}: {exc}") from None


class CategoricalSMOTE(BaseEstimator):
    """SMOTE for a pandas frame of numeric and categorical columns, keeping dtypes.

    Uses ``SMOTENC`` when there are both kinds of columns, ``SMOTE`` when all are
    numeric and ``SMOTEN`` when all are categorical (columns of dtype ``category``,
    string, object or bool). Categorical values are passed to the sampler as codes, a
    missing value being a level of its own, and decoded back: the output has the input's
    columns and dtypes (missing categorical values stay missing), the original rows first
    and the synthetic rows after, with a fresh ``RangeIndex``. Numeric columns must not
    hold missing values (impute them first).

    Parameters
    ----------
    sampling_strategy : float or str, default="auto"
        As in imbalanced-learn (a float is the minority/majority ratio after resampling).
    categorical : list of str or None, default=None
        The categorical columns; ``None``: inferred from the dtypes.
    k_neighbors : int, default=5
        Neighbours used to synthesize a sample; lowered when the minority class is smaller.
    random_state : int or None, default=None
        Seed.

    Attributes
    ----------
    sampler_ : imblearn sampler
        The fitted sampler of the last call.
    """

    def __init__(self, sampling_strategy="auto", categorical=None, k_neighbors: int = 5, random_state=None):
        self.sampling_strategy = sampling_strategy
        self.categorical = categorical
        self.k_neighbors = k_neighbors
        self.random_state = random_state

    def fit_resample(self, X, y):
        """Resample ``X, y``; returns ``(X_resampled, y_resampled)``."""
        from imblearn.over_sampling import SMOTE, SMOTEN, SMOTENC

        from .estimators import feature_types

        X = X if isinstance(X, pd.DataFrame) else pd.DataFrame(X)
        y_arr = np.asarray(y)
        if self.categorical is None:
            categorical, numeric = feature_types(X)
        else:
            categorical = list(self.categorical)
            missing = sorted(set(categorical) - set(X.columns))
            if missing:
                raise ValueError(f"CategoricalSMOTE: categorical columns not in X: {missing}")
            numeric = [name for name in X.columns if name not in set(categorical)]
        if numeric and X[numeric].isna().to_numpy().any():
            raise ValueError("CategoricalSMOTE: numeric columns hold missing values; impute them first")
        _, counts = np.unique(y_arr, return_counts=True)
        if len(counts) < 2:
            raise ValueError("CategoricalSMOTE needs both classes in y")
        k = int(min(self.k_neighbors, counts.min() - 1))
        if k < 1:
            raise ValueError("CategoricalSMOTE needs at least two samples of each class")
        levels = {}
        parts = []
        for name in categorical:
            cat = X[name] if isinstance(X[name].dtype, pd.CategoricalDtype) else X[name].astype("category")
            levels[name] = cat.cat.categories
            parts.append(cat.cat.codes.to_numpy(np.int64))  # -1: missing, a level of its own
        parts += [X[name].to_numpy(np.float64) for name in numeric]
        arr = np.column_stack(parts) if parts else np.empty((len(X), 0))
        common = dict(sampling_strategy=self.sampling_strategy, random_state=self.random_state, k_neighbors=k)
        if not categorical:
            self.sampler_ = SMOTE(**common)
        elif not numeric:
            self.sampler_ = SMOTEN(**common)
        else:
            self.sampler_ = SMOTENC(categorical_features=list(range(len(categorical))), **common)
        arr_res, y_res = self.sampler_.fit_resample(arr, y_arr)
        columns = {}
        for i, name in enumerate(categorical):
            codes = np.rint(arr_res[:, i]).astype(np.int64)
            decoded = pd.Categorical.from_codes(codes, categories=levels[name])
            columns[name] = pd.Series(decoded).astype(X[name].dtype)
        for j, name in enumerate(numeric, start=len(categorical)):
            columns[name] = pd.Series(arr_res[:, j]).astype(X[name].dtype)
        out = pd.DataFrame(columns)[list(X.columns)]
        logger.debug("smote: %d rows -> %d rows", len(X), len(out))
        if isinstance(y, pd.Series):
            y_res = pd.Series(y_res, name=y.name)
        return out, y_res


def make_pipeline(
    model_name: str,
    strategy: str | Strategy = "none",
    *,
    categorical: Sequence[str],
    numeric: Sequence[str],
    random_state: int | None = 0,
    **model_params: Any,
) -> Pipeline:
    """The training pipeline of a model with an imbalance strategy.

    Parameters
    ----------
    model_name : str
        A model of :func:`~scoring_core.model.make_estimator`.
    strategy : str or Strategy, default="none"
        The imbalance strategy (spec string or object).
    categorical, numeric : sequence of str
        The feature columns (see :func:`~scoring_core.model.feature_types`).
    random_state : int or None, default=0
        Seed of the sampler and the model.
    **model_params
        Parameters of the final classifier. ``class_weight`` cannot be combined with
        the ``class_weight`` strategy.

    Returns
    -------
    imblearn.pipeline.Pipeline
        Steps: the strategy's steps (``sampler``, preceded by ``impute`` for SMOTE), then
        the model's (``preprocess`` and ``model``, or just ``model``). The last step is
        always the classifier.

    Examples
    --------
    >>> pipe = make_pipeline("lightgbm", "undersample", categorical=["a"], numeric=["b"])
    >>> [name for name, _ in pipe.steps]
    ['sampler', 'model']
    """
    strategy = parse_strategy(strategy)
    categorical, numeric = _columns(categorical, numeric)
    extra = strategy.model_params()
    clash = set(extra) & set(model_params)
    if clash:
        raise ValueError(
            f"strategy {strategy} sets {', '.join(sorted(clash))}: do not pass it as a model parameter"
        )
    estimator = make_estimator(
        model_name,
        categorical=categorical,
        numeric=numeric,
        random_state=random_state,
        **model_params,
        **extra,
    )
    model_steps = estimator.steps if isinstance(estimator, SkPipeline) else [("model", estimator)]
    steps = strategy.steps(categorical=categorical, numeric=numeric, random_state=random_state)
    return Pipeline(steps + list(model_steps))


def inference_pipeline(pipeline: Pipeline):
    """The fitted steps used for prediction, without the samplers.

    Returns the final estimator itself when no transformer is left (e.g. LightGBM with
    any strategy but ``smote``), else a scikit-learn ``Pipeline`` of the fitted
    transformers and the classifier (no imbalanced-learn object to save).
    """
    steps = [(name, step) for name, step in pipeline.steps if not hasattr(step, "fit_resample")]
    steps = [(name, step) for name, step in steps if step not in (None, "passthrough")]
    if len(steps) == 1:
        return steps[0][1]
    return SkPipeline(steps)

"""The fitted scoring model: feature builder + classifier + decision threshold."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..features import FeatureBuilder
from .calibration import Calibrator
from .grades import GradeScale

__all__ = ["ScoringModel", "APPROVE", "REFUSE", "lightgbm_matrix"]

APPROVE = "approve"
REFUSE = "refuse"


@dataclass
class ScoringModel:
    """Everything needed to score a client, in one object.

    ``estimator`` is either a LightGBM ``Booster`` (the default model) or a fitted
    scikit-learn classifier (pipeline) with ``predict_proba``. Every client goes through
    ``builder`` (the same feature code as in training) then ``estimator``; the decision is
    ``refuse`` when ``P(default) >= threshold``.

    ``calibrator`` maps the model's log-odds to the calibrated probability of default (``None``:
    the model's own sigmoid); ``grades`` is the master scale of risk grades (``None``: no grade).
    Explanations are exact on the model's own log-odds (:meth:`raw_score`), before calibration.
    """

    builder: FeatureBuilder
    estimator: object
    threshold: float
    metadata: dict = field(default_factory=dict)
    calibrator: Calibrator | None = None
    grades: GradeScale | None = None

    def __post_init__(self):
        # a loaded artifact: the calibrator and grade scale are plain JSON in its metadata
        if self.calibrator is None and self.metadata.get("calibration"):
            self.calibrator = Calibrator.from_dict(self.metadata["calibration"])
        if self.grades is None and self.metadata.get("grade_scale"):
            self.grades = GradeScale.from_dict(self.metadata["grade_scale"])

    @property
    def feature_names(self) -> list[str]:
        return list(self.builder.feature_names_)

    @property
    def is_booster(self) -> bool:
        import lightgbm as lgb

        return isinstance(self.estimator, lgb.Booster)

    @property
    def version(self) -> str:
        """A short identifier of this model (creation time and fingerprint)."""
        return str(self.metadata.get("model_version", "unversioned"))

    def features(self, tables: Mapping[str, pd.DataFrame | None]) -> pd.DataFrame:
        """Feature rows of ``tables["application"]`` (one per client)."""
        return self.builder.transform(tables)

    def booster_input(self, X: pd.DataFrame):
        """What to give the booster: a float matrix with category codes when the booster's
        stored categories are exactly the builder's (LightGBM's own data-frame conversion
        costs milliseconds per call), else the data frame itself."""
        if not self._codes_match():
            return X
        # the builder puts the categories first: the numeric columns are then one slice (a view,
        # where a list of positions copies the frame: milliseconds for one row of 400 columns)
        contiguous = getattr(self, "_numeric_slice", None)
        return lightgbm_matrix(
            X, self.feature_names, self._category_columns, self._numeric_idx, numeric_cols=contiguous
        )

    def _codes_match(self) -> bool:
        cached = getattr(self, "_match", None)
        if cached is not None:
            return cached
        names = self.feature_names
        dtypes = self.builder.dtypes_
        self._category_columns = [j for j, f in enumerate(names) if dtypes[f] == "category"]
        self._numeric_idx = np.array(
            [j for j, f in enumerate(names) if dtypes[f] != "category"], dtype=np.intp
        )
        idx = self._numeric_idx
        contiguous = len(idx) > 0 and bool((idx == np.arange(idx[0], idx[0] + len(idx))).all())
        self._numeric_slice = slice(int(idx[0]), int(idx[0]) + len(idx)) if contiguous else None
        stored = getattr(self.estimator, "pandas_categorical", None) or []
        ours = [list(self.builder.categories_[names[j]]) for j in self._category_columns]
        self._match = bool(self.is_booster and [list(c) for c in stored] == ours)
        return self._match

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated P(default) for feature rows ``X``."""
        if self.calibrator is not None:
            return self.calibrator.transform(self.raw_score(X))
        if self.is_booster:
            return np.asarray(self.estimator.predict(self.booster_input(X)), dtype=float)
        return np.asarray(self.estimator.predict_proba(X)[:, 1], dtype=float)

    def proba_from_raw(self, raw) -> np.ndarray:
        """Calibrated P(default) from the model's log-odds (the model's sigmoid without calibrator)."""
        from scipy.special import expit

        if self.calibrator is not None:
            return self.calibrator.transform(raw)
        return expit(np.asarray(raw, dtype=float))

    def raw_score(self, X: pd.DataFrame) -> np.ndarray:
        """The model's own log-odds of default (tree models: sum of the trees' outputs), before
        calibration: the scale on which explanations are exact."""
        if self.is_booster:
            return np.asarray(self.estimator.predict(self.booster_input(X), raw_score=True), dtype=float)
        p = np.clip(self.estimator.predict_proba(X)[:, 1], 1e-15, 1 - 1e-15)
        return np.log(p / (1 - p))

    def grade(self, proba) -> np.ndarray:
        """Risk grade of each probability (``None`` everywhere without a grade scale)."""
        proba = np.asarray(proba, dtype=float)
        if self.grades is None:
            return np.full(proba.shape, None, dtype=object)
        return self.grades.grade(proba)

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """``"refuse"`` where ``proba >= threshold``, else ``"approve"``."""
        return np.where(np.asarray(proba) >= self.threshold, REFUSE, APPROVE)

    def score_tables(self, tables: Mapping[str, pd.DataFrame | None]) -> pd.DataFrame:
        """``SK_ID_CURR, probability, decision, grade`` for every application row."""
        X = self.features(tables)
        proba = self.predict_proba(X)
        return pd.DataFrame(
            {
                "SK_ID_CURR": X.index.to_numpy(),
                "probability": proba,
                "decision": self.decide(proba),
                "grade": self.grade(proba),
            }
        )


def lightgbm_matrix(X: pd.DataFrame, names, categorical, numeric, *, numeric_cols=None, dtype=np.float64):
    """The first ``len(names)`` columns of ``X`` (the features ``names``) as LightGBM reads that
    data frame: floats, the category columns (positions ``categorical``) as their codes, a
    missing code as NaN. ``numeric``: positions of the other columns; ``numeric_cols``: the same
    as a slice, which selects without copying the frame. One definition for the matrices
    boosters are trained on and those they score."""
    mat = np.empty((len(X), len(names)), dtype=dtype)
    mat[:, numeric] = X.iloc[:, numeric if numeric_cols is None else numeric_cols].to_numpy(
        dtype=dtype, na_value=np.nan
    )
    for j in categorical:  # by name: a third of the cost of a positional column lookup
        codes = np.asarray(X[names[j]].array.codes)
        mat[:, j] = np.where(codes < 0, np.nan, codes)
    return mat

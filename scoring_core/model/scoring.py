"""The fitted scoring model: feature builder + classifier + decision threshold."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..features import FeatureBuilder

__all__ = ["ScoringModel", "APPROVE", "REFUSE"]

APPROVE = "approve"
REFUSE = "refuse"


@dataclass
class ScoringModel:
    """Everything needed to score a client, in one object.

    ``estimator`` is either a LightGBM ``Booster`` (the default model) or a fitted
    scikit-learn classifier (pipeline) with ``predict_proba``. Every client goes through
    ``builder`` (the same feature code as in training) then ``estimator``; the decision is
    ``refuse`` when ``P(default) >= threshold``.
    """

    builder: FeatureBuilder
    estimator: object
    threshold: float
    metadata: dict = field(default_factory=dict)

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

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """P(default) for feature rows ``X``."""
        if self.is_booster:
            return np.asarray(self.estimator.predict(X), dtype=float)
        return np.asarray(self.estimator.predict_proba(X)[:, 1], dtype=float)

    def raw_score(self, X: pd.DataFrame) -> np.ndarray:
        """The model's log-odds of default (tree models: sum of the trees' outputs)."""
        if self.is_booster:
            return np.asarray(self.estimator.predict(X, raw_score=True), dtype=float)
        p = np.clip(self.predict_proba(X), 1e-15, 1 - 1e-15)
        return np.log(p / (1 - p))

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """``"refuse"`` where ``proba >= threshold``, else ``"approve"``."""
        return np.where(np.asarray(proba) >= self.threshold, REFUSE, APPROVE)

    def score_tables(self, tables: Mapping[str, pd.DataFrame | None]) -> pd.DataFrame:
        """``SK_ID_CURR, probability, decision`` for every application row."""
        X = self.features(tables)
        proba = self.predict_proba(X)
        return pd.DataFrame(
            {"SK_ID_CURR": X.index.to_numpy(), "probability": proba, "decision": self.decide(proba)}
        )

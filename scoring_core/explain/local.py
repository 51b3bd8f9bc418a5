"""Local explanations: exact contributions of each feature to one client's score.

Tree models (LightGBM): LightGBM's own TreeSHAP (``pred_contrib=True``), exact: the base
value plus the sum of every feature's contribution equals the model's log-odds for the
client. Linear models (logistic regression pipelines): each feature's contribution is its
coefficient times its deviation from the training mean, in the model's input space, summed
back over the columns a feature was expanded into (one-hot levels); again exact in log-odds.

Contributions are also given in probability points for display: the difference between the
client's probability and the base probability, shared in proportion to the log-odds
contributions (so the points add up exactly too, with the same signs).

The probability is the model's calibrated probability of default (its calibrator maps the
log-odds to it, strictly increasing); ``base_value`` and the ``shap`` values stay exact on the
model's own log-odds scale, before calibration.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.special import expit

from ..model.scoring import ScoringModel
from .concepts import CONCEPTS, concept_index, concept_label, concept_of
from .labels import feature_label

__all__ = ["Contribution", "Explanation", "Explainer", "Group", "OTHER_FEATURES", "json_value"]

#: Name of the entry that folds the features outside the top K.
OTHER_FEATURES = "other features"


@dataclass
class Contribution:
    """One feature's value and contribution (log-odds and probability points)."""

    feature: str
    value: object
    shap: float
    points: float

    def to_dict(self) -> dict:
        return asdict(self)

    def json(self, lang: str = "en") -> dict:
        """``{feature, label, group, value, shap, points}`` (``label`` in ``lang``)."""
        other = self.feature == OTHER_FEATURES
        return {
            "feature": self.feature,
            "label": _OTHER_LABEL[lang] if other else _feature_label(self.feature, lang),
            "group": None if other else concept_of(self.feature),
            "value": json_value(self.value),
            "shap": self.shap,
            "points": self.points,
        }


_OTHER_LABEL = {"en": "other factors", "fr": "autres facteurs"}


@lru_cache(maxsize=16384)
def _feature_label(feature: str, lang: str) -> str:
    return feature_label(feature, lang)


@dataclass
class Group:
    """One concept's total contribution and its features' contributions, largest first."""

    group: str
    shap: float
    points: float
    features: list[Contribution]

    def top(self, k: int) -> Group:
        """The ``k`` largest features; the rest of the concept folded into one entry."""
        kept, rest = self.features[:k], self.features[k:]
        if rest:  # the rest is the total minus what is kept (no sum over hundreds of features)
            shap = self.shap - float(sum(c.shap for c in kept))
            points = self.points - float(sum(c.points for c in kept))
            kept = kept + [Contribution(OTHER_FEATURES, None, shap, points)]
        return Group(self.group, self.shap, self.points, kept)

    def json(self, lang: str = "en") -> dict:
        return {
            "group": self.group,
            "label": concept_label(self.group, lang),
            "shap": self.shap,
            "points": self.points,
            "features": [c.json(lang) for c in self.features],
        }


@dataclass
class Explanation:
    """Why a client got their score. ``base_value + sum(c.shap)`` is the model's log-odds."""

    client_id: int | None
    probability: float
    threshold: float
    decision: str
    base_value: float
    raw_score: float
    contributions: list[Contribution]
    reasons: list[str] = field(default_factory=list)
    #: Contributions by concept (every feature in exactly one), largest first; with
    #: ``base_value`` they add up to the log-odds like the contributions.
    groups: list[Group] = field(default_factory=list)
    #: Language of the labels of :meth:`to_dict` (and of the reasons).
    lang: str = "en"
    #: P(default) of the average client (the model's probability at ``base_value``, calibrated
    #: like the client's); ``None``: ``expit(base_value)``.
    base_prob: float | None = None

    @property
    def base_probability(self) -> float:
        return float(expit(self.base_value)) if self.base_prob is None else float(self.base_prob)

    def top(self, k: int) -> Explanation:
        """The ``k`` largest contributions; the rest folded into one ``other features`` entry."""
        if k < 1:
            raise ValueError("top must be at least 1")
        order = sorted(self.contributions, key=lambda c: -abs(c.shap))
        kept, rest = order[:k], order[k:]
        if rest:
            kept.append(
                Contribution(
                    OTHER_FEATURES, None, float(sum(c.shap for c in rest)), float(sum(c.points for c in rest))
                )
            )
        return Explanation(
            self.client_id,
            self.probability,
            self.threshold,
            self.decision,
            self.base_value,
            self.raw_score,
            kept,
            list(self.reasons),
            [g.top(k) for g in self.groups],
            self.lang,
            self.base_prob,
        )

    def to_shap(self):
        """This explanation as a one-row ``shap.Explanation`` (needs the ``shap`` extra), for
        ``shap.plots.waterfall``; see :mod:`scoring_core.explain.shap_export`."""
        from .shap_export import explanation_to_shap

        return explanation_to_shap(self)

    def to_dict(self) -> dict:
        """The JSON of the ``explain`` contract."""
        return {
            "client_id": self.client_id,
            "probability": self.probability,
            "threshold": self.threshold,
            "decision": self.decision,
            "base_value": self.base_value,
            "base_probability": self.base_probability,
            "contributions": [c.json(self.lang) for c in self.contributions],
            "groups": [g.json(self.lang) for g in self.groups],
            "reasons": list(self.reasons),
        }


def json_value(v):
    """A plain JSON value: ``None`` for missing, Python numbers for numpy scalars."""
    if v is None:
        return None
    if isinstance(v, (np.floating, float)):
        return None if np.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    return v if isinstance(v, (str, int, bool)) else str(v)


class Explainer:
    """Built once per model (cheap for LightGBM: the model itself computes TreeSHAP).

    Examples
    --------
    >>> explainer = Explainer(model)  # doctest: +SKIP
    >>> e = explainer.explain(model.features(tables)).top(10)  # doctest: +SKIP
    """

    def __init__(self, model: ScoringModel):
        self.model = model
        self.kind = "tree" if model.is_booster else "linear"
        if self.kind == "linear":
            self._linear_setup()

    # -- linear models -------------------------------------------------------------------
    def _linear_setup(self) -> None:
        est = self.model.estimator
        steps = getattr(est, "steps", None)
        if not steps:
            raise TypeError(
                "linear explanations need a scikit-learn pipeline ending with a linear classifier"
            )
        clf = steps[-1][1]
        if not hasattr(clf, "coef_"):
            raise TypeError(f"no linear explainer for {type(clf).__name__}")
        self._prep = est[:-1]
        self._coef = np.asarray(clf.coef_, dtype=float).ravel()
        self._intercept = float(np.ravel(clf.intercept_)[0])
        names = list(self._prep.get_feature_names_out())
        feats = self.model.feature_names
        # map each model input column back to the feature it came from (longest matching prefix)
        self._owner = np.array([_owner(n, feats) for n in names])
        self._mean = None

    def fit_reference(self, X: pd.DataFrame) -> Explainer:
        """Linear models: the reference (training) means the contributions are measured from."""
        if self.kind == "linear":
            Z = np.asarray(self._prep.transform(X), dtype=float)
            self._mean = Z.mean(axis=0)
        return self

    # -- contributions -------------------------------------------------------------------
    def contributions(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """``(contributions (n, features), base values (n,))`` in log-odds."""
        if self.kind == "tree":
            out = self.model.estimator.predict(self.model.booster_input(X), pred_contrib=True)
            return out[:, :-1], out[:, -1]
        if self._mean is None:
            raise RuntimeError("call fit_reference(training features) first for a linear model")
        Z = np.asarray(self._prep.transform(X), dtype=float)
        per_col = (Z - self._mean) * self._coef
        feats = self.model.feature_names
        contrib = np.zeros((len(X), len(feats)))
        for j, f in enumerate(feats):
            cols = self._owner == f
            if cols.any():
                contrib[:, j] = per_col[:, cols].sum(axis=1)
        base = np.full(len(X), self._intercept + float(self._mean @ self._coef))
        return contrib, base

    def to_shap(self, X: pd.DataFrame):
        """Many clients' explanations as one ``shap.Explanation`` (needs the ``shap`` extra), for
        ``shap.plots.beeswarm`` / ``scatter``; see :mod:`scoring_core.explain.shap_export`."""
        from .shap_export import explanations_to_shap

        return explanations_to_shap(self, X)

    def explain(self, X: pd.DataFrame, client_id: int | None = None) -> Explanation:
        """The explanation of the single feature row ``X``."""
        if len(X) != 1:
            raise ValueError(f"explain takes one client's feature row, got {len(X)} rows")
        contrib, base, values = self._one(X)
        c, b = contrib[0], float(base[0])
        raw = b + float(c.sum())
        p = float(self.model.proba_from_raw(raw))  # calibrated P(default)
        p_base = float(self.model.proba_from_raw(b))
        scale = (p - p_base) / (raw - b) if abs(raw - b) > 1e-12 else p * (1 - p)
        points = c * scale
        items = [
            Contribution(f, values[j], float(c[j]), float(points[j]))
            for j, f in enumerate(self.model.feature_names)
        ]
        cid = client_id if client_id is not None else _index_id(X)
        return Explanation(
            cid,
            p,
            self.model.threshold,
            str(self.model.decide(np.array([p]))[0]),
            b,
            raw,
            items,
            groups=_groups(items, c, points, self.model.feature_names),
            base_prob=p_base,
        )

    def _one(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list]:
        """Contributions, base values and the row's values (as ``X.iloc[0].tolist()`` gives
        them: ``float32`` numbers, category labels, ``nan`` for a missing category). A tree
        model's values are read off the booster's input matrix: taking a row of a frame mixing
        categories and numbers costs more than the whole TreeSHAP of a small model."""
        if self.kind == "tree":
            mat = self.model.booster_input(X)
            if isinstance(mat, np.ndarray):
                out = self.model.estimator.predict(mat, pred_contrib=True)
                values = list(mat[0].astype(np.float32))
                for j, levels in self._levels():
                    code = mat[0, j]
                    values[j] = np.nan if np.isnan(code) else levels[int(code)]
                return out[:, :-1], out[:, -1], values
        contrib, base = self.contributions(X)
        return contrib, base, X.iloc[0].tolist()

    def _levels(self) -> list[tuple[int, list[str]]]:
        """``(column, category labels)`` of the categorical features (the codes' meaning)."""
        levels = getattr(self, "_levels_cache", None)
        if levels is None:
            cats = self.model.builder.categories_
            dtypes = self.model.builder.dtypes_
            levels = [
                (j, [str(v) for v in cats[f]])
                for j, f in enumerate(self.model.feature_names)
                if dtypes[f] == "category"
            ]
            self._levels_cache = levels
        return levels


def _groups(items: list[Contribution], c: np.ndarray, points: np.ndarray, names) -> list[Group]:
    """Contributions summed by concept (exact: each feature in one concept), largest first;
    each concept's features with a non-zero contribution, largest first."""
    idx = concept_index(names)
    n = len(CONCEPTS)
    shap = np.bincount(idx, weights=c, minlength=n)
    pts = np.bincount(idx, weights=points, minlength=n)
    order = np.argsort(-np.abs(c), kind="stable")
    members: list[list[Contribution]] = [[] for _ in range(n)]
    for j in order:
        if c[j] == 0:
            break
        members[idx[j]].append(items[j])
    groups = [
        Group(CONCEPTS[g].key, float(shap[g]), float(pts[g]), members[g])
        for g in range(n)
        if members[g] or shap[g] != 0
    ]
    groups.sort(key=lambda g: -abs(g.shap))
    return groups


def _index_id(X: pd.DataFrame):
    try:
        return int(X.index[0])
    except (TypeError, ValueError):
        return None


def _owner(column: str, features: list[str]) -> str:
    column = column.split("__", 1)[-1]  # ColumnTransformer prefixes
    best = ""
    for f in features:
        if (column == f or column.startswith(f + "_")) and len(f) > len(best):
            best = f
    return best

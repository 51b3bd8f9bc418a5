"""A weight-of-evidence credit scorecard, and its blend into the LightGBM booster.

The scorecard is the standard credit-risk challenger: each feature is cut into bins (quantile
bins of the training rows for numbers, one bin per level for categories, missing values a
bin of their own), each bin is replaced by its weight of evidence (the bin's default log-odds
minus the overall log-odds, shrunk towards 0 for small bins), and an L2-penalized logistic
regression weighs the features. Its log-odds are a sum of one step function per feature.

A step function of one feature is a decision tree on that feature. :func:`blend_booster`
writes each feature's term as one LightGBM tree and appends them to the booster, whose own
trees are scaled by ``1 - share``: the blend ``(1 - share) * booster + share * scorecard`` is
an ordinary LightGBM booster, saved in LightGBM's text format, and TreeSHAP on it stays exact.
A scorecard tree splits on one feature only, so its whole contribution goes to that feature
(its value for the client minus its training average): the booster's and the scorecard's
contributions are combined per feature, and ``base_value + sum(contributions)`` is the
blend's log-odds.

Measured on the real sample (``bench/bench_real_recipe.py``): the blend beats the booster
alone; ``train`` chooses ``share`` on out-of-fold predictions of its training split.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import roc_auc_score

__all__ = ["WoEScorecard", "blend_booster", "choose_share", "SHARES"]

log = logging.getLogger(__name__)

#: Scorecard shares of the blend tried on the out-of-fold predictions.
SHARES: tuple[float, ...] = tuple(round(0.1 * k, 1) for k in range(11))

_MAX_THRESHOLD = float(np.finfo(np.float64).max)  # every number goes left, missing right


class WoEScorecard(ClassifierMixin, BaseEstimator):
    """Weight-of-evidence binning + L2 logistic regression (a credit scorecard).

    Parameters
    ----------
    features : sequence of str or None, default=None
        The features used (``None``: every column of ``X``).
    n_bins : int, default=10
        Quantile bins per numeric feature (fewer when values repeat); missing values form
        one more bin, categories one bin per level.
    prior_weight : float, default=20.0
        Shrinkage of a bin's default rate towards the overall rate, in clients: a bin of
        ``k`` clients gets ``(defaults + rate * prior_weight) / (k + prior_weight)``.
    C : float, default=0.05
        Inverse L2 strength of the logistic regression on the weights of evidence.

    Attributes
    ----------
    bins_ : list of dict
        Per feature: ``feature``, ``kind`` (``"numeric"``/``"categorical"``), ``edges``
        (numeric: bin ``k`` holds ``edges[k-1] < x <= edges[k]``), ``woe`` (per bin or level),
        ``woe_missing``, ``counts`` and ``count_missing`` (training clients per bin).
    coef_ : ndarray of shape (n_features,)
    intercept_ : float

    Examples
    --------
    >>> card = WoEScorecard(features=["EXT_SOURCE_MEAN"]).fit(X, y)  # doctest: +SKIP
    >>> card.decision_function(X)  # log-odds of default  # doctest: +SKIP
    """

    def __init__(
        self,
        features: Sequence[str] | None = None,
        n_bins: int = 10,
        prior_weight: float = 20.0,
        C: float = 0.05,
    ):
        self.features = features
        self.n_bins = n_bins
        self.prior_weight = prior_weight
        self.C = C

    def fit(self, X: pd.DataFrame, y) -> WoEScorecard:
        """Bins and weights of evidence of ``X``'s rows, then the logistic regression."""
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(y).astype(int)
        if len(np.unique(y)) != 2:
            raise ValueError("WoEScorecard needs both outcomes in y")
        features = list(X.columns if self.features is None else self.features)
        missing = [f for f in features if f not in X.columns]
        if missing:
            raise ValueError(f"WoEScorecard: features not in X: {missing[:5]}")
        prior = float(y.mean())
        base = np.log(prior / (1 - prior))
        self.bins_ = []
        for f in features:
            col = X[f]
            if isinstance(col.dtype, pd.CategoricalDtype):
                kind, edges, n_levels = "categorical", [], len(col.cat.categories)
                if n_levels == 0:
                    continue
            else:
                kind = "numeric"
                a = col.to_numpy(dtype=float, na_value=np.nan)
                finite = a[np.isfinite(a)]
                qs = np.linspace(0, 1, int(self.n_bins) + 1)[1:-1]
                edges = np.unique(np.quantile(finite, qs)).tolist() if len(finite) else []
                n_levels = len(edges) + 1
            spec = {"feature": f, "kind": kind, "edges": edges}
            codes = self._codes(col, spec)
            counts = np.bincount(codes[codes >= 0], minlength=n_levels).astype(float)
            bad = np.bincount(codes[codes >= 0], weights=y[codes >= 0], minlength=n_levels)
            m = codes < 0
            rate = (bad + prior * self.prior_weight) / (counts + self.prior_weight)
            rate_m = (y[m].sum() + prior * self.prior_weight) / (m.sum() + self.prior_weight)
            spec |= {
                "woe": (np.log(rate / (1 - rate)) - base).tolist(),
                "woe_missing": float(np.log(rate_m / (1 - rate_m)) - base),
                "counts": counts.astype(int).tolist(),
                "count_missing": int(m.sum()),
            }
            self.bins_.append(spec)
        lr = LogisticRegression(C=self.C, max_iter=2000).fit(self.woe_matrix(X), y)
        self.coef_ = lr.coef_.ravel().astype(float)
        self.intercept_ = float(lr.intercept_[0])
        self.classes_ = np.array([0, 1])
        return self

    @staticmethod
    def _codes(col: pd.Series, spec: dict) -> np.ndarray:
        """Bin of each value (-1: missing)."""
        if spec["kind"] == "categorical":
            return col.cat.codes.to_numpy().astype(np.int64)
        a = col.to_numpy(dtype=float, na_value=np.nan)
        codes = np.searchsorted(np.asarray(spec["edges"], dtype=float), a, side="left")
        return np.where(np.isnan(a), -1, codes).astype(np.int64)

    def woe_matrix(self, X: pd.DataFrame) -> np.ndarray:
        """The weight of evidence of each row's bin, one column per feature."""
        out = np.empty((len(X), len(self.bins_)))
        for j, spec in enumerate(self.bins_):
            codes = self._codes(X[spec["feature"]], spec)
            woe = np.asarray(spec["woe"], dtype=float)
            known = (codes >= 0) & (codes < len(woe))
            col = np.zeros(len(X))
            col[known] = woe[codes[known]]
            col[codes < 0] = spec["woe_missing"]
            out[:, j] = col
        return out

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """The scorecard's log-odds of default."""
        return self.intercept_ + self.woe_matrix(X) @ self.coef_

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1 - p, p])

    def to_dict(self) -> dict:
        """The fitted scorecard as plain JSON (for the artifact's metadata)."""
        return {
            "intercept": self.intercept_,
            "features": [
                {k: spec[k] for k in ("feature", "kind", "edges", "woe", "woe_missing")} | {"coef": float(c)}
                for spec, c in zip(self.bins_, self.coef_, strict=True)
            ],
        }

    # -- as LightGBM trees ------------------------------------------------------------------
    def _steps(self, spec: dict) -> tuple[list[float], list[float], list[int]]:
        """``(thresholds, values, counts)`` of one feature's step function on the booster's
        input: ``x <= thresholds[k]`` falls in interval ``k``; categories are their codes."""
        woe = list(spec["woe"])
        if spec["kind"] == "categorical":
            thresholds = [k + 0.5 for k in range(len(woe) - 1)]
        else:
            thresholds = list(spec["edges"])
        return thresholds, woe, list(spec["counts"])


def _tree_text(index: int, feature: int, thresholds, values, counts, value_missing, count_missing) -> str:
    """One LightGBM tree (text format): missing -> its own leaf, numbers -> a balanced tree
    over ``thresholds`` whose leaves hold ``values``."""
    split_feature, threshold, left, right, int_val, int_cnt = [], [], [], [], [], []
    leaf_value, leaf_count = [], []
    counts = [max(int(c), 1) for c in counts]  # an empty bin keeps a count: TreeSHAP divides by it
    count_missing = max(int(count_missing), 1)

    def leaf(v: float, c: int) -> int:
        leaf_value.append(float(v))
        leaf_count.append(c)
        return ~(len(leaf_value) - 1)

    def node(t: float) -> int:
        split_feature.append(feature)
        threshold.append(float(t))
        for lst in (left, right, int_val, int_cnt):
            lst.append(0)
        return len(split_feature) - 1

    def build(lo: int, hi: int) -> tuple[int, float, int]:
        if lo == hi:
            return leaf(values[lo], counts[lo]), float(values[lo]) * counts[lo], counts[lo]
        mid = (lo + hi) // 2
        i = node(thresholds[mid])
        left[i], sl, cl = build(lo, mid)
        right[i], sr, cr = build(mid + 1, hi)
        int_val[i], int_cnt[i] = (sl + sr) / (cl + cr), cl + cr
        return i, sl + sr, cl + cr

    root = node(_MAX_THRESHOLD)
    left[root], s, c = build(0, len(values) - 1)
    right[root] = leaf(value_missing, count_missing)
    int_val[root] = (s + value_missing * count_missing) / (c + count_missing)
    int_cnt[root] = c + count_missing

    def fmt(xs) -> str:
        return " ".join(repr(x) if isinstance(x, float) else str(x) for x in xs)

    n = len(split_feature)
    lines = [
        f"Tree={index}",
        f"num_leaves={len(leaf_value)}",
        "num_cat=0",
        f"split_feature={fmt(split_feature)}",
        f"split_gain={fmt([0] * n)}",
        f"threshold={fmt(threshold)}",
        f"decision_type={fmt([8] * n)}",  # numerical split, missing values (NaN) go right
        f"left_child={fmt(left)}",
        f"right_child={fmt(right)}",
        f"leaf_value={fmt(leaf_value)}",
        f"leaf_weight={fmt([float(c) for c in leaf_count])}",
        f"leaf_count={fmt(leaf_count)}",
        f"internal_value={fmt(int_val)}",
        f"internal_weight={fmt([float(c) for c in int_cnt])}",
        f"internal_count={fmt(int_cnt)}",
        "is_linear=0",
        "shrinkage=1",
    ]
    return "\n".join(lines) + "\n\n"


def _scaled(line: str, factor: float) -> str:
    key, _, values = line.partition("=")
    return key + "=" + " ".join(repr(float(v) * factor) for v in values.split())


def blend_booster(booster, card: WoEScorecard, share: float):
    """One LightGBM booster whose log-odds are ``(1 - share) * booster + share * card``.

    The booster's leaf values are scaled by ``1 - share``; each scorecard feature becomes one
    tree on that feature (leaf values ``share * coef * woe``, the intercept added to the first
    one's leaves). ``share == 0`` returns ``booster`` itself.
    """
    import lightgbm as lgb

    share = float(share)
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"scorecard share must be in [0, 1], got {share}")
    if share == 0.0:
        return booster
    names = list(booster.feature_name())
    text = booster.model_to_string()
    marker = "\nTree=0\n"
    head = text[: text.index(marker)]
    tail = text[text.index("end of trees") :]
    body = text[text.index(marker) + 1 : text.index("end of trees")].strip("\n")
    import re

    blocks = []
    for block in re.split(r"\n(?=Tree=\d+\n)", body):
        lines = [
            _scaled(line, 1.0 - share) if line.startswith(("leaf_value=", "internal_value=")) else line
            for line in block.split("\n")
        ]
        blocks.append("\n".join(lines).strip("\n") + "\n\n")
    intercept = share * card.intercept_
    for spec, coef in zip(card.bins_, card.coef_, strict=True):
        thresholds, woe, counts = card._steps(spec)
        k = share * float(coef)
        values = [k * w + intercept for w in woe]
        blocks.append(
            _tree_text(
                len(blocks),
                names.index(spec["feature"]),
                thresholds,
                values,
                counts,
                k * spec["woe_missing"] + intercept,
                spec["count_missing"],
            )
        )
        intercept = 0.0
    head_lines = [line for line in head.split("\n") if not line.startswith("tree_sizes=")]
    head_lines.append("tree_sizes=" + " ".join(str(len(b.encode())) for b in blocks))
    return lgb.Booster(model_str="\n".join(head_lines) + "\n\n" + "".join(blocks) + tail)


def choose_share(raw_booster, raw_card, y, shares: Sequence[float] = SHARES) -> tuple[float, dict]:
    """The scorecard share of the blend with the best AUC on out-of-fold log-odds (the smallest
    share on ties), and the AUC of every share tried."""
    y = np.asarray(y).astype(int)
    a, b = np.asarray(raw_booster, dtype=float), np.asarray(raw_card, dtype=float)
    aucs = {float(s): float(roc_auc_score(y, (1 - s) * a + s * b)) for s in shares}
    best = max(aucs.values())
    share = min(s for s, v in aucs.items() if v >= best - 1e-12)
    return share, aucs

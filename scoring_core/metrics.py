"""Business cost and classification metrics.

Metrics are plain functions ``(y_true, y_score_or_pred, ...)``; a scikit-learn scorer is one
:func:`~sklearn.metrics.make_scorer` call away, e.g. the cost at the best threshold:
``make_scorer(min_cost_score, greater_is_better=False, response_method="predict_proba")``.

The business cost counts what errors cost the lender: a missed defaulter (false negative:
the loan is granted and not repaid) costs ``c_fn``, a refused good client (false positive:
the margin on a good loan is lost) costs ``c_fp``; by default ``c_fn = 10, c_fp = 1``.
Costs are reported **per client** (total cost / number of clients) so that values are
comparable across data sets and folds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    roc_auc_score,
)

__all__ = [
    "CostWeights",
    "business_cost",
    "expected_loss_cost",
    "cost_curve",
    "confusion_curve",
    "best_threshold",
    "ks_statistic",
    "classification_report",
    "ThresholdMetrics",
    "threshold_metrics",
    "min_cost_score",
]


@dataclass(frozen=True)
class CostWeights:
    """Cost of a false negative (missed defaulter) and of a false positive (refused good client)."""

    c_fn: float = 10.0
    c_fp: float = 1.0

    def __post_init__(self):
        if not (self.c_fn > 0 and self.c_fp > 0):
            raise ValueError(f"cost weights must be positive, got c_fn={self.c_fn}, c_fp={self.c_fp}")

    def to_dict(self) -> dict:
        return asdict(self)


def _as_arrays(y_true, y_other):
    y_true = np.asarray(y_true).astype(np.int64).ravel()
    y_other = np.asarray(y_other, dtype=float).ravel()
    if y_true.shape != y_other.shape:
        raise ValueError(f"y_true has {len(y_true)} values, the other argument {len(y_other)}")
    if len(y_true) == 0:
        raise ValueError("empty input")
    return y_true, y_other


def business_cost(y_true, y_pred, *, c_fn: float = 10.0, c_fp: float = 1.0) -> float:
    """Average cost per client of hard decisions ``y_pred`` (1 = refuse / predicted default).

    Examples
    --------
    >>> business_cost([1, 0, 0, 1], [0, 1, 0, 1])  # one FN (10) + one FP (1) over 4 clients
    2.75
    """
    y_true, y_pred = _as_arrays(y_true, y_pred)
    fn = np.sum((y_true == 1) & (y_pred == 0))
    fp = np.sum((y_true == 0) & (y_pred == 1))
    return float((c_fn * fn + c_fp * fp) / len(y_true))


def expected_loss_cost(y_true, y_pred, amount, *, lgd: float = 0.6, margin: float = 0.1) -> float:
    """Average cost per client with each error weighted by the loan amount.

    A missed defaulter loses ``lgd * amount`` (loss given default); a refused good client
    loses the margin ``margin * amount`` the loan would have earned.
    """
    y_true, y_pred = _as_arrays(y_true, y_pred)
    amount = np.asarray(amount, dtype=float).ravel()
    if amount.shape != y_true.shape:
        raise ValueError("amount must have one value per client")
    if not 0 < lgd <= 1:
        raise ValueError(f"lgd must be in (0, 1], got {lgd}")
    fn = (y_true == 1) & (y_pred == 0)
    fp = (y_true == 0) & (y_pred == 1)
    return float((lgd * amount[fn].sum() + margin * amount[fp].sum()) / len(y_true))


def cost_curve(y_true, y_score, *, c_fn: float = 10.0, c_fp: float = 1.0, thresholds=None):
    """Cost per client at each threshold (decision: refuse when ``score >= threshold``).

    Returns ``(thresholds, costs)``. Without ``thresholds``, every distinct score is tried
    (plus one above the maximum: approve everyone), computed in ``O(n log n)``.
    """
    y_true, y_score = _as_arrays(y_true, y_score)
    n = len(y_true)
    if thresholds is None:
        order = np.argsort(-y_score, kind="mergesort")
        s, y = y_score[order], y_true[order]
        distinct = np.r_[np.flatnonzero(np.diff(s)), n - 1]  # last index of each distinct score
        tp = np.cumsum(y)[distinct]
        fp = np.cumsum(1 - y)[distinct]
        thr = s[distinct]
        pos = y.sum()
        fn = pos - tp
        costs = (c_fn * fn + c_fp * fp) / n
        thr = np.r_[np.nextafter(s[0], np.inf), thr]
        costs = np.r_[c_fn * pos / n, costs]
        return thr[::-1], costs[::-1]
    thresholds = np.asarray(thresholds, dtype=float)
    costs = np.array([business_cost(y_true, y_score >= t, c_fn=c_fn, c_fp=c_fp) for t in thresholds])
    return thresholds, costs


def confusion_curve(y_true, y_score, thresholds=None) -> dict[str, list]:
    """Confusion counts at each threshold (refuse when ``score >= threshold``).

    Returns ``{"threshold", "tn", "fp", "fn", "tp"}`` as lists: aggregate counts only, from
    which the cost, approval rate and error rates at any threshold and any cost weights
    follow. The default grid is 0, 0.005, ..., 1. Computed in ``O(n log n)``.

    Examples
    --------
    >>> c = confusion_curve([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9], [0.5])
    >>> c["tp"], c["fp"], c["fn"], c["tn"]
    ([1], [1], [1], [1])
    """
    y_true, y_score = _as_arrays(y_true, y_score)
    thr = np.linspace(0.0, 1.0, 201) if thresholds is None else np.asarray(thresholds, dtype=float)
    pos = np.sort(y_score[y_true == 1])
    neg = np.sort(y_score[y_true == 0])
    tp = len(pos) - np.searchsorted(pos, thr, "left")  # scores >= threshold are refused
    fp = len(neg) - np.searchsorted(neg, thr, "left")
    return {
        "threshold": [float(t) for t in thr],
        "tn": [int(len(neg) - v) for v in fp],
        "fp": [int(v) for v in fp],
        "fn": [int(len(pos) - v) for v in tp],
        "tp": [int(v) for v in tp],
    }


def best_threshold(y_true, y_score, *, c_fn: float = 10.0, c_fp: float = 1.0) -> tuple[float, float]:
    """The threshold that minimises the business cost, and that cost (per client).

    Use out-of-fold predictions of the training data, never the test set. Among equal
    costs the lowest threshold wins; the threshold returned is the midpoint between the
    score it cuts at and the next lower score, so it does not sit on a training score.
    """
    thr, costs = cost_curve(y_true, y_score, c_fn=c_fn, c_fp=c_fp)
    i = int(np.argmin(costs))
    t = float(thr[i])
    if i > 0:
        mid = float((thr[i] + thr[i - 1]) / 2)
        if thr[i - 1] < mid <= thr[i]:  # same decisions, away from the training score
            t = mid
    return max(t, 0.0), float(costs[i])


def ks_statistic(y_true, y_score) -> float:
    """Kolmogorov-Smirnov separation between the score distributions of defaulters and others."""
    y_true, y_score = _as_arrays(y_true, y_score)
    from scipy.stats import ks_2samp

    return float(ks_2samp(y_score[y_true == 1], y_score[y_true == 0]).statistic)


def classification_report(y_true, y_score) -> dict[str, float]:
    """Threshold-free metrics: AUC, Gini, PR-AUC, Brier score, KS."""
    y_true, y_score = _as_arrays(y_true, y_score)
    auc = roc_auc_score(y_true, y_score)
    return {
        "auc": float(auc),
        "gini": float(2 * auc - 1),
        "pr_auc": float(average_precision_score(y_true, y_score)),
        "brier": float(brier_score_loss(y_true, y_score)),
        "ks": ks_statistic(y_true, y_score),
    }


@dataclass(frozen=True)
class ThresholdMetrics:
    """Decision metrics at one threshold."""

    threshold: float
    cost: float
    tn: int
    fp: int
    fn: int
    tp: int
    approval_rate: float
    recall: float
    precision: float

    def to_dict(self) -> dict:
        return asdict(self)


def threshold_metrics(y_true, y_score, threshold: float, *, c_fn: float = 10.0, c_fp: float = 1.0):
    """Confusion matrix, cost, approval rate, recall and precision at ``threshold``."""
    y_true, y_score = _as_arrays(y_true, y_score)
    pred = (y_score >= threshold).astype(int)
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(y_true, pred, labels=[0, 1]).ravel())
    return ThresholdMetrics(
        threshold=float(threshold),
        cost=business_cost(y_true, pred, c_fn=c_fn, c_fp=c_fp),
        tn=tn,
        fp=fp,
        fn=fn,
        tp=tp,
        approval_rate=float((tn + fn) / len(y_true)),
        recall=float(tp / (tp + fn)) if tp + fn else float("nan"),
        precision=float(tp / (tp + fp)) if tp + fp else float("nan"),
    )


def min_cost_score(y_true, y_score, *, c_fn: float = 10.0, c_fp: float = 1.0) -> float:
    """Cost per client at the best threshold (threshold-free model comparison)."""
    return best_threshold(y_true, y_score, c_fn=c_fn, c_fp=c_fp)[1]

"""Probability calibration fitted on out-of-fold predictions (stored as plain JSON numbers).

As scikit-learn's ``CalibratedClassifierCV(ensemble=False)``: the calibrator is fitted on the
out-of-fold log-odds of the training split (every prediction made by a model that did not see
that client), then applied to the final model's log-odds. It maps the model's own log-odds to
a probability of default; explanations stay exact on the model's log-odds scale.

- ``sigmoid`` (Platt scaling, the default): ``p = 1 / (1 + exp(-(a * raw + b)))``; strictly
  increasing, so it never changes the ranking (AUC) nor the order of decisions.
- ``isotonic``: a non-decreasing step function, stored as its thresholds (JSON arrays) and
  interpolated linearly as :class:`sklearn.isotonic.IsotonicRegression` does.
- ``none``: ``p = 1 / (1 + exp(-raw))``.
- ``auto`` (fitting only): ``sigmoid`` or ``isotonic``, whichever has the lower expected
  calibration error in a 5-fold cross-validation over the out-of-fold predictions themselves
  (:func:`choose_calibration`): the choice never sees the hold-out. Isotonic calibration is a
  step function: clients in one step tie, which lowers the AUC of the calibrated probabilities
  (measured on the real sample: ``bench/bench_calibration.py``), so ``train`` defaults to
  ``sigmoid``.

Nothing here executes code on load: a calibrator is a method name and a few numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit

from ..errors import ScoringError

__all__ = [
    "CALIBRATION_METHODS",
    "Calibrator",
    "fit_calibrator",
    "choose_calibration",
    "expected_calibration_error",
]

#: Methods a calibrator can hold.
CALIBRATORS = ("sigmoid", "isotonic", "none")
#: Methods ``fit_calibrator`` takes (``auto`` chooses between sigmoid and isotonic).
CALIBRATION_METHODS = ("auto", *CALIBRATORS)


@dataclass(frozen=True)
class Calibrator:
    """Maps the model's log-odds to a calibrated probability of default.

    Parameters
    ----------
    method : {"sigmoid", "isotonic", "none"}
    params : dict
        ``sigmoid``: ``{"a": float, "b": float}``; ``isotonic``: ``{"x": [...], "y": [...]}``
        (increasing log-odds thresholds and their probabilities); ``none``: ``{}``.
    """

    method: str = "none"
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.method not in CALIBRATORS:
            raise ScoringError(f"unknown calibration method {self.method!r}")
        if self.method == "sigmoid":
            a, b = self.params.get("a"), self.params.get("b")
            if not all(isinstance(v, int | float) and np.isfinite(v) for v in (a, b)) or a <= 0:
                raise ScoringError(f"sigmoid calibration needs finite a > 0 and b, got {self.params}")
        if self.method == "isotonic":
            x = np.asarray(self.params.get("x", []), dtype=float)
            y = np.asarray(self.params.get("y", []), dtype=float)
            if len(x) < 1 or len(x) != len(y) or np.any(np.diff(x) < 0) or np.any(np.diff(y) < 0):
                raise ScoringError("isotonic calibration needs non-decreasing x and y arrays of one length")
            if np.any((y < 0) | (y > 1)) or not np.all(np.isfinite(x)):
                raise ScoringError("isotonic calibration: y must be probabilities and x finite")

    def transform(self, raw) -> np.ndarray:
        """Calibrated P(default) from the model's log-odds ``raw``."""
        raw = np.asarray(raw, dtype=float)
        if self.method == "sigmoid":
            return expit(self.params["a"] * raw + self.params["b"])
        if self.method == "isotonic":
            return np.interp(raw, self.params["x"], self.params["y"])
        return expit(raw)

    def to_dict(self) -> dict:
        return {"method": self.method, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, state: dict) -> Calibrator:
        if not isinstance(state, dict) or "method" not in state:
            raise ScoringError("a calibrator is {'method': ..., 'params': {...}}")
        return cls(str(state["method"]), dict(state.get("params") or {}))


def fit_calibrator(raw_oof, y, method: str = "sigmoid") -> Calibrator:
    """Fit a calibrator on out-of-fold log-odds ``raw_oof`` and outcomes ``y`` (0/1)."""
    raw = np.asarray(raw_oof, dtype=float).ravel()
    y = np.asarray(y).ravel().astype(int)
    if method == "auto":
        method = choose_calibration(raw, y)[0]
    if method == "none":
        return Calibrator("none")
    if method == "sigmoid":
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=1e6, max_iter=1000).fit(raw.reshape(-1, 1), y)
        a, b = float(lr.coef_[0, 0]), float(lr.intercept_[0])
        if a <= 0:  # a model whose scores do not rank: keep its own probabilities
            return Calibrator("none")
        return Calibrator("sigmoid", {"a": a, "b": b})
    if method == "isotonic":
        from sklearn.isotonic import IsotonicRegression

        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, y)
        return Calibrator("isotonic", {"x": iso.X_thresholds_.tolist(), "y": iso.y_thresholds_.tolist()})
    raise ScoringError(f"calibration must be one of {', '.join(CALIBRATION_METHODS)}, got {method!r}")


def choose_calibration(raw_oof, y, *, folds: int = 5, seed: int = 0) -> tuple[str, dict[str, float]]:
    """``sigmoid`` or ``isotonic``: the lower cross-validated ECE over ``folds`` folds of the
    out-of-fold log-odds (each fold calibrated by the others); ``sigmoid`` on ties or when a
    fold lacks an outcome. Returns the method and each method's cross-validated ECE."""
    from sklearn.model_selection import StratifiedKFold

    raw = np.asarray(raw_oof, dtype=float).ravel()
    y = np.asarray(y).ravel().astype(int)
    if min(y.sum(), len(y) - y.sum()) < 2 * folds:
        return "sigmoid", {}
    split = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(raw.reshape(-1, 1), y))
    scores = {}
    for method in ("sigmoid", "isotonic"):
        p = np.zeros(len(y))
        for tr, va in split:
            p[va] = fit_calibrator(raw[tr], y[tr], method).transform(raw[va])
        scores[method] = expected_calibration_error(y, p)
    return ("isotonic" if scores["isotonic"] < scores["sigmoid"] else "sigmoid"), scores


def expected_calibration_error(y, proba, n_bins: int = 10) -> float:
    """ECE: mean |observed default rate - mean predicted probability| over ``n_bins`` equal-width
    probability bins, weighted by the share of clients in each bin.

    Examples
    --------
    >>> expected_calibration_error([0, 1], [0.0, 1.0])
    0.0
    """
    y = np.asarray(y, dtype=float).ravel()
    p = np.clip(np.asarray(proba, dtype=float).ravel(), 0.0, 1.0)
    if len(y) != len(p) or len(y) == 0:
        raise ValueError("y and proba must be non-empty and of one length")
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    for k in np.unique(bins):
        m = bins == k
        ece += m.mean() * abs(y[m].mean() - p[m].mean())
    return float(ece)


def ece_noise_floor(proba, n_bins: int = 10, draws: int = 200, seed: int = 0) -> float:
    """The ECE a perfectly calibrated model would still measure on these clients: the mean ECE
    of ``proba`` against outcomes drawn from ``proba`` itself (``draws`` draws, seeded).

    An ECE is only meaningful next to this figure: on 1,000 clients with about 8% defaults it
    is about 0.01, so an ECE below it says nothing more than "as calibrated as can be told".

    Examples
    --------
    >>> ece_noise_floor([0.0, 1.0])
    0.0
    """
    p = np.clip(np.asarray(proba, dtype=float).ravel(), 0.0, 1.0)
    rng = np.random.default_rng(seed)
    return float(
        np.mean([expected_calibration_error(rng.random(len(p)) < p, p, n_bins) for _ in range(draws)])
    )

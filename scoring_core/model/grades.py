"""Risk grades: a master scale of probability-of-default bands (default 7 grades, A to G).

The bands are chosen on the out-of-fold (calibrated) probabilities of the training split:
by default log-linear bands from the 20th to the 98th percentile of those probabilities
(each grade's PD a constant multiple of the previous grade's); or given PD cut-offs. Adjacent grades whose
observed out-of-fold default rates do not rise are merged (pool-adjacent-violators), so the
scale is monotone where it was fitted. Grade ``A`` is the lowest risk.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import ScoringError

__all__ = ["GradeScale", "fit_grade_scale", "grade_table"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GradeScale:
    """Grade labels and the PD cut-offs between them.

    A probability ``p`` gets ``labels[i]`` where ``i`` is the number of cut-offs ``<= p``:
    ``cutoffs[i - 1] <= p < cutoffs[i]``.
    """

    labels: list[str]
    cutoffs: list[float]
    oof_default_rate: list[float] = field(default_factory=list)
    oof_share: list[float] = field(default_factory=list)

    def __post_init__(self):
        if len(self.labels) != len(self.cutoffs) + 1 or not self.labels:
            raise ScoringError("a grade scale has one more label than cut-offs")
        c = np.asarray(self.cutoffs, dtype=float)
        if np.any(np.diff(c) <= 0) or np.any((c <= 0) | (c >= 1)):
            raise ScoringError(
                f"grade cut-offs must be increasing probabilities in (0, 1), got {self.cutoffs}"
            )

    def grade(self, proba) -> np.ndarray:
        """The grade label of each probability."""
        idx = np.searchsorted(
            np.asarray(self.cutoffs, dtype=float), np.asarray(proba, dtype=float), side="right"
        )
        return np.asarray(self.labels, dtype=object)[idx]

    def bands(self) -> list[dict]:
        """``[{grade, pd_from, pd_to, oof_default_rate, oof_share}]``."""
        edges = [0.0, *self.cutoffs, 1.0]
        return [
            {
                "grade": g,
                "pd_from": edges[i],
                "pd_to": edges[i + 1],
                "oof_default_rate": self.oof_default_rate[i] if self.oof_default_rate else None,
                "oof_share": self.oof_share[i] if self.oof_share else None,
            }
            for i, g in enumerate(self.labels)
        ]

    def to_dict(self) -> dict:
        return {
            "labels": list(self.labels),
            "cutoffs": [float(c) for c in self.cutoffs],
            "oof_default_rate": [float(r) for r in self.oof_default_rate],
            "oof_share": [float(s) for s in self.oof_share],
        }

    @classmethod
    def from_dict(cls, state: dict) -> GradeScale:
        try:
            return cls(
                [str(label) for label in state["labels"]],
                [float(c) for c in state["cutoffs"]],
                [float(r) for r in state.get("oof_default_rate", [])],
                [float(s) for s in state.get("oof_share", [])],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ScoringError(f"grade scale is not usable ({exc})") from None


def _rates(y: np.ndarray, idx: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    counts = np.bincount(idx, minlength=k).astype(float)
    bad = np.bincount(idx, weights=y, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return bad / counts, counts / max(1, len(y))


def fit_grade_scale(proba_oof, y, grades: int | Sequence[float] = 7) -> GradeScale:
    """A master scale from out-of-fold probabilities ``proba_oof`` and outcomes ``y``.

    Parameters
    ----------
    grades : int or sequence of float, default=7
        The number of grades (log-linear cut-offs from the 20th to the 98th percentile of
        ``proba_oof``), or the PD cut-offs themselves (increasing, in (0, 1)).
    """
    p = np.asarray(proba_oof, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if isinstance(grades, int | np.integer):
        if not 2 <= int(grades) <= 26:
            raise ScoringError(f"the number of grades must be between 2 and 26, got {grades}")
        # log-linear PD bands (a master scale): from the 20th to the 98th percentile of the
        # out-of-fold PD, each band's PD a constant multiple of the previous one, so adjacent
        # grades differ by a factor (about 2 on credit data), not by a few basis points
        lo, hi = np.quantile(p, [0.20, 0.98])
        lo, hi = max(float(lo), 1e-6), min(float(hi), 1 - 1e-6)
        q = np.exp(np.linspace(np.log(lo), np.log(hi), int(grades) - 1)) if hi > lo else [lo]
        cutoffs = [float(c) for c in np.unique(q) if 0 < c < 1]
    else:
        cutoffs = [float(c) for c in grades]
        GradeScale([*string.ascii_uppercase[: len(cutoffs) + 1]], cutoffs)  # validates
    while True:
        k = len(cutoffs) + 1
        idx = np.searchsorted(np.asarray(cutoffs), p, side="right")
        rate, share = _rates(y, idx, k)
        # merge an empty grade or one whose observed rate does not rise into its lower neighbour
        bad = [i for i in range(1, k) if not (share[i] > 0 and share[i - 1] > 0 and rate[i] > rate[i - 1])]
        if not bad:
            break
        log.info("grades: merging grade %d into its neighbour (observed default rates must rise)", bad[0])
        del cutoffs[bad[0] - 1]
        if not cutoffs:
            break
    k = len(cutoffs) + 1
    idx = np.searchsorted(np.asarray(cutoffs), p, side="right")
    rate, share = _rates(y, idx, k)
    return GradeScale(
        list(string.ascii_uppercase[:k]),
        cutoffs,
        [float(r) for r in rate],
        [float(s) for s in share],
    )


def grade_table(scale: GradeScale, y, proba) -> list[dict]:
    """Per grade: clients, defaults, observed default rate and mean predicted PD of ``(y, proba)``.

    Grades with no client are listed with ``clients = 0`` and rates ``None``.
    """
    y = np.asarray(y, dtype=float).ravel()
    p = np.asarray(proba, dtype=float).ravel()
    g = scale.grade(p)
    out = []
    for label in scale.labels:
        m = g == label
        n = int(m.sum())
        out.append(
            {
                "grade": label,
                "clients": n,
                "defaults": int(y[m].sum()),
                "default_rate": float(y[m].mean()) if n else None,
                "mean_pd": float(p[m].mean()) if n else None,
            }
        )
    return out

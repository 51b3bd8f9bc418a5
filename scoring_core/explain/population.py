"""How a client compares with other clients: percentiles, distributions, two-feature bins."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

__all__ = ["Population", "FeatureComparison", "Bivariate"]


@dataclass
class FeatureComparison:
    """A client's value of one feature against all, repaid and defaulted clients."""

    feature: str
    value: object
    percentile_all: float | None
    percentile_repaid: float | None
    percentile_defaulted: float | None
    bins: list[float] = field(default_factory=list)
    counts_all: list[int] = field(default_factory=list)
    counts_repaid: list[int] = field(default_factory=list)
    counts_defaulted: list[int] = field(default_factory=list)
    categories: dict[str, dict[str, int]] | None = None  # categorical features: level -> counts


@dataclass
class Bivariate:
    """Clients binned on two features: per cell the count and the mean of ``color`` (the score or
    the observed default rate). Cells with fewer than ``min_count`` clients carry no value, so no
    single client's data can be read off the grid."""

    x: str
    y: str
    color: str
    x_edges: list[float]
    y_edges: list[float]
    counts: list[list[int]]  # counts[i][j]: y bin i, x bin j
    values: list[list[float | None]]
    min_count: int
    client_x: float | None = None
    client_y: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


class Population:
    """Reference clients (feature rows and, where known, their outcome), indexed once.

    Outcomes are used only in aggregate (percentiles among repaid / defaulted clients, the
    default rate of similar clients); no client's own outcome is ever returned.
    """

    def __init__(self, X: pd.DataFrame, y: pd.Series | None = None, *, bins: int = 30):
        self.X = X
        self.y = (y.reindex(X.index) if y is not None else pd.Series(np.nan, index=X.index)).astype(float)
        self._bins = bins
        self._sorted: dict[tuple[str, str], np.ndarray] = {}
        self._masks = {
            "all": np.ones(len(X), dtype=bool),
            "repaid": (self.y == 0).to_numpy(),
            "defaulted": (self.y == 1).to_numpy(),
        }

    def _values(self, feature: str, group: str) -> np.ndarray:
        key = (feature, group)
        if key not in self._sorted:
            v = self.X[feature].to_numpy(dtype=float, na_value=np.nan)[self._masks[group]]
            self._sorted[key] = np.sort(v[~np.isnan(v)])
        return self._sorted[key]

    def percentile(self, feature: str, value, group: str = "all") -> float | None:
        """Share (0-100) of the group's clients with a lower value (ties count half)."""
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        v = self._values(feature, group)
        if len(v) == 0:
            return None
        lo = np.searchsorted(v, value, "left")
        hi = np.searchsorted(v, value, "right")
        return float(100.0 * (lo + (hi - lo) / 2) / len(v))

    def is_numeric(self, feature: str) -> bool:
        return not isinstance(self.X[feature].dtype, pd.CategoricalDtype)

    def compare(self, feature: str, value) -> FeatureComparison:
        """Percentiles and the distributions to plot for ``feature``."""
        if feature not in self.X.columns:
            raise KeyError(f"unknown feature {feature!r}")
        if not self.is_numeric(feature):
            col = self.X[feature].astype("object").fillna("(missing)")
            cats = {}
            for group, mask in self._masks.items():
                cats[group] = {str(k): int(n) for k, n in col[mask].value_counts().items()}
            return FeatureComparison(feature, value, None, None, None, categories=cats)
        allv = self._values(feature, "all")
        if len(allv):
            lo, hi = np.quantile(allv, [0.005, 0.995])
            if hi <= lo:
                hi = lo + 1.0
            edges = np.linspace(lo, hi, self._bins + 1)
        else:
            edges = np.linspace(0, 1, self._bins + 1)
        counts = {
            g: np.histogram(np.clip(self._values(feature, g), edges[0], edges[-1]), edges)[0].tolist()
            for g in self._masks
        }
        val = None if value is None else float(value)
        return FeatureComparison(
            feature,
            val,
            self.percentile(feature, val, "all"),
            self.percentile(feature, val, "repaid"),
            self.percentile(feature, val, "defaulted"),
            edges.tolist(),
            counts["all"],
            counts["repaid"],
            counts["defaulted"],
        )

    def _edges(self, feature: str, bins: int) -> np.ndarray:
        v = self._values(feature, "all")
        if not len(v):
            return np.linspace(0.0, 1.0, bins + 1)
        lo, hi = np.quantile(v, [0.005, 0.995])
        if hi <= lo:
            hi = lo + 1.0
        return np.linspace(lo, hi, bins + 1)

    def bivariate(
        self,
        x: str,
        y: str,
        color_values: pd.Series,
        *,
        color: str = "score",
        bins: int = 25,
        min_count: int = 5,
        client: pd.DataFrame | None = None,
    ) -> Bivariate:
        """Clients binned on numeric features ``x`` and ``y`` with the mean of ``color_values``
        (aligned on the clients) per cell; ``client`` (a one-row frame) is placed on the grid."""
        for f in (x, y):
            if f not in self.X.columns:
                raise KeyError(f"unknown feature {f!r}")
            if not self.is_numeric(f):
                raise ValueError(f"feature {f!r} is categorical; the bivariate view takes numeric features")
        ex, ey = self._edges(x, bins), self._edges(y, bins)
        vx = self.X[x].to_numpy(dtype=float, na_value=np.nan)
        vy = self.X[y].to_numpy(dtype=float, na_value=np.nan)
        c = color_values.reindex(self.X.index).to_numpy(dtype=float)
        ok = ~(np.isnan(vx) | np.isnan(vy) | np.isnan(c))
        ix = np.clip(np.searchsorted(ex, vx[ok], "right") - 1, 0, bins - 1)
        iy = np.clip(np.searchsorted(ey, vy[ok], "right") - 1, 0, bins - 1)
        cell = iy * bins + ix
        counts = np.bincount(cell, minlength=bins * bins)
        sums = np.bincount(cell, weights=c[ok], minlength=bins * bins)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = sums / counts
        values = [
            [None if counts[i * bins + j] < min_count else float(means[i * bins + j]) for j in range(bins)]
            for i in range(bins)
        ]
        cx = cy = None
        if client is not None:
            cx = _float_or_none(client[x].iloc[0])
            cy = _float_or_none(client[y].iloc[0])
        return Bivariate(
            x,
            y,
            color,
            ex.tolist(),
            ey.tolist(),
            counts.reshape(bins, bins).tolist(),
            values,
            min_count,
            cx,
            cy,
        )


def _float_or_none(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(f) else f

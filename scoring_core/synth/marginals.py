"""Marginal distributions rebuilt from calibration statistics, sampled by inverse CDF.

Sampling goes through a normal latent ``g``: ``value = F^-1(Phi(g))``. A column's marginal
distribution is therefore exactly its calibrated one whatever ``g`` is made of, while the
latent carries the dependence on the client's risk and on shared factors (Gaussian copula).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

__all__ = ["NumericMarginal", "CategoricalMarginal", "latent"]


def latent(rng: np.random.Generator, n: int, loadings: list[tuple[float, np.ndarray]]) -> np.ndarray:
    """``sum(l * f) + sqrt(1 - sum(l^2)) * e``: a standard normal latent with given loadings.

    Loadings whose squares sum above 0.98 are scaled down so some idiosyncratic noise remains.
    """
    total = sum(l * l for l, _ in loadings)
    scale = 1.0 if total <= 0.98 else np.sqrt(0.98 / total)
    g = np.zeros(n)
    for l, f in loadings:
        if l:
            g += (l * scale) * f
    g += np.sqrt(max(0.0, 1.0 - total * scale * scale)) * rng.standard_normal(n)
    return g


class NumericMarginal:
    """A numeric column: atoms (values with >= 1% of the mass) plus a continuous part
    described by quantiles; ``missing`` is the share of missing values."""

    def __init__(self, stats: dict):
        self.missing = float(stats.get("missing", 0.0))
        self.integer = bool(stats.get("integer", False))
        self.risk_corr = float(stats.get("risk_corr", 0.0))
        atoms = {float(k): float(p) for k, p in stats.get("atoms", {}).items()}
        q = np.asarray(stats.get("quantiles", []), dtype=float)
        self.atoms = atoms
        self.quantiles = q
        self._build(atoms, q)

    def _build(self, atoms: dict[float, float], q: np.ndarray) -> None:
        m_atoms = sum(atoms.values())
        cont = max(0.0, 1.0 - m_atoms) if len(q) else 0.0
        if not len(q) and m_atoms:
            atoms = {a: p / m_atoms for a, p in atoms.items()}
        levels = np.linspace(0.0, 1.0, len(q)) if len(q) else np.array([])
        xs = np.unique(np.concatenate([q, np.array(list(atoms), dtype=float)]))
        avals = np.array(sorted(atoms), dtype=float)
        amass = np.array([atoms[a] for a in avals]) if len(avals) else np.array([])
        acum = np.concatenate([[0.0], np.cumsum(amass)])
        kx, kf = [], []
        for x in xs:
            if len(q):
                lo = np.searchsorted(q, x, "left")
                hi = np.searchsorted(q, x, "right")
                if lo < hi:
                    fc_left, fc_right = levels[lo], levels[hi - 1]
                else:
                    fc_left = fc_right = (
                        float(np.interp(x, q, levels)) if q[0] < x < q[-1] else float(x >= q[-1])
                    )
            else:
                fc_left = fc_right = 0.0
            a_before = acum[np.searchsorted(avals, x, "left")]
            a_upto = acum[np.searchsorted(avals, x, "right")]
            kx += [x, x]
            kf += [cont * fc_left + a_before, cont * fc_right + a_upto]
        self._x = np.asarray(kx)
        self._f = np.maximum.accumulate(np.asarray(kf))
        if len(self._f):
            self._f = self._f / self._f[-1]

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF at probabilities ``u`` (no missing values)."""
        if not len(self._x):
            return np.full(len(u), np.nan)
        v = np.interp(u, self._f, self._x)
        return np.round(v) if self.integer else v

    def sample(self, g: np.ndarray, rng: np.random.Generator, missing: bool = True) -> np.ndarray:
        """Values for normal latents ``g``; a share ``missing`` of them set missing."""
        v = self.ppf(ndtr(g))
        if missing and self.missing > 0:
            v[rng.random(len(v)) < self.missing] = np.nan
        return v


class CategoricalMarginal:
    """A categorical column: level frequencies, levels ordered from the lowest to the highest
    default rate when known (so a latent that rises with risk picks riskier levels)."""

    def __init__(self, stats: dict, exclude: tuple[str, ...] = ()):
        self.missing = float(stats.get("missing", 0.0))
        self.risk_corr = float(stats.get("risk_corr", 0.0))
        freq = {k: p for k, p in stats["levels"].items() if k not in exclude}
        order = [k for k in stats.get("risk_order", []) if k in freq]
        order += [k for k in freq if k not in order]
        self.levels = np.array(order, dtype=object)
        p = np.array([freq[k] for k in order], dtype=float)
        self.probs = p / p.sum()
        self._cum = np.cumsum(self.probs)
        self._cum[-1] = 1.0

    def codes(self, g: np.ndarray) -> np.ndarray:
        """Level indices for normal latents ``g``."""
        return np.minimum(np.searchsorted(self._cum, ndtr(g), "right"), len(self.levels) - 1)

    def sample(self, g: np.ndarray, rng: np.random.Generator, missing: bool = True) -> np.ndarray:
        """Level names (object array, ``None`` for missing)."""
        v = self.levels[self.codes(g)]
        if missing and self.missing > 0:
            v = v.copy()
            v[rng.random(len(v)) < self.missing] = None
        return v

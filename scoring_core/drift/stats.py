"""Drift statistics of one column, reference against current (pure numpy / scipy).

- Bins: quantiles of the reference for numeric columns (right-closed intervals, the
  outer ones open-ended, duplicate edges merged), levels for categorical columns (the
  most frequent reference levels, then one "other/unseen" bucket); missing values always
  get their own bin.
- PSI: ``sum((q - p) * ln(q / p))`` over the bins, shares floored at ``eps``.
- Tests: two-sample Kolmogorov-Smirnov on the non-missing values of a numeric column,
  chi-square on the bucket counts (missing bucket included) of a categorical column.
- Distance: Wasserstein (earth mover's) distance divided by the reference's interquartile
  range, or by its standard deviation when the IQR is 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "MISSING_LABEL",
    "OTHER_LABEL",
    "Binning",
    "numeric_binning",
    "numeric_statistics",
    "numeric_binning_counts",
    "quantile_ranks",
    "categorical_binning",
    "categorical_binning_counts",
    "psi",
    "psi_noise_bound",
    "ks_test",
    "chi2_test",
    "normalized_wasserstein",
    "missing_rate",
]

MISSING_LABEL = "(missing)"
OTHER_LABEL = "(other/unseen)"
_KS_EXACT_MAX = 1000


@dataclass(frozen=True)
class Binning:
    """Counts of the reference and current values in the same bins.

    ``cuts`` are the numeric cut points (bin ``i`` is ``(cuts[i-1], cuts[i]]``, the outer
    bins open-ended); ``None`` for a categorical column.
    """

    labels: list[str]
    reference: np.ndarray
    current: np.ndarray
    cuts: list[float] | None = None


def _fmt(x: float, digits: int) -> str:
    return f"{x:.{digits}g}"


def _interval_labels(cuts: np.ndarray) -> list[str]:
    if len(cuts) == 0:
        return ["all values"]
    for digits in range(4, 18):  # enough digits to tell every bin apart
        c = [_fmt(float(x), digits) for x in cuts]
        labels = [f"≤ {c[0]}", *(f"({a}, {b}]" for a, b in zip(c[:-1], c[1:], strict=True)), f"> {c[-1]}"]
        if len(set(labels)) == len(labels):
            return labels
    return labels


def _sorted_values(values: np.ndarray) -> tuple[np.ndarray, int]:
    """The sorted non-missing values (``float64``) and the number of missing ones."""
    x = np.asarray(values, dtype=np.float64)
    ok = x[~np.isnan(x)]
    ok.sort()
    return ok, x.size - ok.size


def quantile_ranks(n: int, bins: int) -> np.ndarray:
    """0-based ranks of the cut points of ``bins`` quantile bins of ``n`` sorted values
    (inverted-CDF quantiles: the ``ceil(i * n / bins)``-th smallest value, ``i = 1..bins-1``)."""
    return (np.arange(1, bins, dtype=np.int64) * n + bins - 1) // bins - 1


def _binning_sorted(r: np.ndarray, c: np.ndarray, miss_r: int, miss_c: int, bins: int) -> Binning:
    cuts = np.unique(r[quantile_ranks(r.size, bins)]) if r.size else np.empty(0)

    def counts(x: np.ndarray) -> np.ndarray:  # right-closed bins: x <= cut
        return np.diff(np.concatenate([[0], np.searchsorted(x, cuts, side="right"), [x.size]]))

    return numeric_binning_counts(cuts, counts(r), counts(c), miss_r, miss_c)


def numeric_binning_counts(
    cuts: np.ndarray, ref_counts: np.ndarray, cur_counts: np.ndarray, miss_r: int, miss_c: int
) -> Binning:
    """A numeric :class:`Binning` from its cut points and the counts of each side in the
    right-closed bins (``len(cuts) + 1`` counts) and in the missing bin."""
    cuts = np.asarray(cuts, dtype=np.float64)
    ref_counts, cur_counts = np.asarray(ref_counts), np.asarray(cur_counts)
    labels = _interval_labels(cuts)
    if miss_r or miss_c:
        labels.append(MISSING_LABEL)
        ref_counts = np.append(ref_counts, miss_r)
        cur_counts = np.append(cur_counts, miss_c)
    return Binning(
        labels=labels,
        reference=ref_counts.astype(np.int64),
        current=cur_counts.astype(np.int64),
        cuts=[float(x) for x in cuts],
    )


def numeric_binning(reference: np.ndarray, current: np.ndarray, bins: int = 10) -> Binning:
    """Quantile bins of ``reference`` (``NaN`` = missing), applied to both arrays.

    Cut points are observed reference values (inverted-CDF quantiles), deduplicated, so a
    flag gets two bins and a constant one. The ``"(missing)"`` bin is left out when there is
    no missing value on either side.

    Examples
    --------
    >>> b = numeric_binning(np.array([1.0, 2, 3, 4, np.nan]), np.array([5.0, 5, 1]), bins=2)
    >>> b.labels, b.reference.tolist(), b.current.tolist()
    (['≤ 2', '> 2', '(missing)'], [2, 2, 1], [1, 2, 0])
    """
    r, miss_r = _sorted_values(reference)
    c, miss_c = _sorted_values(current)
    return _binning_sorted(r, c, miss_r, miss_c, bins)


def _level_counts(s: pd.Series) -> pd.Series:
    s = s.dropna()
    if isinstance(s.dtype, pd.CategoricalDtype):
        counts = s.value_counts(sort=False)
        counts.index = counts.index.astype(str)
        return counts.groupby(level=0, sort=False).sum()
    return s.astype(str).value_counts(sort=False)


def categorical_binning(reference: pd.Series, current: pd.Series, max_levels: int = 50) -> Binning:
    """Level buckets of ``reference`` (the ``max_levels`` most frequent), applied to both.

    Other reference levels and levels unseen in the reference go to ``"(other/unseen)"``,
    missing values to ``"(missing)"``; these two buckets are left out when empty on both
    sides. Levels are compared as strings.

    Examples
    --------
    >>> b = categorical_binning(pd.Series(["a", "a", "b", None]), pd.Series(["a", "c"]))
    >>> b.labels, b.reference.tolist(), b.current.tolist()
    (['a', 'b', '(other/unseen)', '(missing)'], [2, 1, 0, 1], [1, 0, 1, 0])
    """
    return categorical_binning_counts(
        _level_counts(reference).to_dict(),
        _level_counts(current).to_dict(),
        int(reference.isna().sum()),
        int(current.isna().sum()),
        max_levels,
    )


def categorical_binning_counts(
    reference: Mapping[str, int],
    current: Mapping[str, int],
    missing_reference: int,
    missing_current: int,
    max_levels: int = 50,
) -> Binning:
    """:func:`categorical_binning` from level counts (``{level as str: rows}``) and missing
    counts, e.g. merged over the partitions of a Dask data frame."""
    ref = {lvl: int(n) for lvl, n in reference.items() if n > 0}
    cur = {lvl: int(n) for lvl, n in current.items()}
    order = sorted(ref, key=lambda lvl: (-ref[lvl], lvl))
    kept = order[:max_levels]
    ref_counts = [ref[lvl] for lvl in kept]
    cur_counts = [cur.get(lvl, 0) for lvl in kept]
    other_ref = sum(ref.values()) - sum(ref_counts)
    other_cur = sum(cur.values()) - sum(cur_counts)
    miss_ref = int(missing_reference)
    miss_cur = int(missing_current)
    labels = list(kept)
    for label, r, c in ((OTHER_LABEL, other_ref, other_cur), (MISSING_LABEL, miss_ref, miss_cur)):
        if r or c:
            labels.append(label)
            ref_counts.append(r)
            cur_counts.append(c)
    return Binning(
        labels=labels,
        reference=np.asarray(ref_counts, dtype=np.int64),
        current=np.asarray(cur_counts, dtype=np.int64),
    )


def psi(reference_counts: np.ndarray, current_counts: np.ndarray, eps: float = 1e-4) -> float:
    """Population stability index of two count vectors over the same bins.

    ``sum((q - p) * ln(q / p))`` with ``p``, ``q`` the reference and current shares, each
    floored at ``eps`` so that an empty bin counts as a share of ``eps``.

    Examples
    --------
    >>> round(psi(np.array([50, 50]), np.array([40, 60])), 6)
    0.040547
    """
    r = np.asarray(reference_counts, dtype=np.float64)
    c = np.asarray(current_counts, dtype=np.float64)
    if r.sum() <= 0 or c.sum() <= 0:
        raise ValueError("psi needs at least one value on each side")
    p = np.maximum(r / r.sum(), eps)
    q = np.maximum(c / c.sum(), eps)
    return float(np.sum((q - p) * np.log(q / p)))


def psi_noise_bound(
    reference_counts: np.ndarray,
    current_counts: np.ndarray,
    alpha: float = 0.01,
    eps: float = 1e-4,
    *,
    draws: int = 1000,
    seed: int = 0,
) -> float:
    """The PSI that sampling noise alone exceeds with probability ``alpha``.

    Without drift both samples come from one distribution: both are drawn ``draws`` times
    from the pooled bin shares (same sizes as the observed samples), and the bound is the
    ``1 - alpha`` quantile of their PSI (same ``eps``). Seeded, so reproducible. It is large
    for small samples and sparse bins (an empty bin weighs ``ln(share / eps)``), and
    negligible for large samples (below 0.001 for 307,511 against 48,744 clients over 10
    even bins).

    Examples
    --------
    >>> round(psi_noise_bound(np.array([30] * 10), np.array([10] * 10)), 2)
    0.32
    """
    r = np.asarray(reference_counts, dtype=np.int64)
    c = np.asarray(current_counts, dtype=np.int64)
    n_r, n_c = int(r.sum()), int(c.sum())
    if n_r <= 0 or n_c <= 0:
        return float("inf")
    pooled = (r + c) / (n_r + n_c)
    rng = np.random.default_rng(seed)
    p = np.maximum(rng.multinomial(n_r, pooled, size=draws) / n_r, eps)
    q = np.maximum(rng.multinomial(n_c, pooled, size=draws) / n_c, eps)
    values = ((q - p) * np.log(q / p)).sum(axis=1)
    return float(np.quantile(values, 1.0 - alpha))


def _ecdf_gaps(r: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``|F_r - F_c|`` at every value of the two sorted samples (merged and sorted)."""
    merged = np.concatenate([r, c])
    merged.sort(kind="stable")  # two sorted runs: a merge
    gaps = np.abs(
        np.searchsorted(r, merged, side="right") / r.size - np.searchsorted(c, merged, side="right") / c.size
    )
    return merged, gaps


def _ks_pvalue(r: np.ndarray, c: np.ndarray, d: float) -> float:
    if max(r.size, c.size) <= _KS_EXACT_MAX:
        return float(stats.ks_2samp(r, c).pvalue)
    # Smirnov's asymptotic distribution, as scipy's ks_2samp(method="asymp")
    m, n = sorted([float(r.size), float(c.size)], reverse=True)
    return float(np.clip(stats.kstwo.sf(d, np.round(m * n / (m + n))), 0.0, 1.0))


def _wasserstein_scaled(
    r: np.ndarray, merged: np.ndarray, gaps: np.ndarray
) -> tuple[float | None, str | None]:
    q1, q3 = np.quantile(r, [0.25, 0.75])
    if q3 - q1 > 0:
        scale, name = float(q3 - q1), "iqr"
    else:
        scale, name = float(np.std(r)), "std"
    if not scale > 0:
        return None, None
    return float(np.sum(gaps[:-1] * np.diff(merged)) / scale), name


def numeric_statistics(
    reference: np.ndarray, current: np.ndarray, bins: int = 10
) -> tuple[Binning, tuple[float, float | None], tuple[float | None, str | None]]:
    """:func:`numeric_binning`, :func:`ks_test` and :func:`normalized_wasserstein` at once.

    Each side is sorted once; the KS statistic and the Wasserstein distance come from the
    same pass over the two empirical distribution functions.
    """
    r, miss_r = _sorted_values(reference)
    c, miss_c = _sorted_values(current)
    binning = _binning_sorted(r, c, miss_r, miss_c, bins)
    if r.size == 0 or c.size == 0:
        return binning, (0.0, None), (None, None)
    merged, gaps = _ecdf_gaps(r, c)
    d = float(gaps.max())
    return binning, (d, _ks_pvalue(r, c, d)), _wasserstein_scaled(r, merged, gaps)


def ks_test(reference: np.ndarray, current: np.ndarray) -> tuple[float, float | None]:
    """Two-sample Kolmogorov-Smirnov statistic and p-value of the non-missing values.

    The p-value is exact for samples up to 1,000 values, asymptotic beyond (as
    ``scipy.stats.ks_2samp``). ``(0.0, None)`` when a side has no value (the missing-value
    bin of the PSI still measures the change).
    """
    return numeric_statistics(reference, current, 2)[1]


def chi2_test(reference_counts: np.ndarray, current_counts: np.ndarray) -> tuple[float, float | None]:
    """Chi-square test of independence of the 2 x k table of bucket counts.

    Buckets empty on both sides are dropped; ``(0.0, None)`` when fewer than two buckets
    remain or a side is empty.
    """
    table = np.vstack([np.asarray(reference_counts), np.asarray(current_counts)]).astype(np.float64)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
        return 0.0, None
    res = stats.chi2_contingency(table)
    return float(res.statistic), float(res.pvalue)


def normalized_wasserstein(reference: np.ndarray, current: np.ndarray) -> tuple[float | None, str | None]:
    """Wasserstein distance of the non-missing values over the reference's spread.

    Returns ``(distance / IQR, "iqr")``, or ``(distance / std, "std")`` when the reference's
    interquartile range is 0 (e.g. a flag that is mostly 0), or ``(None, None)`` when the
    reference has no spread at all or a side has no value. A value of 0.5 means the current
    distribution moved by half an interquartile range on average. The distance is
    ``scipy.stats.wasserstein_distance``'s, computed from the sorted samples.
    """
    return numeric_statistics(reference, current, 2)[2]


def missing_rate(values: pd.Series | np.ndarray) -> float:
    """Share of missing values (0 for no value)."""
    n = len(values)
    return float(pd.isna(values).sum() / n) if n else 0.0

"""A small numpy engine for per-client aggregations.

Rows are put in group order once (a stable sort of their group labels); every
aggregate is then one ``ufunc.reduceat`` over the group starts. The same code
serves the batch path (hundreds of thousands of clients, millions of rows) and the
single-client path (a few dozen rows, microsecond-level numpy calls): no pandas
``groupby``, no per-group Python loop.

Conventions
-----------
* Values are aggregated in ``float64``; missing values are ``NaN`` and are skipped.
* An aggregate of an empty set of values is ``NaN``; a count of an empty set is ``0``.
* The variance uses ``ddof=1`` (``NaN`` below two values) and is computed in two
  passes (sum of squared deviations from the group mean) to avoid cancellation.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

__all__ = ["STATS", "Groups", "KeyIndex", "indicator", "safe_div"]

#: The aggregates :meth:`Groups.stats` knows.
STATS: tuple[str, ...] = ("count", "sum", "mean", "min", "max", "var")

_MOMENTS = frozenset({"count", "sum", "mean", "var"})

#: Largest lookup table (in entries) :class:`KeyIndex` builds before falling back to a
#: binary search (4 bytes per entry).
_MAX_LOOKUP = 1 << 24


def safe_div(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Element-wise ``numerator / denominator`` in ``float64``; ``NaN`` instead of ``inf``.

    Parameters
    ----------
    numerator, denominator : array-like
        Broadcastable arrays.

    Returns
    -------
    numpy.ndarray
        The ratio, ``NaN`` where the denominator is zero or either side is missing.

    Examples
    --------
    >>> safe_div(np.array([1.0, 1.0, 0.0]), np.array([2.0, 0.0, 0.0]))
    array([0.5, nan, nan])
    """
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    out = np.full(np.broadcast_shapes(num.shape, den.shape), np.nan)
    with np.errstate(over="ignore"):
        np.divide(num, den, out=out, where=den != 0)
    out[np.isinf(out)] = np.nan  # overflow of huge ratios
    return out


def indicator(condition: np.ndarray, defined: np.ndarray) -> np.ndarray:
    """``1.0`` where ``condition``, ``0.0`` elsewhere, ``NaN`` where not ``defined``.

    Examples
    --------
    >>> indicator(np.array([True, False, True]), np.array([True, True, False]))
    array([ 1.,  0., nan])
    """
    return np.where(defined, np.asarray(condition, dtype=np.float64), np.nan)


class KeyIndex:
    """Map integer keys (e.g. ``SK_ID_CURR``) to their position in a key array.

    Uses a lookup table when the key range is small (the usual case: ids are dense
    int32), a binary search otherwise. Lookups are O(1) or O(log n) per key.

    Parameters
    ----------
    keys : numpy.ndarray
        Unique integer keys; position ``i`` is returned for ``keys[i]``.
    """

    def __init__(self, keys: np.ndarray):
        keys = np.asarray(keys).astype(np.int64, copy=False)
        self.size = len(keys)
        self._lut: np.ndarray | None = None
        self._lo = 0
        if self.size == 0:
            self._sorted = keys
            self._sorter = np.empty(0, dtype=np.intp)
            return
        lo, hi = int(keys.min()), int(keys.max())
        span = hi - lo + 1
        if span <= max(4 * self.size, 1024) and span <= _MAX_LOOKUP:
            self._lo = lo
            self._lut = np.full(span, -1, dtype=np.int32 if self.size < 2**31 else np.int64)
            self._lut[keys - lo] = np.arange(self.size)
        else:
            self._sorter = np.argsort(keys, kind="stable")
            self._sorted = keys[self._sorter]

    def lookup(self, values: np.ndarray) -> np.ndarray:
        """Position of each value in the keys, ``-1`` for values that are not keys."""
        values = np.asarray(values)
        out = np.full(len(values), -1, dtype=np.int32 if self.size < 2**31 else np.int64)
        if self.size == 0 or len(values) == 0:
            return out
        if self._lut is not None:
            shifted = values.astype(np.int64)
            shifted -= self._lo
            inside = (shifted >= 0) & (shifted < len(self._lut))
            if inside.all():
                return self._lut[shifted]
            out[inside] = self._lut[shifted[inside]]
            return out
        pos = np.searchsorted(self._sorted, values)
        pos_c = np.minimum(pos, self.size - 1)
        hit = self._sorted[pos_c] == values
        out[hit] = self._sorter[pos_c[hit]]
        return out


class Groups:
    """Rows arranged in contiguous groups, and NaN-aware aggregates over them.

    Build it with :meth:`from_labels` (any row order; rows labelled ``-1`` are
    dropped) or :meth:`from_sizes` (rows already in group order, empty groups
    allowed).

    Attributes
    ----------
    order : numpy.ndarray or None
        Input positions of the kept rows in group order; ``None`` when all input rows
        are kept and already in group order (no copy needed).
    starts, sizes : numpy.ndarray
        First position and number of rows of each group, in group order.
    labels : numpy.ndarray
        The label of each group (``from_labels``) or ``arange(n_groups)``.
    n_rows : int
        Number of rows in group order.

    Examples
    --------
    >>> g = Groups.from_labels(np.array([1, 0, 1, -1]))
    >>> g.labels, g.sizes
    (array([0, 1]), array([1, 2]))
    >>> g.stats(g.take(np.array([1.0, 2.0, np.nan, 9.0])), ("sum", "count"))
    {'sum': array([2., 1.]), 'count': array([1., 1.])}
    """

    def __init__(self, order: np.ndarray | None, starts: np.ndarray, sizes: np.ndarray, labels: np.ndarray):
        self.order = order
        self.starts = starts
        self.sizes = sizes
        self.labels = labels
        self.n_groups = len(starts)
        self.n_rows = int(sizes.sum()) if len(sizes) else 0
        self._nonempty = sizes > 0
        self._all_nonempty = bool(self._nonempty.all())
        self._row_group: np.ndarray | None = None

    @classmethod
    def from_labels(cls, labels: np.ndarray) -> Groups:
        """Group rows by an integer label; rows labelled ``-1`` (or below) are dropped."""
        labels = np.asarray(labels)
        keep = labels >= 0
        if keep.all():
            idx, lab = None, labels
        else:
            idx = np.flatnonzero(keep)
            lab = labels[idx]
        if len(lab) > 1 and not bool(np.all(lab[1:] >= lab[:-1])):
            sorter = np.argsort(lab, kind="stable")
            lab = lab[sorter]
            idx = sorter if idx is None else idx[sorter]
        n = len(lab)
        if n == 0:
            empty = np.empty(0, dtype=np.int64)
            return cls(idx, empty, empty, empty)
        starts = np.concatenate(([0], np.flatnonzero(lab[1:] != lab[:-1]) + 1)).astype(np.int64)
        sizes = np.diff(np.append(starts, n))
        return cls(idx, starts, sizes, lab[starts].astype(np.int64))

    @classmethod
    def from_sizes(cls, sizes: Iterable[int]) -> Groups:
        """Groups of consecutive rows with the given sizes (zero sizes allowed)."""
        sizes = np.asarray(sizes, dtype=np.int64)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64) if len(sizes) else sizes
        return cls(None, starts, sizes, np.arange(len(sizes)))

    # -- row helpers -------------------------------------------------------------------
    def take(self, values: np.ndarray, dtype=np.float64) -> np.ndarray:
        """``values`` (one per input row) in group order, as ``dtype``."""
        values = np.asarray(values)
        if self.order is not None:
            values = values[self.order]
        return values.astype(dtype, copy=False) if dtype is not None else values

    def row_group(self) -> np.ndarray:
        """Group number (0 .. n_groups-1) of each row in group order."""
        if self._row_group is None:
            dtype = np.int32 if self.n_groups < 2**31 else np.int64
            self._row_group = np.repeat(np.arange(self.n_groups, dtype=dtype), self.sizes)
        return self._row_group

    def broadcast(self, per_group: np.ndarray) -> np.ndarray:
        """Repeat one value per group onto the group's rows (along the last axis)."""
        return np.repeat(per_group, self.sizes, axis=-1)

    # -- reductions --------------------------------------------------------------------
    def _reduce(self, ufunc: np.ufunc, values: np.ndarray, empty: float) -> np.ndarray:
        """``ufunc`` over each group, along the last axis of ``values``."""
        if self._all_nonempty:
            if self.n_groups == 0:
                return np.empty(values.shape[:-1] + (0,), dtype=np.float64)
            return ufunc.reduceat(values, self.starts, axis=-1)
        out = np.full(values.shape[:-1] + (self.n_groups,), empty, dtype=np.float64)
        if self.n_rows:
            out[..., self._nonempty] = ufunc.reduceat(values, self.starts[self._nonempty], axis=-1)
        return out

    def count(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Rows per group (where ``mask`` is true, when given), as ``float64``."""
        if mask is None:
            return self.sizes.astype(np.float64)
        return self._reduce(np.add, mask.astype(np.float64), 0.0)

    def stats(self, values: np.ndarray, stats: Iterable[str]) -> dict[str, np.ndarray]:
        """NaN-aware aggregates of ``values`` (rows in group order) per group.

        Parameters
        ----------
        values : numpy.ndarray
            ``float64`` values in group order (see :meth:`take`), ``NaN`` = missing:
            ``(n_rows,)``, or ``(k, n_rows)`` for ``k`` columns at once (each row of the
            array contiguous: the arithmetic is then the same as one column at a time).
        stats : iterable of str
            Names from :data:`STATS`; ``count`` is the number of non-missing values.

        Returns
        -------
        dict
            ``{stat: float64 array of shape (n_groups,) or (k, n_groups)}``, in the order asked.
        """
        out: dict[str, np.ndarray] = {}
        valid = n = has = total = mean = None
        for stat in stats:
            if stat == "min":
                out[stat] = self._reduce(np.fmin, values, np.nan)  # fmin skips NaN
                continue
            if stat == "max":
                out[stat] = self._reduce(np.fmax, values, np.nan)
                continue
            if stat not in _MOMENTS:
                raise ValueError(f"unknown statistic {stat!r}; expected one of {STATS}")
            if n is None:
                valid = ~np.isnan(values)
                n = self._reduce(np.add, valid.astype(np.float64), 0.0)
                has = n > 0
            if stat == "count":
                out[stat] = n
                continue
            if total is None:
                total = self._reduce(np.add, np.where(valid, values, 0.0), 0.0)
                mean = np.where(has, total / np.maximum(n, 1.0), np.nan)
            if stat == "sum":
                out[stat] = np.where(has, total, np.nan)
            elif stat == "mean":
                out[stat] = mean
            else:  # var, ddof=1, two passes: squared deviations from the group mean
                dev = np.where(valid, values - self.broadcast(np.where(has, mean, 0.0)), 0.0)
                squares = self._reduce(np.add, dev * dev, 0.0)
                out[stat] = np.where(n > 1, squares / np.maximum(n - 1.0, 1.0), np.nan)
        return out

    def level_counts(self, codes: np.ndarray, n_levels: int) -> np.ndarray:
        """Rows per group and level: ``(n_groups, n_levels)`` float64.

        ``codes`` holds a level number per row in group order; negative codes
        (missing or unknown level) are not counted.
        """
        if n_levels == 0 or self.n_groups == 0:
            return np.zeros((self.n_groups, n_levels), dtype=np.float64)
        ok = codes >= 0
        group = self.row_group()[ok]
        if self.n_groups * n_levels >= 2**31:
            group = group.astype(np.int64)
        flat = group * n_levels + codes[ok]
        counts = np.bincount(flat, minlength=self.n_groups * n_levels)
        return counts.reshape(self.n_groups, n_levels).astype(np.float64)

    def scatter(self, per_group: np.ndarray, n_out: int, fill: np.ndarray | float = np.nan) -> np.ndarray:
        """Place per-group rows at their labels in an output of ``n_out`` rows.

        Parameters
        ----------
        per_group : numpy.ndarray
            ``(n_groups, k)`` block (or ``(n_groups,)``), one row per group.
        n_out : int
            Number of output rows; ``labels`` index into them.
        fill : float or numpy.ndarray
            Value(s) of the rows without a group (one per column when an array).
        """
        shape = (n_out,) + per_group.shape[1:]
        out = np.empty(shape, dtype=per_group.dtype)
        out[...] = fill
        if self.n_groups:
            out[self.labels] = per_group
        return out

"""Named per-client aggregates of one history table.

:class:`TableAggregator` wraps the numpy :class:`~scoring_core.features.engine.Groups`
with what the feature definitions need: columns taken once in group order (as
``float64``), category codes against the levels fixed at fit, subsets (masks),
and a registry of feature names. The feature definitions (``bureau.py``,
``previous.py``, ...) only call its methods, so they read like a specification.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .engine import Groups
from .validation import float_values

__all__ = ["TableAggregator", "category_codes", "level_label"]

#: Most values (rows x columns) reduced at once by :meth:`TableAggregator.agg_many`.
_MAX_CHUNK_VALUES = 1 << 23


@functools.lru_cache(maxsize=4096)
def level_label(level: object) -> str:
    """A category level as a feature-name fragment: upper case, ``[A-Z0-9_]`` only.

    Examples
    --------
    >>> level_label("Consumer credit")
    'CONSUMER_CREDIT'
    >>> level_label("Cash X-Sell: low")
    'CASH_X_SELL_LOW'
    """
    text = re.sub(r"[^0-9A-Za-z]+", "_", str(level)).strip("_").upper()
    return text or "EMPTY"


#: ``id(categories) -> (weak reference to the categories, {levels: mapping})``: the
#: slices of one table share their categories, so the mapping is computed once.
_MAPPINGS: dict[int, tuple[weakref.ref, dict[tuple[str, ...], np.ndarray]]] = {}
_MAX_MAPPINGS = 1024


def _level_mapping(categories: pd.Index, levels: Sequence[str]) -> np.ndarray:
    """Level number of each category (``-1`` if not a level), plus a final ``-1`` for code -1."""
    key = tuple(levels)
    entry = _MAPPINGS.get(id(categories))
    if entry is not None and entry[0]() is categories:
        mapping = entry[1].get(key)
        if mapping is not None:
            return mapping
    else:
        if len(_MAPPINGS) >= _MAX_MAPPINGS:
            _MAPPINGS.clear()
        entry = (weakref.ref(categories), {})
        _MAPPINGS[id(categories)] = entry
    lookup = {level: i for i, level in enumerate(key)}
    mapping = [lookup.get(c if isinstance(c, str) else str(c), -1) for c in categories.tolist()]
    mapping.append(-1)  # code -1 (missing value) maps to the last entry
    entry[1][key] = result = np.asarray(mapping, dtype=np.int16 if len(key) < 2**15 else np.int64)
    return result


def category_codes(series: pd.Series, levels: Sequence[str]) -> np.ndarray:
    """Position of each value of ``series`` among ``levels``; ``-1`` for missing or other values.

    Values are compared as strings. ``category`` columns take a fast path (their few
    categories are mapped once, then the codes are looked up); other dtypes are
    converted to ``category`` first.

    Examples
    --------
    >>> category_codes(pd.Series(["b", None, "z", "a"], dtype="category"), ["a", "b"])
    array([ 1, -1, -1,  0], dtype=int16)
    """
    if not isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype("category")
    categorical = series.array
    return _level_mapping(categorical.categories, levels)[categorical.codes]


class TableAggregator:
    """Collect named aggregates of one table, one row per group (client).

    Parameters
    ----------
    groups : Groups
        The rows of the table arranged by client (see :meth:`Groups.from_labels`).
    prefix : str
        Feature-name prefix, e.g. ``"BUREAU"``.
    frame : pandas.DataFrame, optional
        The table (input row order); columns are read lazily. Columns absent from
        the frame read as missing values.
    levels : mapping, optional
        ``{column: levels}`` fixed at fit for :meth:`shares`.
    table : str, optional
        Table name, for error messages.

    Notes
    -----
    Feature values of groups without any row are filled at :meth:`block` time:
    ``0`` for counts, ``NaN`` for everything else.
    """

    def __init__(
        self,
        groups: Groups,
        prefix: str,
        frame: pd.DataFrame | None = None,
        levels: Mapping[str, Sequence[str]] | None = None,
        table: str = "",
    ):
        self.groups = groups
        self.prefix = prefix
        self.table = table or prefix
        self._frame = frame
        self._levels = dict(levels or {})
        self._columns: dict[str, np.ndarray] = {}
        self._names: list[str] = []
        self._values: list[np.ndarray] = []
        self._fills: list[float] = []

    # -- row-level data (group order) ----------------------------------------------
    def column(self, name: str) -> np.ndarray:
        """Column ``name`` in group order as ``float64`` (cached); all-NaN if absent."""
        values = self._columns.get(name)
        if values is None:
            if self._frame is not None and name in self._frame.columns:
                raw = float_values(self._frame[name], self.table, name)
                values = self.groups.take(raw)
            else:
                values = np.full(self.groups.n_rows, np.nan)
            self._columns[name] = values
        return values

    def set_column(self, name: str, values: np.ndarray) -> np.ndarray:
        """Register a derived row-level column (already in group order)."""
        values = np.asarray(values, dtype=np.float64)
        if values.shape != (self.groups.n_rows,):
            raise ValueError(f"column {name}: expected {self.groups.n_rows} values, got {values.shape}")
        self._columns[name] = values
        return values

    def codes(self, column: str, levels: Sequence[str]) -> np.ndarray:
        """Level number of each row (group order) among ``levels``; ``-1`` otherwise."""
        if self._frame is None or column not in self._frame.columns:
            return np.full(self.groups.n_rows, -1, dtype=np.int16)
        return self.groups.take(category_codes(self._frame[column], levels), dtype=None)

    def isin(self, column: str, values: Iterable[str]) -> np.ndarray:
        """Rows (group order) whose ``column`` is one of ``values``."""
        return self.codes(column, list(values)) >= 0

    # -- features -------------------------------------------------------------------
    def _name(self, name: str) -> str:
        return f"{self.prefix}_{name}" if self.prefix else name

    def add(self, name: str, per_group: np.ndarray, fill: float = np.nan) -> np.ndarray:
        """Register a group-level feature ``PREFIX_name``; ``fill`` for groups without rows."""
        per_group = np.asarray(per_group, dtype=np.float64)
        self._names.append(self._name(name))
        self._values.append(per_group)
        self._fills.append(fill)
        return per_group

    def count(self, subset: str = "", where: np.ndarray | None = None) -> np.ndarray:
        """Rows per group (in ``where`` when given): ``PREFIX[_subset]_COUNT``."""
        return self.add(self._join(subset, "COUNT"), self.groups.count(where), fill=0.0)

    def agg(
        self,
        column: str,
        stats: Sequence[str],
        subset: str = "",
        where: np.ndarray | None = None,
    ) -> dict[str, np.ndarray]:
        """Aggregates of ``column``: features ``PREFIX[_subset]_column_STAT``.

        Parameters
        ----------
        column : str
            A table column or a column registered with :meth:`set_column`.
        stats : sequence of str
            Aggregates (see :data:`~scoring_core.features.engine.STATS`).
        subset : str
            Name of the row subset, inserted in the feature names.
        where : numpy.ndarray of bool, optional
            The rows of the subset (group order); other rows are ignored.

        Returns
        -------
        dict
            ``{stat: per-group values}`` (also registered as features).
        """
        values = self.column(column)
        if where is not None:
            values = np.where(where, values, np.nan)
        result = self.groups.stats(values, stats)
        for stat, per_group in result.items():
            fill = 0.0 if stat == "count" else np.nan
            self.add(self._join(subset, column, stat.upper()), per_group, fill=fill)
        return result

    def agg_many(
        self,
        spec: Mapping[str, Sequence[str]],
        subset: str = "",
        where: np.ndarray | None = None,
    ) -> dict[str, dict[str, np.ndarray]]:
        """:meth:`agg` of several columns at once: ``{column: stats}``, features in that order.

        The columns are reduced together (far fewer numpy calls on the few rows of one
        client) in chunks of bounded memory; the arithmetic of each column is the
        same as with :meth:`agg`.
        """
        columns = list(spec)
        chunk = max(1, min(len(columns), _MAX_CHUNK_VALUES // max(self.groups.n_rows, 1)))
        results: dict[str, dict[str, np.ndarray]] = {}
        for first in range(0, len(columns), chunk):
            names = columns[first : first + chunk]
            stats = list(dict.fromkeys(stat for name in names for stat in spec[name]))
            values = np.stack([self.column(name) for name in names])
            if where is not None:
                values[:, ~where] = np.nan
            reduced = self.groups.stats(values, stats)
            for j, name in enumerate(names):
                results[name] = {stat: reduced[stat][j] for stat in spec[name]}
        for name in columns:
            for stat, per_group in results[name].items():
                fill = 0.0 if stat == "count" else np.nan
                self.add(self._join(subset, name, stat.upper()), per_group, fill=fill)
        return results

    def compute(
        self, column: str, stats: Sequence[str], where: np.ndarray | None = None
    ) -> dict[str, np.ndarray]:
        """Like :meth:`agg` but without registering features (intermediate values)."""
        values = self.column(column)
        if where is not None:
            values = np.where(where, values, np.nan)
        return self.groups.stats(values, stats)

    def rate(self, name: str, indicator: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
        """Share of rows where ``indicator`` is 1 among rows where it is defined.

        ``indicator`` holds 1.0, 0.0 or NaN (undefined) per row in group order.
        """
        values = indicator if where is None else np.where(where, indicator, np.nan)
        return self.add(name, self.groups.stats(values, ("mean",))["mean"])

    def shares(self, column: str, subset: str = "") -> np.ndarray:
        """Fraction of the rows of each group in each level of ``column`` fixed at fit.

        Features ``PREFIX[_subset]_column_LEVEL_SHARE``; missing values and levels not
        seen at fit count in the denominator only.
        """
        levels = list(self._levels.get(column, ()))
        counts = self.groups.level_counts(self.codes(column, levels), len(levels))
        rows = self.groups.sizes.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            shares = counts / np.where(rows > 0, rows, np.nan)[:, None]
        for label, values in zip(level_labels(levels), shares.T, strict=True):
            self.add(self._join(subset, column, label, "SHARE"), values)
        return shares

    @staticmethod
    def _join(*parts: str) -> str:
        return "_".join([p for p in parts if p])

    # -- output ----------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        """Feature names registered so far, in order."""
        return list(self._names)

    def block(self, n_out: int) -> tuple[list[str], np.ndarray]:
        """The features as an ``(n_out, k)`` float32 block indexed by group label."""
        k = len(self._names)
        if self.groups.n_groups and k:
            per_group = np.column_stack(self._values).astype(np.float32)
        else:
            per_group = np.empty((self.groups.n_groups, k), dtype=np.float32)
        fill = np.asarray(self._fills, dtype=np.float32)
        return list(self._names), self.groups.scatter(per_group, n_out, fill)


def level_labels(levels: Sequence[object]) -> list[str]:
    """Unique feature-name fragments for ``levels`` (see :func:`level_label`)."""
    labels: list[str] = []
    seen: set[str] = set()
    for level in levels:
        label = base = level_label(level)
        i = 2
        while label in seen:
            label = f"{base}_{i}"
            i += 1
        seen.add(label)
        labels.append(label)
    return labels

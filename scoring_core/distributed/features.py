"""Features on Dask: the same fitted :class:`~scoring_core.features.FeatureBuilder`, one
partition of clients at a time.

:func:`fit_dask_builder` gathers, over the partitions, the very counts
:meth:`FeatureBuilder.fit` takes from whole tables (application category levels, history
share levels of the clients fitted on) and fits the builder through the same code
(:meth:`FeatureBuilder._set_fitted`). :func:`dask_features` runs
:meth:`FeatureBuilder.transform` on each application partition with the history rows of
its clients (:func:`~scoring_core.distributed.tables.align_history`).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from ..data.schema import HISTORY_TABLES
from ..features import FeatureBuilder
from ..features.builder import _MAX_APPLICATION_LEVELS
from ..features.bureau import BUREAU_BALANCE_SHARE_COLUMNS
from ..features.domain import APPLICATION_CATEGORICAL
from ..features.engine import KeyIndex
from ..features.history import HISTORY_SPECS, levels_from_counts
from .tables import DaskTables, Owners, align_history, partition_rows

__all__ = ["fit_dask_builder", "dask_features", "map_client_partitions"]

logger = logging.getLogger(__name__)

Counts = dict[str, Counter]


def _level_counts(frame: pd.DataFrame, columns: Sequence[str], keep: np.ndarray | None) -> Counts:
    """``{column: Counter(level -> rows)}`` over the kept rows, levels as strings (as
    :func:`~scoring_core.features.history.observed_levels` counts them)."""
    out: Counts = {}
    for column in columns:
        if column not in frame.columns:
            continue
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            codes = series.array.codes
            if keep is not None:
                codes = codes[keep]
            n = np.bincount(codes[codes >= 0], minlength=len(series.cat.categories))
            counter = Counter()
            for level, k in zip(series.cat.categories, n, strict=True):
                if k:
                    counter[str(level)] += int(k)
        else:
            values = series if keep is None else series[keep]
            counter = Counter({str(level): int(k) for level, k in values.value_counts(dropna=True).items()})
        out[column] = counter
    return out


def _merge(parts: Sequence[Counts]) -> Counts:
    total: Counts = {}
    for part in parts:
        for column, counter in part.items():
            total.setdefault(column, Counter()).update(counter)
    return total


def _history_counts(frame: pd.DataFrame, owners: Owners, columns: Sequence[str]) -> Counts:
    keep = owners.lookup(frame["SK_ID_CURR"].to_numpy()) >= 0
    return _level_counts(frame, columns, keep)


def _fit_credits(frame: pd.DataFrame, owners: Owners) -> np.ndarray:
    keep = owners.lookup(frame["SK_ID_CURR"].to_numpy()) >= 0
    return frame["SK_ID_BUREAU"].to_numpy()[keep].astype(np.int64)


def _balance_counts(frame: pd.DataFrame, credits: KeyIndex) -> Counts:
    keep = credits.lookup(frame["SK_ID_BUREAU"].to_numpy()) >= 0
    return _level_counts(frame, BUREAU_BALANCE_SHARE_COLUMNS, keep)


def _app_counts(frame: pd.DataFrame, owners: Owners | None, columns: Sequence[str]) -> Counts:
    keep = None if owners is None else owners.lookup(frame["SK_ID_CURR"].to_numpy()) >= 0
    return _level_counts(frame, columns, keep)


def fit_dask_builder(
    tables: DaskTables, builder: FeatureBuilder | None = None, *, clients: np.ndarray | None = None
) -> FeatureBuilder:
    """Fit ``builder`` (default ``FeatureBuilder()``) on the fit partitions of ``tables``.

    Gives the fitted state :meth:`FeatureBuilder.fit` gives on the same tables in memory
    (``application_train`` and the history tables): same history tables, category levels,
    feature names and dtypes. Two passes over the raw partitions, no shuffle.

    ``clients`` (``SK_ID_CURR`` values) fits on these application rows instead (e.g. the
    training split of ``train``: ``fit`` on ``application.iloc[idx_train]`` in memory).
    """
    builder = builder if builder is not None else FeatureBuilder()
    builder._check_params()
    ids = tables.client_ids()
    if clients is None:
        fit_ids = ids[: tables.fit_partitions]
        app_parts = tables.application.to_delayed()[: tables.fit_partitions]
        app_owners = None
    else:
        fit_ids = [np.asarray(clients, dtype=np.int64)]
        app_parts = tables.application.to_delayed()
        app_owners = dask.delayed(Owners(fit_ids), pure=True)
    owners = dask.delayed(Owners(fit_ids), pure=True)
    app_columns = [c for c in APPLICATION_CATEGORICAL if c in tables.application.columns]
    tasks = {"application": [dask.delayed(_app_counts)(p, app_owners, app_columns) for p in app_parts]}
    present = [name for name in HISTORY_TABLES if tables.history.get(name) is not None]
    if "bureau_balance" in present and "bureau" not in present:
        logger.warning("table bureau_balance is ignored: it links to clients only through bureau")
        present.remove("bureau_balance")
    shares = {spec.table: spec.share_columns for spec in HISTORY_SPECS}
    for name in present:
        if name == "bureau_balance":
            continue
        parts = tables.history[name].to_delayed()
        tasks[name] = [dask.delayed(_history_counts)(p, owners, shares[name]) for p in parts]
    if "bureau_balance" in present:
        tasks["credits"] = [
            dask.delayed(_fit_credits)(p, owners) for p in tables.history["bureau"].to_delayed()
        ]
    (done,) = dask.compute(tasks)
    app_counts = _merge(done["application"])
    categories = {
        column: levels_from_counts(app_counts[column].items(), _MAX_APPLICATION_LEVELS)
        if column in app_counts
        else []
        for column in APPLICATION_CATEGORICAL
    }
    levels: dict[str, dict[str, list[str]]] = {}
    for spec in HISTORY_SPECS:
        if spec.table not in present:
            continue
        counts = _merge(done[spec.table])
        levels[spec.table] = {
            column: levels_from_counts(counts[column].items(), builder.max_levels)
            for column in spec.share_columns
            if column in counts
        }
        if spec.table == "bureau" and "bureau_balance" in present:
            credits = dask.delayed(KeyIndex(np.concatenate(done["credits"])), pure=True)
            parts = tables.history["bureau_balance"].to_delayed()
            (balance,) = dask.compute([dask.delayed(_balance_counts)(p, credits) for p in parts])
            counts = _merge(balance)
            levels["bureau_balance"] = {
                column: levels_from_counts(counts[column].items(), builder.max_levels)
                for column in BUREAU_BALANCE_SHARE_COLUMNS
                if column in counts
            }
    empty = {name: tables.history[name]._meta for name in present}
    return builder._set_fitted(present, categories, levels, empty)


def _client_tables(app: pd.DataFrame, names: Sequence[str], frames: Sequence[pd.DataFrame]) -> dict:
    tables = {"application": app.reset_index(drop=True)}
    for name, frame in zip(names, frames, strict=True):
        tables[name] = partition_rows(frame)
    return tables


class _Apply:
    """``func`` on the client tables of one aligned partition (picklable)."""

    def __init__(self, func: Callable, names: Sequence[str]):
        self.func = func
        self.names = list(names)

    def __call__(self, app: pd.DataFrame, *frames: pd.DataFrame) -> pd.DataFrame:
        return self.func(_client_tables(app, self.names, frames))


def map_client_partitions(
    tables: DaskTables,
    func: Callable[[dict[str, pd.DataFrame]], pd.DataFrame],
    meta: pd.DataFrame,
    history_tables: Sequence[str] | None = None,
) -> dd.DataFrame:
    """``func`` on the tables of each partition of clients (``{"application": rows, table: rows}``).

    Parameters
    ----------
    tables : DaskTables
    func : callable
        Takes the in-memory tables of one partition of clients (as
        :meth:`~scoring_core.data.Dataset.feature_tables` gives them for all clients:
        file order, the tables' columns) and returns a data frame.
    meta : pandas.DataFrame
        An empty frame with the columns and dtypes ``func`` returns.
    history_tables : sequence of str, optional
        History tables ``func`` needs (default: all present); absent ones are not passed.
    """
    aligned = align_history(tables)
    names = [
        name
        for name in HISTORY_TABLES
        if aligned.get(name) is not None and (history_tables is None or name in history_tables)
    ]
    frames = [aligned[name] for name in names]
    return dd.map_partitions(
        _Apply(func, names),
        tables.application,
        *frames,
        meta=meta,
        align_dataframes=False,
        enforce_metadata=False,
    )


class _Transform:
    """A picklable ``tables -> features`` of a fitted builder (``TARGET`` first, as ``target``)."""

    def __init__(self, builder: FeatureBuilder, target=None):
        self.builder = builder
        self.target = target

    def __call__(self, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
        features = self.builder.transform(tables)
        if self.target is not None:
            app = tables["application"]
            # no TARGET (only application_test): a column of None, as the in-memory file has
            values = app["TARGET"].astype(self.target).to_numpy() if "TARGET" in app else None
            features.insert(0, "TARGET", values)
        return features


def feature_meta(builder: FeatureBuilder, tables: DaskTables, target=None) -> pd.DataFrame:
    """The empty feature frame (columns, dtypes, index) of ``builder``."""
    empty = {"application": tables.application._meta}
    empty.update({name: frame._meta for name, frame in tables.history.items() if frame is not None})
    return _Transform(builder, target)(empty)


def dask_features(tables: DaskTables, builder: FeatureBuilder, *, target=None) -> dd.DataFrame:
    """The features of every application row, partition by partition.

    Parameters
    ----------
    tables : DaskTables
        From :func:`~scoring_core.distributed.tables.load_dask_tables`.
    builder : FeatureBuilder
        Fitted (:func:`fit_dask_builder`, or a model's ``builder``).

    Returns
    -------
    dask.dataframe.DataFrame
        Indexed by ``SK_ID_CURR`` in application order, the columns and dtypes of
        :meth:`FeatureBuilder.transform`; ``.compute()`` equals the in-memory features.
        With ``target`` (a dtype, e.g. ``"float64"``), the application's ``TARGET`` comes
        first, cast to it (one dtype in every partition, for one parquet schema).
    """
    return map_client_partitions(
        tables, _Transform(builder, target), feature_meta(builder, tables, target), builder.history_tables_
    )

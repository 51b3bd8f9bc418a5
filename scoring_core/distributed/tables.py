"""The tables of a data directory as Dask data frames, and history rows moved to their clients.

:func:`load_dask_tables` mirrors :meth:`scoring_core.data.Dataset.feature_tables`: the
application rows (``train``, ``test`` or ``all``: train then test) and the six history
tables. :func:`align_history` moves every history row to the partition of the application
holding its client (``bureau_balance`` through the ``bureau`` credit it belongs to), so that
partition ``i`` of every table holds everything the clients of application partition ``i``
need, and nothing of other clients. Rows keep their file order within a client (a sequence
number taken before the shuffle), so per-client sums add the same numbers in the same order
as in memory: the features are equal bit for bit, not only close.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from ..data.loader import DataWarning
from ..data.schema import APPLICATION_TABLES, HISTORY_TABLES, get_schema
from ..errors import DataError, DuplicateKeyError, MissingTableError
from ..features.engine import KeyIndex
from .reader import read_dask_table, table_path

__all__ = [
    "DaskTables",
    "Owners",
    "load_dask_tables",
    "dask_tables_from_pandas",
    "align_history",
    "PART",
    "SEQ",
]

logger = logging.getLogger(__name__)

#: Columns added to history rows while they travel: the application partition of their
#: client, and their position in the files (partition << 32 | row).
PART = "__part"
SEQ = "__seq"


@dataclass
class DaskTables:
    """Application rows and history tables of one data set, as Dask data frames.

    Attributes
    ----------
    application : dask.dataframe.DataFrame
        Rows to featurize, in file order (train partitions first for ``"all"``).
    history : dict
        ``{table: dask DataFrame or None}`` for the six history tables.
    fit_partitions : int
        The first ``fit_partitions`` application partitions are the clients a builder is
        fitted on (``application_train``; every partition when there is none).
    source : str
        Where the data comes from (for messages).
    """

    application: dd.DataFrame
    history: dict[str, dd.DataFrame | None]
    fit_partitions: int
    source: str = ""
    _ids: list[np.ndarray] | None = field(default=None, repr=False)

    @property
    def npartitions(self) -> int:
        return self.application.npartitions

    def client_ids(self) -> list[np.ndarray]:
        """``SK_ID_CURR`` of each application partition (computed once).

        Raises
        ------
        DuplicateKeyError
            When a client id appears twice in the application rows.
        """
        if self._ids is None:
            parts = self.application["SK_ID_CURR"].to_delayed()
            self._ids = [np.asarray(a, dtype=np.int64) for a in dask.compute(*parts)]
            ids = np.concatenate(self._ids) if self._ids else np.empty(0, np.int64)
            unique, counts = np.unique(ids, return_counts=True)
            if (counts > 1).any():
                raise DuplicateKeyError("application", "SK_ID_CURR", unique[counts > 1][:5].tolist())
        return self._ids


class Owners:
    """The application partition of each client id (``-1`` for other ids)."""

    def __init__(self, ids_per_partition: list[np.ndarray]):
        ids = np.concatenate(ids_per_partition) if ids_per_partition else np.empty(0, np.int64)
        self.index = KeyIndex(ids)
        self.partition = np.repeat(
            np.arange(len(ids_per_partition), dtype=np.int32), [len(a) for a in ids_per_partition]
        )

    def lookup(self, values: np.ndarray) -> np.ndarray:
        pos = self.index.lookup(np.asarray(values))
        out = np.full(len(pos), -1, dtype=np.int32)
        hit = pos >= 0
        out[hit] = self.partition[pos[hit]]
        return out


def _with_target(frame: pd.DataFrame) -> pd.DataFrame:
    """``application_test`` rows as :meth:`Dataset.applications` puts them after the train rows."""
    return frame.assign(TARGET=pd.array([pd.NA] * len(frame), dtype="Int8"))


def _target_int8(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(TARGET=frame["TARGET"].astype("Int8"))


def load_dask_tables(
    data_dir: str | Path,
    which: str = "all",
    *,
    tables: Mapping[str, bool] | None = None,
    require_train: bool = False,
    **read_kwargs,
) -> DaskTables:
    """The tables of ``data_dir`` as Dask data frames (nothing is read but file metadata).

    Parameters
    ----------
    data_dir : directory in the Kaggle layout (files, or ``NAME.parquet/`` directories).
    which : ``"train"``, ``"test"``, ``"all"`` (train then test) or ``"auto"`` (test, or
        train when there is no test table: the clients ``score`` scores).
    tables : history tables to read (default: all present).
    require_train : fail when ``application_train`` is absent.
    read_kwargs : passed to :func:`~scoring_core.distributed.reader.table_pieces`.

    Raises
    ------
    DataError
        Unknown directory, no application table (named), unreadable file.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError(f"data directory {data_dir} does not exist or is not a directory")
    paths = {t: table_path(data_dir, t) for t in APPLICATION_TABLES + HISTORY_TABLES}
    if require_train and paths["application_train"] is None:
        raise MissingTableError(f"table application_train not found in {data_dir}; it is needed to train")
    if paths["application_train"] is None and paths["application_test"] is None:
        raise MissingTableError(f"no application_train or application_test table found in {data_dir}")
    if which == "auto":
        which = "test" if paths["application_test"] is not None else "train"
    if which not in ("train", "test", "all"):
        raise ValueError("which must be 'train', 'test', 'all' or 'auto'")
    wanted = [t for t in (("train", "test") if which == "all" else (which,)) if paths[f"application_{t}"]]
    if not wanted:
        raise MissingTableError(f"table application_{which} not found in {data_dir}")
    apps = {t: read_dask_table(paths[f"application_{t}"], f"application_{t}", **read_kwargs) for t in wanted}
    if len(apps) == 2:
        train = apps["train"].map_partitions(_target_int8, meta=_target_int8(apps["train"]._meta))
        test = apps["test"].map_partitions(_with_target, meta=_with_target(apps["test"]._meta))
        test = test[list(train.columns)]
        application = dd.concat([train, test], interleave_partitions=False)
        fit_partitions = train.npartitions
    else:
        application = next(iter(apps.values()))
        fit_partitions = application.npartitions
    history: dict[str, dd.DataFrame | None] = {}
    for name in HISTORY_TABLES:
        if (tables is not None and not tables.get(name, False)) or paths[name] is None:
            history[name] = None
            if paths[name] is None:
                warnings.warn(
                    f"table {name} not found in {data_dir}: its features will be missing",
                    DataWarning,
                    stacklevel=2,
                )
            continue
        history[name] = read_dask_table(paths[name], name, **read_kwargs)
    return DaskTables(application, history, fit_partitions, source=str(data_dir))


def dask_tables_from_pandas(
    tables: Mapping[str, pd.DataFrame | None],
    npartitions: int = 2,
    *,
    fit_partitions: int | None = None,
    source: str = "in-memory data",
) -> DaskTables:
    """:class:`DaskTables` from loaded (normalized) pandas tables, e.g. for tests or data
    already in memory: ``{"application": rows, table: rows}`` as
    :meth:`~scoring_core.data.Dataset.feature_tables` gives them.

    The application is cut into ``npartitions`` partitions in row order (the first
    ``fit_partitions``, all by default, are the clients a builder is fitted on); the history
    tables too, in any number of partitions.
    """
    app = tables.get("application")
    if app is None:
        raise MissingTableError("table application is required (the application rows to featurize)")
    application = dd.from_pandas(app, npartitions=npartitions, sort=False)
    history = {
        name: None
        if tables.get(name) is None
        else dd.from_pandas(tables[name], npartitions=npartitions, sort=False)
        for name in HISTORY_TABLES
    }
    n = application.npartitions
    return DaskTables(application, history, n if fit_partitions is None else fit_partitions, source=source)


# ----------------------------------------------------------------------------- shuffle


def _tag(frame: pd.DataFrame, owners: Owners, key: str | None, partition_info=None) -> pd.DataFrame:
    """Add the sequence number (and the client's partition when ``key`` is given); drop the
    rows of clients that are not in the application."""
    number = partition_info["number"] if partition_info else 0
    seq = (np.int64(number) << 32) + np.arange(len(frame), dtype=np.int64)
    out = frame.assign(**{SEQ: seq})
    if key is None:
        return out
    part = owners.lookup(frame[key].to_numpy())
    out[PART] = part
    return out[part >= 0]


def _meta_tagged(meta: pd.DataFrame, key: str | None) -> pd.DataFrame:
    out = meta.assign(**{SEQ: np.empty(0, np.int64)})
    if key is not None:
        out[PART] = np.empty(0, np.int32)
    return out


def _unique_check(history: Mapping[str, dd.DataFrame | None]) -> list:
    """Lazy counts of rows and distinct unique keys (``bureau`` and ``previous_application``)."""
    checks = []
    for name, frame in history.items():
        key = get_schema(name).unique_key
        if frame is not None and key is not None:
            checks.append((name, key, frame[key].count(), frame[key].nunique()))
    return checks


def align_history(tables: DaskTables) -> dict[str, dd.DataFrame | None]:
    """The history tables with partition ``i`` holding the rows of application partition ``i``.

    Each returned frame has as many partitions as the application, rows in file order
    (within a partition, sorted by their position in the files) and the table's own
    columns only. Rows of clients that are not in the application are dropped (the in-memory
    features ignore them too); ``bureau_balance`` rows follow the ``bureau`` credit they
    belong to (without ``bureau`` they cannot be linked: ``None``).

    Raises
    ------
    DuplicateKeyError
        Duplicate ``SK_ID_CURR`` in the application, ``SK_ID_BUREAU`` in ``bureau`` or
        ``SK_ID_PREV`` in ``previous_application`` (over all partitions).
    """
    ids = tables.client_ids()
    checks = _unique_check(tables.history)
    if checks:
        counts = dask.compute(*[(n, u) for _, _, n, u in checks])
        for (name, key, _, _), (n, u) in zip(checks, counts, strict=True):
            if int(n) != int(u):
                frame = tables.history[name]
                dup = frame[key].value_counts()
                raise DuplicateKeyError(name, key, dup[dup > 1].compute().index[:5].tolist())
    owners = dask.delayed(Owners(ids), pure=True)
    n = tables.npartitions
    divisions = tuple(range(n + 1))
    out: dict[str, dd.DataFrame | None] = {}
    tagged_bureau = None
    for name, frame in tables.history.items():
        if frame is None or name == "bureau_balance":
            continue
        tagged = frame.map_partitions(
            _tag, owners, "SK_ID_CURR", meta=_meta_tagged(frame._meta, "SK_ID_CURR")
        )
        if name == "bureau":
            tagged_bureau = tagged
        out[name] = tagged.set_index(PART, divisions=divisions, sort=True)
    balance = tables.history.get("bureau_balance")
    if balance is not None and tagged_bureau is not None:
        seq = balance.map_partitions(_tag, None, None, meta=_meta_tagged(balance._meta, None))
        owners_of_credit = tagged_bureau[["SK_ID_BUREAU", PART]]
        linked = seq.merge(owners_of_credit, on="SK_ID_BUREAU", how="inner")
        out["bureau_balance"] = linked.set_index(PART, divisions=divisions, sort=True)
    elif balance is not None:
        logger.warning("table bureau_balance is ignored: it links to clients only through bureau")
    return {name: out.get(name) for name in HISTORY_TABLES}


def partition_rows(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """The rows of an aligned partition as the in-memory table had them: file order, the
    table's columns only, a fresh ``RangeIndex``."""
    if frame is None:
        return None
    frame = frame.sort_values(SEQ, kind="stable")
    return frame.drop(columns=[SEQ]).reset_index(drop=True)

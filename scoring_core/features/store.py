"""Fast access to one client's rows of every table (the single-client path).

:class:`HistoryStore` sorts each history table once by client (``bureau_balance`` by
the client owning the bureau credit) and keeps the group offsets, so that a client's
rows are a contiguous slice found by binary search: no scan of the tables. The
slices go through the very same :meth:`FeatureBuilder.transform` as the batch.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..data.schema import HISTORY_TABLES, SCHEMAS
from ..errors import DataError, UnknownClientError
from .engine import KeyIndex
from .validation import get_table, id_values

__all__ = ["HistoryStore", "empty_table", "new_client_tables"]

logger = logging.getLogger(__name__)


class _SortedTable:
    """One table sorted by client id, with the offsets of each client's rows."""

    def __init__(self, frame: pd.DataFrame, keys: np.ndarray):
        keep = keys >= 0
        rows = np.flatnonzero(keep) if not keep.all() else np.arange(len(keys))
        rows = rows[np.argsort(keys[rows], kind="stable")]
        sorted_keys = keys[rows]
        self.frame = frame.take(rows).reset_index(drop=True)
        # Column lookups on an object Index are cheaper than on pandas' string Index.
        self.frame.columns = pd.Index(list(frame.columns), dtype=object)
        if len(sorted_keys):
            starts = np.concatenate(([0], np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1))
        else:
            starts = np.empty(0, dtype=np.int64)
        self.keys = sorted_keys[starts].astype(np.int64)
        self.starts = starts.astype(np.int64)
        self.stops = np.append(self.starts[1:], len(sorted_keys)).astype(np.int64)

    def rows_of(self, ids: np.ndarray) -> pd.DataFrame:
        """Rows of the clients ``ids`` (in the order of ``ids``)."""
        pos = np.searchsorted(self.keys, ids)
        pos_c = np.minimum(pos, max(len(self.keys) - 1, 0))
        hit = (
            (pos < len(self.keys)) & (self.keys[pos_c] == ids) if len(self.keys) else np.zeros(len(ids), bool)
        )
        if len(ids) == 1:
            if hit[0]:
                return self.frame.iloc[self.starts[pos_c[0]] : self.stops[pos_c[0]]]
            return self.frame.iloc[0:0]
        starts, stops = self.starts[pos_c[hit]], self.stops[pos_c[hit]]
        lengths = stops - starts
        offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        return self.frame.iloc[offsets + np.arange(int(lengths.sum()))]


class HistoryStore:
    """Each client's rows of every table, found in O(log n).

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame or None
        Optional ``"application"`` (then :meth:`client_tables` also returns the
        client's application row and rejects unknown clients) and the history
        tables (absent ones are simply not returned). The store keeps sorted copies:
        the input tables can be released afterwards.

    Examples
    --------
    >>> store = HistoryStore(tables)  # doctest: +SKIP
    >>> builder.transform(store.client_tables(100002))  # doctest: +SKIP
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame | None]):
        self._application: pd.DataFrame | None = get_table(tables, "application")
        self._app_index: KeyIndex | None = None
        if self._application is not None:
            self._application = self._application.copy(deep=False)
            self._application.columns = pd.Index(list(self._application.columns), dtype=object)
            self._app_index = KeyIndex(id_values(self._application, "application", "SK_ID_CURR"))
        self._tables: dict[str, _SortedTable] = {}
        bureau = get_table(tables, "bureau")
        for name in HISTORY_TABLES:
            frame = get_table(tables, name)
            if frame is None:
                continue
            if name == "bureau_balance":
                if bureau is None:
                    logger.warning("table bureau_balance is ignored: it links to clients only through bureau")
                    continue
                owners = id_values(bureau, "bureau", "SK_ID_CURR").astype(np.int64)
                credit = KeyIndex(id_values(bureau, "bureau", "SK_ID_BUREAU"))
                pos = credit.lookup(id_values(frame, name, "SK_ID_BUREAU"))
                keys = np.where(pos >= 0, owners[np.maximum(pos, 0)] if len(owners) else -1, -1)
            else:
                keys = id_values(frame, name, "SK_ID_CURR").astype(np.int64)
            self._tables[name] = _SortedTable(frame, keys)

    @property
    def tables(self) -> tuple[str, ...]:
        """Names of the history tables held."""
        return tuple(self._tables)

    def __contains__(self, client_id: object) -> bool:
        if self._app_index is None:
            return any(np.isin(client_id, t.keys).any() for t in self._tables.values())
        return bool(self._app_index.lookup(np.atleast_1d(np.asarray(client_id, dtype=np.int64)))[0] >= 0)

    def client_tables(self, client_ids: int | Sequence[int] | np.ndarray) -> dict[str, pd.DataFrame]:
        """The rows of one or several clients in every table held.

        Parameters
        ----------
        client_ids : int or sequence of int
            ``SK_ID_CURR`` value(s).

        Returns
        -------
        dict
            ``{"application": rows (when the store has an application table), table: rows}``;
            a client without rows in a table gets an empty frame (same columns and dtypes).

        Raises
        ------
        UnknownClientError
            When the store has an application table and a client is not in it.
        """
        ids = np.atleast_1d(np.asarray(client_ids)).astype(np.int64)
        out: dict[str, pd.DataFrame] = {}
        if self._application is not None:
            out["application"] = self._application_rows(ids)
        for name, table in self._tables.items():
            out[name] = table.rows_of(ids)
        return out

    def application_rows(self, client_ids: int | Sequence[int] | np.ndarray) -> pd.DataFrame:
        """The application rows of one or several clients (``client_tables(...)["application"]``
        without looking up the history tables).

        Raises
        ------
        UnknownClientError
            When a client is not in the application table.
        ValueError
            When the store holds no application table.
        """
        if self._application is None:
            raise ValueError("this store holds no application table")
        return self._application_rows(np.atleast_1d(np.asarray(client_ids)).astype(np.int64))

    def _application_rows(self, ids: np.ndarray) -> pd.DataFrame:
        pos = self._app_index.lookup(ids)
        if (pos < 0).any():
            raise UnknownClientError(int(ids[pos < 0][0]))
        if len(pos) == 1:  # a slice is much cheaper than a take
            return self._application.iloc[pos[0] : pos[0] + 1]
        return self._application.iloc[pos]


def empty_table(name: str) -> pd.DataFrame:
    """A table with no rows and the schema's columns and dtypes (``application`` too)."""
    schema = SCHEMAS["application_test" if name == "application" else name]
    return pd.DataFrame({c: pd.Series([], dtype=schema.dtype(c)) for c in schema.columns})


def new_client_tables(
    application: pd.DataFrame,
    history: Mapping[str, pd.DataFrame | None] | None = None,
) -> dict[str, pd.DataFrame]:
    """The tables of brand-new applications, ready for :meth:`FeatureBuilder.transform`.

    Parameters
    ----------
    application : pandas.DataFrame
        The new application row(s) (application columns, ``SK_ID_CURR`` included).
    history : mapping, optional
        History records given with the application, by table name. Tables not
        given mean "no records" (empty tables: counts are 0, other aggregates
        missing). When there is one application row, records without a
        ``SK_ID_CURR`` column are attached to it.

    Returns
    -------
    dict
        ``{"application": application, table: records}`` for the six history tables.
    """
    history = dict(history or {})
    unknown = sorted(set(history) - set(HISTORY_TABLES))
    if unknown:
        raise DataError(f"unknown history tables {unknown}; expected some of {', '.join(HISTORY_TABLES)}")
    tables: dict[str, pd.DataFrame] = {"application": application}
    for name in HISTORY_TABLES:
        frame = get_table(history, name)
        if frame is None:
            frame = empty_table(name)
        elif (
            "SK_ID_CURR" in SCHEMAS[name].columns
            and "SK_ID_CURR" not in frame.columns
            and len(application) == 1
        ):
            frame = frame.assign(SK_ID_CURR=application["SK_ID_CURR"].iloc[0])
        tables[name] = frame
    return tables

"""The history tables: which are featurized, their category levels, their feature blocks.

Every block is computed per client (rows grouped by the client's position in the
application table), so the result for a client only depends on that client's
rows: the same code serves the batch, a partition of clients, or one client.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from .aggregator import TableAggregator
from .bureau import (
    BUREAU_BALANCE_SHARE_COLUMNS,
    BUREAU_SHARE_COLUMNS,
    bureau_balance_features,
    bureau_features,
    summarize_bureau_balance,
)
from .credit_card import CREDIT_CARD_SHARE_COLUMNS, credit_card_features
from .engine import Groups, KeyIndex
from .installments import INSTALLMENTS_SHARE_COLUMNS, installments_features
from .pos_cash import POS_SHARE_COLUMNS, pos_cash_features
from .previous import PREVIOUS_SHARE_COLUMNS, previous_features
from .spec import FeatureParams, HistorySpec
from .validation import get_table, id_values

__all__ = [
    "HISTORY_SPECS",
    "BUREAU_BALANCE_PREFIX",
    "fit_levels",
    "history_blocks",
    "levels_from_counts",
    "observed_levels",
]

#: The history tables keyed by ``SK_ID_CURR``, in feature order.
HISTORY_SPECS: tuple[HistorySpec, ...] = (
    HistorySpec("bureau", "BUREAU", BUREAU_SHARE_COLUMNS, bureau_features),
    HistorySpec("previous_application", "PREV", PREVIOUS_SHARE_COLUMNS, previous_features),
    HistorySpec("POS_CASH_balance", "POS", POS_SHARE_COLUMNS, pos_cash_features),
    HistorySpec("installments_payments", "INST", INSTALLMENTS_SHARE_COLUMNS, installments_features),
    HistorySpec("credit_card_balance", "CC", CREDIT_CARD_SHARE_COLUMNS, credit_card_features),
)
#: Prefix of the ``bureau_balance`` features (aggregated through ``bureau``).
BUREAU_BALANCE_PREFIX = "BB"

Levels = Mapping[str, Mapping[str, Sequence[str]]]


def observed_levels(series: pd.Series, keep: np.ndarray | None, max_levels: int) -> list[str]:
    """The ``max_levels`` most frequent non-missing values of ``series[keep]``, sorted by name."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.array.codes
        if keep is not None:
            codes = codes[keep]
        counts = np.bincount(codes[codes >= 0], minlength=len(series.cat.categories))
        pairs = [(str(level), int(n)) for level, n in zip(series.cat.categories, counts, strict=True) if n]
    else:
        values = series if keep is None else series[keep]
        pairs = [(str(level), int(n)) for level, n in values.value_counts(dropna=True).items()]
    return levels_from_counts(pairs, max_levels)


def levels_from_counts(pairs: Iterable[tuple[str, int]], max_levels: int) -> list[str]:
    """The ``max_levels`` most frequent levels of ``(level, count)`` pairs, sorted by name.

    Ties are broken by name; levels with a zero count are never kept. The same rule as
    :func:`observed_levels`, for counts gathered elsewhere (e.g. merged over partitions).
    """
    top = sorted(((str(level), int(n)) for level, n in pairs if n), key=lambda pair: (-pair[1], pair[0]))
    return sorted(level for level, _ in top[:max_levels])


def fit_levels(
    tables: Mapping[str, pd.DataFrame | None],
    clients: KeyIndex,
    present: Sequence[str],
    max_levels: int,
) -> dict[str, dict[str, list[str]]]:
    """Category levels of the share features, from the rows of the given clients.

    Returns
    -------
    dict
        ``{table: {column: levels}}`` for the tables in ``present``.
    """
    levels: dict[str, dict[str, list[str]]] = {}
    for spec in HISTORY_SPECS:
        if spec.table not in present:
            continue
        frame = get_table(tables, spec.table)
        keep = clients.lookup(id_values(frame, spec.table, "SK_ID_CURR")) >= 0
        levels[spec.table] = {
            column: observed_levels(frame[column], keep, max_levels)
            for column in spec.share_columns
            if column in frame.columns
        }
        if spec.table == "bureau" and "bureau_balance" in present:
            balance = get_table(tables, "bureau_balance")
            credits = KeyIndex(id_values(frame, "bureau", "SK_ID_BUREAU")[keep])
            balance_keep = credits.lookup(id_values(balance, "bureau_balance", "SK_ID_BUREAU")) >= 0
            levels["bureau_balance"] = {
                column: observed_levels(balance[column], balance_keep, max_levels)
                for column in BUREAU_BALANCE_SHARE_COLUMNS
                if column in balance.columns
            }
    return levels


Block = tuple[list[str], np.ndarray] | None


def history_blocks(
    tables: Mapping[str, pd.DataFrame | None],
    clients: KeyIndex,
    present: Sequence[str],
    levels: Levels,
    params: FeatureParams,
) -> Iterator[tuple[str, Block]]:
    """Feature blocks of the history tables in ``present``, one table at a time.

    Parameters
    ----------
    tables : mapping
        The history tables (absent or ``None`` ones give a ``None`` block).
    clients : KeyIndex
        Output row of each client (``SK_ID_CURR``); rows of other clients are ignored.
    present : sequence of str
        Tables featurized (those present at fit).
    levels : mapping
        Category levels fixed at fit (:func:`fit_levels`).
    params : FeatureParams
        Window parameters.

    Yields
    ------
    (table, block)
        ``block`` is ``(names, values)`` with ``values`` an ``(n_clients, k)`` float32
        array, or ``None`` when the table is absent.
    """
    n_out = clients.size
    for spec in HISTORY_SPECS:
        if spec.table not in present:
            continue
        with_balance = spec.table == "bureau" and "bureau_balance" in present
        frame = get_table(tables, spec.table)
        if frame is None:
            yield spec.table, None
            if with_balance:
                yield "bureau_balance", None
            continue
        labels = clients.lookup(id_values(frame, spec.table, "SK_ID_CURR"))
        agg = TableAggregator(
            Groups.from_labels(labels), spec.prefix, frame, levels.get(spec.table), spec.table
        )
        spec.build(agg, params)
        yield spec.table, agg.block(n_out)
        if with_balance:
            yield "bureau_balance", _bureau_balance_block(tables, frame, agg, levels, params, n_out)


def _bureau_balance_block(
    tables: Mapping[str, pd.DataFrame | None],
    bureau: pd.DataFrame,
    bureau_agg: TableAggregator,
    levels: Levels,
    params: FeatureParams,
    n_out: int,
) -> Block:
    balance = get_table(tables, "bureau_balance")
    if balance is None:
        return None
    status_levels = list(levels.get("bureau_balance", {}).get("STATUS", ()))
    bureau_ids = bureau_agg.groups.take(id_values(bureau, "bureau", "SK_ID_BUREAU"), dtype=np.int64)
    balance_ids = id_values(balance, "bureau_balance", "SK_ID_BUREAU")
    per_credit = summarize_bureau_balance(balance, balance_ids, bureau_ids, status_levels, params)
    agg = TableAggregator(bureau_agg.groups, BUREAU_BALANCE_PREFIX)
    active = bureau_agg.isin("CREDIT_ACTIVE", ["Active"])
    bureau_balance_features(agg, per_credit, status_levels, active)
    return agg.block(n_out)

"""Features of the credit bureau: ``bureau`` and, through it, ``bureau_balance``.

``bureau_balance`` is keyed by ``SK_ID_BUREAU`` only: it is first summarized per
bureau credit (months reported, months past due, worst status, ...), the summaries
are attached to the credits of ``bureau``, and then aggregated per client.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .aggregator import TableAggregator, category_codes, level_labels
from .engine import Groups, KeyIndex, safe_div
from .spec import FeatureParams

__all__ = [
    "BUREAU_SHARE_COLUMNS",
    "BUREAU_BALANCE_SHARE_COLUMNS",
    "bureau_features",
    "summarize_bureau_balance",
    "bureau_balance_features",
]

BUREAU_SHARE_COLUMNS: tuple[str, ...] = ("CREDIT_ACTIVE", "CREDIT_TYPE")
BUREAU_BALANCE_SHARE_COLUMNS: tuple[str, ...] = ("STATUS",)

#: Severity of a monthly ``STATUS``: ``0`` no days past due, ``1``..``5`` DPD buckets
#: (1-30 days ... over 120 days / written off), ``C`` closed. ``X`` (unknown) has none.
_STATUS_SEVERITY: dict[str, float] = {"0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "C": 0}


_ALL: dict[str, tuple[str, ...]] = {
    "DAYS_CREDIT": ("min", "max", "mean", "var"),
    "CREDIT_DAY_OVERDUE": ("max", "mean"),
    "DAYS_CREDIT_ENDDATE": ("max", "mean"),
    "DAYS_ENDDATE_FACT": ("max", "mean"),
    "DAYS_CREDIT_UPDATE": ("mean",),
    "AMT_CREDIT_MAX_OVERDUE": ("max",),
    "CNT_CREDIT_PROLONG": ("sum",),
    "AMT_CREDIT_SUM": ("max", "mean", "sum"),
    "AMT_CREDIT_SUM_DEBT": ("max", "mean", "sum"),
    "AMT_CREDIT_SUM_LIMIT": ("sum",),
    "AMT_CREDIT_SUM_OVERDUE": ("max", "sum"),
    "AMT_ANNUITY": ("max", "mean"),
    "DEBT_CREDIT_RATIO": ("mean", "max"),  # derived: debt / credit of each credit
    "CREDIT_DURATION": ("mean",),  # derived: planned end - start, in days
}
_ACTIVE: dict[str, tuple[str, ...]] = {
    "AMT_CREDIT_SUM": ("sum", "mean"),
    "AMT_CREDIT_SUM_DEBT": ("sum", "mean", "max"),
    "AMT_CREDIT_SUM_OVERDUE": ("sum",),
    "AMT_ANNUITY": ("sum",),
    "DAYS_CREDIT": ("mean", "max"),
    "DAYS_CREDIT_ENDDATE": ("mean", "max"),
    "CREDIT_DAY_OVERDUE": ("max",),
    "AMT_CREDIT_MAX_OVERDUE": ("max",),
}
_CLOSED: dict[str, tuple[str, ...]] = {
    "AMT_CREDIT_SUM": ("sum", "mean"),
    "AMT_CREDIT_SUM_DEBT": ("sum",),
    "DAYS_CREDIT": ("mean", "max"),
    "DAYS_ENDDATE_FACT": ("mean", "max"),
    "AMT_CREDIT_MAX_OVERDUE": ("max",),
}
_RECENT: dict[str, tuple[str, ...]] = {"AMT_CREDIT_SUM": ("sum",), "AMT_CREDIT_SUM_DEBT": ("sum",)}


def bureau_features(agg: TableAggregator, params: FeatureParams) -> None:
    """Register the ``BUREAU_*`` features (all credits, active, closed, recent)."""
    credit, debt = agg.column("AMT_CREDIT_SUM"), agg.column("AMT_CREDIT_SUM_DEBT")
    agg.set_column("DEBT_CREDIT_RATIO", safe_div(debt, credit))
    agg.set_column("CREDIT_DURATION", agg.column("DAYS_CREDIT_ENDDATE") - agg.column("DAYS_CREDIT"))

    agg.count()
    total = agg.agg_many(_ALL)
    agg.add(
        "TOTAL_DEBT_CREDIT_RATIO",
        safe_div(total["AMT_CREDIT_SUM_DEBT"]["sum"], total["AMT_CREDIT_SUM"]["sum"]),
    )
    agg.add(
        "TOTAL_OVERDUE_DEBT_RATIO",
        safe_div(total["AMT_CREDIT_SUM_OVERDUE"]["sum"], total["AMT_CREDIT_SUM_DEBT"]["sum"]),
    )
    for column in BUREAU_SHARE_COLUMNS:
        agg.shares(column)

    active = agg.isin("CREDIT_ACTIVE", ["Active"])
    agg.count("ACTIVE", active)
    sums = agg.agg_many(_ACTIVE, "ACTIVE", active)
    agg.add(
        "ACTIVE_DEBT_CREDIT_RATIO",
        safe_div(sums["AMT_CREDIT_SUM_DEBT"]["sum"], sums["AMT_CREDIT_SUM"]["sum"]),
    )

    closed = agg.isin("CREDIT_ACTIVE", ["Closed"])
    agg.count("CLOSED", closed)
    agg.agg_many(_CLOSED, "CLOSED", closed)

    recent = agg.column("DAYS_CREDIT") >= -params.recent_days
    agg.count("RECENT", recent)
    agg.agg_many(_RECENT, "RECENT", recent)


def summarize_bureau_balance(
    frame: pd.DataFrame,
    balance_ids: np.ndarray,
    bureau_ids: np.ndarray,
    status_levels: Sequence[str],
    params: FeatureParams,
) -> dict[str, np.ndarray]:
    """Summarize ``bureau_balance`` per bureau credit.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``bureau_balance`` rows (any order; rows of unknown credits are ignored).
    balance_ids : numpy.ndarray
        The ``SK_ID_BUREAU`` of each row of ``frame``.
    bureau_ids : numpy.ndarray
        ``SK_ID_BUREAU`` of the bureau credits, in the order the summaries are wanted.
    status_levels : sequence of str
        ``STATUS`` levels fixed at fit (one monthly count per level).
    params : FeatureParams
        ``recent_months`` sets the recent window.

    Returns
    -------
    dict
        Per-credit arrays aligned with ``bureau_ids`` (``NaN`` for credits without
        monthly data): ``MONTHS``, ``DPD_MONTHS`` (status 1-5), ``WORST_STATUS``,
        ``FIRST_MONTH``, ``RECENT_MONTHS``, ``RECENT_DPD_MONTHS``, ``STATUS_<LEVEL>``.
    """
    groups = Groups.from_labels(KeyIndex(bureau_ids).lookup(balance_ids))
    rows = TableAggregator(groups, "", frame, table="bureau_balance")
    severity_table = np.append(np.array(list(_STATUS_SEVERITY.values()), dtype=np.float64), np.nan)
    severity = severity_table[rows.codes("STATUS", list(_STATUS_SEVERITY))]
    dpd = severity >= 1
    per_credit = {
        "MONTHS": groups.count(),
        "DPD_MONTHS": groups.count(dpd),
        "WORST_STATUS": groups.stats(severity, ("max",))["max"],
    }
    del severity  # the table can be large: free row-level arrays as soon as possible
    months = rows.column("MONTHS_BALANCE")
    recent = months >= -params.recent_months
    per_credit["FIRST_MONTH"] = groups.stats(months, ("min",))["min"]
    del rows, months
    per_credit["RECENT_MONTHS"] = groups.count(recent)
    per_credit["RECENT_DPD_MONTHS"] = groups.count(dpd & recent)
    del dpd, recent
    codes = groups.take(category_codes(frame["STATUS"], list(status_levels)), dtype=None)
    counts = groups.level_counts(codes, len(status_levels))
    for label, values in zip(level_labels(status_levels), counts.T, strict=True):
        per_credit[f"STATUS_{label}"] = values
    n_credits = len(bureau_ids)
    return {name: groups.scatter(values, n_credits) for name, values in per_credit.items()}


def bureau_balance_features(
    agg: TableAggregator,
    per_credit: dict[str, np.ndarray],
    status_levels: Sequence[str],
    active: np.ndarray,
) -> None:
    """Register the ``BB_*`` features: monthly bureau data aggregated per client.

    Parameters
    ----------
    agg : TableAggregator
        Aggregator over the client's bureau credits (prefix ``BB``).
    per_credit : dict
        :func:`summarize_bureau_balance` output, in the aggregator's row order.
    status_levels : sequence of str
        ``STATUS`` levels fixed at fit.
    active : numpy.ndarray of bool
        Which credits are active (row order of the aggregator).
    """
    for name, values in per_credit.items():
        agg.set_column(name, values)
    agg.count("CREDITS", ~np.isnan(agg.column("MONTHS")))
    months = agg.agg("MONTHS", ("sum", "mean"))
    dpd = agg.agg("DPD_MONTHS", ("sum",))
    agg.add("DPD_SHARE", safe_div(dpd["sum"], months["sum"]))
    agg.set_column("CREDIT_DPD_SHARE", safe_div(agg.column("DPD_MONTHS"), agg.column("MONTHS")))
    agg.agg("CREDIT_DPD_SHARE", ("mean", "max"))
    agg.agg("WORST_STATUS", ("max", "mean"))
    agg.agg("WORST_STATUS", ("max",), "ACTIVE", active)
    agg.agg("FIRST_MONTH", ("min",))
    recent = agg.agg("RECENT_MONTHS", ("sum",))
    recent_dpd = agg.compute("RECENT_DPD_MONTHS", ("sum",))
    agg.add("RECENT_DPD_SHARE", safe_div(recent_dpd["sum"], recent["sum"]))
    for label in level_labels(status_levels):
        level = agg.compute(f"STATUS_{label}", ("sum",))
        agg.add(f"STATUS_{label}_SHARE", safe_div(level["sum"], months["sum"]))

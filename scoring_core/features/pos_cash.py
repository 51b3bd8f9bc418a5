"""Features of the monthly point-of-sale and cash loan balances (``POS_CASH_balance``)."""

from __future__ import annotations

import numpy as np

from .aggregator import TableAggregator
from .engine import indicator, safe_div
from .spec import FeatureParams

__all__ = ["POS_SHARE_COLUMNS", "pos_cash_features", "latest_month"]

POS_SHARE_COLUMNS: tuple[str, ...] = ("NAME_CONTRACT_STATUS",)


def latest_month(agg: TableAggregator) -> np.ndarray:
    """Rows (group order) of the most recent ``MONTHS_BALANCE`` of their client."""
    months = agg.column("MONTHS_BALANCE")
    last = agg.groups.stats(months, ("max",))["max"]
    return months == agg.groups.broadcast(last)


_ALL: dict[str, tuple[str, ...]] = {
    "MONTHS_BALANCE": ("min", "mean"),
    "CNT_INSTALMENT": ("mean", "max"),
    "CNT_INSTALMENT_FUTURE": ("mean", "min", "max"),
    "SK_DPD": ("max", "mean"),
    "SK_DPD_DEF": ("max", "mean"),
    "REMAINING_RATIO": ("mean", "min"),  # derived: future / total instalments
}
_RECENT: dict[str, tuple[str, ...]] = {
    "SK_DPD": ("max", "mean"),
    "CNT_INSTALMENT_FUTURE": ("mean", "max"),
    "REMAINING_RATIO": ("mean",),
}
_LAST_MONTH: dict[str, tuple[str, ...]] = {"CNT_INSTALMENT_FUTURE": ("sum",), "SK_DPD": ("max",)}


def pos_cash_features(agg: TableAggregator, params: FeatureParams) -> None:
    """Register the ``POS_*`` features (all months, recent months, latest month)."""
    agg.set_column(
        "REMAINING_RATIO", safe_div(agg.column("CNT_INSTALMENT_FUTURE"), agg.column("CNT_INSTALMENT"))
    )
    dpd, dpd_def = agg.column("SK_DPD"), agg.column("SK_DPD_DEF")
    dpd_flag = indicator(dpd > 0, ~np.isnan(dpd))

    agg.count()
    agg.agg_many(_ALL)
    agg.rate("DPD_SHARE", dpd_flag)
    agg.rate("DPD_DEF_SHARE", indicator(dpd_def > 0, ~np.isnan(dpd_def)))
    for column in POS_SHARE_COLUMNS:
        agg.shares(column)

    recent = agg.column("MONTHS_BALANCE") >= -params.recent_months
    agg.count("RECENT", recent)
    agg.rate("RECENT_DPD_SHARE", dpd_flag, where=recent)
    agg.agg_many(_RECENT, "RECENT", recent)

    # Remaining instalments over the loans reported in the client's latest month.
    last = latest_month(agg)
    agg.count("LAST_MONTH", last)
    agg.agg_many(_LAST_MONTH, "LAST_MONTH", last)

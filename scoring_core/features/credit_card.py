"""Features of the monthly credit card balances (``credit_card_balance``)."""

from __future__ import annotations

import numpy as np

from .aggregator import TableAggregator
from .engine import indicator, safe_div
from .pos_cash import latest_month
from .spec import FeatureParams

__all__ = ["CREDIT_CARD_SHARE_COLUMNS", "credit_card_features"]

CREDIT_CARD_SHARE_COLUMNS: tuple[str, ...] = ("NAME_CONTRACT_STATUS",)

_AGGREGATES: dict[str, tuple[str, ...]] = {
    "MONTHS_BALANCE": ("min", "mean"),
    "AMT_BALANCE": ("mean", "max"),
    "AMT_CREDIT_LIMIT_ACTUAL": ("mean", "max"),
    "AMT_DRAWINGS_ATM_CURRENT": ("mean", "sum"),
    "AMT_DRAWINGS_CURRENT": ("mean", "max", "sum"),
    "AMT_DRAWINGS_POS_CURRENT": ("mean", "sum"),
    "AMT_INST_MIN_REGULARITY": ("mean", "max"),
    "AMT_PAYMENT_TOTAL_CURRENT": ("mean", "sum"),
    "AMT_TOTAL_RECEIVABLE": ("mean",),
    "CNT_DRAWINGS_ATM_CURRENT": ("mean",),
    "CNT_DRAWINGS_CURRENT": ("mean", "max", "sum"),
    "CNT_DRAWINGS_POS_CURRENT": ("mean",),
    "CNT_INSTALMENT_MATURE_CUM": ("max",),
    "SK_DPD": ("mean", "max"),
    "SK_DPD_DEF": ("max",),
    # derived, per month
    "UTILISATION": ("mean", "max", "var"),  # balance / limit
    "DRAWINGS_LIMIT_RATIO": ("mean", "max"),  # drawings / limit
    "PAYMENT_MIN_RATIO": ("mean", "min"),  # paid / minimum instalment
}
_RECENT: dict[str, tuple[str, ...]] = {
    "UTILISATION": ("mean", "max"),
    "AMT_BALANCE": ("mean",),
    "AMT_DRAWINGS_CURRENT": ("sum",),
    "AMT_PAYMENT_TOTAL_CURRENT": ("sum",),
    "SK_DPD": ("max",),
}


def credit_card_features(agg: TableAggregator, params: FeatureParams) -> None:
    """Register the ``CC_*`` features (all months, recent months, latest month)."""
    limit = agg.column("AMT_CREDIT_LIMIT_ACTUAL")
    paid, minimum = agg.column("AMT_PAYMENT_TOTAL_CURRENT"), agg.column("AMT_INST_MIN_REGULARITY")
    agg.set_column("UTILISATION", safe_div(agg.column("AMT_BALANCE"), limit))
    agg.set_column("DRAWINGS_LIMIT_RATIO", safe_div(agg.column("AMT_DRAWINGS_CURRENT"), limit))
    agg.set_column("PAYMENT_MIN_RATIO", safe_div(paid, minimum))
    below_min = indicator(paid < minimum, (minimum > 0) & ~np.isnan(paid))
    dpd = agg.column("SK_DPD")
    dpd_flag = indicator(dpd > 0, ~np.isnan(dpd))

    agg.count()
    agg.agg_many(_AGGREGATES)
    agg.rate("BELOW_MIN_PAYMENT_RATE", below_min)
    agg.rate("DPD_SHARE", dpd_flag)
    for column in CREDIT_CARD_SHARE_COLUMNS:
        agg.shares(column)

    recent = agg.column("MONTHS_BALANCE") >= -params.recent_months
    agg.count("RECENT", recent)
    agg.agg_many(_RECENT, "RECENT", recent)
    agg.rate("RECENT_DPD_SHARE", dpd_flag, where=recent)
    agg.rate("RECENT_BELOW_MIN_PAYMENT_RATE", below_min, where=recent)

    last = latest_month(agg)
    last_balance = agg.compute("AMT_BALANCE", ("sum",), where=last)["sum"]
    last_limit = agg.compute("AMT_CREDIT_LIMIT_ACTUAL", ("sum",), where=last)["sum"]
    agg.add("LAST_MONTH_AMT_BALANCE_SUM", last_balance)
    agg.add("LAST_MONTH_UTILISATION", safe_div(last_balance, last_limit))

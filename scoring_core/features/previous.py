"""Features of the previous Home Credit applications (``previous_application``)."""

from __future__ import annotations

from .aggregator import TableAggregator
from .engine import safe_div
from .spec import FeatureParams

__all__ = ["PREVIOUS_SHARE_COLUMNS", "previous_features"]

PREVIOUS_SHARE_COLUMNS: tuple[str, ...] = (
    "NAME_CONTRACT_STATUS",
    "NAME_CONTRACT_TYPE",
    "NAME_CLIENT_TYPE",
    "NAME_YIELD_GROUP",
    "CHANNEL_TYPE",
)

_ALL: dict[str, tuple[str, ...]] = {
    "AMT_ANNUITY": ("mean", "max"),
    "AMT_APPLICATION": ("mean", "max", "sum"),
    "AMT_CREDIT": ("mean", "max", "sum"),
    "AMT_DOWN_PAYMENT": ("mean",),
    "AMT_GOODS_PRICE": ("mean",),
    "RATE_DOWN_PAYMENT": ("mean",),
    "DAYS_DECISION": ("min", "max", "mean"),
    "CNT_PAYMENT": ("mean", "max", "sum"),
    "DAYS_LAST_DUE_1ST_VERSION": ("mean", "max"),
    "DAYS_LAST_DUE": ("mean", "max"),
    "DAYS_TERMINATION": ("mean", "max"),
    "NFLAG_INSURED_ON_APPROVAL": ("mean",),
    # derived, per application
    "APP_CREDIT_RATIO": ("mean", "min", "max", "var"),  # amount asked / amount granted
    "CREDIT_GOODS_RATIO": ("mean", "max"),
    "SIMPLE_INTEREST": ("mean", "max"),  # (total repaid / credit - 1) / number of payments
    "DUE_DELAY": ("mean", "max"),  # last due date - first planned last due date
}
_APPROVED: dict[str, tuple[str, ...]] = {
    "AMT_CREDIT": ("sum", "mean", "max"),
    "AMT_APPLICATION": ("sum",),
    "AMT_ANNUITY": ("sum", "mean"),
    "CNT_PAYMENT": ("mean",),
    "DAYS_DECISION": ("max", "mean"),
    "APP_CREDIT_RATIO": ("mean",),
    "DAYS_LAST_DUE_1ST_VERSION": ("max",),
}
_REFUSED: dict[str, tuple[str, ...]] = {
    "AMT_APPLICATION": ("sum", "mean", "max"),
    "DAYS_DECISION": ("max", "mean"),
    "APP_CREDIT_RATIO": ("mean",),
}
_RECENT: dict[str, tuple[str, ...]] = {"AMT_APPLICATION": ("sum",), "AMT_CREDIT": ("sum",)}


def previous_features(agg: TableAggregator, params: FeatureParams) -> None:
    """Register the ``PREV_*`` features (all applications, approved, refused, recent)."""
    amt_credit, cnt_payment = agg.column("AMT_CREDIT"), agg.column("CNT_PAYMENT")
    agg.set_column("APP_CREDIT_RATIO", safe_div(agg.column("AMT_APPLICATION"), amt_credit))
    agg.set_column("CREDIT_GOODS_RATIO", safe_div(amt_credit, agg.column("AMT_GOODS_PRICE")))
    repaid_ratio = safe_div(cnt_payment * agg.column("AMT_ANNUITY"), amt_credit)
    agg.set_column("SIMPLE_INTEREST", safe_div(repaid_ratio - 1.0, cnt_payment))
    agg.set_column("DUE_DELAY", agg.column("DAYS_LAST_DUE") - agg.column("DAYS_LAST_DUE_1ST_VERSION"))

    n_all = agg.count()
    total = agg.agg_many(_ALL)
    agg.add("TOTAL_APP_CREDIT_RATIO", safe_div(total["AMT_APPLICATION"]["sum"], total["AMT_CREDIT"]["sum"]))
    for column in PREVIOUS_SHARE_COLUMNS:
        agg.shares(column)

    approved = agg.isin("NAME_CONTRACT_STATUS", ["Approved"])
    agg.count("APPROVED", approved)
    agg.agg_many(_APPROVED, "APPROVED", approved)

    refused = agg.isin("NAME_CONTRACT_STATUS", ["Refused"])
    n_refused = agg.count("REFUSED", refused)
    agg.agg_many(_REFUSED, "REFUSED", refused)
    agg.add("REFUSAL_RATE", safe_div(n_refused, n_all))

    recent = agg.column("DAYS_DECISION") >= -params.recent_days
    n_recent = agg.count("RECENT", recent)
    n_recent_refused = agg.count("RECENT_REFUSED", recent & refused)
    agg.add("RECENT_REFUSAL_RATE", safe_div(n_recent_refused, n_recent))
    agg.agg_many(_RECENT, "RECENT", recent)

"""Features of the repayment history (``installments_payments``).

A payment is *late* when ``DAYS_ENTRY_PAYMENT > DAYS_INSTALMENT`` and *under* the
instalment when ``AMT_PAYMENT < AMT_INSTALMENT``; rows where either side is missing
(e.g. no payment recorded) count in neither the numerator nor the denominator of
these rates.
"""

from __future__ import annotations

import numpy as np

from .aggregator import TableAggregator
from .engine import indicator, safe_div
from .spec import FeatureParams

__all__ = ["INSTALLMENTS_SHARE_COLUMNS", "installments_features"]

INSTALLMENTS_SHARE_COLUMNS: tuple[str, ...] = ()


_ALL: dict[str, tuple[str, ...]] = {
    "NUM_INSTALMENT_VERSION": ("max", "mean"),
    "NUM_INSTALMENT_NUMBER": ("max",),
    "DAYS_INSTALMENT": ("min", "max", "mean"),
    "DAYS_ENTRY_PAYMENT": ("max",),
    "AMT_INSTALMENT": ("sum", "mean", "max"),
    "AMT_PAYMENT": ("sum", "mean", "max"),
    # derived, per instalment
    "DAYS_LATE": ("max", "mean", "sum"),  # days paid after the due date (0 if on time)
    "DAYS_EARLY": ("max", "mean"),  # days paid before the due date
    "UNDERPAYMENT_AMT": ("sum", "mean", "max"),  # amount missing (0 if paid in full)
    "PAYMENT_DIFF": ("mean", "max", "var"),  # instalment - payment
    "PAYMENT_RATIO": ("mean", "min", "max", "var"),  # payment / instalment
}
_RECENT: dict[str, tuple[str, ...]] = {
    "DAYS_LATE": ("max", "mean"),
    "UNDERPAYMENT_AMT": ("sum",),
    "PAYMENT_RATIO": ("mean",),
    "AMT_PAYMENT": ("sum",),
}


def installments_features(agg: TableAggregator, params: FeatureParams) -> None:
    """Register the ``INST_*`` features (all instalments and the recent window)."""
    due = agg.column("DAYS_INSTALMENT")
    delay = agg.column("DAYS_ENTRY_PAYMENT") - due
    has_delay = ~np.isnan(delay)
    agg.set_column("DAYS_LATE", np.where(has_delay, np.maximum(delay, 0.0), np.nan))
    agg.set_column("DAYS_EARLY", np.where(has_delay, np.maximum(-delay, 0.0), np.nan))
    missing = agg.column("AMT_INSTALMENT") - agg.column("AMT_PAYMENT")
    has_missing = ~np.isnan(missing)
    agg.set_column("UNDERPAYMENT_AMT", np.where(has_missing, np.maximum(missing, 0.0), np.nan))
    agg.set_column("PAYMENT_DIFF", missing)
    agg.set_column("PAYMENT_RATIO", safe_div(agg.column("AMT_PAYMENT"), agg.column("AMT_INSTALMENT")))
    late = indicator(delay > 0, has_delay)
    under = indicator(missing > 0, has_missing)

    agg.count()
    total = agg.agg_many(_ALL)
    agg.rate("LATE_RATE", late)
    agg.count("LATE", late == 1.0)
    agg.rate("UNDERPAYMENT_RATE", under)
    agg.add("TOTAL_PAYMENT_RATIO", safe_div(total["AMT_PAYMENT"]["sum"], total["AMT_INSTALMENT"]["sum"]))

    recent = due >= -params.recent_days
    agg.count("RECENT", recent)
    agg.rate("RECENT_LATE_RATE", late, where=recent)
    agg.rate("RECENT_UNDERPAYMENT_RATE", under, where=recent)
    agg.agg_many(_RECENT, "RECENT", recent)

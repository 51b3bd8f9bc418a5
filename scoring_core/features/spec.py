"""Small value objects shared by the feature definitions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .aggregator import TableAggregator

__all__ = ["FeatureParams", "HistorySpec"]


@dataclass(frozen=True)
class FeatureParams:
    """Parameters of the history aggregates (copied from the builder's parameters).

    Parameters
    ----------
    recent_days : int
        Window of the ``RECENT`` aggregates of day-dated tables (``DAYS_* >= -recent_days``).
    recent_months : int
        Window of the ``RECENT`` aggregates of monthly tables (``MONTHS_BALANCE >= -recent_months``).
    """

    recent_days: int = 365
    recent_months: int = 12


@dataclass(frozen=True)
class HistorySpec:
    """How one history table keyed by ``SK_ID_CURR`` is featurized.

    Parameters
    ----------
    table : str
        Kaggle table name.
    prefix : str
        Prefix of its feature names.
    share_columns : tuple of str
        Categorical columns whose level shares are features (levels fixed at fit).
    build : callable
        ``build(aggregator, params)`` registers the features on a
        :class:`~scoring_core.features.aggregator.TableAggregator`.
    """

    table: str
    prefix: str
    share_columns: tuple[str, ...]
    build: Callable[[TableAggregator, FeatureParams], None]

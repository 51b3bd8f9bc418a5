"""Feature engineering: one feature implementation for training, batch and single-client scoring.

The main entry points are :class:`FeatureBuilder` (a scikit-learn transformer over a
mapping of tables), :func:`build_features`, and :class:`HistoryStore` for the fast
single-client path (API, what-if).

Examples
--------
>>> from scoring_core.features import FeatureBuilder, HistoryStore  # doctest: +SKIP
>>> builder = FeatureBuilder().fit(tables)  # doctest: +SKIP
>>> X = builder.transform(tables)  # one row per application row  # doctest: +SKIP
>>> store = HistoryStore(tables)  # doctest: +SKIP
>>> x = builder.transform(store.client_tables(100002))  # same row, in milliseconds  # doctest: +SKIP
"""

from .builder import INDEX_NAME, FeatureBuilder, build_features
from .domain import DOMAIN_FEATURES
from .engine import Groups, KeyIndex, indicator, safe_div
from .spec import FeatureParams
from .store import HistoryStore, empty_table, new_client_tables

__all__ = [
    "FeatureBuilder",
    "build_features",
    "HistoryStore",
    "new_client_tables",
    "empty_table",
    "INDEX_NAME",
    "DOMAIN_FEATURES",
    "FeatureParams",
    "Groups",
    "KeyIndex",
    "indicator",
    "safe_div",
]

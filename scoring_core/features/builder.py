"""The feature transformer: application rows plus history tables -> one row per client."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..data.schema import HISTORY_TABLES, SCHEMAS
from ..errors import DuplicateKeyError
from .domain import (
    APPLICATION_CATEGORICAL,
    APPLICATION_NUMERIC,
    DOMAIN_FEATURES,
    application_categorical,
    application_numeric,
    domain_features,
)
from .engine import KeyIndex
from .history import fit_levels, history_blocks, observed_levels
from .spec import FeatureParams
from .validation import get_application, get_table, id_values

__all__ = ["FeatureBuilder", "build_features", "INDEX_NAME"]

logger = logging.getLogger(__name__)

INDEX_NAME = "SK_ID_CURR"
_REQUIRED = SCHEMAS["application_test"].required
_APPLICATION_BLOCK = "application"
_DOMAIN_BLOCK = "domain"
_MAX_APPLICATION_LEVELS = 10_000

Tables = Mapping[str, pd.DataFrame | None]


@dataclass(frozen=True)
class _Layout:
    """Output layout derived from a fitted builder: categorical columns, then numeric ones."""

    names: list[str]
    category_dtypes: dict[str, pd.CategoricalDtype]
    numeric: pd.Index
    widths: dict[str, int]
    #: the numeric features of the history blocks, in output order (the end of ``numeric``)
    history: pd.Index

    @classmethod
    def build(cls, builder: FeatureBuilder) -> _Layout:
        dtypes = builder.dtypes_
        categorical = [name for name in builder.feature_names_ if dtypes[name] == "category"]
        numeric = [name for name in builder.feature_names_ if dtypes[name] == "float32"]
        if builder.feature_names_ != categorical + numeric:  # a bug, not a data problem
            raise RuntimeError("the categorical features must come first")
        widths = {
            block: sum(dtypes[name] == "float32" for name in names)
            for block, names in builder.table_features_.items()
        }
        return cls(
            names=builder.feature_names_,
            category_dtypes={
                name: pd.CategoricalDtype(pd.Index(builder.categories_[name])) for name in categorical
            },
            numeric=pd.Index(numeric),
            widths=widths,
            history=pd.Index(numeric[widths[_APPLICATION_BLOCK] + widths[_DOMAIN_BLOCK] :]),
        )


class FeatureBuilder(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Build one feature row per application from the application and history tables.

    Follows scikit-learn's transformer contract, except that ``X`` is a mapping of
    table name to DataFrame: ``"application"`` (rows to featurize; a ``TARGET``
    column is ignored) and any of the six Kaggle history tables (``bureau``,
    ``bureau_balance``, ``previous_application``, ``POS_CASH_balance``,
    ``installments_payments``, ``credit_card_balance``), normalized by the loader.

    Parameters
    ----------
    recent_days : int, default=365
        Window of the ``RECENT`` aggregates of ``bureau`` (``DAYS_CREDIT``),
        ``previous_application`` (``DAYS_DECISION``) and ``installments_payments``
        (``DAYS_INSTALMENT``).
    recent_months : int, default=12
        Window of the ``RECENT`` aggregates of the monthly tables (``MONTHS_BALANCE``).
    max_levels : int, default=8
        Most frequent levels (at fit) of a history categorical column that get a
        ``..._SHARE`` feature.

    Attributes
    ----------
    history_tables_ : tuple of str
        History tables present at fit, hence featurized.
    categories_ : dict
        ``{column: categories}`` of the application categorical columns.
    levels_ : dict
        ``{table: {column: levels}}`` of the history share features.
    feature_names_ : list of str
        The output columns, in order.
    dtypes_ : dict
        ``{feature: "float32" | "category"}``.
    table_features_ : dict
        ``{block: feature names}`` per source (``application``, ``domain``, tables).
    n_features_out_ : int
        Number of output columns.

    Notes
    -----
    Counts are ``0`` for a client without rows in a table; every other aggregate of
    an empty set of values is ``NaN``. A table present at fit but absent at
    transform gives ``NaN`` for all its features (with a warning); a table absent at
    fit is not featurized.

    Examples
    --------
    >>> builder = FeatureBuilder().fit(tables)  # doctest: +SKIP
    >>> X = builder.transform(tables)  # doctest: +SKIP
    >>> X_one = builder.transform(store.client_tables(100002))  # doctest: +SKIP
    """

    def __init__(self, recent_days: int = 365, recent_months: int = 12, max_levels: int = 8):
        self.recent_days = recent_days
        self.recent_months = recent_months
        self.max_levels = max_levels

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.dict = True
        tags.input_tags.allow_nan = True
        return tags

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_layout_cache", None)  # derived pandas objects: rebuilt on demand
        return state

    # -- fit --------------------------------------------------------------------------
    def fit(self, tables: Tables, y=None) -> FeatureBuilder:
        """Record the tables, category levels and output columns.

        Parameters
        ----------
        tables : mapping of str to pandas.DataFrame or None
            ``"application"`` (required) and optional history tables.
        y : ignored

        Returns
        -------
        FeatureBuilder
            The fitted builder.

        Raises
        ------
        MissingTableError
            When ``tables`` has no ``"application"``.
        MissingColumnError, DuplicateKeyError, ColumnTypeError
            When the application or a history table is not usable.
        """
        self._check_params()
        app = get_application(tables, _REQUIRED)
        clients = self._clients(id_values(app, "application", "SK_ID_CURR"))
        present = [name for name in HISTORY_TABLES if get_table(tables, name) is not None]
        if "bureau_balance" in present and "bureau" not in present:
            logger.warning("table bureau_balance is ignored: it links to clients only through bureau")
            present.remove("bureau_balance")
        absent = [name for name in HISTORY_TABLES if name not in present]
        if absent:
            logger.info("history tables not featurized (absent at fit): %s", ", ".join(absent))
        categories = {
            column: observed_levels(app[column], None, _MAX_APPLICATION_LEVELS)
            if column in app.columns
            else []
            for column in APPLICATION_CATEGORICAL
        }
        levels = fit_levels(tables, clients, present, self.max_levels)
        empty = {name: get_table(tables, name).iloc[:0] for name in present}
        return self._set_fitted(present, categories, levels, empty)

    def _set_fitted(
        self,
        present: list[str],
        categories: dict[str, list[str]],
        levels: dict[str, dict[str, list[str]]],
        empty: Tables,
    ) -> FeatureBuilder:
        """Set the fitted attributes from the tables featurized and the levels observed.

        ``empty`` holds a frame with no rows (the columns and dtypes) of every table in
        ``present``. Shared by :meth:`fit` and fits whose counts are gathered elsewhere
        (``scoring_core.distributed``), so both derive the output columns one way.
        """
        self.history_tables_ = tuple(present)
        self.categories_ = categories
        self.levels_ = levels

        # Names come from the very code that computes the values, run on no rows.
        blocks = {
            _APPLICATION_BLOCK: list(APPLICATION_CATEGORICAL) + list(APPLICATION_NUMERIC),
            _DOMAIN_BLOCK: list(DOMAIN_FEATURES),
        }
        for table, block in history_blocks(
            empty, KeyIndex(np.empty(0, np.int64)), self.history_tables_, self.levels_, self._params()
        ):
            blocks[table] = block[0]
        self.table_features_ = blocks
        self.feature_names_ = [name for names in blocks.values() for name in names]
        duplicated = pd.Index(self.feature_names_).duplicated()
        if duplicated.any():  # a bug in the feature definitions, not in the data
            raise RuntimeError(f"duplicate feature names: {np.asarray(self.feature_names_)[duplicated]}")
        categorical = set(APPLICATION_CATEGORICAL)
        self.dtypes_ = {
            name: "category" if name in categorical else "float32" for name in self.feature_names_
        }
        self.n_features_out_ = len(self.feature_names_)
        logger.info("fitted %d features from %d history tables", self.n_features_out_, len(present))
        return self

    # -- persistence (JSON, no pickle) ----------------------------------------------------
    _STATE_ATTRS = (
        "history_tables_",
        "categories_",
        "levels_",
        "feature_names_",
        "dtypes_",
        "table_features_",
        "n_features_out_",
    )

    def to_state(self) -> dict:
        """The parameters and fitted state as JSON-compatible data (see :meth:`from_state`)."""
        check_is_fitted(self, "feature_names_")
        state = {name: getattr(self, name) for name in self._STATE_ATTRS}
        state["history_tables_"] = list(state["history_tables_"])
        return {"params": self.get_params(), "fitted": _jsonable(state)}

    @classmethod
    def from_state(cls, state: dict) -> FeatureBuilder:
        """Rebuild a fitted builder from :meth:`to_state` output.

        Raises
        ------
        ValueError
            If the state is incomplete.
        """
        try:
            builder = cls(**state["params"])
            fitted = state["fitted"]
            for name in cls._STATE_ATTRS:
                setattr(builder, name, fitted[name])
        except (KeyError, TypeError) as exc:
            raise ValueError(f"incomplete feature builder state: {exc}") from None
        builder.history_tables_ = tuple(builder.history_tables_)
        builder._check_params()
        return builder

    def _check_params(self) -> None:
        for name in ("recent_days", "recent_months", "max_levels"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")

    def _params(self) -> FeatureParams:
        return FeatureParams(recent_days=int(self.recent_days), recent_months=int(self.recent_months))

    @staticmethod
    def _clients(ids: np.ndarray) -> KeyIndex:
        """Output row of each client id; duplicate ids are an error."""
        if len(ids) > 1:
            unique, counts = np.unique(ids, return_counts=True)
            if (counts > 1).any():
                raise DuplicateKeyError("application", "SK_ID_CURR", unique[counts > 1][:5].tolist())
        return KeyIndex(ids)

    # -- transform ----------------------------------------------------------------------
    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """The output feature names, in order (``object`` array, like scikit-learn)."""
        check_is_fitted(self, "feature_names_")
        return np.asarray(self.feature_names_, dtype=object)

    def category_dtypes(self) -> dict[str, pd.CategoricalDtype]:
        """``{column: CategoricalDtype}`` of the categorical output columns (fixed at fit)."""
        return dict(self._layout().category_dtypes)

    def _layout(self) -> _Layout:
        """Derived from the fitted attributes once (building pandas dtypes is slow)."""
        check_is_fitted(self, "feature_names_")
        layout = getattr(self, "_layout_cache", None)
        if layout is None or layout.names is not self.feature_names_:
            layout = _Layout.build(self)
            self._layout_cache = layout
        return layout

    def transform(self, tables: Tables, *, history: pd.DataFrame | None = None) -> pd.DataFrame:
        """Features of the application rows.

        Parameters
        ----------
        tables : mapping of str to pandas.DataFrame or None
            ``"application"`` and the history tables (full tables, a partition of
            clients, or one client's rows, e.g. from :class:`HistoryStore`).
        history : pandas.DataFrame, optional
            Features already built by this builder for the same clients (indexed by
            ``SK_ID_CURR``): their history features are reused instead of being computed
            from the history tables, which are then not needed. History features never
            depend on the application, so a what-if (changed application, same history)
            gets exactly the features a full computation gives, at a fraction of the cost.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``SK_ID_CURR`` in the order of the application rows, with
            exactly :attr:`feature_names_` as columns: ``float32`` features and the
            application categorical columns with the categories fixed at fit.
        """
        layout = self._layout()
        app = get_application(tables, _REQUIRED)
        ids = id_values(app, "application", "SK_ID_CURR")
        clients = self._clients(ids)
        out = np.empty((len(app), len(layout.numeric)), dtype=np.float32)
        start = 0
        blocks = self._blocks(tables, app, clients) if history is None else self._reused(app, ids, history)
        for block_name, values in blocks:
            width = layout.widths[block_name]
            out[:, start : start + width] = values
            start += width
        np.copyto(out, np.float32(np.nan), where=np.isinf(out))

        if ids.dtype != np.int32 and (len(ids) == 0 or (ids.min() >= -(2**31) and ids.max() < 2**31)):
            ids = ids.astype(np.int32)  # the schema's id type, whatever the input (e.g. JSON)
        index = pd.Index(ids, name=INDEX_NAME)
        categorical = application_categorical(app, self.categories_, layout.category_dtypes)
        categorical = pd.DataFrame(categorical, index=index)
        numeric = pd.DataFrame(out, index=index, columns=layout.numeric, copy=False)
        return pd.concat([categorical, numeric], axis=1)

    def _reused(self, app: pd.DataFrame, ids: np.ndarray, history: pd.DataFrame):
        """The application blocks computed, the history blocks taken from ``history``."""
        numeric = application_numeric(app)
        yield _APPLICATION_BLOCK, numeric
        yield _DOMAIN_BLOCK, domain_features(numeric)
        missing = pd.Index(ids).difference(history.index)
        if len(missing):
            raise ValueError(f"history features missing for clients {list(missing[:5])}")
        layout = self._layout()
        same = len(history) == len(ids) and bool((history.index.to_numpy() == ids).all())
        rows = history if same else history.loc[ids]
        if not rows.columns.equals(layout.history):  # one selection for every history block
            rows = rows[layout.history]
        values = rows.to_numpy(dtype=np.float32)
        start = 0
        for table in self.table_features_:
            if table in (_APPLICATION_BLOCK, _DOMAIN_BLOCK):
                continue
            width = layout.widths[table]
            yield table, values[:, start : start + width]
            start += width

    def _blocks(self, tables: Tables, app: pd.DataFrame, clients: KeyIndex):
        """Yield ``(block name, values)`` of the numeric features, in output order."""
        numeric = application_numeric(app)
        yield _APPLICATION_BLOCK, numeric
        yield _DOMAIN_BLOCK, domain_features(numeric)
        del numeric
        for table, block in history_blocks(
            tables, clients, self.history_tables_, self.levels_, self._params()
        ):
            expected = self.table_features_[table]
            if block is None:
                reason = (
                    "is missing" if get_table(tables, table) is None else "cannot be linked without bureau"
                )
                logger.warning("table %s %s: its %d features are NaN", table, reason, len(expected))
                yield table, np.float32(np.nan)
                continue
            names, values = block
            if names != expected:  # a bug in the feature definitions, not in the data
                raise RuntimeError(f"table {table}: feature names differ from those fitted")
            yield table, values


def _jsonable(obj):
    """Plain JSON types (lists for tuples and arrays, Python scalars)."""
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, np.ndarray, pd.Index)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


def build_features(tables: Tables, builder: FeatureBuilder | None = None) -> pd.DataFrame:
    """Features of ``tables["application"]``.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame or None
        ``"application"`` and the history tables.
    builder : FeatureBuilder, optional
        A fitted builder; when ``None`` a default builder is fitted on ``tables``.

    Returns
    -------
    pandas.DataFrame
        See :meth:`FeatureBuilder.transform`.
    """
    if builder is None:
        return FeatureBuilder().fit_transform(tables)
    return builder.transform(tables)

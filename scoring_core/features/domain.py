"""Features of the application row itself: raw columns and domain ratios.

All ratios are computed in ``float64`` and are ``NaN`` (never ``inf``) when the
denominator is zero or missing. Day counts of the Kaggle data are negative (days
before the application), so durations in years are ``-DAYS / 365.25``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..data.schema import SCHEMAS
from .aggregator import category_codes
from .engine import safe_div
from .validation import float_values

__all__ = [
    "APPLICATION_COLUMNS",
    "APPLICATION_CATEGORICAL",
    "APPLICATION_NUMERIC",
    "DOMAIN_FEATURES",
    "application_numeric",
    "application_categorical",
    "domain_features",
]

_SCHEMA = SCHEMAS["application_test"]
#: Raw application columns kept as features (schema order, without ``SK_ID_CURR``).
APPLICATION_COLUMNS: tuple[str, ...] = tuple(c for c in _SCHEMA.columns if c not in _SCHEMA.ids)
APPLICATION_CATEGORICAL: tuple[str, ...] = _SCHEMA.categorical
APPLICATION_NUMERIC: tuple[str, ...] = _SCHEMA.numeric

DAYS_PER_YEAR = 365.25
_EXT_SOURCES = ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")
_EXT_WEIGHTS = np.array([2.0, 1.0, 3.0])
_DOCUMENTS = tuple(c for c in APPLICATION_NUMERIC if c.startswith("FLAG_DOCUMENT_"))
_REGION_MISMATCH = tuple(c for c in APPLICATION_NUMERIC if "_NOT_" in c)
_BUREAU_REQUESTS = tuple(c for c in APPLICATION_NUMERIC if c.startswith("AMT_REQ_CREDIT_BUREAU_"))

#: Names of the domain features, in output order.
DOMAIN_FEATURES: tuple[str, ...] = (
    "CREDIT_TERM",
    "CREDIT_GOODS_RATIO",
    "CREDIT_GOODS_DIFF",
    "ANNUITY_INCOME_RATIO",
    "CREDIT_INCOME_RATIO",
    "INCOME_PER_FAMILY_MEMBER",
    "CHILDREN_RATIO",
    "AGE_YEARS",
    "YEARS_EMPLOYED",
    "YEARS_REGISTRATION",
    "YEARS_ID_PUBLISH",
    "EMPLOYED_AGE_RATIO",
    "REGISTRATION_AGE_RATIO",
    "ID_PUBLISH_AGE_RATIO",
    "PHONE_CHANGE_AGE_RATIO",
    "NOT_EMPLOYED",
    "CAR_AGE_RATIO",
    "EXT_SOURCES_MEAN",
    "EXT_SOURCES_MIN",
    "EXT_SOURCES_MAX",
    "EXT_SOURCES_STD",
    "EXT_SOURCES_PROD",
    "EXT_SOURCES_WEIGHTED",
    "EXT_SOURCES_NAN_COUNT",
    "DOCUMENT_COUNT",
    "REGION_MISMATCH_COUNT",
    "CREDIT_BUREAU_REQUESTS",
    "SOCIAL_DEF_30_RATIO",
    "SOCIAL_DEF_60_RATIO",
)


_POSITION = {name: j for j, name in enumerate(APPLICATION_NUMERIC)}


def application_numeric(app: pd.DataFrame) -> np.ndarray:
    """The raw numeric application columns as an ``(n, k)`` float64 matrix.

    Columns follow :data:`APPLICATION_NUMERIC`; absent columns are missing values.
    """
    numeric = app.reindex(columns=list(APPLICATION_NUMERIC))
    try:
        return numeric.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        for column in APPLICATION_NUMERIC:  # name the offending column
            float_values(numeric[column], "application", column)
        raise


def application_categorical(
    app: pd.DataFrame, levels: Mapping[str, Sequence[str]], dtypes: Mapping[str, pd.CategoricalDtype]
) -> dict[str, pd.Categorical]:
    """The categorical application columns with the categories fixed at fit.

    ``levels[column]`` lists the categories of ``dtypes[column]``. Values not among
    them (and absent columns) become missing.
    """
    out = {}
    for name, dtype in dtypes.items():
        if name in app.columns:
            codes = category_codes(app[name], levels[name])
        else:
            codes = np.full(len(app), -1)
        out[name] = pd.Categorical.from_codes(codes, dtype=dtype)
    return out


def _nan_sum(matrix: np.ndarray) -> np.ndarray:
    """Row sums over non-missing values; ``NaN`` when the whole row is missing."""
    valid = ~np.isnan(matrix)
    total = np.where(valid, matrix, 0.0).sum(axis=1)
    return np.where(valid.any(axis=1), total, np.nan)


def _columns(numeric: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    return numeric[:, [_POSITION[name] for name in names]]


def _ext_sources(numeric: np.ndarray) -> dict[str, np.ndarray]:
    ext = _columns(numeric, _EXT_SOURCES)
    valid = ~np.isnan(ext)
    count = valid.sum(axis=1).astype(np.float64)
    mean = safe_div(np.where(valid, ext, 0.0).sum(axis=1), count)
    deviation = np.where(valid, ext - mean[:, None], 0.0)
    return {
        "EXT_SOURCES_MEAN": mean,
        "EXT_SOURCES_MIN": np.fmin.reduce(ext, axis=1),
        "EXT_SOURCES_MAX": np.fmax.reduce(ext, axis=1),
        # population standard deviation (ddof=0) of the available scores
        "EXT_SOURCES_STD": np.sqrt(safe_div((deviation * deviation).sum(axis=1), count)),
        "EXT_SOURCES_PROD": ext.prod(axis=1),
        "EXT_SOURCES_WEIGHTED": ext @ _EXT_WEIGHTS,
        "EXT_SOURCES_NAN_COUNT": len(_EXT_SOURCES) - count,
    }


def domain_features(numeric: np.ndarray) -> np.ndarray:
    """The domain features of :data:`DOMAIN_FEATURES` as an ``(n, k)`` float32 block.

    Parameters
    ----------
    numeric : numpy.ndarray
        :func:`application_numeric` of the application rows.

    Returns
    -------
    numpy.ndarray
        One row per application row, one column per name of :data:`DOMAIN_FEATURES`.

    Examples
    --------
    >>> app = pd.DataFrame({"AMT_CREDIT": [100.0], "AMT_ANNUITY": [10.0]})
    >>> float(domain_features(application_numeric(app))[0, DOMAIN_FEATURES.index("CREDIT_TERM")])
    10.0
    """

    def col(name: str) -> np.ndarray:
        return numeric[:, _POSITION[name]]

    credit, annuity, goods = col("AMT_CREDIT"), col("AMT_ANNUITY"), col("AMT_GOODS_PRICE")
    income, family, children = col("AMT_INCOME_TOTAL"), col("CNT_FAM_MEMBERS"), col("CNT_CHILDREN")
    birth, employed = col("DAYS_BIRTH"), col("DAYS_EMPLOYED")
    registration, id_publish = col("DAYS_REGISTRATION"), col("DAYS_ID_PUBLISH")
    age_years = -birth / DAYS_PER_YEAR
    values = {
        "CREDIT_TERM": safe_div(credit, annuity),
        "CREDIT_GOODS_RATIO": safe_div(credit, goods),
        "CREDIT_GOODS_DIFF": credit - goods,
        "ANNUITY_INCOME_RATIO": safe_div(annuity, income),
        "CREDIT_INCOME_RATIO": safe_div(credit, income),
        "INCOME_PER_FAMILY_MEMBER": safe_div(income, family),
        "CHILDREN_RATIO": safe_div(children, family),
        "AGE_YEARS": age_years,
        "YEARS_EMPLOYED": -employed / DAYS_PER_YEAR,
        "YEARS_REGISTRATION": -registration / DAYS_PER_YEAR,
        "YEARS_ID_PUBLISH": -id_publish / DAYS_PER_YEAR,
        "EMPLOYED_AGE_RATIO": safe_div(employed, birth),
        "REGISTRATION_AGE_RATIO": safe_div(registration, birth),
        "ID_PUBLISH_AGE_RATIO": safe_div(id_publish, birth),
        "PHONE_CHANGE_AGE_RATIO": safe_div(col("DAYS_LAST_PHONE_CHANGE"), birth),
        # DAYS_EMPLOYED is missing exactly for clients without a job (365243 in the raw data)
        "NOT_EMPLOYED": np.isnan(employed).astype(np.float64),
        "CAR_AGE_RATIO": safe_div(col("OWN_CAR_AGE"), age_years),
        **_ext_sources(numeric),
        "DOCUMENT_COUNT": np.nan_to_num(_columns(numeric, _DOCUMENTS)).sum(axis=1),
        "REGION_MISMATCH_COUNT": _nan_sum(_columns(numeric, _REGION_MISMATCH)),
        "CREDIT_BUREAU_REQUESTS": _nan_sum(_columns(numeric, _BUREAU_REQUESTS)),
        "SOCIAL_DEF_30_RATIO": safe_div(col("DEF_30_CNT_SOCIAL_CIRCLE"), col("OBS_30_CNT_SOCIAL_CIRCLE")),
        "SOCIAL_DEF_60_RATIO": safe_div(col("DEF_60_CNT_SOCIAL_CIRCLE"), col("OBS_60_CNT_SOCIAL_CIRCLE")),
    }
    out = np.empty((len(numeric), len(DOMAIN_FEATURES)), dtype=np.float32)
    for j, name in enumerate(DOMAIN_FEATURES):
        out[:, j] = values[name]
    return out

"""What each column of the tables means: unit, domain bounds, period, sensitive attribute.

Stored once, beside the table schema (:meth:`~scoring_core.data.schema.TableSchema.meaning`
reads it), and derived from there by every consumer: the explanations' units
(:mod:`scoring_core.explain`), the values a request or a what-if may hold
(:mod:`scoring_core.data.constraints`, the API's request fields and their descriptions), the
amounts' periods (:data:`~scoring_core.data.schema.AMOUNT_PERIODS`), the fairness check's
sensitive inputs (:mod:`scoring_core.fairness`) and the fields the dashboard can mask.

The Kaggle columns come in families named by prefix (``AMT_*`` amounts, ``DAYS_*`` dates as
day counts before the application, ``FLAG_*`` 0/1 flags, ...): the family rules below are
written here and nowhere else, and a handful of columns are named one by one (the amounts'
periods, the ages read in years, the sensitive attributes). Examples::

    >>> m = column_meaning("DAYS_EMPLOYED", application=True)
    >>> m.unit, m.relative, m.in_years, (m.low, m.high, m.sentinel)
    ('days', True, True, (-40000.0, 0.0, 365243.0))
    >>> column_meaning("AMT_ANNUITY", application=True).period
    'month'
    >>> column_meaning("CODE_GENDER", categorical=True, application=True).sensitive
    'gender'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ColumnMeaning",
    "DAYS_SENTINEL",
    "FLOAT32_MAX",
    "PERIODS",
    "SENSITIVE_ATTRIBUTES",
    "UNITS",
    "application_bounds",
    "column_meaning",
    "describe_family",
    "unit_of_name",
]

#: Largest finite ``float32`` (3.4028235e38): numeric columns are stored as ``float32``.
FLOAT32_MAX = 3.4028234663852886e38

#: ``DAYS_*`` value that encodes "no date" (``DAYS_EMPLOYED`` of clients without a job,
#: the ``DAYS_*`` dates of previous applications that never happened).
DAYS_SENTINEL = 365243

#: Earliest ``DAYS_*`` value accepted in an application (about 110 years before it).
_DAYS_MIN = -40000.0

#: The units a column can have.
UNITS: tuple[str, ...] = (
    "days",
    "months",
    "currency",
    "count",
    "flag",
    "score",
    "percent",
    "number",
    "category",
)
#: The period of an amount of the application: per year, per month, or one-off.
PERIODS: tuple[str, ...] = ("year", "month", "once")

#: The period of each amount of the application table, as people read it: the income is yearly,
#: the annuity monthly, the credit and the goods price one-off. Amounts are in the currency of
#: the settings (``SCORING_CURRENCY``).
_APPLICATION_PERIODS: dict[str, str] = {
    "AMT_INCOME_TOTAL": "year",
    "AMT_ANNUITY": "month",
    "AMT_CREDIT": "once",
    "AMT_GOODS_PRICE": "once",
}
#: Application ``DAYS_*`` columns read as durations in years (``-days / 365.25``).
_APPLICATION_IN_YEARS = frozenset({"DAYS_BIRTH", "DAYS_EMPLOYED", "DAYS_REGISTRATION", "DAYS_ID_PUBLISH"})
#: Application columns that carry a protected characteristic or the family situation, by
#: attribute: what the fairness check compares (gender, age) and what a profile can mask.
SENSITIVE_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "gender": ("CODE_GENDER",),
    "age": ("DAYS_BIRTH",),
    "family": ("NAME_FAMILY_STATUS", "CNT_CHILDREN"),
}
_SENSITIVE = {c: attribute for attribute, cols in SENSITIVE_ATTRIBUTES.items() for c in cols}

#: ``(prefixes, description)`` of the column families, first match wins.
_DESCRIPTIONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("AMT_REQ_CREDIT_BUREAU",), "number of credit bureau enquiries in the period"),
    (("AMT_",), "amount in the loan currency"),
    (("DAYS_",), "days before the application (a date as a negative day count)"),
    (("MONTHS_BALANCE",), "month of the balance relative to the application (negative: before)"),
    (("CNT_",), "count"),
    (("EXT_SOURCE",), "normalized score from an external data source"),
    (("FLAG_DOCUMENT",), "1 if the client provided this document, else 0"),
    (("FLAG_",), "1 if true, else 0"),
    (("REG_", "LIVE_"), "1 if the addresses differ, else 0"),
    (("OBS_",), "number of observations in the client's social surroundings"),
    (("DEF_",), "number of defaults in the client's social surroundings"),
    (("SK_ID_",), "identifier"),
    (("SK_DPD",), "days past due"),
)
_BUILDING_STATISTICS = ("_AVG", "_MODE", "_MEDI")


@dataclass(frozen=True)
class ColumnMeaning:
    """What a column's values mean.

    Attributes
    ----------
    unit : one of :data:`UNITS`.
    description : what the column holds, in a few words (the API's field descriptions).
    low, high : the closed interval of valid values (application columns: the domain range;
        history columns: any finite ``float32``, the real data has negative debts and limits).
    sentinel : a code accepted outside ``[low, high]`` (``DAYS_EMPLOYED = 365243``: not employed).
    relative : a date relative to the application ("N days ago").
    in_years : a day count read as a duration in years (ages, years employed).
    period : an application amount's period, one of :data:`PERIODS`, else ``None``.
    sensitive : the attribute of :data:`SENSITIVE_ATTRIBUTES` the column carries, else ``None``.
    """

    unit: str
    description: str
    low: float = -FLOAT32_MAX
    high: float = FLOAT32_MAX
    sentinel: float | None = None
    relative: bool = False
    in_years: bool = False
    period: str | None = None
    sensitive: str | None = None


def unit_of_name(name: str) -> tuple[str, bool]:
    """The unit of a numeric column (or feature) named ``name`` by its family, and whether it
    is a date relative to the application."""
    if name.startswith("DAYS_"):
        return "days", True
    if name.startswith("MONTHS_"):
        return "months", True
    if name.startswith("AMT_REQ_"):
        return "count", False
    if name.startswith("AMT_"):
        return "currency", False
    if name.startswith(("CNT_", "OBS_", "DEF_")):
        return "count", False
    if name.startswith(("FLAG_", "NFLAG_", "REG_", "LIVE_")) or name == "TARGET":
        return "flag", False
    if name.startswith("EXT_SOURCE"):
        return "score", False
    if name.startswith("RATE_"):
        return "percent", False
    if name in ("SK_DPD", "SK_DPD_DEF", "CREDIT_DAY_OVERDUE"):
        return "days", False
    return "number", False


def describe_family(name: str) -> str:
    """What a column named ``name`` holds, by its family (its name in words otherwise)."""
    text = next((d for prefixes, d in _DESCRIPTIONS if name.startswith(prefixes)), None)
    if text is None and name.endswith(_BUILDING_STATISTICS):
        text = "normalized statistic of the client's building"
    return text or name.replace("_", " ").lower()


def application_bounds(name: str) -> tuple[float, float, float | None]:
    """``(low, high, sentinel)`` of a numeric application column, by its family.

    Scores and ratios (``EXT_SOURCE_*``, ``REGION_POPULATION_RELATIVE``, the normalized
    housing statistics ``*_AVG/_MODE/_MEDI``) and flags (``FLAG_*``, ``REG_*``, ``LIVE_*``)
    lie in [0, 1]; ``DAYS_*`` are days before the application (at most 0); amounts and
    counts (``AMT_*``, ``CNT_*``, ``OBS_*``, ``DEF_*``, ``OWN_CAR_AGE``) are at least 0.
    """
    if name.startswith("DAYS_"):
        return _DAYS_MIN, 0.0, float(DAYS_SENTINEL) if name == "DAYS_EMPLOYED" else None
    if (
        name.startswith(("EXT_SOURCE", "FLAG_", "REG_", "LIVE_"))
        or name.endswith(_BUILDING_STATISTICS)
        or name == "REGION_POPULATION_RELATIVE"
    ):
        return 0.0, 1.0, None
    if name.startswith("REGION_RATING_CLIENT"):
        return 1.0, 3.0, None
    if name == "HOUR_APPR_PROCESS_START":
        return 0.0, 23.0, None
    if name.startswith(("AMT_", "CNT_", "OBS_", "DEF_")) or name == "OWN_CAR_AGE":
        return 0.0, FLOAT32_MAX, None
    return -FLOAT32_MAX, FLOAT32_MAX, None


@lru_cache(maxsize=1024)
def column_meaning(column: str, *, categorical: bool = False, application: bool = False) -> ColumnMeaning:
    """The meaning of ``column`` of a table (``application``: one of the application tables;
    ``categorical``: a categorical column of its schema). Prefer
    :meth:`TableSchema.meaning <scoring_core.data.schema.TableSchema.meaning>`, which knows both."""
    description = describe_family(column)
    if categorical:
        unit, relative = "category", False
    else:
        unit, relative = unit_of_name(column)
    if not application:
        return ColumnMeaning(unit, description, relative=relative)
    low, high, sentinel = (-FLOAT32_MAX, FLOAT32_MAX, None) if categorical else application_bounds(column)
    return ColumnMeaning(
        unit,
        description,
        low,
        high,
        sentinel,
        relative=relative,
        in_years=column in _APPLICATION_IN_YEARS,
        period=_APPLICATION_PERIODS.get(column),
        sensitive=_SENSITIVE.get(column),
    )

"""The values an application field may hold: one set of constraints for every input path.

Derived from the table schema (:mod:`scoring_core.data.schema`): numeric columns are stored
as ``float32``, so a value must be finite and at most :data:`FLOAT32_MAX` in size; each
column has its domain range, stored with its meaning (:mod:`scoring_core.data.columns`,
read by :func:`value_range`); a categorical column takes one of the Kaggle data's levels
(:data:`CATEGORY_LEVELS`). The API's request models and the
what-if path (:func:`check_application_value`) both read these.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ColumnTypeError
from .columns import FLOAT32_MAX, application_bounds
from .schema import SCHEMAS

__all__ = [
    "CATEGORY_LEVELS",
    "FLOAT32_MAX",
    "ValueRange",
    "value_range",
    "check_application_value",
]

#: Known levels of the application's categorical columns (those of the Kaggle data; ``XNA``
#: where the data uses it, read as missing). Any other value is an input error.
CATEGORY_LEVELS: dict[str, tuple[str, ...]] = {
    "NAME_CONTRACT_TYPE": ("Cash loans", "Revolving loans"),
    "CODE_GENDER": ("F", "M", "XNA"),
    "FLAG_OWN_CAR": ("N", "Y"),
    "FLAG_OWN_REALTY": ("N", "Y"),
    "NAME_TYPE_SUITE": (
        "Children",
        "Family",
        "Group of people",
        "Other_A",
        "Other_B",
        "Spouse, partner",
        "Unaccompanied",
    ),
    "NAME_INCOME_TYPE": (
        "Businessman",
        "Commercial associate",
        "Maternity leave",
        "Pensioner",
        "State servant",
        "Student",
        "Unemployed",
        "Working",
    ),
    "NAME_EDUCATION_TYPE": (
        "Academic degree",
        "Higher education",
        "Incomplete higher",
        "Lower secondary",
        "Secondary / secondary special",
    ),
    "NAME_FAMILY_STATUS": (
        "Civil marriage",
        "Married",
        "Separated",
        "Single / not married",
        "Unknown",
        "Widow",
    ),
    "NAME_HOUSING_TYPE": (
        "Co-op apartment",
        "House / apartment",
        "Municipal apartment",
        "Office apartment",
        "Rented apartment",
        "With parents",
    ),
    "OCCUPATION_TYPE": (
        "Accountants",
        "Cleaning staff",
        "Cooking staff",
        "Core staff",
        "Drivers",
        "HR staff",
        "High skill tech staff",
        "IT staff",
        "Laborers",
        "Low-skill Laborers",
        "Managers",
        "Medicine staff",
        "Private service staff",
        "Realty agents",
        "Sales staff",
        "Secretaries",
        "Security staff",
        "Waiters/barmen staff",
    ),
    "WEEKDAY_APPR_PROCESS_START": (
        "MONDAY",
        "TUESDAY",
        "WEDNESDAY",
        "THURSDAY",
        "FRIDAY",
        "SATURDAY",
        "SUNDAY",
    ),
    "ORGANIZATION_TYPE": (
        "Advertising",
        "Agriculture",
        "Bank",
        "Business Entity Type 1",
        "Business Entity Type 2",
        "Business Entity Type 3",
        "Cleaning",
        "Construction",
        "Culture",
        "Electricity",
        "Emergency",
        "Government",
        "Hotel",
        "Housing",
        *(f"Industry: type {i}" for i in range(1, 14)),
        "Insurance",
        "Kindergarten",
        "Legal Services",
        "Medicine",
        "Military",
        "Mobile",
        "Other",
        "Police",
        "Postal",
        "Realtor",
        "Religion",
        "Restaurant",
        "School",
        "Security",
        "Security Ministries",
        "Self-employed",
        "Services",
        "Telecom",
        *(f"Trade: type {i}" for i in range(1, 8)),
        *(f"Transport: type {i}" for i in range(1, 5)),
        "University",
        "XNA",
    ),
    "FONDKAPREMONT_MODE": ("not specified", "org spec account", "reg oper account", "reg oper spec account"),
    "HOUSETYPE_MODE": ("block of flats", "specific housing", "terraced house"),
    "WALLSMATERIAL_MODE": ("Block", "Mixed", "Monolithic", "Others", "Panel", "Stone, brick", "Wooden"),
    "EMERGENCYSTATE_MODE": ("No", "Yes"),
}


_APPLICATION = SCHEMAS["application_test"]


@dataclass(frozen=True)
class ValueRange:
    """Closed interval ``[low, high]`` of a numeric column, plus an optional sentinel value
    (``DAYS_EMPLOYED = 365243``: not employed) accepted outside it."""

    low: float
    high: float
    sentinel: float | None = None

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high or (self.sentinel is not None and value == self.sentinel)

    def describe(self) -> str:
        text = f"between {self.low:g} and {self.high:g}"
        return text + (f" (or {self.sentinel:g})" if self.sentinel is not None else "")


def value_range(column: str) -> ValueRange:
    """The values a numeric application column may take (finite and ``float32``-safe always):
    the bounds of its meaning in the schema (:meth:`~scoring_core.data.schema.TableSchema.meaning`;
    a name outside the schema, by its family).

    Scores and ratios (``EXT_SOURCE_*``, ``REGION_POPULATION_RELATIVE``, the normalized
    housing statistics ``*_AVG/_MODE/_MEDI``) and flags (``FLAG_*``, ``REG_*``, ``LIVE_*``)
    lie in [0, 1]; ``DAYS_*`` are days before the application (at most 0); amounts and
    counts (``AMT_*``, ``CNT_*``, ``OBS_*``, ``DEF_*``, ``OWN_CAR_AGE``) are at least 0.
    """
    if column in _APPLICATION.columns and column not in _APPLICATION.categorical:
        m = _APPLICATION.meaning(column)
        return ValueRange(m.low, m.high, m.sentinel)
    return ValueRange(*application_bounds(column))


def check_application_value(column: str, value) -> None:
    """Raise :class:`~scoring_core.errors.ColumnTypeError` (naming the column and what it
    accepts) unless ``value`` is valid for the application column ``column``.

    ``None`` (missing) is valid for every non-id column; a category must be one of
    :data:`CATEGORY_LEVELS`; a number must be a real number (not a boolean), finite and in
    :func:`value_range`.
    """
    if value is None:
        return
    if column in CATEGORY_LEVELS:
        levels = CATEGORY_LEVELS[column]
        if not isinstance(value, str) or value not in levels:
            raise ColumnTypeError(
                "application", column, "one of " + ", ".join(repr(v) for v in levels), f"got {value!r}"
            )
        return
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ColumnTypeError("application", column, "a number", f"got {value!r}")
    rng = value_range(column)
    if not np.isfinite(float(value)) or not rng.contains(float(value)):
        raise ColumnTypeError("application", column, f"a finite number {rng.describe()}", f"got {value!r}")


if set(CATEGORY_LEVELS) != set(_APPLICATION.categorical):  # pragma: no cover
    raise RuntimeError("CATEGORY_LEVELS must list every categorical application column")

"""Request fields generated from the table schema and its value constraints.

One definition per column (:mod:`scoring_core.data.constraints`): numbers are JSON numbers
(booleans and strings are refused), finite, ``float32``-safe and within their domain range;
categories take one of the known levels (an ``enum`` in the OpenAPI schema, a 422 naming the
field and the allowed values otherwise). ``POST /score`` and ``POST /clients/{id}/whatif``
both use these fields, so both endpoints accept and refuse the same values.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from scoring_core.data.constraints import CATEGORY_LEVELS, FLOAT32_MAX, value_range
from scoring_core.data.schema import SCHEMAS

__all__ = ["application_field", "history_field", "describe", "example_value", "ID_MAX"]

#: Identifiers are ``int32``.
ID_MAX = 2**31 - 1

_FAMILIES: tuple[tuple[tuple[str, ...], str], ...] = (
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


def describe(column: str) -> str:
    """A short description of ``column`` and what it accepts."""
    if column == "SK_ID_CURR":
        return "client id (SK_ID_CURR), a positive 32-bit integer"
    if column in CATEGORY_LEVELS:
        return f"{column}: one of the known levels (null if unknown)"
    text = next((d for prefixes, d in _FAMILIES if column.startswith(prefixes)), None)
    if text is None and column.endswith(("_AVG", "_MODE", "_MEDI")):
        text = "normalized statistic of the client's building"
    text = text or column.replace("_", " ").lower()
    return f"{column}: {text}"


def example_value(column: str) -> Any:
    """A plausible value of the application column ``column``."""
    if column in CATEGORY_LEVELS:
        return CATEGORY_LEVELS[column][0]
    rng = value_range(column)
    if column.startswith("DAYS_"):
        return -1200.0
    if rng.high <= 1.0:
        return 0.5 if rng.low == 0.0 and column.startswith("EXT_") else 0.0 if rng.low == 0.0 else rng.high
    if column.startswith("AMT_REQ") or column.startswith(("CNT_", "OBS_", "DEF_")):
        return 1.0
    if column.startswith("AMT_"):
        return 250000.0
    if rng.low >= 1.0:
        return rng.low
    return 10.0


def _json_integer(value: Any) -> Any:
    """A JSON integer (``7`` or ``7.0``); text and booleans are not integers."""
    if isinstance(value, (str, bool, bytes)):
        raise ValueError("must be an integer (a JSON number, not text or a boolean)")
    return value


#: A 32-bit identifier: a JSON integer (``900001`` or ``900001.0``), never text.
Identifier = Annotated[int, BeforeValidator(_json_integer)]


def application_field(column: str, *, required: bool) -> tuple[Any, Any]:
    """``(type, Field)`` of an application column for a pydantic model."""
    if column == "SK_ID_CURR":
        return (Identifier, Field(..., ge=1, le=ID_MAX, description=describe(column), examples=[900001]))
    default = ... if required else None
    if column in CATEGORY_LEVELS:
        kind = Literal[CATEGORY_LEVELS[column]]  # type: ignore[valid-type]
        return (
            kind | None,
            Field(default, description=describe(column), examples=[CATEGORY_LEVELS[column][0]]),
        )
    rng = value_range(column)
    desc = f"{describe(column)}; a finite number {rng.describe()}"
    if rng.sentinel is not None:  # DAYS_EMPLOYED: the range, or the 'not employed' code exactly
        ranged = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=rng.low, le=rng.high)]
        kind = ranged | Literal[int(rng.sentinel)]  # type: ignore[valid-type]
        return (kind | None, Field(default, description=desc, examples=[example_value(column)]))
    return (
        float | None,
        Field(
            default,
            strict=True,
            allow_inf_nan=False,
            ge=rng.low,
            le=rng.high,
            description=desc,
            examples=[example_value(column)],
        ),
    )


def history_field(table: str, column: str) -> tuple[Any, Any]:
    """``(type, Field)`` of a history-table column: ids are 32-bit integers, categories text,
    other columns finite ``float32``-safe numbers; the table's required columns are required."""
    schema = SCHEMAS[table]
    required = column in schema.required
    default = ... if required else None
    desc = describe(column)
    if column in schema.ids:
        return (Identifier, Field(..., ge=0, le=ID_MAX, description=desc, examples=[1]))
    if column in schema.categorical:
        return (
            str | None,
            Field(default, min_length=1, max_length=200, description=desc, examples=["Active"]),
        )
    return (
        float | None,
        Field(
            default,
            strict=True,
            allow_inf_nan=False,
            ge=-FLOAT32_MAX,
            le=FLOAT32_MAX,
            description=desc + "; a finite number",
            examples=[-30.0 if column.startswith(("DAYS_", "MONTHS_")) else 1000.0],
        ),
    )

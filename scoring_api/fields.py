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

from scoring_core.data.columns import describe_family
from scoring_core.data.constraints import CATEGORY_LEVELS, value_range
from scoring_core.data.schema import SCHEMAS

__all__ = ["application_field", "history_field", "describe", "example_value", "ID_MAX"]

#: Identifiers are ``int32``.
ID_MAX = 2**31 - 1
_APPLICATION = SCHEMAS["application_test"]


def describe(column: str) -> str:
    """A short description of ``column`` and what it accepts (its meaning in the schema,
    :func:`scoring_core.data.columns.describe_family`)."""
    if column == "SK_ID_CURR":
        return "client id (SK_ID_CURR), a positive 32-bit integer"
    if column in CATEGORY_LEVELS:
        return f"{column}: one of the known levels (null if unknown)"
    return f"{column}: {describe_family(column)}"


def example_value(column: str) -> Any:
    """A plausible value of the application column ``column`` (by its meaning in the schema)."""
    if column in CATEGORY_LEVELS:
        return CATEGORY_LEVELS[column][0]
    m = _APPLICATION.meaning(column)
    if m.unit == "days":
        return -1200.0
    if m.high <= 1.0:
        return 0.5 if m.unit == "score" else 0.0 if m.low == 0.0 else m.high
    if m.unit == "count":
        return 1.0
    if m.unit == "currency":
        return 250000.0
    if m.low >= 1.0:
        return m.low
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
    m = schema.meaning(column)  # history columns: any finite float32
    return (
        float | None,
        Field(
            default,
            strict=True,
            allow_inf_nan=False,
            ge=m.low,
            le=m.high,
            description=desc + "; a finite number",
            examples=[-30.0 if m.relative else 1000.0],
        ),
    )

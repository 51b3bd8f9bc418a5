"""Column meaning is stored once (scoring_core.data.columns, read through TableSchema.meaning),
and every consumer agrees with it: the value constraints and the API's request fields (bounds,
descriptions), the explanations' units, the amounts' periods, the fairness check's sensitive
inputs and the profile's maskable fields."""

from __future__ import annotations

import pytest

from scoring_core.data.columns import (
    FLOAT32_MAX,
    PERIODS,
    SENSITIVE_ATTRIBUTES,
    UNITS,
    ColumnMeaning,
    describe_family,
)
from scoring_core.data.constraints import CATEGORY_LEVELS, value_range
from scoring_core.data.schema import AMOUNT_PERIODS, DAYS_SENTINEL, SCHEMAS, TABLE_NAMES

APP = SCHEMAS["application_test"]
NUMERIC = [c for c in APP.columns if c not in APP.ids and c not in APP.categorical]


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_every_column_has_a_meaning(table):
    schema = SCHEMAS[table]
    for column in schema.columns:
        m = schema.meaning(column)
        assert isinstance(m, ColumnMeaning)
        assert m.unit in UNITS, (table, column)
        assert m.description, (table, column)
        assert -FLOAT32_MAX <= m.low <= m.high <= FLOAT32_MAX, (table, column)
        assert m.period is None or m.period in PERIODS
        assert (m.unit == "category") == (column in schema.categorical), (table, column)
    with pytest.raises(KeyError, match=f"table {table} has no column NOPE"):
        schema.meaning("NOPE")


def test_application_columns_have_their_domain():
    """Every numeric application column has a unit and bounds; the families' known ranges."""
    ranged = {c: APP.meaning(c) for c in NUMERIC}
    assert len(ranged) == len(APP.numeric) == 104
    assert (ranged["EXT_SOURCE_2"].low, ranged["EXT_SOURCE_2"].high) == (0.0, 1.0)
    assert (ranged["DAYS_BIRTH"].low, ranged["DAYS_BIRTH"].high, ranged["DAYS_BIRTH"].sentinel) == (
        -40000.0,
        0.0,
        None,
    )
    assert ranged["DAYS_EMPLOYED"].sentinel == DAYS_SENTINEL
    assert (ranged["AMT_CREDIT"].unit, ranged["AMT_CREDIT"].low) == ("currency", 0.0)
    assert ranged["AMT_REQ_CREDIT_BUREAU_YEAR"].unit == "count"
    assert (ranged["REGION_RATING_CLIENT"].low, ranged["REGION_RATING_CLIENT"].high) == (1.0, 3.0)
    assert (ranged["HOUR_APPR_PROCESS_START"].low, ranged["HOUR_APPR_PROCESS_START"].high) == (0.0, 23.0)
    # history tables keep any finite float32 (the real data has negative debts and limits)
    debt = SCHEMAS["bureau"].meaning("AMT_CREDIT_SUM_DEBT")
    assert (debt.unit, debt.low, debt.high) == ("currency", -FLOAT32_MAX, FLOAT32_MAX)


def test_constraints_agree():
    for column in NUMERIC:
        m, rng = APP.meaning(column), value_range(column)
        assert (rng.low, rng.high, rng.sentinel) == (m.low, m.high, m.sentinel), column
    assert set(CATEGORY_LEVELS) == {c for c in APP.columns if APP.meaning(c).unit == "category"}


def test_api_fields_agree():
    pytest.importorskip("fastapi")
    from scoring_api.schemas import HISTORY_RECORDS, Application

    props = Application.model_json_schema()["properties"]
    for column in NUMERIC:
        m = APP.meaning(column)
        number = next(a for a in props[column]["anyOf"] if a.get("type") == "number")
        assert (number["minimum"], number["maximum"]) == (m.low, m.high), column
        consts = [a["const"] for a in props[column]["anyOf"] if "const" in a]
        assert consts == ([] if m.sentinel is None else [m.sentinel]), column
        assert props[column]["description"].startswith(f"{column}: {m.description}; "), column
    for table, model in HISTORY_RECORDS.items():
        schema, props = SCHEMAS[table], model.model_json_schema()["properties"]
        for column in schema.numeric:
            m = schema.meaning(column)
            number = next(a for a in props[column]["anyOf"] if a.get("type") == "number")
            assert (number["minimum"], number["maximum"]) == (m.low, m.high), (table, column)
            assert props[column]["description"] == f"{column}: {m.description}; a finite number"


def test_explanation_units_agree():
    from scoring_core.explain.labels import feature_unit

    train = SCHEMAS["application_train"]
    for column in train.columns:
        m = train.meaning(column)
        assert feature_unit(column) == ("years_from_days" if m.in_years else m.unit), column
    assert feature_unit("DAYS_BIRTH") == "years_from_days"
    # a name outside the schema is read by the same family rules
    assert (
        feature_unit("AMT_SOMETHING_NEW") == "currency"
        and describe_family("AMT_X") == "amount in the loan currency"
    )


def test_periods_and_sensitive_attributes_agree():
    from scoring_core.fairness import CHECKED_ATTRIBUTES, SENSITIVE_FEATURES

    assert AMOUNT_PERIODS == {
        "AMT_INCOME_TOTAL": "year",
        "AMT_ANNUITY": "month",
        "AMT_CREDIT": None,
        "AMT_GOODS_PRICE": None,
    }
    assert {c for c in APP.columns if APP.meaning(c).period} == set(AMOUNT_PERIODS)
    marked = {a: tuple(c for c in APP.columns if APP.meaning(c).sensitive == a) for a in SENSITIVE_ATTRIBUTES}
    assert {a: set(cols) for a, cols in marked.items()} == {
        a: set(c) for a, c in SENSITIVE_ATTRIBUTES.items()
    }
    for attribute in CHECKED_ATTRIBUTES:
        raw = [f for f in SENSITIVE_FEATURES[attribute] if f in APP.columns]
        assert set(raw) == set(marked[attribute])
    # the features computed from the age, found from the feature code (as listed by hand before)
    assert SENSITIVE_FEATURES == {
        "gender": ("CODE_GENDER",),
        "age": (
            "DAYS_BIRTH",
            "AGE_YEARS",
            "EMPLOYED_AGE_RATIO",
            "REGISTRATION_AGE_RATIO",
            "ID_PUBLISH_AGE_RATIO",
            "PHONE_CHANGE_AGE_RATIO",
            "CAR_AGE_RATIO",
        ),
    }


def test_profile_masks_the_sensitive_columns():
    pytest.importorskip("ipywidgets")
    from widgets.profile import SENSITIVE_FIELDS

    assert set(SENSITIVE_FIELDS) == {c for c in APP.columns if APP.meaning(c).sensitive}

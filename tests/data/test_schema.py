import numpy as np
import pytest

from scoring_core.data.schema import HISTORY_TABLES, SCHEMAS, TABLE_NAMES, get_schema


def test_eight_tables():
    assert len(TABLE_NAMES) == 8 and set(SCHEMAS) == set(TABLE_NAMES)


def test_required_are_columns_and_dtypes_are_explicit():
    for s in SCHEMAS.values():
        assert set(s.required) <= set(s.columns), s.name
        for c in s.columns:
            assert s.dtype(c) in (np.dtype("int32"), np.dtype("int8"), np.dtype("float32"), "category")


def test_application_tables_differ_by_target_only():
    train, test = SCHEMAS["application_train"], SCHEMAS["application_test"]
    assert set(train.columns) - set(test.columns) == {"TARGET"}
    assert len(test.columns) == 121


def test_history_tables_link_to_clients_or_credits():
    for t in HISTORY_TABLES:
        s = SCHEMAS[t]
        assert "SK_ID_CURR" in s.ids or "SK_ID_BUREAU" in s.ids


def test_unknown_table():
    with pytest.raises(KeyError, match="unknown table"):
        get_schema("clients")

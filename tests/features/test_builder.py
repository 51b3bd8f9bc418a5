"""FeatureBuilder: the scikit-learn contract, output layout, missing tables, categories, errors."""

from __future__ import annotations

import logging
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from scoring_core.data.schema import HISTORY_TABLES, SCHEMAS
from scoring_core.errors import (
    ColumnTypeError,
    DataError,
    DuplicateKeyError,
    MissingColumnError,
    MissingTableError,
)
from scoring_core.features import FeatureBuilder, build_features

PREFIXES = {
    "bureau": "BUREAU_",
    "bureau_balance": "BB_",
    "previous_application": "PREV_",
    "POS_CASH_balance": "POS_",
    "installments_payments": "INST_",
    "credit_card_balance": "CC_",
}


def columns_of(features: pd.DataFrame, table: str) -> list[str]:
    return [c for c in features.columns if c.startswith(PREFIXES[table])]


def numeric(features: pd.DataFrame) -> np.ndarray:
    return features.select_dtypes("number").to_numpy()


def test_output_layout(tables):
    builder = FeatureBuilder().fit(tables)
    features = builder.transform(tables)
    assert features.index.name == "SK_ID_CURR"
    assert features.index.tolist() == [1, 2, 3]
    assert features.columns.tolist() == builder.feature_names_ == builder.get_feature_names_out().tolist()
    assert builder.n_features_out_ == features.shape[1] == len(set(features.columns))
    assert 250 <= builder.n_features_out_ <= 460
    assert {str(t) for t in features.dtypes} == {"float32", "category"}
    assert [c for c in features.columns if features[c].dtype == "category"] == list(
        SCHEMAS["application_test"].categorical
    )
    assert builder.dtypes_ == {c: str(features[c].dtype) for c in features.columns}
    assert "TARGET" not in features.columns and "SK_ID_CURR" not in features.columns
    assert set(builder.history_tables_) == set(HISTORY_TABLES)
    assert not np.isinf(numeric(features)).any()


def test_column_order_is_stable_and_rows_follow_the_application(tables):
    builder = FeatureBuilder().fit(tables)
    first = builder.transform(tables)
    tables["application"] = tables["application"].iloc[[2, 0, 1]]
    second = builder.transform(tables)
    assert second.columns.tolist() == first.columns.tolist()
    assert second.index.tolist() == [3, 1, 2]
    pd.testing.assert_frame_equal(second.loc[[1, 2, 3]], first)
    # a new fit on the same data gives the same columns
    assert FeatureBuilder().fit(tables).feature_names_ == builder.feature_names_


def test_target_is_ignored(tables, table_factory):
    features = build_features(tables)
    train = tables["application"].assign(TARGET=np.array([1, 0, 1], dtype=np.int8))
    assert "TARGET" not in build_features({**tables, "application": train}).columns
    pd.testing.assert_frame_equal(build_features({**tables, "application": train}), features)


def test_build_features_with_a_fitted_builder(tables):
    builder = FeatureBuilder().fit(tables)
    pd.testing.assert_frame_equal(build_features(tables, builder), builder.transform(tables))


@pytest.mark.parametrize("table", HISTORY_TABLES)
def test_table_missing_at_transform(tables, table, caplog):
    builder = FeatureBuilder().fit(tables)
    full = builder.transform(tables)
    with caplog.at_level(logging.WARNING, logger="scoring_core.features"):
        partial = builder.transform({**tables, table: None})
    assert partial.columns.tolist() == full.columns.tolist()
    gone = columns_of(full, table)
    if table == "bureau":  # bureau_balance reaches clients only through bureau
        gone += columns_of(full, "bureau_balance")
    assert gone and partial[gone].isna().all().all()
    pd.testing.assert_frame_equal(partial.drop(columns=gone), full.drop(columns=gone))
    assert any(table in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


@pytest.mark.parametrize("table", HISTORY_TABLES)
def test_table_missing_at_fit(tables, table):
    full = FeatureBuilder().fit_transform(tables)
    reduced = {name: frame for name, frame in tables.items() if name != table}
    builder = FeatureBuilder().fit(reduced)
    assert table not in builder.history_tables_
    features = builder.transform(tables)  # the table given at transform is not used
    assert not columns_of(features, table)
    if table == "bureau":
        assert not columns_of(features, "bureau_balance")
    common = features.columns
    pd.testing.assert_frame_equal(features, full[common])


def test_application_only(tables):
    features = FeatureBuilder().fit_transform({"application": tables["application"]})
    assert features.shape == (3, 16 + len(SCHEMAS["application_test"].numeric) + 29)


def test_unseen_category_becomes_missing(tables):
    builder = FeatureBuilder().fit(tables)
    app = tables["application"].copy()
    app["NAME_CONTRACT_TYPE"] = pd.Categorical(["Cash loans", "Car loans", None])
    features = builder.transform({**tables, "application": app})
    column = features["NAME_CONTRACT_TYPE"]
    assert column.cat.categories.tolist() == ["Cash loans", "Revolving loans"]
    assert column.iloc[0] == "Cash loans"
    assert column.iloc[1:].isna().all()
    assert builder.categories_["NAME_CONTRACT_TYPE"] == ["Cash loans", "Revolving loans"]
    # plain strings are accepted too
    app["NAME_CONTRACT_TYPE"] = ["Revolving loans", "Cash loans", "???"]
    column = builder.transform({**tables, "application": app})["NAME_CONTRACT_TYPE"]
    assert column.tolist()[:2] == ["Revolving loans", "Cash loans"] and pd.isna(column.iloc[2])


def test_unseen_history_level_counts_in_denominator_only(tables):
    builder = FeatureBuilder().fit(tables)
    bureau = tables["bureau"].copy()
    bureau["CREDIT_ACTIVE"] = pd.Categorical(["Active", "Sold", "Closed", "Closed", "Active"])
    features = builder.transform({**tables, "bureau": bureau})
    assert "BUREAU_CREDIT_ACTIVE_SOLD_SHARE" not in features.columns
    assert features.loc[1, "BUREAU_CREDIT_ACTIVE_ACTIVE_SHARE"] == pytest.approx(1 / 3)
    assert features.loc[1, "BUREAU_CREDIT_ACTIVE_CLOSED_SHARE"] == pytest.approx(1 / 3)


def test_no_inf_with_zero_denominators_everywhere(tables):
    for name, frame in tables.items():
        frame = frame.copy()
        for column in frame.columns:
            if frame[column].dtype == np.float32:
                frame[column] = np.float32(0)
        tables[name] = frame
    features = build_features(tables)
    assert not np.isinf(numeric(features)).any()


def test_sklearn_contract(tables):
    builder = FeatureBuilder(recent_days=30, recent_months=3)
    assert builder.get_params() == {"recent_days": 30, "recent_months": 3, "max_levels": 8}
    with pytest.raises(NotFittedError):
        builder.transform(tables)
    fitted = builder.fit(tables)
    assert fitted is builder
    copy = clone(builder)
    assert copy.get_params() == builder.get_params() and not hasattr(copy, "feature_names_")
    # the windows are parameters: with 30 days only one previous application is recent
    assert builder.transform(tables).loc[1, "PREV_RECENT_COUNT"] == 1
    assert FeatureBuilder().fit_transform(tables).loc[1, "PREV_RECENT_COUNT"] == 2


@pytest.mark.parametrize("value", [0, -5, 2.5, "365", True])
def test_invalid_parameters(tables, value):
    with pytest.raises(ValueError, match="recent_days"):
        FeatureBuilder(recent_days=value).fit(tables)


def test_missing_application(tables):
    del tables["application"]
    with pytest.raises(MissingTableError, match="application"):
        FeatureBuilder().fit(tables)


def test_bad_application(tables):
    app = tables["application"]
    with pytest.raises(MissingColumnError, match="AMT_CREDIT"):
        FeatureBuilder().fit({**tables, "application": app.drop(columns=["AMT_CREDIT"])})
    with pytest.raises(DuplicateKeyError, match="SK_ID_CURR"):
        FeatureBuilder().fit({**tables, "application": pd.concat([app, app.iloc[[0]]])})
    with pytest.raises(ColumnTypeError, match="SK_ID_CURR"):
        FeatureBuilder().fit({**tables, "application": app.assign(SK_ID_CURR=["a", "b", "c"])})
    with pytest.raises(DataError, match="DataFrame"):
        FeatureBuilder().fit({**tables, "bureau": [1, 2]})
    builder = FeatureBuilder().fit(tables)
    with pytest.raises(MissingColumnError, match="bureau.*SK_ID_CURR"):
        builder.transform({**tables, "bureau": tables["bureau"].drop(columns=["SK_ID_CURR"])})


def test_bureau_balance_without_bureau_is_ignored(tables, caplog):
    del tables["bureau"]
    with caplog.at_level(logging.WARNING, logger="scoring_core.features"):
        builder = FeatureBuilder().fit(tables)
    assert "bureau_balance" not in builder.history_tables_
    assert "bureau_balance" in caplog.text


def test_non_numeric_values_name_the_column(tables):
    builder = FeatureBuilder().fit(tables)
    app = tables["application"].astype({"AMT_CREDIT": object})
    app.loc[1, "AMT_CREDIT"] = "a lot"
    with pytest.raises(ColumnTypeError, match="application.*AMT_CREDIT"):
        builder.transform({**tables, "application": app})
    bureau = tables["bureau"].astype({"AMT_CREDIT_SUM": object})
    bureau.loc[0, "AMT_CREDIT_SUM"] = "?"
    with pytest.raises(ColumnTypeError, match="bureau.*AMT_CREDIT_SUM"):
        builder.transform({**tables, "bureau": bureau})


def test_json_like_application_row(tables):
    builder = FeatureBuilder().fit(tables)
    expected = builder.transform({**tables, "application": tables["application"].iloc[[0]]})
    record = tables["application"].iloc[[0]].astype(object).to_dict("records")
    app = pd.DataFrame(record)  # object / float64 / int64 / str columns, no category
    assert app["SK_ID_CURR"].dtype == np.int64
    pd.testing.assert_frame_equal(builder.transform({**tables, "application": app}), expected)


def test_pickle_round_trip(tables):
    builder = FeatureBuilder().fit(tables)
    expected = builder.transform(tables)
    state = builder.__getstate__()
    assert "_layout_cache" not in state
    assert all(isinstance(v, (str, int, tuple, list, dict)) for k, v in state.items() if k.endswith("_"))
    restored = pickle.loads(pickle.dumps(builder))
    pd.testing.assert_frame_equal(restored.transform(tables), expected)


def test_state_round_trip_through_json():
    import json

    from scoring_core.data import normalize_table
    from scoring_core.features import FeatureBuilder
    from scoring_core.synth import generate_tables

    raw = generate_tables(150, seed=4)
    t = {k: normalize_table(v, k) for k, v in raw.items()}
    tables = {
        "application": t["application_train"],
        **{k: t[k] for k in raw if not k.startswith("application")},
    }
    builder = FeatureBuilder(recent_days=200).fit(tables)
    state = json.loads(json.dumps(builder.to_state()))
    clone = FeatureBuilder.from_state(state)
    assert clone.recent_days == 200
    pd.testing.assert_frame_equal(clone.transform(tables), builder.transform(tables))
    with pytest.raises(ValueError, match="incomplete"):
        FeatureBuilder.from_state({"params": {}, "fitted": {}})

"""Single-client path: HistoryStore slices through the same transform give the batch rows."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from scoring_core.data.schema import HISTORY_TABLES
from scoring_core.errors import DataError, UnknownClientError
from scoring_core.features import FeatureBuilder, HistoryStore, new_client_tables


@pytest.fixture
def fitted(tables):
    builder = FeatureBuilder().fit(tables)
    return builder, builder.transform(tables), HistoryStore(tables)


@pytest.mark.parametrize("client", [1, 2, 3])  # 3 has no history at all
def test_single_client_equals_batch_row(fitted, client):
    builder, batch, store = fitted
    one = store.client_tables(client)
    assert set(one) == {"application", *HISTORY_TABLES}
    pd.testing.assert_frame_equal(builder.transform(one), batch.loc[[client]])


def test_client_slices(fitted):
    _, _, store = fitted
    one = store.client_tables(1)
    assert one["bureau"]["SK_ID_BUREAU"].tolist() == [11, 12, 13]
    assert sorted(one["bureau_balance"]["SK_ID_BUREAU"].tolist()) == [11, 11, 11, 11, 12, 12]
    assert len(one["credit_card_balance"]) == 0
    assert one["credit_card_balance"].dtypes.equals(store.client_tables(2)["credit_card_balance"].dtypes)
    none = store.client_tables(3)
    assert all(len(none[name]) == 0 for name in HISTORY_TABLES)
    assert 1 in store and 99 not in store


def test_several_clients_at_once(fitted):
    builder, batch, store = fitted
    pd.testing.assert_frame_equal(builder.transform(store.client_tables([3, 1])), batch.loc[[3, 1]])


def test_unknown_client(fitted):
    _, _, store = fitted
    with pytest.raises(UnknownClientError, match="99"):
        store.client_tables(99)


def test_application_rows_alone(fitted, tables):
    _, _, store = fitted
    pd.testing.assert_frame_equal(store.application_rows(2), store.client_tables(2)["application"])
    pd.testing.assert_frame_equal(store.application_rows([3, 1]), store.client_tables([3, 1])["application"])
    with pytest.raises(UnknownClientError, match="99"):
        store.application_rows(99)
    history_only = HistoryStore({name: frame for name, frame in tables.items() if name != "application"})
    with pytest.raises(ValueError, match="no application table"):
        history_only.application_rows(1)


def test_history_only_store(tables):
    store = HistoryStore({name: frame for name, frame in tables.items() if name != "application"})
    one = store.client_tables(99)  # no application table: any id is fine
    assert "application" not in one and len(one["bureau"]) == 1


def test_random_data_single_equals_batch(random_tables):
    builder = FeatureBuilder().fit(random_tables)
    batch = builder.transform(random_tables)
    store = HistoryStore(random_tables)
    assert not np.isinf(batch.select_dtypes("number").to_numpy()).any()
    for client in [1000, 1007, 1049, 1055, 1059]:  # 1055 and 1059 have no history
        pd.testing.assert_frame_equal(builder.transform(store.client_tables(client)), batch.loc[[client]])


def test_new_application_with_history_records(fitted, tables):
    builder, batch, store = fitted
    app = store.client_tables(1)["application"].assign(SK_ID_CURR=np.int32(500))
    history = {name: frame.drop(columns="SK_ID_CURR", errors="ignore") for name, frame in store.client_tables(1).items()
               if name != "application"}  # fmt: skip
    # records as they come from JSON: plain object / float64 / int64 columns
    history["previous_application"] = pd.DataFrame(
        history["previous_application"].astype(object).to_dict("records")
    )
    features = builder.transform(new_client_tables(app, history))
    assert features.index.tolist() == [500]
    expected = batch.loc[[1]].set_axis(pd.Index(np.array([500], dtype=np.int32), name="SK_ID_CURR"))
    pd.testing.assert_frame_equal(features, expected)


def test_new_application_without_history(fitted, caplog):
    builder, batch, store = fitted
    app = store.client_tables(3)["application"]
    with caplog.at_level(logging.WARNING, logger="scoring_core.features"):
        features = builder.transform(new_client_tables(app))
    assert not caplog.records  # empty history tables, not missing ones
    pd.testing.assert_frame_equal(features, batch.loc[[3]])
    assert features["PREV_COUNT"].iloc[0] == 0 and np.isnan(features["PREV_AMT_CREDIT_SUM"].iloc[0])


def test_new_client_tables_rejects_unknown_tables(tables):
    with pytest.raises(DataError, match="bureaux"):
        new_client_tables(tables["application"], {"bureaux": tables["bureau"]})


def test_partitions_of_clients_give_the_batch_rows(random_tables):
    """Partitionable by SK_ID_CURR (e.g. Dask map_partitions): no state but what is fitted."""
    builder = FeatureBuilder().fit(random_tables)
    batch = builder.transform(random_tables)
    app = random_tables["application"]
    parts = [
        builder.transform({**random_tables, "application": app.iloc[part]})
        for part in np.array_split(np.random.default_rng(1).permutation(len(app)), 3)
    ]
    pd.testing.assert_frame_equal(pd.concat(parts).loc[batch.index], batch)

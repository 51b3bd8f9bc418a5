"""Dask features equal the in-memory features exactly: columns, order, dtypes, values."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from scoring_core.distributed import (
    dask_features,
    dask_tables_from_pandas,
    fit_dask_builder,
    load_dask_tables,
)
from scoring_core.errors import DuplicateKeyError
from scoring_core.features import FeatureBuilder


@pytest.fixture(scope="module")
def in_memory(dask_dataset):
    """The ``features`` command's computation in memory: fitted on train, all clients."""
    builder = FeatureBuilder().fit(dask_dataset.feature_tables("train"))
    return builder, builder.transform(dask_dataset.feature_tables("all"))


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_features_equal_in_memory(dask_cluster, dask_dirs, in_memory, fmt):
    builder, expected = in_memory
    read = {"rows": 1} if fmt == "parquet" else {"block": 40_000}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = load_dask_tables(dask_dirs[fmt], "all", **read)
    assert tables.npartitions >= 4  # train and test, several pieces each
    assert all(t.npartitions >= 2 for t in tables.history.values())

    fitted = fit_dask_builder(tables)
    assert fitted.to_state() == builder.to_state()

    got = dask_features(tables, fitted).compute()
    assert list(got.columns) == list(expected.columns)
    assert got.dtypes.to_dict() == expected.dtypes.to_dict()
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_features_of_pandas_partitions(dask_cluster, dask_dataset, in_memory):
    """Any partitioning of the clients gives the same rows (history partitioned differently)."""
    builder, expected = in_memory
    tables = dask_tables_from_pandas(dask_dataset.feature_tables("all"), npartitions=3)
    pd.testing.assert_frame_equal(dask_features(tables, builder).compute(), expected, check_exact=True)


def test_rows_of_clients_outside_the_application_are_ignored(dask_cluster, dask_dataset):
    tables = dask_dataset.feature_tables("test")
    builder = FeatureBuilder().fit(dask_dataset.feature_tables("train"))
    expected = builder.transform(tables)
    # the history tables also hold the training clients: not in these partitions' application
    got = dask_features(dask_tables_from_pandas(tables, npartitions=2), builder).compute()
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert len(got) == len(tables["application"])


def test_duplicate_client_across_partitions_is_an_error(dask_cluster, dask_dataset):
    tables = dict(dask_dataset.feature_tables("train"))
    app = tables["application"]
    tables["application"] = pd.concat([app, app.iloc[[0]]], ignore_index=True)  # last partition
    dtables = dask_tables_from_pandas(tables, npartitions=3)
    with pytest.raises(DuplicateKeyError, match="application: duplicate SK_ID_CURR"):
        fit_dask_builder(dtables)


def test_duplicate_bureau_credit_is_an_error(dask_cluster, dask_dataset):
    tables = dict(dask_dataset.feature_tables("train"))
    bureau = tables["bureau"]
    twin = bureau.iloc[[0]].copy()
    twin["SK_ID_CURR"] = np.int32(tables["application"]["SK_ID_CURR"].iloc[-1])
    tables["bureau"] = pd.concat([bureau, twin], ignore_index=True)
    dtables = dask_tables_from_pandas(tables, npartitions=2)
    builder = FeatureBuilder().fit(dask_dataset.feature_tables("train"))
    with pytest.raises(DuplicateKeyError, match="bureau: duplicate SK_ID_BUREAU"):
        dask_features(dtables, builder)

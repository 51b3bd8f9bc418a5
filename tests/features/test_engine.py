"""The numpy aggregation engine against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_core.features.engine import Groups, KeyIndex, indicator, safe_div

NAN = np.nan


def assert_same(actual, expected):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=1e-12)


def test_from_labels_sorts_groups_and_drops_negative_labels():
    groups = Groups.from_labels(np.array([2, 0, 2, -1, 0, 5]))
    assert groups.labels.tolist() == [0, 2, 5]
    assert groups.sizes.tolist() == [2, 2, 1]
    assert groups.starts.tolist() == [0, 2, 4]
    # stable: rows keep their input order inside a group
    assert groups.order.tolist() == [1, 4, 0, 2, 5]
    assert groups.take(np.array([10, 11, 12, 13, 14, 15])).tolist() == [11, 14, 10, 12, 15]


def test_from_labels_without_copy_when_already_grouped():
    groups = Groups.from_labels(np.array([0, 0, 1, 3]))
    assert groups.order is None
    assert groups.labels.tolist() == [0, 1, 3]


def test_stats_with_missing_values():
    # group 0: [1, nan, 3]; group 1: [nan, nan]; group 2: [5]
    labels = np.array([0, 1, 0, 2, 1, 0])
    values = np.array([1.0, NAN, NAN, 5.0, NAN, 3.0])
    groups = Groups.from_labels(labels)
    stats = groups.stats(groups.take(values), ("count", "sum", "mean", "min", "max", "var"))
    assert list(stats) == ["count", "sum", "mean", "min", "max", "var"]
    assert_same(stats["count"], [2, 0, 1])
    assert_same(stats["sum"], [4, NAN, 5])
    assert_same(stats["mean"], [2, NAN, 5])
    assert_same(stats["min"], [1, NAN, 5])
    assert_same(stats["max"], [3, NAN, 5])
    assert_same(stats["var"], [2, NAN, NAN])  # ddof=1, NaN below two values


def test_stats_with_empty_groups():
    groups = Groups.from_sizes([2, 0, 1, 0])
    values = np.array([4.0, 6.0, 7.0])
    stats = groups.stats(values, ("count", "sum", "mean", "min", "max", "var"))
    assert_same(stats["count"], [2, 0, 1, 0])
    assert_same(stats["sum"], [10, NAN, 7, NAN])
    assert_same(stats["mean"], [5, NAN, 7, NAN])
    assert_same(stats["min"], [4, NAN, 7, NAN])
    assert_same(stats["max"], [6, NAN, 7, NAN])
    assert_same(stats["var"], [2, NAN, NAN, NAN])
    assert_same(groups.count(), [2, 0, 1, 0])
    assert_same(groups.count(np.array([True, False, True])), [1, 0, 1, 0])


def test_stats_without_rows():
    groups = Groups.from_labels(np.array([-1, -1]))
    assert groups.n_groups == 0
    stats = groups.stats(groups.take(np.array([1.0, 2.0])), ("sum", "min", "var"))
    assert all(len(v) == 0 for v in stats.values())
    out = groups.scatter(np.empty((0, 2)), 3, fill=np.array([0.0, NAN]))
    assert_same(out, [[0, NAN]] * 3)


def test_variance_avoids_cancellation():
    values = 1e9 + np.array([1.0, 2.0, 3.0, 4.0])
    groups = Groups.from_labels(np.zeros(4, dtype=int))
    assert groups.stats(values, ("var",))["var"][0] == pytest.approx(np.var([1, 2, 3, 4], ddof=1), rel=1e-12)


def test_unknown_statistic():
    with pytest.raises(ValueError, match="median"):
        Groups.from_labels(np.array([0])).stats(np.array([1.0]), ("median",))


def test_stats_match_pandas_on_random_data():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 50, 2000)
    values = rng.normal(size=2000)
    values[rng.random(2000) < 0.2] = NAN
    groups = Groups.from_labels(labels)
    stats = groups.stats(groups.take(values), ("count", "sum", "mean", "min", "max", "var"))
    expected = pd.Series(values).groupby(labels).agg(["count", "sum", "mean", "min", "max", "var"])
    expected.loc[expected["count"] == 0, "sum"] = NAN  # empty set: NaN, not 0
    for stat in stats:
        np.testing.assert_allclose(stats[stat], expected[stat].to_numpy(), rtol=1e-10)
    assert groups.labels.tolist() == expected.index.tolist()


def test_level_counts_and_scatter():
    groups = Groups.from_labels(np.array([1, 1, 3, 1]))
    counts = groups.level_counts(groups.take(np.array([0, 2, 1, -1]), dtype=None), 3)
    assert counts.tolist() == [[1, 0, 1], [0, 1, 0]]
    out = groups.scatter(counts, 5, fill=np.array([0.0, NAN, -1.0]))
    assert_same(out[1], [1, 0, 1])
    assert_same(out[3], [0, 1, 0])
    assert_same(out[0], [0, NAN, -1])
    assert_same(out[4], [0, NAN, -1])


@pytest.mark.parametrize("offset", [0, 2**30])
def test_key_index_lookup(offset):
    keys = np.array([7, 3, 100, 12]) + offset  # dense (lookup table) or wide (binary search)
    if offset:
        keys[0] = 5  # a span too wide for a lookup table
    index = KeyIndex(keys)
    queries = np.array([keys[2], keys[0], 4 + offset, keys[3], -1, keys[1]])
    assert index.lookup(queries).tolist() == [2, 0, -1, 3, -1, 1]


def test_key_index_empty():
    assert KeyIndex(np.array([], dtype=np.int64)).lookup(np.array([1, 2])).tolist() == [-1, -1]


def test_safe_div_and_indicator():
    assert_same(safe_div(np.array([1.0, 1.0, 0.0, NAN, -3.0]), np.array([2.0, 0.0, 0.0, 1.0, NAN])),
                [0.5, NAN, NAN, NAN, NAN])  # fmt: skip
    assert_same(safe_div(np.array([1e308]), np.array([1e-308])), [NAN])  # overflow: NaN, not inf
    assert_same(indicator(np.array([True, False, True]), np.array([True, True, False])), [1, 0, NAN])

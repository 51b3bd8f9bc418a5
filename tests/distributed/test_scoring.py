"""Dask scores equal the in-memory scores (to 1e-9; in fact exactly), written as one CSV
byte-equal to the in-memory file, or as partitioned parquet."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from scoring_core.distributed import dask_scores, load_dask_tables, write_scores
from scoring_core.errors import ScoringError


@pytest.fixture(scope="module")
def scored(dask_cluster, dask_dirs, dask_dataset, quick_result):
    model = quick_result.model
    expected = model.score_tables(dask_dataset.feature_tables("test"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = load_dask_tables(dask_dirs["parquet"], "auto", rows=1)
    return model, expected, dask_scores(tables, model)


def test_scores_equal_in_memory(scored):
    model, expected, scores = scored
    got = scores.compute().reset_index(drop=True)
    assert list(got.columns) == ["SK_ID_CURR", "probability", "decision", "grade"]
    np.testing.assert_array_equal(got["SK_ID_CURR"], expected["SK_ID_CURR"])
    np.testing.assert_allclose(got["probability"], expected["probability"], rtol=0, atol=1e-9)
    assert (got["decision"] == expected["decision"]).all()
    assert (got["grade"] == expected["grade"]).all()


def test_one_csv_is_the_in_memory_file(scored, tmp_path):
    _, expected, scores = scored
    write_scores(scores, tmp_path / "dask.csv")
    expected.to_csv(tmp_path / "memory.csv", index=False)
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "memory.csv").read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_partitioned_parquet(scored, tmp_path):
    _, expected, scores = scored
    out = tmp_path / "scores.parquet"
    write_scores(scores, out)
    write_scores(scores, out)  # replaced, not appended to
    parts = sorted(out.glob("*.parquet"))
    assert len(parts) == scores.npartitions
    got = pd.read_parquet(out).sort_values("SK_ID_CURR").reset_index(drop=True)
    want = expected.sort_values("SK_ID_CURR").reset_index(drop=True)
    np.testing.assert_allclose(got["probability"], want["probability"], rtol=0, atol=1e-9)
    assert got["decision"].tolist() == want["decision"].tolist()


def test_other_output_is_refused(scored, tmp_path):
    with pytest.raises(ScoringError, match=r"\.csv file or a \.parquet directory"):
        write_scores(scored[2], tmp_path / "scores.json")

"""Training with lightgbm.dask: the in-memory split, builder, folds, calibration, threshold
and artifact (the boosters themselves are trained on the cluster, so they differ)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from scoring_core.distributed import load_dask_tables
from scoring_core.distributed.training import dask_train
from scoring_core.errors import ScoringError
from scoring_core.model.artifact import load_model, save_model
from scoring_core.model.training import TrainConfig, train


@pytest.fixture(scope="module")
def config():
    return TrainConfig(quick=True, folds=2, seed=4)


@pytest.mark.slow
def test_dask_training_follows_the_in_memory_recipe(dask_cluster, dask_dirs, dask_dataset, config, tmp_path):
    expected = train(dask_dataset.feature_tables("train"), config, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = dask_train(load_dask_tables(dask_dirs["parquet"], "train", rows=1), config)
    model = result.model

    # same clients in the same split, the same fitted features, the same data fingerprint
    assert model.builder.to_state() == expected.model.builder.to_state()
    assert result.holdout_scores["SK_ID_CURR"].tolist() == expected.holdout_scores["SK_ID_CURR"].tolist()
    assert result.oof.index.tolist() == expected.oof.index.tolist()
    assert model.metadata["data_fingerprint"] == expected.model.metadata["data_fingerprint"]
    assert model.metadata["recipe"]["engine"] == "lightgbm.dask"

    # threshold and calibration chosen on the out-of-fold predictions, as in memory
    assert 0 < model.threshold < 1
    assert model.calibrator is not None and model.grades is not None
    assert result.metrics["holdout"]["auc"] > 0.55  # the synthetic data has signal
    assert set(result.metrics) == set(expected.metrics)
    for part in ("oof", "holdout", "calibration"):  # the same figures recorded
        assert set(result.metrics[part]) == set(expected.metrics[part]), part
    assert set(model.metadata) == set(expected.model.metadata)

    # the artifact: saved, verified on load, scoring like the trained object
    save_model(model, tmp_path / "model")
    loaded = load_model(tmp_path / "model")
    tables = dask_dataset.feature_tables("test")
    np.testing.assert_allclose(
        loaded.score_tables(tables)["probability"],
        model.score_tables(tables)["probability"],
        rtol=0,
        atol=1e-12,
    )


def test_resampling_strategies_are_refused(dask_cluster, dask_dirs):
    with pytest.raises(ScoringError, match="resamples rows"):
        dask_train(
            load_dask_tables(dask_dirs["parquet"], "train"), TrainConfig(quick=True, strategy="undersample")
        )

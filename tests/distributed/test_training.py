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

    # trained on arrays of category codes, the booster records the builder's levels behind them:
    # data frames are converted with the same codes (and the fast matrix path applies)
    levels = [list(v) for k, v in model.builder.categories_.items() if k in model.feature_names]
    assert sorted(map(tuple, model.estimator.pandas_categorical)) == sorted(map(tuple, levels))
    assert model._codes_match()
    X = model.features(dask_dataset.feature_tables("test"))
    np.testing.assert_array_equal(model.estimator.predict(X, raw_score=True), model.raw_score(X))

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


def test_release_worker_memory_answers_for_every_worker(dask_cluster):
    """What dask_train calls between its fits: runs on each worker, returns its resident memory."""
    from scoring_core.distributed import release_worker_memory

    rss = release_worker_memory(dask_cluster)
    assert set(rss) == set(dask_cluster.scheduler_info()["workers"])
    assert all(isinstance(v, int) and v > 20 * 2**20 for v in rss.values())


def test_fit_rows_are_what_lightgbm_reads_from_the_data_frame(quick_result, train_tables):
    """The arrays the Dask fits get (float32, category codes, NaN for missing) hold what
    LightGBM itself takes from the feature data frame, for the rows outside the fold."""
    import pandas as pd
    from lightgbm.basic import _data_from_pandas

    from scoring_core.distributed.training import _FOLD, _Y, _fold_xy

    X = quick_result.model.features(train_tables)
    features = list(X.columns)
    categorical = [j for j, f in enumerate(features) if isinstance(X.dtypes[f], pd.CategoricalDtype)]
    assert categorical  # the synthetic clients have categories
    rng = np.random.default_rng(0)
    fold = rng.integers(-1, 3, len(X)).astype(np.int8)  # -1: hold-out
    frame = X.assign(**{_Y: rng.integers(0, 2, len(X)).astype(np.int8), _FOLD: fold})
    got, y = _fold_xy(frame, 1, features, categorical)
    keep = (fold >= 0) & (fold != 1)
    expected = _data_from_pandas(X[keep], "auto", "auto", None)[0]
    assert got.dtype == np.float32 and got.flags.c_contiguous
    np.testing.assert_array_equal(got.astype(np.float64), expected)
    np.testing.assert_array_equal(y, frame[_Y].to_numpy()[keep])
    everything, _ = _fold_xy(frame, -1, features, categorical)
    assert len(everything) == int((fold >= 0).sum())

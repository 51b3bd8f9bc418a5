"""compute_drift on data sets: the feature pipeline, the score, the verdict, table choice."""

from __future__ import annotations

import pytest

from scoring_core.data import Dataset
from scoring_core.drift import (
    SCORE_NAME,
    DriftError,
    EmptyDataError,
    compute_drift,
    drift_from_dirs,
    pick_application,
    shift_dataset,
)


@pytest.fixture(scope="module")
def halves_dataset(train_dataset):
    """Reference = first 750 labelled clients (train), current = the other 750 (test table)."""
    app = train_dataset.train
    return (
        Dataset(None, {"application_train": app.iloc[:750].reset_index(drop=True), **train_dataset.history}),
        Dataset(
            None,
            {
                "application_test": app.iloc[750:].drop(columns="TARGET").reset_index(drop=True),
                **train_dataset.history,
            },
        ),
    )


def test_with_model_score_and_top_features(halves_dataset, quick_result):
    model = quick_result.model
    ref, cur = halves_dataset
    stable = compute_drift(ref, cur, model, top=10, progress=False)
    sources = [f.source for f in stable.features]
    assert sources.count("score") == 1 and stable.features[0].name == SCORE_NAME
    assert sources.count("application") == 120 and sources.count("feature") == 10
    ranks = {d["feature"]: i for i, d in enumerate(model.metadata["global_importance"], 1)}
    engineered = [f for f in stable.features if f.source == "feature"]
    assert all(f.importance_rank == ranks[f.name] for f in engineered)
    assert not stable.dataset_drift and stable.score.status == "stable"
    assert stable.model_version == model.version and stable.n_current == 750

    shifted = compute_drift(ref, shift_dataset(cur), model, top=10, progress=False)  # the demo shift
    assert shifted.dataset_drift
    assert shifted.score.drift and any("score" in r for r in shifted.reasons)
    assert any("top-10 model feature" in r for r in shifted.reasons)
    for name in ("AMT_INCOME_TOTAL", "EXT_SOURCE_3", "NAME_CONTRACT_TYPE"):
        assert shifted.feature(name).drift, name
    assert shifted.feature("CODE_GENDER").status == "stable"


def test_without_model_all_engineered_features(halves_dataset):
    ref, cur = halves_dataset
    report = compute_drift(ref, cur, progress=False)
    assert report.score is None and report.model_version is None
    engineered = [f for f in report.features if f.source == "feature"]
    assert len(engineered) > 100 and all(f.importance_rank is None for f in engineered)
    assert "CREDIT_INCOME_RATIO" in report.names and not report.dataset_drift


def test_application_table_choice(train_dataset):
    both = Dataset(None, {"application_train": train_dataset.train, "application_test": train_dataset.train})
    assert pick_application(both, "auto", "reference") == "train"
    assert pick_application(both, "auto", "current") == "test"
    only_train = Dataset(None, {"application_train": train_dataset.train})
    assert pick_application(only_train, "auto", "current") == "train"
    with pytest.raises(DriftError, match="application_test not found"):
        pick_application(only_train, "test", "current")


def test_empty_current_data_set(halves_dataset):
    ref, cur = halves_dataset
    empty = Dataset(None, {"application_test": cur.test.iloc[:0], **cur.history})
    with pytest.raises(EmptyDataError, match="current data is empty"):
        compute_drift(ref, empty, progress=False)


def test_from_directories(synth_dir):
    report = drift_from_dirs(synth_dir, synth_dir, progress=False)  # train against test
    assert "application_train" in report.reference and "application_test" in report.current
    assert report.n_reference == 1000 and report.n_current > 100
    assert not report.dataset_drift

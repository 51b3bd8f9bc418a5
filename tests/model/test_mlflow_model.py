"""The model registered in MLflow is the complete scoring model: loaded back with
``mlflow.pyfunc.load_model`` it scores raw tables exactly as the ``score`` command does."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring_core.data.loader import find_table_file
from scoring_core.data.schema import HISTORY_TABLES
from scoring_core.errors import DataError, MissingTableError
from scoring_core.model.training import TrainConfig
from scoring_core.model.workflow import train_and_save

mlflow = pytest.importorskip("mlflow")


@pytest.fixture(scope="module")
def registered(synth_dir, tmp_path_factory):
    """A model trained, saved and registered by the one training path (its own MLflow store)."""
    tmp = tmp_path_factory.mktemp("mlflow-model")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp}/mlflow.db")
        run = train_and_save(synth_dir, tmp / "model", TrainConfig(quick=True, seed=4), progress=False)
    assert "error" not in run.mlflow, run.mlflow
    return run, f"sqlite:///{tmp}/mlflow.db"


def _raw(synth_dir) -> dict[str, pd.DataFrame]:
    """The data directory's tables read with plain pandas (what a user of the registry has)."""
    names = ("application_test", *HISTORY_TABLES)
    return {n: pd.read_csv(find_table_file(synth_dir, n)) for n in names}


def _load(uri, monkeypatch, **kw):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    return mlflow.pyfunc.load_model(f"models:/credit-scoring/{kw.pop('version')}", **kw)


def test_registered_version_scores_like_the_score_command(registered, synth_dir, tmp_path, monkeypatch):
    from scoring_cli import main

    run, uri = registered
    version = run.mlflow["model_version"]
    assert run.mlflow["registered_model"] == "credit-scoring" and version
    out = tmp_path / "scores.csv"
    assert (
        main(["score", "--model", str(run.model_dir), "--data-dir", str(synth_dir), "--out", str(out), "-q"])
        == 0
    )
    expected = pd.read_csv(out)

    got = _load(uri, monkeypatch, version=version).predict(_raw(synth_dir))
    assert list(got.columns) == ["SK_ID_CURR", "probability", "decision", "grade"]
    assert len(got) == len(expected) > 100
    assert (got["SK_ID_CURR"].to_numpy() == expected["SK_ID_CURR"].to_numpy()).all()
    assert got["probability"].to_numpy() == pytest.approx(expected["probability"].to_numpy(), abs=1e-12)
    assert (got["decision"].to_numpy() == expected["decision"].to_numpy()).all()
    assert (got["grade"].astype(str).to_numpy() == expected["grade"].astype(str).to_numpy()).all()
    assert set(got["decision"]) == {"approve", "refuse"}


def test_registered_version_refuses_data_without_its_tables(registered, synth_dir, monkeypatch):
    run, uri = registered
    model = _load(uri, monkeypatch, version=run.mlflow["model_version"])
    application = _raw(synth_dir)["application_test"]
    with pytest.raises(MissingTableError, match="bureau.*allow_missing_tables"):
        model.predict(application)  # the application rows alone: every history table is missing
    with pytest.raises(DataError, match="unknown table"):
        model.predict({"application_test": application, "bureau_typo": application})

    lenient = _load(
        uri, monkeypatch, version=run.mlflow["model_version"], model_config={"allow_missing_tables": True}
    )
    scores = lenient.predict(application)
    assert len(scores) == len(application) and scores["probability"].between(0, 1).all()


def test_the_registered_model_carries_the_whole_artifact(registered, monkeypatch):
    """Not a bare booster: the saved directory (feature builder, model, threshold, grades)."""
    run, uri = registered
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    client = mlflow.MlflowClient()
    mv = client.get_model_version("credit-scoring", run.mlflow["model_version"])
    local = mlflow.artifacts.download_artifacts(f"models:/credit-scoring/{mv.version}")
    from pathlib import Path

    files = {p.name for p in Path(local).rglob("*")}
    assert {"metadata.json", "manifest.json", "evaluation.parquet", "mlflow_entry.py"} <= files

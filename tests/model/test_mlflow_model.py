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
        mp.chdir(tmp)  # the run's artifacts go to ./mlruns: here, not in the repository
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


def test_params_allow_missing_tables_per_call(registered, synth_dir, monkeypatch):
    run, uri = registered
    model = _load(uri, monkeypatch, version=run.mlflow["model_version"])
    application = _raw(synth_dir)["application_test"]
    scores = model.predict(application, params={"allow_missing_tables": True})
    assert len(scores) == len(application)
    with pytest.raises(MissingTableError):
        model.predict(application, params={"allow_missing_tables": False})
    lenient = _load(
        uri, monkeypatch, version=run.mlflow["model_version"], model_config={"allow_missing_tables": True}
    )
    assert len(lenient.predict(application, params={"allow_missing_tables": False})) == len(application)


@pytest.mark.slow
def test_mlflow_models_serve_scores_a_registered_version(registered, synth_dir, tmp_path, free_port):
    """Through MLflow's own server (``mlflow models serve``, this environment): the REST answer
    is the local predictor's, application rows in, with the per-request parameter."""
    import os
    import shutil
    import subprocess
    import sys
    import time

    import httpx

    from scoring_core.model.pyfunc import ScoringPredictor

    run, uri = registered
    port = free_port()
    mlflow_cli = shutil.which("mlflow", path=os.path.dirname(sys.executable))
    assert mlflow_cli, "the mlflow command is installed with the tracking extra"
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [mlflow_cli, "models", "serve", "-m", f"models:/credit-scoring/{run.mlflow['model_version']}"]
        + ["--env-manager", "local", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        # MLflow runs ``uvicorn`` from PATH: this environment's
        env={
            **os.environ,
            "MLFLOW_TRACKING_URI": uri,
            "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        application = _raw(synth_dir)["application_test"].head(20)
        body = {
            "dataframe_split": json_safe(application),
            "params": {"allow_missing_tables": True},
        }
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            try:
                if httpx.get(f"http://127.0.0.1:{port}/ping", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "mlflow models serve did not start in 240 s"
            time.sleep(1)
        r = httpx.post(f"http://127.0.0.1:{port}/invocations", json=body, timeout=120)
        assert r.status_code == 200, r.text[:2000]
        got = pd.DataFrame(r.json()["predictions"])
        expected = ScoringPredictor(run.model_dir).predict(application, allow_missing_tables=True)
        assert got["SK_ID_CURR"].tolist() == expected["SK_ID_CURR"].tolist()
        assert got["probability"].to_numpy() == pytest.approx(expected["probability"].to_numpy(), abs=1e-9)
        assert got["decision"].tolist() == expected["decision"].tolist()
        refused = httpx.post(
            f"http://127.0.0.1:{port}/invocations",
            json={"dataframe_split": body["dataframe_split"]},
            timeout=120,
        )
        assert refused.status_code >= 400 and "bureau" in refused.text  # no history, not asked: refused
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def json_safe(df: pd.DataFrame) -> dict:
    """``DataFrame.to_dict(orient="split")`` with missing values as JSON nulls."""
    split = df.astype(object).where(df.notna(), None).to_dict(orient="split")
    split.pop("index", None)
    return split

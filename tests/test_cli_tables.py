"""The tables a model needs, through the real command line: refused unless allowed, then named."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoring_core", *args], capture_output=True, text=True, timeout=300
    )


def _without(src, dst, *tables: str):
    """A data directory with every file of ``src`` but ``tables`` (symbolic links)."""
    dst.mkdir()
    for f in src.iterdir():
        if not any(f.name.startswith(t + ".") for t in tables):
            os.symlink(f, dst / f.name)
    return dst


@pytest.fixture(scope="module")
def bureau_model(tmp_path_factory, synth_dir):
    """A model trained on the application and bureau tables only (``train --tables``)."""
    out = tmp_path_factory.mktemp("models") / "m"
    proc = run(
        "train", "--data-dir", str(synth_dir), "--out", str(out), "--quick", "--no-mlflow", "-q",
        "--tables", "application,bureau,bureau_balance",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return out


def test_train_records_the_chosen_tables(bureau_model):
    meta = json.loads((bureau_model / "metadata.json").read_text())
    assert meta["tables"] == ["application", "bureau", "bureau_balance"]
    assert meta["config"]["tables"] == ["application", "bureau", "bureau_balance"]
    assert not any(f.startswith(("PREV_", "POS_", "CC_", "INSTAL_")) for f in meta["feature_names"])
    assert any(f.startswith("BUREAU_") for f in meta["feature_names"])


def test_train_with_an_unknown_or_absent_table(tmp_path, synth_dir):
    proc = run("train", "--data-dir", str(synth_dir), "--out", str(tmp_path / "m"), "--quick", "--no-mlflow",
               "--tables", "application,bureaux")  # fmt: skip
    assert proc.returncode == 2 and "bureaux" in proc.stderr and "Traceback" not in proc.stderr
    data = _without(synth_dir, tmp_path / "d", "bureau")
    proc = run("train", "--data-dir", str(data), "--out", str(tmp_path / "m"), "--quick", "--no-mlflow",
               "--tables", "application,bureau")  # fmt: skip
    assert proc.returncode == 2 and "bureau" in proc.stderr and "Traceback" not in proc.stderr


def test_score_refuses_data_lacking_a_trained_table(tmp_path, bureau_model, synth_dir):
    data = _without(synth_dir, tmp_path / "d", "bureau", "bureau_balance")
    out = tmp_path / "s.csv"
    proc = run("score", "--model", str(bureau_model), "--data-dir", str(data), "--out", str(out), "-q")
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip() and "DataWarning" not in line]
    assert "Traceback" not in proc.stderr
    assert any("bureau" in line and "--allow-missing-tables" in line for line in lines), proc.stderr
    assert not out.exists()

    proc = run("score", "--model", str(bureau_model), "--data-dir", str(data), "--out", str(out), "-q",
               "--allow-missing-tables")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "missing tables: bureau, bureau_balance" in proc.stdout
    assert "WITHOUT table(s) bureau, bureau_balance" in proc.stderr
    assert list(pd.read_csv(out).columns) == ["SK_ID_CURR", "probability", "decision", "grade"]


def test_data_lacking_an_unused_table_scores_as_usual(tmp_path, bureau_model, synth_dir):
    """Tables the model was not trained with may be absent; clients without bureau records
    in a present table score as usual, with a grade."""
    data = _without(synth_dir, tmp_path / "d", "previous_application", "credit_card_balance")
    out = tmp_path / "s.csv"
    proc = run("score", "--model", str(bureau_model), "--data-dir", str(data), "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    scores = pd.read_csv(out)
    bureau = pd.read_csv(synth_dir / "bureau.csv", usecols=["SK_ID_CURR"])
    without_history = ~scores["SK_ID_CURR"].isin(bureau["SK_ID_CURR"])
    assert without_history.any() and (~without_history).any()
    assert scores["probability"].between(0, 1).all()
    assert set(scores["grade"]) <= set("ABCDEFG") and scores["grade"].notna().all()
    meta = json.loads((bureau_model / "metadata.json").read_text())
    cut = meta["grade_scale"]["cutoffs"]
    expected = [meta["grade_scale"]["labels"][sum(p >= c for c in cut)] for p in scores["probability"]]
    assert scores["grade"].tolist() == expected


def test_explain_and_drift_refuse_then_name_the_missing_table(tmp_path, bureau_model, synth_dir):
    data = _without(synth_dir, tmp_path / "d", "bureau", "bureau_balance")
    client = str(pd.read_csv(synth_dir / "application_train.csv", usecols=["SK_ID_CURR"]).iloc[0, 0])
    proc = run(
        "explain", "--model", str(bureau_model), "--data-dir", str(data), "--client", client, "--json", "-q"
    )
    assert proc.returncode == 2 and "bureau" in proc.stderr and "Traceback" not in proc.stderr
    proc = run("explain", "--model", str(bureau_model), "--data-dir", str(data), "--client", client, "--json",
               "-q", "--allow-missing-tables")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["missing_tables"] == ["bureau", "bureau_balance"]
    assert out["grade"] in list("ABCDEFG")

    proc = run(
        "drift", "--reference", str(synth_dir), "--current", str(data), "--model", str(bureau_model), "-q"
    )
    assert proc.returncode == 2 and "current" in proc.stderr and "bureau" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run("drift", "--reference", str(synth_dir), "--current", str(data), "--model", str(bureau_model), "-q",
               "--allow-missing-tables")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "missing tables: bureau (current), bureau_balance (current)" in proc.stdout


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_refuses_then_serves_with_allow_missing_tables(
    tmp_path, bureau_model, synth_dir, free_port, workers, serve_api
):
    """``serve --allow-missing-tables`` (a real server process): the flag alone makes the API serve
    data lacking a table the model was trained with, which it refuses without it."""
    import httpx

    data = _without(synth_dir, tmp_path / "data", "bureau", "bureau_balance")
    env = {
        **os.environ,
        "SCORING_API_KEYS": "cli-test-key",
        "SCORING_API_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
        "SCORING_API_ALLOW_MISSING_TABLES": "false",  # only the flag may allow it
    }
    base = [
        sys.executable,
        "-m",
        "scoring_core",
        "serve",
        "--model",
        str(bureau_model),
        "--data-dir",
        str(data),
    ]
    base += ["--workers", workers, "-q"]
    refused = subprocess.run(
        [*base, "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert refused.returncode == 2 and "bureau" in refused.stderr, refused.stderr[-2000:]

    allowed_env = {"SCORING_API_KEYS": "cli-test-key", "SCORING_API_ALLOW_MISSING_TABLES": "false"}
    flags = ("--workers", workers, "-q", "--allow-missing-tables")
    with serve_api(bureau_model, data, tmp_path, *flags, env=allowed_env, timeout=240) as server:
        headers = {"X-API-Key": "cli-test-key"}
        page = httpx.get(f"{server.url}/clients", params={"limit": 2}, headers=headers, timeout=60)
        assert page.status_code == 200, page.text
        cid = page.json()["clients"][0]["client_id"]
        score = httpx.get(f"{server.url}/clients/{cid}/score", headers=headers, timeout=60)
        assert score.status_code == 200 and 0 <= score.json()["probability"] <= 1, score.text

"""The command line: results and one-line errors with exit code 2."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from scoring_cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoring_core", *args], capture_output=True, text=True, timeout=300
    )


def assert_bad_input(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    for n in needles:
        assert n in lines[0]


def test_synth_writes_seven_tables(tmp_path, capsys):
    assert main(["synth", "--clients", "120", "--seed", "3", "--out", str(tmp_path), "-q"]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        f"{t}.csv"
        for t in (
            "application_train",
            "application_test",
            "bureau",
            "bureau_balance",
            "previous_application",
            "POS_CASH_balance",
            "installments_payments",
            "credit_card_balance",
        )
    )
    assert "default rate" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, needles",
    [
        (["synth", "--clients", "0", "--out", "x"], ["--clients"]),
        (["synth", "--clients", "ten", "--out", "x"], ["--clients", "ten"]),
        (["synth", "--clients", "5", "--out", "x", "--format", "xlsx"], ["--format"]),
        (["synth", "--clients", "5"], ["--out"]),
        (["frobnicate"], ["frobnicate"]),
    ],
)
def test_bad_arguments_exit_2_one_line(args, needles):
    assert_bad_input(run(*args), *needles)


def test_synth_out_is_a_file(tmp_path):
    f = tmp_path / "f.txt"
    f.write_text("x")
    assert_bad_input(run("synth", "--clients", "5", "--out", str(f)), "not a directory")


def test_features_bad_data_dir(tmp_path):
    assert_bad_input(
        run("features", "--data-dir", str(tmp_path / "none"), "--out", str(tmp_path / "f.parquet")),
        "does not exist",
    )


def test_features_empty_data_dir(tmp_path):
    assert_bad_input(
        run("features", "--data-dir", str(tmp_path), "--out", str(tmp_path / "f.parquet")), "application"
    )


def test_features_bad_column_type(tmp_path, synth_dir):
    app = pd.read_csv(synth_dir / "application_train.csv")
    app["AMT_CREDIT"] = app["AMT_CREDIT"].astype(object)
    app.loc[5, "AMT_CREDIT"] = "n/a please"
    app.to_csv(tmp_path / "application_train.csv", index=False)
    out = tmp_path / "f.parquet"
    assert_bad_input(
        run("features", "--data-dir", str(tmp_path), "--out", str(out)), "application_train", "AMT_CREDIT"
    )
    assert not out.exists()


def test_features_missing_column(tmp_path, synth_dir):
    pd.read_csv(synth_dir / "application_train.csv").drop(columns=["DAYS_BIRTH"]).to_csv(
        tmp_path / "application_train.csv", index=False
    )
    assert_bad_input(
        run("features", "--data-dir", str(tmp_path), "--out", str(tmp_path / "f.parquet")),
        "application_train",
        "DAYS_BIRTH",
    )


def test_features_out_must_be_parquet(tmp_path, synth_dir):
    assert_bad_input(
        run("features", "--data-dir", str(synth_dir), "--out", str(tmp_path / "f.csv")), "parquet"
    )


def test_features_one_row_per_client(tmp_path, synth_dir):
    out = tmp_path / "features.parquet"
    assert main(["features", "--data-dir", str(synth_dir), "--out", str(out), "-q"]) == 0
    df = pd.read_parquet(out)
    train = pd.read_csv(synth_dir / "application_train.csv")
    test = pd.read_csv(synth_dir / "application_test.csv")
    assert len(df) == len(train) + len(test)
    assert df["SK_ID_CURR"].is_unique
    assert set(df["SK_ID_CURR"]) == set(train.SK_ID_CURR) | set(test.SK_ID_CURR)
    assert df["TARGET"].notna().sum() == len(train)
    assert df.shape[1] > 200


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, synth_dir):
    out = tmp_path_factory.mktemp("models") / "m"
    assert (
        main(["train", "--data-dir", str(synth_dir), "--out", str(out), "--quick", "--no-mlflow", "-q"]) == 0
    )
    return out


def test_train_and_score(tmp_path, model_dir, synth_dir, capsys):
    out = tmp_path / "scores.csv"
    assert (
        main(["score", "--model", str(model_dir), "--data-dir", str(synth_dir), "--out", str(out), "-q"]) == 0
    )
    scores = pd.read_csv(out)
    test = pd.read_csv(synth_dir / "application_test.csv")
    assert list(scores.columns) == ["SK_ID_CURR", "probability", "decision", "grade"]
    assert scores["SK_ID_CURR"].tolist() == test["SK_ID_CURR"].tolist()
    assert scores["probability"].between(0, 1).all()
    import json

    thr = json.loads((model_dir / "metadata.json").read_text())["threshold"]
    assert ((scores["probability"] >= thr) == (scores["decision"] == "refuse")).all()
    assert set(scores["decision"]) <= {"approve", "refuse"}


def test_train_logs_to_mlflow(tmp_path, synth_dir, capsys):
    out = tmp_path / "m"
    assert main(["train", "--data-dir", str(synth_dir), "--out", str(out), "--quick", "-q"]) == 0
    printed = capsys.readouterr().out
    assert "MLflow run" in printed and "registered as credit-scoring" in printed
    # the calibration line puts the hold-out ECE next to the noise a calibrated model would show
    assert "a perfectly calibrated model would measure about" in printed
    import mlflow

    runs = mlflow.search_runs(experiment_names=["credit-scoring"])
    assert len(runs) >= 1 and runs["metrics.holdout.auc"].iloc[0] > 0.5


def test_train_without_application_train(tmp_path, synth_dir):
    import shutil

    shutil.copy(synth_dir / "application_test.csv", tmp_path)
    assert_bad_input(
        run("train", "--data-dir", str(tmp_path), "--out", str(tmp_path / "m"), "--quick", "--no-mlflow"),
        "application_train",
    )


@pytest.mark.parametrize(
    "extra, needle",
    [
        (["--monotone", "NOPE=+1"], "NOPE"),
        (["--monotone", "EXT_SOURCES_MEAN=up"], "--monotone"),
        (["--strategy", "magic"], "magic"),
        (["--c-fn", "-3"], "c_fn"),
    ],
)
def test_train_bad_options(tmp_path, synth_dir, extra, needle):
    proc = run(
        "train", "--data-dir", str(synth_dir), "--out", str(tmp_path / "m"), "--quick", "--no-mlflow", *extra
    )
    assert_bad_input(proc, needle)
    assert not (tmp_path / "m").exists()


def test_score_refuses_tampered_model(tmp_path, model_dir, synth_dir):
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(model_dir, bad)
    with open(bad / "model.txt", "a") as f:
        f.write("\n")
    assert_bad_input(
        run("score", "--model", str(bad), "--data-dir", str(synth_dir), "--out", str(tmp_path / "s.csv")),
        "model.txt was modified",
    )
    assert not (tmp_path / "s.csv").exists()


def test_score_unknown_model_dir(tmp_path, synth_dir):
    assert_bad_input(
        run(
            "score",
            "--model",
            str(tmp_path / "none"),
            "--data-dir",
            str(synth_dir),
            "--out",
            str(tmp_path / "s.csv"),
        ),
        "does not exist",
    )


def test_failed_training_keeps_the_current_model(tmp_path, model_dir, synth_dir):
    import shutil

    current = tmp_path / "m"
    shutil.copytree(model_dir, current)
    before = (current / "metadata.json").read_text()
    empty = tmp_path / "empty"
    shutil.copytree(synth_dir, empty)
    pd.read_csv(synth_dir / "application_train.csv").head(30).to_csv(
        empty / "application_train.csv", index=False
    )
    assert_bad_input(
        run("train", "--data-dir", str(empty), "--out", str(current), "--quick", "--no-mlflow"),
        "too little data",
    )
    assert (current / "metadata.json").read_text() == before


def test_explain_json_contract(model_dir, synth_dir, capsys):
    import json

    client = int(pd.read_csv(synth_dir / "application_test.csv")["SK_ID_CURR"].iloc[0])
    args = ["explain", "--model", str(model_dir), "--data-dir", str(synth_dir), "--client", str(client)]
    assert main([*args, "--top", "5", "--json", "-q"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d) >= {
        "client_id",
        "probability",
        "threshold",
        "decision",
        "base_value",
        "contributions",
        "reasons",
    }
    assert d["client_id"] == client and len(d["contributions"]) == 6
    # with every feature listed (no folding), base + sum(shap) is the model's log-odds
    assert main([*args, "--top", "10000", "--json", "-q"]) == 0
    full = json.loads(capsys.readouterr().out)
    from scoring_core.model.artifact import load_model

    total = full["base_value"] + sum(c["shap"] for c in full["contributions"])
    assert total == pytest.approx(full["raw_score"], abs=1e-6)
    # the probability is the calibrated transform of those log-odds
    assert load_model(model_dir).proba_from_raw(total) == pytest.approx(full["probability"], abs=1e-9)
    assert main([*args, "--lang", "fr", "-q"]) == 0
    assert "risque" in capsys.readouterr().out


def test_explain_unknown_client(model_dir, synth_dir):
    assert_bad_input(
        run("explain", "--model", str(model_dir), "--data-dir", str(synth_dir), "--client", "42", "--json"),
        "unknown client",
        "42",
    )


def test_serve_refuses_without_key(model_dir, synth_dir):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("SCORING_API_KEY", "SCORING_API_KEYS")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scoring_core",
            "serve",
            "--model",
            str(model_dir),
            "--data-dir",
            str(synth_dir),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert_bad_input(proc, "SCORING_API_KEYS")

"""``train`` and MLflow, the ``[tracking]`` extra: without MLflow installed the model is still
trained and saved, and the command says the run is not logged and how to get the extra."""

from __future__ import annotations

import subprocess
import sys

from scoring_core.model.evaluation import EVALUATION_FILE

# the interpreter as a user without the extra would have it: ``import mlflow`` fails
NO_MLFLOW = (
    "import sys; sys.modules['mlflow'] = None; from scoring_cli import main; sys.exit(main(sys.argv[1:]))"
)


def test_train_without_mlflow_saves_the_model_and_says_how_to_track(tmp_path, synth_dir):
    out = tmp_path / "m"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            NO_MLFLOW,
            "train",
            "--data-dir",
            str(synth_dir),
            "--out",
            str(out),
            "--quick",
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (out / "metadata.json").exists() and (out / EVALUATION_FILE).exists()
    assert "model written to" in proc.stdout and "MLflow run" not in proc.stdout
    warning = [line for line in proc.stderr.splitlines() if "MLflow" in line]
    assert len(warning) == 1, proc.stderr
    assert "not installed" in warning[0] and "[tracking]" in warning[0] and "--no-mlflow" in warning[0]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "mlruns").exists() and not (tmp_path / "mlflow.db").exists()


def test_retrain_without_mlflow_promotes_and_says_the_run_is_not_logged(tmp_path, synth_dir):
    current = tmp_path / "models" / "current"
    args = ["retrain", "--data-dir", str(synth_dir), "--model", str(current), "--quick", "-q"]
    proc = subprocess.run(
        [sys.executable, "-c", NO_MLFLOW, *args], capture_output=True, text=True, timeout=600, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "PROMOTED" in proc.stdout and (current / EVALUATION_FILE).exists()
    warning = [line for line in proc.stderr.splitlines() if "MLflow" in line]
    assert len(warning) == 1 and "not installed" in warning[0] and "[tracking]" in warning[0], proc.stderr
    assert "Traceback" not in proc.stderr

"""The retrain and rollback commands: decisions printed, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scoring_cli import main
from scoring_core.model import load_model, store_history, store_paths


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


def test_retrain_promote_keep_dry_run_and_rollback(tmp_path, synth_dir, capsys):
    current = tmp_path / "models" / "current"
    base = ["retrain", "--data-dir", str(synth_dir), "--model", str(current), "--quick", "--no-mlflow", "-q"]

    assert main(base) == 0
    out = capsys.readouterr().out
    assert "PROMOTED" in out and "no champion yet" in out
    first = load_model(current).version

    # a floor no model reaches: kept, exit 0 unless --fail-if-kept
    assert main([*base, "--min-auc", "0.99"]) == 0
    assert "KEPT THE CHAMPION" in capsys.readouterr().out
    assert main([*base, "--min-auc", "0.99", "--fail-if-kept"]) == 1
    out = capsys.readouterr().out
    assert "KEPT THE CHAMPION" in out and "[FAIL] auc_floor" in out
    assert load_model(current).version == first

    assert main([*base, "--seed", "3", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "DRY RUN" in out and "champion" in out and "AUC" in out
    assert load_model(current).version == first

    # generous tolerances: the challenger replaces the champion, which becomes the previous model
    assert main([*base, "--seed", "3", "--tolerance-auc", "1", "--tolerance-cost", "100"]) == 0
    out = capsys.readouterr().out
    assert "PROMOTED" in out and f"previous champion {first}" in out
    second = load_model(current).version
    assert second != first and load_model(store_paths(current).previous).version == first

    assert main(["rollback", "--model", str(current), "--no-mlflow", "-q"]) == 0
    assert f"{first} restored" in capsys.readouterr().out
    assert load_model(current).version == first
    assert [e["action"] for e in store_history(current)] == [
        "promoted",
        "kept_champion",
        "kept_champion",
        "promoted",
        "rollback",
    ]


def test_rollback_with_nothing_to_roll_back_to(tmp_path):
    assert_bad_input(run("rollback", "--model", str(tmp_path / "current")), "nothing to roll back to")


@pytest.mark.parametrize(
    "extra, needle",
    [
        (["--tolerance-auc", "-0.1"], "tolerance_auc"),
        (["--tolerance-cost", "x"], "--tolerance-cost"),
        (["--c-fn", "-3"], "c_fn"),
    ],
)
def test_retrain_bad_options(tmp_path, synth_dir, extra, needle):
    proc = run(
        "retrain",
        "--data-dir",
        str(synth_dir),
        "--model",
        str(tmp_path / "m"),
        "--quick",
        "--no-mlflow",
        *extra,
    )
    assert_bad_input(proc, needle)
    assert not (tmp_path / "m").exists()


def test_retrain_bad_data_dir(tmp_path):
    assert_bad_input(
        run("retrain", "--data-dir", str(tmp_path / "none"), "--model", str(tmp_path / "m"), "--no-mlflow"),
        "does not exist",
    )

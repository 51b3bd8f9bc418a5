"""Bad input through the real command line: exit code 2, one readable line on stderr, no traceback.

Every case runs ``python -m scoring_core`` in a subprocess (issue 16, defects 2 and 5).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from scoring_cli import main
from scoring_core.model.manifest import write_manifest


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoring_core", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def one_line_error(proc: subprocess.CompletedProcess, *needles: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr[-2000:]
    line = lines[0]
    assert line.isprintable() and line.isascii(), repr(line)  # never the bytes of a binary file
    assert not line.lstrip().startswith("{"), line  # a sentence, not a JSON log record
    for n in needles:
        assert n in line, line
    return line


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, synth_dir):
    out = tmp_path_factory.mktemp("cli-errors") / "model"
    assert (
        main(["train", "--data-dir", str(synth_dir), "--out", str(out), "--quick", "--no-mlflow", "-q"]) == 0
    )
    return out


@pytest.fixture
def data_copy(tmp_path, synth_dir):
    """A copy of the synthetic data directory that a test may spoil."""
    out = tmp_path / "data"
    shutil.copytree(synth_dir, out)
    return out


def score(model_dir, data_dir, tmp_path, env=None):
    return run(
        "score",
        "--model",
        str(model_dir),
        "--data-dir",
        str(data_dir),
        "--out",
        str(tmp_path / "s.csv"),
        "-q",
        env=env,
    )


# -- data files --------------------------------------------------------------------------------


def test_corrupted_zip(tmp_path, model_dir, data_copy):
    csv = data_copy / "application_test.csv"
    target = data_copy / "application_test.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(csv, "application_test.csv")
    csv.unlink()
    raw = bytearray(target.read_bytes())
    for i in range(200, 600):  # inside the deflated data, not the zip directory
        raw[i] ^= 0x5A
    target.write_bytes(bytes(raw))
    one_line_error(score(model_dir, data_copy, tmp_path), "application_test.zip", "cannot be read")


def test_empty_csv(tmp_path, model_dir, data_copy):
    (data_copy / "application_test.csv").write_bytes(b"")
    one_line_error(score(model_dir, data_copy, tmp_path), "application_test.csv", "Empty CSV")


def test_random_bytes_csv(tmp_path, model_dir, data_copy):
    (data_copy / "application_test.csv").write_bytes(os.urandom(1 << 14))
    one_line_error(score(model_dir, data_copy, tmp_path), "application_test")


def test_truncated_csv_gz_names_the_file(tmp_path, model_dir, data_copy):
    csv = data_copy / "application_test.csv"
    packed = gzip.compress(csv.read_bytes())
    (data_copy / "application_test.csv.gz").write_bytes(packed[: len(packed) // 2])
    csv.unlink()
    one_line_error(score(model_dir, data_copy, tmp_path), "application_test.csv.gz")


def test_target_outside_0_1_is_printed_plainly(tmp_path, data_copy):
    path = data_copy / "application_train.csv"
    apps = pd.read_csv(path)
    apps.loc[3, "TARGET"] = 2
    apps.to_csv(path, index=False)
    line = one_line_error(
        run("features", "--data-dir", str(data_copy), "--out", str(tmp_path / "f.parquet"), "-q"),
        "TARGET",
        "found 2",
    )
    assert "np.int64" not in line


@pytest.mark.parametrize("text", ["inf", "-inf", "1e39"])
def test_infinite_number_is_refused(tmp_path, model_dir, data_copy, text):
    path = data_copy / "application_test.csv"
    apps = pd.read_csv(path)
    apps["AMT_CREDIT"] = apps["AMT_CREDIT"].astype(object)
    apps.loc[5, "AMT_CREDIT"] = text
    apps.to_csv(path, index=False)
    one_line_error(score(model_dir, data_copy, tmp_path), "AMT_CREDIT", "finite")


def test_header_only_table_has_no_clients_to_score(tmp_path, model_dir, data_copy):
    path = data_copy / "application_test.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    one_line_error(score(model_dir, data_copy, tmp_path), "no clients to score", "application_test")
    assert not (tmp_path / "s.csv").exists()


# -- arguments ---------------------------------------------------------------------------------


def test_negative_seed(tmp_path):
    one_line_error(run("synth", "--clients", "10", "--seed", "-1", "--out", str(tmp_path / "s")), "--seed")


def test_port_out_of_range(model_dir, synth_dir):
    args = ("serve", "--model", str(model_dir), "--data-dir", str(synth_dir), "--port", "70000")
    one_line_error(run(*args, env={"SCORING_API_KEYS": "k"}), "--port", "70000")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_busy_port(tmp_path, model_dir, synth_dir, workers):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = run(
            "serve",
            "--model",
            str(model_dir),
            "--data-dir",
            str(synth_dir),
            "--port",
            str(port),
            "--workers",
            workers,
            "-q",
            env={"SCORING_API_KEYS": "k", "SCORING_API_AUDIT_LOG": str(tmp_path / "audit.jsonl")},
        )
    one_line_error(proc, f"127.0.0.1:{port}", "already in use")


# -- model artifact (defect 2) -----------------------------------------------------------------


def _spoiled(model_dir: Path, tmp_path: Path, change=None, replace=None, reseal=True) -> Path:
    out = tmp_path / "model"
    shutil.copytree(model_dir, out)
    path = out / "metadata.json"
    meta = json.loads(path.read_text())
    meta.update(change or {})
    path.write_text(json.dumps(meta if replace is None else replace))
    if reseal:  # re-hashed as someone without the signing key could
        write_manifest(out)
    return out


def test_edited_threshold_is_refused_as_tampered(tmp_path, model_dir, synth_dir):
    spoiled = _spoiled(model_dir, tmp_path, {"threshold": 0.99}, reseal=False)
    one_line_error(score(spoiled, synth_dir, tmp_path), "metadata.json", "tampered")


def test_resealed_artifact_is_refused_when_a_signing_key_is_set(tmp_path, synth_dir):
    key = {"SCORING_MODEL_SIGNING_KEY": "a-signing-key"}
    signed = tmp_path / "signed"
    train = ("train", "--data-dir", str(synth_dir), "--out", str(signed), "--quick", "--no-mlflow", "-q")
    assert run(*train, env=key).returncode == 0
    assert score(signed, synth_dir, tmp_path, env=key).returncode == 0
    one_line_error(
        score(signed, synth_dir, tmp_path, env={"SCORING_MODEL_SIGNING_KEY": "other"}), "signature"
    )
    spoiled = _spoiled(signed, tmp_path, {"threshold": 0.99})
    one_line_error(score(spoiled, synth_dir, tmp_path, env=key), "not signed")


@pytest.mark.parametrize(
    "change, replace, needle",
    [
        ({"threshold": True}, None, "'threshold' must be a probability"),
        ({"packages": None}, None, "'packages' must be an object"),
        (None, ["not", "an", "object"], "must hold a JSON object"),
    ],
)
def test_malformed_metadata(tmp_path, model_dir, synth_dir, change, replace, needle):
    spoiled = _spoiled(model_dir, tmp_path, change, replace)
    one_line_error(score(spoiled, synth_dir, tmp_path), needle)

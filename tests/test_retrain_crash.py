"""A retrain killed with SIGKILL at each stage leaves a consistent store (issue 16, defect 7).

The retrain runs as a real ``python -m scoring_core retrain`` process; a test-only hook
(``SCORING_TEST_PAUSE_AT``) makes it stop at an exact stage and say so in a file, then the
test kills it with ``SIGKILL``: no timing race.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from scoring_core.model import load_model, store_history, store_paths

RETRAIN_OPTIONS = ("--quick", "--no-mlflow", "-q", "--tolerance-auc", "1", "--tolerance-cost", "100")


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoring_core", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def _retrain(synth_dir, current, *extra: str) -> list[str]:
    return ["retrain", "--data-dir", str(synth_dir), "--model", str(current), *RETRAIN_OPTIONS, *extra]


def _kill_at(stage: str, args: list[str], tmp_path) -> None:
    marker = tmp_path / f"paused-{stage}"
    env = {**os.environ, "SCORING_TEST_PAUSE_AT": stage, "SCORING_TEST_PAUSE_FILE": str(marker)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "scoring_core", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 300
        while not marker.exists():
            if proc.poll() is not None:
                pytest.fail(f"retrain ended before reaching {stage}: {proc.stderr.read()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"retrain did not reach {stage} in 300 s")
            time.sleep(0.1)
        assert marker.read_text().split() == [stage, str(proc.pid)]
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()


def _hidden(current) -> list[str]:
    return sorted(p.name for p in current.parent.iterdir() if p.name.startswith("."))


@pytest.fixture
def champion(tmp_path, synth_dir):
    current = tmp_path / "models" / "current"
    proc = _cli(*_retrain(synth_dir, current))
    assert proc.returncode == 0, proc.stderr
    return current, load_model(current).version


def test_kill_while_saving_leaves_staging_that_the_next_run_removes(tmp_path, synth_dir, champion):
    current, old = champion
    _kill_at("saving", _retrain(synth_dir, current, "--seed", "1"), tmp_path)
    left = _hidden(current)
    assert any(n.startswith("..current.staging-") for n in left), left  # save_model's temporary dir
    assert load_model(current).version == old  # the champion never moved
    proc = _cli(*_retrain(synth_dir, current, "--seed", "2"))
    assert proc.returncode == 0, proc.stderr
    assert _hidden(current) == []  # both kinds of stale staging directories are gone
    assert [e["action"] for e in store_history(current)] == ["promoted", "promoted"]


def test_kill_just_after_promotion_keeps_a_consistent_store(tmp_path, synth_dir, champion):
    current, old = champion
    paths = store_paths(current)
    _kill_at("after-promote", _retrain(synth_dir, current, "--seed", "1"), tmp_path)
    # the new champion is in place and the old one is the rollback target...
    new = load_model(current).version
    assert new != old and load_model(paths.previous).version == old
    # ... and the promotion is on record before the journal line was written: the intent file
    intent = json.loads(paths.promoting.read_text())
    assert intent["challenger_version"] == new and intent["champion_version"] == old
    assert [e["action"] for e in store_history(current)] == ["promoted"]  # the first model only
    assert _hidden(current) == []
    # the next operation on the store completes the journal, then rolls back as usual
    proc = _cli("rollback", "--model", str(current), "--no-mlflow", "-q")
    assert proc.returncode == 0, proc.stderr
    history = store_history(current)
    assert [e["action"] for e in history] == ["promoted", "promoted", "rollback"]
    assert history[1]["challenger_version"] == new and history[1]["recovered"] is True
    assert history[2]["champion_version"] == old
    assert load_model(current).version == old and not paths.promoting.exists()


def test_kill_just_before_promotion_records_the_interruption(tmp_path, synth_dir, champion):
    current, old = champion
    paths = store_paths(current)
    _kill_at("before-promote", _retrain(synth_dir, current, "--seed", "1"), tmp_path)
    assert load_model(current).version == old and paths.promoting.exists()
    proc = _cli(*_retrain(synth_dir, current, "--seed", "2"))
    assert proc.returncode == 0, proc.stderr
    history = store_history(current)
    assert [e["action"] for e in history] == ["promoted", "promotion_interrupted", "promoted"]
    assert history[1]["champion_version"] == old
    assert _hidden(current) == [] and not paths.promoting.exists()
    assert load_model(paths.previous).version == old

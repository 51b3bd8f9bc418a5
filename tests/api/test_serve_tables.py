"""``serve`` on data lacking a table the model was trained with: refused (exit 2 naming the
table) unless ``SCORING_API_ALLOW_MISSING_TABLES`` (what ``serve --allow-missing-tables``
sets); every score the served API returns carries its risk grade."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys

import httpx
import pytest

from scoring_api.schemas import APPLICATION_EXAMPLE
from scoring_core.model.artifact import save_model

KEY = "serve-test-key"  # conftest.Server.KEY


@pytest.fixture(scope="module")
def partial(quick_result, synth_dir, tmp_path_factory):
    """The model, and the data directory without ``bureau`` (nor ``bureau_balance``)."""
    root = tmp_path_factory.mktemp("partial")
    model = root / "model"
    save_model(quick_result.model, model)
    data = root / "data"
    data.mkdir()
    for f in synth_dir.iterdir():
        if not f.name.startswith("bureau"):
            shutil.copy(f, data / f.name)
    return model, data


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_refuses_data_lacking_a_trained_table(partial, tmp_path, workers):
    model, data = partial
    env = {
        **os.environ,
        "SCORING_API_KEYS": KEY,
        "SCORING_API_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
        "SCORING_API_ALLOW_MISSING_TABLES": "false",
    }
    cmd = [sys.executable, "-m", "scoring_core", "serve", "--model", str(model), "--data-dir", str(data)]
    cmd += ["--port", str(_port()), "--workers", workers]
    r = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 2, r.stderr[-2000:]
    assert "bureau" in r.stderr and "Traceback" not in r.stderr


def test_serve_allowed_to_miss_tables_scores_with_grades(partial, quick_result, tmp_path, serve_api):
    s = serve_api(*partial, tmp_path, "--workers", "1", env={"SCORING_API_ALLOW_MISSING_TABLES": "true"})
    grades = set(quick_result.model.grades.labels)
    try:
        with httpx.Client(base_url=s.url, headers={"X-API-Key": KEY}, timeout=60) as c:
            page = c.get("/clients", params={"limit": 3}).json()["clients"]
            assert page and all(p["grade"] in grades for p in page)
            cid = page[0]["client_id"]
            score = c.get(f"/clients/{cid}/score").json()
            assert score["grade"] in grades and score["probability"] == page[0]["probability"]
            whatif = c.post(f"/clients/{cid}/whatif", json={"changes": {"AMT_CREDIT": 100000.0}}).json()
            assert whatif["score"]["grade"] in grades
            new = c.post("/score", json={"applications": [APPLICATION_EXAMPLE]}, params={"explain": True})
            assert new.status_code == 200, new.text
            scored = new.json()["scores"][0]
            assert scored["grade"] == quick_result.model.grades.grade([scored["probability"]])[0]
            assert scored["explanation"]["probability"] == pytest.approx(scored["probability"])
    finally:
        s.stop()

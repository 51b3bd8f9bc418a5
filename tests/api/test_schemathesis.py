"""The API keeps its own OpenAPI schema: schemathesis with every check against a real server.

``schemathesis run URL --checks all`` (the command an integrator would run) against
``python -m scoring_core serve`` in a subprocess: no server error, every status and content
type documented, responses match their schemas, schema-valid requests accepted, invalid ones
rejected, the key enforced, undeclared methods refused (405).

Bounded for CI (about a minute): the examples, fuzzing and stateful phases with a fixed
number of generated cases per operation, deterministic. The coverage phase (every boundary
value of every field; about 6,000 requests, several minutes on 2 cores) is run by hand with
the command in README.md's API section.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("schemathesis", path=str(Path(sys.executable).parent)) is None,
    reason="schemathesis is part of the test extra",
)


@pytest.fixture(scope="module")
def live(quick_result, synth_dir, tmp_path_factory, serve_api):
    from scoring_core.model.artifact import save_model

    model = tmp_path_factory.mktemp("fuzz-model") / "model"
    save_model(quick_result.model, model)
    s = serve_api(model, synth_dir, tmp_path_factory.mktemp("fuzz"), "--workers", "1", "-q")
    yield s
    s.stop()


def test_schemathesis_all_checks(live, tmp_path):
    cmd = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{live.url}/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,fuzzing,stateful",
        "--max-examples",
        "20",
        "--generation-deterministic",
        "--continue-on-failure",
        "--header",
        f"X-API-Key: {live.KEY}",
        "--no-color",
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"}
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path, env=env)
    report = out.stdout + out.stderr
    summary = report[report.rfind("SUMMARY") :]
    assert out.returncode == 0 and "No issues found" in report, report[-6000:]
    assert "Tested: 13" in summary or "Tested:" in summary
    assert "Server error" not in summary

"""The scoring API and Voilà as processes (like ``./run.sh``), and a headless Chromium.

Production set-up: the API serves a synthetic quick model; Voilà serves
``dashboards/advisor.ipynb`` with ``dashboards/voila.json`` (preheated kernels, culling) and
``SCORING_API_URL``/``SCORING_API_KEY`` pointing at the API.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
KEY = "browser-test-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90.0) -> None:
    """Wait until ``url`` answers 200 (fail with the server's log if it exits or times out)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            pytest.fail(f"server exited early ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} not up after {timeout:.0f}s:\n{log.read_text()[-3000:]}")


def voila_command(port: int, *extra: str) -> list[str]:
    """Voilà on the advisor notebook with the project's ``dashboards/voila.json``."""
    voila = shutil.which("voila", path=str(Path(sys.executable).parent)) or "voila"
    return [
        voila,
        str(ROOT / "dashboards" / "advisor.ipynb"),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        f"--Voila.config_file_paths={ROOT / 'dashboards'}",
        *extra,
    ]


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)


@pytest.fixture(scope="module")
def api(synth_dir, tmp_path_factory, serve_api):
    """A quick model trained on the synthetic data, served by ``scoring_core serve``."""
    tmp = tmp_path_factory.mktemp("browser")
    # one environment for the API and Voilà, as ./run.sh has: the server's named keys and the
    # dashboard's one key
    env = {
        **os.environ,
        "SCORING_API_KEYS": f"advisor:{KEY},ops:ops-only-key",
        "SCORING_API_KEY": KEY,
        "SCORING_NO_PROGRESS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    model = tmp / "model"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "scoring_core",
            "train",
            "--data-dir",
            str(synth_dir),
            "--out",
            str(model),
            "--quick",
            "-q",
        ],
        check=True,
        env={**env, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp}/mlflow.db"},
        capture_output=True,
    )
    server_env = {
        k: env[k] for k in ("SCORING_API_KEYS", "SCORING_API_KEY", "SCORING_NO_PROGRESS", "PYTHONUNBUFFERED")
    }
    with serve_api(model, synth_dir, tmp, env=server_env) as server:
        ids = httpx.get(
            f"{server.url}/clients", params={"limit": 400, "order": "id"}, headers={"X-API-Key": KEY}
        ).json()
        yield {"url": server.url, "clients": ids["clients"], "tmp": tmp, "env": env}


def start_voila(api: dict, name: str, *extra: str) -> tuple[subprocess.Popen, str, Path]:
    """Voilà against ``api`` (a process; the caller stops it)."""
    port = free_port()
    log = api["tmp"] / f"{name}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            voila_command(port, *extra),
            env={**api["env"], "SCORING_API_URL": api["url"]},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    wait_http(f"http://127.0.0.1:{port}/voila/static/voila.js", proc, log)
    return proc, f"http://127.0.0.1:{port}/", log


@pytest.fixture(scope="module")
def servers(api):
    """The scoring API and Voilà, as separate processes (like ./run.sh)."""
    proc, url, log = start_voila(api, "voila")
    try:
        yield {"url": url, "clients": api["clients"], "api": api["url"], "voila": proc, "voila_log": log}
    finally:
        stop([proc])


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def shot():
    """``shot(page, name)``: a full-page screenshot to ``build/screenshots/NAME.png`` (git-ignored)."""
    return _shot


@pytest.fixture(scope="session")
def api_key() -> str:
    return KEY


@pytest.fixture(scope="module")
def voila_factory(api):
    """``voila_factory(name, *extra_args)`` starts another Voilà against the API (stopped at the end)."""
    procs = []

    def start(name: str, *extra: str) -> tuple[subprocess.Popen, str, Path]:
        proc, url, log = start_voila(api, name, *extra)
        procs.append(proc)
        return proc, url, log

    yield start
    stop(procs)

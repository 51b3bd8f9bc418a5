"""Shared fixtures: small synthetic data, in memory and as a data directory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("SCORING_NO_PROGRESS", "1")
# OpenMP threads that spin while waiting make LightGBM 30-50x slower when the cores are shared
os.environ.setdefault("OMP_WAIT_POLICY", "passive")


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own table cache and MLflow store, never the user's."""
    from scoring_core.settings import get_settings

    monkeypatch.setenv("SCORING_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    mlflow_dir = tmp_path_factory.mktemp("mlflow")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{mlflow_dir}/mlflow.db")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def raw_tables() -> dict[str, pd.DataFrame]:
    """Raw Kaggle-format synthetic tables for 600 training clients (seed 7)."""
    from scoring_core.synth import generate_tables

    return generate_tables(600, seed=7)


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory) -> Path:
    """A data directory with the seven tables as CSV (1,000 training clients)."""
    from scoring_core.synth import generate

    out = tmp_path_factory.mktemp("synth")
    generate(1000, out, seed=11, progress=False)
    return out


@pytest.fixture(scope="session")
def train_tables() -> dict[str, pd.DataFrame]:
    """Normalized feature tables of 1,500 labelled synthetic clients (seed 5)."""
    from scoring_core.data import normalize_table
    from scoring_core.synth import generate_tables

    raw = generate_tables(1500, seed=5)
    t = {k: normalize_table(v, k) for k, v in raw.items()}
    return {
        "application": t["application_train"],
        **{k: v for k, v in t.items() if not k.startswith("application")},
    }


@pytest.fixture(scope="session")
def quick_result(train_tables):
    """A quickly trained model (shared by the model tests)."""
    from scoring_core.model.training import TrainConfig, train

    return train(train_tables, TrainConfig(quick=True, seed=1), progress=False)


@pytest.fixture(scope="session")
def train_dataset(train_tables):
    """``train_tables`` as a loaded :class:`~scoring_core.data.Dataset` (labelled clients only)."""
    from scoring_core.data import Dataset

    return Dataset(
        None,
        {
            "application_train": train_tables["application"],
            **{k: v for k, v in train_tables.items() if k != "application"},
        },
    )


#: Debian's Chromium, driven by Playwright (no browser download); flags for this closed network
CHROMIUM = os.environ.get("SCORING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium from the system, through Playwright. Fails (never skips) when it is
    missing: the browser tests are part of the run."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium; .ci/run does) "
            "or set SCORING_CHROMIUM"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def free_port():
    """``free_port()``: a free TCP port on 127.0.0.1."""
    return _free_port


class Server:
    """``python -m scoring_core serve`` as users run it, in a subprocess, answering ``/health``.

    Environment: the test's, with every ``SCORING_API_*`` variable of the calling shell
    removed, then the server's key (``advisor:`` :data:`KEY`), an audit file in ``tmp`` and one
    OpenMP thread, then ``env`` (a value of ``None`` removes the variable). Output goes to ``tmp/stderr.log``. Also a context manager (stops on exit).
    """

    KEY = "serve-test-key"

    def __init__(self, model: Path, data: Path, tmp: Path, *extra: str, env=None, timeout: float = 180):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.audit = tmp / "audit.jsonl"
        self.stderr_path = tmp / "stderr.log"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("SCORING_API")}
        environ.update(
            SCORING_API_KEYS=f"advisor:{self.KEY}",
            SCORING_API_AUDIT_LOG=str(self.audit),
            OMP_NUM_THREADS="1",
        )
        for k, v in (env or {}).items():
            if v is None:
                environ.pop(k, None)
            else:
                environ[k] = v
        cmd = [sys.executable, "-m", "scoring_core", "serve", "--model", str(model), "--data-dir", str(data)]
        cmd += ["--port", str(self.port), *extra]
        self._err = open(self.stderr_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, env=environ, stdout=subprocess.DEVNULL, stderr=self._err, cwd=tmp)
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._err.close()
                raise RuntimeError(f"serve exited {self.proc.returncode}: {self.stderr()[-2000:]}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"serve did not answer /health within {timeout:.0f} s: {self.stderr()[-2000:]}")

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def rss(self) -> int:
        """Resident memory of the server and its worker processes, in bytes."""
        import psutil

        p = psutil.Process(self.proc.pid)
        return sum(q.memory_info().rss for q in [p, *p.children(recursive=True)])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._err.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


@pytest.fixture(scope="session")
def serve_api():
    """The :class:`Server` class: ``serve_api(model_dir, data_dir, tmp, *cli_args, env=...)``."""
    return Server

"""Helpers of the API tests: the API started as users run it (``python -m scoring_core serve``)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

KEY = "serve-test-key"
MAX_BODY = 1_000_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A ``serve`` subprocess with its stderr in a file (key :data:`KEY`, body limit :data:`MAX_BODY`)."""

    KEY = KEY
    MAX_BODY = MAX_BODY

    def __init__(self, model: Path, data: Path, tmp: Path, *extra: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.audit = tmp / "audit.jsonl"
        self.stderr_path = tmp / "stderr.log"
        env = {
            **os.environ,
            "SCORING_API_KEYS": f"advisor:{KEY}",
            "SCORING_API_AUDIT_LOG": str(self.audit),
            "SCORING_API_MAX_BODY_BYTES": str(MAX_BODY),
            "OMP_NUM_THREADS": "1",
        }
        cmd = [sys.executable, "-m", "scoring_core", "serve", "--model", str(model), "--data-dir", str(data)]
        cmd += ["--port", str(self.port), *extra]
        self._err = open(self.stderr_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=self._err, cwd=tmp)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited {self.proc.returncode}: {self.stderr()[-2000:]}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("serve did not answer /health within 180 s")

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def rss(self) -> int:
        """Resident memory of the server and its worker processes, in bytes."""
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


@pytest.fixture(scope="session")
def serve_api():
    """The :class:`Server` class: ``serve_api(model_dir, data_dir, tmp, *cli_args)``."""
    return Server

"""``serve --workers 2`` as users run it: one port, two processes, a reload that reaches both.

The server is a real ``python -m scoring_core serve`` subprocess; requests go over the socket,
each on a new connection so that the kernel spreads them over the two workers. That the
second worker did reload is read from its log line (the responses cannot name a worker).
"""

from __future__ import annotations

import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pytest

from scoring_core.model.artifact import load_model, save_model

KEY = "workers-test-key"
PUBLISHED = "published by another worker"


@pytest.fixture(scope="module")
def server(quick_result, synth_dir, tmp_path_factory, serve_api):
    tmp = tmp_path_factory.mktemp("workers")
    model = tmp / "model"
    save_model(quick_result.model, model)
    env = {"SCORING_API_KEYS": KEY}
    with serve_api(model, synth_dir, tmp, "--workers", "2", env=env, timeout=240) as s:
        yield {"url": s.url, "model": model, "proc": s.proc, "stderr": s.stderr_path}


def _versions(url: str, n: int) -> list[str]:
    """``model_version`` of ``n`` /health answers, each on its own connection, 8 at a time."""

    def one(_):
        return httpx.get(url + "/health", timeout=30).json()["model_version"]

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(n)))


def _republish(model: Path, version: str, **meta) -> None:
    m = load_model(model)
    m.metadata = {**m.metadata, "model_version": version, **meta}
    save_model(m, model)


def test_two_worker_processes_share_the_port(server):
    workers = psutil.Process(server["proc"].pid).children()
    assert len([w for w in workers if "spawn_main" in " ".join(w.cmdline())]) == 2
    r = httpx.get(server["url"] + "/health")
    assert r.status_code == 200 and "server" not in r.headers  # no "server: uvicorn" banner


def test_keep_alive_connections_opened_together_spread_over_both_workers(server):
    """A load balancer opens its pool of keep-alive connections at once. With one shared socket
    the worker that wakes first accepted them all (seen: 2 workers serving at 1.06 cores); each
    worker now listens on its own SO_REUSEPORT socket and the kernel spreads the connections."""
    port = int(server["url"].rsplit(":", 1)[1])
    workers = [
        w for w in psutil.Process(server["proc"].pid).children() if "spawn_main" in " ".join(w.cmdline())
    ]

    def listening(w) -> bool:
        return any(
            k.status == psutil.CONN_LISTEN and k.laddr.port == port for k in w.net_connections(kind="tcp")
        )

    deadline = time.monotonic() + 240  # /health answered once: the other worker may still be loading
    while not all(map(listening, workers)):
        assert time.monotonic() < deadline, "a worker never listened on its own socket"
        time.sleep(0.3)
    request = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
    conns = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(32)]
    try:
        for c in conns:
            c.sendall(request)
        for c in conns:  # every connection answered (and stays open: keep-alive)
            assert c.recv(64).startswith(b"HTTP/1.1 200")
        held = {}
        for w in workers:
            held[w.pid] = sum(
                1
                for k in w.net_connections(kind="tcp")
                if k.status == psutil.CONN_ESTABLISHED and k.laddr and k.laddr.port == port
            )
        assert sum(held.values()) == 32 and len(held) == 2, held
        # a fair spread of 32 over 2 is 16 each; under 4 has a chance of about 1 in 100,000
        assert min(held.values()) >= 4, held
    finally:
        for c in conns:
            c.close()


def test_reload_reaches_every_worker_and_a_tampered_artifact_is_refused(server):
    url, h = server["url"], {"X-API-Key": KEY}
    before = set(_versions(url, 16))
    assert len(before) == 1 and "reloaded-v2" not in before
    _republish(server["model"], "reloaded-v2")
    assert set(_versions(url, 16)) == before  # nothing changes before the reload is asked for

    r = httpx.post(url + "/model/reload", headers=h, timeout=120)
    assert r.status_code == 200 and r.json()["model_version"] == "reloaded-v2", r.text
    seen = []
    deadline = time.monotonic() + 90
    while PUBLISHED not in server["stderr"].read_text(errors="replace"):
        assert time.monotonic() < deadline, "the second worker never reloaded"
        seen += _versions(url, 16)
    seen += _versions(url, 32)
    assert set(seen) == {"reloaded-v2"}  # no answer from the old model once the reload returned
    assert httpx.get(url + "/model", headers=h).json()["model_version"] == "reloaded-v2"

    # an edited threshold: the reload is refused as tampered (409) and every worker keeps its model
    meta_path = server["model"] / "metadata.json"
    meta = json.loads(meta_path.read_text())
    threshold = meta["threshold"]
    meta["threshold"] = 0.99
    meta_path.write_text(json.dumps(meta))
    r = httpx.post(url + "/model/reload", headers=h, timeout=120)
    assert r.status_code == 409 and "tampered" in r.text, r.text
    assert set(_versions(url, 32)) == {"reloaded-v2"}
    client = httpx.get(url + "/clients", headers=h, params={"limit": 1}).json()["clients"][0]["client_id"]
    for _ in range(8):
        score = httpx.get(f"{url}/clients/{client}/score", headers=h).json()
        assert score["threshold"] == pytest.approx(threshold) and score["model_version"] == "reloaded-v2"

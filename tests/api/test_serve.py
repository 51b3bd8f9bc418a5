"""The API as users run it: ``python -m scoring_core serve`` in a subprocess, over a socket.

These promises only hold (or fail) with uvicorn in the loop: its logging configuration once
silenced the audit log, it reads request bodies, it adds headers and writes the access log.
"""

from __future__ import annotations

import json
import socket
import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from scoring_core.model.artifact import save_model

SECRET_IN_QUERY = "qs-secret-never-logged"
KEY = "serve-test-key"  # conftest.Server.KEY
MAX_BODY = 1_000_000  # the server's body limit (its own default is 4 MiB)


@pytest.fixture(scope="module")
def artifact(quick_result, synth_dir, tmp_path_factory) -> tuple[Path, Path]:
    model = tmp_path_factory.mktemp("serve-model") / "model"
    save_model(quick_result.model, model)
    return model, synth_dir


@pytest.fixture(scope="module")
def server(artifact, tmp_path_factory, serve_api):
    assert serve_api.KEY == KEY
    env = {"SCORING_API_MAX_BODY_BYTES": str(MAX_BODY)}
    s = serve_api(*artifact, tmp_path_factory.mktemp("serve"), "--workers", "1", env=env)
    yield s
    s.stop()


def _client_ids(url: str, n: int) -> list[int]:
    r = httpx.get(url + "/clients", params={"limit": n, "order": "id"}, headers={"X-API-Key": KEY})
    return [c["client_id"] for c in r.json()["clients"]]


def _requests(url: str, ids: list[int]) -> list[tuple[str, str, int | None]]:
    """Client-data accesses; the (method, endpoint, client id) the audit log must show."""
    h = {"X-API-Key": KEY}
    done = []
    with httpx.Client(base_url=url, headers=h, timeout=30) as c:
        for cid in ids:
            for path in (f"/clients/{cid}", f"/clients/{cid}/score", f"/clients/{cid}/explanation"):
                assert c.get(path).status_code == 200
                done.append(("GET", path, cid))
            r = c.post(f"/clients/{cid}/whatif", json={"changes": {"AMT_CREDIT": 100000.0}})
            assert r.status_code == 200, r.text
            done.append(("POST", f"/clients/{cid}/whatif", cid))
    return done


def _audit_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("extra", [(), ("-q",)], ids=["default", "quiet"])
def test_audit_log_reaches_its_file_under_serve(artifact, tmp_path, extra, serve_api):
    s = serve_api(*artifact, tmp_path, "--workers", "1", *extra)
    try:
        ids = _client_ids(s.url, 3)
        done = _requests(s.url, ids)
    finally:
        s.stop()
    lines = _audit_lines(s.audit)  # every line is one JSON object
    seen = [(r["method"], r["endpoint"], r["client_id"]) for r in lines if r["endpoint"] != "/clients"]
    assert sorted(seen) == sorted(done)  # one line per access, none lost, none doubled
    for r in lines:
        assert r["key_id"] == "advisor" and datetime.fromisoformat(r["time"]).tzinfo is not None
    assert (s.audit.stat().st_mode & 0o777) == 0o600


def _raw_post(port: int, headers: dict, body_size: int, *, chunked: bool = False) -> tuple[int, float]:
    """POST /score sending up to ``body_size`` bytes, stopping as soon as the server answers;
    the status and the seconds until the answer."""
    lines = [b"POST /score HTTP/1.1", b"Host: 127.0.0.1", b"Content-Type: application/json"]
    lines += [f"{k}: {v}".encode() for k, v in headers.items()]
    lines.append(b"Transfer-Encoding: chunked" if chunked else f"Content-Length: {body_size}".encode())
    t0 = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n")
        chunk = b"[" * 65536
        sent = 0
        sock.setblocking(False)
        answer = b""
        while b"\r\n" not in answer:
            try:
                answer += sock.recv(4096)
                if not answer:
                    break
                continue
            except BlockingIOError:
                pass
            if sent < body_size:
                data = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") if chunked else chunk
                try:
                    sent += sock.send(data) if not chunked else (sock.sendall(data) or len(chunk))
                except (BlockingIOError, InterruptedError):
                    time.sleep(0.001)
                except (BrokenPipeError, ConnectionResetError):
                    break
            else:
                time.sleep(0.01)
            if time.perf_counter() - t0 > 30:
                break
        sock.setblocking(True)
        while b"\r\n" not in answer:
            more = sock.recv(4096)
            if not more:
                break
            answer += more
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1") else 0
    return status, time.perf_counter() - t0


def test_big_body_without_key_is_refused_before_reading(server):
    rss0 = server.rss()
    status, seconds = _raw_post(server.port, {}, 50 * 1024 * 1024)
    assert status == 401 and seconds < 2.0
    t0 = time.perf_counter()
    assert httpx.get(server.url + "/health", timeout=5).status_code == 200
    assert time.perf_counter() - t0 < 1.0  # /health stays responsive
    assert server.rss() - rss0 < 50 * 1024 * 1024


def test_oversized_body_with_key_is_413(server):
    rss0 = server.rss()
    status, seconds = _raw_post(server.port, {"X-API-Key": KEY}, 50 * 1024 * 1024)
    assert status == 413 and seconds < 2.0
    status, _ = _raw_post(server.port, {"X-API-Key": KEY}, 3 * MAX_BODY, chunked=True)  # no length
    assert status == 413
    assert server.rss() - rss0 < 50 * 1024 * 1024
    assert httpx.get(server.url + "/health", timeout=5).status_code == 200


def test_headers_and_access_log(server):
    cid = _client_ids(server.url, 1)[0]
    r = httpx.get(f"{server.url}/clients/{cid}", headers={"X-API-Key": KEY})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    assert "server" not in r.headers  # no "server: uvicorn" banner
    r = httpx.post(
        f"{server.url}/score",
        headers={"X-API-Key": KEY},
        json={"applications": [{"SK_ID_CURR": 1}]},
    )
    assert r.status_code == 422 and r.headers["cache-control"] == "no-store"
    # a key wrongly sent as a query parameter (refused: only the header counts) is never logged
    r = httpx.get(f"{server.url}/clients/{cid}/score", params={"api_key": SECRET_IN_QUERY, "top": 3})
    assert r.status_code == 401
    r = httpx.get(f"{server.url}/clients/{cid}/score?{SECRET_IN_QUERY}", headers={"X-API-Key": KEY})
    assert r.status_code == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and "api_key=***" not in server.stderr():
        time.sleep(0.1)
    err = server.stderr()
    assert "api_key=***" in err  # the access line is there, redacted
    assert SECRET_IN_QUERY not in err
    for line in err.splitlines():  # JSON lines only
        json.loads(line)

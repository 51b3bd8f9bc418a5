"""API latency and load on loopback, against a bare FastAPI route in the same run.

Starts (in subprocesses, on 127.0.0.1) the scoring API on a model trained on synthetic
data and a bare FastAPI app whose single route returns a constant, both under uvicorn with
the same settings. Measures sequential latency (keep-alive client) of ``/clients/{id}/score``,
``/clients/{id}/explanation`` and the bare route, then a load of ``--seconds`` (30) at
``--concurrency`` (32) connections on ``/clients/{id}/score`` (bounded in time, loopback only).

Targets (issue 5): score p50 <= 3x the bare route; explanation p50 <= 15 ms; zero errors
under load (requests/s and p99 reported).

    python bench/bench_api.py [--clients 20000] [--n 500] [--seconds 30] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

BARE = """
from fastapi import FastAPI
app = FastAPI()
@app.get("/constant")
def constant():
    return {"client_id": 100002, "probability": 0.1, "threshold": 0.1, "decision": "approve", "model_version": "x"}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, timeout: float = 120) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server at {url} did not start")


def latency(client: httpx.Client, urls: list[str], headers: dict) -> np.ndarray:
    out = []
    for u in urls:
        t0 = time.perf_counter()
        r = client.get(u, headers=headers)
        out.append((time.perf_counter() - t0) * 1000)
        r.raise_for_status()
    return np.array(out)


async def load(base: str, ids, headers: dict, seconds: float, concurrency: int):
    lat, errors = [], 0
    end = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=10) as client:

        async def worker(k: int):
            nonlocal errors
            i = k
            while time.perf_counter() < end:
                cid = int(ids[i % len(ids)])
                i += concurrency
                t0 = time.perf_counter()
                try:
                    r = await client.get(f"/clients/{cid}/score")
                    if r.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                lat.append((time.perf_counter() - t0) * 1000)

        t0 = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(concurrency)))
        elapsed = time.perf_counter() - t0
    return np.array(lat), errors, elapsed


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20000)
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--concurrency", type=int, default=32)
    a = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-api-"))
    py = sys.executable
    subprocess.run(
        [py, "-m", "scoring_core", "synth", "--clients", str(a.clients), "--out", str(tmp / "data"), "-q"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [
            py,
            "-m",
            "scoring_core",
            "train",
            "--data-dir",
            str(tmp / "data"),
            "--out",
            str(tmp / "model"),
            "--no-tune",
            "--no-mlflow",
            "-q",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (tmp / "bare.py").write_text(BARE)
    key = "bench-key"
    env = {**os.environ, "SCORING_API_KEY": key, "SCORING_API_AUDIT_LOG": str(tmp / "audit.jsonl")}
    p_api, p_bare = free_port(), free_port()
    api = subprocess.Popen(
        [
            py,
            "-m",
            "scoring_core",
            "serve",
            "--model",
            str(tmp / "model"),
            "--data-dir",
            str(tmp / "data"),
            "--port",
            str(p_api),
            "-q",
        ],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    bare = subprocess.Popen(
        [
            py,
            "-m",
            "uvicorn",
            "bare:app",
            "--port",
            str(p_bare),
            "--log-level",
            "warning",
            "--app-dir",
            str(tmp),
        ],
        stderr=subprocess.DEVNULL,
    )
    try:
        wait(f"http://127.0.0.1:{p_api}/health")
        wait(f"http://127.0.0.1:{p_bare}/constant")
        h = {"X-API-Key": key}
        import pandas as pd

        ids = pd.read_csv(tmp / "data" / "application_train.csv", usecols=["SK_ID_CURR"])[
            "SK_ID_CURR"
        ].to_numpy()
        rng = np.random.default_rng(0)
        sample = rng.choice(ids, a.n)
        with (
            httpx.Client(base_url=f"http://127.0.0.1:{p_api}") as c,
            httpx.Client(base_url=f"http://127.0.0.1:{p_bare}") as cb,
        ):
            latency(c, [f"/clients/{i}/score" for i in sample[:20]], h)  # warm-up
            latency(cb, ["/constant"] * 20, {})
            bare_ms = latency(cb, ["/constant"] * a.n, {})
            score_ms = latency(c, [f"/clients/{i}/score" for i in sample], h)
            expl_ms = latency(c, [f"/clients/{i}/explanation?top=10" for i in sample], h)
        print(f"loopback, {a.n} sequential requests each (keep-alive):")
        for name, ms in (
            ("bare FastAPI route (baseline)", bare_ms),
            ("/clients/{id}/score", score_ms),
            ("/clients/{id}/explanation", expl_ms),
        ):
            print(f"  {name:32s} p50 {np.median(ms):7.2f} ms   p99 {np.percentile(ms, 99):7.2f} ms")
        print(
            f"  score p50 = {np.median(score_ms) / np.median(bare_ms):.2f}x the bare route (target <= 3x); "
            f"explanation p50 {np.median(expl_ms):.2f} ms (target <= 15 ms)"
        )
        lat, errors, elapsed = asyncio.run(
            load(f"http://127.0.0.1:{p_api}", ids, h, a.seconds, a.concurrency)
        )
        print(
            f"load: {a.seconds:.0f} s at {a.concurrency} connections on /clients/{{id}}/score: {len(lat):,} requests, "
            f"{len(lat) / elapsed:,.0f} req/s, p50 {np.median(lat):.1f} ms, p99 {np.percentile(lat, 99):.1f} ms, "
            f"{errors} errors"
        )
    finally:
        for p in (api, bare):
            p.terminate()
            p.wait(timeout=20)


if __name__ == "__main__":
    main()

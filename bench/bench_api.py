"""API throughput under a mixed load: one worker process against N, in the same run.

Trains a quick model on ``--data-dir`` (default: the real Home Credit sample when present,
else synthetic data), then for each worker count (``1`` and ``--workers``, default the CPU
cores) starts ``python -m scoring_core serve --workers W`` on 127.0.0.1 and runs ``--seconds``
(30) of load at ``--concurrency`` (32) keep-alive connections, each cycling through
``GET /clients/{id}/score``, ``GET /clients/{id}/explanation`` and
``POST /clients/{id}/whatif`` on random clients. The N-worker server then takes a second
load of ``--reload-seconds`` (15) during which the model is re-saved with a new version and
``POST /model/reload`` is called: every request must succeed, and every answer after the
reload returned must come from the new model.

The load generator is a minimal HTTP/1.1 client on asyncio streams (much cheaper than a
full client library, so it leaves the cores to the servers); it shares the machine with
them, which the figures include. Its own CPU time is measured too (this process, per
request): with ``s`` the server's and ``g`` the generator's CPU milliseconds per request, two
cores serve at most ``2000 / (s + g)`` requests/s, and the N-worker ratio cannot exceed
``2 s / (s + g)`` when one worker keeps one core busy; both bounds are printed.

Targets (issue 16): N workers >= 1.8x the requests/s of one worker on 2 cores, p99 <= 500 ms,
zero errors, zero failed requests across the reload.

    python bench/bench_api.py [--data-dir DIR] [--seconds 30] [--concurrency 32] [--workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SAMPLE = Path("/work/shared/data/home-credit-sample")
KEY = "bench-key"
KINDS = ("score", "explanation", "whatif")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Conn:
    """One keep-alive HTTP/1.1 connection (Content-Length bodies only, as uvicorn answers)."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {KEY}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("connection closed by the server")
        status = int(status_line.split()[1])
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        data = await self.reader.readexactly(length) if length else b""
        if close:
            self.close()
        return status, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _request(kind: str, cid: int, rng: random.Random) -> tuple[str, str, bytes]:
    if kind == "score":
        return "GET", f"/clients/{cid}/score", b""
    if kind == "explanation":
        return "GET", f"/clients/{cid}/explanation?top=10", b""
    amount = float(rng.randrange(50_000, 1_500_000, 1_000))
    return "POST", f"/clients/{cid}/whatif?top=10", json.dumps({"changes": {"AMT_CREDIT": amount}}).encode()


async def load(port: int, ids, seconds: float, concurrency: int, *, during=None) -> dict:
    """``seconds`` of mixed load; ``during`` (a coroutine function) runs alongside it."""
    lat = {k: [] for k in KINDS}
    errors: list[str] = []
    versions: list[tuple[float, str]] = []  # (time the request was sent, model_version)
    end = time.perf_counter() + seconds

    async def worker(k: int):
        rng = random.Random(k)
        conn = Conn(port)
        i = k
        try:
            while time.perf_counter() < end:
                kind = KINDS[i % len(KINDS)]
                i += 1
                method, path, body = _request(kind, int(ids[rng.randrange(len(ids))]), rng)
                t0 = time.perf_counter()
                try:
                    status, data = await conn.request(method, path, body)
                except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
                    errors.append(f"{kind}: {type(exc).__name__}: {exc}")
                    conn.close()
                    continue
                t1 = time.perf_counter()
                lat[kind].append((t1 - t0) * 1000)
                if status != 200:
                    errors.append(f"{kind}: HTTP {status} {data[:200]!r}")
                elif kind == "score":
                    versions.append((t0, json.loads(data)["model_version"]))
        finally:
            conn.close()

    t0 = time.perf_counter()
    tasks = [worker(k) for k in range(concurrency)]
    side = [during()] if during is not None else []
    results = await asyncio.gather(*tasks, *side)
    elapsed = time.perf_counter() - t0
    return {
        "lat": lat,
        "errors": errors,
        "elapsed": elapsed,
        "versions": versions,
        "side": results[len(tasks) :],
    }


def summary(r: dict) -> dict:
    every = np.concatenate([np.asarray(v) for v in r["lat"].values()])
    n = len(every)
    out = {
        "requests": n,
        "rps": n / r["elapsed"],
        "p50": float(np.median(every)),
        "p99": float(np.percentile(every, 99)),
        "errors": len(r["errors"]),
    }
    for k, v in r["lat"].items():
        out[f"{k}_p50"] = float(np.median(v)) if v else float("nan")
    return out


class Server:
    def __init__(self, model: Path, data: Path, workers: int, tmp: Path):
        self.port = free_port()
        env = {
            **os.environ,
            "SCORING_API_KEYS": KEY,
            "SCORING_API_AUDIT_LOG": str(tmp / f"audit-{workers}.jsonl"),
            "OMP_NUM_THREADS": "1",
        }
        cmd = [sys.executable, "-m", "scoring_core", "serve", "--model", str(model), "--data-dir", str(data)]
        cmd += ["--port", str(self.port), "--workers", str(workers), "-q"]
        self.log = open(tmp / f"serve-{workers}.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + 600
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(
                    f"serve --workers {workers} exited {self.proc.returncode}; see {self.log.name}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if s.recv(64).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"serve --workers {workers} did not start")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server and its worker processes."""
        return sum(self.cpu_by_process().values())

    def cpu_by_process(self) -> dict[int, float]:
        """CPU time (user + system) so far of the server process and of each of its workers."""
        import psutil

        parent = psutil.Process(self.proc.pid)
        out = {}
        for p in [parent, *parent.children(recursive=True)]:
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            out[p.pid] = t.user + t.system
        return out

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def _prepare(a, tmp: Path) -> tuple[Path, Path]:
    py = sys.executable
    data = a.data_dir
    if data is None and SAMPLE.is_dir():
        data = SAMPLE
    if data is None:
        data = tmp / "data"
        subprocess.run(
            [py, "-m", "scoring_core", "synth", "--clients", "20000", "--out", str(data), "-q"], check=True
        )
    model = tmp / "model"
    train = [py, "-m", "scoring_core", "train", "--data-dir", str(data), "--out", str(model)]
    subprocess.run([*train, "--quick", "--no-mlflow", "-q"], check=True, stdout=subprocess.DEVNULL)
    return Path(data), model


def _client_ids(data: Path, n: int = 2000) -> np.ndarray:
    from scoring_core.data import load_dataset

    ds = load_dataset(data, tables=["application_train", "application_test"], progress=False)
    ids = np.concatenate([t["SK_ID_CURR"].to_numpy() for t in (ds.train, ds.test) if t is not None])
    return np.random.default_rng(0).choice(ids, min(n, len(ids)), replace=False)


def _reload_during_load(port: int, model: Path, at: float):
    async def run() -> dict:
        await asyncio.sleep(at)
        loop = asyncio.get_running_loop()

        def resave() -> str:
            from scoring_core.model.artifact import load_model, save_model

            m = load_model(model)
            m.metadata = {**m.metadata, "model_version": "bench-reloaded"}
            save_model(m, model)
            return m.version

        version = await loop.run_in_executor(None, resave)
        conn = Conn(port)
        t0 = time.perf_counter()
        status, body = await conn.request("POST", "/model/reload")
        t1 = time.perf_counter()
        conn.close()
        return {
            "status": status,
            "body": body.decode()[:200],
            "version": version,
            "returned_at": t1,
            "took": t1 - t0,
        }

    return run


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data-dir", type=Path, default=None, help="Kaggle-layout data (default: the real sample)"
    )
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--reload-seconds", type=float, default=15)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument(
        "--workers", type=int, default=None, help="worker processes to compare with 1 (default: cores)"
    )
    a = ap.parse_args(argv)
    from scoring_api.server import default_workers

    n_workers = a.workers or default_workers()
    tmp = Path(tempfile.mkdtemp(prefix="bench-api-"))
    try:
        data, model = _prepare(a, tmp)
        ids = _client_ids(data)
        print(
            f"data {data}; {len(ids)} clients drawn; {os.cpu_count()} cores; load: {a.concurrency} connections, "
            f"score / explanation / what-if in turn, {a.seconds:.0f} s per server"
        )
        rows = {}
        for w in (1, n_workers):
            s = Server(model, data, w, tmp)
            try:
                asyncio.run(load(s.port, ids, 3, a.concurrency))  # warm-up
                by0, own0 = s.cpu_by_process(), time.process_time()
                r = asyncio.run(load(s.port, ids, a.seconds, a.concurrency))
                by1, own = s.cpu_by_process(), time.process_time() - own0
                per_process = {pid: t - by0.get(pid, 0.0) for pid, t in by1.items()}
                cpu = sum(per_process.values())
                n = max(1, sum(map(len, r["lat"].values())) + len(r["errors"]))
                rows[w] = summary(r) | {
                    "cores": cpu / r["elapsed"],
                    "cpu_ms": cpu * 1000 / n,
                    "gen_cores": own / r["elapsed"],
                    "gen_ms": own * 1000 / n,
                    # how the load spread over the processes (the busiest first): a worker that
                    # holds most connections leaves the other core idle
                    "spread": sorted((t / r["elapsed"] for t in per_process.values()), reverse=True),
                }
                if w == n_workers:
                    at = a.reload_seconds / 3
                    r = asyncio.run(
                        load(
                            s.port,
                            ids,
                            a.reload_seconds,
                            a.concurrency,
                            during=_reload_during_load(s.port, model, at),
                        )
                    )
                    rel = r["side"][0]
                    stale = [v for t, v in r["versions"] if t > rel["returned_at"] and v != rel["version"]]
                    reload_row = summary(r) | {
                        "reload": rel,
                        "stale": len(stale),
                        "error_samples": r["errors"][:3],
                    }
            finally:
                s.stop()
        print()
        print(
            "| workers | requests | req/s | p50 ms | p99 ms | score p50 | explanation p50 | what-if p50 | errors "
            "| server CPU cores used | server CPU ms/request | load generator CPU cores | generator CPU ms/request |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for w, r in rows.items():
            print(
                f"| {w} | {r['requests']:,} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p99']:.0f} | {r['score_p50']:.0f} | "
                f"{r['explanation_p50']:.0f} | {r['whatif_p50']:.0f} | {r['errors']} | "
                f"{r['cores']:.2f} | {r['cpu_ms']:.1f} | {r['gen_cores']:.2f} | {r['gen_ms']:.2f} |"
            )
        for w, r in rows.items():
            print(f"CPU cores per process, {w} worker(s): " + ", ".join(f"{c:.2f}" for c in r["spread"]))
        one, many = rows[1], rows[n_workers]
        print()
        print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        srv, gen = many["cpu_ms"], many["gen_ms"]
        print(
            f"CPU per request ({n_workers} workers): server {srv:.2f} ms, load generator {gen:.2f} ms "
            f"({100 * gen / (srv + gen):.0f}% of the total); {os.cpu_count()} idle cores would serve at most "
            f"{1000 * os.cpu_count() / (srv + gen):.0f} req/s, and bound the ratio to one worker (one core) "
            f"at {os.cpu_count() * srv / (srv + gen):.2f}x"
        )
        print(
            f"throughput {many['rps'] / one['rps']:.2f}x with {n_workers} workers (target >= 1.8x on 2 cores); "
            f"p99 {many['p99']:.0f} ms (target <= 500 ms); errors {one['errors'] + many['errors']} (target 0)"
        )
        rel = reload_row["reload"]
        print(
            f"reload under load ({a.reload_seconds:.0f} s, {n_workers} workers): POST /model/reload -> {rel['status']} "
            f"in {rel['took'] * 1000:.0f} ms; {reload_row['requests']:,} requests, {reload_row['errors']} failed, "
            f"{reload_row['stale']} answers from the old model to requests sent after the reload returned; "
            f"p99 {reload_row['p99']:.0f} ms"
        )
        if reload_row["error_samples"]:
            print("  failed:", "; ".join(reload_row["error_samples"]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

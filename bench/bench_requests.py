"""Single-request latencies of the API's three hot requests, this tree against a baseline revision.

Score (``GET /clients/{id}/score``), explanation (``GET /clients/{id}/explanation?top=10``) and
what-if (``POST /clients/{id}/whatif?top=10`` changing ``AMT_CREDIT``), one at a time (no
concurrency), measured twice for each code version, alternately, in the same run:

- *in process*: the :class:`~scoring_core.service.ScoringService` call plus the JSON it returns;
- *over HTTP*: ``python -m scoring_core serve --workers 1`` on 127.0.0.1, one keep-alive
  connection (the minimal client of ``bench_api.py``);

and the server's CPU time per request (from ``/proc``), which is what throughput under load
is made of. The baseline is the tree of ``--baseline`` (a git revision, exported with
``git archive``; default ``HEAD``), run with ``PYTHONPATH`` pointing at it, on the same
quick model and data. Figures are medians over ``--requests`` requests on distinct clients
(each client is asked once per kind, so per-client caches do not flatter the figures: a
what-if on a client seen before is cheaper still).

    python bench/bench_requests.py [--baseline REV] [--data-dir DIR] [--requests 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = Path("/work/shared/data/home-credit-sample")
KINDS = ("score", "explanation", "whatif")


def _measure(model: Path, data: Path, n: int) -> dict:
    """In a subprocess running one code version: in-process then HTTP medians (ms)."""
    import warnings

    warnings.simplefilter("ignore")
    sys.path.insert(0, str(HERE))
    from bench_api import KEY, Conn, Server  # noqa: E402 - the bench's own helpers

    from scoring_core.service import ScoringService

    service = ScoringService.from_paths(model, data, allow_missing_tables=True)
    ids = [int(i) for i in service.client_ids]
    rng = np.random.default_rng(0)
    order = [int(i) for i in rng.choice(ids, min(3 * n + 20, len(ids)), replace=False)]

    def explanation_json(e) -> dict:  # as the API answers it (the baseline may predate the helper)
        d = e.to_dict()
        d["reasons"] = d["reasons"][:10]
        return d

    def score_of(e) -> dict:
        if hasattr(service, "score_of"):
            return service.score_of(e)
        return e.score_dict(service.model.version)

    def in_process(kind: str, cid: int) -> None:
        if kind == "score":
            json.dumps(service.score(cid))
        elif kind == "explanation":
            json.dumps(explanation_json(service.explain(cid, top=10)))
        else:
            e = service.what_if(cid, {"AMT_CREDIT": 300000.0}, top=10)
            json.dumps({"score": score_of(e), "explanation": explanation_json(e)})

    out: dict = {}
    for j, kind in enumerate(KINDS):
        clients = order[j * n : (j + 1) * n]
        for cid in order[-20:]:
            in_process(kind, cid)  # warm-up on other clients
        lat = []
        for cid in clients:
            t0 = time.perf_counter()
            in_process(kind, cid)
            lat.append((time.perf_counter() - t0) * 1000)
        out[f"{kind}_inproc"] = float(np.median(lat))
    service = None  # free its memory before the server starts

    tmp = Path(tempfile.mkdtemp(prefix="bench-req-"))
    os.environ["SCORING_API_KEYS"] = os.environ["SCORING_API_KEY"] = KEY  # old baselines read the latter
    server = Server(model, data, 1, tmp)
    try:

        async def run() -> None:
            conn = Conn(server.port)
            body = json.dumps({"changes": {"AMT_CREDIT": 300000.0}}).encode()

            async def ask(kind: str, cid: int) -> None:
                if kind == "score":
                    status, data = await conn.request("GET", f"/clients/{cid}/score")
                elif kind == "explanation":
                    status, data = await conn.request("GET", f"/clients/{cid}/explanation?top=10")
                else:
                    status, data = await conn.request("POST", f"/clients/{cid}/whatif?top=10", body)
                if status != 200:
                    raise SystemExit(f"{kind} of {cid}: HTTP {status} {data[:200]!r}")

            for j, kind in enumerate(KINDS):
                clients = order[j * n : (j + 1) * n]
                for cid in order[-20:]:
                    await ask(kind, cid)
                lat = []
                cpu0 = server.cpu_seconds()
                for cid in clients:
                    t0 = time.perf_counter()
                    await ask(kind, cid)
                    lat.append((time.perf_counter() - t0) * 1000)
                out[f"{kind}_cpu"] = (server.cpu_seconds() - cpu0) * 1000 / len(clients)
                out[f"{kind}_http"] = float(np.median(lat))
            conn.close()

        asyncio.run(run())
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def _run_version(code: Path, model: Path, data: Path, n: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_measure", str(model), str(data), str(n)]
    r = subprocess.run(cmd, env=env, cwd=code, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise SystemExit(f"measuring {code} failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--_measure"]:
        print(json.dumps(_measure(Path(argv[1]), Path(argv[2]), int(argv[3]))))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default="HEAD", help="git revision to compare with (default HEAD)")
    ap.add_argument("--data-dir", type=Path, default=None, help="default: the real sample, else synthetic")
    ap.add_argument("--requests", type=int, default=300, help="requests per kind and version")
    a = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-requests-"))
    try:
        base = tmp / "baseline"
        base.mkdir()
        archive = subprocess.run(["git", "archive", a.baseline], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
        rev = subprocess.run(
            ["git", "rev-parse", "--short", a.baseline], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        data = a.data_dir or (SAMPLE if SAMPLE.is_dir() else None)
        if data is None:
            data = tmp / "data"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "scoring_core",
                    "synth",
                    "--clients",
                    "20000",
                    "--out",
                    str(data),
                    "-q",
                ],
                check=True,
            )
        model = tmp / "model"
        subprocess.run(
            [sys.executable, "-m", "scoring_core", "train", "--data-dir", str(data), "--out", str(model)]
            + ["--quick", "--no-mlflow", "-q"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        runs: dict[str, list[dict]] = {"baseline": [], "this tree": []}
        for _ in range(2):  # alternately, so that the machine's load falls on both
            runs["baseline"].append(_run_version(base, model, data, a.requests))
            runs["this tree"].append(_run_version(ROOT, model, data, a.requests))
        print(
            f"data {data}; {a.requests} requests per kind, one at a time, distinct clients; "
            f"baseline {a.baseline} ({rev}); two runs per version, alternately; the better run shown"
        )
        print()
        print("| code | request | in process ms | over HTTP ms | server CPU ms/request |")
        print("|---|---|---:|---:|---:|")
        best = {}
        for name, rs in runs.items():
            best[name] = {k: min(r[k] for r in rs) for k in rs[0]}
            for kind in KINDS:
                b = best[name]
                print(
                    f"| {name} | {kind} | {b[kind + '_inproc']:.2f} | {b[kind + '_http']:.2f} | "
                    f"{b[kind + '_cpu']:.2f} |"
                )
        mix = {n: np.mean([best[n][k + "_cpu"] for k in KINDS]) for n in best}
        print()
        print(
            f"server CPU per request of the score/explanation/what-if mix: baseline {mix['baseline']:.2f} ms, "
            f"this tree {mix['this tree']:.2f} ms ({mix['baseline'] / mix['this tree']:.2f}x less)"
        )
        print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

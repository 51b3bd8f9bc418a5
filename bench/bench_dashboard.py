"""Dashboard speed: server-side time of a client switch, and Voilà cold start in a real browser.

1. Client switch (issue 6: every view updated within 250 ms of server-side time): the
   :class:`~widgets.dashboard.AdvisorDashboard` switches between ``--switches`` random clients,
   in-process and through the scoring API on loopback (the production set-up). Reported per
   step and in total (median, p95, max), with the bare backend calls (score + explanation +
   profile) measured in the same run as the baseline.
2. Cold start (target <= 10 s): Voilà serves ``dashboards/advisor.ipynb`` against the API; a
   fresh headless Chromium page (Debian's ``chromium``) is timed from ``goto`` to the first
   reason on screen, ``--pages`` times (each page load starts a new kernel).

    python bench/bench_dashboard.py [--clients 20000] [--switches 100] [--pages 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
KEY = "bench-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, timeout: float = 120) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} not up after {timeout}s")


def stats(values: list[float]) -> str:
    v = np.asarray(values) * 1000
    return f"median {np.median(v):6.1f} ms  p95 {np.percentile(v, 95):6.1f} ms  max {v.max():6.1f} ms"


def switches(backend, ids: list[int], label: str) -> float:
    from widgets import AdvisorDashboard

    d = AdvisorDashboard(backend)
    d.client_id = ids[0]  # warm-up
    bare, totals, steps = [], [], {}
    for cid in ids[1:]:
        t0 = time.perf_counter()
        backend.score(cid), backend.explanation(cid, top=10), backend.profile(cid)
        bare.append(time.perf_counter() - t0)
        d.client_id = cid
        assert d.error == "", d.error
        totals.append(d.timings["total"])
        for k, v in d.timings.items():
            steps.setdefault(k, []).append(v)
    print(f"\n[{label}] client switch over {len(totals)} clients")
    print(f"  bare backend calls (baseline)  {stats(bare)}")
    for k, v in steps.items():
        if k != "total":
            print(f"  {k:<30} {stats(v)}")
    print(f"  every view updated (total)     {stats(totals)}   ratio to baseline {np.median(totals) / np.median(bare):.1f}x")
    return float(np.median(totals))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=20000)
    ap.add_argument("--switches", type=int, default=100)
    ap.add_argument("--pages", type=int, default=3)
    args = ap.parse_args()
    os.environ.setdefault("SCORING_NO_PROGRESS", "1")
    from scoring_core.service import ScoringService
    from widgets import HttpBackend, LocalBackend

    tmp = Path(tempfile.mkdtemp(prefix="bench-dash-"))
    data, model = tmp / "data", tmp / "model"
    env = {**os.environ, "SCORING_API_KEY": KEY, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp}/mlflow.db",
           "SCORING_API_AUDIT_LOG": str(tmp / "audit.jsonl")}
    py = sys.executable
    subprocess.run([py, "-m", "scoring_core", "synth", "--clients", str(args.clients), "--out", str(data), "-q"],
                   check=True, env=env)
    subprocess.run([py, "-m", "scoring_core", "train", "--data-dir", str(data), "--out", str(model), "--quick", "-q"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    t0 = time.perf_counter()
    service = ScoringService.from_paths(model, data)
    print(f"{len(service.client_ids):,} clients; in-process service loaded in {time.perf_counter() - t0:.1f}s")
    rng = np.random.default_rng(0)
    ids = [int(i) for i in rng.choice(service.client_ids, args.switches + 1, replace=False)]
    switches(LocalBackend(service), ids, "in-process")

    api_port, voila_port = free_port(), free_port()
    procs = [subprocess.Popen([py, "-m", "scoring_core", "serve", "--model", str(model), "--data-dir", str(data),
                               "--port", str(api_port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        wait(f"http://127.0.0.1:{api_port}/health")
        api = f"http://127.0.0.1:{api_port}"
        switches(HttpBackend(api, KEY), ids, "HTTP API")
        voila = str(Path(py).parent / "voila")
        procs.append(subprocess.Popen(
            [voila, str(ROOT / "dashboards" / "advisor.ipynb"), "--no-browser", f"--port={voila_port}",
             "--Voila.ip=127.0.0.1"],
            env={**env, "SCORING_API_URL": api}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
        wait(f"http://127.0.0.1:{voila_port}/voila/static/voila.js")
        from playwright.sync_api import sync_playwright

        times = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("SCORING_CHROMIUM", "/usr/bin/chromium"),
                                         args=FLAGS)
            for i in range(args.pages):
                page = browser.new_page(viewport={"width": 1366, "height": 900})
                t0 = time.monotonic()
                page.goto(f"http://127.0.0.1:{voila_port}/?client={ids[i]}", timeout=120_000)
                page.locator("[data-testid=reasons] li").first.wait_for(timeout=120_000)
                times.append(time.monotonic() - t0)
                page.close()
            browser.close()
        print(f"\n[Voilà cold start] goto -> first reason on screen, {args.pages} fresh pages (new kernel each): "
              + ", ".join(f"{t:.1f}s" for t in times) + f"; median {np.median(times):.1f}s (target <= 10 s)")
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)


if __name__ == "__main__":
    main()

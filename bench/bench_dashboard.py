"""Dashboard speed and kernels: server-side client switch, and Voilà in a real browser.

1. Client switch (every view updated within 250 ms of server-side time): the
   :class:`~widgets.dashboard.AdvisorDashboard` switches between ``--switches`` random clients,
   in-process and through the scoring API on loopback (the production set-up). Reported per
   step and in total (median, p95, max), with the bare backend calls (score + explanation +
   profile) measured in the same run as the baseline.
2. Voilà sessions in headless Chromium (Debian's ``chromium``), API mode, ``--pages`` sessions
   opened one after the other, each: ``goto`` -> first reason on screen (cold start, target
   <= 4 s median), one client typed in the search box -> new verdict and -> page still, then the
   page is left (every other one navigated away, firing Voilà's beforeunload beacon; the others
   abandoned: their browser context closed). Reported: cold start, client switch, RSS of the
   dashboard kernels, kernels left right after the sessions and after the cull timeout.
   Two set-ups in the same run:

   - before: Voilà without ``dashboards/voila.json`` (a kernel per page, no culling) on a copy
     of the notebook that first imports what the widgets imported before issue 11
     (``scoring_core.service``, ``scoring_core.drift``, scipy);
   - after: ``dashboards/voila.json`` (preheated kernels, culling, the beacon accepted) with the
     cull timeout shortened to ``--cull`` seconds so the bench ends.

    python bench/bench_dashboard.py [--clients 20000] [--switches 100] [--pages 20] [--cull 10]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
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
    print(
        f"  every view updated (total)     {stats(totals)}   ratio to baseline {np.median(totals) / np.median(bare):.1f}x"
    )
    return float(np.median(totals))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=20000)
    ap.add_argument("--switches", type=int, default=100)
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--cull", type=int, default=10, help="cull timeout (s) of the 'after' set-up")
    args = ap.parse_args()
    os.environ.setdefault("SCORING_NO_PROGRESS", "1")
    from scoring_core.service import ScoringService
    from widgets import HttpBackend, LocalBackend

    tmp = Path(tempfile.mkdtemp(prefix="bench-dash-"))
    data, model = tmp / "data", tmp / "model"
    env = {
        **os.environ,
        "SCORING_API_KEY": KEY,
        "MLFLOW_TRACKING_URI": f"sqlite:///{tmp}/mlflow.db",
        "SCORING_API_AUDIT_LOG": str(tmp / "audit.jsonl"),
    }
    py = sys.executable
    subprocess.run(
        [py, "-m", "scoring_core", "synth", "--clients", str(args.clients), "--out", str(data), "-q"],
        check=True,
        env=env,
    )
    subprocess.run(
        [py, "-m", "scoring_core", "train", "--data-dir", str(data), "--out", str(model), "--quick", "-q"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    t0 = time.perf_counter()
    service = ScoringService.from_paths(model, data)
    print(
        f"{len(service.client_ids):,} clients; in-process service loaded in {time.perf_counter() - t0:.1f}s"
    )
    rng = np.random.default_rng(0)
    ids = [int(i) for i in rng.choice(service.client_ids, args.switches + 1, replace=False)]
    switches(LocalBackend(service), ids, "in-process")

    api_port = free_port()
    procs = [
        subprocess.Popen(
            [
                py,
                "-m",
                "scoring_core",
                "serve",
                "--model",
                str(model),
                "--data-dir",
                str(data),
                "--port",
                str(api_port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        wait(f"http://127.0.0.1:{api_port}/health")
        api = f"http://127.0.0.1:{api_port}"
        switches(HttpBackend(api, KEY), ids, "HTTP API")
        sessions(api, env, tmp, ids, args)
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)


BEFORE_IMPORTS = (
    "import scipy.special, scoring_core.drift, scoring_core.service  # the widgets' imports before issue 11\n"
)


def kernels(voila: subprocess.Popen) -> dict[int, float]:
    """RSS (MB) of each kernel process of a Voilà server."""
    out = {}
    for p in psutil.Process(voila.pid).children(recursive=True):
        try:
            if any("ipykernel" in part for part in p.cmdline()):
                out[p.pid] = p.memory_info().rss / 1e6
        except psutil.NoSuchProcess:
            pass
    return out


def start_voila(notebook: Path, env: dict, api: str, *extra: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "voila"),
            str(notebook),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
            *extra,
        ],
        env={**env, "SCORING_API_URL": api},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait(f"http://127.0.0.1:{port}/voila/static/voila.js")
    return proc, f"http://127.0.0.1:{port}/"


def run_sessions(browser, url: str, voila, ids: list[int], pages: int) -> dict:
    """``pages`` sessions one after the other; figures of the set-up."""
    cold, verdict, still, rss = [], [], [], []
    for i in range(pages):
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        t0 = time.monotonic()
        page.goto(f"{url}?client={ids[i]}", timeout=120_000)
        page.locator("[data-testid=reasons] li").first.wait_for(timeout=120_000)
        cold.append(time.monotonic() - t0)
        rss.extend(kernels(voila).values())
        # one client typed in the box: -> its verdict, -> the page still for 0.8 s
        page.evaluate(
            "() => { window.__last = performance.now(); new MutationObserver(() => "
            "{ window.__last = performance.now(); }).observe(document.body, {subtree: true, "
            "childList: true, attributes: true, characterData: true}); }"
        )
        cid = ids[pages + i]
        box = page.locator(".scoring-search input")
        box.click()
        page.keyboard.press("Control+A")  # the box shows the current client's ID
        t1 = page.evaluate("() => performance.now()")
        page.keyboard.type(str(cid))
        page.keyboard.press("Enter")
        page.locator("[data-testid=profile-client]").filter(has_text=str(cid)).wait_for(timeout=60_000)
        verdict.append((page.evaluate("() => performance.now()") - t1) / 1000)
        page.wait_for_function("() => performance.now() - window.__last > 800", timeout=60_000)
        still.append((page.evaluate("() => window.__last") - t1) / 1000)
        if i % 2 == 0:
            page.goto("about:blank")  # left: Voilà's beforeunload beacon
        context.close()  # (odd pages: abandoned, no unload)
    return {"cold": cold, "verdict": verdict, "still": still, "rss": rss}


def sessions(api: str, env: dict, tmp: Path, ids: list[int], args) -> None:
    from playwright.sync_api import sync_playwright

    nb = json.loads((ROOT / "dashboards" / "advisor.ipynb").read_text())
    nb["cells"][0]["source"] = [BEFORE_IMPORTS, *nb["cells"][0]["source"]]
    before_nb = ROOT / "dashboards" / f"bench-before-{os.getpid()}.ipynb"  # cwd as the real one
    before_nb.write_text(json.dumps(nb))
    setups = {
        "before": (before_nb, ["--VoilaConfiguration.preheat_kernel=False"]),
        "after": (
            ROOT / "dashboards" / "advisor.ipynb",
            [
                f"--Voila.config_file_paths={ROOT / 'dashboards'}",
                f"--MappingKernelManager.cull_idle_timeout={args.cull}",
                "--MappingKernelManager.cull_interval=2",
            ],
        ),
    }
    results = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=os.environ.get("SCORING_CHROMIUM", "/usr/bin/chromium"), args=FLAGS
            )
            for name, (notebook, extra) in setups.items():
                voila, url = start_voila(notebook, env, api, *extra)
                try:
                    t = time.monotonic()
                    while name == "after" and len(kernels(voila)) < 2 and time.monotonic() - t < 120:
                        time.sleep(
                            0.5
                        )  # the preheated pool is ready (as it is long before the first advisor)
                    pool = len(kernels(voila))
                    r = run_sessions(browser, url, voila, ids, args.pages)
                    r["left"] = len(kernels(voila)) - (pool if name == "after" else 0)
                    t = time.monotonic()
                    while time.monotonic() - t < args.cull + 10:
                        time.sleep(1)
                    r["left_later"] = len(kernels(voila)) - (pool if name == "after" else 0)
                    r["pool"] = pool
                    results[name] = r
                finally:
                    voila.terminate()
                    voila.wait(30)
            browser.close()
    finally:
        before_nb.unlink(missing_ok=True)
    med = lambda v: float(np.median(v))  # noqa: E731
    print(f"\n[Voilà, API mode] {args.pages} sessions per set-up (half left, half abandoned)")
    for name, r in results.items():
        print(
            f"  {name:<6} cold start (goto -> first reason) median {med(r['cold']):5.1f}s  max {max(r['cold']):5.1f}s"
            f"  [{', '.join(f'{t:.1f}' for t in r['cold'])}]"
        )
        print(
            f"  {name:<6} client typed -> new client shown median {med(r['verdict']):5.2f}s; "
            f"-> page still median {med(r['still']):5.2f}s (max {max(r['still']):.2f}s)"
        )
        print(
            f"  {name:<6} RSS per dashboard kernel median {med(r['rss']):5.0f} MB  max {max(r['rss']):5.0f} MB"
            + (f"  (pool of {r['pool']} preheated kernels not counted as left)" if name == "after" else "")
        )
        print(
            f"  {name:<6} kernels left after the sessions: {r['left']}; {args.cull + 10}s later: {r['left_later']}"
        )


if __name__ == "__main__":
    main()

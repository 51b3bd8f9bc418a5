"""JupyterLab: time from running the dashboard cell to the dashboard drawn, in headless Chromium.

A fresh kernel runs the widgets tour's set-up cells (synthetic data, quick model, in-process
backend) and then ``AdvisorDashboard(backend, client_id=client)``; the clock runs from that
cell's execution to the dashboard's plots drawn and its reasons listed. The same measure is
taken with the code of another git revision (``--before``, the baseline of the same run): its
``scoring_core``, ``widgets``... are put first on the kernel's ``PYTHONPATH``.

    python bench/bench_lab.py                     # current tree against 772502e
    python bench/bench_lab.py --before HEAD~5 --runs 3
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import nbformat

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("SCORING_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]  # fmt: skip
PANEL = "window.jupyterapp.shell.currentWidget"
RUN = f"""async (i) => {{ const p = {PANEL}; p.content.activeCellIndex = i;
  await window.jupyterapp.commands.execute('notebook:run-cell'); }}"""
DRAWN = f"""(i) => {{ const cell = {PANEL}.content.widgets[i];
  const plots = [...cell.node.querySelectorAll('.js-plotly-plot')].filter(p => p.offsetParent !== null);
  return plots.length >= 2 && plots.every(p => {{ const s = p.querySelector('.main-svg');
    return s && s.getBoundingClientRect().width > 0 && s.getBoundingClientRect().height > 0; }})
    && cell.node.querySelector('[data-testid=reasons] li') !== null; }}"""
READY = (
    f"() => window.jupyterapp && {PANEL} && {PANEL}.sessionContext && {PANEL}.sessionContext.session "
    f"&& {PANEL}.sessionContext.session.kernel && {PANEL}.sessionContext.session.kernel.status === 'idle'"
)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _notebook(path: Path) -> None:
    tour = nbformat.read(ROOT / "notebooks" / "00_widgets_tour.ipynb", as_version=4)
    code = [c for c in tour.cells if c.cell_type == "code"]
    setup = [c for c in code if "parameters" in c.metadata.get("tags", []) or "LocalBackend(" in c.source]
    tour.cells = [*setup, code[-1]]
    nbformat.write(tour, path)


def measure(root: Path, pythonpath: str | None, runs: int, browser) -> list[float]:
    """Seconds from the dashboard cell's run to the dashboard drawn, ``runs`` fresh kernels."""
    _notebook(root / "cold.ipynb")
    port, token = _port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(root / ".jc"), "JUPYTER_DATA_DIR": str(root / ".jd"),
           "JUPYTER_RUNTIME_DIR": str(root / ".jr"), "SCORING_NO_PROGRESS": "1"}  # fmt: skip
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent)) or "jupyter"
    args = [jupyter, "lab", "--no-browser", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            "--LabApp.expose_app_in_browser=True", f"--LabApp.workspaces_dir={root / '.jw'}",
            "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
            *(["--allow-root"] if os.geteuid() == 0 else [])]  # fmt: skip
    out = []
    with open(root / "lab.log", "w") as log:
        proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(400):
            try:
                if httpx.get(f"{url}/api/status", params={"token": token}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(f"{url}/lab/tree/cold.ipynb?token={token}&reset", timeout=120_000)
            page.wait_for_function(READY, timeout=120_000)
            page.evaluate(RUN, 0)
            page.evaluate(RUN, 1)
            t0 = time.monotonic()
            page.evaluate(RUN, 2)
            page.wait_for_function(DRAWN, arg=2, timeout=180_000)
            out.append(time.monotonic() - t0)
            page.evaluate(f"() => {PANEL}.sessionContext.shutdown()")
            page.close()
    finally:
        proc.terminate()
        proc.wait(15)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="772502e", help="git revision of the baseline")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-lab-") as tmp, sync_playwright() as pw:
        tmp = Path(tmp)
        old = tmp / "before-src"
        old.mkdir()
        archive = subprocess.run(
            ["git", "archive", args.before], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        for label, path in ((f"before ({args.before})", str(old)), ("now", None)):
            root = tmp / label.split()[0]
            root.mkdir()
            times = measure(root, path, args.runs, browser)
            print(
                f"{label:22s} dashboard cell run -> drawn: median {statistics.median(times):.1f}s "
                f"(runs: {', '.join(f'{t:.1f}' for t in times)})"
            )
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

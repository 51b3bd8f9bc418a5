"""The Voilà dashboard in a real browser (headless Chromium from the system, driven by Playwright).

Production set-up: the scoring API serves a synthetic quick model; Voilà serves
``dashboards/advisor.ipynb`` with ``SCORING_API_URL``/``SCORING_API_KEY`` pointing at it.
Screenshots go to ``build/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = os.environ.get("SCORING_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
KEY = "browser-test-key"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90.0, headers=None) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            pytest.fail(f"server exited early ({proc.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2, headers=headers).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} not up after {timeout:.0f}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def servers(synth_dir, tmp_path_factory):
    """The scoring API and Voilà, as separate processes (like ./run.sh)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium; .ci/run does) "
            "or set SCORING_CHROMIUM"
        )
    tmp = tmp_path_factory.mktemp("browser")
    env = {**os.environ, "SCORING_API_KEY": KEY, "SCORING_NO_PROGRESS": "1", "PYTHONUNBUFFERED": "1"}
    model = tmp / "model"
    subprocess.run(
        [sys.executable, "-m", "scoring_core", "train", "--data-dir", str(synth_dir), "--out", str(model),
         "--quick", "-q"],
        check=True, env={**env, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp}/mlflow.db"}, capture_output=True,
    )
    api_port, voila_port = _port(), _port()
    procs = []
    api_log, voila_log = tmp / "api.log", tmp / "voila.log"
    with open(api_log, "w") as out:
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "scoring_core", "serve", "--model", str(model), "--data-dir", str(synth_dir),
             "--port", str(api_port)],
            env={**env, "SCORING_API_AUDIT_LOG": str(tmp / "audit.jsonl")}, stdout=out, stderr=subprocess.STDOUT,
        ))
    try:
        _wait(f"http://127.0.0.1:{api_port}/health", procs[0], api_log)
        voila = shutil.which("voila", path=str(Path(sys.executable).parent)) or "voila"
        with open(voila_log, "w") as out:
            procs.append(subprocess.Popen(
                [voila, str(ROOT / "dashboards" / "advisor.ipynb"), "--no-browser", f"--port={voila_port}",
                 "--Voila.ip=127.0.0.1", "--show_tracebacks=False"],
                env={**env, "SCORING_API_URL": f"http://127.0.0.1:{api_port}"},
                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
            ))
        _wait(f"http://127.0.0.1:{voila_port}/voila/static/voila.js", procs[1], voila_log)
        ids = httpx.get(
            f"http://127.0.0.1:{api_port}/clients", params={"limit": 400, "order": "id"}, headers={"X-API-Key": KEY}
        ).json()["clients"]
        yield {"url": f"http://127.0.0.1:{voila_port}/", "clients": ids, "api": f"http://127.0.0.1:{api_port}"}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _verdict(page) -> str:
    return page.locator(".scoring-verdict").first.inner_text()


def _sensitive_client(api: str, candidates: list[dict]) -> dict:
    """A client whose score moves when the annuity is 2.5 times higher (asked to the API), so
    that the browser test checks the page's wiring, not one client's sensitivity."""
    h = {"X-API-Key": KEY}
    for c in candidates:
        annuity = httpx.get(f"{api}/clients/{c['client_id']}", headers=h).json()["AMT_ANNUITY"]
        if not annuity:
            continue
        w = httpx.post(
            f"{api}/clients/{c['client_id']}/whatif", headers=h, json={"changes": {"AMT_ANNUITY": annuity * 2.5}}
        ).json()
        if abs(w["score"]["probability"] - c["probability"]) > 0.001:
            return c
    pytest.fail("no client's score moves with the annuity: the synthetic model ignores it")


def test_dashboard_end_to_end(servers, browser):
    clients = servers["clients"]
    refused = next(c for c in clients if c["decision"] == "refuse")
    approved = _sensitive_client(servers["api"], [c for c in clients if c["decision"] == "approve"][:60])
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    t0 = time.monotonic()
    page.goto(f"{servers['url']}?client={refused['client_id']}", timeout=90_000)
    page.locator("[data-testid=reasons] li").first.wait_for(timeout=90_000)
    cold = time.monotonic() - t0
    print(f"cold start to an interactive page: {cold:.1f}s")
    assert "Refuse" in _verdict(page)
    shown = f"{100 * refused['probability']:.1f}%"
    page.wait_for_function(  # the gauge's number (plotly animates it to the value)
        "(v) => [...document.querySelectorAll('.indicatorlayer .number')].some(n => n.textContent === v)",
        arg=shown, timeout=10_000,
    )
    assert page.locator("[data-testid=reasons] li").count() >= 3
    assert "TARGET" not in page.content()
    _shot(page, "01_client_from_url")

    # pick another client by typing its ID
    box = page.get_by_placeholder("type an ID or its first digits")
    box.fill(str(approved["client_id"]))
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.scoring-verdict') && "
        "document.querySelector('.scoring-verdict').innerText.includes('Approve')",
        timeout=30_000,
    )
    assert str(approved["client_id"]) in page.locator("[data-testid=profile-client]").inner_text()
    _shot(page, "02_client_picked")

    # the comparison tab draws the population views
    page.get_by_role("tab", name="Comparison").click()
    page.get_by_text("This client among all clients").wait_for()
    _shot(page, "03_comparison")

    # what-if: type a larger loan annuity into its slider's readout and see the score change
    page.get_by_role("tab", name="What if").click()
    readout = page.locator(".widget-slider .widget-readout").nth(1)
    readout.wait_for()
    before = float(readout.inner_text().replace(",", ""))
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(int(before * 2.5)))
    page.keyboard.press("Enter")
    result = page.locator("[data-testid=whatif-result]")
    result.wait_for(timeout=30_000)
    text = result.inner_text()
    assert "simulated" in text and "pts" in text
    change = float(text.split("change")[1].split("pts")[0])
    assert change != 0
    assert float(readout.inner_text().replace(",", "")) > before
    page.wait_for_function(  # the what-if gauge shows the change against the current score
        "() => [...document.querySelectorAll('.indicatorlayer .delta')].some(n => n.textContent.includes('pts'))",
        timeout=10_000,
    )
    _shot(page, "04_whatif")

    # the threshold tuner
    page.get_by_role("tab", name="Threshold").click()
    page.locator("[data-testid=confusion]").wait_for()
    _shot(page, "05_threshold")
    page.close()


def test_french_and_errors(servers, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    cid = servers["clients"][0]["client_id"]
    page.goto(f"{servers['url']}?client={cid}&lang=fr", timeout=90_000)
    page.locator("[data-testid=reasons] li").first.wait_for(timeout=90_000)
    assert any(w in _verdict(page) for w in ("Accord", "Refus"))
    assert "Principaux facteurs" in page.content()
    _shot(page, "06_french")
    page.goto(f"{servers['url']}?client=999999999", timeout=90_000)
    alert = page.locator("[data-testid=dashboard-error]")
    alert.wait_for(timeout=90_000)
    assert "999999999" in alert.inner_text()
    _shot(page, "07_unknown_client")
    page.close()

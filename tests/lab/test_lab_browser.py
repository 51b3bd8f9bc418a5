"""The widgets in JupyterLab, in a real browser (headless Chromium from the system, via Playwright).

JupyterLab serves a copy of ``notebooks/00_widgets_tour.ipynb`` (random port, token, no browser);
the test opens it, runs every cell and checks what a data scientist sees: every widget view is
rendered (no fallback text, no error), every plot is drawn at its figure's height and at a
width inside Lab's output area, and nothing overflows the output area, at full width and in a
700 px wide window. It prints the time from running the dashboard cell to the dashboard drawn.
Screenshots go to ``build/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TOUR = ROOT / "notebooks" / "00_widgets_tour.ipynb"
SHOTS = ROOT / "build" / "screenshots"
#: plots each widget cell draws when it is shown (the dashboard: those of its first tab and sidebar)
PLOTS = {
    "ScoreGauge": 1,
    "ShapWaterfall": 1,
    "GlobalImportance": 1,
    "FeatureDistribution": 1,
    "BivariateView": 1,
    "ThresholdTuner": 1,
    "DriftPanel": 1,
    "AdvisorDashboard": 2,
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory, free_port):
    """JupyterLab on a directory holding a copy of the tour notebook (its kernel writes there)."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(TOUR, root / TOUR.name)
    state = root / ".jupyter"
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(state / "config"),
        "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
        "JUPYTER_DATA_DIR": str(state / "data"),
        "SCORING_NO_PROGRESS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent)) or "jupyter"
    log = root / "lab.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                jupyter, "lab", "--no-browser", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
                "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
                f"--LabApp.workspaces_dir={state / 'workspaces'}", f"--LabApp.user_settings_dir={state / 'settings'}",
                "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.extension_manager=readonly",
                *(["--allow-root"] if os.geteuid() == 0 else []),  # CI runs as root
            ],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=root,
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        t0 = time.monotonic()
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited early ({proc.returncode}):\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/api/status", params={"token": token}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() - t0 > 120:
                pytest.fail(f"JupyterLab not up after 120 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield {"url": url, "token": token, "root": root, "log": log}
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


# -- in the page ------------------------------------------------------------------------------
_PANEL = "window.jupyterapp.shell.currentWidget"

_RUN_CELL = """async (i) => {
  const panel = __PANEL__;
  panel.content.activeCellIndex = i;
  await window.jupyterapp.commands.execute('notebook:run-cell');
  const cell = panel.content.widgets[i];
  return cell.model.sharedModel.getSource();
}""".replace("__PANEL__", _PANEL)

#: Per code cell: its widget views, their plots (visible ones: a plot in a hidden tab has no
#: size), errors, and whether anything sticks out of Lab's output area.
_INSPECT = """(i) => {
  const panel = __PANEL__;
  const cell = panel.content.widgets[i];
  const area = cell.node.querySelector('.jp-OutputArea');
  const outputs = [...cell.node.querySelectorAll('.jp-OutputArea-output')];
  const box = area ? area.getBoundingClientRect() : {left: 0, right: 0, width: 0};
  // every plotly plot shown: the project's light view (.scoring-plot) or plotly's FigureWidget
  const plots = [...cell.node.querySelectorAll('.js-plotly-plot')].filter(p => p.offsetParent !== null)
    .map(p => {
      const svg = p.querySelector('.main-svg');
      const r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0, left: 0, right: 0};
      const light = p.closest('.scoring-plot');
      const height = light ? Number(light.dataset.figureHeight) : (p.layout && p.layout.height) || 0;
      return {width: r.width, height: r.height, left: r.left, right: r.right, figureHeight: height};
    });
  // inside a box that clips or scrolls its content (a wide table's scroll box), nothing sticks out
  const clipped = (el, top) => {
    for (let a = el.parentElement; a && a !== top; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  let culprit = '';
  const widest = outputs.map(o => {
    let right = o.getBoundingClientRect().right;
    for (const el of o.querySelectorAll('*')) {
      if (el.offsetParent === null || clipped(el, o)) continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > right) {
        right = r.right;
        culprit = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (${Math.round(r.width)} px)`;
      }
    }
    return right;
  });
  return {
    views: cell.node.querySelectorAll('.jp-OutputArea-output .jupyter-widgets').length,
    fallback: outputs.some(o => /^(Loading widget|Error displaying widget)/.test(o.innerText.trim())
                                || o.dataset.mimeType === 'text/plain' && /Widget|Panel|View|Dashboard/.test(o.innerText)),
    errors: cell.node.querySelectorAll('[data-mime-type="application/vnd.jupyter.error"]').length,
    text: outputs.map(o => o.innerText).join('\\n').slice(0, 400),
    area: {left: box.left, right: box.right, width: box.width},
    overflow: Math.max(0, ...widest.map(w => w - box.right)),
    culprit,
    // a horizontal scroll bar inside the widget, but where one is meant (.scoring-scroll: a wide table)
    scrollbars: outputs.flatMap(o => [o, ...o.querySelectorAll('*')])
      .filter(el => el.offsetParent !== null && !el.closest('.scoring-scroll') && el.clientWidth > 0
              && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
      .map(el => {
        const wide = [...el.querySelectorAll('*')].filter(c => c.offsetParent !== null)
          .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)[0];
        const what = wide ? `${wide.tagName.toLowerCase()}.${[...wide.classList].slice(-2).join('.')}` : '';
        return `${el.tagName.toLowerCase()}.${[...el.classList].slice(-2).join('.')} ${el.scrollWidth}>${el.clientWidth} (${what})`;
      }),
    plots,
  };
}""".replace("__PANEL__", _PANEL)

_DRAWN = """(i) => {
  const cell = __PANEL__.content.widgets[i];
  const plots = [...cell.node.querySelectorAll('.js-plotly-plot')].filter(p => p.offsetParent !== null);
  return plots.length >= 2 && plots.every(p => {
    const s = p.querySelector('.main-svg');
    return s && s.getBoundingClientRect().width > 0 && s.getBoundingClientRect().height > 0;
  }) && cell.node.querySelector('[data-testid=reasons] li') !== null;
}""".replace("__PANEL__", _PANEL)


def _widget(source: str) -> str | None:
    last = source.strip().splitlines()[-1] if source.strip() else ""
    for name in (*PLOTS, "ClientPicker", "ClientProfile", "ReasonsView", "WhatIfPanel", "CounterfactualView"):
        if (
            last.startswith(name + "(")
            or (name == "WhatIfPanel" and last == "whatif")
            or (name == "ClientPicker" and last == "picker")
        ):
            return name
    return "ThresholdTuner" if last == ")" and "ThresholdTuner(" in source else None


def _problems(page, cells: dict[int, str], where: str) -> tuple[dict[str, dict], list[str]]:
    """What a user would see wrong in each widget cell (every problem, not just the first)."""
    seen, bad = {}, []
    for i, name in cells.items():
        page.evaluate(f"(i) => {_PANEL}.content.widgets[i].node.scrollIntoView()", i)
        page.wait_for_timeout(400)  # a plot that came into view redraws at its width
        r = page.evaluate(_INSPECT, i)
        seen[name] = r
        if r["errors"]:
            bad.append(f"{where}: {name} cell shows an error: {r['text']}")
        if r["views"] < 1 or r["fallback"]:
            bad.append(f"{where}: {name} is not rendered as a widget: {r['text']}")
        if len(r["plots"]) < PLOTS.get(name, 0):
            bad.append(f"{where}: {name} draws {len(r['plots'])} plots")
        for p in r["plots"]:
            if not (p["width"] > 0 and p["height"] > 0):
                bad.append(f"{where}: a plot of {name} has no size: {p}")
            elif abs(p["height"] - p["figureHeight"]) > 1:
                bad.append(f"{where}: a plot of {name} is not at its figure's height: {p}")
            if p["left"] < r["area"]["left"] - 1 or p["right"] > r["area"]["right"] + 1:
                bad.append(f"{where}: a plot of {name} sticks out of Lab's output area {r['area']}: {p}")
        if r["scrollbars"]:
            bad.append(f"{where}: {name} scrolls sideways: {r['scrollbars']}")
        if r["overflow"] > 1:
            bad.append(
                f"{where}: {name} overflows Lab's output area by {r['overflow']:.0f} px ({r['culprit']})"
            )
    return seen, bad


def _check(page, cells: dict[int, str], where: str) -> dict[str, dict]:
    seen, bad = _problems(page, cells, where)
    assert not bad, "\n".join(bad)
    return seen


def test_tour_notebook_in_jupyterlab(lab, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{lab['url']}/lab/tree/{TOUR.name}?token={lab['token']}&reset", timeout=120_000)
    page.wait_for_function(
        f"() => window.jupyterapp && {_PANEL} && {_PANEL}.content && {_PANEL}.sessionContext "
        f"&& {_PANEL}.sessionContext.session && {_PANEL}.sessionContext.session.kernel "
        f"&& {_PANEL}.sessionContext.session.kernel.status === 'idle'",
        timeout=120_000,
    )
    n = page.evaluate(f"() => {_PANEL}.content.widgets.length")
    kinds = page.evaluate(f"() => {_PANEL}.content.widgets.map(c => c.model.type)")
    assert n == len(kinds) > 20
    widget_cells: dict[int, str] = {}
    dashboard_cell = None
    for i, kind in enumerate(kinds):
        if kind != "code":
            continue
        if i == max(j for j, k in enumerate(kinds) if k == "code"):
            dashboard_cell = i
            break
        source = page.evaluate(_RUN_CELL, i)
        name = _widget(source)
        if name:
            widget_cells[i] = name
    assert dashboard_cell is not None
    t0 = time.monotonic()
    source = page.evaluate(_RUN_CELL, dashboard_cell)
    assert "AdvisorDashboard(" in source
    page.wait_for_function(_DRAWN, arg=dashboard_cell, timeout=120_000)
    drawn = time.monotonic() - t0
    print(f"JupyterLab: dashboard cell run to dashboard drawn: {drawn:.1f}s")
    widget_cells[dashboard_cell] = "AdvisorDashboard"
    missing = set(PLOTS) | {
        "ClientPicker",
        "ClientProfile",
        "ReasonsView",
        "WhatIfPanel",
        "CounterfactualView",
    }
    assert missing <= set(widget_cells.values()), (
        f"widgets the tour does not show: {missing - set(widget_cells.values())}"
    )
    page.wait_for_timeout(500)  # plots drawn by the cells above settle
    SHOTS.mkdir(parents=True, exist_ok=True)

    full, bad = _problems(page, widget_cells, "full width")
    page.locator(".jp-OutputArea-output .scoring-app").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "lab_01_dashboard_full.png"))
    widest_full = max((p["width"] for p in full["AdvisorDashboard"]["plots"]), default=0)

    page.set_viewport_size({"width": 700, "height": 900})
    page.wait_for_timeout(1500)  # Lab relayouts, the plots redraw at their new width
    narrow, more = _problems(page, widget_cells, "700 px window")
    bad += more
    page.locator(".jp-OutputArea-output .scoring-app").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "lab_02_dashboard_700px.png"))
    # the dashboard's main column wraps under the sidebar rather than squeezing the waterfall
    for name in ("AdvisorDashboard", "ShapWaterfall"):
        area = narrow[name]["area"]["width"]
        widest = max((p["width"] for p in narrow[name]["plots"]), default=0)
        if widest < 0.8 * area:
            bad.append(
                f"700 px window: {name}'s plots squeezed to {widest:.0f} px in a {area:.0f} px output area"
            )
    assert not bad, "\n".join(bad)

    page.set_viewport_size({"width": 1366, "height": 900})
    page.wait_for_timeout(1500)
    again = _check(page, widget_cells, "back to full width")
    assert max(p["width"] for p in again["AdvisorDashboard"]["plots"]) == pytest.approx(widest_full, abs=2)
    page.close()


def test_dashboard_cold_in_jupyterlab(lab, browser):
    """A fresh kernel that shows only the dashboard: the time a data scientist waits after
    running the cell (plotly.js travels with the kernel's first plot)."""
    import nbformat

    nb = nbformat.read(TOUR, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    setup = [c for c in code if "parameters" in c.metadata.get("tags", []) or "LocalBackend(" in c.source]
    nb.cells = [*setup, code[-1]]
    assert "AdvisorDashboard(" in code[-1].source and len(setup) == 2
    name = "cold_dashboard.ipynb"
    nbformat.write(nb, lab["root"] / name)
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{lab['url']}/lab/tree/{name}?token={lab['token']}&reset", timeout=120_000)
    page.wait_for_function(
        f"() => window.jupyterapp && {_PANEL} && {_PANEL}.content && {_PANEL}.sessionContext "
        f"&& {_PANEL}.sessionContext.session && {_PANEL}.sessionContext.session.kernel "
        f"&& {_PANEL}.sessionContext.session.kernel.status === 'idle'",
        timeout=120_000,
    )
    for i in range(len(setup)):
        page.evaluate(_RUN_CELL, i)
    t0 = time.monotonic()
    page.evaluate(_RUN_CELL, len(setup))
    page.wait_for_function(_DRAWN, arg=len(setup), timeout=120_000)
    drawn = time.monotonic() - t0
    print(f"JupyterLab, fresh kernel: dashboard cell run to dashboard drawn: {drawn:.1f}s")
    _check(page, {len(setup): "AdvisorDashboard"}, "fresh kernel")
    page.close()

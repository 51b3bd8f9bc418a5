"""A light plotly view for the widgets: the figure as widget state, plotly.js sent once.

Plotly's own ``FigureWidget`` ships its 5 MB JavaScript bundle with every figure and sends
later updates as one-off messages. A dashboard of ten figures then makes the browser load
plotly ten times (about 2 s each on a laptop without GPU), and a figure updated before the
page connects (Voilà runs the notebook first) shows its first state. Here the figure's JSON is
a synced trait, so any view draws the current figure, and plotly.js travels with the first
plot of the kernel only; the other plots wait for it.

Use it like a figure: build a ``plotly.graph_objects.Figure``, change it, then :meth:`show`
(or assign :attr:`PlotlyPlot.figure`).
"""

from __future__ import annotations

import json

import anywidget
import plotly.graph_objects as go
import traitlets as T

__all__ = ["PlotlyPlot"]

_ESM = r"""
function plotlyReady(model) {
  const lib = model.get("_lib");
  if (lib && !globalThis.Plotly && !globalThis.__scoringPlotlyLoading) {
    const url = URL.createObjectURL(new Blob([lib], { type: "text/javascript" }));
    globalThis.__scoringPlotlyLoading = import(/* webpackIgnore: true */ url);
  }
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    (function wait() {
      if (globalThis.Plotly) return resolve(globalThis.Plotly);
      if (Date.now() - t0 > 60000) return reject(new Error("plotly.js did not load"));
      setTimeout(wait, 25);
    })();
  });
}

const CONFIG = { displaylogo: false, responsive: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };

export default {
  initialize({ model }) { plotlyReady(model).catch(() => {}); },
  async render({ model, el }) {
    const div = document.createElement("div");
    div.className = "scoring-plot";
    // Follow the width of the page, never impose one: "width 0, min-width 100%" gives the div
    // its container's width while its drawn content (fixed-width SVG) adds nothing to the
    // container's minimum width, so a narrower output area (JupyterLab, a 700 px window)
    // shrinks the div, the ResizeObserver below fires and the plot is redrawn at the new width.
    Object.assign(div.style, { width: "0", minWidth: "100%", overflow: "hidden" });
    Object.assign(el.style, { minWidth: "0", maxWidth: "100%" });
    el.appendChild(div);
    // The figure's own height, on the div before anything is drawn: the page keeps the space
    // and never depends on plotly measuring a container (an auto-height div measures 0).
    const intended = () => {
      const layout = (model.get("figure") || {}).layout || {};
      return { height: layout.height || 450, width: layout.width || null };
    };
    const reserve = () => {
      const { height } = intended();
      div.style.height = height + "px";
      div.dataset.figureHeight = String(height);
    };
    reserve();
    let Plotly;
    try { Plotly = await plotlyReady(model); }
    catch (e) { div.textContent = "The chart library could not be loaded: " + e.message; return; }
    let drawn = null;  // the figure and width last drawn
    let busy = false, again = false, alive = true;
    // Draw at an explicit width and height (never plotly's autosize: its resize deletes the
    // layout's height and sizes the plot to its container, which is 0 px high); one draw at a
    // time, the last figure wins; a hidden plot (width 0) is drawn when it is shown.
    const draw = async () => {
      if (busy) { again = true; return; }
      busy = true;
      try {
        do {
          again = false;
          reserve();
          const f = model.get("figure") || {};
          const { height, width: fixed } = intended();
          const width = fixed || div.clientWidth;
          if (!alive || !width) break;
          if (drawn && drawn.f === f && drawn.width === width) break;
          const layout = Object.assign({}, f.layout || {}, { width, height, autosize: false });
          try { await Plotly.react(div, f.data || [], layout, CONFIG); }
          catch (e) { console.error("scoring-plot: drawing failed", e); }
          drawn = { f, width };
        } while (again);
      } finally { busy = false; }
    };
    const onFigure = () => { draw(); };
    model.on("change:figure", onFigure);
    const ro = new ResizeObserver(() => { draw(); });
    ro.observe(div);
    draw();
    return () => { alive = false; ro.disconnect(); model.off("change:figure", onFigure); Plotly.purge(div); };
  },
};
"""

_CARRIER: PlotlyPlot | None = None  # the plot that carries plotly.js in this kernel


class PlotlyPlot(anywidget.AnyWidget):
    """A plotly figure shown in the browser; ``figure`` is its JSON (``fig.to_plotly_json``)."""

    _esm = T.Unicode(_ESM).tag(sync=True)
    _lib = T.Unicode("").tag(sync=True)
    figure = T.Dict().tag(sync=True)

    def __init__(self, fig: go.Figure | None = None, **kw):
        global _CARRIER
        super().__init__(**kw)
        if _CARRIER is None or _CARRIER.comm is None:  # first plot (or the carrier was closed)
            from plotly.offline import get_plotlyjs

            self._lib = get_plotlyjs()
            _CARRIER = self
        if fig is not None:
            self.show(fig)

    def show(self, fig: go.Figure) -> None:
        """Draw ``fig`` (its JSON is sent; numpy arrays become lists)."""
        self.figure = json.loads(fig.to_json())

"""Reports rendered from ``scoring_core`` results (may use plotly; ``scoring_core`` never does).

- :func:`render_drift_html`: a self-contained HTML drift report (plotly.js inline, works
  offline).
- :func:`drift_figure`: the reference-against-current histogram of one column, shared by the
  HTML report, the notebook and the drift panel widget.
- :func:`render_methodology`: the methodology note of a model (papermill run of the shipped
  methodology notebook, converted to HTML by nbconvert).
- :mod:`.summary`: a client's printable decision summary (no plotly).

The names are imported on first use (PEP 562): the summary, used by the API, needs no plotly
(plotly is in the ``widgets`` / ``notebooks`` / ``reports`` extras, not the core or ``api``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring_core._lazy import lazy_exports

if TYPE_CHECKING:
    from .drift_figures import (
        CURRENT_COLOR,
        REFERENCE_COLOR,
        STATUS_COLORS,
        STATUS_SYMBOLS,
        drift_figure,
        update_drift_figure,
    )
    from .drift_html import drift_html, render_drift_html
    from .methodology import ReportError, methodology_template, render_methodology

_EXPORTS = {
    "CURRENT_COLOR": ".drift_figures",
    "REFERENCE_COLOR": ".drift_figures",
    "STATUS_COLORS": ".drift_figures",
    "STATUS_SYMBOLS": ".drift_figures",
    "drift_figure": ".drift_figures",
    "update_drift_figure": ".drift_figures",
    "drift_html": ".drift_html",
    "render_drift_html": ".drift_html",
    "ReportError": ".methodology",
    "methodology_template": ".methodology",
    "render_methodology": ".methodology",
}

__all__ = [
    "CURRENT_COLOR",
    "REFERENCE_COLOR",
    "STATUS_COLORS",
    "STATUS_SYMBOLS",
    "drift_figure",
    "drift_html",
    "render_drift_html",
    "update_drift_figure",
    "ReportError",
    "methodology_template",
    "render_methodology",
]

lazy_exports(__name__, _EXPORTS)

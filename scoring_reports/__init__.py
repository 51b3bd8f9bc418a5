"""Reports rendered from ``scoring_core`` results (may use plotly; ``scoring_core`` never does).

- :func:`render_drift_html`: a self-contained HTML drift report (plotly.js inline, works
  offline).
- :func:`drift_figure`: the reference-against-current histogram of one column, shared by the
  HTML report, the notebook and the drift panel widget.
- :func:`render_methodology`: the methodology note of a model (papermill run of the shipped
  methodology notebook, converted to HTML by nbconvert).
"""

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

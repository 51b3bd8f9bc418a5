"""ipywidgets + plotly components of the advisor dashboard, each usable on its own in JupyterLab.

Widgets receive objects (a backend, plain data), hold their state in traitlets and redraw
through one update path. The dashboard talks to the model through :mod:`widgets.backend`:
in-process, or the scoring API over HTTP.

The names are imported on first use (PEP 562), so that importing one light submodule
(e.g. for labels) does not load the heavy ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring_core._lazy import lazy_exports

if TYPE_CHECKING:
    from .backend import Backend, BackendError, HttpBackend, LocalBackend, backend_from_env
    from .dashboard import AdvisorDashboard
    from .drift_panel import DriftPanel
    from .explanation import GlobalImportance, ReasonsView, ShapWaterfall
    from .gauge import ScoreGauge
    from .picker import ClientPicker
    from .population import BivariateView, FeatureDistribution
    from .profile import SENSITIVE_FIELDS, ClientProfile
    from .threshold import ThresholdTuner
    from .whatif import WHATIF_FIELDS, CounterfactualView, WhatIfPanel

_EXPORTS = {
    "Backend": ".backend",
    "BackendError": ".backend",
    "HttpBackend": ".backend",
    "LocalBackend": ".backend",
    "backend_from_env": ".backend",
    "AdvisorDashboard": ".dashboard",
    "DriftPanel": ".drift_panel",
    "GlobalImportance": ".explanation",
    "ReasonsView": ".explanation",
    "ShapWaterfall": ".explanation",
    "ScoreGauge": ".gauge",
    "ClientPicker": ".picker",
    "BivariateView": ".population",
    "FeatureDistribution": ".population",
    "SENSITIVE_FIELDS": ".profile",
    "ClientProfile": ".profile",
    "ThresholdTuner": ".threshold",
    "WHATIF_FIELDS": ".whatif",
    "CounterfactualView": ".whatif",
    "WhatIfPanel": ".whatif",
}

__all__ = [
    "AdvisorDashboard",
    "Backend",
    "BackendError",
    "BivariateView",
    "ClientPicker",
    "ClientProfile",
    "CounterfactualView",
    "DriftPanel",
    "FeatureDistribution",
    "GlobalImportance",
    "HttpBackend",
    "LocalBackend",
    "ReasonsView",
    "SENSITIVE_FIELDS",
    "ScoreGauge",
    "ShapWaterfall",
    "ThresholdTuner",
    "WHATIF_FIELDS",
    "WhatIfPanel",
    "backend_from_env",
]


lazy_exports(__name__, _EXPORTS)

"""ipywidgets + plotly components of the advisor dashboard, each usable on its own in JupyterLab.

Widgets receive objects (a backend, plain data), hold their state in traitlets and redraw
through one update path. The dashboard talks to the model through :mod:`widgets.backend`:
in-process, or the scoring API over HTTP.
"""

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

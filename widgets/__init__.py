"""ipywidgets + plotly components of the advisor dashboard (issue 6, in progress).

So far: the backend interface the widgets talk to (:mod:`widgets.backend`).
"""

from .backend import Backend, BackendError, HttpBackend, LocalBackend, backend_from_env

__all__ = ["Backend", "BackendError", "HttpBackend", "LocalBackend", "backend_from_env"]
